/*
 * fpmath: libm's functions the daemons use, without libm (see fpmath.h).
 *
 * Doubling and halving a power of two are exact in binary floating point
 * down to the smallest subnormal, so the loops below give exact results.
 */
#include <float.h>

#include "fpmath.h"

double
fp_pow2(int n)
{
	double r = 1.0;

	/* Both loops end at +inf or 0 at the latest, after ~1075 steps. */
	for (; n > 0 && r <= DBL_MAX; n--)
		r *= 2.0;
	for (; n < 0 && r > 0.0; n++)
		r *= 0.5;
	return r;
}

int
fp_ceil_log2(double x)
{
	double p = 1.0;
	int n = 0;

	if (!(x > 0.0 && x <= DBL_MAX))
		return 0;
	if (x > 1.0) {
		while (p < x) { /* to 2^1024 = +inf at most */
			p *= 2.0;
			n++;
		}
		return n;
	}
	while (p * 0.5 >= x) { /* down to 2^-1074 at most */
		p *= 0.5;
		n--;
	}
	return n;
}

long
fp_lround(double x)
{
	long i = (long)x;            /* toward zero */
	double frac = x - (double)i; /* exact, |frac| < 1 */

	if (frac >= 0.5)
		i++;
	else if (frac <= -0.5)
		i--;
	return i;
}
