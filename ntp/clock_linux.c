/*
 * clock_sys on Linux: clock_adjtime(CLOCK_REALTIME) for frequency (ADJ_FREQUENCY),
 * slews (ADJ_OFFSET_SINGLESHOT, the kernel's adjtime at 500 us/s) and steps
 * (ADJ_SETOFFSET, which adds to the clock atomically instead of a
 * read-modify-write race with clock_settime).
 */
#define _GNU_SOURCE /* clock_adjtime */
#include <errno.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>

#include "clock.h"
#include "tsmath.h"

static int
adj(struct timex *tx)
{
	return clock_adjtime(CLOCK_REALTIME, tx) < 0 ? -1 : 0;
}

static int
sys_now(struct clock *c, struct timespec *ts)
{
	(void)c;
	return clock_gettime(CLOCK_REALTIME, ts);
}

static int
sys_set_freq(struct clock *c, double ppm)
{
	struct timex tx;

	(void)c;
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_FREQUENCY;
	tx.freq = clock_ppm_to_scaled(ppm);
	return adj(&tx);
}

static int
sys_slew(struct clock *c, double seconds)
{
	struct timex tx;

	(void)c;
	memset(&tx, 0, sizeof(tx));
	/* Microseconds whatever ADJ_NANO says: this is adjtime(). */
	tx.modes = ADJ_OFFSET_SINGLESHOT;
	tx.offset = clock_seconds_to_us(seconds);
	return adj(&tx);
}

static int
sys_step(struct clock *c, double seconds)
{
	struct timex tx;
	struct timespec d = ts_from_double(seconds);

	if (sys_slew(c, 0.0) < 0)
		return -1;
	memset(&tx, 0, sizeof(tx));
	/* With ADJ_NANO, time.tv_usec carries nanoseconds, 0 <= it < 1e9. */
	tx.modes = ADJ_SETOFFSET | ADJ_NANO;
	tx.time.tv_sec = d.tv_sec;
	tx.time.tv_usec = d.tv_nsec;
	return adj(&tx);
}

/* The status word is ours (clock_sys_open set it): unsynchronised to the
 * kernel, which then leaves the RTC alone, plus the leap to come. */
static int
sys_set_leap(struct clock *c, enum clock_leap leap)
{
	struct timex tx;

	(void)c;
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_STATUS;
	tx.status = STA_UNSYNC | (leap == CLOCK_LEAP_INSERT ? STA_INS :
	    leap == CLOCK_LEAP_DELETE ? STA_DEL : 0);
	return adj(&tx);
}

static int
sys_status(struct clock *c, struct clock_status *st)
{
	struct timex tx;

	(void)c;
	memset(&tx, 0, sizeof(tx));
	if (adj(&tx) < 0)
		return -1;
	st->freq_ppm = clock_scaled_to_ppm(tx.freq);
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_OFFSET_SS_READ;
	if (adj(&tx) < 0)
		return -1;
	st->slew_pending = (double)tx.offset * 1e-6;
	st->max_slew_ppm = CLOCK_KERNEL_SLEW_PPM;
	st->controlled = true;
	return 0;
}

static const struct clock_ops sys_ops = {
	.name = "kernel",
	.now = sys_now,
	.set_freq = sys_set_freq,
	.slew = sys_slew,
	.step = sys_step,
	.set_leap = sys_set_leap,
	.status = sys_status,
};

int
clock_sys_open(struct clock_sys *sys)
{
	struct timex tx;

	sys->clock.ops = &sys_ops;
	memset(&tx, 0, sizeof(tx));
	/* Status is replaced whole: PLL, FLL and PPS discipline off, unsynchronised. */
	tx.modes = ADJ_STATUS;
	tx.status = STA_UNSYNC;
	if (adj(&tx) < 0)
		return -1;
	return sys_slew(&sys->clock, 0.0);
}
