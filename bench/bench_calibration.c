/*
 * bench_calibration: how close the auto-calibrated NMEA delay gets to the
 * truth, in virtual time, through gnss/refclock.c exactly as stratumd uses it.
 *
 * The receiver: PPS at each true second (edge timestamp jitter sigma 1 us);
 * the burst for that second starts D later, with the MTK's burst timing
 * jitter (Gaussian sigma 2 ms) and, one second in 20, a burst 50..300 ms
 * late (a busy receiver, a lost first sentence).  The local clock runs
 * 100 ppm fast and starts 37 ms off.  Prints, for D = 0.3 .. 0.95 s, the
 * calibration error after 60 s and after 600 s (the target: within
 * 1 ms after 10 minutes).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refclock.h"
#include "tsmath.h"

#define T0 1795608000

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

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

static struct timespec
local_at(double true_rel)
{
	double local = true_rel * (1 + 100e-6) + 0.037;
	return ts_add((struct timespec){ T0, 0 }, ts_from_double(local));
}

static struct nmea_msg
rmc(time_t s)
{
	struct nmea_msg m;
	struct tm tm;

	memset(&m, 0, sizeof(m));
	gmtime_r(&s, &tm);
	m.type = NMEA_RMC;
	m.u.rmc.time = (struct nmea_time){ true, tm.tm_hour, tm.tm_min, tm.tm_sec, 0 };
	m.u.rmc.date = (struct nmea_date){ true, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
	m.u.rmc.status = 'A';
	return m;
}

int
main(void)
{
	const double delays[] = { 0.30, 0.45, 0.50, 0.65, 0.80, 0.95 };
	double worst60 = 0, worst600 = 0;

	printf("%-8s %-14s %-14s\n", "D (s)", "error @60 s", "error @600 s");
	for (size_t k = 0; k < sizeof(delays) / sizeof(delays[0]); k++) {
		struct refclock rc;
		struct refclock_conf conf = { 0 };
		struct refclock_sample smp;
		double d = delays[k], e60 = NAN, e600 = NAN, est;

		refclock_init(&rc, &conf);
		for (int i = 0; i <= 600; i++) {
			refclock_pps(&rc, local_at(i + 1e-6 * gauss()), &smp);
			double b = d + 0.002 * gauss();
			if (uniform() < 0.05)
				b += 0.05 + 0.25 * uniform();
			if (b > 0.999)
				b = 0.999;
			struct nmea_msg m = rmc(T0 + i);
			refclock_nmea(&rc, &m, local_at(i + b), &smp);
			/* the delay is measured on the local clock: 100 ppm longer */
			if (i == 60 && refclock_delay(&rc, &est))
				e60 = est / (1 + 100e-6) - d;
			if (i == 600 && refclock_delay(&rc, &est))
				e600 = est / (1 + 100e-6) - d;
		}
		printf("%-8.2f %+10.3f ms  %+10.3f ms\n", d, e60 * 1e3, e600 * 1e3);
		worst60 = fmax(worst60, fabs(e60));
		worst600 = fmax(worst600, fabs(e600));
	}
	printf("worst |error| after 60 s: %.3f ms; after 600 s: %.3f ms (target < 1 ms)\n",
	    worst60 * 1e3, worst600 * 1e3);
	return worst600 < 1e-3 ? 0 : 1;
}
