/*
 * fpmath: the few libm functions the daemons use, written out so that they
 * need no libm mapped (about 500 kB of a small daemon's resident set).
 *
 * Each gives what the libm function it replaces gives, bit for bit, over
 * the range stated (fp_ceil_log2 is exact where libm is not, see there);
 * sqrt needs no replacement, because the Makefile's -fno-math-errno lets
 * the compiler emit the square-root instruction.
 */
#ifndef OUTPOST_FPMATH_H
#define OUTPOST_FPMATH_H

#include <math.h>

/* fmax and fmin: a NaN argument gives the other one (two NaNs, a NaN); of
 * equal arguments (0.0 and -0.0) the first, as glibc's do on x86-64. */
static inline double
fp_max(double x, double y)
{
	return x >= y || isnan(y) ? x : y;
}

static inline double
fp_min(double x, double y)
{
	return x <= y || isnan(y) ? x : y;
}

/* ldexp(1.0, n): 2^n, exact; +inf above 2^1023, 0 below 2^-1074. */
double fp_pow2(int n);

/* ceil(log2(x)) for a positive finite x: the least n with 2^n >= x, found
 * exactly (libm's log2 can round to an integer for an x within a few ulps
 * above a power of two, which no count of nanoseconds is).  Anything else
 * gives 0. */
int fp_ceil_log2(double x);

/* lround(x): to nearest, halves away from zero.  The result must fit a long
 * (on 32-bit systems +-2^31): callers clamp first, and handle NaN. */
long fp_lround(double x);

#endif
