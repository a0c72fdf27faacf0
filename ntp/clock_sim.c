/*
 * clock_sim: simulated oscillator, frequency correction and adjtime-style
 * slewing in virtual time.
 */
#include <math.h>
#include <string.h>

#include "clock_sim.h"
#include "tsmath.h"

#define TWO_PI 6.283185307179586

void
clock_rng_seed(struct clock_rng *r, uint64_t seed)
{
	r->state = seed;
	r->spare = 0.0;
	r->have_spare = 0;
}

uint64_t
clock_rng_next(struct clock_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double
clock_rng_uniform(struct clock_rng *r)
{
	/* 53 random bits, shifted off zero so log() below stays finite. */
	return ((double)(clock_rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

double
clock_rng_gauss(struct clock_rng *r)
{
	double u, v, m;

	if (r->have_spare) {
		r->have_spare = 0;
		return r->spare;
	}
	u = clock_rng_uniform(r);
	v = clock_rng_uniform(r);
	m = sqrt(-2.0 * log(u));
	r->spare = m * sin(TWO_PI * v);
	r->have_spare = 1;
	return m * cos(TWO_PI * v);
}

static struct clock_sim *
sim_of(struct clock *c)
{
	return (struct clock_sim *)c;
}

static int
sim_now(struct clock *c, struct timespec *ts)
{
	struct clock_sim *s = sim_of(c);

	*ts = ts_add(s->true_time, ts_from_double(s->phase));
	return 0;
}

static int
sim_set_freq(struct clock *c, double ppm)
{
	sim_of(c)->freq_ppm = ppm;
	return 0;
}

static int
sim_slew(struct clock *c, double seconds)
{
	sim_of(c)->slew_pending = seconds;
	return 0;
}

static int
sim_step(struct clock *c, double seconds)
{
	struct clock_sim *s = sim_of(c);

	s->phase += seconds;
	s->slew_pending = 0.0;
	s->steps++;
	return 0;
}

static int
sim_set_leap(struct clock *c, enum clock_leap leap)
{
	sim_of(c)->leap = leap;
	return 0;
}

static int
sim_status(struct clock *c, struct clock_status *st)
{
	struct clock_sim *s = sim_of(c);

	st->freq_ppm = s->freq_ppm;
	st->slew_pending = s->slew_pending;
	st->max_slew_ppm = s->max_slew_ppm;
	st->controlled = true;
	return 0;
}

static const struct clock_ops sim_ops = {
	.name = "simulated",
	.now = sim_now,
	.set_freq = sim_set_freq,
	.slew = sim_slew,
	.step = sim_step,
	.set_leap = sim_set_leap,
	.status = sim_status,
};

void
clock_sim_init(struct clock_sim *s, const struct clock_sim_config *cfg)
{
	memset(s, 0, sizeof(*s));
	s->clock.ops = &sim_ops;
	s->true_time = ts_normalize(cfg->start);
	s->phase = cfg->offset;
	s->osc_ppm = cfg->freq_error_ppm;
	s->wander = cfg->wander > 0.0 ? cfg->wander : 0.0;
	s->max_slew_ppm = cfg->max_slew_ppm > 0.0 ? cfg->max_slew_ppm : CLOCK_KERNEL_SLEW_PPM;
	clock_rng_seed(&s->rng, cfg->seed);
}

/* One interval of at most a second: the oscillator's walk is drawn once. */
static void
advance_chunk(struct clock_sim *s, double dt)
{
	double osc0 = s->osc_ppm, limit, slew;

	if (s->wander > 0.0)
		s->osc_ppm += s->wander * sqrt(dt) * clock_rng_gauss(&s->rng);
	/* Trapezoid: the walk is taken as linear across the interval. */
	s->phase += ((osc0 + s->osc_ppm) / 2.0 + s->freq_ppm) * 1e-6 * dt;

	limit = s->max_slew_ppm * 1e-6 * dt;
	slew = fmax(-limit, fmin(limit, s->slew_pending));
	s->phase += slew;
	s->slew_pending -= slew;

	s->true_time = ts_add_ns(s->true_time, llround(dt * 1e9));
}

void
clock_sim_advance(struct clock_sim *s, double seconds)
{
	if (!(seconds > 0.0))
		return;
	while (seconds > 1.0) {
		advance_chunk(s, 1.0);
		seconds -= 1.0;
	}
	advance_chunk(s, seconds);
}

struct timespec
clock_sim_true_time(const struct clock_sim *s)
{
	return s->true_time;
}

double
clock_sim_offset(const struct clock_sim *s)
{
	return s->phase;
}

double
clock_sim_osc_ppm(const struct clock_sim *s)
{
	return s->osc_ppm;
}
