/*
 * exporter: a taken port is noted once and taken when free; the textfile is
 * written whole at its interval, a failure noted once and its recovery
 * once; /metrics is served with Prometheus's content type, anything else
 * is 404; the listen check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evloop.h"
#include "exporter.h"

struct world {
	struct ev_loop *loop;
	int builds, warnings, infos;
	char last[512];
};

static void
build(void *arg, struct strbuf *b)
{
	struct world *w = arg;

	w->builds++;
	strbuf_adds(b, "# HELP x_total x.\n# TYPE x_total counter\nx_total 1\n");
}

static void
note(void *arg, bool warning, const char *msg)
{
	struct world *w = arg;

	if (warning)
		w->warnings++;
	else
		w->infos++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

/* A listening socket on a free loopback port; its port in *port. */
static int
hold_port(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* GET path over a blocking socket, turning the loop while waiting. */
static void
get(struct world *w, int port, const char *path, char *out, size_t cap)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	char req[128];
	size_t len = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	for (int i = 0; i < 100; i++)
		ev_run_once(w->loop, 5);
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\n\r\n", path);
	assert_int_equal(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	for (int i = 0; i < 2000; i++) {
		ssize_t n = recv(fd, out + len, cap - 1 - len, 0);

		if (n == 0)
			break;
		if (n > 0)
			len += (size_t)n;
		else
			ev_run_once(w->loop, 5);
	}
	out[len] = '\0';
	close(fd);
}

static void
test_taken_port_then_free(void **state)
{
	struct world w = { 0 };
	char addr[32], resp[2048];
	int port, held = hold_port(&port);
	struct exporter *e;

	(void)state;
	assert_non_null(w.loop = ev_new());
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	struct exporter_conf c = { addr, NULL, 15, build, note, &w };
	assert_non_null(e = exporter_new(w.loop, &c));
	assert_int_equal(w.warnings, 1);
	assert_non_null(strstr(w.last, addr));
	exporter_tick(e, 1e6);			/* still taken: not told again */
	assert_int_equal(w.warnings, 1);
	close(held);
	exporter_tick(e, 1e6 + 1);		/* not due yet */
	assert_int_equal(w.infos, 0);
	exporter_tick(e, 1e6 + EXPORTER_RETRY_S);
	assert_int_equal(w.infos, 1);
	get(&w, port, "/metrics", resp, sizeof(resp));
	assert_non_null(strstr(resp, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strstr(resp, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
	assert_non_null(strstr(resp, "\r\n\r\n# HELP x_total x.\n"));
	get(&w, port, "/", resp, sizeof(resp));
	assert_non_null(strstr(resp, "HTTP/1.1 404 Not Found\r\n"));
	exporter_free(e);
	ev_free(w.loop);
}

static void
test_textfile(void **state)
{
	struct world w = { 0 };
	char dir[] = "/tmp/test_exporter.XXXXXX", path[64], bad[96], buf[256];
	struct exporter *e;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.prom", dir);
	assert_non_null(w.loop = ev_new());
	struct exporter_conf c = { NULL, path, 15, build, note, &w };
	assert_non_null(e = exporter_new(w.loop, &c));
	exporter_tick(e, 100);
	assert_int_equal(w.builds, 1);
	assert_non_null(f = fopen(path, "r"));
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	assert_string_equal(buf, "# HELP x_total x.\n# TYPE x_total counter\nx_total 1\n");
	exporter_tick(e, 114);			/* not due */
	assert_int_equal(w.builds, 1);
	exporter_tick(e, 115);
	assert_int_equal(w.builds, 2);
	exporter_free(e);

	/* A directory that is not there: noted once, then once when it works. */
	snprintf(bad, sizeof(bad), "%s/later/x.prom", dir);
	struct exporter_conf c2 = { NULL, bad, 1, build, note, &w };
	assert_non_null(e = exporter_new(w.loop, &c2));
	exporter_tick(e, 10);
	exporter_tick(e, 11);
	assert_int_equal(w.warnings, 1);
	assert_non_null(strstr(w.last, "later"));
	snprintf(buf, sizeof(buf), "%s/later", dir);
	assert_int_equal(mkdir(buf, 0755), 0);
	exporter_tick(e, 12);
	assert_int_equal(w.infos, 1);
	assert_int_equal(access(bad, R_OK), 0);
	exporter_free(e);
	ev_free(w.loop);
	snprintf(buf, sizeof(buf), "rm -rf '%s'", dir);
	assert_int_equal(system(buf), 0);
}

static void
test_check_listen(void **state)
{
	char err[128];

	(void)state;
	assert_int_equal(exporter_check_listen("127.0.0.1:9123", err, sizeof(err)), 0);
	assert_int_equal(exporter_check_listen("[::1]:9123", err, sizeof(err)), 0);
	assert_int_equal(exporter_check_listen("127.0.0.1:0", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "1 to 65535"));
	assert_int_equal(exporter_check_listen("localhost:9123", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "localhost"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taken_port_then_free),
		cmocka_unit_test(test_textfile),
		cmocka_unit_test(test_check_listen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
