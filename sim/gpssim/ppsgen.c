/*
 * ppsgen: PPS edge captures (see ppsgen.h).
 */
#include <math.h>
#include <string.h>

#include "ppsgen.h"
#include "tsmath.h"

#define TWO_PI 6.283185307179586

static uint32_t
next(struct ppsgen *g)
{
	uint32_t x = g->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	g->rng = x;
	return x;
}

/* Uniform in (0, 1]: never 0, whose logarithm Box-Muller cannot take. */
static double
uniform(struct ppsgen *g)
{
	return ((double)next(g) + 1.0) / 4294967296.0;
}

void
ppsgen_init(struct ppsgen *g, double offset, double jitter, uint32_t seed)
{
	memset(g, 0, sizeof(*g));
	g->offset = offset;
	g->jitter = jitter;
	g->rng = seed != 0 ? seed ^ 0x5bd1e995u : 0x1b873593u;
	if (g->rng == 0)
		g->rng = 1;
	for (int i = 0; i < 16; i++)
		next(g);
}

double
ppsgen_gauss(struct ppsgen *g)
{
	double r, a;

	if (g->have_spare) {
		g->have_spare = false;
		return g->spare;
	}
	r = sqrt(-2.0 * log(uniform(g)));
	a = TWO_PI * uniform(g);
	g->spare = r * sin(a);
	g->have_spare = true;
	return r * cos(a);
}

void
ppsgen_edge(struct ppsgen *g, time_t host_sec, time_t true_sec, int leap, struct pps_edge *e)
{
	double err = g->offset + (g->jitter > 0 ? g->jitter * ppsgen_gauss(g) : 0);
	struct timespec edge = { host_sec, 0 };

	memset(e, 0, sizeof(*e));
	/* The SOCK format carries microseconds: round to one (truncating
	 * would bias every edge by half a microsecond), so that the offset is
	 * exact for the timestamp that is sent. */
	e->local = ts_add_ns(edge, llround(err * 1e6) * 1000);
	e->offset = ts_to_double(ts_sub((struct timespec){ true_sec, 0 }, e->local));
	e->pulse = true;
	e->leap = leap;
}
