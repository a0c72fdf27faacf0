/*
 * clock_sys: the kernel clock through the timex interface both systems
 * share (ntp_adjtime(2): the frequency and the status word, the leap in
 * it); slews, steps and the slew still pending are the platform's
 * (clock_linux.c, clock_freebsd.c).
 */
#include <sys/types.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <string.h>
#include <time.h>

#include "clock.h"

static int
timex(struct timex *tx)
{
	return ntp_adjtime(tx) < 0 ? -1 : 0;
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
	tx.modes = MOD_FREQUENCY;
	tx.freq = clock_ppm_to_scaled(ppm);
	return timex(&tx);
}

static int
sys_slew(struct clock *c, double seconds)
{
	(void)c;
	return clock_kernel_slew(seconds);
}

static int
sys_step(struct clock *c, double seconds)
{
	(void)c;
	/* A slew still going would carry on from the new time. */
	if (clock_kernel_slew(0.0) < 0)
		return -1;
	return clock_kernel_step(seconds);
}

/* The status word is ours (clock_sys_open set it): unsynchronised to the
 * kernel, which then leaves the RTC alone, plus the leap to come, which
 * the kernel inserts or deletes at the next UTC midnight. */
static int
sys_set_leap(struct clock *c, enum clock_leap leap)
{
	struct timex tx;

	(void)c;
	memset(&tx, 0, sizeof(tx));
	tx.modes = MOD_STATUS;
	tx.status = STA_UNSYNC | (leap == CLOCK_LEAP_INSERT ? STA_INS :
	    leap == CLOCK_LEAP_DELETE ? STA_DEL : 0);
	return timex(&tx);
}

static int
sys_status(struct clock *c, struct clock_status *st)
{
	struct timex tx;

	(void)c;
	memset(&tx, 0, sizeof(tx));
	if (timex(&tx) < 0 || clock_kernel_slew_pending(&st->slew_pending) < 0)
		return -1;
	st->freq_ppm = clock_scaled_to_ppm(tx.freq);
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
	tx.modes = MOD_STATUS;
	tx.status = STA_UNSYNC;
	if (timex(&tx) < 0)
		return -1;
	return clock_kernel_slew(0.0);
}
