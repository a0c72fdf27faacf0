/*
 * refclock: a simulated receiver (PPS at true seconds, NMEA bursts D later)
 * seen through a local clock that is off by a known offset.  The samples
 * must recover that offset; the calibration must find D; edges must never
 * be numbered with the wrong second.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "refclock.h"
#include "tsmath.h"

/* 2026-11-25T12:00:00Z */
#define T0 1795608000

static struct nmea_msg
rmc(time_t s, char status)
{
	struct nmea_msg m;
	struct tm tm;

	memset(&m, 0, sizeof(m));
	gmtime_r(&s, &tm);
	m.type = NMEA_RMC;
	memcpy(m.talker, "GP", 3);
	m.u.rmc.time = (struct nmea_time){ true, tm.tm_hour, tm.tm_min, tm.tm_sec, 0 };
	m.u.rmc.date = (struct nmea_date){ true, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
	m.u.rmc.status = status;
	return m;
}

static struct nmea_msg
gga(time_t s, int quality)
{
	struct nmea_msg m;
	struct tm tm;

	memset(&m, 0, sizeof(m));
	gmtime_r(&s, &tm);
	m.type = NMEA_GGA;
	m.u.gga.time = (struct nmea_time){ true, tm.tm_hour, tm.tm_min, tm.tm_sec, 0 };
	m.u.gga.quality = quality;
	return m;
}

/* local = true + err (the local clock is ahead by err) */
static struct timespec
local_at(double true_rel, double err)
{
	return ts_add(ts_from_double(true_rel + err), (struct timespec){ T0, 0 });
}

struct run {
	int pps_samples, nmea_samples;
	double worst_pps_error, worst_nmea_error;
	int wrong_second;
};

/* Drive n seconds: edge at each true second, burst (GGA then RMC 70 ms
 * later) at second + delay + jitter[i % 4]. */
static struct run
drive(struct refclock *rc, int n, double err, double delay, double jitter_ms)
{
	static const double jit[4] = { 0.0, 1.0, -1.0, 0.5 };
	struct run r = { 0, 0, 0, 0, 0 };
	struct refclock_sample smp;

	for (int i = 0; i < n; i++) {
		if (refclock_pps(rc, local_at(i, err), &smp)) {
			r.pps_samples++;
			r.worst_pps_error = fmax(r.worst_pps_error, fabs(smp.offset + err));
			r.wrong_second += smp.second != T0 + i;
		}
		double b = i + delay + jit[i % 4] * jitter_ms / 1000;
		struct nmea_msg g = gga(T0 + i, 1), m = rmc(T0 + i, 'A');
		refclock_nmea(rc, &g, local_at(b, err), &smp);
		if (refclock_nmea(rc, &m, local_at(b + 0.070, err), &smp)) {
			r.nmea_samples++;
			/* NMEA samples label the burst start */
			r.worst_nmea_error = fmax(r.worst_nmea_error, fabs(smp.offset + err));
			r.wrong_second += smp.second != T0 + i;
		}
	}
	return r;
}

static void
test_locks_and_recovers_offset(void **state)
{
	const double errs[] = { 0.0, 0.0123, -0.25, 0.49, -0.7, 3.2 };
	const double delays[] = { 0.3, 0.5, 0.95 };

	(void)state;
	for (size_t e = 0; e < sizeof(errs) / sizeof(errs[0]); e++) {
		for (size_t d = 0; d < sizeof(delays) / sizeof(delays[0]); d++) {
			struct refclock rc;
			struct refclock_conf conf = { 0 };
			refclock_init(&rc, &conf);
			struct run r = drive(&rc, 60, errs[e], delays[d], 1.0);
			double cal;
			assert_true(refclock_delay(&rc, &cal));
			assert_true(fabs(cal - delays[d]) < 0.0011);
			/* after min_cal seconds, every edge is used */
			assert_true(r.pps_samples >= 60 - 9);
			assert_true(r.worst_pps_error < 1e-6);
			assert_true(r.worst_nmea_error < 0.002);
			assert_int_equal(r.wrong_second, 0);
		}
	}
}

static void
test_pps_keeps_numbering_when_nmea_stops(void **state)
{
	struct refclock rc;
	struct refclock_conf conf = { .max_label_age = 5 };
	struct refclock_sample smp;

	(void)state;
	refclock_init(&rc, &conf);
	drive(&rc, 20, 0.01, 0.5, 0.5);
	/* edges of seconds 20..30 with no more NMEA: 20..24 numbered (label 19
	 * is at most 5 s old), later ones not */
	int used = 0;
	for (int i = 20; i <= 30; i++) {
		if (refclock_pps(&rc, local_at(i, 0.01), &smp)) {
			used++;
			assert_int_equal(smp.second, T0 + i);
		}
	}
	assert_int_equal(used, 5);
}

static void
test_no_fix_no_label(void **state)
{
	struct refclock rc;
	struct refclock_conf conf = { 0 };
	struct refclock_sample smp;

	(void)state;
	refclock_init(&rc, &conf);
	for (int i = 0; i < 30; i++) {
		assert_false(refclock_pps(&rc, local_at(i, 0), &smp));
		struct nmea_msg g = gga(T0 + i, 0), m = rmc(T0 + i, 'V');
		assert_false(refclock_nmea(&rc, &g, local_at(i + 0.5, 0), &smp));
		assert_false(refclock_nmea(&rc, &m, local_at(i + 0.57, 0), &smp));
	}
	assert_false(rc.have_label);
	/* the first burst is not judged at all: it may be partial */
	assert_int_equal(rc.n_labels_bad, 29);
}

static void
test_seeded_delay_gives_nmea_at_once(void **state)
{
	struct refclock rc;
	struct refclock_conf conf = { 0 };
	struct refclock_sample smp;

	(void)state;
	refclock_init(&rc, &conf);
	refclock_seed_delay(&rc, 0.62);
	/* the burst heard first is never used: it may have begun unheard */
	struct nmea_msg g0 = gga(T0 - 1, 1), m0 = rmc(T0 - 1, 'A');
	refclock_nmea(&rc, &g0, local_at(-0.38, -0.1), &smp);
	assert_false(refclock_nmea(&rc, &m0, local_at(-0.31, -0.1), &smp));
	struct nmea_msg g = gga(T0, 1), m = rmc(T0, 'A');
	refclock_nmea(&rc, &g, local_at(0.62, -0.1), &smp);
	assert_true(refclock_nmea(&rc, &m, local_at(0.69, -0.1), &smp));
	assert_false(smp.pps);
	assert_true(fabs(smp.offset - 0.1) < 1e-6);
	/* out-of-range seeds are ignored */
	refclock_init(&rc, &conf);
	refclock_seed_delay(&rc, 1.5);
	double d;
	assert_false(refclock_delay(&rc, &d));
}

static void
test_calibration_rejects_outliers(void **state)
{
	struct refclock rc;
	struct refclock_conf conf = { 0 };
	struct refclock_sample smp;

	(void)state;
	refclock_init(&rc, &conf);
	for (int i = 0; i < 64; i++) {
		refclock_pps(&rc, local_at(i, 0), &smp);
		/* every 8th burst is 200 ms late (a busy receiver) */
		double b = i + 0.4 + (i % 8 == 0 ? 0.2 : 0.0);
		struct nmea_msg m = rmc(T0 + i, 'A');
		refclock_nmea(&rc, &m, local_at(b, 0), &smp);
	}
	double d;
	assert_true(refclock_delay(&rc, &d));
	assert_true(fabs(d - 0.4) < 1e-6);
}

static void
test_week_rollover(void **state)
{
	struct refclock rc;
	struct refclock_conf conf = { .pivot = T0 };
	struct refclock_sample smp;

	(void)state;
	refclock_init(&rc, &conf);
	refclock_seed_delay(&rc, 0.5);
	/* the receiver reports a date 1024 weeks ago (the 2019 rollover bug) */
	time_t rolled = T0 - 1024L * 7 * 86400;
	struct nmea_msg m0 = rmc(rolled - 1, 'A');
	refclock_nmea(&rc, &m0, local_at(-0.5, 0), &smp);
	struct nmea_msg m = rmc(rolled, 'A');
	assert_true(refclock_nmea(&rc, &m, local_at(0.5, 0), &smp));
	assert_int_equal(smp.second, T0);
	assert_int_equal(rc.n_rollover, 1);
	assert_true(fabs(smp.offset) < 1e-6);
}

/* The port opens in the middle of a burst: its RMC arrives 0.14 s after
 * the burst began (GGA, GSA missed at 9600 baud).  Dating the burst by it
 * would give an NMEA sample 0.14 s off, enough to step a clock. */
static void
test_restart_mid_burst_is_not_used(void **state)
{
	struct refclock rc;
	struct refclock_conf conf = { 0 };
	struct refclock_sample smp;

	(void)state;
	refclock_init(&rc, &conf);
	refclock_seed_delay(&rc, 0.5);
	drive(&rc, 3, 0, 0.5, 0);
	refclock_restart(&rc);
	struct nmea_msg m = rmc(T0 + 3, 'A');
	assert_false(refclock_nmea(&rc, &m, local_at(3.64, 0), &smp));
	struct nmea_msg g4 = gga(T0 + 4, 1), m4 = rmc(T0 + 4, 'A');
	refclock_nmea(&rc, &g4, local_at(4.5, 0), &smp);
	assert_true(refclock_nmea(&rc, &m4, local_at(4.57, 0), &smp));
	assert_true(fabs(smp.offset) < 1e-6);
}

static void
test_utc(void **state)
{
	(void)state;
	assert_int_equal(refclock_utc(1970, 1, 1, 0, 0, 0), 0);
	assert_int_equal(refclock_utc(2015, 4, 13, 20, 26, 40), 1428956800);
	assert_int_equal(refclock_utc(2000, 2, 29, 0, 0, 0), 951782400);
	assert_int_equal(refclock_utc(2100, 2, 29, 0, 0, 0), -1);
	assert_int_equal(refclock_utc(2019, 2, 29, 0, 0, 0), -1);
	assert_int_equal(refclock_utc(2016, 12, 31, 23, 59, 60), 1483228800);
	assert_int_equal(refclock_utc(2026, 13, 1, 0, 0, 0), -1);
	assert_int_equal(refclock_utc(2026, 4, 31, 0, 0, 0), -1);   /* April has 30 days */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locks_and_recovers_offset),
		cmocka_unit_test(test_pps_keeps_numbering_when_nmea_stops),
		cmocka_unit_test(test_no_fix_no_label),
		cmocka_unit_test(test_seeded_delay_gives_nmea_at_once),
		cmocka_unit_test(test_calibration_rejects_outliers),
		cmocka_unit_test(test_week_rollover),
		cmocka_unit_test(test_restart_mid_burst_is_not_used),
		cmocka_unit_test(test_utc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
