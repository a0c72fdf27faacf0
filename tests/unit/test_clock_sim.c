/*
 * clock_sim and clock: the simulated clock behaves as the kernel clock the
 * discipline will drive (frequency, adjtime-style slews, steps), runs are
 * reproducible from a seed, the oscillator wanders by the documented amount;
 * the read-only clock records without applying; the timex conversions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>

#include "clock.h"
#include "clock_sim.h"
#include "tsmath.h"

#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

static void
sim_at(struct clock_sim *s, double offset, double osc_ppm, double wander, uint64_t seed)
{
	struct clock_sim_config c = { { 1764000000, 0 }, offset, osc_ppm, wander, 0.0, seed };

	clock_sim_init(s, &c);
}

static void
test_free_running_oscillator(void **state)
{
	struct clock_sim s;

	(void)state;
	sim_at(&s, 0.001, 50.0, 0.0, 1);
	clock_sim_advance(&s, 100.0);
	assert_near(clock_sim_offset(&s), 0.001 + 50e-6 * 100, 1e-12);
	assert_int_equal(clock_sim_true_time(&s).tv_sec, 1764000100);
}

static void
test_reading_is_true_time_plus_offset(void **state)
{
	struct clock_sim s;
	struct timespec now;

	(void)state;
	sim_at(&s, -0.25, 0.0, 0.0, 1);
	assert_int_equal(clock_now(&s.clock, &now), 0);
	assert_int_equal(now.tv_sec, 1763999999);
	assert_int_equal(now.tv_nsec, 750000000);
	clock_sim_advance(&s, 0.5);
	clock_now(&s.clock, &now);
	assert_near(ts_to_double(ts_sub(now, clock_sim_true_time(&s))), -0.25, 1e-9);
}

static void
test_frequency_correction_cancels_oscillator(void **state)
{
	struct clock_sim s;
	struct clock_status st;

	(void)state;
	sim_at(&s, 0.0, 73.5, 0.0, 1);
	assert_int_equal(clock_set_freq(&s.clock, -73.5), 0);
	clock_sim_advance(&s, 3600.0);
	assert_near(clock_sim_offset(&s), 0.0, 1e-12);
	clock_status(&s.clock, &st);
	assert_near(st.freq_ppm, -73.5, 1e-12);
	assert_true(st.controlled);
}

static void
test_frequency_is_clamped_and_checked(void **state)
{
	struct clock_sim s;
	struct clock_status st;

	(void)state;
	sim_at(&s, 0.0, 0.0, 0.0, 1);
	assert_int_equal(clock_set_freq(&s.clock, 800.0), 0);
	clock_status(&s.clock, &st);
	assert_near(st.freq_ppm, 500.0, 0);
	assert_int_equal(clock_set_freq(&s.clock, NAN), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(clock_slew(&s.clock, INFINITY), -1);
	assert_int_equal(clock_step(&s.clock, NAN), -1);
	clock_status(&s.clock, &st);
	assert_near(st.freq_ppm, 500.0, 0);
}

static void
test_slew_is_rate_limited(void **state)
{
	struct clock_sim s;
	struct clock_status st;

	(void)state;
	sim_at(&s, 0.0, 0.0, 0.0, 1);
	clock_slew(&s.clock, -0.010);
	clock_sim_advance(&s, 1.0);
	assert_near(clock_sim_offset(&s), -500e-6, 1e-12);
	clock_status(&s.clock, &st);
	assert_near(st.slew_pending, -0.0095, 1e-12);
	assert_near(st.max_slew_ppm, 500.0, 0);
	clock_sim_advance(&s, 19.0);
	assert_near(clock_sim_offset(&s), -0.010, 1e-12);
	clock_sim_advance(&s, 100.0);
	assert_near(clock_sim_offset(&s), -0.010, 1e-12);
	clock_status(&s.clock, &st);
	assert_near(st.slew_pending, 0.0, 1e-15);
}

static void
test_new_slew_replaces_the_old(void **state)
{
	struct clock_sim s;

	(void)state;
	sim_at(&s, 0.0, 0.0, 0.0, 1);
	clock_slew(&s.clock, 0.010);
	clock_sim_advance(&s, 2.0);
	clock_slew(&s.clock, 0.0);
	clock_sim_advance(&s, 100.0);
	assert_near(clock_sim_offset(&s), 0.001, 1e-12);
}

static void
test_step_is_immediate_and_cancels_slew(void **state)
{
	struct clock_sim s;
	struct clock_status st;

	(void)state;
	sim_at(&s, 0.3, 0.0, 0.0, 1);
	clock_slew(&s.clock, 0.010);
	assert_int_equal(clock_step(&s.clock, -0.3), 0);
	assert_near(clock_sim_offset(&s), 0.0, 1e-12);
	clock_sim_advance(&s, 60.0);
	assert_near(clock_sim_offset(&s), 0.0, 1e-12);
	clock_status(&s.clock, &st);
	assert_near(st.slew_pending, 0.0, 0);
}

static void
test_same_seed_same_run(void **state)
{
	struct clock_sim a, b, c;

	(void)state;
	sim_at(&a, 0.0, 10.0, 1e-3, 42);
	sim_at(&b, 0.0, 10.0, 1e-3, 42);
	sim_at(&c, 0.0, 10.0, 1e-3, 43);
	clock_sim_advance(&a, 5000.0);
	clock_sim_advance(&b, 5000.0);
	clock_sim_advance(&c, 5000.0);
	assert_true(clock_sim_offset(&a) == clock_sim_offset(&b));
	assert_true(clock_sim_osc_ppm(&a) == clock_sim_osc_ppm(&b));
	assert_true(clock_sim_offset(&a) != clock_sim_offset(&c));
}

/* Over T seconds the frequency moves by wander * sqrt(T) ppm, RMS. */
static void
test_wander_has_documented_size(void **state)
{
	struct clock_sim s;
	double sum2 = 0.0, d;
	int i, runs = 400;

	(void)state;
	for (i = 0; i < runs; i++) {
		sim_at(&s, 0.0, 20.0, 1e-3, (uint64_t)i + 1000);
		clock_sim_advance(&s, 400.0);
		d = clock_sim_osc_ppm(&s) - 20.0;
		sum2 += d * d;
	}
	/* 1e-3 * sqrt(400) = 0.02 ppm; 400 runs put the estimate within ~7%. */
	assert_near(sqrt(sum2 / runs), 0.02, 0.02 * 0.15);
}

static void
test_gauss_is_standard_normal(void **state)
{
	struct clock_rng r;
	double x, sum = 0.0, sum2 = 0.0;
	int i, n = 100000, beyond3 = 0;

	(void)state;
	clock_rng_seed(&r, 7);
	for (i = 0; i < n; i++) {
		x = clock_rng_gauss(&r);
		assert_true(isfinite(x));
		sum += x;
		sum2 += x * x;
		beyond3 += fabs(x) > 3.0;
	}
	assert_near(sum / n, 0.0, 0.02);
	assert_near(sqrt(sum2 / n), 1.0, 0.02);
	/* Normal tails: 0.27% beyond 3 sigma. */
	assert_in_range(beyond3, 170, 370);
}

static void
test_read_only_clock_records_without_applying(void **state)
{
	struct clock_ro ro;
	struct clock_status st;
	struct timespec now;

	(void)state;
	clock_ro_init(&ro);
	assert_int_equal(clock_now(&ro.clock, &now), 0);
	assert_true(now.tv_sec > 1600000000);
	assert_int_equal(clock_set_freq(&ro.clock, -12.5), 0);
	assert_int_equal(clock_slew(&ro.clock, 0.002), 0);
	assert_int_equal(clock_step(&ro.clock, 1.5), 0);
	assert_int_equal(clock_status(&ro.clock, &st), 0);
	assert_false(st.controlled);
	assert_near(st.freq_ppm, -12.5, 0);
	assert_near(ro.slew_asked, 0.002, 0);
	assert_near(ro.stepped, 1.5, 0);
	assert_int_equal(ro.steps, 1);
	assert_string_equal(clock_name(&ro.clock), "read-only");
}

static void
test_timex_conversions(void **state)
{
	static const struct {
		double ppm;
		long scaled;
	} t[] = {
		{ 0.0, 0 }, { 1.0, 65536 }, { -1.0, -65536 }, { 12.5, 819200 },
		{ 500.0, 32768000 }, { 600.0, 32768000 }, { -1e9, -32768000 },
		{ 1.0 / 65536.0, 1 }, { 0.4 / 65536.0, 0 }, { NAN, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(clock_ppm_to_scaled(t[i].ppm), t[i].scaled);
	assert_near(clock_scaled_to_ppm(-819200), -12.5, 0);
	assert_near(clock_scaled_to_ppm(clock_ppm_to_scaled(-37.123456)), -37.123456, 1e-5);
	assert_int_equal(clock_seconds_to_us(-0.0015), -1500);
	assert_int_equal(clock_seconds_to_us(0.0000004), 0);
	assert_int_equal(clock_seconds_to_us(0.100), 100000);
	assert_int_equal(clock_seconds_to_us(1e9), 2000000000L);
	assert_int_equal(clock_seconds_to_us(-1e9), -2000000000L);
	assert_int_equal(clock_seconds_to_us(NAN), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_running_oscillator),
		cmocka_unit_test(test_reading_is_true_time_plus_offset),
		cmocka_unit_test(test_frequency_correction_cancels_oscillator),
		cmocka_unit_test(test_frequency_is_clamped_and_checked),
		cmocka_unit_test(test_slew_is_rate_limited),
		cmocka_unit_test(test_new_slew_replaces_the_old),
		cmocka_unit_test(test_step_is_immediate_and_cancels_slew),
		cmocka_unit_test(test_same_seed_same_run),
		cmocka_unit_test(test_wander_has_documented_size),
		cmocka_unit_test(test_gauss_is_standard_normal),
		cmocka_unit_test(test_read_only_clock_records_without_applying),
		cmocka_unit_test(test_timex_conversions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
