/*
 * Fuzz oobd.conf's directives: any bytes as a configuration, through every
 * handler (numbers, durations, phone numbers, link arguments, relay names,
 * notify and console sections) and the whole-file checks.  Whatever the
 * input, the result is either an error with a message or a configuration
 * whose strings are terminated within their fields.
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
		terminated(c.modem_port, sizeof(c.modem_port));
		terminated(c.relay_host, sizeof(c.relay_host));
		terminated(c.link_ifname, sizeof(c.link_ifname));
		if (c.nsenders < 1 || c.nsenders > OOBD_MAX_SENDERS || c.link_argc > OOBD_LINK_ARGS)
			abort();
		for (int i = 0; i < c.link_argc; i++)
			terminated(c.link_argv[i], sizeof(c.link_argv[i]));
		if (c.session.default_ms > c.session.max_ms)
			abort();
	}
	notify_conf_clear(&c.notify);
	return 0;
}
