/*
 * Unit tests for push/push_wire: the request oobd hands its push helper on
 * stdin and the result line the helper prints back.  Requests go through
 * encode and decode and must come out equal, bytes of the body included;
 * every field either side would refuse is refused; decoding never reads
 * past the bytes it was given (requests sit at the very end of malloc'd
 * buffers, for ASan) and refuses every truncation of a good request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"
#include "push_wire.h"

#define ERRLEN	256

/* Large structs: static, not on the stack. */
static struct push_request req, out;
static char wire[PUSH_REQUEST_MAX];

/* What oobd would send over the cellular link: every field used. */
static const char full_body[] = "token=a\0b&text=line\none\n\xff\x80\xc3\xa9\0";

static void
fill_full(struct push_request *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->http.url, sizeof(r->http.url), "https://api.pushover.net/1/messages.json");
	snprintf(r->interface, sizeof(r->interface), "ppp0");
	snprintf(r->resolve[0], PUSH_ADDR_MAX, "203.0.113.7");
	snprintf(r->resolve[1], PUSH_ADDR_MAX, "2001:db8::1");
	snprintf(r->resolve[2], PUSH_ADDR_MAX, "::ffff:192.0.2.1");
	r->nresolve = 3;
	r->timeout_ms = 20000;
	r->retries = 2;
	r->retry_delay_ms = 1000;
	snprintf(r->http.headers[0], NOTIFY_HEADER_LEN, "Title: link up");
	snprintf(r->http.headers[1], NOTIFY_HEADER_LEN, "Tags: satellite,outpost");
	snprintf(r->http.headers[2], NOTIFY_HEADER_LEN, "X-Where: caf\xc3\xa9 \xe2\x9c\x93");
	snprintf(r->http.headers[3], NOTIFY_HEADER_LEN, "Authorization: Bearer tk_123");
	r->http.nheaders = 4;
	memcpy(r->http.body, full_body, sizeof(full_body) - 1);
	r->http.body_len = sizeof(full_body) - 1;
}

/* The least a request can say. */
static void
fill_min(struct push_request *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->http.url, sizeof(r->http.url), "http://127.0.0.1:8080/");
	r->timeout_ms = 1;
	r->retries = 0;
	r->retry_delay_ms = 1;
}

static void
assert_requests_equal(const struct push_request *a, const struct push_request *b)
{
	assert_string_equal(a->http.url, b->http.url);
	assert_string_equal(a->interface, b->interface);
	assert_string_equal(a->source, b->source);
	assert_int_equal(a->nresolve, b->nresolve);
	for (int i = 0; i < a->nresolve; i++)
		assert_string_equal(a->resolve[i], b->resolve[i]);
	assert_int_equal(a->timeout_ms, b->timeout_ms);
	assert_int_equal(a->retries, b->retries);
	assert_int_equal(a->retry_delay_ms, b->retry_delay_ms);
	assert_int_equal(a->http.nheaders, b->http.nheaders);
	for (int i = 0; i < a->http.nheaders; i++)
		assert_string_equal(a->http.headers[i], b->http.headers[i]);
	assert_int_equal(a->http.body_len, b->http.body_len);
	assert_memory_equal(a->http.body, b->http.body, a->http.body_len);
}

static size_t
encode(const struct push_request *r)
{
	long n = push_request_encode(r, wire, sizeof(wire));

	if (n < 0)
		fail_msg("encode: %s", strerror(errno));
	assert_true((size_t)n <= sizeof(wire));
	return (size_t)n;
}

/* Decode len bytes placed at the very end of a buffer of exactly len. */
static int
decode_tight(const void *bytes, size_t len, struct push_request *r, char *err,
    size_t errlen)
{
	char *b = malloc(len > 0 ? len : 1);
	char *at;
	int rc;

	assert_non_null(b);
	at = b + (len > 0 ? 0 : 1);
	memcpy(at, bytes, len);
	rc = push_request_decode(at, len, r, err, errlen);
	free(b);
	return rc;
}

static void
roundtrip(const struct push_request *r)
{
	char err[ERRLEN];
	size_t n = encode(r);

	err[0] = '\0';
	if (decode_tight(wire, n, &out, err, sizeof(err)) == -1)
		fail_msg("decode: %s", err);
	assert_requests_equal(r, &out);
}

static void
test_roundtrip_full(void **state)
{
	static const char want[] =
	    "oobd-push 1\n"
	    "url https://api.pushover.net/1/messages.json\n"
	    "interface ppp0\n"
	    "resolve 203.0.113.7\n"
	    "resolve 2001:db8::1\n"
	    "resolve ::ffff:192.0.2.1\n"
	    "timeout-ms 20000\n"
	    "retries 2\n"
	    "retry-delay-ms 1000\n"
	    "header Title: link up\n"
	    "header Tags: satellite,outpost\n"
	    "header X-Where: caf\xc3\xa9 \xe2\x9c\x93\n"
	    "header Authorization: Bearer tk_123\n"
	    "body 29\n"
	    "token=a\0b&text=line\none\n\xff\x80\xc3\xa9\0";
	size_t n;

	(void)state;
	assert_int_equal(sizeof(full_body) - 1, 29);
	fill_full(&req);
	n = encode(&req);
	/* The format of push_wire.h, byte for byte. */
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(wire, want, n);
	roundtrip(&req);

	/* The other route: a source address instead of an interface. */
	req.interface[0] = '\0';
	snprintf(req.source, sizeof(req.source), "2001:db8:0:1::64");
	roundtrip(&req);
	snprintf(req.source, sizeof(req.source), "10.64.0.1");
	roundtrip(&req);
}

static void
test_roundtrip_min(void **state)
{
	static const char want[] = "oobd-push 1\nurl http://127.0.0.1:8080/\ntimeout-ms 1\n"
	    "retries 0\nretry-delay-ms 1\nbody 0\n";
	size_t n;

	(void)state;
	fill_min(&req);
	n = encode(&req);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(wire, want, n);
	roundtrip(&req);
}

/* Every field at its largest: still fits PUSH_REQUEST_MAX (oobd encodes
 * into a buffer of that size) and comes back whole. */
static void
test_roundtrip_limits(void **state)
{
	size_t n;
	int i;

	(void)state;
	memset(&req, 0, sizeof(req));
	n = (size_t)snprintf(req.http.url, sizeof(req.http.url), "https://h/");
	memset(req.http.url + n, 'p', NOTIFY_URL_MAX - 1 - n);
	snprintf(req.interface, sizeof(req.interface), "abcdefghijklmno");
	assert_int_equal(strlen(req.interface), PUSH_IFNAME_MAX - 1);
	for (i = 0; i < PUSH_RESOLVE_MAX; i++) {
		char a[64];

		snprintf(a, sizeof(a), "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.%d", 240 + i);
		assert_true(strlen(a) < PUSH_ADDR_MAX);
		memcpy(req.resolve[i], a, strlen(a) + 1);
	}
	assert_int_equal(strlen(req.resolve[15]), PUSH_ADDR_MAX - 1);
	req.nresolve = PUSH_RESOLVE_MAX;
	req.timeout_ms = PUSH_TIMEOUT_MAX_MS;
	req.retries = PUSH_RETRIES_MAX;
	req.retry_delay_ms = PUSH_DELAY_MAX_MS;
	for (i = 0; i < NOTIFY_HEADERS_MAX; i++) {
		memset(req.http.headers[i], 'v', NOTIFY_HEADER_LEN - 1);
		memcpy(req.http.headers[i], "X-Long:", 7);
		req.http.headers[i][7] = (char)('0' + i);
	}
	req.http.nheaders = NOTIFY_HEADERS_MAX;
	for (i = 0; i < NOTIFY_BODY_MAX; i++)
		req.http.body[i] = (char)(i * 7);
	req.http.body_len = NOTIFY_BODY_MAX;
	n = encode(&req);
	assert_true(n <= PUSH_REQUEST_MAX);
	roundtrip(&req);
}

static void
expect_einval(const struct push_request *r, const char *what)
{
	errno = 0;
	if (push_request_encode(r, wire, sizeof(wire)) != -1)
		fail_msg("encode took %s", what);
	if (errno != EINVAL)
		fail_msg("%s: errno %d, not EINVAL", what, errno);
}

static void
test_encode_refuses(void **state)
{
	static const char *const bad_ifnames[] = { "ppp!0", "ppp:0", "pp p", "a/b", "tab\t",
		"x\x7f" };
	static const char *const bad_addrs[] = { "not-an-address", "10.0.0.256", "1.2.3",
		"fe80::1%eth0", "2001:db8::1::2", "example.com", " 10.0.0.1" };
	static const char *const bad_headers[] = { "NoColon", "", "A: b\nc", "A: b\rc",
		"A: b\n", "A: \x01", "A: \x7f" };
	static const char *const bad_urls[] = { "", "https://h/\x01", "https://h/\x7f",
		"https://h/\n", "https://h/\tx" };
	size_t k;

	(void)state;
	fill_full(&req);
	snprintf(req.source, sizeof(req.source), "10.64.0.1");
	expect_einval(&req, "interface and source");

	for (k = 0; k < sizeof(bad_ifnames) / sizeof(bad_ifnames[0]); k++) {
		fill_full(&req);
		snprintf(req.interface, sizeof(req.interface), "%s", bad_ifnames[k]);
		expect_einval(&req, bad_ifnames[k]);
	}
	for (k = 0; k < sizeof(bad_addrs) / sizeof(bad_addrs[0]); k++) {
		fill_full(&req);
		req.interface[0] = '\0';
		snprintf(req.source, sizeof(req.source), "%s", bad_addrs[k]);
		expect_einval(&req, bad_addrs[k]);
		fill_full(&req);
		snprintf(req.resolve[2], PUSH_ADDR_MAX, "%s", bad_addrs[k]);
		expect_einval(&req, bad_addrs[k]);
	}
	for (k = 0; k < sizeof(bad_headers) / sizeof(bad_headers[0]); k++) {
		fill_full(&req);
		snprintf(req.http.headers[1], NOTIFY_HEADER_LEN, "%s", bad_headers[k]);
		expect_einval(&req, bad_headers[k]);
	}
	for (k = 0; k < sizeof(bad_urls) / sizeof(bad_urls[0]); k++) {
		fill_full(&req);
		snprintf(req.http.url, sizeof(req.http.url), "%s", bad_urls[k]);
		expect_einval(&req, bad_urls[k]);
	}

	fill_full(&req);
	req.timeout_ms = 0;
	expect_einval(&req, "timeout 0");
	req.timeout_ms = -1;
	expect_einval(&req, "timeout -1");
	req.timeout_ms = PUSH_TIMEOUT_MAX_MS + 1;
	expect_einval(&req, "timeout over the maximum");
	fill_full(&req);
	req.retries = PUSH_RETRIES_MAX + 1;
	expect_einval(&req, "retries over the maximum");
	req.retries = -1;
	expect_einval(&req, "retries -1");
	fill_full(&req);
	req.retry_delay_ms = 0;
	expect_einval(&req, "delay 0");
	req.retry_delay_ms = PUSH_DELAY_MAX_MS + 1;
	expect_einval(&req, "delay over the maximum");
	fill_full(&req);
	req.nresolve = PUSH_RESOLVE_MAX + 1;
	expect_einval(&req, "too many resolve");
	req.nresolve = -1;
	expect_einval(&req, "nresolve -1");
	fill_full(&req);
	req.http.nheaders = NOTIFY_HEADERS_MAX + 1;
	expect_einval(&req, "too many headers");
	req.http.nheaders = -1;
	expect_einval(&req, "nheaders -1");
	fill_full(&req);
	req.http.body_len = NOTIFY_BODY_MAX + 1;
	expect_einval(&req, "body over the maximum");

	/* The good one still goes: each refusal above was the field's. */
	fill_full(&req);
	encode(&req);
}

/* push_wire.h: EINVAL "for a field the decoder would refuse", and the
 * decoder runs the URL through notify_url_parse(). */
static void
test_encode_refuses_url_decoder_refuses(void **state)
{
	static const char *const urls[] = { "ftp://h/x", "https://h/a b", "https:///x",
		"https://caf\xc3\xa9.example/" };
	char err[ERRLEN];
	struct notify_url u;

	(void)state;
	for (size_t k = 0; k < sizeof(urls) / sizeof(urls[0]); k++) {
		assert_int_equal(notify_url_parse(urls[k], &u, err, sizeof(err)), -1);
		fill_full(&req);
		snprintf(req.http.url, sizeof(req.http.url), "%s", urls[k]);
		expect_einval(&req, urls[k]);
	}
}

/* Every buffer too short is refused with EMSGSIZE, and nothing lands past
 * its end. */
#define GUARD	32

static void
check_short_buffers(const struct push_request *r)
{
	static char b[PUSH_REQUEST_MAX + GUARD];
	size_t n = encode(r), cap;

	for (cap = 0; cap < n; cap++) {
		memset(b, 0x5a, n + GUARD);
		errno = 0;
		assert_int_equal(push_request_encode(r, b, cap), -1);
		assert_int_equal(errno, EMSGSIZE);
		for (size_t i = cap; i < n + GUARD; i++)
			if (b[i] != 0x5a)
				fail_msg("cap %zu: byte %zu written", cap, i);
	}
}

static void
test_encode_short_buffer(void **state)
{
	(void)state;
	fill_full(&req);
	check_short_buffers(&req);
	fill_min(&req);
	check_short_buffers(&req);
}

/* A buffer of exactly the request's length is enough: it "fits". */
static void
check_exact_fit(const struct push_request *r)
{
	static char b[PUSH_REQUEST_MAX + 1];
	size_t n = encode(r);

	b[n] = 0x5a;
	assert_int_equal(push_request_encode(r, b, n), (long)n);
	assert_memory_equal(b, wire, n);
	assert_int_equal(b[n], 0x5a);
}

static void
test_encode_exact_fit(void **state)
{
	(void)state;
	fill_full(&req);
	check_exact_fit(&req);
	fill_min(&req);
	check_exact_fit(&req);
}

#define MAGIC	"oobd-push 1\n"
#define URL	"url https://ntfy.sh/topic\n"
#define NUMS	"timeout-ms 20000\nretries 2\nretry-delay-ms 1000\n"
#define GOOD	MAGIC URL NUMS "body 0\n"

struct bad {
	const char *text;
	size_t len;		/* 0: strlen(text) */
	const char *err;	/* the message */
};

static void
test_decode_refuses(void **state)
{
	static const struct bad bad[] = {
		{ "", 0, "bad request: the first line" },
		{ "oobd-push 2\n" URL NUMS "body 0\n", 0, "bad request: the first line" },
		{ "oobd-push 1 \n" URL NUMS "body 0\n", 0, "bad request: the first line" },
		{ "oobd-push 1", 0, "bad request: the first line" },
		{ "oobd-push 1\r\n" URL NUMS "body 0\n", 0, "bad request: the first line" },
		/* Lines that do not end, or hold what no line may. */
		{ MAGIC "url https://ntfy.sh/topic", 0, "bad request: url" },
		{ MAGIC "url https://ntfy.sh/\0topic\n" NUMS "body 0\n",
		    sizeof(MAGIC "url https://ntfy.sh/\0topic\n" NUMS "body 0\n") - 1,
		    "bad request: url" },
		{ MAGIC "url https://ntfy.sh/topic\r\n" NUMS "body 0\n", 0, "bad request: url" },
		{ MAGIC "url https://ntfy.sh/t\x7fopic\n" NUMS "body 0\n", 0, "bad request: url" },
		{ MAGIC URL NUMS "header Title: a\tb\nbody 0\n", 0, "bad request: header" },
		{ MAGIC URL NUMS "header Title: a\0b\nbody 0\n",
		    sizeof(MAGIC URL NUMS "header Title: a\0b\nbody 0\n") - 1,
		    "bad request: header" },
		{ MAGIC URL NUMS "body 0", 0, "bad request: header" },
		/* URLs notify_url_parse() refuses. */
		{ MAGIC "url ftp://ntfy.sh/topic\n" NUMS "body 0\n", 0, "bad request: url" },
		{ MAGIC "url https://ntfy.sh/a b\n" NUMS "body 0\n", 0, "bad request: url" },
		{ MAGIC "url \n" NUMS "body 0\n", 0, "bad request: url" },
		{ MAGIC "URL https://ntfy.sh/topic\n" NUMS "body 0\n", 0, "bad request: url" },
		/* Routes. */
		{ MAGIC URL "interface abcdefghijklmnop\n" NUMS "body 0\n", 0,
		    "bad request: the route" },
		{ MAGIC URL "interface ppp!0\n" NUMS "body 0\n", 0, "bad request: the route" },
		{ MAGIC URL "interface ppp:0\n" NUMS "body 0\n", 0, "bad request: the route" },
		{ MAGIC URL "interface \n" NUMS "body 0\n", 0, "bad request: the route" },
		{ MAGIC URL "source ntfy.sh\n" NUMS "body 0\n", 0, "bad request: the route" },
		{ MAGIC URL "source 10.0.0.256\n" NUMS "body 0\n", 0, "bad request: the route" },
		{ MAGIC URL "interface ppp0\nsource 10.0.0.1\n" NUMS "body 0\n", 0,
		    "bad request: timeout-ms" },
		{ MAGIC URL "resolve ntfy.sh\n" NUMS "body 0\n", 0, "bad request: resolve" },
		{ MAGIC URL "resolve 10.0.0.1 \n" NUMS "body 0\n", 0, "bad request: resolve" },
		/* Keywords out of order, repeated, unknown. */
		{ MAGIC URL "header Title: x\n" NUMS "body 0\n", 0, "bad request: timeout-ms" },
		{ MAGIC URL "resolve 10.0.0.1\ninterface ppp0\n" NUMS "body 0\n", 0,
		    "bad request: timeout-ms" },
		{ MAGIC URL "retries 2\ntimeout-ms 20000\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: timeout-ms" },
		{ MAGIC URL NUMS "resolve 10.0.0.1\nbody 0\n", 0, "bad request: body" },
		{ MAGIC URL "timeout-ms 20000\nretries 2\nretries 2\nretry-delay-ms 1000\n"
		    "body 0\n", 0, "bad request: retry-delay-ms" },
		{ MAGIC URL "proxy 10.0.0.1\n" NUMS "body 0\n", 0, "bad request: timeout-ms" },
		{ MAGIC URL NUMS "trailer x: y\nbody 0\n", 0, "bad request: body" },
		{ MAGIC URL NUMS "body 0\nheader Title: late\n", 0, "bad request: body" },
		{ MAGIC URL NUMS, 0, "bad request: header" },
		{ MAGIC URL NUMS "header NoColon\nbody 0\n", 0, "bad request: header" },
		{ MAGIC URL NUMS "header \nbody 0\n", 0, "bad request: header" },
		/* Numbers. */
		{ MAGIC URL "timeout-ms -1\nretries 2\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: timeout-ms" },
		{ MAGIC URL "timeout-ms +1000\nretries 2\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: timeout-ms" },
		{ MAGIC URL "timeout-ms 0000000001\nretries 2\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: timeout-ms" },
		{ MAGIC URL "timeout-ms 0\nretries 2\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: timeout-ms" },
		{ MAGIC URL "timeout-ms 600001\nretries 2\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: timeout-ms" },
		{ MAGIC URL "timeout-ms 1000 \nretries 2\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: timeout-ms" },
		{ MAGIC URL "timeout-ms \nretries 2\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: timeout-ms" },
		{ MAGIC URL "timeout-ms 0x10\nretries 2\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: timeout-ms" },
		{ MAGIC URL "timeout-ms 1000\nretries 11\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: retries" },
		{ MAGIC URL "timeout-ms 1000\nretries -0\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: retries" },
		{ MAGIC URL "timeout-ms 1000\nretries2\nretry-delay-ms 1000\nbody 0\n", 0,
		    "bad request: retries" },
		{ MAGIC URL "timeout-ms 1000\nretries 2\nretry-delay-ms 0\nbody 0\n", 0,
		    "bad request: retry-delay-ms" },
		{ MAGIC URL "timeout-ms 1000\nretries 2\nretry-delay-ms 60001\nbody 0\n", 0,
		    "bad request: retry-delay-ms" },
		{ MAGIC URL NUMS "body +0\n", 0, "bad request: body" },
		{ MAGIC URL NUMS "body -0\n", 0, "bad request: body" },
		{ MAGIC URL NUMS "body 8193\n", 0, "bad request: body" },
		/* The body's length against what is left. */
		{ MAGIC URL NUMS "body 3\nab", 0, "bad request: body" },
		{ MAGIC URL NUMS "body 3\nabcd", 0, "bad request: body" },
		{ MAGIC URL NUMS "body 0\nx", 0, "bad request: body" },
		{ MAGIC URL NUMS "body 1\n", 0, "bad request: body" },
	};
	char err[ERRLEN];
	size_t k, len;

	(void)state;
	/* The base is good: each refusal is the change's. */
	assert_int_equal(decode_tight(GOOD, strlen(GOOD), &out, err, sizeof(err)), 0);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		len = bad[k].len != 0 ? bad[k].len : strlen(bad[k].text);
		snprintf(err, sizeof(err), "untouched");
		if (decode_tight(bad[k].text, len, &out, err, sizeof(err)) != -1)
			fail_msg("case %zu taken", k);
		if (strcmp(err, bad[k].err) != 0)
			fail_msg("case %zu: \"%s\", not \"%s\"", k, err, bad[k].err);
	}
	/* A short err buffer is cut, still terminated. */
	memset(err, 'x', sizeof(err));
	assert_int_equal(decode_tight("junk\n", 5, &out, err, 8), -1);
	assert_string_equal(err, "bad req");
}

/* PUSH_RESOLVE_MAX resolve lines and NOTIFY_HEADERS_MAX headers are
 * taken, one more of either is not. */
static void
test_decode_counts(void **state)
{
	static char b[PUSH_REQUEST_MAX];
	char err[ERRLEN];
	size_t n;
	int i;

	(void)state;
	for (int extra = 0; extra <= 1; extra++) {
		n = (size_t)snprintf(b, PUSH_REQUEST_MAX, MAGIC URL);
		for (i = 0; i < PUSH_RESOLVE_MAX + extra; i++)
			n += (size_t)snprintf(b + n, PUSH_REQUEST_MAX - n, "resolve 10.0.0.%d\n",
			    i);
		n += (size_t)snprintf(b + n, PUSH_REQUEST_MAX - n, NUMS "body 0\n");
		err[0] = '\0';
		assert_int_equal(decode_tight(b, n, &out, err, sizeof(err)), extra ? -1 : 0);
		if (extra)
			assert_string_equal(err, "bad request: resolve");
		else
			assert_int_equal(out.nresolve, PUSH_RESOLVE_MAX);

		n = (size_t)snprintf(b, PUSH_REQUEST_MAX, MAGIC URL NUMS);
		for (i = 0; i < NOTIFY_HEADERS_MAX + extra; i++)
			n += (size_t)snprintf(b + n, PUSH_REQUEST_MAX - n, "header X-%d: v\n", i);
		n += (size_t)snprintf(b + n, PUSH_REQUEST_MAX - n, "body 0\n");
		assert_int_equal(decode_tight(b, n, &out, err, sizeof(err)), extra ? -1 : 0);
		if (extra)
			assert_string_equal(err, "bad request: header");
		else
			assert_int_equal(out.http.nheaders, NOTIFY_HEADERS_MAX);
	}
}

/* Every truncation of a good request is refused; each is decoded from a
 * buffer of exactly its length, so ASan sees any read past it. */
static void
check_prefixes(const struct push_request *r)
{
	char err[ERRLEN];
	size_t n = encode(r);

	assert_int_equal(decode_tight(wire, n, &out, err, sizeof(err)), 0);
	for (size_t len = 0; len < n; len++)
		if (decode_tight(wire, len, &out, err, sizeof(err)) != -1)
			fail_msg("prefix of %zu bytes (of %zu) taken", len, n);
}

static void
test_decode_truncated(void **state)
{
	(void)state;
	fill_full(&req);
	check_prefixes(&req);
	fill_min(&req);
	check_prefixes(&req);
	fill_full(&req);
	req.http.body_len = 0;
	check_prefixes(&req);
}

/* ---- The result line ---- */

static void
result_roundtrip(const struct push_result *r, const char *want)
{
	char line[PUSH_RESULT_MAX];
	struct push_result back;
	size_t n;

	n = push_result_format(r, line, sizeof(line));
	assert_int_equal(n, strlen(want));
	assert_string_equal(line, want);
	assert_int_equal(push_result_parse(line, n - 1, &back), 0);
	assert_int_equal(back.ok, r->ok);
	assert_int_equal(back.http_status, r->http_status);
	assert_int_equal(back.attempts, r->attempts);
}

static void
test_result_roundtrip(void **state)
{
	struct push_result r = { .ok = true, .http_status = 200, .attempts = 1 };
	struct push_result back;
	char line[PUSH_RESULT_MAX];
	size_t n;

	(void)state;
	result_roundtrip(&r, "ok 200 1\n");
	r = (struct push_result){ .ok = true, .http_status = 999,
	    .attempts = PUSH_RETRIES_MAX + 1 };
	result_roundtrip(&r, "ok 999 11\n");

	r = (struct push_result){ .ok = false, .http_status = 500, .attempts = 3 };
	snprintf(r.why, sizeof(r.why), "HTTP 500: server error");
	result_roundtrip(&r, "fail 500 3 HTTP 500: server error\n");
	n = push_result_format(&r, line, sizeof(line));
	assert_int_equal(push_result_parse(line, n - 1, &back), 0);
	assert_string_equal(back.why, "HTTP 500: server error");

	r = (struct push_result){ .ok = false, .http_status = 0, .attempts = 0 };
	result_roundtrip(&r, "fail 0 0 (no reason given)\n");

	/* Not printable ASCII: '?', byte for byte. */
	snprintf(r.why, sizeof(r.why), "a\tb\x01" "c\x7f" "caf\xc3\xa9\r\n");
	result_roundtrip(&r, "fail 0 0 a?b?c?caf????\n");

	/* The longest why there can be still makes a line that parses. */
	r = (struct push_result){ .ok = false, .http_status = 503, .attempts = 11 };
	memset(r.why, 'w', sizeof(r.why) - 1);
	n = push_result_format(&r, line, sizeof(line));
	assert_int_equal(n, strlen("fail 503 11 \n") + PUSH_WHY_MAX - 1);
	assert_int_equal(line[n - 1], '\n');
	assert_int_equal(push_result_parse(line, n - 1, &back), 0);
	assert_memory_equal(back.why, r.why, sizeof(r.why));
}

/* push_wire.h: the line "with its '\n'", why "cut to fit". */
static void
test_result_format_cuts_to_fit(void **state)
{
	struct push_result r = { .ok = false, .http_status = 503, .attempts = 2 };
	struct push_result back;
	char line[PUSH_RESULT_MAX];
	size_t n;

	(void)state;
	memset(r.why, 'w', sizeof(r.why) - 1);
	for (size_t outlen = 64; outlen >= 32; outlen -= 16) {
		memset(line, 0x5a, sizeof(line));
		n = push_result_format(&r, line, outlen);
		assert_true(n < outlen);
		assert_int_equal(strlen(line), n);
		assert_int_equal(line[n - 1], '\n');
		assert_int_equal(line[outlen], 0x5a);
		assert_int_equal(push_result_parse(line, n - 1, &back), 0);
		assert_false(back.ok);
		assert_int_equal(back.http_status, 503);
		assert_int_equal(back.attempts, 2);
		assert_true(strncmp(back.why, "www", 3) == 0);
	}
}

static void
test_result_parse_refuses(void **state)
{
	static const struct {
		const char *line;
		size_t len;	/* 0: strlen */
	} bad[] = {
		{ "", 0 }, { "ok", 0 }, { "ok 200", 0 }, { "ok 200 ", 0 },
		{ "ok 200 1 extra", 0 }, { "ok 200 1 ", 0 }, { "fail 500 2", 0 },
		{ "fail 500 2 ", 0 }, { "maybe 1 1", 0 }, { "OK 200 1", 0 }, { "ok  200 1", 0 },
		{ "ok -1 1", 0 }, { "ok 200 -1", 0 }, { "ok +200 1", 0 }, { "fail -500 1 x", 0 },
		{ "ok 1000 1", 0 }, { "ok 200 12", 0 }, { "ok 200 1x", 0 },
		{ "ok 200 1\n", 0 }, { "fail 500 1 a\tb", 0 }, { "fail 500 1 a\x7f", 0 },
		{ "ok 200\0 1", 9 }, { "ok 200 1\0", 9 }, { "fail 500 1 a\0b", 14 },
		{ "ok 0000000200 1", 0 },
	};
	struct push_result r;
	char line[PUSH_RESULT_MAX + 16];
	size_t n;

	(void)state;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		n = bad[k].len != 0 ? bad[k].len : strlen(bad[k].line);
		if (push_result_parse(bad[k].line, n, &r) != -1)
			fail_msg("parsed \"%s\"", bad[k].line);
	}
	/* The bounds themselves are taken. */
	assert_int_equal(push_result_parse("ok 999 11", 9, &r), 0);
	assert_int_equal(push_result_parse("fail 0 0 x", 10, &r), 0);
	assert_string_equal(r.why, "x");

	/* A why of PUSH_WHY_MAX - 1 bytes is the longest; and no line as long
	 * as PUSH_RESULT_MAX. */
	n = (size_t)snprintf(line, sizeof(line), "fail 500 1 ");
	memset(line + n, 'w', PUSH_WHY_MAX - 1);
	assert_int_equal(push_result_parse(line, n + PUSH_WHY_MAX - 1, &r), 0);
	line[n + PUSH_WHY_MAX - 1] = 'w';
	assert_int_equal(push_result_parse(line, n + PUSH_WHY_MAX, &r), -1);
	memset(line + n, 'w', sizeof(line) - n);
	assert_int_equal(push_result_parse(line, PUSH_RESULT_MAX, &r), -1);
	assert_int_equal(push_result_parse(line, sizeof(line), &r), -1);
}

/* push_wire.h: "WHY is printable ASCII". */
static void
test_result_parse_refuses_non_ascii(void **state)
{
	struct push_result r;

	(void)state;
	assert_int_equal(push_result_parse("fail 500 1 caf\xc3\xa9", 15, &r), -1);
	assert_int_equal(push_result_parse("fail 500 1 \x80", 12, &r), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_full),
		cmocka_unit_test(test_roundtrip_min),
		cmocka_unit_test(test_roundtrip_limits),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_encode_refuses_url_decoder_refuses),
		cmocka_unit_test(test_encode_short_buffer),
		cmocka_unit_test(test_encode_exact_fit),
		cmocka_unit_test(test_decode_refuses),
		cmocka_unit_test(test_decode_counts),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_result_roundtrip),
		cmocka_unit_test(test_result_format_cuts_to_fit),
		cmocka_unit_test(test_result_parse_refuses),
		cmocka_unit_test(test_result_parse_refuses_non_ascii),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
