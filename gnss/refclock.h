/*
 * refclock: a GNSS reference clock from NMEA labels and PPS edges.
 *
 * NMEA numbers the seconds, PPS marks them.  The receiver sends the burst of
 * sentences for second S some time D after the PPS edge that starts S
 * (MTK3339: D ~ 0.3..0.95 s, depending on the sentences and the baud).  This
 * module turns both streams, timestamped with the local clock, into
 * reference samples "at local time t, true time was t + offset":
 *
 *   - Bursts: t_n is the local time of the first sentence whose time of day
 *     differs from the previous one's (GGA, RMC, GLL or ZDA: MTK sends GGA
 *     first); the date comes later in the burst (RMC, ZDA).  Only whole
 *     seconds (.000) label anything, and not the first burst heard after
 *     a (re)start, which may have begun before we listened.
 *
 *   - Calibration: every burst is paired with the last PPS edge before it;
 *     when 0 < t_burst - t_edge < 1 s that difference is a measurement of
 *     D.  D is the mean of the last 256 measurements, outliers (more
 *     than 4 MADs from their median, and at least 20 ms) rejected.  It can be
 *     seeded from a saved value so NMEA-only operation is right at once.
 *
 *   - PPS samples (locked to NMEA, chrony-style: NMEA never gates PPS): an
 *     edge at local t_p is numbered with the latest valid label S (seen at
 *     t_n, not older than `max_label_age`):  true(t_p) ~ S + D + (t_p - t_n).
 *     The edge is used when that prediction lies within +-0.4 s of a whole
 *     second L; the sample's offset is then L - t_p, exact to the edge's
 *     own timestamping error.
 *
 *   - NMEA samples: when there are no PPS edges, offset = S + D - t_n, good
 *     to the burst's timing jitter (~1 ms), with D from the calibration.
 *
 * Labels come from RMC (time+date, status A) or ZDA (time+date, with the
 * fix validity seen in the same burst's RMC/GGA).  A date more than 512
 * weeks before `pivot` (the build date, or the last good time saved) is
 * moved forward by 1024 weeks: the GPS week-number rollover.
 *
 * Pure: no I/O, no clock reads; all times are the caller's.
 */
#ifndef OUTPOST_REFCLOCK_H
#define OUTPOST_REFCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "nmea.h"

#define REFCLOCK_CAL_WINDOW 256

struct refclock_conf {
	double max_label_age;       /* seconds a label may number later edges; default 8 */
	double lock_window;         /* +- seconds; default 0.4 */
	time_t pivot;               /* for week-rollover correction; 0: none */
	int min_cal;                /* measurements before D is trusted; default 8 */
};

struct refclock_sample {
	struct timespec local;      /* local clock time of the event */
	double offset;              /* true - local, seconds */
	bool pps;                   /* from a PPS edge (else NMEA only) */
	time_t second;              /* the UTC second it marks */
};

struct refclock {
	struct refclock_conf conf;
	/* current burst */
	bool in_burst;
	int tod;                    /* its time of day, (h * 60 + m) * 61 + s */
	struct timespec burst_local;
	bool fix_valid;             /* fix status seen in the current burst */
	bool burst_labelled;
	bool burst_partial;         /* the first after a (re)start: not used */
	/* latest label */
	bool have_label;
	time_t label;               /* UTC second S */
	struct timespec label_local; /* t_n: local time of its burst's first byte */
	/* last PPS edge */
	bool have_edge;
	struct timespec edge_local;
	/* calibration of D */
	double cal[REFCLOCK_CAL_WINDOW];
	int ncal, cal_next;
	bool have_delay;
	double delay;               /* D, seconds */
	bool delay_seeded;
	/* statistics */
	unsigned long n_pps_used, n_pps_unlocked, n_labels, n_labels_bad, n_rollover;
};

void refclock_init(struct refclock *rc, const struct refclock_conf *conf);
/* The byte stream starts again (port opened or reopened): the burst heard
 * first may have begun before, so its start time is not trusted.  Labels,
 * calibration and the last edge are kept. */
void refclock_restart(struct refclock *rc);
/* Seed D from a saved calibration (used until enough measurements exist). */
void refclock_seed_delay(struct refclock *rc, double delay);

/*
 * A sentence of the burst whose first byte arrived at local time t.  Returns
 * true and fills *out with an NMEA sample when it carried a usable label.
 */
bool refclock_nmea(struct refclock *rc, const struct nmea_msg *msg, struct timespec t,
    struct refclock_sample *out);

/* A PPS edge at local time t.  Returns true with a PPS sample when locked. */
bool refclock_pps(struct refclock *rc, struct timespec t, struct refclock_sample *out);

/* The calibration's estimator: the mean of v[0..n) (n at most
 * REFCLOCK_CAL_WINDOW) without the points more than 4 MADs, and at least
 * 20 ms, from their median: robust to the odd burst delayed by a busy
 * receiver or a lost edge, and more precise than the median for the timing
 * jitter of the rest.  0 when n is out of range.  gpssim applies it to what
 * it actually sent, so that tests compare like with like. */
double refclock_robust_mean(const double *v, int n);

/* The calibrated delay D; false while unknown. */
bool refclock_delay(const struct refclock *rc, double *delay);

/* UTC second from a date and a time of day (no time zone, no leap seconds);
 * -1 when out of range. */
time_t refclock_utc(int year, int month, int day, int hour, int min, int sec);

#endif
