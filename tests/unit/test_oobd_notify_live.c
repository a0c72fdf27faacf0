/*
 * oobd/notify against real HTTP: each test starts the recording server
 * tests/integration/httprec.py on 127.0.0.1 (python3), points targets at
 * it, runs the event loop until the results come back, and reads what the
 * server received with `httprec.py show`, whose decoding (Python's form and
 * JSON parsers) is independent of ours.  Covers the three services'
 * requests, retries, timeouts, redirects, routes (interface, source
 * address, pre-resolved names), several targets and sends at once, that the
 * loop keeps running while a push waits, and that no descriptor is left
 * open.  The pushes go through the real helper, $OUTPOST_BIN/oobd-push
 * (default build/bin), as in the daemon; freeing the notifier kills it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "config.h"
#include "evloop.h"
#include "notify.h"
#include "tsmath.h"

/* ---- The recording server ---- */

struct server {
	pid_t pid;
	unsigned port;
	char log[160];
};

static char scratch[64];
static char httprec[512];
static char helper[NOTIFY_PATH_MAX];

static void
find_httprec(void)
{
	const char *top = getenv("OUTPOST_TOP");

	snprintf(httprec, sizeof(httprec), "%s/tests/integration/httprec.py",
	    top != NULL ? top : ".");
	if (access(httprec, R_OK) != 0)
		fail_msg("%s not found (run from the source tree or set OUTPOST_TOP)", httprec);
}

/* Run python3 httprec.py ARGS...; the first line it prints goes to out. */
static pid_t
run_httprec(const char *const *args, char *out, size_t outlen, bool wait_exit, int *status)
{
	const char *argv[24];
	int p[2], n = 0;
	size_t have = 0;
	pid_t pid;

	argv[n++] = "python3";
	argv[n++] = httprec;
	for (int i = 0; args[i] != NULL && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execvp("python3", (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	/* Read until EOF or (for a server) the end of the first line. */
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		ssize_t r;

		if (poll(&pfd, 1, 10000) <= 0 || have + 1 >= outlen)
			break;
		if ((r = read(p[0], out + have, outlen - 1 - have)) <= 0)
			break;
		have += (size_t)r;
		if (!wait_exit && memchr(out, '\n', have) != NULL)
			break;
	}
	out[have] = '\0';
	close(p[0]);
	if (wait_exit)
		assert_int_equal(waitpid(pid, status, 0), pid);
	return pid;
}

/* Start a server with extra options (NULL-terminated). */
static void
server_start(struct server *s, const char *name, const char *const *opts)
{
	const char *args[20] = { "serve" };
	char line[64];
	int n = 1;

	snprintf(s->log, sizeof(s->log), "%s/%s.log", scratch, name);
	args[n++] = s->log;
	for (int i = 0; opts != NULL && opts[i] != NULL && n < 19; i++)
		args[n++] = opts[i];
	args[n] = NULL;
	s->pid = run_httprec(args, line, sizeof(line), false, NULL);
	s->port = (unsigned)strtoul(line, NULL, 10);
	if (s->port == 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		fail_msg("httprec.py did not start (said '%s')", line);
	}
}

static void
server_stop(struct server *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

/* `httprec.py show LOG INDEX K1 [K2]` into out (without the newline show
 * adds); -1 when the value is not there. */
static int
show(const struct server *s, int index, const char *k1, const char *k2, char *out, size_t len)
{
	char idx[16];
	const char *args[] = { "show", s->log, idx, k1, k2, NULL };
	size_t n;
	int st;

	snprintf(idx, sizeof(idx), "%d", index);
	run_httprec(args, out, len, true, &st);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return 0;
}

static int
count(const struct server *s)
{
	const char *args[] = { "count", s->log, NULL };
	char out[32];
	int st;

	run_httprec(args, out, sizeof(out), true, &st);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return atoi(out);
}

static void
expect_show(const struct server *s, int index, const char *k1, const char *k2,
    const char *want)
{
	char got[4096];

	if (show(s, index, k1, k2, got, sizeof(got)) == -1)
		fail_msg("request %d has no %s %s", index, k1, k2 ? k2 : "");
	assert_string_equal(got, want);
}

/* ---- Results ---- */

struct got {
	int send_id, target, attempts, pending;
	bool ok;
	long status;
	char kind[16], host[64], event[16], error[NOTIFY_ERR_MAX];
	struct timespec at;
};

struct results {
	struct got r[16];
	int n;
};

static void
on_result(const struct notify_result *r, void *arg)
{
	struct results *res = arg;
	struct got *g;

	assert_true(res->n < 16);
	g = &res->r[res->n++];
	g->send_id = r->send_id;
	g->target = r->target;
	g->attempts = r->attempts;
	g->pending = r->pending;
	g->ok = r->ok;
	g->status = r->http_status;
	snprintf(g->kind, sizeof(g->kind), "%s", r->kind);
	snprintf(g->host, sizeof(g->host), "%s", r->host);
	snprintf(g->event, sizeof(g->event), "%s", r->event);
	snprintf(g->error, sizeof(g->error), "%s", r->error);
	g->at = ts_now_mono();
}

static int64_t
ms_since(struct timespec t0)
{
	return ts_to_ms(ts_sub(ts_now_mono(), t0));
}

/* Run the loop until `want` results came or timeout_ms passed. */
static void
run_until(struct ev_loop *loop, struct results *res, int want, int64_t timeout_ms)
{
	struct timespec t0 = ts_now_mono();

	while (res->n < want && ms_since(t0) < timeout_ms)
		ev_run_once(loop, 50);
	if (res->n < want)
		fail_msg("%d of %d results after %lld ms", res->n, want, (long long)timeout_ms);
}

/* Open descriptors in this process (portable: no /proc). */
static int
open_descriptors(void)
{
	struct stat sb;
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		if (fstat(fd, &sb) == 0)
			n++;
	return n;
}

/* ---- Fixture ---- */

struct fx {
	struct ev_loop *loop;
	struct child_set *kids;
	struct notifier *n;
	struct notify_conf c;
	struct results res;
	struct server a, b;
	char tok[128], usr[128];
	int sockets_before;	/* descriptors before the notifier */
	int sockets_idle;	/* and with it */
};

static void
write_secret(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	char err[CHILD_ERRLEN];

	f->loop = ev_new();
	if (f->loop == NULL || (f->kids = child_set_new(f->loop, err, sizeof(err))) == NULL)
		return -1;
	snprintf(f->tok, sizeof(f->tok), "%s/token", scratch);
	snprintf(f->usr, sizeof(f->usr), "%s/user", scratch);
	write_secret(f->tok, "azGCD7xuqJ3hY2eWnD1LNE3aTN6o5k\n");
	write_secret(f->usr, "uQiRzpo4DXghDmr9QzzfQu27cmVRsG\n");
	f->sockets_before = open_descriptors();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	notify_free(f->n);
	child_set_free(f->kids);
	server_stop(&f->a);
	server_stop(&f->b);
	notify_conf_clear(&f->c);
	ev_free(f->loop);
	unlink(f->tok);
	unlink(f->usr);
	free(f);
	return 0;
}

static int
h_notify(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	return notify_conf_directive(ctx, l, err, errlen);
}

/* Parse conf text (with %u for the server ports, a's then b's) and start
 * a notifier with retries backing off by 50 ms. */
static void
start(struct fx *f, const char *fmt, ...)
{
	static const struct cfg_directive t[] = {
		{ "notify", 2, 3, h_notify }, { "notify-timeout", 1, 1, h_notify },
		{ "notify-retries", 1, 1, h_notify }, { NULL, 0, 0, NULL },
	};
	char text[2048], err[CFG_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	notify_conf_init(&f->c);
	if (cfg_parse_buffer("oobd.conf", text, strlen(text), t, &f->c, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	f->c.retry_delay_ms = 50;
	snprintf(f->c.host, sizeof(f->c.host), "testbox");
	snprintf(f->c.helper, sizeof(f->c.helper), "%s", helper);
	f->n = notify_new(f->loop, f->kids, &f->c, err, sizeof(err));
	if (f->n == NULL)
		fail_msg("notify_new: %s", err);
	notify_on_result(f->n, on_result, &f->res);
	f->sockets_idle = open_descriptors();
}

static void
expect_no_leftovers(struct fx *f)
{
	assert_int_equal(notify_busy(f->n), 0);
	assert_int_equal(open_descriptors(), f->sockets_idle);
	/* Nothing of ours left in the loop: no closed fd still polled (it
	 * would come back POLLNVAL every time), no timer due.  A helper's
	 * SIGCHLD may still be on its way after its end was seen on its pipes:
	 * that is one callback, once. */
	int quiet = 0;

	for (int i = 0; i < 3 && quiet == 0; i++)
		quiet = ev_run_once(f->loop, 100) == 0;
	assert_true(quiet);
}

/* ---- Tests ---- */

static const char special[] = "ssh -p 2222 relay & go=100% + more\nline 2: \xc3\xbc\xe2\x82\xac";

static void
test_pushover_form(void **state)
{
	struct fx *f = *state;
	char ts[32];

	server_start(&f->a, "po", NULL);
	start(f, "notify pushover %s %s\nnotify pushover-url http://127.0.0.1:%u/1/messages.json\n",
	    f->tok, f->usr, f->a.port);
	assert_int_equal(notify_send(f->n, "up", "box: link up", special, NULL), 1);
	run_until(f->loop, &f->res, 1, 10000);
	assert_true(f->res.r[0].ok);
	assert_int_equal(f->res.r[0].status, 200);
	assert_int_equal(f->res.r[0].attempts, 1);
	assert_int_equal(f->res.r[0].send_id, 1);
	assert_int_equal(f->res.r[0].pending, 0);
	assert_string_equal(f->res.r[0].kind, "pushover");
	assert_string_equal(f->res.r[0].host, "127.0.0.1");
	assert_string_equal(f->res.r[0].event, "up");
	assert_string_equal(f->res.r[0].error, "");

	assert_int_equal(count(&f->a), 1);
	expect_show(&f->a, 0, "method", NULL, "POST");
	expect_show(&f->a, 0, "path", NULL, "/1/messages.json");
	expect_show(&f->a, 0, "form", "token", "azGCD7xuqJ3hY2eWnD1LNE3aTN6o5k");
	expect_show(&f->a, 0, "form", "user", "uQiRzpo4DXghDmr9QzzfQu27cmVRsG");
	expect_show(&f->a, 0, "form", "title", "box: link up");
	expect_show(&f->a, 0, "form", "message", special);
	assert_int_equal(show(&f->a, 0, "form", "timestamp", ts, sizeof(ts)), 0);
	assert_true(llabs(atoll(ts) - (long long)time(NULL)) < 60);
	assert_int_equal(show(&f->a, 0, "form", "priority", ts, sizeof(ts)), -1);
	expect_no_leftovers(f);
}

static void
test_ntfy_headers(void **state)
{
	struct fx *f = *state;

	server_start(&f->a, "ntfy", NULL);
	start(f, "notify ntfy http://127.0.0.1:%u/outpost-a1b2 %s\n", f->a.port, f->tok);
	assert_int_equal(notify_send(f->n, "down", "box: link down", special, NULL), 1);
	run_until(f->loop, &f->res, 1, 10000);
	assert_true(f->res.r[0].ok);
	assert_string_equal(f->res.r[0].kind, "ntfy");
	expect_show(&f->a, 0, "path", NULL, "/outpost-a1b2");
	expect_show(&f->a, 0, "headers", "title", "box: link down");
	expect_show(&f->a, 0, "headers", "tags", "red_circle,outpost");
	expect_show(&f->a, 0, "headers", "priority", "high");
	expect_show(&f->a, 0, "headers", "authorization", "Bearer azGCD7xuqJ3hY2eWnD1LNE3aTN6o5k");
	expect_show(&f->a, 0, "headers", "content-type", "text/plain; charset=utf-8");
	expect_show(&f->a, 0, "body", NULL, special);
	expect_no_leftovers(f);
}

static void
test_webhook_json(void **state)
{
	struct fx *f = *state;
	char when[64];

	server_start(&f->a, "hook", NULL);
	start(f, "notify webhook http://127.0.0.1:%u/hooks/in?k=1\n", f->a.port);
	assert_int_equal(notify_send(f->n, "status", NULL, special, NULL), 1);
	run_until(f->loop, &f->res, 1, 10000);
	assert_true(f->res.r[0].ok);
	expect_show(&f->a, 0, "path", NULL, "/hooks/in?k=1");
	expect_show(&f->a, 0, "json", "event", "status");
	expect_show(&f->a, 0, "json", "host", "testbox");
	expect_show(&f->a, 0, "json", "title", "testbox: status");	/* the default */
	expect_show(&f->a, 0, "json", "text", special);
	assert_int_equal(show(&f->a, 0, "json", "time", when, sizeof(when)), 0);
	assert_int_equal(strlen(when), 20);	/* 2024-05-01T12:00:00Z */
	assert_int_equal(when[10], 'T');
	assert_int_equal(when[19], 'Z');
	expect_no_leftovers(f);
}

static void
test_retries_then_failure(void **state)
{
	static const char *const opts[] = { "--status", "500", "--body",
		"{\"errors\":[\"boom\"],\"status\":0}", NULL };
	struct fx *f = *state;

	server_start(&f->a, "err500", opts);
	start(f, "notify webhook http://127.0.0.1:%u/x\nnotify-retries 2\n", f->a.port);
	assert_int_equal(notify_send(f->n, "up", "t", "x", NULL), 1);
	assert_int_equal(notify_busy(f->n), 1);
	run_until(f->loop, &f->res, 1, 10000);
	assert_false(f->res.r[0].ok);
	assert_int_equal(f->res.r[0].status, 500);
	assert_int_equal(f->res.r[0].attempts, 3);
	assert_string_equal(f->res.r[0].error,
	    "webhook: 127.0.0.1: HTTP 500: boom (after 3 attempts)");
	assert_int_equal(count(&f->a), 3);
	/* Nothing more comes. */
	for (int i = 0; i < 6; i++)
		ev_run_once(f->loop, 50);
	assert_int_equal(f->res.n, 1);
	assert_int_equal(count(&f->a), 3);
	expect_no_leftovers(f);
}

static void
test_retry_then_success(void **state)
{
	static const char *const opts[] = { "--status", "503,429,200", NULL };
	struct fx *f = *state;

	server_start(&f->a, "flaky", opts);
	start(f, "notify ntfy http://127.0.0.1:%u/t\nnotify-retries 2\n", f->a.port);
	assert_int_equal(notify_send(f->n, "up", "t", "x", NULL), 1);
	run_until(f->loop, &f->res, 1, 10000);
	assert_true(f->res.r[0].ok);
	assert_int_equal(f->res.r[0].status, 200);
	assert_int_equal(f->res.r[0].attempts, 3);
	assert_int_equal(count(&f->a), 3);
	expect_show(&f->a, 2, "body", NULL, "x");
}

static void
test_client_error_is_final(void **state)
{
	static const char *const opts[] = { "--status", "400", "--body",
		"{\"user\":\"invalid\",\"errors\":[\"user key is invalid\"],\"status\":0}", NULL };
	struct fx *f = *state;

	server_start(&f->a, "err400", opts);
	start(f, "notify pushover %s %s\nnotify pushover-url http://127.0.0.1:%u/1/messages.json\n"
	    "notify-retries 3\n", f->tok, f->usr, f->a.port);
	assert_int_equal(notify_send(f->n, "up", "t", "x", NULL), 1);
	run_until(f->loop, &f->res, 1, 10000);
	assert_false(f->res.r[0].ok);
	assert_int_equal(f->res.r[0].status, 400);
	assert_int_equal(f->res.r[0].attempts, 1);
	assert_string_equal(f->res.r[0].error,
	    "pushover: 127.0.0.1: HTTP 400: user key is invalid");
	assert_int_equal(count(&f->a), 1);
}

static void
test_redirect_not_followed(void **state)
{
	static const char *const opts[] = { "--status", "302", "--header",
		"Location: http://127.0.0.1:1/elsewhere", NULL };
	struct fx *f = *state;

	server_start(&f->a, "redirect", opts);
	start(f, "notify webhook http://127.0.0.1:%u/x\n", f->a.port);
	assert_int_equal(notify_send(f->n, "up", "t", "x", NULL), 1);
	run_until(f->loop, &f->res, 1, 10000);
	assert_false(f->res.r[0].ok);
	assert_int_equal(f->res.r[0].status, 302);
	assert_string_equal(f->res.r[0].error,
	    "webhook: 127.0.0.1: HTTP 302: redirect to http://127.0.0.1:1/elsewhere not followed");
	assert_int_equal(count(&f->a), 1);
}

struct tick {
	struct timespec at;
	bool fired;
};

static void
on_tick(void *arg)
{
	struct tick *t = arg;

	t->fired = true;
	t->at = ts_now_mono();
}

static void
test_timeout_does_not_block(void **state)
{
	static const char *const opts[] = { "--delay", "30", NULL };
	struct fx *f = *state;
	struct tick tick = { .fired = false };
	struct timespec t0;
	int64_t took;

	server_start(&f->a, "silent", opts);
	start(f, "notify webhook http://127.0.0.1:%u/x\nnotify-timeout 1s\nnotify-retries 0\n",
	    f->a.port);
	t0 = ts_now_mono();
	assert_int_equal(notify_send(f->n, "failed", "t", "x", NULL), 1);
	assert_true(ms_since(t0) < 200);	/* returns at once */
	assert_true(ev_timer_add(f->loop, 200, on_tick, &tick) != 0);
	run_until(f->loop, &f->res, 1, 10000);
	took = ts_to_ms(ts_sub(f->res.r[0].at, t0));
	assert_false(f->res.r[0].ok);
	assert_int_equal(f->res.r[0].status, 0);
	assert_non_null(strstr(f->res.r[0].error, "webhook: 127.0.0.1: "));
	assert_non_null(strstr(f->res.r[0].error, "timed out"));
	assert_true(took >= 900 && took < 3000);
	/* The loop ran other work while the push waited. */
	assert_true(tick.fired);
	assert_true(ts_cmp(tick.at, f->res.r[0].at) < 0);
	assert_int_equal(count(&f->a), 1);
	expect_no_leftovers(f);
}

static void
test_connection_refused(void **state)
{
	struct fx *f = *state;

	/* Port 1 on loopback: nobody listens (we never start a server there). */
	start(f, "notify webhook http://127.0.0.1:1/x\nnotify-retries 1\n");
	assert_int_equal(notify_send(f->n, "up", "t", "x", NULL), 1);
	run_until(f->loop, &f->res, 1, 10000);
	assert_false(f->res.r[0].ok);
	assert_int_equal(f->res.r[0].attempts, 2);
	assert_non_null(strstr(f->res.r[0].error, "webhook: 127.0.0.1: "));
	assert_non_null(strstr(f->res.r[0].error, "(after 2 attempts)"));
	expect_no_leftovers(f);
}

static void
test_tls_verified(void **state)
{
	struct fx *f = *state;
	char pem[600];
	const char *opts[] = { "--tls", pem, NULL };

	/* The server's certificate is self-signed: a verifying client refuses
	 * it before sending anything, and does not try again. */
	snprintf(pem, sizeof(pem), "%.560s", httprec);
	snprintf(strrchr(pem, '/'), sizeof(pem) - (size_t)(strrchr(pem, '/') - pem),
	    "/httprec-selfsigned.pem");
	server_start(&f->a, "tls", opts);
	start(f, "notify webhook https://127.0.0.1:%u/x\nnotify-retries 2\n", f->a.port);
	assert_int_equal(notify_send(f->n, "up", "t", "x", NULL), 1);
	run_until(f->loop, &f->res, 1, 10000);
	assert_false(f->res.r[0].ok);
	assert_int_equal(f->res.r[0].attempts, 1);
	assert_non_null(strstr(f->res.r[0].error, "webhook: 127.0.0.1: SSL certificate problem"));
	assert_int_equal(count(&f->a), 0);
	expect_no_leftovers(f);
}

static const char *
loopback_name(void)
{
	return if_nametoindex("lo") != 0 ? "lo" : "lo0";
}

static void
test_route_interface(void **state)
{
	struct fx *f = *state;
	struct notify_route lo = { .interface = loopback_name() };
	struct notify_route none = { .interface = "nosuch0" };
	struct notify_route src = { .source = "127.0.0.1" };

	server_start(&f->a, "iface", NULL);
	start(f, "notify webhook http://127.0.0.1:%u/x\nnotify-retries 2\n", f->a.port);
	assert_int_equal(notify_send(f->n, "up", "t", "via lo", &lo), 1);
	run_until(f->loop, &f->res, 1, 10000);
	if (!f->res.r[0].ok)
		fail_msg("via %s: %s", lo.interface, f->res.r[0].error);
	expect_show(&f->a, 0, "json", "text", "via lo");

	assert_int_equal(notify_send(f->n, "up", "t", "via nosuch0", &none), 2);
	run_until(f->loop, &f->res, 2, 10000);
	assert_false(f->res.r[1].ok);
	assert_int_equal(f->res.r[1].attempts, 1);	/* no use trying again */
	assert_non_null(strstr(f->res.r[1].error,
	    "webhook: 127.0.0.1: cannot send through the route's interface or address: "));
	assert_non_null(strstr(f->res.r[1].error, "nosuch0"));
	assert_int_equal(count(&f->a), 1);

	assert_int_equal(notify_send(f->n, "up", "t", "from 127.0.0.1", &src), 3);
	run_until(f->loop, &f->res, 3, 10000);
	assert_true(f->res.r[2].ok);
	expect_show(&f->a, 1, "json", "text", "from 127.0.0.1");
	expect_no_leftovers(f);
}

static void
test_route_resolve(void **state)
{
	struct fx *f = *state;
	struct notify_resolve map[2] = {
		{ .host = "other.invalid", .port = 0, .addr = "192.0.2.1" },
		{ .host = "PUSH.invalid", .port = 0, .addr = "127.0.0.1" },
	};
	struct notify_route via = { .resolve = map, .nresolve = 2 };
	char hosthdr[64];

	server_start(&f->a, "resolve", NULL);
	start(f, "notify ntfy http://push.invalid:%u/topic\nnotify-timeout 2s\nnotify-retries 0\n",
	    f->a.port);
	assert_int_equal(notify_send(f->n, "up", "t", "mapped", &via), 1);
	run_until(f->loop, &f->res, 1, 10000);
	if (!f->res.r[0].ok)
		fail_msg("%s", f->res.r[0].error);
	assert_string_equal(f->res.r[0].host, "push.invalid");
	snprintf(hosthdr, sizeof(hosthdr), "push.invalid:%u", f->a.port);
	expect_show(&f->a, 0, "headers", "host", hosthdr);
	expect_show(&f->a, 0, "body", NULL, "mapped");

	/* The mapping was for that send only: without it the name does not resolve. */
	assert_int_equal(notify_send(f->n, "up", "t", "unmapped", NULL), 2);
	run_until(f->loop, &f->res, 2, 10000);
	assert_false(f->res.r[1].ok);
	assert_non_null(strstr(f->res.r[1].error, "ntfy: push.invalid: "));
	assert_int_equal(count(&f->a), 1);
	expect_no_leftovers(f);
}

static void
test_targets_and_sends_at_once(void **state)
{
	static const char *const slow[] = { "--delay", "0.5", NULL };
	struct fx *f = *state;
	int by_target[2][3] = { { 0 } };

	server_start(&f->a, "slow", slow);
	server_start(&f->b, "fast", NULL);
	start(f, "notify webhook http://127.0.0.1:%u/slow\nnotify ntfy http://127.0.0.1:%u/fast\n",
	    f->a.port, f->b.port);
	assert_int_equal(notify_send(f->n, "up", "t", "first", NULL), 1);
	assert_int_equal(notify_send(f->n, "status", "t", "second", NULL), 2);
	assert_int_equal(notify_busy(f->n), 4);
	run_until(f->loop, &f->res, 4, 10000);
	for (int i = 0; i < 4; i++) {
		struct got *g = &f->res.r[i];

		assert_true(g->ok);
		assert_true(g->send_id == 1 || g->send_id == 2);
		by_target[g->target][g->send_id]++;
	}
	/* Each target got each send once. */
	assert_int_equal(by_target[0][1], 1);
	assert_int_equal(by_target[0][2], 1);
	assert_int_equal(by_target[1][1], 1);
	assert_int_equal(by_target[1][2], 1);
	/* The fast target did not wait for the slow one. */
	assert_int_equal(f->res.r[0].target, 1);
	assert_int_equal(f->res.r[1].target, 1);
	assert_int_equal(f->res.r[0].pending, 1);
	assert_int_equal(f->res.r[3].pending, 0);
	assert_int_equal(count(&f->a), 2);
	assert_int_equal(count(&f->b), 2);
	expect_no_leftovers(f);
}

static struct notifier *to_free;

static void
on_result_free(const struct notify_result *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	notify_free(to_free);	/* allowed from here */
}

static void
test_free_from_callback(void **state)
{
	struct fx *f = *state;
	int calls = 0;

	server_start(&f->a, "freecb", NULL);
	server_start(&f->b, "freecb2", NULL);
	start(f, "notify webhook http://127.0.0.1:%u/a\nnotify webhook http://127.0.0.1:%u/b\n",
	    f->a.port, f->b.port);
	to_free = f->n;
	notify_on_result(f->n, on_result_free, &calls);
	assert_int_equal(notify_send(f->n, "up", "t", "x", NULL), 1);
	for (int i = 0; i < 100 && calls == 0; i++)
		ev_run_once(f->loop, 50);
	f->n = NULL;	/* freed by the callback */
	for (int i = 0; i < 10; i++)
		ev_run_once(f->loop, 50);
	assert_int_equal(calls, 1);	/* the other result was abandoned */
	assert_int_equal(open_descriptors(), f->sockets_before);
}

#ifdef __linux__
/* The real user id of our one oobd-push child, from /proc; -1 if none. */
static long
helper_uid(void)
{
	char path[64], line[256], comm[32];
	long uid = -1, ppid;
	struct dirent *e;
	DIR *d = opendir("/proc");
	FILE *fp;

	assert_non_null(d);
	while (uid == -1 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/status", e->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		comm[0] = '\0';
		ppid = -1;
		long u = -1;
		while (fgets(line, sizeof(line), fp) != NULL) {
			sscanf(line, "Name: %31s", comm);
			sscanf(line, "PPid: %ld", &ppid);
			sscanf(line, "Uid: %ld", &u);
		}
		fclose(fp);
		if (ppid == (long)getpid() && strcmp(comm, "oobd-push") == 0)
			uid = u;
	}
	closedir(d);
	return uid;
}
#endif

/* Freeing the notifier kills a helper that is still waiting for an
 * answer, at once, and no result comes. */
static void
test_free_kills_helper(void **state)
{
	static const char *const opts[] = { "--delay", "30", NULL };
	struct fx *f = *state;
	struct timespec t0;

	server_start(&f->a, "killed", opts);
	start(f, "notify webhook http://127.0.0.1:%u/x\nnotify-timeout 20s\n", f->a.port);
	assert_int_equal(notify_send(f->n, "down", "t", "x", NULL), 1);
	for (int i = 0; i < 40 && count(&f->a) == 0; i++)
		ev_run_once(f->loop, 50);
	assert_int_equal(count(&f->a), 1);	/* the helper is waiting on it */
	assert_int_equal(child_count(f->kids), 1);
#ifdef __linux__
	/* It waits as notify-user (nobody), not as root. */
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("nobody");

		assert_non_null(pw);
		assert_int_equal(helper_uid(), (long)pw->pw_uid);
	}
#endif
	t0 = ts_now_mono();
	notify_free(f->n);
	f->n = NULL;
	while (child_count(f->kids) > 0 && ms_since(t0) < 5000)
		ev_run_once(f->loop, 50);
	assert_int_equal(child_count(f->kids), 0);
	assert_int_equal(f->res.n, 0);
}

/* A helper of our own making, in the scratch directory. */
static void
fake_helper(struct fx *f, const char *name, const char *script)
{
	char path[160];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "#!/bin/sh\n%s\n", script);
	fclose(fp);
	assert_int_equal(chmod(path, 0700), 0);
	snprintf(f->c.helper, sizeof(f->c.helper), "%s", path);
}

/* What the daemon says when the helper is missing, dies or hangs. */
static void
test_helper_failures(void **state)
{
	struct fx *f = *state;
	char err[CFG_ERRLEN];

	start(f, "notify webhook http://127.0.0.1:9/x\nnotify-timeout 100ms\n"
	    "notify-retries 0\n");
	notify_free(f->n);
	f->n = NULL;

	snprintf(f->c.helper, sizeof(f->c.helper), "%s/none/oobd-push", scratch);
	assert_null(notify_new(f->loop, f->kids, &f->c, err, sizeof(err)));
	assert_non_null(strstr(err, "notify-helper "));
	assert_non_null(strstr(err, "/none/oobd-push: no such executable file"));

	fake_helper(f, "dies", "cat >/dev/null; echo 'cannot go on' >&2; exit 3");
	assert_non_null(f->n = notify_new(f->loop, f->kids, &f->c, err, sizeof(err)));
	notify_on_result(f->n, on_result, &f->res);
	assert_int_equal(notify_send(f->n, "up", "t", "x", NULL), 1);
	run_until(f->loop, &f->res, 1, 5000);
	assert_false(f->res.r[0].ok);
	assert_string_equal(f->res.r[0].error,
	    "webhook: 127.0.0.1: the push helper exited with status 3: cannot go on");

	/* Hangs: stopped after its timeout and NOTIFY_HELPER_SLACK_MS. */
	notify_free(f->n);
	fake_helper(f, "hangs", "exec sleep 60");
	assert_non_null(f->n = notify_new(f->loop, f->kids, &f->c, err, sizeof(err)));
	notify_on_result(f->n, on_result, &f->res);
	assert_int_equal(notify_send(f->n, "up", "t", "x", NULL), 1);
	run_until(f->loop, &f->res, 2, 100 + NOTIFY_HELPER_SLACK_MS + 3000);
	assert_false(f->res.r[1].ok);
	assert_string_equal(f->res.r[1].error,
	    "webhook: 127.0.0.1: the push helper did not finish in time");
	assert_int_equal(child_count(f->kids), 0);
	{
		char path[160];

		snprintf(path, sizeof(path), "%s/dies", scratch);
		unlink(path);
		snprintf(path, sizeof(path), "%s/hangs", scratch);
		unlink(path);
	}
}

static int
group_setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	find_httprec();
	{
		const char *bin = getenv("OUTPOST_BIN");
		char cwd[256];

		if (bin == NULL && getcwd(cwd, sizeof(cwd)) != NULL)
			snprintf(helper, sizeof(helper), "%.200s/build/bin/oobd-push", cwd);
		else
			snprintf(helper, sizeof(helper), "%.200s/oobd-push", bin ? bin : ".");
		if (access(helper, X_OK) != 0)
			fail_msg("%s not found (build it, or set OUTPOST_BIN)", helper);
	}
	snprintf(scratch, sizeof(scratch), "/tmp/outpost-notify-live.XXXXXX");
	if (mkdtemp(scratch) == NULL)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	/* Only our own files: the logs and the directory. */
	{
		static const char *const logs[] = { "po", "ntfy", "hook", "err500", "flaky",
			"err400", "redirect", "silent", "iface", "resolve", "slow", "fast",
			"freecb", "freecb2", "tls", "killed" };
		char path[192];

		for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s.log", scratch, logs[i]);
			unlink(path);
		}
		rmdir(scratch);
	}
	return 0;
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_pushover_form),
		T(test_ntfy_headers),
		T(test_webhook_json),
		T(test_retries_then_failure),
		T(test_retry_then_success),
		T(test_client_error_is_final),
		T(test_redirect_not_followed),
		T(test_timeout_does_not_block),
		T(test_connection_refused),
		T(test_tls_verified),
		T(test_route_interface),
		T(test_route_resolve),
		T(test_targets_and_sends_at_once),
		T(test_free_from_callback),
		T(test_free_kills_helper),
		T(test_helper_failures),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
