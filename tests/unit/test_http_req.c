/*
 * http_req: requests as curl 7.88, Prometheus 2.42 and Chromium send them;
 * every refusal the header promises, with its status; every prefix of a
 * good request is "more", never an error; limits at and past their edge.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "http_req.h"

static const char curl_req[] = "GET /metrics HTTP/1.1\r\n"
			       "Host: 127.0.0.1:9123\r\n"
			       "User-Agent: curl/7.88.1\r\n"
			       "Accept: */*\r\n"
			       "\r\n";

static const char prometheus_req[] =
    "GET /metrics HTTP/1.1\r\n"
    "Host: localhost:9123\r\n"
    "User-Agent: Prometheus/2.42.0\r\n"
    "Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
    "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n"
    "Accept-Encoding: gzip\r\n"
    "X-Prometheus-Scrape-Timeout-Seconds: 10\r\n"
    "\r\n";

static const char chromium_req[] =
    "GET /?plot=offset HTTP/1.1\r\n"
    "Host: [::1]:9123\r\n"
    "Connection: keep-alive\r\n"
    "sec-ch-ua: \"Chromium\";v=\"156\", \"Not=A?Brand\";v=\"24\"\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/156.0.0.0 Safari/537.36\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "\r\n";

static void
test_real_clients(void **state)
{
	static const struct {
		const char *req;
		enum http_method method;
		const char *path, *query;
	} v[] = {
		{ curl_req, HTTP_GET, "/metrics", "" },
		{ prometheus_req, HTTP_GET, "/metrics", "" },
		{ chromium_req, HTTP_GET, "/", "plot=offset" },
	};
	struct http_request req;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t len = strlen(v[i].req);

		assert_int_equal(http_req_parse(v[i].req, len, &req), HTTP_PARSE_DONE);
		assert_int_equal(req.method, v[i].method);
		assert_string_equal(req.path, v[i].path);
		assert_string_equal(req.query, v[i].query);
		assert_int_equal(req.version_minor, 1);
		assert_int_equal(req.head_len, len);
	}
}

/* Cut anywhere before its end, a good request is only incomplete. */
static void
test_every_prefix_is_more(void **state)
{
	struct http_request req;
	size_t len = strlen(prometheus_req);

	(void)state;
	for (size_t n = 0; n < len; n++)
		assert_int_equal(http_req_parse(prometheus_req, n, &req), HTTP_PARSE_MORE);
}

/* What follows the head (a pipelined request) is not the head's. */
static void
test_head_len_and_variants(void **state)
{
	static const struct {
		const char *req;
		enum http_method method;
		int minor;
		const char *path, *query;
		size_t head_len;	/* 0: all of it */
	} v[] = {
		{ "GET / HTTP/1.0\r\n\r\nGET /x HTTP/1.0\r\n\r\n", HTTP_GET, 0, "/", "", 18 },
		{ "GET / HTTP/1.0\n\n", HTTP_GET, 0, "/", "", 0 },
		{ "\r\n\r\nGET / HTTP/1.0\r\n\r\n", HTTP_GET, 0, "/", "", 0 },
		{ "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_HEAD, 1, "/metrics", "", 0 },
		{ "GET /a?b=c&d HTTP/1.1\r\nHost:x\r\n\r\n", HTTP_GET, 1, "/a", "b=c&d", 0 },
		{ "GET /? HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_GET, 1, "/", "", 0 },
		{ "GET http://box:9123/metrics?x HTTP/1.1\r\nHost: box\r\n\r\n", HTTP_GET, 1,
		    "/metrics", "x", 0 },
		{ "GET HTTP://box HTTP/1.1\r\nHost: box\r\n\r\n", HTTP_GET, 1, "/", "", 0 },
		{ "GET https://box?q HTTP/1.1\r\nHost: box\r\n\r\n", HTTP_GET, 1, "/", "q", 0 },
		{ "GET / HTTP/1.9\r\nHost: x\r\n\r\n", HTTP_GET, 1, "/", "", 0 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", HTTP_GET, 1, "/", "", 0 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Blank:   \t\r\n\r\n", HTTP_GET, 1,
		    "/", "", 0 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX-Latin: caf\xe9\r\n\r\n", HTTP_GET, 1, "/", "",
		    0 },
	};
	struct http_request req;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(http_req_parse(v[i].req, strlen(v[i].req), &req),
		    HTTP_PARSE_DONE);
		assert_int_equal(req.method, v[i].method);
		assert_int_equal(req.version_minor, v[i].minor);
		assert_string_equal(req.path, v[i].path);
		assert_string_equal(req.query, v[i].query);
		assert_int_equal(req.head_len, v[i].head_len ? v[i].head_len : strlen(v[i].req));
	}
}

static void
test_refusals(void **state)
{
	static const struct {
		const char *req;
		int status;
	} v[] = {
		{ "POST /metrics HTTP/1.1\r\n", 405 },
		{ "get / HTTP/1.1\r\n", 405 },
		{ "OPTIONS * HTTP/1.1\r\n", 405 },
		{ "GETS / HTTP/1.1\r\n", 405 },
		{ "GET / HTTP/2.0\r\n", 505 },
		{ "GET / HTTP/0.9\r\n", 505 },
		{ "GET / http/1.1\r\n", 400 },
		{ "GET / HTTP/1.1 \r\n", 400 },
		{ "GET / HTTP/11\r\n", 400 },
		{ "GET /\r\n", 400 },
		{ "GET  / HTTP/1.1\r\n", 400 },
		{ "GET / x HTTP/1.1\r\n", 400 },
		{ " GET / HTTP/1.1\r\n", 400 },
		{ "GET\t/ HTTP/1.1\r\n", 400 },
		{ "GET /a#b HTTP/1.1\r\n", 400 },
		{ "GET /\x7f HTTP/1.1\r\n", 400 },
		{ "GET /\xc3\xa9 HTTP/1.1\r\n", 400 },
		{ "GET metrics HTTP/1.1\r\n", 400 },
		{ "GET ftp://box/ HTTP/1.1\r\n", 400 },
		{ "GET http:/box/ HTTP/1.1\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\rX: y\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400 },
		{ "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\n\tfolded\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nNo colon\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\n: empty name\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\x01y\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\x7f\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nContent-Length: 5\r\n", 413 },
		{ "GET / HTTP/1.1\r\nContent-Length: -1\r\n", 400 },
		{ "GET / HTTP/1.1\r\nContent-Length: 0, 0\r\n", 400 },
		{ "GET / HTTP/1.1\r\nContent-Length:\r\n", 400 },
		{ "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", 501 },
	};
	struct http_request req;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (http_req_parse(v[i].req, strlen(v[i].req), &req) != HTTP_PARSE_ERROR ||
		    req.status != v[i].status)
			fail_msg("case %zu (%s): status %d, want %d", i, v[i].req, req.status,
			    v[i].status);
		assert_non_null(req.why);
	}
}

/* A request line that has ended is judged before the head ends. */
static void
test_early_refusal(void **state)
{
	struct http_request req;

	(void)state;
	assert_int_equal(http_req_parse("DELETE / HTTP/1.1\r\n", 19, &req), HTTP_PARSE_ERROR);
	assert_int_equal(req.status, 405);
	assert_int_equal(http_req_parse("DELETE / HTTP/1.1", 17, &req), HTTP_PARSE_MORE);
}

static void
fill_target(char *buf, size_t cap, size_t target_len, const char *rest)
{
	size_t n = (size_t)snprintf(buf, cap, "GET /");

	memset(buf + n, 'a', target_len - 1);
	snprintf(buf + n + target_len - 1, cap - n - target_len + 1, "%s", rest);
}

static void
test_target_limit(void **state)
{
	static char buf[HTTP_REQ_MAX * 2];
	struct http_request req;

	(void)state;
	fill_target(buf, sizeof(buf), HTTP_TARGET_MAX - 1, " HTTP/1.0\r\n\r\n");
	assert_int_equal(http_req_parse(buf, strlen(buf), &req), HTTP_PARSE_DONE);
	assert_int_equal(strlen(req.path), HTTP_TARGET_MAX - 1);
	fill_target(buf, sizeof(buf), HTTP_TARGET_MAX, " HTTP/1.0\r\n\r\n");
	assert_int_equal(http_req_parse(buf, strlen(buf), &req), HTTP_PARSE_ERROR);
	assert_int_equal(req.status, 414);
	/* A request line that never ends within the limit. */
	fill_target(buf, sizeof(buf), HTTP_REQ_MAX + 10, "");
	assert_int_equal(http_req_parse(buf, HTTP_REQ_MAX - 1, &req), HTTP_PARSE_MORE);
	assert_int_equal(http_req_parse(buf, HTTP_REQ_MAX, &req), HTTP_PARSE_ERROR);
	assert_int_equal(req.status, 414);
}

static void
test_head_limits(void **state)
{
	static char buf[HTTP_REQ_MAX * 2];
	struct http_request req;
	size_t n;

	(void)state;
	/* HTTP_FIELDS_MAX fields pass, one more is 431. */
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: x\r\n");
	for (int i = 1; i < HTTP_FIELDS_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X-%d: y\r\n", i);
	snprintf(buf + n, sizeof(buf) - n, "\r\n");
	assert_int_equal(http_req_parse(buf, strlen(buf), &req), HTTP_PARSE_DONE);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X-last: y\r\n\r\n");
	assert_int_equal(http_req_parse(buf, strlen(buf), &req), HTTP_PARSE_ERROR);
	assert_int_equal(req.status, 431);
	/* A head exactly HTTP_REQ_MAX long passes; one byte longer is 431. */
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ");
	memset(buf + n, 'p', HTTP_REQ_MAX - n - 4);
	memcpy(buf + HTTP_REQ_MAX - 4, "\r\n\r\n", 5);
	assert_int_equal(http_req_parse(buf, HTTP_REQ_MAX, &req), HTTP_PARSE_DONE);
	assert_int_equal(req.head_len, HTTP_REQ_MAX);
	memset(buf + n, 'p', HTTP_REQ_MAX - n - 3);
	memcpy(buf + HTTP_REQ_MAX - 3, "\r\n\r\n", 5);
	assert_int_equal(http_req_parse(buf, HTTP_REQ_MAX + 1, &req), HTTP_PARSE_ERROR);
	assert_int_equal(req.status, 431);
}

static void
test_status_text(void **state)
{
	(void)state;
	assert_string_equal(http_status_text(200), "OK");
	assert_string_equal(http_status_text(404), "Not Found");
	assert_string_equal(http_status_text(431), "Request Header Fields Too Large");
	assert_string_equal(http_status_text(299), "Error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_clients),
		cmocka_unit_test(test_every_prefix_is_more),
		cmocka_unit_test(test_head_len_and_variants),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_early_refusal),
		cmocka_unit_test(test_target_limit),
		cmocka_unit_test(test_head_limits),
		cmocka_unit_test(test_status_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
