/*
 * Fuzz oobd.conf's directives: any bytes as a configuration, through the
 * typed table and every handler (numbers, durations, phone numbers, link
 * arguments, relay names, notify and console sections) and the whole-file
 * checks.  Whatever the input, the result is either an error with a
 * message or a configuration whose strings are terminated within their
 * fields and whose numbers are within their directives' ranges.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oobd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
terminated(const char *s, size_t len)
{
	if (memchr(s, '\0', len) == NULL)
		abort();
}

#define TERMINATED(field) terminated(field, sizeof(field))

static void
within(int64_t v, int64_t min, int64_t max)
{
	if (v < min || v > max)
		abort();
}

static void
check_conf(const struct oobd_conf *c)
{
	TERMINATED(c->modem_port);
	TERMINATED(c->modem_pin_file);
	TERMINATED(c->otp_secret_file);
	TERMINATED(c->owner);
	TERMINATED(c->relay_host);
	TERMINATED(c->relay_user);
	TERMINATED(c->link_ifname);
	TERMINATED(c->link_gateway);
	TERMINATED(c->link_dns);
	TERMINATED(c->ppp_device);
	TERMINATED(c->apn);
	TERMINATED(c->dial_number);
	TERMINATED(c->tunnel_bind);
	TERMINATED(c->tunnel_target);
	TERMINATED(c->ssh_path);
	TERMINATED(c->ssh_key);
	TERMINATED(c->ssh_known_hosts);
	TERMINATED(c->state_dir);
	TERMINATED(c->run_dir);
	TERMINATED(c->control_path);
	TERMINATED(c->control_group);
	if (c->nsenders < 1 || c->nsenders > OOBD_MAX_SENDERS || c->link_argc > OOBD_LINK_ARGS)
		abort();
	for (int i = 0; i < c->nsenders; i++)
		TERMINATED(c->senders[i]);
	for (int i = 0; i < c->link_argc; i++)
		TERMINATED(c->link_argv[i]);
	if (c->session.default_ms > c->session.max_ms)
		abort();
	within(c->otp_window, 0, 10);
	within(c->auth_max_failures, 1, 100);
	within(c->session.retries, 1, 20);
	within(c->modem_status_ms, 0, 3600000);
	within(c->auth_failure_window_ms, 1000, 86400000);
	within(c->auth_lockout_ms, 0, 7 * 86400000LL);
	within(c->session.default_ms, 60000, 7 * 86400000LL);
	within(c->session.max_ms, 60000, 7 * 86400000LL);
	within(c->session.retry_backoff_ms, 0, 600000);
	within(c->session.link_timeout_ms, 5000, 600000);
	within(c->session.check_timeout_ms, 1000, 300000);
	within(c->ssh_alive_ms, 1000, 600000);
	within(c->ssh_connect_timeout_ms, 1000, 300000);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct oobd_conf c;
	char err[CFG_ERRLEN];

	conf_defaults(&c);
	err[0] = '\0';
	if (conf_parse_buffer(&c, "oobd.conf", (const char *)data, size, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
	} else {
		check_conf(&c);
	}
	notify_conf_clear(&c.notify);
	return 0;
}
