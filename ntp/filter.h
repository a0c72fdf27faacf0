/*
 * filter: the clock filter of one source (RFC 5905 section 10): the last
 * eight (offset, delay, dispersion, time) samples, and from them the
 * source's offset, delay, dispersion and jitter as selection and ntpq see
 * them.
 *
 * Conventions: offset = reference - local (positive: the local clock is
 * behind; ntpq's sign), all in seconds; times are seconds on a monotonic
 * axis chosen by the caller (stratumd uses CLOCK_MONOTONIC).
 *
 *   - A new sample shifts into stage 0; every older sample's dispersion
 *     grows by PHI (15 ppm) times the time since it was taken, capped at
 *     FILTER_MAXDISP (16 s).
 *   - The stages are ordered by delay (FILTER_MAXDISP-dispersion samples,
 *     the dummies put in for missed polls, go last; equal delays newest
 *     first); the least-delay sample gives offset and delay.  dispersion =
 *     sum of eps_i / 2^(i+1) over that order, a stage not yet filled
 *     counting as FILTER_MAXDISP (so a new filter starts near 8 s and
 *     halves with each sample, as ntpq shows it); jitter = RMS of
 *     (theta_i - theta_0) over the m valid stages (sum divided by m - 1,
 *     theta_0 itself adding nothing), at least the precision given at init.
 *   - disp and jitter describe the stages and are recomputed at every
 *     filter_add, as of that sample's t (disp_t); offset, delay and t change
 *     only when a sample is used.
 *   - The chosen sample is used (filter_add returns true) only when it is
 *     newer than the last one used: NTP's rule that a sample is never used
 *     twice nor an older one after a newer.  A popcorn spike (|offset -
 *     previous offset| > FILTER_SGATE times the jitter as it was before
 *     the sample came, once the filter holds
 *     more than four valid samples) is kept in the filter but not used,
 *     unless the last used sample is spike_window s old or more: a step
 *     that lasts is then believed, as ntpd does after two poll intervals.
 *
 * Pure: no clock reads.
 */
#ifndef OUTPOST_FILTER_H
#define OUTPOST_FILTER_H

#include <stdbool.h>

#define FILTER_STAGES 8
#define FILTER_MAXDISP 16.0   /* s: a sample that says "nothing known" */
#define FILTER_PHI 15e-6      /* s/s: frequency tolerance, dispersion growth */
#define FILTER_SGATE 3.0      /* popcorn spike gate, times the jitter */

struct filter_sample {
	double offset;        /* s, reference - local */
	double delay;         /* s, round trip (0 for a reference clock) */
	double disp;          /* s, its error bound when taken */
	double t;             /* s, when taken */
};

struct filter {
	struct filter_sample st[FILTER_STAGES]; /* st[0] newest */
	int n;                /* stages filled, 0..FILTER_STAGES */
	double precision;     /* s, the least jitter there can be */
	/* What selection reads, as of the last filter_add: */
	double offset, delay, disp, jitter;
	double t;             /* when the used sample was taken; < 0: none yet */
	int used;             /* samples used so far */
	double disp_t;        /* when disp and jitter were computed; < 0: never */
	double spike_window;  /* s: see the popcorn rule; init 128, assoc sets
	                       * it to two of its poll intervals */
};

/* precision: 2^(local precision) + 2^(source's precision), s. */
void filter_init(struct filter *f, double precision);
/* Put a sample in; true if the filter's result changed to a newer sample
 * (selection and the statistics should see it). */
bool filter_add(struct filter *f, const struct filter_sample *s);
/* Put in the sample that stands for a missed poll: (0, 0, MAXDISP) at t. */
void filter_add_dummy(struct filter *f, double t);
/* The dispersion as of time now: disp + PHI * (now - disp_t), at most
 * FILTER_MAXDISP (FILTER_MAXDISP before the first sample). */
double filter_disp_at(const struct filter *f, double now);
/* The eight stages in ntpq's filtoffset/filtdelay/filtdisp order (newest
 * first), as of now: n is returned, arrays of FILTER_STAGES are filled. */
int filter_stages(const struct filter *f, double now, double *offset, double *delay,
    double *disp);

#endif
