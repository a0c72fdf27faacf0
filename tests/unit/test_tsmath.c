/* Unit tests for lib/tsmath: normalisation, arithmetic, conversions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "tsmath.h"

static struct timespec ts(time_t s, long ns)
{
	struct timespec t;

	t.tv_sec = s;
	t.tv_nsec = ns;
	return t;
}

#define assert_ts(t, s, ns)                                                                        \
	do {                                                                                       \
		struct timespec t_ = (t);                                                          \
		assert_int_equal((int64_t)t_.tv_sec, (int64_t)(s));                                \
		assert_int_equal((int64_t)t_.tv_nsec, (int64_t)(ns));                              \
	} while (0)

static void test_normalize(void **state)
{
	static const struct {
		time_t s;
		long ns;
		time_t want_s;
		long want_ns;
	} cases[] = {
		{ 0, 0, 0, 0 },
		{ 0, -250000000, -1, 750000000 },  /* -0.25 s */
		{ 1, 1500000000, 2, 500000000 },
		{ 1, -1500000000, -1, 500000000 },
		{ -3, 999999999, -3, 999999999 },
		{ 5, -1, 4, 999999999 },
		{ 0, 1000000000, 1, 0 },
		{ 0, -1000000000, -1, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_ts(ts_normalize(ts(cases[i].s, cases[i].ns)), cases[i].want_s,
		    cases[i].want_ns);
}

static void test_add_sub(void **state)
{
	(void)state;
	assert_ts(ts_add(ts(1, 600000000), ts(2, 700000000)), 4, 300000000);
	assert_ts(ts_add(ts(1, 0), ts(-1, 750000000)), 0, 750000000);
	assert_ts(ts_sub(ts(1, 0), ts(1, 250000000)), -1, 750000000);
	assert_ts(ts_sub(ts(10, 100), ts(3, 200)), 6, 999999900);
	assert_ts(ts_sub(ts(-2, 0), ts(3, 500000000)), -6, 500000000);
	/* Unnormalised inputs are fine too. */
	assert_ts(ts_add(ts(0, 1999999999), ts(0, 1)), 2, 0);
	assert_ts(ts_add_ns(ts(1, 999999999), 1), 2, 0);
	assert_ts(ts_add_ns(ts(1, 0), -1), 0, 999999999);
	assert_ts(ts_add_ns(ts(0, 0), -2500000000LL), -3, 500000000);
}

static void test_cmp(void **state)
{
	(void)state;
	assert_int_equal(ts_cmp(ts(1, 0), ts(1, 0)), 0);
	assert_int_equal(ts_cmp(ts(1, 0), ts(1, 1)), -1);
	assert_int_equal(ts_cmp(ts(2, 0), ts(1, 999999999)), 1);
	assert_int_equal(ts_cmp(ts(-1, 750000000), ts(0, -250000000)), 0);
	assert_int_equal(ts_cmp(ts(-1, 0), ts(0, 0)), -1);
}

static void test_ns(void **state)
{
	(void)state;
	assert_int_equal(ts_to_ns(ts(1, 5)), 1000000005LL);
	assert_int_equal(ts_to_ns(ts(-1, 750000000)), -250000000LL);
	assert_int_equal(ts_to_ns(ts(0, -1)), -1);
	assert_ts(ts_from_ns(-250000000LL), -1, 750000000);
	assert_ts(ts_from_ns(-1), -1, 999999999);
	assert_ts(ts_from_ns(3000000001LL), 3, 1);
	/* The extremes round-trip exactly... */
	assert_int_equal(ts_to_ns(ts_from_ns(INT64_MAX)), INT64_MAX);
	assert_int_equal(ts_to_ns(ts_from_ns(INT64_MIN)), INT64_MIN);
	if (sizeof(time_t) >= 8) {
		/* ...and one nanosecond or one second past them saturates. */
		assert_int_equal(ts_to_ns(ts_add_ns(ts_from_ns(INT64_MAX), 1)), INT64_MAX);
		assert_int_equal(ts_to_ns(ts_add_ns(ts_from_ns(INT64_MIN), -1)), INT64_MIN);
		assert_int_equal(ts_to_ns(ts(9223372037, 0)), INT64_MAX);
		assert_int_equal(ts_to_ns(ts(-9223372037, 0)), INT64_MIN);
		assert_int_equal(ts_to_ns(ts(-9223372037, 145224192)), INT64_MIN);
		assert_int_equal(ts_to_ns(ts(-9223372037, 145224193)), INT64_MIN + 1);
	}
}

static void test_ms(void **state)
{
	(void)state;
	assert_int_equal(ts_to_ms(ts(1, 999999)), 1000);
	assert_int_equal(ts_to_ms(ts(1, 1000000)), 1001);
	/* -0.25 s -> -250; -1 ns -> -1 (toward -inf, not toward zero). */
	assert_int_equal(ts_to_ms(ts(-1, 750000000)), -250);
	assert_int_equal(ts_to_ms(ts(0, -1)), -1);
}

static void test_double(void **state)
{
	(void)state;
	assert_true(fabs(ts_to_double(ts(-1, 750000000)) + 0.25) < 1e-12);
	assert_ts(ts_from_double(-0.25), -1, 750000000);
	assert_ts(ts_from_double(1.5), 1, 500000000);
	assert_ts(ts_from_double(0.9999999999), 1, 0); /* rounds up into the next second */
	assert_ts(ts_from_double(NAN), 0, 0);
	assert_true(ts_from_double(INFINITY).tv_sec > 0);
	assert_true(ts_from_double(-INFINITY).tv_sec < 0);
	assert_true(ts_from_double(1e300).tv_sec > 0);
}

static void test_clocks(void **state)
{
	struct timespec a, b;

	(void)state;
	a = ts_now_mono();
	b = ts_now_mono();
	assert_true(ts_cmp(a, b) <= 0);
	assert_true(a.tv_nsec >= 0 && a.tv_nsec < TS_NSEC_PER_SEC);
	/* The real clock is after 2020 on any machine these tests run on. */
	assert_true(ts_now_real().tv_sec > 1577836800);
	/* ts_mono_ms is the same clock, in whole milliseconds. */
	int64_t before = ts_to_ms(ts_now_mono());
	int64_t ms = ts_mono_ms();
	int64_t after = ts_to_ms(ts_now_mono());
	assert_true(before <= ms && ms <= after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize), cmocka_unit_test(test_add_sub),
		cmocka_unit_test(test_cmp),       cmocka_unit_test(test_ns),
		cmocka_unit_test(test_ms),        cmocka_unit_test(test_double),
		cmocka_unit_test(test_clocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
