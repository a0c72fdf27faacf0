/*
 * ratelimit: a burst passes, a flood gets one KoD per interval and is
 * otherwise dropped, a client that slows down is served again, and one
 * client's flood does not limit another.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "ratelimit.h"

static struct sockaddr_in
v4(const char *s)
{
	struct sockaddr_in in;

	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, s, &in.sin_addr), 1);
	return in;
}

static void
test_burst_then_limited(void **state)
{
	struct rl_conf conf = { .interval_ms = 2000, .burst = 8 };
	struct rl_table *t = rl_new(1024, &conf, 42);
	struct sockaddr_in a = v4("192.0.2.1");
	int pass = 0, kod = 0, drop = 0;

	(void)state;
	assert_non_null(t);
	/* 100 requests in the same millisecond */
	for (int i = 0; i < 100; i++) {
		switch (rl_check(t, (struct sockaddr *)&a, 1000)) {
		case RL_PASS: pass++; break;
		case RL_KOD: kod++; break;
		case RL_DROP: drop++; break;
		}
	}
	assert_int_equal(pass, 8);
	assert_int_equal(kod, 1);
	assert_int_equal(drop, 91);
	rl_free(t);
}

static void
test_steady_client_always_served(void **state)
{
	struct rl_conf conf = { .interval_ms = 2000, .burst = 4 };
	struct rl_table *t = rl_new(64, &conf, 1);
	struct sockaddr_in a = v4("192.0.2.2");

	(void)state;
	/* one request every 2 s for an hour: never limited */
	for (int64_t now = 0; now < 3600 * 1000; now += 2000)
		assert_int_equal(rl_check(t, (struct sockaddr *)&a, now), RL_PASS);
	rl_free(t);
}

static void
test_flood_gets_one_kod_per_interval(void **state)
{
	struct rl_conf conf = { .interval_ms = 1000, .burst = 1 };
	struct rl_table *t = rl_new(64, &conf, 7);
	struct sockaddr_in a = v4("192.0.2.3");
	int pass = 0, kod = 0;

	(void)state;
	/* 100 requests per second for 10 s */
	for (int64_t now = 0; now < 10000; now += 10) {
		enum rl_verdict v = rl_check(t, (struct sockaddr *)&a, now);
		pass += v == RL_PASS;
		kod += v == RL_KOD;
	}
	/* about one pass per second (refill) and at most one KoD per second */
	assert_in_range(pass, 10, 11);
	assert_in_range(kod, 1, 10);
	rl_free(t);
}

static void
test_clients_independent(void **state)
{
	struct rl_conf conf = { .interval_ms = 1000, .burst = 2 };
	struct rl_table *t = rl_new(4096, &conf, 99);
	struct sockaddr_in bad = v4("198.51.100.66"), good = v4("198.51.100.7");
	struct sockaddr_in6 six;

	(void)state;
	for (int i = 0; i < 50; i++)
		rl_check(t, (struct sockaddr *)&bad, 0);
	assert_int_equal(rl_check(t, (struct sockaddr *)&bad, 0), RL_DROP);
	assert_int_equal(rl_check(t, (struct sockaddr *)&good, 0), RL_PASS);
	memset(&six, 0, sizeof(six));
	six.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::7", &six.sin6_addr), 1);
	assert_int_equal(rl_check(t, (struct sockaddr *)&six, 0), RL_PASS);
	rl_free(t);
}

static void
test_bad_conf(void **state)
{
	struct rl_conf zero = { .interval_ms = 0, .burst = 1 };
	struct rl_conf noburst = { .interval_ms = 1000, .burst = 0 };

	(void)state;
	assert_null(rl_new(16, &zero, 0));
	assert_null(rl_new(16, &noburst, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_limited),
		cmocka_unit_test(test_steady_client_always_served),
		cmocka_unit_test(test_flood_gets_one_kod_per_interval),
		cmocka_unit_test(test_clients_independent),
		cmocka_unit_test(test_bad_conf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
