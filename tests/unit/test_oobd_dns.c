/*
 * Unit tests for oobd/dns without a network: which names are host names,
 * the servers as the messages name them, the words for c-ares' statuses,
 * the conf checks, and the outcomes that need no query (a literal, an
 * interface that is not there), which still come from the loop.  The
 * lookups themselves, over a real link, are in test_oobd_link.c, whose
 * network namespaces they need.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ares.h>
#include <arpa/inet.h>
#include <string.h>

#include "dns.h"
#include "evloop.h"
#include "tsmath.h"

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

struct rec {
	bool done;
	int calls;
	struct dns_lookup_result r;
};

static void
on_result(const struct dns_lookup_result *r, void *arg)
{
	struct rec *rec = arg;

	rec->r = *r;
	rec->calls++;
	rec->done = true;
}

static void
run_until(struct ev_loop *loop, const bool *done, int max_ms)
{
	struct timespec end = ts_add_ns(ts_now_mono(), (int64_t)max_ms * 1000000);

	while (!*done && ts_cmp(ts_now_mono(), end) < 0)
		ev_run_once(loop, 20);
}

static void
test_host_names(void **state)
{
	static const char *const good[] = { "relay.example.net", "Relay.Example.NET.", "a",
		"xn--bcher-kva.example", "_srv.b-c.d9", "1.2.3.4.5" };
	static const char *const bad[] = { "", ".", "a..b", ".a", "a b", "a/b", "caf\xc3\xa9.fr",
		"relay.example.net..", "a\tb", "a:53" };
	char name[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(dns_host_name_ok(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dns_host_name_ok(bad[i]))
			fail_msg("\"%s\" taken for a host name", bad[i]);

	/* a label of 63 is fine, 64 is not */
	memset(name, 'a', 64);
	name[63] = '\0';
	assert_true(dns_host_name_ok(name));
	name[63] = 'a';
	name[64] = '\0';
	assert_false(dns_host_name_ok(name));

	/* 253 characters in all (a final dot besides), not 254 */
	for (i = 0; i < 253; i++)
		name[i] = i % 2 == 0 ? 'a' : '.';
	name[253] = '\0';
	assert_true(dns_host_name_ok(name));
	name[253] = '.';
	name[254] = '\0';
	assert_true(dns_host_name_ok(name));
	name[253] = 'a';
	assert_false(dns_host_name_ok(name));
}

static void
test_servers_text(void **state)
{
	struct in_addr s[DNS_MAX_SERVERS + 1] = { ip("192.0.2.53"), ip("198.51.100.53"),
		ip("255.255.255.255"), ip("10.0.0.1") };
	char buf[DNS_SERVERS_TEXT_MAX];

	(void)state;
	assert_int_equal(dns_servers_text(s, 1, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "192.0.2.53:53");
	assert_int_equal(dns_servers_text(s, 2, 5353, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "192.0.2.53:5353,198.51.100.53:5353");
	/* the longest there can be fits in DNS_SERVERS_TEXT_MAX */
	s[0] = s[1] = s[2];
	assert_int_equal(dns_servers_text(s, 3, 65535, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "255.255.255.255:65535,255.255.255.255:65535,"
				 "255.255.255.255:65535");

	assert_int_equal(dns_servers_text(s, 0, 0, buf, sizeof(buf)), -1);
	assert_int_equal(dns_servers_text(s, DNS_MAX_SERVERS + 1, 0, buf, sizeof(buf)), -1);
	assert_int_equal(dns_servers_text(s, 1, 0, buf, 10), -1);
	assert_int_equal(dns_servers_text(s, 1, 0, buf, 0), -1);
}

static void
test_status_words(void **state)
{
	static const struct {
		int status;
		const char *text;
	} t[] = {
		{ ARES_ENOTFOUND, "no such name (NXDOMAIN)" },
		{ ARES_ENODATA, "no A record" },
		{ ARES_ESERVFAIL, "server answered SERVFAIL" },
		{ ARES_EREFUSED, "server answered REFUSED" },
		{ ARES_EFORMERR, "server answered FORMERR" },
		{ ARES_ENOTIMP, "server answered NOTIMP" },
		{ ARES_EBADRESP, "malformed answer" },
		{ ARES_ETIMEOUT, "no answer" },
		{ ARES_ECONNREFUSED, "refused or unreachable" },
		{ ARES_EBADNAME, "not a valid host name" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(dns_status_text(t[i].status), t[i].text);
	/* anything else in c-ares' own words */
	assert_string_equal(dns_status_text(ARES_ENOMEM), ares_strerror(ARES_ENOMEM));
}

static void
test_bad_conf_is_refused_at_start(void **state)
{
	struct ev_loop *loop = ev_new();
	struct dns_lookup_conf c = { .ifname = "cell0", .servers = { ip("192.0.2.53") },
		.nservers = 1, .name = "relay.test", .timeout_ms = 500 };
	struct rec rec = { 0 };
	char err[DNS_ERRLEN];

	(void)state;
	c.name = "not a host";
	assert_null(dns_lookup_start(loop, &c, on_result, &rec, err, sizeof(err)));
	assert_string_equal(err, "resolve: \"not a host\" is not a valid host name");
	c.name = "relay.test";
	c.timeout_ms = 0;
	assert_null(dns_lookup_start(loop, &c, on_result, &rec, err, sizeof(err)));
	assert_string_equal(err, "resolve: bad interface, servers, name or timeout");
	c.timeout_ms = 500;
	c.nservers = 0;
	assert_null(dns_lookup_start(loop, &c, on_result, &rec, err, sizeof(err)));
	c.nservers = DNS_MAX_SERVERS + 1;
	assert_null(dns_lookup_start(loop, &c, on_result, &rec, err, sizeof(err)));
	c.nservers = 1;
	c.ifname = "a-name-far-too-long-for-ifnamsiz";
	assert_null(dns_lookup_start(loop, &c, on_result, &rec, err, sizeof(err)));
	c.ifname = "cell0";
	assert_null(dns_lookup_start(loop, &c, NULL, &rec, err, sizeof(err)));
	run_until(loop, &rec.done, 100);
	assert_int_equal(rec.calls, 0);
	ev_free(loop);
}

static void
test_literal_needs_no_query(void **state)
{
	struct ev_loop *loop = ev_new();
	struct dns_lookup_conf c = { .ifname = "nosuch0", .servers = { ip("192.0.2.53") },
		.nservers = 1, .name = "198.51.100.9", .timeout_ms = 500 };
	struct rec rec = { 0 };
	char err[DNS_ERRLEN], a[INET_ADDRSTRLEN];

	(void)state;
	/* a literal needs no query, so no interface either */
	assert_non_null(dns_lookup_start(loop, &c, on_result, &rec, err, sizeof(err)));
	assert_int_equal(rec.calls, 0); /* never from inside start */
	run_until(loop, &rec.done, 1000);
	assert_int_equal(rec.calls, 1);
	assert_true(rec.r.ok);
	assert_int_equal(rec.r.naddr, 1);
	assert_string_equal(inet_ntop(AF_INET, &rec.r.addr[0], a, sizeof(a)), "198.51.100.9");
	ev_free(loop);
}

static void
test_missing_interface_is_reported_from_the_loop(void **state)
{
	struct ev_loop *loop = ev_new();
	struct dns_lookup_conf c = { .ifname = "nosuch0",
		.servers = { ip("192.0.2.53"), ip("198.51.100.53") }, .nservers = 2,
		.name = "relay.test", .timeout_ms = 500 };
	struct rec rec = { 0 };
	char err[DNS_ERRLEN];

	(void)state;
	assert_non_null(dns_lookup_start(loop, &c, on_result, &rec, err, sizeof(err)));
	assert_int_equal(rec.calls, 0);
	run_until(loop, &rec.done, 1000);
	assert_int_equal(rec.calls, 1);
	assert_false(rec.r.ok);
	assert_string_equal(rec.r.msg, "nosuch0: DNS 192.0.2.53:53,198.51.100.53:53: relay.test: "
				       "no such interface");
	ev_free(loop);
}

static void
test_cancel_means_no_callback(void **state)
{
	struct ev_loop *loop = ev_new();
	struct dns_lookup_conf c = { .ifname = "nosuch0", .servers = { ip("192.0.2.53") },
		.nservers = 1, .name = "relay.test", .timeout_ms = 100 };
	struct rec rec = { 0 };
	struct dns_lookup *l;
	char err[DNS_ERRLEN];

	(void)state;
	l = dns_lookup_start(loop, &c, on_result, &rec, err, sizeof(err));
	assert_non_null(l);
	dns_lookup_cancel(l);
	c.name = "192.0.2.1";
	l = dns_lookup_start(loop, &c, on_result, &rec, err, sizeof(err));
	assert_non_null(l);
	dns_lookup_cancel(l);
	dns_lookup_cancel(NULL);
	run_until(loop, &rec.done, 300);
	assert_int_equal(rec.calls, 0);
	ev_free(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_names),
		cmocka_unit_test(test_servers_text),
		cmocka_unit_test(test_status_words),
		cmocka_unit_test(test_bad_conf_is_refused_at_start),
		cmocka_unit_test(test_literal_needs_no_query),
		cmocka_unit_test(test_missing_interface_is_reported_from_the_loop),
		cmocka_unit_test(test_cancel_means_no_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
