/*
 * clock_sim: a simulated system clock in virtual time, for tests and
 * benchmarks.  Nothing here reads or changes a real clock.
 *
 * The test owns true time and moves it with clock_sim_advance().  The local
 * clock reads true time + phase, where phase (local - true, seconds) grows by
 *   (oscillator error + frequency correction) * elapsed
 * plus the slews and steps applied through the clock interface.  Slews follow
 * adjtime(2): at most max_slew_ppm * elapsed per interval, a new one
 * replacing the remainder of the old.
 *
 * The oscillator's frequency error is a random walk: over an interval of t
 * seconds it changes by a normal variate of standard deviation
 * wander * sqrt(t) ppm, so wander is in ppm/sqrt(s) (1e-3 is a plausible
 * indoor crystal; its Allan deviation over 1000 s is then ~2e-8).  The walk
 * is drawn at most once per simulated second, so runs are reproducible for
 * a given seed and sequence of advances.
 *
 * clock_rng is the small generator behind it (splitmix64, Box-Muller),
 * exported so tests draw their measurement noise reproducibly too.
 */
#ifndef OUTPOST_CLOCK_SIM_H
#define OUTPOST_CLOCK_SIM_H

#include <stdint.h>
#include <time.h>

#include "clock.h"

struct clock_rng {
	uint64_t state;
	double spare;  /* second Box-Muller variate */
	int have_spare;
};

void clock_rng_seed(struct clock_rng *r, uint64_t seed);
uint64_t clock_rng_next(struct clock_rng *r);
double clock_rng_uniform(struct clock_rng *r);  /* in (0, 1) */
double clock_rng_gauss(struct clock_rng *r);    /* mean 0, standard deviation 1 */

struct clock_sim_config {
	struct timespec start;  /* true time at the start */
	double offset;          /* local - true at the start, seconds */
	double freq_error_ppm;  /* oscillator error at the start; + runs fast */
	double wander;          /* ppm/sqrt(s), see above; 0 for a steady oscillator */
	double max_slew_ppm;    /* 0: CLOCK_KERNEL_SLEW_PPM */
	uint64_t seed;
};

struct clock_sim {
	struct clock clock;
	struct timespec true_time;
	double phase;         /* local - true, seconds */
	double osc_ppm;       /* oscillator error now */
	double freq_ppm;      /* correction in force */
	double slew_pending;  /* seconds still to slew */
	double max_slew_ppm;
	double wander;
	struct clock_rng rng;
	unsigned long steps;
	enum clock_leap leap;  /* armed, not simulated: tests read it */
};

void clock_sim_init(struct clock_sim *s, const struct clock_sim_config *cfg);
/* Move true time forward by seconds (>= 0; others are ignored). */
void clock_sim_advance(struct clock_sim *s, double seconds);
struct timespec clock_sim_true_time(const struct clock_sim *s);
/* Local - true now, seconds: the error the discipline tries to remove. */
double clock_sim_offset(const struct clock_sim *s);
/* The oscillator's own error now, ppm, before correction. */
double clock_sim_osc_ppm(const struct clock_sim *s);

#endif
