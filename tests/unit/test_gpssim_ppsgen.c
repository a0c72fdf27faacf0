/*
 * gpssim's PPS captures (sim/gpssim/ppsgen.c): the timestamp is the edge,
 * offset and jitter as asked, never the delivery time; the SOCK sample a
 * consumer decodes gives back true time exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "ppsgen.h"
#include "tsmath.h"

#define H 1795564800

static void
test_exact_edge(void **state)
{
	struct ppsgen g;
	struct pps_edge e;

	(void)state;
	ppsgen_init(&g, 0, 0, 1);
	ppsgen_edge(&g, H, H, 0, &e);
	assert_int_equal(e.local.tv_sec, H);
	assert_int_equal(e.local.tv_nsec, 0);
	assert_true(e.offset == 0);
	assert_true(e.pulse);
	assert_int_equal(e.leap, 0);
	/* After an inserted leap second the true second is one less. */
	ppsgen_edge(&g, H + 5, H + 4, 0, &e);
	assert_true(e.offset == -1);
	ppsgen_edge(&g, H - 5, H - 5, 1, &e);
	assert_int_equal(e.leap, 1);
}

static void
test_offset(void **state)
{
	static const double offsets[] = { 0.0002, -0.0002, 0.123456, -0.3 };

	(void)state;
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		struct ppsgen g;
		struct pps_edge e;

		ppsgen_init(&g, offsets[i], 0, 1);
		ppsgen_edge(&g, H, H, 0, &e);
		assert_true(fabs(ts_to_double(ts_sub(e.local, (struct timespec){ H, 0 })) -
		    offsets[i]) < 1.5e-6);
		assert_int_equal(e.local.tv_nsec % 1000, 0);
		/* offset is true - timestamp, for the timestamp as sent */
		assert_true(fabs(ts_to_double(ts_sub(e.local, (struct timespec){ H, 0 })) +
		    e.offset) < 1e-9);
	}
}

/* Jitter is Gaussian with the asked sigma, around the edge, and the
 * sample round-trips through the SOCK format to true time. */
static void
test_jitter(void **state)
{
	struct ppsgen g;
	double sum = 0, sum2 = 0;
	int n = 20000, beyond = 0;

	(void)state;
	ppsgen_init(&g, 0, 1e-6, 99);
	for (int i = 0; i < n; i++) {
		struct pps_edge e, d;
		struct pps_sock_sample s;
		double x;

		ppsgen_edge(&g, H + i, H + i, 0, &e);
		x = ts_to_double(ts_sub(e.local, (struct timespec){ H + i, 0 }));
		sum += x;
		sum2 += x * x;
		beyond += fabs(x) > 3.5e-6;
		pps_sock_encode(&e, &s);
		assert_int_equal(pps_sock_decode(&s, sizeof(s), &d), 0);
		assert_true(fabs(ts_to_double(ts_sub(d.local, (struct timespec){ H + i, 0 })) +
		    d.offset) < 1e-9);
	}
	assert_true(fabs(sum / n) < 0.05e-6);
	/* Microsecond truncation widens it a little: 1.0 +- 0.1 us. */
	assert_true(fabs(sqrt(sum2 / n) - 1e-6) < 0.15e-6);
	assert_true(beyond < 20);
}

static void
test_gauss_and_seed(void **state)
{
	struct ppsgen a, b, c;
	double sum = 0, sum2 = 0;
	int n = 50000, same = 0;

	(void)state;
	ppsgen_init(&a, 0, 1, 5);
	ppsgen_init(&b, 0, 1, 5);
	ppsgen_init(&c, 0, 1, 6);
	for (int i = 0; i < n; i++) {
		double x = ppsgen_gauss(&a);

		assert_true(x == ppsgen_gauss(&b));
		same += x == ppsgen_gauss(&c);
		assert_true(isfinite(x));
		sum += x;
		sum2 += x * x;
	}
	assert_true(same < 10);
	assert_true(fabs(sum / n) < 0.02);
	assert_true(fabs(sum2 / n - 1) < 0.03);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_edge),
		cmocka_unit_test(test_offset),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_gauss_and_seed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
