/*
 * ppp: pppd peers file, chat script and ppp.conf section (see ppp.h).
 *
 * Three layers of quoting meet here, which is why values are restricted
 * rather than escaped wherever possible:
 *   chat script   words, '...' or "..." grouping; inside them chat still
 *                 reads \x escapes and ^X (control characters).  Init
 *                 strings go in '...' with '^' written as \136.
 *   pppd options  words and "..." strings; '#' starts a comment outside
 *                 quotes; the connect string is run by /bin/sh.
 *   ppp.conf      one line per command; "..." groups, and \x gives x
 *                 (ppp(8) reads it with PARSE_REDUCE); the dial string is
 *                 then split again as a chat script, where \" is a literal
 *                 quote, \s a space, \T the phone number and \^ a '^'.
 */
#include "ppp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "text.h"

#define DEFAULT_SPEED		115200
#define DEFAULT_NUMBER		"*99#"
#define DEFAULT_LABEL		"oobd"
#define DEFAULT_ECHO_S		10
#define DEFAULT_ECHO_FAILS	3
#define CHAT_TIMEOUT_S		10
#define DIAL_TIMEOUT_S		60
#define APN_MAX			63
#define NUMBER_MAX		31
#define INIT_MAX		120
#define CRED_MAX		63
#define PATH_LEN_MAX		200
#define PPP_CONF_LINE_MAX	500	/* ppp(8) reads lines of up to 512 */

/* ---- checking values ---- */

static bool all_of(const char *s, size_t max, bool (*ok)(char))
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return false;
	for (n = 0; s[n] != '\0'; n++)
		if (n >= max || !ok(s[n]))
			return false;
	return true;
}

static bool apn_char(char c)
{
	return text_isalnum(c) || c == '.' || c == '-' || c == '_';
}

static bool number_char(char c)
{
	return text_isdigit(c) || c == '*' || c == '#' || c == '+';
}

static bool path_char(char c)
{
	return text_isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-';
}

static bool word_char(char c)
{
	return text_isalnum(c) || c == '.' || c == '_' || c == '-';
}

/* Printable, no space, no quote that could end a quoted string, no
 * backslash that could start an escape. */
static bool cred_char(char c)
{
	return c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '\\';
}

static bool init_char(char c)
{
	return c > ' ' && c < 0x7f && c != '\'' && c != '\\';
}

static bool is_path(const char *s)
{
	return s != NULL && s[0] == '/' && all_of(s, PATH_LEN_MAX, path_char) &&
	    strstr(s, "/../") == NULL;
}

static bool is_word(const char *s, size_t max)
{
	return all_of(s, max, word_char) && s[0] != '-' && s[0] != '.';
}

static bool is_init(const char *s)
{
	return all_of(s, INIT_MAX, init_char) && (s[0] == 'A' || s[0] == 'a') &&
	    (s[1] == 'T' || s[1] == 't');
}

static bool empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

static int or_default(int v, int def)
{
	return v != 0 ? v : def;
}

static const char *number_of(const struct ppp_conf *pc)
{
	return empty(pc->number) ? DEFAULT_NUMBER : pc->number;
}

static const char *label_of(const struct ppp_conf *pc)
{
	return empty(pc->label) ? DEFAULT_LABEL : pc->label;
}

static bool valid_speed(int s)
{
	static const int speeds[] = { 9600, 19200, 38400, 57600, 115200, 230400, 460800,
		921600 };
	size_t i;

	for (i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (s == speeds[i])
			return true;
	return false;
}

int ppp_conf_check(const struct ppp_conf *pc, char *err, size_t errlen)
{
	int i;

	if (!is_path(pc->device))
		return text_errf(err, errlen, "ppp device: not a plain absolute path");
	if (pc->speed != 0 && !valid_speed(pc->speed))
		return text_errf(err, errlen, "ppp speed %d: not a standard rate", pc->speed);
	if (!all_of(pc->apn, APN_MAX, apn_char))
		return text_errf(err, errlen, "apn: letters, digits and .-_ only");
	if (!empty(pc->number) && !all_of(pc->number, NUMBER_MAX, number_char))
		return text_errf(err, errlen, "dial number: digits and *#+ only");
	if (pc->cid < 0 || pc->cid > 16)
		return text_errf(err, errlen, "pdp context %d out of range (1-16)", pc->cid);
	if (pc->ninit < 0 || pc->ninit > PPP_INIT_MAX)
		return text_errf(err, errlen, "too many init strings (at most %d)", PPP_INIT_MAX);
	for (i = 0; i < pc->ninit; i++)
		if (!is_init(pc->init[i]))
			return text_errf(err, errlen, "init string %d: must start with AT, printable, "
			    "without spaces, ' or \\", i + 1);
	if (!empty(pc->user) && !all_of(pc->user, CRED_MAX, cred_char))
		return text_errf(err, errlen, "ppp user: printable, without spaces, quotes or \\");
	if (!empty(pc->password) && !all_of(pc->password, CRED_MAX, cred_char))
		return text_errf(err, errlen, "ppp password: printable, without spaces, quotes or \\");
	if (pc->ifname != NULL && !is_word(pc->ifname, 15))
		return text_errf(err, errlen, "ppp interface name: bad name");
	if (pc->label != NULL && !is_word(pc->label, 32))
		return text_errf(err, errlen, "ppp label: bad name");
	if (pc->lcp_echo_interval < 0 || pc->lcp_echo_interval > 3600)
		return text_errf(err, errlen, "lcp echo interval out of range (1-3600 s)");
	if (pc->lcp_echo_failure < 0 || pc->lcp_echo_failure > 100)
		return text_errf(err, errlen, "lcp echo failure count out of range (1-100)");
	return 0;
}

/* ---- bounded text ---- */

struct text {
	char *buf;
	size_t len, used;
	bool full;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->len - t->used) {
		t->full = true;
		t->buf[t->used] = '\0';
		return;
	}
	t->used += (size_t)n;
}

/* Append s, each '^' as esc_caret and each '"' as esc_quote. */
static void put_escaped(struct text *t, const char *s, const char *esc_caret,
    const char *esc_quote)
{
	for (; *s != '\0'; s++) {
		if (*s == '^')
			put(t, "%s", esc_caret);
		else if (*s == '"')
			put(t, "%s", esc_quote);
		else
			put(t, "%c", *s);
	}
}

static int text_begin(struct text *t, char *buf, size_t len)
{
	if (buf == NULL || len == 0)
		return -1;
	t->buf = buf;
	t->len = len;
	t->used = 0;
	t->full = false;
	buf[0] = '\0';
	return 0;
}

static int text_end(struct text *t, const char *what, char *err, size_t errlen)
{
	if (t->full)
		return text_errf(err, errlen, "%s: does not fit in %zu bytes", what, t->len);
	return 0;
}

/* ---- Linux: chat script and pppd options ---- */

static const char *const aborts[] = { "BUSY", "NO CARRIER", "NO DIALTONE", "NO ANSWER",
	"ERROR" };

int ppp_chat_text(const struct ppp_conf *pc, char *buf, size_t len, char *err, size_t errlen)
{
	struct text t;
	size_t i;
	int k;

	if (text_begin(&t, buf, len) == -1)
		return text_errf(err, errlen, "chat script: no buffer");
	if (ppp_conf_check(pc, err, errlen) == -1)
		return -1;
	put(&t, "# oobd: chat script for the cellular data link (generated at each start)\n");
	for (i = 0; i < sizeof(aborts) / sizeof(aborts[0]); i++)
		put(&t, "ABORT '%s'\n", aborts[i]);
	put(&t, "TIMEOUT %d\n", CHAT_TIMEOUT_S);
	put(&t, "'' 'ATZ'\n");
	put(&t, "OK 'ATE0'\n");
	put(&t, "OK 'AT+CGDCONT=%d,\"IP\",\"%s\"'\n", or_default(pc->cid, 1), pc->apn);
	for (k = 0; k < pc->ninit; k++) {
		put(&t, "OK '");
		put_escaped(&t, pc->init[k], "\\136", "\"");
		put(&t, "'\n");
	}
	put(&t, "TIMEOUT %d\n", DIAL_TIMEOUT_S);
	put(&t, "OK 'ATD%s'\n", number_of(pc));
	put(&t, "CONNECT ''\n");
	return text_end(&t, "chat script", err, errlen);
}

int ppp_peers_text(const struct ppp_conf *pc, const char *chat_file, char *buf, size_t len,
    char *err, size_t errlen)
{
	struct text t;

	if (text_begin(&t, buf, len) == -1)
		return text_errf(err, errlen, "peers file: no buffer");
	if (ppp_conf_check(pc, err, errlen) == -1)
		return -1;
	if (!is_path(chat_file))
		return text_errf(err, errlen, "chat script path: not a plain absolute path");
	put(&t, "# oobd: pppd options for the cellular data link (generated at each start)\n");
	put(&t, "%s\n%d\n", pc->device, or_default(pc->speed, DEFAULT_SPEED));
	put(&t, "connect \"%s -v -s -f %s\"\n", PPP_CHAT_PATH, chat_file);
	/* oobd supervises: foreground, log to stderr, one dial, no redial */
	put(&t, "nodetach\nlogfd 2\nlinkname %s\nipparam %s\n", label_of(pc), label_of(pc));
	put(&t, "maxfail 1\nnopersist\n");
	/* the carrier does not authenticate to us; the home uplink keeps the
	 * default route */
	put(&t, "noauth\nnodefaultroute\nnoipdefault\nipcp-accept-local\nipcp-accept-remote\n");
	put(&t, "crtscts\nmodem\n%s\n", pc->lock ? "lock" : "nolock");
	put(&t, "lcp-echo-interval %d\nlcp-echo-failure %d\n",
	    or_default(pc->lcp_echo_interval, DEFAULT_ECHO_S),
	    or_default(pc->lcp_echo_failure, DEFAULT_ECHO_FAILS));
	put(&t, "novj\nnoccp\n");
	if (pc->usepeerdns)
		put(&t, "usepeerdns\n");
	if (pc->ifname != NULL)
		put(&t, "ifname %s\n", pc->ifname);
	if (!empty(pc->user))
		put(&t, "user \"%s\"\n", pc->user);
	if (!empty(pc->password))
		put(&t, "password \"%s\"\n", pc->password);
	put(&t, "hide-password\n");
	return text_end(&t, "peers file", err, errlen);
}

/* ---- FreeBSD: a ppp.conf section ---- */

/* The dial script, as one ppp.conf string: chat words escaped once for
 * chat (\s, \", \^) and each backslash and quote once more for ppp.conf. */
static void put_dial(struct text *t, const struct ppp_conf *pc)
{
	size_t i;
	int k;

	put(t, " set dial \"");
	for (i = 0; i < sizeof(aborts) / sizeof(aborts[0]); i++) {
		put(t, "ABORT ");
		for (const char *a = aborts[i]; *a != '\0'; a++)
			put(t, *a == ' ' ? "\\\\s" : "%c", *a);
		put(t, " ");
	}
	put(t, "TIMEOUT %d \\\"\\\" ATZ OK ATE0 OK ", CHAT_TIMEOUT_S);
	put(t, "AT+CGDCONT=%d,\\\\\\\"IP\\\\\\\",\\\\\\\"%s\\\\\\\" ", or_default(pc->cid, 1),
	    pc->apn);
	for (k = 0; k < pc->ninit; k++) {
		put(t, "OK ");
		put_escaped(t, pc->init[k], "\\\\^", "\\\\\\\"");
		put(t, " ");
	}
	put(t, "TIMEOUT %d OK ATD\\\\T CONNECT\"\n", DIAL_TIMEOUT_S);
}

int ppp_freebsd_text(const struct ppp_conf *pc, char *buf, size_t len, char *err,
    size_t errlen)
{
	struct text t;
	size_t start;

	if (text_begin(&t, buf, len) == -1)
		return text_errf(err, errlen, "ppp.conf: no buffer");
	if (ppp_conf_check(pc, err, errlen) == -1)
		return -1;
	put(&t, "# oobd: ppp(8) section for the cellular data link (generated at each start)\n");
	put(&t, "%s:\n", label_of(pc));
	put(&t, " set device %s\n set speed %d\n set ctsrts on\n", pc->device,
	    or_default(pc->speed, DEFAULT_SPEED));
	put(&t, " set phone \"%s\"\n", number_of(pc));
	start = t.used;
	put_dial(&t, pc);
	if (!t.full && t.used - start > PPP_CONF_LINE_MAX)
		return text_errf(err, errlen, "ppp.conf: dial script longer than %d bytes (fewer or "
		    "shorter init strings)", PPP_CONF_LINE_MAX);
	put(&t, " set login\n");
	/* oobd supervises: no idle timeout, one dial, no reconnect */
	put(&t, " set timeout 0\n set redial 0 1\n set reconnect 0 0\n");
	/* addresses from the carrier; no "add default": the home uplink
	 * keeps the default route */
	put(&t, " set ifaddr 10.0.0.1/0 10.0.0.2/0 255.255.255.255 0.0.0.0\n");
	put(&t, " enable echo\n set echoperiod %d\n",
	    or_default(pc->lcp_echo_interval, DEFAULT_ECHO_S));
	put(&t, " disable ipv6cp\n %s dns\n", pc->usepeerdns ? "enable" : "disable");
	if (pc->ifname != NULL)
		put(&t, " iface name %s\n", pc->ifname);
	if (!empty(pc->user))
		put(&t, " set authname \"%s\"\n", pc->user);
	if (!empty(pc->password))
		put(&t, " set authkey \"%s\"\n", pc->password);
	return text_end(&t, "ppp.conf", err, errlen);
}

/* ---- command lines ---- */

static int argv_add(struct ppp_argv *a, const char *s)
{
	size_t n = strlen(s) + 1;

	if (a->argc >= PPP_ARGV_MAX - 1 || n > sizeof(a->buf) - a->used)
		return -1;
	memcpy(a->buf + a->used, s, n);
	a->argv[a->argc++] = a->buf + a->used;
	a->argv[a->argc] = NULL;
	a->used += n;
	return 0;
}

int ppp_pppd_argv(const char *peers_file, struct ppp_argv *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (!is_path(peers_file))
		return text_errf(err, errlen, "peers file path: not a plain absolute path");
	if (argv_add(a, PPP_PPPD_PATH) == -1 || argv_add(a, "file") == -1 ||
	    argv_add(a, peers_file) == -1 || argv_add(a, "nodetach") == -1)
		return text_errf(err, errlen, "pppd command line too long");
	return 0;
}

int ppp_freebsd_argv(const struct ppp_conf *pc, struct ppp_argv *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (pc->label != NULL && !is_word(pc->label, 32))
		return text_errf(err, errlen, "ppp label: bad name");
	if (argv_add(a, PPP_FREEBSD_PATH) == -1 || argv_add(a, "-foreground") == -1 ||
	    argv_add(a, label_of(pc)) == -1)
		return text_errf(err, errlen, "ppp command line too long");
	return 0;
}

/* ---- files ---- */

static int check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (!is_path(dir))
		return text_errf(err, errlen, "%s: not a plain absolute path", dir ? dir : "(null)");
	if (lstat(dir, &st) == -1)
		return text_errf(err, errlen, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return text_errf(err, errlen, "%s: not a directory", dir);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return text_errf(err, errlen, "%s: writable by group or others", dir);
	if (st.st_uid != geteuid())
		return text_errf(err, errlen, "%s: not owned by us", dir);
	return 0;
}

int
ppp_write_file(const char *dir, const char *name, const char *text, char *path, size_t pathlen,
    char *err, size_t errlen)
{
	char final[PATH_LEN_MAX + 64];

	if (check_dir(dir, err, errlen) == -1)
		return -1;
	if (!is_word(name, 48))
		return text_errf(err, errlen, "%s: bad file name", name ? name : "(null)");
	snprintf(final, sizeof(final), "%s/%s", dir, name);
	if (atomicfile_write(final, text, strlen(text), 0600, err, errlen) == -1)
		return -1;
	if (path != NULL && pathlen > 0)
		snprintf(path, pathlen, "%s", final);
	return 0;
}
