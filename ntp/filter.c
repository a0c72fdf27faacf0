/*
 * filter: the eight-stage clock filter of one source.
 */
#include <math.h>
#include <string.h>

#include "filter.h"
#include "fpmath.h"

#define SPIKE_MIN_VALID 5      /* valid stages before the spike gate applies */
#define SPIKE_WINDOW 128.0     /* s: two polls at the default minpoll */

void
filter_init(struct filter *f, double precision)
{
	memset(f, 0, sizeof(*f));
	f->precision = precision;
	f->disp = FILTER_MAXDISP;
	f->jitter = precision;
	f->t = -1.0;
	f->disp_t = -1.0;
	f->spike_window = SPIKE_WINDOW;
}

/* A stage's dispersion as of now: what it was when taken plus PHI for
 * every second since.  NaN and negative values count as "nothing known"
 * and nothing respectively, so garbage cannot poison the sums. */
static double
aged_disp(const struct filter_sample *s, double now)
{
	double age = now - s->t;
	double d = s->disp;

	if (!(d < FILTER_MAXDISP))
		return FILTER_MAXDISP;
	if (d < 0.0)
		d = 0.0;
	if (age > 0.0)
		d += FILTER_PHI * age;
	return d < FILTER_MAXDISP ? d : FILTER_MAXDISP;
}

/*
 * Order the stages for the choice: valid ones by delay, newest first when
 * delays are equal, then the dummies and empty stages newest first.  eps
 * receives each stage's dispersion as of now, by stage index.  Returns the
 * number of valid stages.
 */
static int
order_stages(const struct filter *f, double now, int ord[FILTER_STAGES],
    double eps[FILTER_STAGES])
{
	int m = 0;

	for (int i = 0; i < FILTER_STAGES; i++) {
		eps[i] = i < f->n ? aged_disp(&f->st[i], now) : FILTER_MAXDISP;
		if (eps[i] < FILTER_MAXDISP)
			m++;
	}
	/* Insertion sort of eight: stable, so index order breaks ties. */
	for (int i = 0; i < FILTER_STAGES; i++) {
		int k = i, j;

		for (j = i; j > 0; j--) {
			int o = ord[j - 1];
			bool ov = eps[o] < FILTER_MAXDISP, kv = eps[k] < FILTER_MAXDISP;

			if (ov && (!kv || f->st[o].delay <= f->st[k].delay))
				break;
			if (!ov && !kv)
				break;
			ord[j] = o;
		}
		ord[j] = k;
	}
	return m;
}

/* dispersion and jitter of the ordered stages, as of the newest sample. */
static int
summarise(struct filter *f, double now, int ord[FILTER_STAGES])
{
	double eps[FILTER_STAGES], disp = 0.0, sq = 0.0;
	int m = order_stages(f, now, ord, eps);

	for (int i = 0; i < FILTER_STAGES; i++)
		disp += eps[ord[i]] * fp_pow2(-(i + 1));
	for (int i = 1; i < m; i++) {
		double d = f->st[ord[i]].offset - f->st[ord[0]].offset;

		sq += d * d;
	}
	f->disp = disp;
	f->jitter = m > 1 ? sqrt(sq / (m - 1)) : 0.0;
	if (!(f->jitter >= f->precision))
		f->jitter = f->precision;
	f->disp_t = now;
	return m;
}

/* The popcorn gate: a sudden change of offset, soon after the last used
 * sample, is more likely a queueing spike than the clock moving.  The
 * measure is the jitter before the newcomer: against itself as the best
 * sample every old stage would look off by the spike, and nothing would
 * ever be one. */
static bool
is_spike(const struct filter *f, const struct filter_sample *best, int m, double jitter)
{
	if (f->used == 0 || m < SPIKE_MIN_VALID)
		return false;
	if (best->t - f->t >= f->spike_window)
		return false;
	return fabs(best->offset - f->offset) > FILTER_SGATE * jitter;
}

bool
filter_add(struct filter *f, const struct filter_sample *s)
{
	int ord[FILTER_STAGES], m;
	const struct filter_sample *best;
	double jitter = f->jitter;

	memmove(&f->st[1], &f->st[0], (FILTER_STAGES - 1) * sizeof(f->st[0]));
	f->st[0] = *s;
	if (f->n < FILTER_STAGES)
		f->n++;

	m = summarise(f, s->t, ord);
	if (m == 0)
		return false;
	best = &f->st[ord[0]];
	/* Never the same sample twice, nor one older than the last used. */
	if (f->used > 0 && !(best->t > f->t))
		return false;
	if (is_spike(f, best, m, jitter))
		return false;
	f->offset = best->offset;
	f->delay = best->delay;
	f->t = best->t;
	f->used++;
	return true;
}

void
filter_add_dummy(struct filter *f, double t)
{
	struct filter_sample s = { 0.0, 0.0, FILTER_MAXDISP, t };

	(void)filter_add(f, &s);
}

double
filter_disp_at(const struct filter *f, double now)
{
	double d = f->disp;

	if (f->disp_t < 0.0)
		return FILTER_MAXDISP;
	if (now > f->disp_t)
		d += FILTER_PHI * (now - f->disp_t);
	return d < FILTER_MAXDISP ? d : FILTER_MAXDISP;
}

int
filter_stages(const struct filter *f, double now, double *offset, double *delay,
    double *disp)
{
	for (int i = 0; i < FILTER_STAGES; i++) {
		bool full = i < f->n;

		offset[i] = full ? f->st[i].offset : 0.0;
		delay[i] = full ? f->st[i].delay : 0.0;
		disp[i] = full ? aged_disp(&f->st[i], now) : FILTER_MAXDISP;
	}
	return f->n;
}
