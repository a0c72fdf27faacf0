/*
 * discipline: steers the local clock onto the selected reference, from offset
 * samples at about 1 Hz (PPS) or slower (upstream NTP).
 *
 * A sample is (when, offset, error): "when" the local clock's timestamp of
 * the measurement (e.g. the PPS edge), offset = local clock - reference at
 * that instant (positive: the local clock is ahead), error its standard
 * deviation as the source estimates it.  Samples come in time order.
 *
 * How (in the manner of chrony, not of the RFC 5905 PLL/FLL):
 *   - Every correction the loop makes (frequency setting, slews, steps) is
 *     accounted, so each sample is turned into the offset the clock would
 *     have had with no correction at all: a straight line, whose slope is the
 *     oscillator's frequency error, plus noise and wander.
 *   - A least-squares line through the last `window` such points, each
 *     weighed by 1/error^2, gives a frequency and its standard error.  It
 *     is combined with the frequency already held, by inverse variance; the
 *     held one grows less certain with time (the oscillator wanders), so a
 *     source as noisy as NMEA cannot move a frequency PPS found, and a
 *     window restarted after a gap starts from the frequency held.  The
 *     clock's frequency is set to the combination (its standard error is
 *     the skew), and the offset the line predicts now is handed to the
 *     clock as a slew (which replaces the previous slew, see clock.h).  The
 *     fit is the filter: with n points, the offset predicted at the end of
 *     the window has about 2/sqrt(n) of the samples' noise.
 *   - A sample further from the line than outlier_factor times the jitter
 *     (or its own declared error, if larger) is ignored; outlier_max of
 *     them in a row mean the reference really moved, and the window
 *     restarts from the new sample (frequency kept).
 *   - Start: in the first step_updates updates, an offset above
 *     step_threshold is stepped.  Below it, the offset is slewed at the
 *     clock's slew rate: 500 ppm in the kernels, so 100 ms takes 200 s and
 *     the 0.128 s default threshold bounds a start-up slew to ~4.3 minutes.
 *     chrony's `makestep 0.1 3` is step_threshold 0.1, step_updates 3.
 *   - LOCKED once the offset is below lock_offset, or three times the
 *     sample's declared error if that is larger (an NTP server's samples
 *     are good to milliseconds, PPS's to microseconds).
 *   - No sample for holdover_after seconds (or three times the interval
 *     between samples set with disc_set_interval, if longer): HOLDOVER.  The frequency stays
 *     as it was (the clock keeps it), and the error estimate grows by
 *     (3 * skew + clock_error_ppm) per second.  After unsync_after seconds
 *     without a sample: UNSYNC (the server then says LI 3, stratum 16).  A
 *     sample after holdover restarts the window from it.
 *
 * With a clock that is not controlled (clock_ro), nothing is accounted as
 * applied: the loop estimates and reports the free-running clock's offset
 * and frequency error, as chronyd -x does.
 */
#ifndef OUTPOST_DISCIPLINE_H
#define OUTPOST_DISCIPLINE_H

#include <stdbool.h>
#include <time.h>

#include "clock.h"
#include "driftfile.h"

#define DISC_MAX_WINDOW 256

struct disc_config {
	double step_threshold;   /* s; 0 never steps.  Default 0.128 */
	int step_updates;        /* steps only in the first N updates.  Default 3 */
	int window;              /* regression points, 4..DISC_MAX_WINDOW.  Default 64 */
	double outlier_factor;   /* times the jitter.  Default 5 */
	double outlier_floor;    /* s, least distance called an outlier.  Default 1e-7 */
	int outlier_max;         /* this many in a row are accepted.  Default 8 */
	double lock_offset;      /* s; LOCKED once |offset| is below, lost above 10x.  Default 1e-4 */
	double holdover_after;   /* s without a sample.  Default 8 */
	double unsync_after;     /* s without a sample.  Default 3600 */
	double clock_error_ppm;  /* oscillator instability allowed for in the error.  Default 1 */
};

enum disc_state {
	DISC_UNSET,     /* no sample yet */
	DISC_STARTUP,   /* correcting, offset not yet below lock_offset */
	DISC_LOCKED,
	DISC_HOLDOVER,  /* locked, then samples stopped */
	DISC_UNSYNC,    /* no sample for unsync_after, or stopped before locking */
};

enum disc_result {
	DISC_ACCEPTED,     /* frequency and phase corrected */
	DISC_STEPPED,      /* the clock was stepped */
	DISC_OUTLIER,      /* ignored: too far from the prediction */
	DISC_INVALID,      /* ignored: not finite, negative error, out of order */
	DISC_CLOCK_ERROR,  /* the clock refused an operation; errno is set */
};

struct disc_sample {
	struct timespec when;  /* local clock time of the measurement */
	double offset;         /* local - reference, s */
	double error;          /* standard deviation, s */
};

struct disc_status {
	enum disc_state state;
	double offset;        /* s: local - reference now, as estimated */
	double freq_ppm;      /* correction in force */
	double skew_ppm;      /* standard error of freq_ppm */
	double wander_ppm;    /* RMS of its changes between updates (ntpd's
	                         clock_stability, loopstats' wander column) */
	double jitter;        /* s: RMS of the recent offsets about the fitted line */
	double error;         /* s: error bound of offset, grown since the last update */
	double since_update;  /* s since the last accepted sample; -1 if none */
	int samples;          /* points in the window */
	unsigned long updates, outliers, steps;
};

/* A correction segment: from t on, freq and a slew toward slew seconds. */
struct disc_segment {
	double t;         /* s since epoch */
	double applied;   /* s: total correction applied before t */
	double freq_ppm;
	double slew;
};

struct disc {
	struct disc_config cfg;
	struct clock *clock;
	bool controlled;
	double max_slew_ppm;
	struct timespec epoch;         /* local time 0 of the loop's time axis */
	struct disc_segment seg, prev; /* corrections in force, and before */
	/* Window of (time, uncorrected offset, weight 1/error^2) points,
	 * oldest first in a ring. */
	double pt[DISC_MAX_WINDOW], pu[DISC_MAX_WINDOW], pw[DISC_MAX_WINDOW];
	int head, n;
	/* The line at the last update: its slope is the frequency held. */
	double slope, mean_t, mean_u;
	double freq_var, freq_t;       /* ppm^2: slope's variance, as of freq_t */
	double skew_ppm, jitter, pred_error;
	double wander_var;             /* ppm^2: averaged square of frequency changes */
	double last_t;                 /* time of the last accepted sample */
	double interval;               /* s between samples expected (disc_set_interval) */
	bool have_sample, locked;
	int outlier_run;
	unsigned long updates, outliers, steps;
};

void disc_default_config(struct disc_config *cfg);
/*
 * Start a loop on clk (which outlives it).  drift: the saved frequency, or
 * NULL; it is set on the clock at once.  Cancels any pending slew.
 * 0, or -1 with errno (EINVAL for a bad configuration, or the clock's).
 */
int disc_init(struct disc *l, const struct disc_config *cfg, struct clock *clk,
    const struct driftfile *drift);
enum disc_result disc_update(struct disc *l, const struct disc_sample *s);
/* The source that steers polls every `seconds` (1 s, the default, for
 * PPS and NMEA; 2^poll for an NTP server). */
void disc_set_interval(struct disc *l, double seconds);
/* State at local time now (the clock's reading). */
void disc_status(const struct disc *l, struct timespec now, struct disc_status *st);
/* What to save in the drift file. */
void disc_drift(const struct disc *l, struct driftfile *d);
const char *disc_state_name(enum disc_state st);

#endif
