/*
 * select: which sources tell the time (RFC 5905 section 11.2 and appendix
 * A.5.5): the fit ones, those of them whose intervals a majority shares
 * (intersection: the rest are falsetickers), the best of those
 * (clustering), the system peer among the survivors, and the combined
 * offset and jitter.  Each source ends with the tally ntpq prints for it.
 *
 * Conventions: offset = reference - local (ntpq's sign), all in seconds.
 *
 * Steps, on the n sources given:
 *   1. Fit: reachable, not noselect, leap != 3, stratum < SEL_MAXSTRATUM,
 *      not synchronised to us (loop), and root distance lambda < maxdist +
 *      PHI * age.  lambda = max(mindist, (delay + rootdelay) / 2 + rootdisp
 *      + disp + jitter): disp is already aged to now (filter_disp_at), so
 *      PHI * age is not added again.  A non-finite offset or lambda is
 *      SEL_DISTANCE.  Unfit sources get SEL_REJECT (' '); the first failed
 *      test, in enum sel_unfit's order, is the reason.
 *   2. Intersection (Marzullo as RFC 5905 refines it): each fit source is
 *      the interval offset +- lambda; for allow = 0, 1, ... while 2 * allow
 *      < m (m fit sources) find the lowest and highest points that at least
 *      m - allow intervals reach; the first allow for which low <= high
 *      wins.  Sources whose interval misses [low, high] are falsetickers
 *      (SEL_FALSETICK, 'x').  No allow wins: no majority, nothing chosen,
 *      every fit source SEL_FALSETICK.
 *   3. Fewer truechimers than minsane: nothing chosen (status
 *      SEL_TOO_FEW); the truechimers stay SEL_CANDIDATE.
 *   4. Clustering over the truechimers, PPS sources left out: each one's
 *      selection jitter is the RMS of its offset's distances to the
 *      others'; while more than minclock (at least 1) remain and the
 *      largest selection jitter among them exceeds their smallest source
 *      jitter, the source with the largest selection jitter times lambda
 *      is dropped, unless it is prefer (then the next largest; only prefer
 *      sources left: stop).  Those dropped while more than maxclock
 *      remained are SEL_EXCESS ('.'), the others SEL_OUTLIER ('-').
 *      seljit: from the last round the source took part in.
 *   5. System peer among the survivors: a surviving prefer source (of
 *      several, the least metric below), else the previous system peer
 *      while it survives and no survivor has a lower stratum, else the
 *      least stratum * mindist + lambda.  It is
 *      SEL_SYSPEER ('*'); the other survivors SEL_CANDIDATE ('+').
 *   6. PPS: a PPS source that survived intersection is SEL_PPSPEER ('o')
 *      and gives the offset when it lies within SEL_PPS_WINDOW of the
 *      offset step 7 gives from the other survivors, or when no other
 *      source survived (then there is no '*'); of several, the least
 *      lambda.  The best of the rest stays '*'.  ntpd's PPS numbers no
 *      seconds and needs a prefer source; stratumd's is numbered from NMEA
 *      by the refclock, so agreeing with the others is the test.  A PPS
 *      source that fails the window is SEL_CANDIDATE.
 *   7. Offset and jitter: with a PPS peer, its offset and its jitter;
 *      else theta_sys = the prefer system peer's offset, or the survivors'
 *      ('+' and '*') combined by weight w = 1 / lambda, and system jitter
 *      = sqrt(sum w (theta - theta_sys)^2 / sum w + seljit(sys peer)^2),
 *      summed over the same survivors.
 *
 * Pure and allocation-free: at most SEL_MAX sources.
 */
#ifndef OUTPOST_SELECT_H
#define OUTPOST_SELECT_H

#include <stdbool.h>

#define SEL_MAX 64
#define SEL_MAXSTRATUM 16
#define SEL_PHI 15e-6         /* s/s */
#define SEL_PPS_WINDOW 0.4    /* s */

/* ntpq's tally codes: " x.-+#*o"[tally]. */
enum sel_tally {
	SEL_REJECT = 0, SEL_FALSETICK, SEL_EXCESS, SEL_OUTLIER, SEL_CANDIDATE,
	SEL_BACKUP, SEL_SYSPEER, SEL_PPSPEER,
};

/* Why a source was found unfit (step 1), for the log and `outpost peers`. */
enum sel_unfit {
	SEL_FIT = 0, SEL_UNREACHABLE, SEL_NOSELECT, SEL_UNSYNC, SEL_STRATUM, SEL_LOOP,
	SEL_DISTANCE,
};

struct sel_conf {
	int minsane;          /* default 1 */
	int minclock;         /* default 3 */
	int maxclock;         /* default 10 */
	double maxdist;       /* s, default 1.5 */
	double mindist;       /* s, default 0.001 */
};

struct sel_source {
	/* In: from the source's filter and its last packet. */
	double offset, delay, disp, jitter;  /* disp as of now */
	double rootdelay, rootdisp;          /* 0 for reference clocks */
	double age;           /* s since the used sample was taken */
	int stratum;          /* 0 for a reference clock */
	int leap;             /* 3: not synchronised */
	bool reachable, noselect, prefer;
	bool pps;             /* a PPS reference clock (step 6) */
	bool loop;            /* synchronised to us (its refid is our address) */
	/* Out. */
	enum sel_tally tally;
	enum sel_unfit unfit;
	double distance;      /* lambda, s */
	double seljit;        /* s, step 4 (0 if not clustered) */
};

enum sel_status {
	SEL_OK,               /* an offset, from a system peer or a PPS peer */
	SEL_NONE,             /* no fit source */
	SEL_NO_MAJORITY,      /* the fit sources do not agree */
	SEL_TOO_FEW,          /* fewer truechimers than minsane */
};

struct sel_result {
	enum sel_status status;
	int syspeer;          /* index of '*', or -1 */
	int ppspeer;          /* index of 'o', or -1 */
	double offset;        /* s, what the clock should follow (SEL_OK only) */
	double jitter;        /* s, system jitter */
	int nfit, ntrue;      /* steps 1 and 2 (ntrue counts PPS sources) */
	int nsurvivors;       /* '+' and '*' after step 5 (PPS not counted) */
};

void sel_default_conf(struct sel_conf *c);
/* Select among src[0..n) (n <= SEL_MAX; any beyond are not looked at),
 * filling each source's out fields.  prev_syspeer: the previous system
 * peer's index, or -1. */
void sel_run(const struct sel_conf *c, struct sel_source *src, int n, int prev_syspeer,
    struct sel_result *r);
char sel_tally_char(enum sel_tally t);
const char *sel_status_name(enum sel_status s);
const char *sel_unfit_name(enum sel_unfit u);

#endif
