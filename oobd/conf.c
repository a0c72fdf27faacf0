/*
 * oobd.conf: directives, defaults and their checks.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"
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
	c->ssh_alive_ms = 15000;
	c->ssh_connect_timeout_ms = 20000;
	snprintf(c->state_dir, sizeof(c->state_dir), "/var/lib/oobd");
	snprintf(c->run_dir, sizeof(c->run_dir), "/run/oobd");
	snprintf(c->control_path, sizeof(c->control_path), "/run/oobd/control.sock");
	notify_conf_init(&c->notify);
	console_conf_init(&c->console);
}

/* Directives that only store one string: the table says where. */
#define STR_FIELD(name, field) \
	static int name(void *ctx, const struct cfg_line *l, char *err, size_t errlen) \
	{ struct oobd_conf *c = ctx; \
	  return cfg_string(l->argv[1], c->field, sizeof(c->field), err, errlen); }

STR_FIELD(d_modem_port, modem_port)
STR_FIELD(d_modem_pin_file, modem_pin_file)
STR_FIELD(d_otp_secret_file, otp_secret_file)
STR_FIELD(d_ppp_device, ppp_device)
STR_FIELD(d_relay_user, relay_user)
STR_FIELD(d_ssh_path, ssh_path)
STR_FIELD(d_ssh_key, ssh_key)
STR_FIELD(d_ssh_known_hosts, ssh_known_hosts)
STR_FIELD(d_state_dir, state_dir)
STR_FIELD(d_run_dir, run_dir)
STR_FIELD(d_tunnel_target, tunnel_target)

static int
duration(const char *s, int64_t min_ms, int64_t max_ms, int64_t *out, char *err, size_t errlen)
{
	int64_t v;

	if (cfg_duration_ms(s, &v, err, errlen) == -1)
		return -1;
	if (v < min_ms || v > max_ms) {
		snprintf(err, errlen, "'%s' is out of range (%lld s to %lld s)", s,
		    (long long)(min_ms / 1000), (long long)(max_ms / 1000));
		return -1;
	}
	*out = v;
	return 0;
}

#define DURATION_FIELD(name, field, min, max) \
	static int name(void *ctx, const struct cfg_line *l, char *err, size_t errlen) \
	{ struct oobd_conf *c = ctx; \
	  return duration(l->argv[1], min, max, &c->field, err, errlen); }

DURATION_FIELD(d_modem_status, modem_status_ms, 0, 3600000)
DURATION_FIELD(d_link_timeout, session.link_timeout_ms, 5000, 600000)
DURATION_FIELD(d_check_timeout, session.check_timeout_ms, 1000, 300000)
DURATION_FIELD(d_retry_backoff, session.retry_backoff_ms, 0, 600000)
DURATION_FIELD(d_session_default, session.default_ms, 60000, 7 * 86400000LL)
DURATION_FIELD(d_session_max, session.max_ms, 60000, 7 * 86400000LL)
DURATION_FIELD(d_ssh_alive, ssh_alive_ms, 1000, 600000)
DURATION_FIELD(d_ssh_connect_timeout, ssh_connect_timeout_ms, 1000, 300000)
DURATION_FIELD(d_auth_window, auth_failure_window_ms, 1000, 86400000)
DURATION_FIELD(d_auth_lockout, auth_lockout_ms, 0, 7 * 86400000LL)

static int
d_single_port(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	return cfg_bool(l->argv[1], &c->single_port, err, errlen);
}

static int
small_uint(const char *s, int min, int max, int *out, char *err, size_t errlen)
{
	uint64_t v;

	if (cfg_uint(s, (uint64_t)min, (uint64_t)max, &v, err, errlen) == -1)
		return -1;
	*out = (int)v;
	return 0;
}

static int
d_otp_window(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	return small_uint(l->argv[1], 0, 10, &c->otp_window, err, errlen);
}

static int
d_auth_failures(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	return small_uint(l->argv[1], 1, 100, &c->auth_max_failures, err, errlen);
}

static int
d_retries(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	return small_uint(l->argv[1], 1, 20, &c->session.retries, err, errlen);
}

/* A phone number as SMS shows it: "+" and digits, or digits. */
static int
number(const char *s, char *out, size_t len, char *err, size_t errlen)
{
	size_t n = strlen(s), digits = strspn(s + (s[0] == '+'), "0123456789");

	if (n == 0 || digits + (s[0] == '+') != n || digits < 3 || n >= len) {
		snprintf(err, errlen, "'%s' is not a phone number (write +4479... or digits)", s);
		return -1;
	}
	memcpy(out, s, n + 1);
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
		if (number(l->argv[i], c->senders[c->nsenders], sizeof(c->senders[0]), err,
		    errlen) == -1)
			return -1;
		c->nsenders++;
	}
	return 0;
}

static int
d_owner(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	return number(l->argv[1], c->owner, sizeof(c->owner), err, errlen);
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
d_link_interface(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	const char *s = l->argv[1];

	if (strlen(s) >= 16 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != strlen(s) || s[0] == '-') {
		snprintf(err, errlen, "'%s' is not an interface name", s);
		return -1;
	}
	return cfg_string(s, c->link_ifname, sizeof(c->link_ifname), err, errlen);
}

static int
ipv4(const char *s, char *out, size_t len, char *err, size_t errlen)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		snprintf(err, errlen, "'%s' is not an IPv4 address", s);
		return -1;
	}
	return cfg_string(s, out, len, err, errlen);
}

static int
d_link_gateway(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	return ipv4(l->argv[1], c->link_gateway, sizeof(c->link_gateway), err, errlen);
}

static int
d_link_dns(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	return ipv4(l->argv[1], c->link_dns, sizeof(c->link_dns), err, errlen);
}

/* Text that goes into the modem's chat script: no quotes, spaces, controls. */
static int
chat_word(const char *s, const char *extra, char *out, size_t len, char *err, size_t errlen)
{
	for (const char *p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(extra, *p) != NULL)) {
			snprintf(err, errlen, "'%s': character '%c' is not allowed here", s, *p);
			return -1;
		}
	}
	return cfg_string(s, out, len, err, errlen);
}

static int
d_apn(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	return chat_word(l->argv[1], ".-_", c->apn, sizeof(c->apn), err, errlen);
}

static int
d_dial_number(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct oobd_conf *c = ctx;
	return chat_word(l->argv[1], "*#+", c->dial_number, sizeof(c->dial_number), err, errlen);
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

static const struct cfg_directive directives[] = {
	{ "modem", 1, 1, d_modem_port },
	{ "modem-pin-file", 1, 1, d_modem_pin_file },
	{ "modem-single-port", 1, 1, d_single_port },
	{ "modem-status-interval", 1, 1, d_modem_status },
	{ "otp-secret-file", 1, 1, d_otp_secret_file },
	{ "otp-window", 1, 1, d_otp_window },
	{ "allow-sender", 1, -1, d_allow_sender },
	{ "owner", 1, 1, d_owner },
	{ "auth-max-failures", 1, 1, d_auth_failures },
	{ "auth-failure-window", 1, 1, d_auth_window },
	{ "auth-lockout", 1, 1, d_auth_lockout },
	{ "session-default", 1, 1, d_session_default },
	{ "session-max", 1, 1, d_session_max },
	{ "retries", 1, 1, d_retries },
	{ "retry-backoff", 1, 1, d_retry_backoff },
	{ "link", 1, -1, d_link },
	{ "link-interface", 1, 1, d_link_interface },
	{ "link-gateway", 1, 1, d_link_gateway },
	{ "link-dns", 1, 1, d_link_dns },
	{ "link-timeout", 1, 1, d_link_timeout },
	{ "check-timeout", 1, 1, d_check_timeout },
	{ "ppp-device", 1, 1, d_ppp_device },
	{ "apn", 1, 1, d_apn },
	{ "dial-number", 1, 1, d_dial_number },
	{ "relay", 1, 2, d_relay },
	{ "relay-user", 1, 1, d_relay_user },
	{ "tunnel-port", 1, 1, d_tunnel_port },
	{ "tunnel-target", 1, 1, d_tunnel_target },
	{ "ssh", 1, 1, d_ssh_path },
	{ "ssh-key", 1, 1, d_ssh_key },
	{ "ssh-known-hosts", 1, 1, d_ssh_known_hosts },
	{ "ssh-alive-interval", 1, 1, d_ssh_alive },
	{ "ssh-connect-timeout", 1, 1, d_ssh_connect_timeout },
	{ "statedir", 1, 1, d_state_dir },
	{ "rundir", 1, 1, d_run_dir },
	{ "control", 1, 2, d_control },
	{ "notify", 2, 3, d_notify },
	{ "notify-timeout", 1, 1, d_notify },
	{ "notify-retries", 1, 1, d_notify },
	{ "notify-helper", 1, 1, d_notify },
	{ "notify-user", 1, 1, d_notify },
	CONSOLE_CFG_DIRECTIVES(d_console),
	{ NULL, 0, 0, NULL },
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
	if (cfg_parse_file(path, directives, c, err, errlen) == -1 ||
	    conf_check(c, path, err, errlen) == -1)
		return -1;
	return notify_conf_load_secrets(&c->notify, err, errlen);
}

int
conf_parse_buffer(struct oobd_conf *c, const char *name, const char *buf, size_t len,
    char *err, size_t errlen)
{
	if (cfg_parse_buffer(name, buf, len, directives, c, err, errlen) == -1)
		return -1;
	return conf_check(c, name, err, errlen);
}
