/*
 * Unit tests for oobd/notify, without a network: the notify directives as
 * oobd.conf lines (through the real config parser, so errors carry
 * file:line), secret files, URLs, the exact requests built for Pushover,
 * ntfy and webhooks, the summary of error answers, and the arguments
 * notify_send() refuses.  tests/unit/test_oobd_notify_live.c does the
 * transfers against a local recording server.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "config.h"
#include "notify.h"

/* The daemon's table would look like this: notify_conf_directive() behind
 * each notify entry. */
static int
h_notify(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	int rc = notify_conf_directive(ctx, l, err, errlen);

	assert_int_not_equal(rc, 1);
	return rc;
}

static const struct cfg_directive table[] = {
	{ "notify", 2, 3, h_notify },
	{ "notify-timeout", 1, 1, h_notify },
	{ "notify-retries", 1, 1, h_notify },
	{ "notify-helper", 1, 1, h_notify },
	{ "notify-user", 1, 1, h_notify },
	{ NULL, 0, 0, NULL },
};

static int
parse(struct notify_conf *c, const char *text, char *err, size_t errlen)
{
	notify_conf_init(c);
	return cfg_parse_buffer("oobd.conf", text, strlen(text), table, c, err, errlen);
}

static void
test_conf_good(void **state)
{
	struct notify_conf c;
	char err[CFG_ERRLEN];

	(void)state;
	assert_int_equal(parse(&c, "# nothing\n", err, sizeof(err)), 0);
	assert_int_equal(c.ntargets, 0);
	assert_int_equal(c.timeout_ms, 20000);
	assert_int_equal(c.retries, 2);
	assert_string_equal(c.pushover_url, "https://api.pushover.net/1/messages.json");

	assert_int_equal(parse(&c,
	    "notify pushover /etc/oobd/po.token /etc/oobd/po.user\n"
	    "notify ntfy https://ntfy.sh/outpost-a1b2\n"
	    "notify ntfy http://127.0.0.1:8080/t /etc/oobd/ntfy.token\n"
	    "NOTIFY webhook https://hooks.example.org/in?key=1\n"
	    "notify pushover-url http://127.0.0.1:9/1/messages.json\n"
	    "notify-timeout 1500ms\n"
	    "notify-retries 0\n", err, sizeof(err)), 0);
	assert_int_equal(c.ntargets, 4);
	assert_int_equal(c.targets[0].kind, NOTIFY_PUSHOVER);
	assert_string_equal(c.targets[0].token_file, "/etc/oobd/po.token");
	assert_string_equal(c.targets[0].user_file, "/etc/oobd/po.user");
	assert_string_equal(c.targets[0].where, "oobd.conf:1");
	assert_string_equal(notify_target_url(&c, &c.targets[0]),
	    "http://127.0.0.1:9/1/messages.json");
	assert_int_equal(c.targets[1].kind, NOTIFY_NTFY);
	assert_string_equal(c.targets[1].token_file, "");
	assert_string_equal(c.targets[2].token_file, "/etc/oobd/ntfy.token");
	assert_int_equal(c.targets[3].kind, NOTIFY_WEBHOOK);
	assert_string_equal(c.targets[3].url, "https://hooks.example.org/in?key=1");
	assert_int_equal(c.timeout_ms, 1500);
	assert_int_equal(c.retries, 0);
	assert_false(c.secrets_loaded);
}

static void
test_conf_errors(void **state)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "notify gotify https://x/y\n",
		    "oobd.conf:1: unknown notification service 'gotify' (pushover, ntfy, webhook, "
		    "pushover-url)" },
		{ "notify pushover /a\n",
		    "oobd.conf:1: usage: notify pushover TOKEN_FILE USER_KEY_FILE" },
		{ "notify webhook https://a/b c\n", "oobd.conf:1: usage: notify webhook URL" },
		{ "\nnotify ntfy ftp://ntfy.sh/t\n",
		    "oobd.conf:2: URL must start with https:// (or http://)" },
		{ "notify ntfy https://ntfy.sh\n",
		    "oobd.conf:1: an ntfy URL names the topic: https://ntfy.sh/TOPIC" },
		{ "notify ntfy https://ntfy.sh/\n",
		    "oobd.conf:1: an ntfy URL names the topic: https://ntfy.sh/TOPIC" },
		{ "notify webhook https:///x\n", "oobd.conf:1: URL without a valid host" },
		{ "notify webhook 'https://a b/x'\n",
		    "oobd.conf:1: URL with a space, control or non-ASCII character" },
		{ "notify webhook https://h:0/x\n", "oobd.conf:1: bad port in URL" },
		{ "notify webhook https://h:65536/x\n", "oobd.conf:1: bad port in URL" },
		{ "notify webhook https://h:80a/x\n",
		    "oobd.conf:1: bad character 'a' in the URL's host" },
		{ "notify webhook https://[::1/x\n", "oobd.conf:1: bad IPv6 address in URL" },
		{ "notify pushover-url ht://x/\n",
		    "oobd.conf:1: URL must start with https:// (or http://)" },
		{ "notify-timeout 50ms\n",
		    "oobd.conf:1: notify-timeout must be between 100ms and 10m" },
		{ "notify-timeout 11m\n",
		    "oobd.conf:1: notify-timeout must be between 100ms and 10m" },
		{ "notify-retries 11\n", NULL },
		{ "notify-retries -1\n", NULL },
	};
	struct notify_conf c;
	char err[CFG_ERRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&c, cases[i].text, err, sizeof(err)), -1);
		if (cases[i].err != NULL)
			assert_string_equal(err, cases[i].err);
		else
			assert_true(strncmp(err, "oobd.conf:1: ", 13) == 0);
	}
}

static void
test_conf_limits(void **state)
{
	struct notify_conf c;
	char text[4096], err[CFG_ERRLEN], url[NOTIFY_URL_MAX + 32];
	size_t len = 0;
	struct cfg_line l = { .file = "x", .line = 1, .argc = 2,
		.argv = { "port", "123", NULL } };

	(void)state;
	for (int i = 0; i <= NOTIFY_MAX_TARGETS; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "notify webhook https://h%d.example/x\n", i);
	assert_int_equal(parse(&c, text, err, sizeof(err)), -1);
	assert_string_equal(err, "oobd.conf:9: at most 8 notify targets");
	assert_int_equal(c.ntargets, NOTIFY_MAX_TARGETS);

	memset(url, 'a', sizeof(url));
	memcpy(url, "https://h/", 10);
	url[NOTIFY_URL_MAX] = '\0';
	snprintf(text, sizeof(text), "notify webhook %s\n", url);
	assert_int_equal(parse(&c, text, err, sizeof(err)), -1);
	assert_string_equal(err, "oobd.conf:1: URL longer than 511 bytes");

	/* Not ours: 1, and nothing changed. */
	notify_conf_init(&c);
	assert_int_equal(notify_conf_directive(&c, &l, err, sizeof(err)), 1);
}

static void
write_secret(const char *path, const char *s, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
test_conf_secrets(void **state)
{
	char dir[] = "/tmp/outpost-notify.XXXXXX", tok[64], usr[64], text[512];
	char err[CFG_ERRLEN];
	struct notify_conf c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(tok, sizeof(tok), "%s/tok", dir);
	snprintf(usr, sizeof(usr), "%s/usr", dir);
	write_secret(tok, "apptoken123\n", 0600);
	write_secret(usr, "userkey456\n", 0644);
	snprintf(text, sizeof(text), "notify-retries 1\nnotify pushover %s %s\n", tok, usr);
	assert_int_equal(parse(&c, text, err, sizeof(err)), 0);
	assert_int_equal(notify_conf_load_secrets(&c, err, sizeof(err)), -1);
	assert_true(strncmp(err, "oobd.conf:2: ", 13) == 0);
	assert_non_null(strstr(err, usr));
	assert_non_null(strstr(err, "mode 0644"));
	assert_false(c.secrets_loaded);

	assert_int_equal(chmod(usr, 0600), 0);
	assert_int_equal(notify_conf_load_secrets(&c, err, sizeof(err)), 0);
	assert_string_equal(c.targets[0].token, "apptoken123");
	assert_string_equal(c.targets[0].user, "userkey456");
	assert_true(c.secrets_loaded);

	/* An ntfy target without a token reads no file. */
	assert_int_equal(parse(&c, "notify ntfy https://ntfy.sh/t\n", err, sizeof(err)), 0);
	assert_int_equal(notify_conf_load_secrets(&c, err, sizeof(err)), 0);
	assert_string_equal(c.targets[0].token, "");

	snprintf(text, sizeof(text), "notify ntfy https://ntfy.sh/t %s/missing\n", dir);
	assert_int_equal(parse(&c, text, err, sizeof(err)), 0);
	assert_int_equal(notify_conf_load_secrets(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/missing: No such file"));

	notify_conf_clear(&c);
	assert_int_equal(c.ntargets, 0);
	unlink(tok);
	unlink(usr);
	rmdir(dir);
}

static void
test_url_parse(void **state)
{
	static const struct {
		const char *url;
		bool https, literal, has_path;
		const char *host;
		unsigned port;
	} good[] = {
		{ "https://api.pushover.net/1/messages.json", true, false, true,
		    "api.pushover.net", 443 },
		{ "HTTP://127.0.0.1:8080/t", false, true, true, "127.0.0.1", 8080 },
		{ "http://[::1]:81/", false, true, false, "::1", 81 },
		{ "https://user:pw@hooks.example/x?y#z", true, false, true, "hooks.example", 443 },
		{ "https://ntfy.sh", true, false, false, "ntfy.sh", 443 },
		{ "https://ntfy.sh/?x", true, false, false, "ntfy.sh", 443 },
		{ "https://push.invalid:4443/topic", true, false, true, "push.invalid", 4443 },
	};
	static const char *const bad[] = {
		"", "https://", "http:/x/y", "https://h:/x", "https://h x/", "https://\x01/",
		"https://h\xc3\xa9.example/", "file:///etc/passwd", "https://[]/", "https://[zz]/",
		"https://h:123456/",
	};
	struct notify_url u;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(notify_url_parse(good[i].url, &u, err, sizeof(err)), 0);
		assert_int_equal(u.https, good[i].https);
		assert_int_equal(u.literal, good[i].literal);
		assert_int_equal(u.has_path, good[i].has_path);
		assert_string_equal(u.host, good[i].host);
		assert_int_equal(u.port, good[i].port);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(notify_url_parse(bad[i], &u, err, sizeof(err)), -1);
}

static void
test_endpoints(void **state)
{
	struct notify_endpoint ep[8];
	struct notify_conf c;
	char err[CFG_ERRLEN];

	(void)state;
	assert_int_equal(parse(&c,
	    "notify pushover /t /u\n"
	    "notify ntfy https://ntfy.sh/a\n"
	    "notify ntfy https://NTFY.sh/b\n"
	    "notify ntfy https://ntfy.sh:8443/c\n"
	    "notify webhook http://127.0.0.1:9/x\n"
	    "notify webhook http://[::1]:9/x\n", err, sizeof(err)), 0);
	assert_int_equal(notify_conf_endpoints(&c, ep, 8), 3);
	assert_string_equal(ep[0].host, "api.pushover.net");
	assert_int_equal(ep[0].port, 443);
	assert_string_equal(ep[1].host, "ntfy.sh");
	assert_int_equal(ep[1].port, 443);
	assert_string_equal(ep[2].host, "ntfy.sh");
	assert_int_equal(ep[2].port, 8443);
	assert_int_equal(notify_conf_endpoints(&c, ep, 1), 1);
}

/* A conf with one target of each kind and known secrets. */
static void
conf_each(struct notify_conf *c)
{
	char err[CFG_ERRLEN];

	assert_int_equal(parse(c,
	    "notify pushover /t /u\n"
	    "notify ntfy https://ntfy.sh/outpost /t\n"
	    "notify webhook https://hooks.example/in\n", err, sizeof(err)), 0);
	snprintf(c->targets[0].token, sizeof(c->targets[0].token), "azGCD7xuq");
	snprintf(c->targets[0].user, sizeof(c->targets[0].user), "uQiRzpo4");
	snprintf(c->targets[1].token, sizeof(c->targets[1].token), "tk_XYZ");
}

static const char *
header(const struct notify_request *r, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < r->nheaders; i++)
		if (strncmp(r->headers[i], name, n) == 0 && r->headers[i][n] == ':')
			return r->headers[i] + n + 2;
	return NULL;
}

static void
test_build_pushover(void **state)
{
	struct notify_message m = { .event = "up", .title = "box: link up",
		.text = "ssh -p 2222 relay & go = 100%\nline 2 \xc3\xbc", .host = "box",
		.time = 1700000000 };
	struct notify_request r;
	struct notify_conf c;
	char err[128];

	(void)state;
	conf_each(&c);
	assert_int_equal(notify_build_request(&c, &c.targets[0], &m, &r, err, sizeof(err)), 0);
	assert_string_equal(r.url, "https://api.pushover.net/1/messages.json");
	assert_string_equal(header(&r, "Content-Type"), "application/x-www-form-urlencoded");
	assert_string_equal(r.body,
	    "token=azGCD7xuq&user=uQiRzpo4&title=box%3A%20link%20up"
	    "&message=ssh%20-p%202222%20relay%20%26%20go%20%3D%20100%25%0Aline%202%20%C3%BC"
	    "&timestamp=1700000000");
	assert_int_equal(r.body_len, strlen(r.body));

	m.event = "failed";
	assert_int_equal(notify_build_request(&c, &c.targets[0], &m, &r, err, sizeof(err)), 0);
	assert_non_null(strstr(r.body, "&priority=1"));
	m.event = "down";
	assert_int_equal(notify_build_request(&c, &c.targets[0], &m, &r, err, sizeof(err)), 0);
	assert_non_null(strstr(r.body, "&priority=1"));
	m.event = "status";
	assert_int_equal(notify_build_request(&c, &c.targets[0], &m, &r, err, sizeof(err)), 0);
	assert_null(strstr(r.body, "priority"));
	m.event = "sideways";
	assert_int_equal(notify_build_request(&c, &c.targets[0], &m, &r, err, sizeof(err)), -1);
}

static void
test_build_ntfy(void **state)
{
	struct notify_message m = { .event = "down", .title = "box: link down\r\nX-Evil: 1",
		.text = "home is back\n", .host = "box", .time = 0 };
	struct notify_request r;
	struct notify_conf c;
	char err[128];

	(void)state;
	conf_each(&c);
	assert_int_equal(notify_build_request(&c, &c.targets[1], &m, &r, err, sizeof(err)), 0);
	assert_string_equal(r.url, "https://ntfy.sh/outpost");
	assert_int_equal(r.nheaders, 5);
	assert_string_equal(header(&r, "Content-Type"), "text/plain; charset=utf-8");
	/* CR LF cannot start a header of its own. */
	assert_string_equal(header(&r, "Title"), "box: link down  X-Evil: 1");
	assert_string_equal(header(&r, "Tags"), "red_circle,outpost");
	assert_string_equal(header(&r, "Priority"), "high");
	assert_string_equal(header(&r, "Authorization"), "Bearer tk_XYZ");
	assert_string_equal(r.body, "home is back\n");

	m.event = "up";
	c.targets[1].token[0] = '\0';
	assert_int_equal(notify_build_request(&c, &c.targets[1], &m, &r, err, sizeof(err)), 0);
	assert_string_equal(header(&r, "Tags"), "green_circle,outpost");
	assert_null(header(&r, "Priority"));
	assert_null(header(&r, "Authorization"));
	m.event = "failed";
	assert_int_equal(notify_build_request(&c, &c.targets[1], &m, &r, err, sizeof(err)), 0);
	assert_string_equal(header(&r, "Tags"), "warning,outpost");
	assert_string_equal(header(&r, "Priority"), "high");
	m.event = "status";
	assert_int_equal(notify_build_request(&c, &c.targets[1], &m, &r, err, sizeof(err)), 0);
	assert_string_equal(header(&r, "Tags"), "information_source,outpost");
}

static void
test_build_webhook(void **state)
{
	struct notify_message m = { .event = "failed", .title = "box: \"tunnel\" failed",
		.text = "ssh: exit 255\tafter 3 tries\n\x01\xff end", .host = "box",
		.time = 1700000000 };
	struct notify_request r;
	struct notify_conf c;
	char err[128];

	(void)state;
	conf_each(&c);
	assert_int_equal(notify_build_request(&c, &c.targets[2], &m, &r, err, sizeof(err)), 0);
	assert_string_equal(r.url, "https://hooks.example/in");
	assert_int_equal(r.nheaders, 1);
	assert_string_equal(header(&r, "Content-Type"), "application/json");
	assert_string_equal(r.body,
	    "{\"event\":\"failed\",\"host\":\"box\",\"title\":\"box: \\\"tunnel\\\" failed\","
	    "\"text\":\"ssh: exit 255\\u0009after 3 tries\\u000a ? end\","
	    "\"time\":\"2023-11-14T22:13:20Z\"}");
}

static void
test_build_limits(void **state)
{
	struct notify_message m = { .event = "status", .host = "box", .time = 0 };
	char title[NOTIFY_TITLE_MAX + 40], text[3 * NOTIFY_TEXT_MAX];
	struct notify_request r;
	struct notify_conf c;
	char err[128], *msg;
	size_t len;

	(void)state;
	conf_each(&c);
	/* 'ü' (2 bytes) at a time: a 250-byte title holds 125 of them. */
	for (size_t i = 0; i + 2 < sizeof(title); i += 2)
		memcpy(title + i, "\xc3\xbc", 2);
	title[sizeof(title) - 2] = '\0';
	memmove(title, "x", 1);	/* 'x' then half of a 'ü': the half becomes '?' */
	memset(text, '"', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	m.title = title;
	m.text = text;
	assert_int_equal(notify_build_request(&c, &c.targets[1], &m, &r, err, sizeof(err)), 0);
	len = strlen(header(&r, "Title"));
	assert_true(len <= NOTIFY_TITLE_MAX && len >= NOTIFY_TITLE_MAX - 1);
	assert_memory_equal(header(&r, "Title"), "x?\xc3\xbc", 4);
	assert_int_equal(r.body_len, NOTIFY_TEXT_MAX);

	/* The worst case for JSON (every byte escaped) still fits. */
	assert_int_equal(notify_build_request(&c, &c.targets[2], &m, &r, err, sizeof(err)), 0);
	msg = strstr(r.body, "\"text\":\"");
	assert_non_null(msg);
	assert_memory_equal(msg + 8, "\\\"\\\"", 4);

	/* And for the form: 1024 bytes of '"' are 3072 encoded. */
	assert_int_equal(notify_build_request(&c, &c.targets[0], &m, &r, err, sizeof(err)), 0);
	assert_true(r.body_len > 3 * NOTIFY_TEXT_MAX);
}

static void
test_response_summary(void **state)
{
	static const struct {
		const char *body;
		const char *want;
	} cases[] = {
		{ "{\"user\":\"invalid\",\"errors\":[\"user identifier is not a valid user, group, "
		  "or subscribed user key\"],\"status\":0,\"request\":\"5042853c\"}",
		    "user identifier is not a valid user, group, or subscribed user key" },
		{ "{\"code\":40101,\"http\":401,\"error\":\"unauthorized\",\"link\":\"x\"}",
		    "unauthorized" },
		{ "{\"message\": \"rate \\\"limited\\\"\\n now\"}", "rate \"limited\"  now" },
		{ "{\"errors\" : [ \"a\\u00e9b\" ]}", "a?b" },
		{ "{\"errors\":[]}", "{\"errors\":[]}" },
		{ "<html>\r\n<title>502 Bad Gateway</title>", "<html>" },
		{ "\n\nInternal error \x01\xff\n", "Internal error ??" },
		{ "", "" },
		{ "{\"error\":\"", "{\"error\":\"" },
	};
	char out[128], tiny[4];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		notify_response_summary(cases[i].body, strlen(cases[i].body), out, sizeof(out));
		assert_string_equal(out, cases[i].want == NULL ? "" : cases[i].want);
	}
	notify_response_summary(cases[0].body, strlen(cases[0].body), tiny, sizeof(tiny));
	assert_string_equal(tiny, "use");
	notify_response_summary(NULL, 0, tiny, sizeof(tiny));
	assert_string_equal(tiny, "");
}

static void
test_send_refuses(void **state)
{
	struct notify_resolve bad_addr = { .host = "h", .port = 0, .addr = "not-an-ip" };
	struct notify_route both = { .interface = "lo", .source = "127.0.0.1" };
	struct notify_route bang = { .interface = "if!lo" };
	struct notify_route badsrc = { .source = "localhost" };
	struct notify_route badres = { .resolve = &bad_addr, .nresolve = 1 };
	struct notify_conf c;
	struct ev_loop *loop;
	struct child_set *kids;
	struct notifier *n;
	char err[CFG_ERRLEN];

	(void)state;
	loop = ev_new();
	assert_non_null(loop);
	assert_non_null(kids = child_set_new(loop, err, sizeof(err)));

	/* No target: nothing to do, and no result will come. */
	notify_conf_init(&c);
	n = notify_new(loop, kids, &c, err, sizeof(err));
	assert_non_null(n);
	assert_int_equal(notify_send(n, "up", NULL, "x", NULL), 0);
	notify_free(n);

	/* The sends below never get as far as a result: cat stands in for
	 * the helper. */
	assert_int_equal(parse(&c, "notify webhook http://127.0.0.1:9/x\n"
	    "notify-helper /bin/cat\n", err, sizeof(err)), 0);
	n = notify_new(loop, kids, &c, err, sizeof(err));
	assert_non_null(n);
	errno = 0;
	assert_int_equal(notify_send(n, "sideways", NULL, "x", NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(notify_send(n, "up", NULL, NULL, NULL), -1);
	assert_int_equal(notify_send(n, "up", NULL, "x", &both), -1);
	assert_int_equal(notify_send(n, "up", NULL, "x", &bang), -1);
	assert_int_equal(notify_send(n, "up", NULL, "x", &badsrc), -1);
	assert_int_equal(notify_send(n, "up", NULL, "x", &badres), -1);
	assert_int_equal(notify_busy(n), 0);
	/* In flight at most NOTIFY_MAX_INFLIGHT. */
	for (int i = 0; i < NOTIFY_MAX_INFLIGHT; i++)
		assert_int_equal(notify_send(n, "status", NULL, "x", NULL), i + 1);
	assert_int_equal(notify_busy(n), NOTIFY_MAX_INFLIGHT);
	errno = 0;
	assert_int_equal(notify_send(n, "status", NULL, "x", NULL), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(child_count(kids), NOTIFY_MAX_INFLIGHT);
	notify_free(n);	/* kills them, no result */

	/* Secrets that cannot be read stop notify_new. */
	assert_int_equal(parse(&c, "notify pushover /nonexistent/t /nonexistent/u\n", err,
	    sizeof(err)), 0);
	assert_null(notify_new(loop, kids, &c, err, sizeof(err)));
	assert_string_equal(err, "oobd.conf:1: /nonexistent/t: No such file or directory");

	child_set_free(kids);
	ev_free(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_good),
		cmocka_unit_test(test_conf_errors),
		cmocka_unit_test(test_conf_limits),
		cmocka_unit_test(test_conf_secrets),
		cmocka_unit_test(test_url_parse),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_build_pushover),
		cmocka_unit_test(test_build_ntfy),
		cmocka_unit_test(test_build_webhook),
		cmocka_unit_test(test_build_limits),
		cmocka_unit_test(test_response_summary),
		cmocka_unit_test(test_send_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
