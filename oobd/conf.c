/*
 * oobd.conf: directives, defaults and their checks.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>		/* AF_INET: FreeBSD's arpa/inet.h does not bring it */

#include "config.h"
#include "exporter.h"
#include "oobd.h"

void
conf_defaults(struct oobd_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->modem_status_ms = 60000;
	snprintf(c->otp_secret_file, sizeof(c->otp_secret_file), "/etc/outpost/otp.secret");
	c->otp_window = 4;		/* SMS can take a couple of minutes */
	c->auth_max_failures = 5;
	c->auth_failure_window_ms = 15 * 60000;
	c->auth_lockout_ms = 60 * 60000;
	c->session = (struct session_conf){
		.retries = 3, .link_timeout_ms = 60000, .check_timeout_ms = 30000,
		.retry_backoff_ms = 10000, .default_ms = 60 * 60000, .max_ms = 4 * 3600000,
	};
	c->link_kind = LINK_PPP;
	snprintf(c->link_ifname, sizeof(c->link_ifname), "ppp0");
	snprintf(c->dial_number, sizeof(c->dial_number), "*99#");
	c->relay_port = 22;
	c->tunnel_port = 31337;
	snprintf(c->tunnel_target, sizeof(c->tunnel_target), "localhost:22");
	snprintf(c->ssh_path, sizeof(c->ssh_path), "/usr/bin/ssh");
	snprintf(c->ssh_key, sizeof(c->ssh_key), "/etc/outpost/id_ed25519");
	snprintf(c->ssh_known_hosts, sizeof(c->ssh_known_hosts), "/etc/outpost/known_hosts");
	c->metrics_interval = 15;
	c->ssh_alive_ms = 15000;
	c->ssh_connect_timeout_ms = 20000;
	snprintf(c->state_dir, sizeof(c->state_dir), "/var/lib/oobd");
	snprintf(c->run_dir, sizeof(c->run_dir), "/run/oobd");
	snprintf(c->control_path, sizeof(c->control_path), "/run/oobd/control.sock");
	notify_conf_init(&c->notify);
	console_conf_init(&c->console);
}

/* A phone number as SMS shows it: "+" and digits, or digits; short enough
 * for owner and an entry of senders. */
static int
phone_number(const char *s, char *err, size_t errlen)
{
	size_t n = strlen(s), digits = strspn(s + (s[0] == '+'), "0123456789");

	if (n == 0 || digits + (s[0] == '+') != n || digits < 3 || n >= OOBD_NUMBER_MAX) {
		snprintf(err, errlen, "'%s' is not a phone number (write +4479... or digits)", s);
		return -1;
	}
	return 0;
}

static int
d_allow_sender(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;

	for (int i = 1; i < l->argc; i++) {
		if (c->nsenders == OOBD_MAX_SENDERS) {
			snprintf(err, errlen, "at most %d senders", OOBD_MAX_SENDERS);
			return -1;
		}
		if (phone_number(l->argv[i], err, errlen) == -1 ||
		    cfg_string(l->argv[i], c->senders[c->nsenders], sizeof(c->senders[0]), err,
		    errlen) == -1)
			return -1;
		c->nsenders++;
	}
	return 0;
}

/* link ppp | link command PROGRAM [ARG ...] */
static int
d_link(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;

	if (strcasecmp(l->argv[1], "ppp") == 0 && l->argc == 2) {
		c->link_kind = LINK_PPP;
		return 0;
	}
	if (strcasecmp(l->argv[1], "command") != 0 || l->argc < 3) {
		snprintf(err, errlen, "expected 'link ppp' or 'link command PROGRAM [ARG ...]'");
		return -1;
	}
	if (l->argv[2][0] != '/') {
		snprintf(err, errlen, "the link command must be an absolute path: %s", l->argv[2]);
		return -1;
	}
	c->link_kind = LINK_COMMAND;
	c->link_argc = 0;
	for (int i = 2; i < l->argc; i++) {
		if (c->link_argc == OOBD_LINK_ARGS - 1) {
			snprintf(err, errlen, "too many arguments");
			return -1;
		}
		if (cfg_string(l->argv[i], c->link_argv[c->link_argc++], sizeof(c->link_argv[0]),
		    err, errlen) == -1)
			return -1;
	}
	return 0;
}

static int
interface_name(const char *s, char *err, size_t errlen)
{
	if (strlen(s) >= 16 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != strlen(s) || s[0] == '-') {
		snprintf(err, errlen, "'%s' is not an interface name", s);
		return -1;
	}
	return 0;
}

static int
ipv4(const char *s, char *err, size_t errlen)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		snprintf(err, errlen, "'%s' is not an IPv4 address", s);
		return -1;
	}
	return 0;
}

/* Text that goes into the modem's chat script: no quotes, spaces, controls. */
static int
chat_word(const char *s, const char *extra, char *err, size_t errlen)
{
	for (const char *p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(extra, *p) != NULL)) {
			snprintf(err, errlen, "'%s': character '%c' is not allowed here", s, *p);
			return -1;
		}
	}
	return 0;
}

static int
apn_word(const char *s, char *err, size_t errlen)
{
	return chat_word(s, ".-_", err, errlen);
}

static int
dial_word(const char *s, char *err, size_t errlen)
{
	return chat_word(s, "*#+", err, errlen);
}

static int
port_arg(const char *s, uint16_t *out, char *err, size_t errlen)
{
	uint64_t v;

	if (cfg_uint(s, 1, 65535, &v, err, errlen) == -1)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* relay HOST [PORT] */
static int
d_relay(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;

	if (l->argv[1][0] == '-' || strpbrk(l->argv[1], " @:/") != NULL) {
		snprintf(err, errlen, "'%s' is not a host name or IPv4 address", l->argv[1]);
		return -1;
	}
	if (cfg_string(l->argv[1], c->relay_host, sizeof(c->relay_host), err, errlen) == -1)
		return -1;
	return l->argc > 2 ? port_arg(l->argv[2], &c->relay_port, err, errlen) : 0;
}

/* tunnel-port [BIND:]PORT: where the relay listens for the owner */
static int
d_tunnel_port(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	const char *s = l->argv[1], *colon = strrchr(s, ':');

	c->tunnel_bind[0] = '\0';
	if (colon != NULL) {
		size_t n = (size_t)(colon - s);
		if (n == 0 || n >= sizeof(c->tunnel_bind)) {
			snprintf(err, errlen, "'%s': expected [BIND:]PORT", s);
			return -1;
		}
		memcpy(c->tunnel_bind, s, n);
		c->tunnel_bind[n] = '\0';
		s = colon + 1;
	}
	return port_arg(s, &c->tunnel_port, err, errlen);
}

/* control PATH [GROUP] */
static int
d_control(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;

	if (cfg_string(l->argv[1], c->control_path, sizeof(c->control_path), err, errlen) == -1)
		return -1;
	if (l->argc > 2)
		return cfg_string(l->argv[2], c->control_group, sizeof(c->control_group), err,
		    errlen);
	return 0;
}

static int
d_notify(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	return notify_conf_directive(&c->notify, l, err, errlen) == 0 ? 0 : -1;
}

static int
d_console(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	return console_conf_directive(&c->console, l, err, errlen) == 0 ? 0 : -1;
}

static const struct cfg_directive console_directives[] = {
	CONSOLE_CFG_DIRECTIVES(d_console),
	{ NULL, 0, 0, NULL },
};

#define AT(member) CFG_AT(struct oobd_conf, member)

/* The ranges of durations are in milliseconds. */
static const struct cfg_field directives[] = {
	{ "modem", CFG_STRING, AT(modem_port) },
	{ "modem-pin-file", CFG_STRING, AT(modem_pin_file) },
	{ "modem-single-port", CFG_BOOL, AT(single_port) },
	{ "modem-status-interval", CFG_DURATION, AT(modem_status_ms), 0, 3600000 },
	{ "otp-secret-file", CFG_STRING, AT(otp_secret_file) },
	{ "otp-window", CFG_INT, AT(otp_window), 0, 10 },
	{ "allow-sender", CFG_CUSTOM, 1, -1, .handler = d_allow_sender },
	{ "owner", CFG_STRING, AT(owner), .check = phone_number },
	{ "auth-max-failures", CFG_INT, AT(auth_max_failures), 1, 100 },
	{ "auth-failure-window", CFG_DURATION, AT(auth_failure_window_ms), 1000, 86400000 },
	{ "auth-lockout", CFG_DURATION, AT(auth_lockout_ms), 0, 7 * 86400000 },
	{ "session-default", CFG_DURATION, AT(session.default_ms), 60000, 7 * 86400000 },
	{ "session-max", CFG_DURATION, AT(session.max_ms), 60000, 7 * 86400000 },
	{ "retries", CFG_INT, AT(session.retries), 1, 20 },
	{ "retry-backoff", CFG_DURATION, AT(session.retry_backoff_ms), 0, 600000 },
	{ "link", CFG_CUSTOM, 1, -1, .handler = d_link },
	{ "link-interface", CFG_STRING, AT(link_ifname), .check = interface_name },
	{ "link-gateway", CFG_STRING, AT(link_gateway), .check = ipv4 },
	{ "link-dns", CFG_STRING, AT(link_dns), .check = ipv4 },
	{ "link-timeout", CFG_DURATION, AT(session.link_timeout_ms), 5000, 600000 },
	{ "check-timeout", CFG_DURATION, AT(session.check_timeout_ms), 1000, 300000 },
	{ "ppp-device", CFG_STRING, AT(ppp_device) },
	{ "apn", CFG_STRING, AT(apn), .check = apn_word },
	{ "dial-number", CFG_STRING, AT(dial_number), .check = dial_word },
	{ "relay", CFG_CUSTOM, 1, 2, .handler = d_relay },
	{ "relay-user", CFG_STRING, AT(relay_user) },
	{ "tunnel-port", CFG_CUSTOM, 1, 1, .handler = d_tunnel_port },
	{ "tunnel-target", CFG_STRING, AT(tunnel_target) },
	{ "ssh", CFG_STRING, AT(ssh_path) },
	{ "ssh-key", CFG_STRING, AT(ssh_key) },
	{ "ssh-known-hosts", CFG_STRING, AT(ssh_known_hosts) },
	{ "metrics-listen", CFG_STRING, AT(metrics_listen), .check = exporter_check_listen },
	{ "metrics-textfile", CFG_STRING, AT(metrics_textfile) },
	{ "metrics-interval", CFG_DOUBLE, AT(metrics_interval), 1, 3600 },
	{ "ssh-alive-interval", CFG_DURATION, AT(ssh_alive_ms), 1000, 600000 },
	{ "ssh-connect-timeout", CFG_DURATION, AT(ssh_connect_timeout_ms), 1000, 300000 },
	{ "statedir", CFG_STRING, AT(state_dir) },
	{ "rundir", CFG_STRING, AT(run_dir) },
	{ "control", CFG_CUSTOM, 1, 2, .handler = d_control },
	{ "notify", CFG_CUSTOM, 2, 3, .handler = d_notify },
	{ "notify-timeout", CFG_CUSTOM, 1, 1, .handler = d_notify },
	{ "notify-retries", CFG_CUSTOM, 1, 1, .handler = d_notify },
	{ "notify-helper", CFG_CUSTOM, 1, 1, .handler = d_notify },
	{ "notify-user", CFG_CUSTOM, 1, 1, .handler = d_notify },
	{ "console", CFG_TABLE, .table = console_directives },
	{ .name = NULL },
};

/* Whole-file checks that no single directive can make. */
static int
conf_check(struct oobd_conf *c, const char *name, char *err, size_t errlen)
{
	const char *missing = NULL;

	/* One port for everything: PPP dials on the AT port. */
	if (c->single_port && c->ppp_device[0] == '\0')
		memcpy(c->ppp_device, c->modem_port, sizeof(c->ppp_device));

	if (c->modem_port[0] == '\0')
		missing = "modem";
	else if (c->relay_host[0] == '\0')
		missing = "relay";
	else if (c->relay_user[0] == '\0')
		missing = "relay-user";
	else if (c->link_kind == LINK_PPP && c->ppp_device[0] == '\0')
		missing = "ppp-device (or 'link command ...')";
	else if (c->link_kind == LINK_PPP && c->apn[0] == '\0')
		missing = "apn";
	if (missing != NULL) {
		snprintf(err, errlen, "%s: no '%s' configured", name, missing);
		return -1;
	}
	if (c->nsenders == 0) {
		snprintf(err, errlen, "%s: no 'allow-sender': nobody could activate the link",
		    name);
		return -1;
	}
	if (c->session.default_ms > c->session.max_ms) {
		snprintf(err, errlen, "%s: 'session-default' is longer than 'session-max'", name);
		return -1;
	}
	return 0;
}

int
conf_load(struct oobd_conf *c, const char *path, char *err, size_t errlen)
{
	if (cfg_parse_fields_file(path, directives, c, err, errlen) == -1 ||
	    conf_check(c, path, err, errlen) == -1)
		return -1;
	return notify_conf_load_secrets(&c->notify, err, errlen);
}

int
conf_parse_buffer(struct oobd_conf *c, const char *name, const char *buf, size_t len,
    char *err, size_t errlen)
{
	if (cfg_parse_fields_buffer(name, buf, len, directives, c, err, errlen) == -1)
		return -1;
	return conf_check(c, name, err, errlen);
}
