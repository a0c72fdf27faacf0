/*
 * discipline: the loop against the simulated clock, in virtual time, with a
 * PPS whose edges carry 1 us of Gaussian noise.  What an operator would
 * notice: how fast the clock gets to within 10 us, how well it stays there,
 * what spikes do, what happens when the PPS stops; and the drift file.
 * Every run is seeded, so every figure is reproducible.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock_sim.h"
#include "discipline.h"
#include "driftfile.h"
#include "tsmath.h"

#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

#define JITTER 1e-6
#define LABEL_DELAY 0.4 /* s from the PPS edge to the update, as with NMEA labels */

struct rig {
	struct clock_sim sim;
	struct clock_rng noise;
	struct disc loop;
	double reference_shift; /* added to every measurement: the reference moved */
	double spike;           /* added to the next measurement only */
};

static void
rig_start(struct rig *r, double offset0, double osc_ppm, double wander, uint64_t seed,
    const struct disc_config *cfg, const struct driftfile *drift)
{
	struct clock_sim_config cc = { { 1764000000, 0 }, offset0, osc_ppm, wander, 0.0, seed };
	struct disc_config def;

	memset(r, 0, sizeof(*r));
	clock_sim_init(&r->sim, &cc);
	clock_rng_seed(&r->noise, seed * 7919 + 1);
	if (cfg == NULL) {
		disc_default_config(&def);
		cfg = &def;
	}
	assert_int_equal(disc_init(&r->loop, cfg, &r->sim.clock, drift), 0);
}

/* One second of PPS: *x gets the true offset at the edge. */
static enum disc_result
rig_second(struct rig *r, double *x)
{
	struct disc_sample s;

	clock_sim_advance(&r->sim, 1.0 - LABEL_DELAY);
	*x = clock_sim_offset(&r->sim);
	clock_now(&r->sim.clock, &s.when);
	s.offset = *x + r->reference_shift + r->spike + JITTER * clock_rng_gauss(&r->noise);
	s.error = JITTER;
	r->spike = 0.0;
	clock_sim_advance(&r->sim, LABEL_DELAY);
	return disc_update(&r->loop, &s);
}

static void
rig_run(struct rig *r, int seconds)
{
	double x;

	while (seconds-- > 0)
		rig_second(r, &x);
}

static void
rig_status(struct rig *r, struct disc_status *st)
{
	struct timespec now;

	clock_now(&r->sim.clock, &now);
	disc_status(&r->loop, now, st);
}

struct figures {
	int converged; /* s after which |offset| stayed under 10 us */
	double rms, max;
};

/* Run for `seconds`; steady-state figures from `settle` on. */
static void
measure(struct rig *r, int seconds, int settle, struct figures *f)
{
	double x, sum2 = 0.0;
	int k, m = 0;

	memset(f, 0, sizeof(*f));
	for (k = 1; k <= seconds; k++) {
		rig_second(r, &x);
		if (fabs(x) >= 10e-6)
			f->converged = k;
		if (k > settle) {
			sum2 += x * x;
			m++;
			f->max = fmax(f->max, fabs(x));
		}
	}
	f->rms = sqrt(sum2 / m);
}

static void
check_acquisition(double osc_ppm, double offset0, uint64_t seed)
{
	struct rig r;
	struct figures f;
	struct disc_status st;

	rig_start(&r, offset0, osc_ppm, 1e-3, seed, NULL, NULL);
	measure(&r, 2 * 3600, 600, &f);
	rig_status(&r, &st);
	print_message("# %+.0f ppm from %+.0f ms: <10 us after %d s, rms %.3f us, max %.3f us\n",
	    osc_ppm, offset0 * 1e3, f.converged, f.rms * 1e6, f.max * 1e6);
	assert_true(f.converged <= 300);
	assert_true(f.rms <= 0.5e-6);
	assert_true(f.max <= 3e-6);
	assert_int_equal(st.steps, 0);
	assert_int_equal(st.state, DISC_LOCKED);
	/* The frequency it settled on cancels the oscillator. */
	assert_near(st.freq_ppm, -clock_sim_osc_ppm(&r.sim), 0.05);
	assert_true(st.jitter > 0.7e-6 && st.jitter < 1.3e-6);
	assert_true(st.skew_ppm < 0.05);
}

static void
test_slews_100ms_fast_oscillator(void **state)
{
	(void)state;
	check_acquisition(100.0, 0.100, 11);
}

static void
test_slews_100ms_slow_oscillator(void **state)
{
	(void)state;
	check_acquisition(-100.0, 0.100, 12);
}

static void
test_slews_100ms_good_oscillator(void **state)
{
	(void)state;
	check_acquisition(0.0, -0.100, 13);
}

static void
test_slews_behind_clock_fast_oscillator(void **state)
{
	(void)state;
	check_acquisition(100.0, -0.100, 14);
}

static void
test_steps_large_offset_at_start(void **state)
{
	struct rig r;
	struct figures f;
	struct disc_status st;

	(void)state;
	rig_start(&r, -0.75, 40.0, 1e-3, 21, NULL, NULL);
	measure(&r, 1200, 600, &f);
	rig_status(&r, &st);
	assert_int_equal(st.steps, 1);
	assert_true(f.converged <= 30);
	assert_true(f.rms <= 0.5e-6);
}

static void
test_makestep_threshold_steps_100ms(void **state)
{
	struct rig r;
	struct figures f;
	struct disc_config cfg;
	struct disc_status st;

	(void)state;
	disc_default_config(&cfg);
	cfg.step_threshold = 0.1 * 0.99;
	rig_start(&r, 0.100, -100.0, 1e-3, 22, &cfg, NULL);
	measure(&r, 1200, 600, &f);
	rig_status(&r, &st);
	assert_int_equal(st.steps, 1);
	assert_true(f.converged <= 30);
}

/* Past the first updates a jump is slewed: clients never see time step. */
static void
test_late_jump_is_slewed_not_stepped(void **state)
{
	struct rig r;
	struct disc_status st;
	double x;
	int k, settled = -1;

	(void)state;
	rig_start(&r, 0.0, 30.0, 1e-3, 23, NULL, NULL);
	rig_run(&r, 600);
	r.reference_shift = 0.5;
	for (k = 1; k <= 1300; k++) {
		rig_second(&r, &x);
		if (fabs(x + 0.5) >= 10e-6)
			settled = k;
	}
	rig_status(&r, &st);
	assert_int_equal(st.steps, 0);
	/* 0.5 s at 500 ppm is 1000 s; 8 s of outliers before believing it. */
	assert_true(settled > 1000 && settled <= 1050);
}

static void
test_single_spike_does_not_kick_the_loop(void **state)
{
	struct rig r;
	double x, worst = 0.0;
	int k;

	(void)state;
	rig_start(&r, 0.0, -60.0, 1e-3, 31, NULL, NULL);
	rig_run(&r, 900);
	r.spike = 0.005;
	assert_int_equal(rig_second(&r, &x), DISC_OUTLIER);
	for (k = 0; k < 300; k++) {
		rig_second(&r, &x);
		worst = fmax(worst, fabs(x));
	}
	assert_true(worst < 2e-6);
}

static void
test_moved_reference_is_followed(void **state)
{
	struct rig r;
	double x;
	int k, settled = -1;

	(void)state;
	rig_start(&r, 0.0, 15.0, 1e-3, 32, NULL, NULL);
	rig_run(&r, 600);
	r.reference_shift = -0.002;
	for (k = 1; k <= 120; k++) {
		rig_second(&r, &x);
		if (fabs(x - 0.002) >= 10e-6)
			settled = k;
	}
	/* 8 outliers, then 2 ms at 500 ppm: 4 s. */
	assert_true(settled > 8 && settled < 20);
}

static void
test_holdover_then_unsynchronised(void **state)
{
	struct rig r;
	struct disc_status st;
	double x0, freq, drift;
	int minute;

	(void)state;
	rig_start(&r, 0.020, 100.0, 1e-3, 41, NULL, NULL);
	rig_run(&r, 3600);
	rig_status(&r, &st);
	assert_int_equal(st.state, DISC_LOCKED);
	freq = st.freq_ppm;
	x0 = clock_sim_offset(&r.sim);

	clock_sim_advance(&r.sim, 9.0);
	rig_status(&r, &st);
	assert_int_equal(st.state, DISC_HOLDOVER);
	for (minute = 1; minute <= 59; minute++) {
		clock_sim_advance(&r.sim, 60.0);
		rig_status(&r, &st);
		drift = clock_sim_offset(&r.sim) - x0;
		assert_true(fabs(drift) <= st.error);
		assert_int_equal(st.state, DISC_HOLDOVER);
		assert_near(st.freq_ppm, freq, 0);
	}
	clock_sim_advance(&r.sim, 60.0);
	rig_status(&r, &st);
	assert_int_equal(st.state, DISC_UNSYNC);
	assert_true(st.since_update > 3600.0);
}

/*
 * With no wander and no allowance for it, the drift in holdover comes from
 * the frequency error alone, and the loop's skew must cover it.
 */
static void
test_holdover_drift_bounded_by_skew(void **state)
{
	struct disc_config cfg;
	struct disc_status st;
	struct rig r;
	double x0, drift, worst_ratio = 0.0;
	uint64_t seed;
	int minute;

	(void)state;
	disc_default_config(&cfg);
	cfg.clock_error_ppm = 0.0;
	for (seed = 50; seed < 60; seed++) {
		rig_start(&r, 0.0, -80.0, 0.0, seed, &cfg, NULL);
		rig_run(&r, 1800);
		x0 = clock_sim_offset(&r.sim);
		for (minute = 1; minute <= 60; minute++) {
			clock_sim_advance(&r.sim, 60.0);
			rig_status(&r, &st);
			drift = clock_sim_offset(&r.sim) - x0;
			assert_true(fabs(drift) <= st.error);
			worst_ratio = fmax(worst_ratio, fabs(drift) / st.error);
		}
	}
	/* And the bound is not vacuous: the drift uses a fair part of it. */
	assert_true(worst_ratio > 0.1);
}

static void
test_stopped_before_lock_is_unsynchronised(void **state)
{
	struct rig r;
	struct disc_status st;

	(void)state;
	rig_start(&r, 0.100, 0.0, 0.0, 42, NULL, NULL);
	rig_status(&r, &st);
	assert_int_equal(st.state, DISC_UNSET);
	assert_near(st.since_update, -1.0, 0);
	rig_run(&r, 20);
	rig_status(&r, &st);
	assert_int_equal(st.state, DISC_STARTUP);
	assert_true(st.offset > 0.080 && st.offset < 0.100);
	clock_sim_advance(&r.sim, 30.0);
	rig_status(&r, &st);
	assert_int_equal(st.state, DISC_UNSYNC);
}

static void
test_resumes_after_holdover(void **state)
{
	struct rig r;
	struct figures f;

	(void)state;
	rig_start(&r, 0.0, 50.0, 1e-3, 43, NULL, NULL);
	rig_run(&r, 1800);
	clock_sim_advance(&r.sim, 1800.0);
	measure(&r, 1200, 300, &f);
	assert_true(f.converged < 60);
	assert_true(f.rms <= 0.5e-6);
}

/* One second of a receiver's NMEA time alone: bias and noise in
 * milliseconds, declared as stratumd declares them (2 ms). */
static void
rig_nmea_second(struct rig *r)
{
	struct disc_sample s;

	clock_sim_advance(&r->sim, 1.0 - LABEL_DELAY);
	clock_now(&r->sim.clock, &s.when);
	s.offset = clock_sim_offset(&r->sim) + 0.8e-3 + 1e-3 * clock_rng_gauss(&r->noise);
	s.error = 2e-3;
	clock_sim_advance(&r->sim, LABEL_DELAY);
	(void)disc_update(&r->loop, &s);
}

/* The frequency error the loop leaves, ppm: its correction against what
 * the simulated oscillator actually does. */
static double
freq_error(struct rig *r)
{
	struct disc_status st;

	rig_status(r, &st);
	return st.freq_ppm + clock_sim_osc_ppm(&r->sim);
}

/*
 * PPS stops and NMEA's millisecond samples take over: the frequency found
 * on PPS holds (an unweighted fit through a few NMEA points moved it by
 * ppm), and when PPS comes back the clock is within 10 us again at once.
 */
/* wander_ppm is ntpd's clock_stability: the RMS of the frequency's
 * changes at each accepted update, averaged over 8 (the first update's
 * change, from nothing, left out).  Recomputed here from the frequency the
 * loop set at each second. */
static void
test_wander_is_rms_of_frequency_changes(void **state)
{
	struct rig r;
	struct disc_status st;
	double x, before, var = 0.0;
	int accepted = 0;

	(void)state;
	rig_start(&r, 1e-3, 12.0, 1e-3, 5, NULL, NULL);
	for (int k = 0; k < 900; k++) {
		rig_status(&r, &st);
		before = st.freq_ppm;
		enum disc_result res = rig_second(&r, &x);
		assert_true(res == DISC_ACCEPTED || res == DISC_OUTLIER);
		if (res != DISC_ACCEPTED)
			continue;
		rig_status(&r, &st);
		if (accepted++ > 0)
			var += ((st.freq_ppm - before) * (st.freq_ppm - before) - var) / 8.0;
		assert_near(st.wander_ppm, sqrt(var), 1e-12);
	}
	print_message("# wander after 900 s: %.6f ppm (skew %.6f ppm)\n", st.wander_ppm,
	    st.skew_ppm);
	assert_true(accepted > 800);
	/* Locked on a quiet oscillator it moves by hundredths of a ppm at most. */
	assert_true(st.wander_ppm > 0.0 && st.wander_ppm < 0.05);
}

static void
test_nmea_after_pps_keeps_the_frequency(void **state)
{
	struct rig r;
	struct figures f;
	struct disc_status st;
	double worst = 0.0;

	(void)state;
	rig_start(&r, 0.0, 30.0, 1e-3, 47, NULL, NULL);
	rig_run(&r, 900);
	assert_true(fabs(freq_error(&r)) < 0.05);
	for (int k = 0; k < 600; k++) {
		rig_nmea_second(&r);
		worst = fmax(worst, fabs(freq_error(&r)));
	}
	print_message("# NMEA alone for 600 s after PPS: frequency error at most %.3f ppm\n", worst);
	assert_true(worst < 0.5); /* 0.3 here; an unweighted fit: 500 */
	measure(&r, 600, 120, &f);
	rig_status(&r, &st);
	print_message("# PPS back: <10 us after %d s, then rms %.3f us\n", f.converged, f.rms * 1e6);
	assert_int_equal(st.state, DISC_LOCKED);
	assert_true(f.converged < 120);
	assert_true(f.rms <= 0.5e-6);
}

/* A short fix loss (as stratumd_faults does it): holdover, then the same
 * frequency, so the first samples after it lock again within a few. */
static void
test_short_gap_locks_again_at_once(void **state)
{
	struct rig r;
	struct disc_status st;
	int k;

	(void)state;
	rig_start(&r, 0.0, -40.0, 1e-3, 53, NULL, NULL);
	rig_run(&r, 600);
	clock_sim_advance(&r.sim, 25.0);
	rig_status(&r, &st);
	assert_int_equal(st.state, DISC_HOLDOVER);
	for (k = 1; k <= 60; k++) {
		rig_run(&r, 1);
		rig_status(&r, &st);
		if (st.state == DISC_LOCKED)
			break;
	}
	print_message("# after 25 s without samples: locked again after %d\n", k);
	assert_true(k <= 6);
	assert_true(fabs(freq_error(&r)) < 0.05);
}

static void
test_invalid_samples_are_ignored(void **state)
{
	struct rig r;
	struct disc_sample s;
	struct disc_status st;
	double x;

	(void)state;
	rig_start(&r, 0.0, 0.0, 0.0, 44, NULL, NULL);
	rig_run(&r, 10);
	clock_now(&r.sim.clock, &s.when);
	s.offset = NAN;
	s.error = 1e-6;
	assert_int_equal(disc_update(&r.loop, &s), DISC_INVALID);
	s.offset = 0.0;
	s.error = -1.0;
	assert_int_equal(disc_update(&r.loop, &s), DISC_INVALID);
	/* Older than the last sample. */
	s.error = 1e-6;
	s.when = ts_add(s.when, ts_from_double(-2.0));
	assert_int_equal(disc_update(&r.loop, &s), DISC_INVALID);
	assert_int_equal(rig_second(&r, &x), DISC_ACCEPTED);
	rig_status(&r, &st);
	assert_int_equal(st.updates, 11);
}

static void
test_bad_configuration_is_refused(void **state)
{
	struct clock_sim_config cc = { { 1764000000, 0 }, 0.0, 0.0, 0.0, 0.0, 1 };
	struct clock_sim sim;
	struct disc_config cfg;
	struct disc loop;

	(void)state;
	clock_sim_init(&sim, &cc);
	disc_default_config(&cfg);
	cfg.window = 2;
	assert_int_equal(disc_init(&loop, &cfg, &sim.clock, NULL), -1);
	assert_int_equal(errno, EINVAL);
	disc_default_config(&cfg);
	cfg.window = DISC_MAX_WINDOW + 1;
	assert_int_equal(disc_init(&loop, &cfg, &sim.clock, NULL), -1);
	disc_default_config(&cfg);
	cfg.unsync_after = 1.0;
	assert_int_equal(disc_init(&loop, &cfg, &sim.clock, NULL), -1);
}

/* A clock that reads the simulation but applies nothing, like clock_ro. */
struct uncontrolled {
	struct clock clock;
	struct clock_sim *sim;
};

static int
unc_now(struct clock *c, struct timespec *ts)
{
	return clock_now(&((struct uncontrolled *)c)->sim->clock, ts);
}

static int
unc_ignore(struct clock *c, double v)
{
	(void)c;
	(void)v;
	return 0;
}

static int
unc_status(struct clock *c, struct clock_status *st)
{
	(void)c;
	memset(st, 0, sizeof(*st));
	st->max_slew_ppm = 500.0;
	st->controlled = false;
	return 0;
}

static int
unc_no_leap(struct clock *c, enum clock_leap leap)
{
	(void)c;
	(void)leap;
	return 0;
}

static const struct clock_ops unc_ops = {
	.name = "uncontrolled", .now = unc_now, .set_freq = unc_ignore, .slew = unc_ignore,
	.step = unc_ignore, .set_leap = unc_no_leap, .status = unc_status,
};

static void
test_without_control_it_measures_the_free_clock(void **state)
{
	struct clock_sim_config cc = { { 1764000000, 0 }, 0.003, 20.0, 0.0, 0.0, 1 };
	struct uncontrolled unc;
	struct clock_sim sim;
	struct clock_rng noise;
	struct disc_config cfg;
	struct disc loop;
	struct disc_sample s;
	struct disc_status st;
	int k;

	(void)state;
	clock_sim_init(&sim, &cc);
	clock_rng_seed(&noise, 99);
	unc.clock.ops = &unc_ops;
	unc.sim = &sim;
	disc_default_config(&cfg);
	assert_int_equal(disc_init(&loop, &cfg, &unc.clock, NULL), 0);
	for (k = 0; k < 300; k++) {
		clock_sim_advance(&sim, 1.0);
		clock_now(&sim.clock, &s.when);
		s.offset = clock_sim_offset(&sim) + JITTER * clock_rng_gauss(&noise);
		s.error = JITTER;
		disc_update(&loop, &s);
	}
	disc_status(&loop, s.when, &st);
	/* Nothing was corrected, and the loop knows where the clock is. */
	assert_near(clock_sim_offset(&sim), 0.003 + 300 * 20e-6, 1e-12);
	assert_near(st.offset, clock_sim_offset(&sim), 1e-6);
	/* 64 points of 1 us noise: the slope is known to ~0.007 ppm. */
	assert_near(st.freq_ppm, -20.0, 0.03);
}

static void
test_drift_file_sets_frequency_at_start(void **state)
{
	struct driftfile d = { -42.25, 0.01 }, out;
	struct clock_status cs;
	struct disc_status st;
	struct rig r;

	(void)state;
	rig_start(&r, 0.0, 42.25, 0.0, 61, NULL, &d);
	clock_status(&r.sim.clock, &cs);
	assert_near(cs.freq_ppm, -42.25, 0);
	/* A minute without samples: the saved frequency kept the clock. */
	clock_sim_advance(&r.sim, 60.0);
	assert_near(clock_sim_offset(&r.sim), 0.0, 1e-9);
	rig_run(&r, 600);
	rig_status(&r, &st);
	disc_drift(&r.loop, &out);
	assert_near(out.freq_ppm, st.freq_ppm, 0);
	assert_near(out.freq_ppm, -42.25, 0.05);
	assert_near(out.skew_ppm, st.skew_ppm, 0);
}

static void
test_drift_file_round_trip(void **state)
{
	static const struct driftfile t[] = {
		{ 0.0, 0.0 }, { -12.345678, 0.002 }, { 500.0, 1000.0 }, { -500.0, 1e-6 },
		{ 3.1e-7, 0.5 },
	};
	struct driftfile d;
	char buf[DRIFTFILE_MAX];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = driftfile_format(buf, sizeof(buf), &t[i]);
		assert_true(n > 0);
		assert_int_equal(driftfile_parse(buf, (size_t)n, &d), 0);
		assert_near(d.freq_ppm, t[i].freq_ppm, 1e-6);
		assert_near(d.skew_ppm, t[i].skew_ppm, 1e-6);
	}
	n = driftfile_format(buf, sizeof(buf), &t[1]);
	assert_string_equal(buf, "-12.345678 0.002000\n");
	assert_int_equal(driftfile_format(buf, 8, &t[1]), -1);
	d.freq_ppm = NAN;
	assert_int_equal(driftfile_format(buf, sizeof(buf), &d), -1);
}

static void
test_drift_file_accepts_plain_forms(void **state)
{
	static const struct {
		const char *text;
		double freq, skew;
	} t[] = {
		{ "-3.25\n", -3.25, DRIFTFILE_DEFAULT_SKEW_PPM }, /* ntpd's drift file */
		{ "12.5 0.01\n", 12.5, 0.01 },
		{ "  +12.5\t0.01  \r\n", 12.5, 0.01 },
		{ "1e2 5E-3", 100.0, 0.005 },
		{ ".5", 0.5, DRIFTFILE_DEFAULT_SKEW_PPM },
		{ "-500", -500.0, DRIFTFILE_DEFAULT_SKEW_PPM },
	};
	struct driftfile d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(driftfile_parse(t[i].text, strlen(t[i].text), &d), 0);
		assert_near(d.freq_ppm, t[i].freq, 1e-12);
		assert_near(d.skew_ppm, t[i].skew, 1e-12);
	}
}

static void
test_drift_file_rejects_garbage(void **state)
{
	static const char *bad[] = {
		"", "\n", "abc", "nan", "inf", "-inf", "0x10", "1e999", "12.5junk", "12.5 -1",
		"600", "-500.1", "1 2 3", "1,5", "1.5.", "--1", "+", ".", "e5", "1e", "1e+",
		"12.5 0.01 x", "12.5 nan", "12.5 2000", " 12.5\n\n7",
	};
	struct driftfile d = { 7.0, 7.0 };
	char big[DRIFTFILE_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (driftfile_parse(bad[i], strlen(bad[i]), &d) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(errno, EINVAL);
	}
	/* An embedded NUL, and a length past the buffer's string. */
	assert_int_equal(driftfile_parse("1.5\0 2", 6, &d), -1);
	memset(big, ' ', sizeof(big));
	big[0] = '1';
	assert_int_equal(driftfile_parse(big, sizeof(big), &d), -1);
	assert_int_equal(driftfile_parse(big, DRIFTFILE_MAX, &d), 0);
	assert_near(d.freq_ppm, 1.0, 0);
}

static void
test_drift_file_save_and_load(void **state)
{
	char dir[] = "/tmp/outpost-drift.XXXXXX", path[128], tmp[160];
	struct driftfile in = { -17.5, 0.004 }, out;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/drift", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(driftfile_load(path, &out), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(driftfile_save(path, &in), 0);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(driftfile_load(path, &out), 0);
	assert_near(out.freq_ppm, -17.5, 1e-9);
	assert_near(out.skew_ppm, 0.004, 1e-9);
	in.freq_ppm = 3.0;
	assert_int_equal(driftfile_save(path, &in), 0);
	assert_int_equal(driftfile_load(path, &out), 0);
	assert_near(out.freq_ppm, 3.0, 1e-9);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("garbage\n", f);
	fclose(f);
	assert_int_equal(driftfile_load(path, &out), -1);
	assert_int_equal(errno, EINVAL);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slews_100ms_fast_oscillator),
		cmocka_unit_test(test_slews_100ms_slow_oscillator),
		cmocka_unit_test(test_slews_100ms_good_oscillator),
		cmocka_unit_test(test_slews_behind_clock_fast_oscillator),
		cmocka_unit_test(test_steps_large_offset_at_start),
		cmocka_unit_test(test_makestep_threshold_steps_100ms),
		cmocka_unit_test(test_late_jump_is_slewed_not_stepped),
		cmocka_unit_test(test_single_spike_does_not_kick_the_loop),
		cmocka_unit_test(test_moved_reference_is_followed),
		cmocka_unit_test(test_holdover_then_unsynchronised),
		cmocka_unit_test(test_holdover_drift_bounded_by_skew),
		cmocka_unit_test(test_stopped_before_lock_is_unsynchronised),
		cmocka_unit_test(test_resumes_after_holdover),
		cmocka_unit_test(test_wander_is_rms_of_frequency_changes),
		cmocka_unit_test(test_nmea_after_pps_keeps_the_frequency),
		cmocka_unit_test(test_short_gap_locks_again_at_once),
		cmocka_unit_test(test_invalid_samples_are_ignored),
		cmocka_unit_test(test_bad_configuration_is_refused),
		cmocka_unit_test(test_without_control_it_measures_the_free_clock),
		cmocka_unit_test(test_drift_file_sets_frequency_at_start),
		cmocka_unit_test(test_drift_file_round_trip),
		cmocka_unit_test(test_drift_file_accepts_plain_forms),
		cmocka_unit_test(test_drift_file_rejects_garbage),
		cmocka_unit_test(test_drift_file_save_and_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
