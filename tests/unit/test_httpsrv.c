/*
 * httpsrv on loopback, its loop and its clients in one thread (the clients'
 * sockets are non-blocking and the loop is turned while they wait): GET,
 * HEAD, the handler's own status, refusals, an answer that does not fit, a
 * body larger than the socket buffers, the per-client time-out, the client
 * limit, and the address syntax.  No timing is asserted except "not before
 * the time-out".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"
#include "httpsrv.h"

#define BIG_BODY (400 * 1024)

struct world {
	struct ev_loop *loop;
	struct httpsrv *srv;
	int port;
	int calls;
	char last_path[HTTP_TARGET_MAX];
};

static void
handler(void *arg, const struct http_request *req, struct httpsrv_reply *reply)
{
	struct world *w = arg;

	w->calls++;
	snprintf(w->last_path, sizeof(w->last_path), "%s", req->path);
	if (strcmp(req->path, "/hello") == 0) {
		reply->content_type = "text/html; charset=utf-8";
		strbuf_adds(&reply->body, "<p>hello</p>\n");
	} else if (strcmp(req->path, "/big") == 0) {
		for (int i = 0; i < BIG_BODY; i++)
			strbuf_addc(&reply->body, (char)('a' + i % 26));
	} else if (strcmp(req->path, "/huge") == 0) {
		for (int i = 0; i <= HTTPSRV_BODY_MAX; i++)
			strbuf_addc(&reply->body, 'x');
	} else {
		reply->status = 404;
		strbuf_adds(&reply->body, "no such page\n");
	}
}

static int
setup(void **state)
{
	static struct world w;
	struct httpsrv_conf conf = { "127.0.0.1:0", 300, handler, &w };
	char err[128];

	memset(&w, 0, sizeof(w));
	assert_non_null(w.loop = ev_new());
	w.srv = httpsrv_open(w.loop, &conf, err, sizeof(err));
	if (w.srv == NULL)
		fail_msg("%s", err);
	assert_true((w.port = httpsrv_port(w.srv)) > 0);
	*state = &w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	httpsrv_close(w->srv);
	ev_free(w->loop);
	return 0;
}

static int
connect_to(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
	return fd;
}

/* Everything the server sends until it closes, turning its loop meanwhile;
 * the length, NUL-terminated in out. */
static size_t
read_to_eof(struct world *w, int fd, char *out, size_t cap)
{
	size_t len = 0;

	for (int rounds = 0; rounds < 20000; rounds++) {
		ssize_t n = recv(fd, out + len, cap - 1 - len, 0);

		if (n == 0)
			break;
		if (n > 0) {
			len += (size_t)n;
			assert_true(len < cap - 1);
			continue;
		}
		assert_true(errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNRESET);
		if (errno == ECONNRESET)
			break;
		ev_run_once(w->loop, 10);
	}
	out[len] = '\0';
	return len;
}

static size_t
exchange(struct world *w, const char *request, char *out, size_t cap)
{
	int fd = connect_to(w->port);
	size_t len;

	assert_int_equal(send(fd, request, strlen(request), 0), (ssize_t)strlen(request));
	len = read_to_eof(w, fd, out, cap);
	close(fd);
	return len;
}

static const char *
body_of(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");

	assert_non_null(b);
	return b + 4;
}

static void
test_get(void **state)
{
	struct world *w = *state;
	static char resp[4096];
	struct httpsrv_stats st;

	exchange(w, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof(resp));
	assert_true(strncmp(resp, "HTTP/1.1 200 OK\r\n", 17) == 0);
	assert_non_null(strstr(resp, "\r\nContent-Type: text/html; charset=utf-8\r\n"));
	assert_non_null(strstr(resp, "\r\nContent-Length: 13\r\n"));
	assert_non_null(strstr(resp, "\r\nConnection: close\r\n"));
	assert_non_null(strstr(resp, "\r\nContent-Security-Policy: default-src 'none'"));
	assert_string_equal(body_of(resp), "<p>hello</p>\n");
	assert_string_equal(w->last_path, "/hello");
	httpsrv_get_stats(w->srv, &st);
	assert_int_equal(st.answered, 1);
	assert_int_equal(st.refused, 0);
}

/* A request that arrives a byte at a time is the same request. */
static void
test_get_in_pieces(void **state)
{
	struct world *w = *state;
	static const char req[] = "GET /hello HTTP/1.0\r\n\r\n";
	static char resp[4096];
	int fd = connect_to(w->port);

	for (size_t i = 0; i < strlen(req); i++) {
		assert_int_equal(send(fd, req + i, 1, 0), 1);
		ev_run_once(w->loop, 5);
	}
	read_to_eof(w, fd, resp, sizeof(resp));
	close(fd);
	assert_string_equal(body_of(resp), "<p>hello</p>\n");
	assert_int_equal(w->calls, 1);
}

static void
test_head(void **state)
{
	struct world *w = *state;
	static char resp[4096];

	exchange(w, "HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof(resp));
	assert_true(strncmp(resp, "HTTP/1.1 200 OK\r\n", 17) == 0);
	assert_non_null(strstr(resp, "\r\nContent-Length: 13\r\n"));
	assert_string_equal(body_of(resp), "");
}

static void
test_handler_status(void **state)
{
	struct world *w = *state;
	static char resp[4096];

	exchange(w, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof(resp));
	assert_true(strncmp(resp, "HTTP/1.1 404 Not Found\r\n", 24) == 0);
	assert_string_equal(body_of(resp), "no such page\n");
}

static void
test_refusals(void **state)
{
	struct world *w = *state;
	static char resp[4096];
	struct httpsrv_stats st;

	exchange(w, "POST /hello HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof(resp));
	assert_true(strncmp(resp, "HTTP/1.1 405 Method Not Allowed\r\n", 33) == 0);
	assert_non_null(strstr(resp, "\r\nAllow: GET, HEAD\r\n"));
	assert_string_equal(body_of(resp), "405 Method Not Allowed\n");
	exchange(w, "GET /hello HTTP/1.1\r\n\r\n", resp, sizeof(resp));
	assert_true(strncmp(resp, "HTTP/1.1 400 Bad Request\r\n", 26) == 0);
	assert_int_equal(w->calls, 0);
	httpsrv_get_stats(w->srv, &st);
	assert_int_equal(st.refused, 2);
	assert_int_equal(st.answered, 2);
}

static void
test_overflow_is_500(void **state)
{
	struct world *w = *state;
	static char resp[4096];

	exchange(w, "GET /huge HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof(resp));
	assert_true(strncmp(resp, "HTTP/1.1 500 Internal Server Error\r\n", 36) == 0);
	assert_string_equal(body_of(resp), "500 Internal Server Error\n");
}

/* More than the socket buffers hold: sent as the client takes it. */
static void
test_big_body(void **state)
{
	struct world *w = *state;
	static char resp[BIG_BODY + 4096];
	const char *b;

	exchange(w, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof(resp));
	b = body_of(resp);
	assert_int_equal(strlen(b), BIG_BODY);
	for (int i = 0; i < BIG_BODY; i++)
		if (b[i] != (char)('a' + i % 26))
			fail_msg("byte %d of the body is wrong", i);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A client that never finishes its request is dropped, not before its
 * time (300 ms here), and without an answer. */
static void
test_slow_client_dropped(void **state)
{
	struct world *w = *state;
	static char resp[4096];
	struct httpsrv_stats st;
	int fd = connect_to(w->port);
	double t0 = now_s();

	assert_int_equal(send(fd, "GET / HTTP/1.1\r\n", 16, 0), 16);
	assert_int_equal(read_to_eof(w, fd, resp, sizeof(resp)), 0);
	assert_true(now_s() - t0 >= 0.29);
	close(fd);
	httpsrv_get_stats(w->srv, &st);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(w->calls, 0);
}

/* All slots taken: one more is closed at once; a freed slot serves again. */
static void
test_client_limit(void **state)
{
	struct world *w = *state;
	static char resp[4096];
	struct httpsrv_stats st;
	int idle[HTTPSRV_CLIENTS_MAX], extra;

	for (int i = 0; i < HTTPSRV_CLIENTS_MAX; i++) {
		idle[i] = connect_to(w->port);
		ev_run_once(w->loop, 10);
	}
	extra = connect_to(w->port);
	assert_int_equal(read_to_eof(w, extra, resp, sizeof(resp)), 0);
	close(extra);
	httpsrv_get_stats(w->srv, &st);
	assert_int_equal(st.busy, 1);
	close(idle[0]);
	for (int i = 0; i < 5; i++)
		ev_run_once(w->loop, 10);
	exchange(w, "GET /hello HTTP/1.0\r\n\r\n", resp, sizeof(resp));
	assert_string_equal(body_of(resp), "<p>hello</p>\n");
	for (int i = 1; i < HTTPSRV_CLIENTS_MAX; i++)
		close(idle[i]);
}

static void
test_parse_addr(void **state)
{
	static const struct {
		const char *spec;
		int ok, family, port;
	} v[] = {
		{ "127.0.0.1:9123", 1, AF_INET, 9123 },
		{ "0.0.0.0:80", 1, AF_INET, 80 },
		{ "[::1]:9123", 1, AF_INET6, 9123 },
		{ "[::]:65535", 1, AF_INET6, 65535 },
		{ "127.0.0.1:0", 1, AF_INET, 0 },
		{ "127.0.0.1", 0, 0, 0 },
		{ "127.0.0.1:", 0, 0, 0 },
		{ "127.0.0.1:65536", 0, 0, 0 },
		{ "127.0.0.1:9x", 0, 0, 0 },
		{ ":9123", 0, 0, 0 },
		{ "::1:9123", 0, 0, 0 },
		{ "[::1]9123", 0, 0, 0 },
		{ "[127.0.0.1]:9123", 0, 0, 0 },
		{ "localhost:9123", 0, 0, 0 },
		{ "[::1:9123", 0, 0, 0 },
	};
	struct sockaddr_storage ss;
	socklen_t len;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int rc = httpsrv_parse_addr(v[i].spec, &ss, &len, err, sizeof(err));

		if ((rc == 0) != v[i].ok)
			fail_msg("%s: rc %d (%s)", v[i].spec, rc, rc ? err : "");
		if (!v[i].ok) {
			assert_non_null(strstr(err, v[i].spec));
			continue;
		}
		assert_int_equal(ss.ss_family, v[i].family);
		assert_int_equal(ntohs(v[i].family == AF_INET ?
			((struct sockaddr_in *)&ss)->sin_port :
			((struct sockaddr_in6 *)&ss)->sin6_port),
		    v[i].port);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_in_pieces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handler_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow_is_500, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_client_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_limit, setup, teardown),
		cmocka_unit_test(test_parse_addr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
