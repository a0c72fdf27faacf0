/*
 * ppsgen: the PPS edges gpssim reports, as a kernel PPS capture would.
 *
 * Pure: no I/O and no clock reads.  An edge starts a whole second of the
 * receiver's time; the host's capture of it (struct pps_edge, sent on in
 * chrony's SOCK format) carries the host clock's time of the edge, which is
 * that second's boundary on the host clock plus a constant offset and
 * Gaussian jitter, and never the moment the simulator happened to wake up:
 * as with RFC 2783, delivery latency does not move the timestamp.  The
 * sample's offset is true time minus that timestamp.
 *
 * The random source is the caller's seed, so one seed gives one sequence.
 */
#ifndef OUTPOST_PPSGEN_H
#define OUTPOST_PPSGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "pps.h"

#define PPSGEN_DEFAULT_JITTER 1e-6

struct ppsgen {
	double offset;              /* s added to every timestamp */
	double jitter;              /* s, standard deviation */
	uint32_t rng;
	bool have_spare;            /* Box-Muller makes two normals at a time */
	double spare;
};

void ppsgen_init(struct ppsgen *g, double offset, double jitter, uint32_t seed);

/* A standard normal deviate (mean 0, standard deviation 1). */
double ppsgen_gauss(struct ppsgen *g);

/*
 * The capture of the edge at host-clock second host_sec, which starts the
 * receiver's (true) second true_sec; leap: 0 none, 1 a second will be
 * inserted at the end of this UTC day, 2 deleted.  Sets pulse.
 */
void ppsgen_edge(struct ppsgen *g, time_t host_sec, time_t true_sec, int leap,
    struct pps_edge *e);

#endif
