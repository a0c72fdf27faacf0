/*
 * tsmath: arithmetic on struct timespec (see tsmath.h).
 *
 * Seconds are carried in int64_t and only narrowed to time_t at the end,
 * saturating, because time_t is still 32 bits on some armhf systems and a
 * wrapped timestamp is worse than a clamped one.
 */
#include "tsmath.h"

#include <math.h>

#define NS TS_NSEC_PER_SEC

static const int64_t time_max = sizeof(time_t) >= 8 ? INT64_MAX : INT32_MAX;
static const int64_t time_min = sizeof(time_t) >= 8 ? INT64_MIN : INT32_MIN;

static int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/* Build a normalised timespec from seconds and 0 <= nsec < 1e9. */
static struct timespec make_ts(int64_t sec, long nsec)
{
	struct timespec r;

	if (sec > time_max) {
		sec = time_max;
		nsec = NS - 1;
	} else if (sec < time_min) {
		sec = time_min;
		nsec = 0;
	}
	r.tv_sec = (time_t)sec;
	r.tv_nsec = nsec;
	return r;
}

/* Split into whole seconds and 0 <= nsec < 1e9 without building a timespec. */
static void split(struct timespec a, int64_t *sec, long *nsec)
{
	int64_t s = (int64_t)a.tv_sec;
	long n = a.tv_nsec;

	s = sat_add(s, n / NS);
	n %= NS;
	if (n < 0) {
		n += NS;
		s = sat_add(s, -1);
	}
	*sec = s;
	*nsec = n;
}

struct timespec ts_normalize(struct timespec a)
{
	int64_t s;
	long n;

	split(a, &s, &n);
	return make_ts(s, n);
}

struct timespec ts_add(struct timespec a, struct timespec b)
{
	int64_t as, bs;
	long an, bn;

	split(a, &as, &an);
	split(b, &bs, &bn);
	an += bn; /* < 2e9, fits a 32-bit long */
	if (an >= NS) {
		an -= NS;
		as = sat_add(as, 1);
	}
	return make_ts(sat_add(as, bs), an);
}

struct timespec ts_sub(struct timespec a, struct timespec b)
{
	int64_t as, bs;
	long an, bn;

	split(a, &as, &an);
	split(b, &bs, &bn);
	an -= bn;
	if (an < 0) {
		an += NS;
		as = sat_add(as, -1);
	}
	/* -bs overflows only for INT64_MIN, which saturates the same way. */
	if (bs == INT64_MIN)
		return make_ts(as >= 0 ? INT64_MAX : sat_add(as, INT64_MAX) + 1, an);
	return make_ts(sat_add(as, -bs), an);
}

struct timespec ts_add_ns(struct timespec a, int64_t ns)
{
	return ts_add(a, ts_from_ns(ns));
}

int ts_cmp(struct timespec a, struct timespec b)
{
	int64_t as, bs;
	long an, bn;

	split(a, &as, &an);
	split(b, &bs, &bn);
	if (as != bs)
		return as < bs ? -1 : 1;
	if (an != bn)
		return an < bn ? -1 : 1;
	return 0;
}

double ts_to_double(struct timespec a)
{
	int64_t s;
	long n;

	split(a, &s, &n);
	return (double)s + (double)n / 1e9;
}

struct timespec ts_from_double(double seconds)
{
	double whole, frac;
	long n;

	if (isnan(seconds))
		return make_ts(0, 0);
	/* 9.2e18 is the largest double range an int64_t can take safely. */
	if (seconds >= 9.2e18)
		return make_ts(INT64_MAX, NS - 1);
	if (seconds <= -9.2e18)
		return make_ts(INT64_MIN, 0);
	/* floor() and lround() by hand: the daemons that use only this much
	 * floating point then need no libm mapped. */
	whole = (double)(int64_t)seconds;
	if (whole > seconds)
		whole -= 1.0;
	frac = seconds - whole;
	n = (long)(frac * 1e9 + 0.5);
	if (n >= NS)
		return make_ts((int64_t)whole + 1, n - NS);
	return make_ts((int64_t)whole, n);
}

int64_t ts_to_ns(struct timespec a)
{
	int64_t s, r;
	long n;

	split(a, &s, &n);
	if (s >= 0) {
		if (s > INT64_MAX / NS)
			return INT64_MAX;
		r = s * NS;
		return r > INT64_MAX - n ? INT64_MAX : r + n;
	}
	/* Count from s + 1 so neither the product nor the sum passes INT64_MIN
	 * before the result does. */
	s += 1;
	if (s < INT64_MIN / NS)
		return INT64_MIN;
	r = s * NS;
	n -= NS;
	return r < INT64_MIN - n ? INT64_MIN : r + n;
}

struct timespec ts_from_ns(int64_t ns)
{
	int64_t s = ns / NS;
	long n = (long)(ns % NS);

	if (n < 0) {
		n += NS;
		s -= 1;
	}
	return make_ts(s, n);
}

int64_t ts_to_ms(struct timespec a)
{
	int64_t s, ms;
	long n;

	split(a, &s, &n);
	ms = n / 1000000; /* n >= 0, so this rounds toward -inf */
	if (s > (INT64_MAX - ms) / 1000)
		return INT64_MAX;
	if (s < INT64_MIN / 1000)
		return INT64_MIN;
	return s * 1000 + ms;
}

struct timespec ts_now_mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

int64_t
ts_mono_ms(void)
{
	return ts_to_ms(ts_now_mono());
}

struct timespec ts_now_real(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t;
}
