/*
 * clock_sys on FreeBSD: slews with adjtime(2) (applied at 500 us/s below
 * one second of offset), steps with clock_settime(2).
 */
#include <sys/types.h>
#include <sys/time.h>
#include <time.h>

#include "clock.h"
#include "tsmath.h"

int
clock_kernel_slew(double seconds)
{
	struct timeval d;
	long us = clock_seconds_to_us(seconds);

	/* timeval with the sign in tv_sec, as adjtime(2) expects. */
	d.tv_sec = us / 1000000;
	d.tv_usec = us % 1000000;
	if (d.tv_usec < 0) {
		d.tv_sec--;
		d.tv_usec += 1000000;
	}
	return adjtime(&d, NULL);
}

int
clock_kernel_step(double seconds)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return -1;
	now = ts_add(now, ts_from_double(seconds));
	return clock_settime(CLOCK_REALTIME, &now);
}

int
clock_kernel_slew_pending(double *seconds)
{
	struct timeval left;

	if (adjtime(NULL, &left) < 0)
		return -1;
	*seconds = (double)left.tv_sec + (double)left.tv_usec * 1e-6;
	return 0;
}
