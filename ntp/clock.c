/*
 * clock: checked dispatch to an implementation, the read-only clock, and the
 * timex unit conversions.
 */
#include <errno.h>
#include <math.h>

#include "clock.h"
#include "fpmath.h"

/* The kernel keeps a long; 2000 s in us still fits 32 bits. */
#define MAX_SLEW_US 2000000000L

int
clock_now(struct clock *c, struct timespec *ts)
{
	return c->ops->now(c, ts);
}

int
clock_set_freq(struct clock *c, double ppm)
{
	if (!isfinite(ppm)) {
		errno = EINVAL;
		return -1;
	}
	if (ppm > CLOCK_MAX_FREQ_PPM)
		ppm = CLOCK_MAX_FREQ_PPM;
	if (ppm < -CLOCK_MAX_FREQ_PPM)
		ppm = -CLOCK_MAX_FREQ_PPM;
	return c->ops->set_freq(c, ppm);
}

int
clock_slew(struct clock *c, double seconds)
{
	if (!isfinite(seconds)) {
		errno = EINVAL;
		return -1;
	}
	return c->ops->slew(c, seconds);
}

int
clock_step(struct clock *c, double seconds)
{
	if (!isfinite(seconds)) {
		errno = EINVAL;
		return -1;
	}
	return c->ops->step(c, seconds);
}

int
clock_set_leap(struct clock *c, enum clock_leap leap)
{
	if (leap != CLOCK_LEAP_NONE && leap != CLOCK_LEAP_INSERT && leap != CLOCK_LEAP_DELETE) {
		errno = EINVAL;
		return -1;
	}
	return c->ops->set_leap(c, leap);
}

int
clock_status(struct clock *c, struct clock_status *st)
{
	return c->ops->status(c, st);
}

const char *
clock_name(const struct clock *c)
{
	return c->ops->name;
}

long
clock_ppm_to_scaled(double ppm)
{
	if (!(ppm < CLOCK_MAX_FREQ_PPM))
		ppm = isnan(ppm) ? 0.0 : CLOCK_MAX_FREQ_PPM;
	if (ppm < -CLOCK_MAX_FREQ_PPM)
		ppm = -CLOCK_MAX_FREQ_PPM;
	return fp_lround(ppm * 65536.0);
}

double
clock_scaled_to_ppm(long scaled)
{
	return (double)scaled / 65536.0;
}

long
clock_seconds_to_us(double seconds)
{
	double us = seconds * 1e6;

	if (isnan(us))
		return 0;
	if (us > (double)MAX_SLEW_US)
		return MAX_SLEW_US;
	if (us < -(double)MAX_SLEW_US)
		return -MAX_SLEW_US;
	return fp_lround(us);
}

/* Read-only clock. */

static int
ro_now(struct clock *c, struct timespec *ts)
{
	(void)c;
	return clock_gettime(CLOCK_REALTIME, ts);
}

static int
ro_set_freq(struct clock *c, double ppm)
{
	((struct clock_ro *)c)->freq_ppm = ppm;
	return 0;
}

static int
ro_slew(struct clock *c, double seconds)
{
	((struct clock_ro *)c)->slew_asked = seconds;
	return 0;
}

static int
ro_step(struct clock *c, double seconds)
{
	struct clock_ro *ro = (struct clock_ro *)c;

	ro->stepped += seconds;
	ro->steps++;
	return 0;
}

static int
ro_set_leap(struct clock *c, enum clock_leap leap)
{
	((struct clock_ro *)c)->leap = leap;
	return 0;
}

static int
ro_status(struct clock *c, struct clock_status *st)
{
	struct clock_ro *ro = (struct clock_ro *)c;

	st->freq_ppm = ro->freq_ppm;
	st->slew_pending = 0.0;
	st->max_slew_ppm = CLOCK_KERNEL_SLEW_PPM;
	st->controlled = false;
	return 0;
}

static const struct clock_ops ro_ops = {
	.name = "read-only",
	.now = ro_now,
	.set_freq = ro_set_freq,
	.slew = ro_slew,
	.step = ro_step,
	.set_leap = ro_set_leap,
	.status = ro_status,
};

void
clock_ro_init(struct clock_ro *ro)
{
	ro->clock.ops = &ro_ops;
	ro->freq_ppm = 0.0;
	ro->slew_asked = 0.0;
	ro->stepped = 0.0;
	ro->steps = 0;
	ro->leap = CLOCK_LEAP_NONE;
}
