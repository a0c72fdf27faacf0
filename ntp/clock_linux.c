/*
 * clock_sys on Linux: slews with ADJ_OFFSET_SINGLESHOT (the kernel's
 * adjtime, at 500 us/s) and steps with ADJ_SETOFFSET, which adds to the
 * clock atomically instead of a read-modify-write race with clock_settime.
 */
#define _GNU_SOURCE /* clock_adjtime */
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

int
clock_kernel_slew(double seconds)
{
	struct timex tx;

	memset(&tx, 0, sizeof(tx));
	/* Microseconds whatever ADJ_NANO says: this is adjtime(). */
	tx.modes = ADJ_OFFSET_SINGLESHOT;
	tx.offset = clock_seconds_to_us(seconds);
	return adj(&tx);
}

int
clock_kernel_step(double seconds)
{
	struct timex tx;
	struct timespec d = ts_from_double(seconds);

	memset(&tx, 0, sizeof(tx));
	/* With ADJ_NANO, time.tv_usec carries nanoseconds, 0 <= it < 1e9. */
	tx.modes = ADJ_SETOFFSET | ADJ_NANO;
	tx.time.tv_sec = d.tv_sec;
	tx.time.tv_usec = d.tv_nsec;
	return adj(&tx);
}

int
clock_kernel_slew_pending(double *seconds)
{
	struct timex tx;

	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_OFFSET_SS_READ;
	if (adj(&tx) < 0)
		return -1;
	*seconds = (double)tx.offset * 1e-6;
	return 0;
}
