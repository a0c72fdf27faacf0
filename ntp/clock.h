/*
 * clock: the system clock as the discipline sees it, behind a table of
 * operations, so one loop drives the kernel clock in stratumd and a
 * simulated clock in tests and benchmarks.
 *
 * Semantics (the kernel's, see ntp_adjtime(2) and adjtime(2)):
 *   now(ts)        CLOCK_REALTIME, corrections included.
 *   set_freq(ppm)  the clock runs faster by ppm parts per million than it
 *                  would uncorrected; +1 gains 1 us per second.  Replaces the
 *                  previous setting.  clock_set_freq() clamps to
 *                  +-CLOCK_MAX_FREQ_PPM, the kernels' limit.
 *   slew(d)        add d seconds gradually, at status.max_slew_ppm, on top of
 *                  the frequency.  A new slew replaces whatever the previous
 *                  one had not yet applied, so the caller always states the
 *                  whole phase correction it still wants (0 cancels).
 *   step(d)        add d seconds at once; cancels a pending slew.
 *   set_leap(l)    arm the kernel to insert or delete a second at the next
 *                  UTC midnight (CLOCK_LEAP_NONE disarms): STA_INS/STA_DEL.
 *   status(st)     what is in force now.
 * Operations return 0, or -1 with errno set.
 *
 * Implementations:
 *   clock_sim.h    simulated oscillator in virtual time (tests, benchmarks);
 *   clock_ro       reads the real clock, records adjustments and applies none
 *                  (stratumd -x: measure and report without control);
 *   clock_sys      the kernel clock: clock_sys.c (ntp_adjtime: frequency,
 *                  status, leap) with clock_linux.c (clock_adjtime: slews,
 *                  atomic steps) or clock_freebsd.c (adjtime, clock_settime).
 *                  Only the daemon calls it; tests use the pure conversions
 *                  below.
 */
#ifndef OUTPOST_CLOCK_H
#define OUTPOST_CLOCK_H

#include <stdbool.h>
#include <time.h>

#define CLOCK_MAX_FREQ_PPM 500.0
/* adjtime(2) rate on Linux, and on FreeBSD for offsets below a second. */
#define CLOCK_KERNEL_SLEW_PPM 500.0

struct clock_status {
	double freq_ppm;      /* frequency correction in force */
	double slew_pending;  /* seconds of the last slew not yet applied */
	double max_slew_ppm;  /* rate at which a slew is applied */
	bool controlled;      /* false: adjustments are recorded, not applied */
};

enum clock_leap { CLOCK_LEAP_NONE, CLOCK_LEAP_INSERT, CLOCK_LEAP_DELETE };

struct clock;

struct clock_ops {
	const char *name;
	int (*now)(struct clock *c, struct timespec *ts);
	int (*set_freq)(struct clock *c, double ppm);
	int (*slew)(struct clock *c, double seconds);
	int (*step)(struct clock *c, double seconds);
	int (*set_leap)(struct clock *c, enum clock_leap leap);
	int (*status)(struct clock *c, struct clock_status *st);
};

/* First member of every implementation's state. */
struct clock {
	const struct clock_ops *ops;
};

/* Checked entry points: EINVAL for non-finite arguments, frequency clamped. */
int clock_now(struct clock *c, struct timespec *ts);
int clock_set_freq(struct clock *c, double ppm);
int clock_slew(struct clock *c, double seconds);
int clock_step(struct clock *c, double seconds);
int clock_set_leap(struct clock *c, enum clock_leap leap);  /* EINVAL: not a clock_leap */
int clock_status(struct clock *c, struct clock_status *st);
const char *clock_name(const struct clock *c);

/* Read-only clock: CLOCK_REALTIME, adjustments recorded and reported. */
struct clock_ro {
	struct clock clock;
	double freq_ppm;      /* last frequency asked for */
	double slew_asked;    /* last slew asked for */
	double stepped;       /* sum of the steps asked for */
	unsigned long steps;
	enum clock_leap leap; /* last leap asked for */
};
void clock_ro_init(struct clock_ro *ro);

/* Kernel clock, in clock_sys.c. */
struct clock_sys {
	struct clock clock;
};
/*
 * Take control of the kernel clock: the kernel's own PLL/FLL and PPS
 * discipline are switched off (the loop is ours), a pending adjtime(2)
 * slew is cancelled, the frequency is left as it is.
 */
int clock_sys_open(struct clock_sys *sys);

/* Platform part (clock_linux.c, clock_freebsd.c): slew by seconds at the
 * kernel's CLOCK_KERNEL_SLEW_PPM (0 cancels a slew going on), step the
 * clock by seconds, and read what is left of a slew. */
int clock_kernel_slew(double seconds);
int clock_kernel_step(double seconds);
int clock_kernel_slew_pending(double *seconds);

/*
 * Pure conversions for the timex interface, shared by the platform files.
 * Frequencies there are "scaled ppm", ppm * 2^16, in a long.
 */
long clock_ppm_to_scaled(double ppm);         /* rounded, clamped to +-500 ppm */
double clock_scaled_to_ppm(long scaled);
long clock_seconds_to_us(double seconds);     /* rounded, clamped to +-2000 s */

#endif
