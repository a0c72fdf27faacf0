/*
 * filter: the clock filter's choice, dispersion and jitter worked by hand
 * on a known register, aging, dummies, the rule that a sample is used once
 * and never after a newer one, and the popcorn gate.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>

#include "filter.h"

#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

#define PREC 1e-6

static bool
add(struct filter *f, double offset, double delay, double disp, double t)
{
	struct filter_sample s = { offset, delay, disp, t };

	return filter_add(f, &s);
}

/*
 * Eight samples 64 s apart, each taken with 1 ms dispersion.  In delay
 * order the stages are k = 1, 7, 3, 0, 5, 4, 6, 2 (k: order added), and at
 * t = 448 their dispersions are 0.001 + 15e-6 * (448 - 64 k):
 *   6.76, 1.00, 4.84, 7.72, 2.92, 3.88, 1.96, 5.80 ms
 * so disp = 6.76/2 + 1/4 + 4.84/8 + 7.72/16 + 2.92/32 + 3.88/64 + 1.96/128
 * + 5.80/256 ms = 4.90734375 ms.  Offsets against the best (12 ms): +2, -1,
 * -2, +1, -3, -2, -4 ms; squares sum to 39e-6, jitter = sqrt(39e-6 / 7).
 */
static const double set_off[8] = { 0.010, 0.012, 0.008, 0.011, 0.009, 0.013, 0.010, 0.014 };
static const double set_del[8] = { 0.030, 0.020, 0.050, 0.025, 0.040, 0.035, 0.045, 0.022 };

static void
fill_set(struct filter *f, bool used[8])
{
	filter_init(f, PREC);
	f->spike_window = 0.0;  /* this register is about the statistics */
	for (int k = 0; k < 8; k++)
		used[k] = add(f, set_off[k], set_del[k], 0.001, 64.0 * k);
}

static void
test_known_register(void **state)
{
	struct filter f;
	bool used[8];

	(void)state;
	fill_set(&f, used);
	assert_int_equal(f.n, 8);
	/* The first two are each the least delay so far, then none is. */
	assert_true(used[0]);
	assert_true(used[1]);
	for (int k = 2; k < 8; k++)
		assert_false(used[k]);
	assert_int_equal(f.used, 2);
	assert_near(f.offset, 0.012, 1e-15);
	assert_near(f.delay, 0.020, 1e-15);
	assert_near(f.t, 64.0, 0.0);
	assert_near(f.disp, 0.00490734375, 1e-12);
	assert_near(f.jitter, sqrt(39e-6 / 7.0), 1e-12);
	assert_near(f.jitter, 0.0023603873774, 1e-12);
	assert_near(f.disp_t, 448.0, 0.0);
}

static void
test_aging(void **state)
{
	struct filter f;
	bool used[8];
	double off[FILTER_STAGES], del[FILTER_STAGES], disp[FILTER_STAGES];

	(void)state;
	fill_set(&f, used);
	/* 1000 s later every error bound has grown by 15 ms. */
	assert_near(filter_disp_at(&f, 1448.0), 0.00490734375 + 0.015, 1e-12);
	assert_near(filter_disp_at(&f, 448.0), 0.00490734375, 1e-12);
	assert_near(filter_disp_at(&f, 1e9), FILTER_MAXDISP, 0.0);
	assert_int_equal(filter_stages(&f, 1448.0, off, del, disp), 8);
	/* Newest first: stage 0 is the sample taken at 448, stage 7 at 0. */
	assert_near(off[0], 0.014, 0.0);
	assert_near(del[0], 0.022, 0.0);
	assert_near(disp[0], 0.001 + 15e-6 * 1000.0, 1e-12);
	assert_near(off[7], 0.010, 0.0);
	assert_near(del[7], 0.030, 0.0);
	assert_near(disp[7], 0.001 + 15e-6 * 1448.0, 1e-12);
}

static void
test_new_filter(void **state)
{
	struct filter f;
	double off[FILTER_STAGES], del[FILTER_STAGES], disp[FILTER_STAGES];

	(void)state;
	filter_init(&f, PREC);
	assert_near(filter_disp_at(&f, 10.0), FILTER_MAXDISP, 0.0);
	assert_int_equal(filter_stages(&f, 10.0, off, del, disp), 0);
	assert_near(disp[0], FILTER_MAXDISP, 0.0);
	assert_true(f.t < 0.0);
	/* One sample: the seven empty stages count as 16 s each. */
	assert_true(add(&f, 0.5, 0.01, 0.002, 10.0));
	assert_near(f.disp, 0.001 + 16.0 * (0.5 - 1.0 / 256.0), 1e-12);
	assert_near(f.jitter, PREC, 0.0);  /* never below the precision */
	assert_near(f.offset, 0.5, 0.0);
	/* A second halves what the empty stages add. */
	assert_true(add(&f, 0.5, 0.005, 0.002, 20.0));
	assert_near(f.disp, 0.002 / 2 + (0.002 + 15e-6 * 10.0) / 4 + 16.0 * (0.25 - 1.0 / 256.0),
	    1e-12);
}

static void
test_dummies_sort_last(void **state)
{
	struct filter f;

	(void)state;
	filter_init(&f, PREC);
	assert_true(add(&f, 0.003, 0.030, 0.001, 0.0));
	assert_true(add(&f, 0.004, 0.020, 0.001, 64.0));
	/* Dummies have delay 0, yet no dummy is ever the choice. */
	filter_add_dummy(&f, 128.0);
	filter_add_dummy(&f, 192.0);
	assert_int_equal(f.n, 4);
	assert_int_equal(f.used, 2);
	assert_near(f.offset, 0.004, 0.0);
	assert_near(f.delay, 0.020, 0.0);
	assert_near(f.disp,
	    (0.001 + 15e-6 * 128.0) / 2 + (0.001 + 15e-6 * 192.0) / 4 + 16.0 * (0.25 - 1.0 / 256.0),
	    1e-12);
	/* Jitter is over the valid stages only: |0.003 - 0.004|. */
	assert_near(f.jitter, 0.001, 1e-15);
	/* A register of dummies gives no result and no new offset. */
	for (int i = 0; i < 8; i++)
		filter_add_dummy(&f, 256.0 + 64.0 * i);
	assert_near(f.disp, 16.0 * (1.0 - 1.0 / 256.0), 1e-12);
	assert_near(f.offset, 0.004, 0.0);
	assert_int_equal(f.used, 2);
	/* The next real sample is used at once. */
	assert_true(add(&f, 0.006, 0.040, 0.001, 800.0));
	assert_near(f.offset, 0.006, 0.0);
}

static void
test_never_twice_nor_older(void **state)
{
	struct filter f;

	(void)state;
	filter_init(&f, PREC);
	assert_true(add(&f, 0.001, 0.010, 0.001, 100.0));
	/* Worse delay: the old sample stays best and is not used again. */
	assert_false(add(&f, 0.002, 0.050, 0.001, 164.0));
	assert_false(add(&f, 0.003, 0.060, 0.001, 228.0));
	assert_int_equal(f.used, 1);
	assert_near(f.t, 100.0, 0.0);
	/* A least-delay sample stamped before the last used one: kept, but
	 * never used after a newer one. */
	assert_false(add(&f, 0.004, 0.001, 0.001, 50.0));
	assert_near(f.offset, 0.001, 0.0);
	assert_near(f.t, 100.0, 0.0);
	/* It stays the best until it leaves the register; then the newest of
	 * equal delays wins. */
	for (int i = 0; i < 7; i++)
		assert_false(add(&f, 0.002, 0.005, 0.001, 292.0 + 64.0 * i));
	assert_true(add(&f, 0.003, 0.005, 0.001, 740.0));
	assert_near(f.offset, 0.003, 0.0);
	assert_near(f.delay, 0.005, 0.0);
	assert_near(f.t, 740.0, 0.0);
	assert_int_equal(f.used, 2);
}

static void
test_popcorn(void **state)
{
	struct filter f;

	(void)state;
	filter_init(&f, PREC);
	f.spike_window = 128.0;
	/* Five steady samples, each the least delay so far. */
	for (int i = 0; i < 5; i++)
		assert_true(add(&f, 0.001 + 1e-5 * i, 0.030 - 0.001 * i, 0.0001, 64.0 * i));
	assert_near(f.offset, 0.00104, 1e-15);
	/* A 100 ms spike with the least delay yet: kept, not used. */
	assert_false(add(&f, 0.101, 0.020, 0.0001, 320.0));
	assert_int_equal(f.n, 6);
	assert_near(f.st[0].offset, 0.101, 0.0);
	assert_near(f.offset, 0.00104, 1e-15);
	assert_near(f.t, 256.0, 0.0);
	assert_int_equal(f.used, 5);
	/* A step that lasts: the kept spike has raised the jitter, so the
	 * second sample at the new offset is believed. */
	assert_true(add(&f, 0.102, 0.019, 0.0001, 384.0));
	assert_near(f.offset, 0.102, 0.0);
	assert_near(f.t, 384.0, 0.0);
}

static void
test_popcorn_window(void **state)
{
	struct filter f;

	(void)state;
	filter_init(&f, PREC);
	f.spike_window = 128.0;
	for (int i = 0; i < 5; i++)
		assert_true(add(&f, 0.001 + 1e-5 * i, 0.030 - 0.001 * i, 0.0001, 64.0 * i));
	/* Two poll intervals after the last used sample, a jump is news. */
	assert_true(add(&f, 0.101, 0.020, 0.0001, 256.0 + 128.0));
	assert_near(f.offset, 0.101, 0.0);
	/* Just inside the window the same jump from the start is a spike. */
	filter_init(&f, PREC);
	f.spike_window = 128.0;
	for (int i = 0; i < 5; i++)
		assert_true(add(&f, 0.001 + 1e-5 * i, 0.030 - 0.001 * i, 0.0001, 64.0 * i));
	assert_false(add(&f, 0.101, 0.020, 0.0001, 256.0 + 127.0));
}

static void
test_no_gate_at_start(void **state)
{
	struct filter f;

	(void)state;
	filter_init(&f, PREC);
	assert_true(add(&f, 0.001, 0.030, 0.0001, 0.0));
	assert_true(add(&f, 0.002, 0.029, 0.0001, 2.0));
	/* Fewer than five valid samples: the jitter means little, no gate. */
	assert_true(add(&f, 0.500, 0.028, 0.0001, 4.0));
	assert_near(f.offset, 0.500, 0.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_register),
		cmocka_unit_test(test_aging),
		cmocka_unit_test(test_new_filter),
		cmocka_unit_test(test_dummies_sort_last),
		cmocka_unit_test(test_never_twice_nor_older),
		cmocka_unit_test(test_popcorn),
		cmocka_unit_test(test_popcorn_window),
		cmocka_unit_test(test_no_gate_at_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
