/*
 * bench_select: the cost of one source selection (ntp/select.c) over 50
 * sources, against a reference measured in the same run on the same
 * machine: qsort of the same 100 interval end points, the one step every
 * Marzullo implementation must pay for.
 *
 * The sources: a PPS, 44 upstream servers whose offsets scatter around the
 * truth by their jitter (0.05 to 5 ms) and whose root distances run from 2
 * to 60 ms, and 5 falsetickers 80 to 500 ms off with small distances.  With
 * jitters that small clustering works down to minclock, which is the
 * expensive path.  16 such sets, drawn from a seeded generator, are taken
 * in turn so that no one branch pattern is learnt.
 *
 * usage: bench_select [seconds per measurement, default 1]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "select.h"

#define NSRC 50
#define NSETS 16
#define TARGET_US 50.0

static uint64_t rng = 0x5e1ec7ab1e5eedULL;

static double
uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((rng >> 11) + 0.5) / 9007199254740992.0;
}

static double
gauss(void)
{
	return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

static void
make_set(struct sel_source *src)
{
	struct sel_source *s;
	double lambda;
	int i;

	memset(src, 0, NSRC * sizeof(*src));
	for (i = 0; i < NSRC; i++) {
		s = &src[i];
		s->reachable = true;
		s->stratum = 1 + (int)(uniform() * 3);
		s->jitter = 5e-5 * pow(100.0, uniform());
		lambda = 0.002 + 0.058 * uniform();
		s->delay = lambda;
		s->rootdelay = 0.4 * lambda;
		s->rootdisp = 0.1 * lambda;
		s->disp = 0.1 * lambda;
		s->age = 64.0 * uniform();
		s->offset = s->jitter * gauss();
		if (i == 0) {
			/* The PPS: numbered by NMEA, a microsecond of jitter. */
			s->stratum = 0;
			s->pps = true;
			s->jitter = 1e-6;
			s->delay = s->rootdelay = s->rootdisp = s->disp = 0.0;
			s->offset = 2e-6 * gauss();
		} else if (i > NSRC - 6) {
			s->offset = (uniform() < 0.5 ? -1 : 1) * (0.08 + 0.42 * uniform());
			s->delay = 0.004;
		}
	}
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct sel_source sets[NSETS][NSRC];
static double ends[NSETS][2 * NSRC];

/* s per selection, over about `seconds`. */
static double
time_select(const struct sel_conf *c, double seconds, struct sel_result *r)
{
	double t0 = now(), t;
	long k, n = 0;

	do {
		for (k = 0; k < 1000; k++)
			sel_run(c, sets[n++ % NSETS], NSRC, 1, r);
		t = now() - t0;
	} while (t < seconds);
	return t / n;
}

/* s per qsort of 100 end points (copy included), over about `seconds`. */
static double
time_qsort(double seconds, double *sink)
{
	double buf[2 * NSRC], t0 = now(), t;
	long k, n = 0;

	do {
		for (k = 0; k < 1000; k++, n++) {
			memcpy(buf, ends[n % NSETS], sizeof(buf));
			qsort(buf, 2 * NSRC, sizeof(buf[0]), cmp_double);
			*sink += buf[NSRC];
		}
		t = now() - t0;
	} while (t < seconds);
	return t / n;
}

int
main(int argc, char **argv)
{
	static const char codes[] = " x.-+#*o";
	double seconds = argc > 1 ? atof(argv[1]) : 1.0, sink = 0.0, ts, tq;
	struct sel_conf c;
	struct sel_result r;
	int count[8] = { 0 }, i, j;

	if (!(seconds > 0.0 && seconds <= 4.0)) {
		fprintf(stderr, "usage: bench_select [seconds, at most 4]\n");
		return 2;
	}
	sel_default_conf(&c);
	for (i = 0; i < NSETS; i++) {
		make_set(sets[i]);
		sel_run(&c, sets[i], NSRC, -1, &r);
		for (j = 0; j < NSRC; j++) {
			count[sets[i][j].tally]++;
			ends[i][2 * j] = sets[i][j].offset - sets[i][j].distance;
			ends[i][2 * j + 1] = sets[i][j].offset + sets[i][j].distance;
		}
	}
	printf("%d sets of %d sources, tallies over all sets:", NSETS, NSRC);
	for (i = 0; i < 8; i++)
		if (count[i] > 0)
			printf("  '%c' %d", codes[i], count[i]);
	printf("\n");

	/* Warm up, then measure the two in turn, twice, keeping the best. */
	time_select(&c, 0.1, &r);
	ts = time_select(&c, seconds, &r);
	tq = time_qsort(seconds, &sink);
	ts = fmin(ts, time_select(&c, seconds, &r));
	tq = fmin(tq, time_qsort(seconds, &sink));

	printf("sel_run, %d sources:          %8.3f us per selection\n", NSRC, ts * 1e6);
	printf("reference: qsort of %d ends: %8.3f us  (sel_run = %.1f x qsort)\n", 2 * NSRC,
	    tq * 1e6, ts / tq);
	printf("target: < %.0f us per selection: %.3f us  %s\n", TARGET_US, ts * 1e6,
	    ts * 1e6 < TARGET_US ? "met" : "NOT MET");
	if (sink == 12345.678)
		printf("\n");  /* keeps the qsort results alive */
	return ts * 1e6 < TARGET_US ? 0 : 1;
}
