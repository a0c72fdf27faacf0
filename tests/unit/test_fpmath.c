/*
 * Unit tests for lib/fpmath: each function against the libm function it
 * replaces (the tests link libm), over the ranges the daemons use and past.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "fpmath.h"

/* Bit for bit, so that -0.0 differs from 0.0 and a NaN equals a NaN. */
#define assert_same(a, b)                                                                          \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		if (isnan(a_) && isnan(b_))                                                        \
			break;                                                                     \
		assert_memory_equal(&a_, &b_, sizeof(double));                                     \
	} while (0)

/* A small deterministic generator: the same values on every run. */
static uint64_t
next_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 11; /* 53 bits */
}

static double
rand_unit(uint64_t *s) /* [0, 1) */
{
	return (double)next_rand(s) / 9007199254740992.0;
}

static void
test_max_min(void **state)
{
	/* volatile: libm's own functions at run time, not the compiler's folding. */
	static const double v[] = {
	    0.0,     1.0,          -1.0,     0.020,     1e-300, -1e300,
	    DBL_MAX, DBL_TRUE_MIN, HUGE_VAL, -HUGE_VAL, NAN,    -NAN,
	};
	size_t n = sizeof(v) / sizeof(v[0]);
	volatile double x, y;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			x = v[i];
			y = v[j];
			assert_same(fp_max(x, y), fmax(x, y));
			assert_same(fp_min(x, y), fmin(x, y));
		}
	}
	/* The NaN rule a call site may rely on: the number, never the NaN. */
	assert_same(fp_max(NAN, 0.020), 0.020);
	assert_same(fp_max(0.020, NAN), 0.020);
	assert_same(fp_min(NAN, -3.0), -3.0);
	assert_same(fp_min(-3.0, NAN), -3.0);
	assert_true(isnan(fp_max(NAN, NAN)));
	assert_true(isnan(fp_min(NAN, NAN)));
	/* Of two zeros, the first, as the header says. */
	assert_same(fp_max(-0.0, 0.0), -0.0);
	assert_same(fp_max(0.0, -0.0), 0.0);
	assert_same(fp_min(-0.0, 0.0), -0.0);
	assert_same(fp_min(0.0, -0.0), 0.0);
#if defined(__x86_64__) && defined(__GLIBC__)
	/* ... which is what glibc does here (aarch64's fmaxnm differs). */
	x = -0.0;
	y = 0.0;
	assert_same(fp_max(x, y), fmax(x, y));
	assert_same(fp_max(y, x), fmax(y, x));
	assert_same(fp_min(x, y), fmin(x, y));
	assert_same(fp_min(y, x), fmin(y, x));
#endif
}

static void
test_pow2(void **state)
{
	volatile double one = 1.0;

	(void)state;
	/* Every exponent a double has, and past both ends. */
	for (int n = -1100; n <= 1100; n++)
		assert_same(fp_pow2(n), ldexp(one, n));
	assert_same(fp_pow2(INT_MAX), HUGE_VAL);
	assert_same(fp_pow2(INT_MIN), 0.0);
	/* Precision (-30..-20), poll (0..17), a retry's backoff. */
	assert_same(fp_pow2(-20), 1.0 / 1048576.0);
	assert_same(fp_pow2(-30), 1.0 / 1073741824.0);
	assert_same(fp_pow2(0), 1.0);
	assert_same(fp_pow2(4), 16.0);
	assert_same(fp_pow2(17), 131072.0);
	assert_same(fp_pow2(-1074), DBL_TRUE_MIN);
	assert_same(fp_pow2(-1075), 0.0);
	assert_same(fp_pow2(1023), 0x1p1023);
	assert_same(fp_pow2(1024), HUGE_VAL);
}

/* filter.c weighs stage i by x * 2^-(i+1): the same as ldexp, even where
 * the product is subnormal and rounds. */
static void
test_pow2_scale(void **state)
{
	static const double v[] = {
	    0.0,      -0.0, 16.0, 1e-9, 0.123456789, 3.0 * DBL_TRUE_MIN, 0x1.fffffffffffffp-1020,
	    HUGE_VAL, NAN,
	};
	uint64_t s = 1;
	volatile double x;

	(void)state;
	for (int k = 1; k <= 8; k++) {
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			x = v[i];
			assert_same(x * fp_pow2(-k), ldexp(x, -k));
		}
		for (int i = 0; i < 10000; i++) {
			x = rand_unit(&s) * 16.0;
			assert_same(x * fp_pow2(-k), ldexp(x, -k));
			x = rand_unit(&s) * 0x1p-1016;
			assert_same(x * fp_pow2(-k), ldexp(x, -k));
		}
	}
}

static int
libm_ceil_log2(double x)
{
	volatile double v = x;

	return (int)ceil(log2(v));
}

static void
test_ceil_log2(void **state)
{
	(void)state;
	/* Clock steps: 1 ns, a 2^-20 s tick, 300 ns, one second. */
	assert_int_equal(fp_ceil_log2(1e-9), -29);
	assert_int_equal(fp_ceil_log2(1e-9), libm_ceil_log2(1e-9));
	assert_int_equal(fp_ceil_log2(0x1p-20), -20);
	assert_int_equal(fp_ceil_log2(0x1p-20), libm_ceil_log2(0x1p-20));
	assert_int_equal(fp_ceil_log2(3e-7), -21);
	assert_int_equal(fp_ceil_log2(3e-7), libm_ceil_log2(3e-7));
	assert_int_equal(fp_ceil_log2(1.0), 0);
	assert_int_equal(fp_ceil_log2(0.5), -1);
	assert_int_equal(fp_ceil_log2(0.75), 0);
	assert_int_equal(fp_ceil_log2(3.0), 2);
	/* Every power of two, and either side of it. */
	for (int k = -1074; k <= 1023; k++) {
		double p = ldexp(1.0, k);

		assert_int_equal(fp_ceil_log2(p), k);
		assert_int_equal(fp_ceil_log2(p), libm_ceil_log2(p));
		assert_int_equal(fp_ceil_log2(nextafter(p, HUGE_VAL)), k + 1);
		if (k > -1073) /* below 2^-1073 is 2^-1074 */
			assert_int_equal(fp_ceil_log2(nextafter(p, 0.0)), k);
	}
	assert_int_equal(fp_ceil_log2(DBL_MAX), 1024);
	assert_int_equal(fp_ceil_log2(DBL_MAX), libm_ceil_log2(DBL_MAX));
	/* What sync_measure_precision gets: n ns as ts_to_double makes it. */
	for (long n = 1; n <= 1000000; n++) {
		double d = 0.0 + (double)n / 1e9;

		assert_int_equal(fp_ceil_log2(d), libm_ceil_log2(d));
	}
	for (long n = 1000000; n <= 1000000000; n += 997) {
		double d = 0.0 + (double)n / 1e9;

		assert_int_equal(fp_ceil_log2(d), libm_ceil_log2(d));
	}
	/* Outside the domain. */
	assert_int_equal(fp_ceil_log2(0.0), 0);
	assert_int_equal(fp_ceil_log2(-1.0), 0);
	assert_int_equal(fp_ceil_log2(NAN), 0);
	assert_int_equal(fp_ceil_log2(HUGE_VAL), 0);
}

static void
test_lround(void **state)
{
	static const double v[] = {
	    0.0,
	    -0.0,
	    0.5,
	    -0.5,
	    1.5,
	    -1.5,
	    2.5,
	    -2.5,
	    0.49999999999999994,
	    -0.49999999999999994,
	    0.5000000000000001,
	    1.4999999999999998,
	    4503599627370495.5,
	    -4503599627370495.5,
	    4503599627370497.0,
	    2147483646.5,
	    -2147483647.5,
	    2147483647.0,
	    -2147483648.0,
	    32768000.0,
	    -32768000.0,
	    2e9,
	    -2e9,
	    1e-300,
	};
	uint64_t s = 2;
	volatile double x;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		x = v[i];
		if (sizeof(long) < 8 && fabs(x) > 2147483647.0)
			continue;
		assert_int_equal(fp_lround(x), lround(x));
	}
	assert_int_equal(fp_lround(2.5), 3);
	assert_int_equal(fp_lround(-2.5), -3);
	assert_int_equal(fp_lround(0.49999999999999994), 0);
	/* Halves and their neighbours over what the callers pass: ppm * 65536
	 * within +-500 ppm, microseconds within +-2000 s. */
	for (long k = -1000000; k <= 1000000; k++) {
		double h = (double)k + 0.5;

		x = h;
		assert_int_equal(fp_lround(x), lround(x));
		x = nextafter(h, 0.0);
		assert_int_equal(fp_lround(x), lround(x));
		x = nextafter(h, HUGE_VAL);
		assert_int_equal(fp_lround(x), lround(x));
	}
	for (int i = 0; i < 1000000; i++) {
		x = (rand_unit(&s) * 2.0 - 1.0) * 500.0 * 65536.0;
		assert_int_equal(fp_lround(x), lround(x));
		x = (rand_unit(&s) * 2.0 - 1.0) * 2e9;
		assert_int_equal(fp_lround(x), lround(x));
		x = (rand_unit(&s) * 2.0 - 1.0) * 4.0; /* near zero, both signs */
		assert_int_equal(fp_lround(x), lround(x));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_max_min),    cmocka_unit_test(test_pow2),
	    cmocka_unit_test(test_pow2_scale), cmocka_unit_test(test_ceil_log2),
	    cmocka_unit_test(test_lround),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
