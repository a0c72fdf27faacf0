/*
 * refclock: NMEA labels + PPS edges -> reference samples.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fpmath.h"
#include "refclock.h"
#include "tsmath.h"

#define WEEK_SECONDS (7 * 86400L)

void
refclock_init(struct refclock *rc, const struct refclock_conf *conf)
{
	memset(rc, 0, sizeof(*rc));
	rc->conf = *conf;
	if (rc->conf.max_label_age <= 0)
		rc->conf.max_label_age = 8;
	if (rc->conf.lock_window <= 0 || rc->conf.lock_window > 0.5)
		rc->conf.lock_window = 0.4;
	if (rc->conf.min_cal <= 0)
		rc->conf.min_cal = 8;
	if (rc->conf.min_cal > REFCLOCK_CAL_WINDOW)
		rc->conf.min_cal = REFCLOCK_CAL_WINDOW;
}

void
refclock_seed_delay(struct refclock *rc, double delay)
{
	if (delay > 0 && delay < 1) {
		rc->delay = delay;
		rc->have_delay = true;
		rc->delay_seeded = true;
	}
}

void
refclock_restart(struct refclock *rc)
{
	rc->in_burst = false;
}

bool
refclock_delay(const struct refclock *rc, double *delay)
{
	if (!rc->have_delay)
		return false;
	*delay = rc->delay;
	return true;
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static long
days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

time_t
refclock_utc(int year, int month, int day, int hour, int min, int sec)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    day > mdays[month - 1] || hour < 0 || hour > 23 || min < 0 || min > 59 ||
	    sec < 0 || sec > 60)
		return -1;
	if (month == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return -1;
	return (time_t)(days_from_civil(year, month, day) * 86400L + hour * 3600L + min * 60L + sec);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double
refclock_robust_mean(const double *cal, int n)
{
	double v[REFCLOCK_CAL_WINDOW], dev[REFCLOCK_CAL_WINDOW], sum = 0;
	int k = 0;

	if (n <= 0 || n > REFCLOCK_CAL_WINDOW)
		return 0;
	memcpy(v, cal, sizeof(v[0]) * (size_t)n);
	double med = median(v, n);
	for (int i = 0; i < n; i++)
		dev[i] = fabs(cal[i] - med);
	double limit = fp_max(4 * median(dev, n), 0.020);
	for (int i = 0; i < n; i++) {
		if (fabs(cal[i] - med) <= limit) {
			sum += cal[i];
			k++;
		}
	}
	return sum / k;
}

static void
update_delay(struct refclock *rc)
{
	if (rc->ncal < rc->conf.min_cal)
		return;
	rc->delay = refclock_robust_mean(rc->cal, rc->ncal);
	rc->have_delay = true;
}

static void
calibrate(struct refclock *rc)
{
	if (!rc->have_edge)
		return;
	double d = ts_to_double(ts_sub(rc->burst_local, rc->edge_local));
	if (!(d > 0 && d < 1))
		return;
	rc->cal[rc->cal_next] = d;
	rc->cal_next = (rc->cal_next + 1) % REFCLOCK_CAL_WINDOW;
	if (rc->ncal < REFCLOCK_CAL_WINDOW)
		rc->ncal++;
	update_delay(rc);
}

static time_t
unroll_weeks(struct refclock *rc, time_t s)
{
	if (rc->conf.pivot <= 0)
		return s;
	while (s < rc->conf.pivot - 512 * WEEK_SECONDS) {
		s += 1024 * WEEK_SECONDS;
		rc->n_rollover++;
	}
	return s;
}

static bool
time_field(const struct nmea_msg *m, struct nmea_time *t)
{
	switch (m->type) {
	case NMEA_RMC: *t = m->u.rmc.time; return t->valid;
	case NMEA_GGA: *t = m->u.gga.time; return t->valid;
	case NMEA_GLL: *t = m->u.gll.time; return t->valid;
	case NMEA_ZDA: *t = m->u.zda.time; return t->valid;
	default: return false;
	}
}

/* Label S from this sentence, or -1. */
static time_t
label_of(struct refclock *rc, const struct nmea_msg *m)
{
	const struct nmea_time *t;
	const struct nmea_date *d;

	if (m->type == NMEA_RMC) {
		t = &m->u.rmc.time;
		d = &m->u.rmc.date;
		if (m->u.rmc.status == 'A')
			rc->fix_valid = true;
	} else if (m->type == NMEA_ZDA) {
		t = &m->u.zda.time;
		d = &m->u.zda.date;
	} else {
		return -1;
	}
	if (!t->valid || !d->valid || t->nsec != 0 || !rc->fix_valid)
		return -1;
	time_t s = refclock_utc(d->year, d->month, d->day, t->hour, t->min, t->sec);
	if (s < 0)
		return -1;
	/* A leap second, 23:59:60, has the number POSIX gives 23:59:59 (the
	 * kernel repeats that second), so the edge after it is 00:00:00's. */
	if (t->sec == 60)
		s--;
	return unroll_weeks(rc, s);
}

bool
refclock_nmea(struct refclock *rc, const struct nmea_msg *m, struct timespec t,
    struct refclock_sample *out)
{
	struct nmea_time tt;

	if (time_field(m, &tt)) {
		/* Not seconds since midnight: hh:mm:60 must differ from the
		 * next minute's :00, or a leap second would swallow a burst. */
		int tod = (tt.hour * 60 + tt.min) * 61 + tt.sec;
		if (!rc->in_burst || tod != rc->tod) {
			/* The first burst after a (re)start may have begun
			 * before we listened: its start is not known. */
			rc->burst_partial = !rc->in_burst;
			rc->in_burst = true;
			rc->tod = tod;
			rc->burst_local = t;
			rc->fix_valid = false;
			rc->burst_labelled = false;
		}
	}
	if (m->type == NMEA_GGA && m->u.gga.quality > 0)
		rc->fix_valid = true;
	if (!rc->in_burst || rc->burst_labelled || rc->burst_partial)
		return false;
	time_t s = label_of(rc, m);
	if (s < 0) {
		if (m->type == NMEA_RMC || m->type == NMEA_ZDA)
			rc->n_labels_bad++;
		return false;
	}
	rc->burst_labelled = true;
	rc->n_labels++;
	rc->have_label = true;
	rc->label = s;
	rc->label_local = rc->burst_local;
	calibrate(rc);
	if (!rc->have_delay)
		return false;
	out->local = rc->burst_local;
	out->second = s;
	out->pps = false;
	out->offset = (double)s + rc->delay - ts_to_double(rc->burst_local);
	return true;
}

bool
refclock_pps(struct refclock *rc, struct timespec t, struct refclock_sample *out)
{
	rc->have_edge = true;
	rc->edge_local = t;
	if (!rc->have_label || !rc->have_delay) {
		rc->n_pps_unlocked++;
		return false;
	}
	double since = ts_to_double(ts_sub(t, rc->label_local));
	if (since < -1.0 || since > rc->conf.max_label_age) {
		rc->n_pps_unlocked++;
		return false;
	}
	/* Predicted true time of the edge, relative to the label. */
	double predicted = rc->delay + since;
	double whole = floor(predicted + 0.5);
	if (fabs(predicted - whole) > rc->conf.lock_window) {
		rc->n_pps_unlocked++;
		return false;
	}
	time_t second = rc->label + (time_t)whole;
	struct timespec truth = { second, 0 };
	out->local = t;
	out->second = second;
	out->pps = true;
	out->offset = ts_to_double(ts_sub(truth, t));
	rc->n_pps_used++;
	return true;
}
