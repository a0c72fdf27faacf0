/*
 * tunnel: ssh command line, stderr classifier and supervisor (see tunnel.h).
 *
 * The classifier knows OpenSSH's wording (checked against 9.2p1, the
 * client in Debian 12; FreeBSD's base ssh words errno the BSD way, e.g.
 * "Operation timed out").  Each rule is anchored at the start of the line
 * (after an optional "debug1: "), so that text quoted inside a line, such
 * as the relay's own "debug1: Remote: ..." messages, never matches a rule
 * meant for ssh's own words.
 */
#include "tunnel.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "text.h"

#define DEFAULT_RELAY_PORT	22
#define DEFAULT_TARGET		"localhost:22"
#define DEFAULT_ALIVE_S		15
#define DEFAULT_ALIVE_COUNT	3
#define DEFAULT_CONNECT_S	20
#define START_SLACK_S		10
#define HOST_MAX		253
#define USER_MAX		32
#define IFNAME_MAX		15
#define PATH_MAX_LEN		1023

/* ---- checking values ---- */

static bool in_set(char c, const char *extra)
{
	return text_isalnum(c) || (c != '\0' && strchr(extra, c) != NULL);
}

/* A word of alnum and extra, 1..max long, not starting with '-'. */
static bool is_word(const char *s, const char *extra, size_t max)
{
	size_t n;

	if (s == NULL || s[0] == '\0' || s[0] == '-')
		return false;
	for (n = 0; s[n] != '\0'; n++)
		if (n >= max || !in_set(s[n], extra))
			return false;
	return true;
}

/* A host name, IPv4 or IPv6 address: letters, digits, '.', '-', ':'; it
 * starts with a letter, a digit or ':' (as "::1" does). */
static bool is_host(const char *s)
{
	return is_word(s, ".-:", HOST_MAX) && s[0] != '.';
}

/* An absolute path without anything ssh would expand or split. */
static bool is_path(const char *s)
{
	return s != NULL && s[0] == '/' && is_word(s + 1, "/._+,@-", PATH_MAX_LEN);
}

static bool in_range(int v, int lo, int hi)
{
	return v >= lo && v <= hi;
}

static int or_default(int v, int def)
{
	return v != 0 ? v : def;
}

/* "HOST:PORT" or "[V6]:PORT" into host and port. */
static int split_target(const char *t, char *host, size_t hostlen, int *port)
{
	const char *colon, *h = t, *hend;
	long p = 0;
	size_t n;

	if (t[0] == '[') {
		hend = strchr(t, ']');
		if (hend == NULL || hend[1] != ':')
			return -1;
		h = t + 1;
		colon = hend + 1;
	} else {
		colon = strrchr(t, ':');
		if (colon == NULL)
			return -1;
		hend = colon;
	}
	n = (size_t)(hend - h);
	if (n == 0 || n >= hostlen)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	if (t[0] != '[' && strchr(host, ':') != NULL)
		return -1; /* "::1:22" is ambiguous: brackets needed */
	if (colon[1] == '\0' || strlen(colon + 1) > 5)
		return -1;
	for (const char *d = colon + 1; *d != '\0'; d++) {
		if (!text_isdigit(*d))
			return -1;
		p = p * 10 + (*d - '0');
	}
	*port = (int)p;
	return is_host(host) && in_range(*port, 1, 65535) ? 0 : -1;
}

static bool is_ssh_path(const char *s)
{
	return is_path(s) || is_word(s, "._-", 64);
}

int tunnel_conf_check(const struct tunnel_conf *tc, char *err, size_t errlen)
{
	char host[HOST_MAX + 1];
	int port;

	if (tc->ssh_path != NULL && !is_ssh_path(tc->ssh_path))
		return text_errf(err, errlen, "ssh: bad program path"), -1;
	if (!is_host(tc->relay_host))
		return text_errf(err, errlen, "relay: bad host name"), -1;
	if (tc->relay_port != 0 && !in_range(tc->relay_port, 1, 65535))
		return text_errf(err, errlen, "relay port %d out of range", tc->relay_port), -1;
	if (!is_word(tc->user, "._-", USER_MAX))
		return text_errf(err, errlen, "relay user: bad user name"), -1;
	if (!is_path(tc->identity_file))
		return text_errf(err, errlen, "ssh key: not a plain absolute path"), -1;
	if (!is_path(tc->known_hosts_file))
		return text_errf(err, errlen, "ssh known_hosts: not a plain absolute path"), -1;
	if (tc->remote_bind != NULL && tc->remote_bind[0] != '\0' &&
	    strcmp(tc->remote_bind, "*") != 0 && !is_host(tc->remote_bind))
		return text_errf(err, errlen, "tunnel bind address: bad host name"), -1;
	if (!in_range(tc->remote_port, 1, 65535))
		return text_errf(err, errlen, "tunnel port %d out of range", tc->remote_port), -1;
	if (tc->local_target != NULL &&
	    split_target(tc->local_target, host, sizeof(host), &port) == -1)
		return text_errf(err, errlen, "tunnel target: expected HOST:PORT"), -1;
	if (tc->alive_interval_s != 0 && !in_range(tc->alive_interval_s, 1, 3600))
		return text_errf(err, errlen, "ssh alive interval out of range (1-3600 s)"), -1;
	if (tc->alive_count != 0 && !in_range(tc->alive_count, 1, 100))
		return text_errf(err, errlen, "ssh alive count out of range (1-100)"), -1;
	if (tc->connect_timeout_s != 0 && !in_range(tc->connect_timeout_s, 1, 600))
		return text_errf(err, errlen, "ssh connect timeout out of range (1-600 s)"), -1;
	if (tc->bind_interface != NULL && !is_word(tc->bind_interface, "._-", IFNAME_MAX))
		return text_errf(err, errlen, "ssh bind interface: bad interface name"), -1;
	if (tc->bind_address != NULL && !is_host(tc->bind_address))
		return text_errf(err, errlen, "ssh bind address: bad address"), -1;
	if (tc->host_key_alias != NULL && !is_host(tc->host_key_alias))
		return text_errf(err, errlen, "relay host key name: bad host name"), -1;
	return 0;
}

/* ---- the command line ---- */

static int arg_add(struct tunnel_argv *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int arg_add(struct tunnel_argv *a, const char *fmt, ...)
{
	size_t room = sizeof(a->buf) - a->used;
	va_list ap;
	int n;

	if (a->argc >= TUNNEL_ARGV_MAX - 1 || room == 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(a->buf + a->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return -1;
	a->argv[a->argc++] = a->buf + a->used;
	a->argv[a->argc] = NULL;
	a->used += (size_t)n + 1;
	return 0;
}

/* "-o" and "KEY=VALUE" as two words. */
static int opt_add(struct tunnel_argv *a, const char *key, const char *value)
{
	if (arg_add(a, "-o") == -1)
		return -1;
	return arg_add(a, "%s=%s", key, value);
}

static int opt_add_int(struct tunnel_argv *a, const char *key, int value)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", value);
	return opt_add(a, key, v);
}

/* Hosts with ':' (IPv6) go in brackets inside a -R spec. */
static const char *bracket_open(const char *h)
{
	return strchr(h, ':') ? "[" : "";
}

static const char *bracket_close(const char *h)
{
	return strchr(h, ':') ? "]" : "";
}

static int add_fixed_options(struct tunnel_argv *a, const struct tunnel_conf *tc)
{
	static const char *const fixed[][2] = {
		{ "BatchMode", "yes" },
		{ "ExitOnForwardFailure", "yes" },
		{ "StrictHostKeyChecking", "yes" },
		{ NULL, NULL }, /* UserKnownHostsFile goes here */
		{ "GlobalKnownHostsFile", "/dev/null" },
		{ "UpdateHostKeys", "no" },
		{ "CheckHostIP", "no" },
		{ "IdentitiesOnly", "yes" },
		{ "IdentityAgent", "none" },
	};
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (fixed[i][0] == NULL) {
			if (opt_add(a, "UserKnownHostsFile", tc->known_hosts_file) == -1)
				return -1;
		} else if (opt_add(a, fixed[i][0], fixed[i][1]) == -1) {
			return -1;
		}
	}
	if (opt_add(a, "IdentityFile", tc->identity_file) == -1 ||
	    opt_add(a, "PreferredAuthentications", "publickey") == -1 ||
	    opt_add_int(a, "ServerAliveInterval", or_default(tc->alive_interval_s,
		DEFAULT_ALIVE_S)) == -1 ||
	    opt_add_int(a, "ServerAliveCountMax", or_default(tc->alive_count,
		DEFAULT_ALIVE_COUNT)) == -1 ||
	    opt_add_int(a, "ConnectTimeout", or_default(tc->connect_timeout_s,
		DEFAULT_CONNECT_S)) == -1)
		return -1;
	if (opt_add(a, "ConnectionAttempts", "1") == -1 ||
	    opt_add(a, "ControlMaster", "no") == -1 || opt_add(a, "ControlPath", "none") == -1 ||
	    opt_add(a, "PermitLocalCommand", "no") == -1 ||
	    opt_add(a, "ForwardAgent", "no") == -1 || opt_add(a, "ForwardX11", "no") == -1 ||
	    opt_add(a, "EscapeChar", "none") == -1)
		return -1;
	return 0;
}

static int add_forward(struct tunnel_argv *a, const struct tunnel_conf *tc)
{
	const char *target = tc->local_target ? tc->local_target : DEFAULT_TARGET;
	const char *bind = tc->remote_bind;
	char host[HOST_MAX + 1];
	int port;

	if (split_target(target, host, sizeof(host), &port) == -1 || arg_add(a, "-R") == -1)
		return -1;
	if (bind != NULL && bind[0] != '\0')
		return arg_add(a, "%s%s%s:%d:%s%s%s:%d", bracket_open(bind), bind,
		    bracket_close(bind), tc->remote_port, bracket_open(host), host,
		    bracket_close(host), port);
	return arg_add(a, "%d:%s%s%s:%d", tc->remote_port, bracket_open(host), host,
	    bracket_close(host), port);
}

int tunnel_build_argv(const struct tunnel_conf *tc, struct tunnel_argv *a, char *err,
    size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (tunnel_conf_check(tc, err, errlen) == -1)
		return -1;
	if (arg_add(a, "%s", tc->ssh_path ? tc->ssh_path : TUNNEL_SSH_PATH) == -1 ||
	    arg_add(a, "-N") == -1 || arg_add(a, "-T") == -1 || arg_add(a, "-F") == -1 ||
	    arg_add(a, "none") == -1 || arg_add(a, "-v") == -1 ||
	    add_fixed_options(a, tc) == -1)
		goto toolong;
	if (tc->bind_interface != NULL && opt_add(a, "BindInterface", tc->bind_interface) == -1)
		goto toolong;
	if (tc->host_key_alias != NULL && opt_add(a, "HostKeyAlias", tc->host_key_alias) == -1)
		goto toolong;
	if (tc->bind_address != NULL &&
	    (arg_add(a, "-b") == -1 || arg_add(a, "%s", tc->bind_address) == -1))
		goto toolong;
	if (arg_add(a, "-p") == -1 ||
	    arg_add(a, "%d", or_default(tc->relay_port, DEFAULT_RELAY_PORT)) == -1 ||
	    arg_add(a, "-l") == -1 || arg_add(a, "%s", tc->user) == -1 ||
	    add_forward(a, tc) == -1 || arg_add(a, "--") == -1 ||
	    arg_add(a, "%s", tc->relay_host) == -1)
		goto toolong;
	return 0;
toolong:
	text_errf(err, errlen, "ssh command line too long");
	return -1;
}

int64_t tunnel_start_timeout_ms(const struct tunnel_conf *tc)
{
	return (int64_t)(or_default(tc->connect_timeout_s, DEFAULT_CONNECT_S) + START_SLACK_S) *
	    1000;
}

/* ---- classifying stderr ---- */

/* A bounded view of a line. */
struct view {
	const char *p;
	size_t n;
};

static bool starts(struct view v, const char *prefix)
{
	size_t k = strlen(prefix);

	return v.n >= k && memcmp(v.p, prefix, k) == 0;
}

static bool ends(struct view v, const char *suffix)
{
	size_t k = strlen(suffix);

	return v.n >= k && memcmp(v.p + v.n - k, suffix, k) == 0;
}

static struct view skip(struct view v, size_t k)
{
	if (k > v.n)
		k = v.n;
	v.p += k;
	v.n -= k;
	return v;
}

/* Where needle first occurs in v, or -1. */
static long find(struct view v, const char *needle)
{
	size_t k = strlen(needle), i;

	if (k == 0 || k > v.n)
		return -1;
	for (i = 0; i + k <= v.n; i++)
		if (v.p[i] == needle[0] && memcmp(v.p + i, needle, k) == 0)
			return (long)i;
	return -1;
}

static bool contains(struct view v, const char *needle)
{
	return find(v, needle) >= 0;
}

/* The text after the last ": " (an strerror), or all of v. */
static struct view last_reason(struct view v)
{
	size_t i;

	for (i = v.n; i >= 2; i--)
		if (v.p[i - 2] == ':' && v.p[i - 1] == ' ')
			return skip(v, i);
	return v;
}

/* Decimal 1..65535 at the start of v (up to a non-digit), else 0. */
static int port_at(struct view v)
{
	long p = 0;
	size_t i;

	for (i = 0; i < v.n && text_isdigit(v.p[i]); i++) {
		p = p * 10 + (v.p[i] - '0');
		if (p > 65535)
			return 0;
	}
	return i > 0 ? (int)p : 0;
}

/* "listen [HOST:]PORT, connect ...": the listen port. */
static int listen_port(struct view v)
{
	long comma = find(v, ",");
	size_t end = comma >= 0 ? (size_t)comma : v.n, i;

	for (i = end; i > 0; i--)
		if (v.p[i - 1] == ':')
			break;
	return port_at(skip(v, i));
}

static enum tunnel_kind set_ev(struct tunnel_event *ev, enum tunnel_kind kind,
    enum tunnel_why why, int port)
{
	ev->kind = kind;
	ev->why = why;
	ev->port = port;
	ev->status = 0;
	return kind;
}

static enum tunnel_why connect_reason(struct view r)
{
	static const struct {
		const char *text;
		enum tunnel_why why;
	} reasons[] = {
		{ "Connection refused", TUNNEL_WHY_REFUSED },
		{ "Connection timed out", TUNNEL_WHY_TIMED_OUT },
		{ "Operation timed out", TUNNEL_WHY_TIMED_OUT }, /* FreeBSD */
		{ "No route to host", TUNNEL_WHY_NO_ROUTE },
		{ "Host is unreachable", TUNNEL_WHY_NO_ROUTE },
		{ "Network is unreachable", TUNNEL_WHY_NET_UNREACHABLE },
		{ "Connection reset by peer", TUNNEL_WHY_RESET },
	};
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (starts(r, reasons[i].text))
			return reasons[i].why;
	return TUNNEL_WHY_CONNECT_OTHER;
}

/* Lines that ssh prints at debug1 level. */
static enum tunnel_kind classify_debug(struct view v, struct tunnel_event *ev)
{
	if (starts(v, "remote forward success for: listen "))
		return set_ev(ev, TUNNEL_FORWARD_OK, TUNNEL_WHY_NONE,
		    listen_port(skip(v, strlen("remote forward success for: listen "))));
	if (starts(v, "remote forward failure for: listen "))
		return set_ev(ev, TUNNEL_FORWARD_FAILED, TUNNEL_WHY_FWD_FAILED,
		    listen_port(skip(v, strlen("remote forward failure for: listen "))));
	/* The relay's own words: only its refusal is believed. */
	if (starts(v, "Remote: port forwarding refused") && v.n == strlen(
	    "Remote: port forwarding refused"))
		return set_ev(ev, TUNNEL_FORWARD_FAILED, TUNNEL_WHY_FWD_REFUSED, 0);
	return set_ev(ev, TUNNEL_OTHER, TUNNEL_WHY_NONE, 0);
}

static enum tunnel_kind classify_connect(struct view v, struct tunnel_event *ev)
{
	if (starts(v, "ssh: connect to host "))
		return set_ev(ev, TUNNEL_CONNECT_FAILED, connect_reason(last_reason(v)), 0);
	if (starts(v, "ssh: Could not resolve hostname "))
		return set_ev(ev, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_NAME, 0);
	if (starts(v, "Connection timed out during banner exchange"))
		return set_ev(ev, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_BANNER, 0);
	if (starts(v, "kex_exchange_identification: ")) {
		if (contains(v, "Connection closed by remote host"))
			return set_ev(ev, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_CLOSED, 0);
		if (contains(v, "Connection reset by peer"))
			return set_ev(ev, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_RESET, 0);
		return set_ev(ev, TUNNEL_OTHER, TUNNEL_WHY_NONE, 0);
	}
	if (starts(v, "Connection closed by "))
		return set_ev(ev, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_CLOSED, 0);
	if (starts(v, "Connection reset by "))
		return set_ev(ev, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_RESET, 0);
	if (starts(v, "Connection to ") && ends(v, " closed by remote host."))
		return set_ev(ev, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_LOST, 0);
	if (starts(v, "client_loop: send disconnect: ") ||
	    starts(v, "ssh_dispatch_run_fatal: Connection to "))
		return set_ev(ev, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_LOST, 0);
	if (starts(v, "Timeout, server ") && ends(v, " not responding."))
		return set_ev(ev, TUNNEL_SERVER_TIMEOUT, TUNNEL_WHY_NONE, 0);
	return set_ev(ev, TUNNEL_OTHER, TUNNEL_WHY_NONE, 0);
}

static enum tunnel_kind classify_keys(struct view v, struct tunnel_event *ev)
{
	if (starts(v, "Host key verification failed."))
		return set_ev(ev, TUNNEL_HOSTKEY_FAILED, TUNNEL_WHY_KEY_FAILED, 0);
	if ((starts(v, "@") && contains(v, "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!")) ||
	    (starts(v, "Host key for ") &&
		ends(v, " has changed and you have requested strict checking.")) ||
	    (starts(v, "@") && contains(v, "WARNING: POSSIBLE DNS SPOOFING DETECTED!")))
		return set_ev(ev, TUNNEL_HOSTKEY_FAILED, TUNNEL_WHY_KEY_CHANGED, 0);
	if (starts(v, "No ") && contains(v, " host key is known for ") &&
	    ends(v, " and you have requested strict checking."))
		return set_ev(ev, TUNNEL_HOSTKEY_FAILED, TUNNEL_WHY_KEY_UNKNOWN, 0);
	if (starts(v, "no such identity: "))
		return set_ev(ev, TUNNEL_AUTH_FAILED, TUNNEL_WHY_NO_IDENTITY, 0);
	if (starts(v, "Load key \"") ||
	    (starts(v, "@") && contains(v, "WARNING: UNPROTECTED PRIVATE KEY FILE!")))
		return set_ev(ev, TUNNEL_AUTH_FAILED, TUNNEL_WHY_BAD_IDENTITY, 0);
	return set_ev(ev, TUNNEL_OTHER, TUNNEL_WHY_NONE, 0);
}

/* "user@host: Permission denied (publickey)." - the first word is ours. */
static bool is_denied(struct view v)
{
	long at = find(v, ": Permission denied (");
	long sp = find(v, " ");

	return at > 0 && sp == at + 1 && ends(v, ").");
}

static enum tunnel_kind classify_errors(struct view v, struct tunnel_event *ev)
{
	const char *fwd = "remote port forwarding failed for listen port ";

	if ((starts(v, "Error: ") && starts(skip(v, 7), fwd)) ||
	    (starts(v, "Warning: ") && starts(skip(v, 9), fwd)))
		return set_ev(ev, TUNNEL_FORWARD_FAILED, TUNNEL_WHY_FWD_FAILED,
		    port_at(skip(v, (size_t)find(v, fwd) + strlen(fwd))));
	if (starts(v, "Allocated port ") && contains(v, " for remote forward to "))
		return set_ev(ev, TUNNEL_FORWARD_OK, TUNNEL_WHY_NONE,
		    port_at(skip(v, strlen("Allocated port "))));
	if (is_denied(v) || (starts(v, "Received disconnect from ") &&
	    contains(v, "Too many authentication failures")))
		return set_ev(ev, TUNNEL_AUTH_FAILED, TUNNEL_WHY_DENIED, 0);
	if (classify_keys(v, ev) != TUNNEL_OTHER)
		return ev->kind;
	return classify_connect(v, ev);
}

enum tunnel_kind tunnel_classify(const char *line, size_t len, struct tunnel_event *ev)
{
	struct view v = { line, len > TUNNEL_LINE_MAX ? TUNNEL_LINE_MAX : len };

	if (line == NULL)
		return set_ev(ev, TUNNEL_OTHER, TUNNEL_WHY_NONE, 0);
	if (starts(v, "debug1: "))
		return classify_debug(skip(v, 8), ev);
	if (starts(v, "debug"))
		return set_ev(ev, TUNNEL_OTHER, TUNNEL_WHY_NONE, 0);
	return classify_errors(v, ev);
}

const char *tunnel_kind_name(enum tunnel_kind k)
{
	static const char *const names[] = { "OTHER", "FORWARD_OK", "AUTH_FAILED",
		"HOSTKEY_FAILED", "FORWARD_FAILED", "CONNECT_FAILED", "SERVER_TIMEOUT" };

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* ---- summaries ---- */

static const char *why_text(enum tunnel_why why)
{
	switch (why) {
	case TUNNEL_WHY_REFUSED: return "refused the connection";
	case TUNNEL_WHY_TIMED_OUT: return "did not answer (connection timed out)";
	case TUNNEL_WHY_NO_ROUTE: return "is unreachable (no route to host)";
	case TUNNEL_WHY_NET_UNREACHABLE: return "is unreachable (network unreachable)";
	case TUNNEL_WHY_BANNER: return "accepted the connection but sent no SSH banner";
	case TUNNEL_WHY_CLOSED: return "closed the connection";
	case TUNNEL_WHY_RESET: return "reset the connection";
	case TUNNEL_WHY_LOST: return "connection lost";
	case TUNNEL_WHY_CONNECT_OTHER: return "could not be connected to";
	case TUNNEL_WHY_KEY_CHANGED:
		return "host key does not match the pinned key (impostor or new key?)";
	case TUNNEL_WHY_KEY_UNKNOWN: return "host key is not in the pinned known_hosts file";
	case TUNNEL_WHY_KEY_FAILED: return "host key verification failed";
	case TUNNEL_WHY_START_TIMEOUT: return "did not confirm the forward in time";
	default: return "tunnel failed";
	}
}

int tunnel_summary(const struct tunnel_conf *tc, const struct tunnel_event *ev, char *buf,
    size_t len)
{
	char relay[2 * HOST_MAX + 24], st[64];
	const char *h = tc->relay_host ? tc->relay_host : "?";
	int rport = or_default(tc->relay_port, DEFAULT_RELAY_PORT);
	int port = ev->port ? ev->port : tc->remote_port;

	/* The owner knows the relay by its name; the address helps too. */
	if (tc->host_key_alias != NULL)
		snprintf(relay, sizeof(relay), "%.*s (%s%.*s%s):%d", HOST_MAX, tc->host_key_alias,
		    bracket_open(h), HOST_MAX, h, bracket_close(h), rport);
	else
		snprintf(relay, sizeof(relay), "%s%.*s%s:%d", bracket_open(h), HOST_MAX, h,
		    bracket_close(h), rport);
	switch (ev->why) {
	case TUNNEL_WHY_NAME:
		return snprintf(buf, len, "relay name %.*s does not resolve", HOST_MAX, h);
	case TUNNEL_WHY_DENIED:
		return snprintf(buf, len, "relay %s refused our key (user %s)", relay,
		    tc->user ? tc->user : "?");
	case TUNNEL_WHY_NO_IDENTITY:
		return snprintf(buf, len, "ssh key %s is missing",
		    tc->identity_file ? tc->identity_file : "?");
	case TUNNEL_WHY_BAD_IDENTITY:
		return snprintf(buf, len, "ssh key %s is unusable (mode or format)",
		    tc->identity_file ? tc->identity_file : "?");
	case TUNNEL_WHY_FWD_REFUSED:
		return snprintf(buf, len, "relay %s refused to listen on port %d (not permitted)",
		    relay, port);
	case TUNNEL_WHY_FWD_FAILED:
		return snprintf(buf, len, "relay %s could not listen on port %d (in use?)", relay,
		    port);
	case TUNNEL_WHY_EXITED:
		if (ev->status == -1)
			snprintf(st, sizeof(st), "ended");
		else if (WIFSIGNALED(ev->status))
			snprintf(st, sizeof(st), "killed by signal %d", WTERMSIG(ev->status));
		else
			snprintf(st, sizeof(st), "exited with status %d",
			    WIFEXITED(ev->status) ? WEXITSTATUS(ev->status) : -1);
		return snprintf(buf, len, "ssh to relay %s %s", relay, st);
	case TUNNEL_WHY_SPAWN:
		return snprintf(buf, len, "ssh to relay %s could not be started", relay);
	default:
		break;
	}
	if (ev->kind == TUNNEL_FORWARD_OK)
		return snprintf(buf, len, "tunnel up: relay %s listens on port %d", relay, port);
	if (ev->kind == TUNNEL_SERVER_TIMEOUT)
		return snprintf(buf, len, "relay %s stopped answering (keepalive timeout)", relay);
	if (ev->why == TUNNEL_WHY_LOST)
		return snprintf(buf, len, "relay %s: connection lost", relay);
	return snprintf(buf, len, "relay %s %s", relay, why_text(ev->why));
}

/* ---- supervision ---- */

#define SUP_START_TIMEOUT_MS	30000
#define SUP_BACKOFF_MIN_MS	1000
#define SUP_BACKOFF_MAX_MS	60000
#define SUP_STABLE_MS		60000
#define SUP_MAX_FAILURES	3

static int64_t or_default64(int64_t v, int64_t def)
{
	return v > 0 ? v : def;
}

void tunnel_sup_init(struct tunnel_sup *s, const struct tunnel_sup_conf *conf)
{
	memset(s, 0, sizeof(*s));
	if (conf != NULL)
		s->conf = *conf;
	s->conf.start_timeout_ms = or_default64(s->conf.start_timeout_ms, SUP_START_TIMEOUT_MS);
	s->conf.backoff_min_ms = or_default64(s->conf.backoff_min_ms, SUP_BACKOFF_MIN_MS);
	s->conf.backoff_max_ms = or_default64(s->conf.backoff_max_ms, SUP_BACKOFF_MAX_MS);
	if (s->conf.backoff_max_ms < s->conf.backoff_min_ms)
		s->conf.backoff_max_ms = s->conf.backoff_min_ms;
	s->conf.stable_ms = or_default64(s->conf.stable_ms, SUP_STABLE_MS);
	if (s->conf.max_failures <= 0)
		s->conf.max_failures = SUP_MAX_FAILURES;
	s->state = TUNNEL_IDLE;
	s->deadline = -1;
	s->up_since = -1;
	s->backoff_ms = s->conf.backoff_min_ms;
}

static unsigned spawn(struct tunnel_sup *s, int64_t now)
{
	s->state = TUNNEL_STARTING;
	s->running = true;
	s->kill_sent = false;
	s->stable = false;
	s->up_since = -1;
	s->attempts++;
	s->deadline = now + s->conf.start_timeout_ms;
	memset(&s->attempt_err, 0, sizeof(s->attempt_err));
	return TUNNEL_DO_SPAWN;
}

unsigned tunnel_sup_start(struct tunnel_sup *s, int64_t now)
{
	switch (s->state) {
	case TUNNEL_IDLE:
	case TUNNEL_FAILED:
		s->failures = 0;
		s->attempts = 0;
		s->backoff_ms = s->conf.backoff_min_ms;
		memset(&s->last_err, 0, sizeof(s->last_err));
		return spawn(s, now);
	case TUNNEL_STOPPING:
		s->start_after_stop = true;
		return 0;
	default:
		return 0; /* already at it */
	}
}

unsigned tunnel_sup_stop(struct tunnel_sup *s, int64_t now)
{
	(void)now;
	s->start_after_stop = false;
	s->deadline = -1;
	switch (s->state) {
	case TUNNEL_STARTING:
	case TUNNEL_UP:
		s->state = TUNNEL_STOPPING;
		if (s->kill_sent)
			return 0;
		s->kill_sent = true;
		return TUNNEL_DO_KILL;
	case TUNNEL_BACKOFF:
	case TUNNEL_FAILED:
		s->state = TUNNEL_IDLE;
		return 0;
	default:
		return 0;
	}
}

/* Errors after which another try cannot do better. */
static bool hopeless(const struct tunnel_event *ev)
{
	return ev->kind == TUNNEL_HOSTKEY_FAILED ||
	    (ev->kind == TUNNEL_AUTH_FAILED && ev->why == TUNNEL_WHY_NO_IDENTITY);
}

unsigned tunnel_sup_event(struct tunnel_sup *s, int64_t now, const struct tunnel_event *ev)
{
	if (!s->running || s->state == TUNNEL_STOPPING)
		return 0;
	if (ev->kind == TUNNEL_FORWARD_OK) {
		if (s->state != TUNNEL_STARTING || s->kill_sent)
			return 0;
		if (s->conf.remote_port != 0 && ev->port != s->conf.remote_port)
			return 0;
		s->state = TUNNEL_UP;
		s->up_since = now;
		s->deadline = now + s->conf.stable_ms;
		return TUNNEL_DO_REPORT_UP;
	}
	if (ev->kind != TUNNEL_OTHER && s->attempt_err.kind == TUNNEL_OTHER &&
	    s->attempt_err.why == TUNNEL_WHY_NONE)
		s->attempt_err = *ev;
	return 0;
}

/* The attempt is over: remember why, count it, and decide what next. */
static unsigned attempt_over(struct tunnel_sup *s, int64_t now, int status)
{
	bool was_up = s->state == TUNNEL_UP;
	unsigned acts = was_up ? TUNNEL_DO_REPORT_DOWN : 0;

	s->last_err = s->attempt_err;
	if (s->last_err.kind == TUNNEL_OTHER && s->last_err.why == TUNNEL_WHY_NONE) {
		s->last_err.why = TUNNEL_WHY_EXITED;
		s->last_err.status = status;
	}
	if (was_up && (s->stable || now - s->up_since >= s->conf.stable_ms)) {
		s->failures = 0;
		s->backoff_ms = s->conf.backoff_min_ms;
	}
	s->failures++;
	s->up_since = -1;
	if (s->failures >= s->conf.max_failures || hopeless(&s->last_err)) {
		s->state = TUNNEL_FAILED;
		s->deadline = -1;
		return acts | TUNNEL_DO_REPORT_FAILED;
	}
	s->state = TUNNEL_BACKOFF;
	s->deadline = now + s->backoff_ms;
	s->backoff_ms = s->backoff_ms > s->conf.backoff_max_ms / 2 ? s->conf.backoff_max_ms :
	    s->backoff_ms * 2;
	return acts;
}

unsigned tunnel_sup_exited(struct tunnel_sup *s, int64_t now, int status)
{
	if (!s->running)
		return 0;
	s->running = false;
	s->kill_sent = false;
	if (s->state == TUNNEL_STOPPING) {
		s->state = TUNNEL_IDLE;
		s->deadline = -1;
		s->up_since = -1;
		if (s->start_after_stop) {
			s->start_after_stop = false;
			return tunnel_sup_start(s, now);
		}
		return 0;
	}
	return attempt_over(s, now, status);
}

unsigned tunnel_sup_spawn_failed(struct tunnel_sup *s, int64_t now)
{
	if (s->state != TUNNEL_STARTING || !s->running)
		return 0;
	s->running = false;
	if (s->attempt_err.kind == TUNNEL_OTHER && s->attempt_err.why == TUNNEL_WHY_NONE)
		s->attempt_err.why = TUNNEL_WHY_SPAWN;
	return attempt_over(s, now, -1);
}

unsigned tunnel_sup_tick(struct tunnel_sup *s, int64_t now)
{
	if (s->deadline < 0 || now < s->deadline)
		return 0;
	switch (s->state) {
	case TUNNEL_STARTING:
		s->deadline = -1;
		if (s->kill_sent)
			return 0;
		if (s->attempt_err.kind == TUNNEL_OTHER && s->attempt_err.why == TUNNEL_WHY_NONE)
			s->attempt_err.why = TUNNEL_WHY_START_TIMEOUT;
		s->kill_sent = true;
		return TUNNEL_DO_KILL;
	case TUNNEL_BACKOFF:
		return spawn(s, now);
	case TUNNEL_UP:
		s->stable = true;
		s->failures = 0;
		s->backoff_ms = s->conf.backoff_min_ms;
		s->deadline = -1;
		return 0;
	default:
		s->deadline = -1;
		return 0;
	}
}

int64_t tunnel_sup_deadline(const struct tunnel_sup *s)
{
	return s->deadline;
}

const struct tunnel_event *tunnel_sup_error(const struct tunnel_sup *s)
{
	return &s->last_err;
}

const char *tunnel_state_name(enum tunnel_state st)
{
	static const char *const names[] = { "idle", "starting", "up", "backoff", "stopping",
		"failed" };

	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}
