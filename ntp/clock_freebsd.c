/*
 * clock_sys on FreeBSD: ntp_adjtime(2) for the frequency and the kernel
 * discipline's status, adjtime(2) for slews (applied at 500 us/s below one
 * second of offset), clock_settime(2) for steps.
 */
#include <sys/types.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "tsmath.h"

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
	return ntp_adjtime(&tx) < 0 ? -1 : 0;
}

static int
sys_slew(struct clock *c, double seconds)
{
	struct timeval d;
	long us = clock_seconds_to_us(seconds);

	(void)c;
	/* timeval with the sign in tv_sec, as adjtime(2) expects. */
	d.tv_sec = us / 1000000;
	d.tv_usec = us % 1000000;
	if (d.tv_usec < 0) {
		d.tv_sec--;
		d.tv_usec += 1000000;
	}
	return adjtime(&d, NULL);
}

static int
sys_step(struct clock *c, double seconds)
{
	struct timespec now;

	if (sys_slew(c, 0.0) < 0 || clock_gettime(CLOCK_REALTIME, &now) < 0)
		return -1;
	now = ts_add(now, ts_from_double(seconds));
	return clock_settime(CLOCK_REALTIME, &now);
}

/* As clock_sys_open left it, plus the leap to come: the kernel inserts or
 * deletes it at the next UTC midnight. */
static int
sys_set_leap(struct clock *c, enum clock_leap leap)
{
	struct timex tx;

	(void)c;
	memset(&tx, 0, sizeof(tx));
	tx.modes = MOD_STATUS;
	tx.status = STA_UNSYNC | (leap == CLOCK_LEAP_INSERT ? STA_INS :
	    leap == CLOCK_LEAP_DELETE ? STA_DEL : 0);
	return ntp_adjtime(&tx) < 0 ? -1 : 0;
}

static int
sys_status(struct clock *c, struct clock_status *st)
{
	struct timex tx;
	struct timeval left;

	(void)c;
	memset(&tx, 0, sizeof(tx));
	if (ntp_adjtime(&tx) < 0 || adjtime(NULL, &left) < 0)
		return -1;
	st->freq_ppm = clock_scaled_to_ppm(tx.freq);
	st->slew_pending = (double)left.tv_sec + (double)left.tv_usec * 1e-6;
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
	if (ntp_adjtime(&tx) < 0)
		return -1;
	return sys_slew(&sys->clock, 0.0);
}
