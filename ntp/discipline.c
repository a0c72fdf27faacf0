/*
 * discipline: least-squares frequency and phase estimation on offsets with
 * the loop's own corrections taken out, see discipline.h.
 *
 * Time axis: seconds of local clock since l->epoch.  A step moves the epoch
 * with the clock, so the axis stays continuous.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "discipline.h"
#include "fpmath.h"
#include "tsmath.h"

/* Skew assumed before anything is known, ppm. */
#define UNKNOWN_SKEW_PPM 100.0
/* Points needed before the jitter is trusted to call outliers. */
#define OUTLIER_MIN_POINTS 6
/* Points needed before the jitter is taken from the fit alone. */
#define FIT_MIN_POINTS 5
/* Once locked, lost only above this multiple of lock_offset. */
#define UNLOCK_FACTOR 10.0
/* Locked within this many of the sample's declared errors, at least. */
#define LOCK_ERRORS 3.0
/* Least declared error a point is weighed by, s. */
#define ERROR_FLOOR 1e-9
/*
 * How fast the frequency held grows less certain, ppm/sqrt(s): a crystal
 * of 0.5 ppm/degree in a room whose temperature moves a degree in ten
 * minutes wanders about 0.02 ppm/sqrt(s); half that is what an indoor box
 * sees.  It decides how long a known frequency outweighs a noisy source:
 * after PPS stops, NMEA's millisecond samples (a 64-second line through
 * them is good to several ppm) need hours to move it.
 */
#define FREQ_WANDER_PPM 0.01
/* Updates the wander estimate averages over (ntpd's CLOCK_AVG). */
#define WANDER_AVG 8.0

void
disc_default_config(struct disc_config *cfg)
{
	cfg->step_threshold = 0.128;
	cfg->step_updates = 3;
	cfg->window = 64;
	cfg->outlier_factor = 5.0;
	cfg->outlier_floor = 1e-7;
	cfg->outlier_max = 8;
	cfg->lock_offset = 1e-4;
	cfg->holdover_after = 8.0;
	cfg->unsync_after = 3600.0;
	cfg->clock_error_ppm = 1.0;
}

static bool
config_ok(const struct disc_config *c)
{
	return c->step_threshold >= 0.0 && c->step_updates >= 0 && c->window >= 4 &&
	    c->window <= DISC_MAX_WINDOW && c->outlier_factor > 0.0 &&
	    c->outlier_floor >= 0.0 && c->outlier_max >= 1 && c->lock_offset > 0.0 &&
	    c->holdover_after > 0.0 && c->unsync_after >= c->holdover_after &&
	    c->clock_error_ppm >= 0.0 && isfinite(c->step_threshold) &&
	    isfinite(c->unsync_after) && isfinite(c->clock_error_ppm);
}

static double
rel(const struct disc *l, struct timespec t)
{
	return ts_to_double(ts_sub(t, l->epoch));
}

/* Total correction the loop has applied to the clock by time t. */
static double
applied(const struct disc *l, double t)
{
	const struct disc_segment *g = &l->seg;
	double dt, lim;

	if (!l->controlled)
		return 0.0;
	if (t < g->t)
		g = &l->prev;
	dt = fp_max(0.0, t - g->t);
	lim = l->max_slew_ppm * 1e-6 * dt;
	return g->applied + g->freq_ppm * 1e-6 * dt + fp_max(-lim, fp_min(lim, g->slew));
}

/* Uncorrected offset predicted by the fit at time t. */
static double
predict(const struct disc *l, double t)
{
	return l->mean_u + l->slope * (t - l->mean_t);
}

int
disc_init(struct disc *l, const struct disc_config *cfg, struct clock *clk,
    const struct driftfile *drift)
{
	struct clock_status st;

	if (!config_ok(cfg)) {
		errno = EINVAL;
		return -1;
	}
	memset(l, 0, sizeof(*l));
	l->cfg = *cfg;
	l->clock = clk;
	if (clock_status(clk, &st) < 0 || clock_now(clk, &l->epoch) < 0)
		return -1;
	l->controlled = st.controlled;
	l->max_slew_ppm = st.max_slew_ppm;
	l->seg.freq_ppm = drift != NULL ? drift->freq_ppm : st.freq_ppm;
	l->skew_ppm = drift != NULL ? drift->skew_ppm : UNKNOWN_SKEW_PPM;
	l->freq_var = l->skew_ppm * l->skew_ppm;
	l->slope = -l->seg.freq_ppm * 1e-6;
	l->prev = l->seg;
	l->interval = 1.0;
	if (clock_set_freq(clk, l->seg.freq_ppm) < 0 || clock_slew(clk, 0.0) < 0)
		return -1;
	return 0;
}

/* Samples stopped: holdover_after, or three sample intervals of a source
 * that is polled less often (an NTP server every 64 s or more). */
static double
holdover_after(const struct disc *l)
{
	return fp_max(l->cfg.holdover_after, 3.0 * l->interval);
}

void
disc_set_interval(struct disc *l, double seconds)
{
	l->interval = seconds > 0.0 && isfinite(seconds) ? seconds : 1.0;
}

static void
push(struct disc *l, double t, double u, double error)
{
	int i;

	if (l->n == l->cfg.window) {
		l->head = (l->head + 1) % DISC_MAX_WINDOW;
		l->n--;
	}
	i = (l->head + l->n) % DISC_MAX_WINDOW;
	l->pt[i] = t;
	l->pu[i] = u;
	error = fp_max(error, ERROR_FLOOR);
	l->pw[i] = 1.0 / (error * error);
	l->n++;
}

/*
 * The frequency the window's line gives (slope_fit, variance var_fit, both
 * in s/s) combined with the estimate already held, by inverse variance.
 * The held one has grown less certain since it was made (the oscillator
 * wanders); the result claims no more certainty than the better of the
 * two, as the window's points were mostly counted last time too.
 */
static void
combine_frequency(struct disc *l, double slope_fit, double var_fit)
{
	double var_old = l->freq_var * 1e-12;

	if (!(var_fit > 0.0) || !isfinite(var_fit))
		return;
	l->slope = (l->slope / var_old + slope_fit / var_fit) / (1.0 / var_old + 1.0 / var_fit);
	l->freq_var = fp_min(var_old, var_fit) * 1e12;
}

/*
 * Fit the line through the window, each point weighed by its declared
 * error (PPS's microsecond next to NMEA's milliseconds counts a million
 * times more), and fold its slope into the frequency held.  error: the
 * latest sample's, which stands in for the scatter while there are too
 * few points to see it.  The scatter is measured in units of the declared
 * errors (1: as scattered as the sources say), so a source that
 * understates its error is still judged by what it does.
 */
static void
fit(struct disc *l, double error, double t_now)
{
	double sw = 0.0, st = 0.0, su = 0.0, sxy = 0.0, sxx = 0.0, ssr = 0.0;
	double dt, du, r, scale, slope_fit;
	int i, k;

	if (t_now > l->freq_t)
		l->freq_var += FREQ_WANDER_PPM * FREQ_WANDER_PPM * (t_now - l->freq_t);
	l->freq_t = t_now;
	for (k = 0; k < l->n; k++) {
		i = (l->head + k) % DISC_MAX_WINDOW;
		sw += l->pw[i];
		st += l->pw[i] * l->pt[i];
		su += l->pw[i] * l->pu[i];
	}
	l->mean_t = st / sw;
	l->mean_u = su / sw;
	if (l->n < 2) {
		/* One point: the frequency held is the best slope known. */
		l->jitter = error;
		l->pred_error = error;
		l->skew_ppm = sqrt(l->freq_var);
		return;
	}
	for (k = 0; k < l->n; k++) {
		i = (l->head + k) % DISC_MAX_WINDOW;
		dt = l->pt[i] - l->mean_t;
		du = l->pu[i] - l->mean_u;
		sxx += l->pw[i] * dt * dt;
		sxy += l->pw[i] * dt * du;
	}
	slope_fit = sxy / sxx;
	for (k = 0; k < l->n; k++) {
		i = (l->head + k) % DISC_MAX_WINDOW;
		r = l->pu[i] - l->mean_u - slope_fit * (l->pt[i] - l->mean_t);
		ssr += l->pw[i] * r * r;
	}
	scale = l->n > 2 ? ssr / (l->n - 2) : 0.0;
	if (l->n < FIT_MIN_POINTS)
		scale = fp_max(scale, 1.0);
	combine_frequency(l, slope_fit, scale / sxx);
	l->jitter = sqrt(scale * l->n / sw);
	l->skew_ppm = sqrt(l->freq_var);
	dt = t_now - l->mean_t;
	l->pred_error = sqrt(scale / sw + dt * dt * l->freq_var * 1e-12);
}

/* Further from the line than the window's scatter, or the sample's own
 * error if that is larger (NMEA's samples beside a PPS line), allow. */
static bool
is_outlier(const struct disc *l, double t, double u, double error)
{
	double limit;

	if (l->n < OUTLIER_MIN_POINTS)
		return false;
	limit = fp_max(l->cfg.outlier_factor * fp_max(l->jitter, error), l->cfg.outlier_floor);
	return fabs(u - predict(l, t)) > limit;
}

static void
new_segment(struct disc *l, double t, double freq_ppm, double slew, double extra)
{
	struct disc_segment g;

	g.t = t;
	g.applied = applied(l, t) + extra;
	g.freq_ppm = freq_ppm;
	g.slew = slew;
	l->prev = l->seg;
	l->seg = g;
}

static void
note_sample(struct disc *l, double t)
{
	l->last_t = t;
	l->have_sample = true;
	l->updates++;
}

static enum disc_result
step(struct disc *l, double tk, double tp, double u, const struct disc_sample *s)
{
	double d = -(s->offset + applied(l, tp) - applied(l, tk));

	if (clock_step(l->clock, d) < 0)
		return DISC_CLOCK_ERROR;
	new_segment(l, tp, l->seg.freq_ppm, 0.0, d);
	/* The clock jumped by d: the epoch moves along, the axis does not. */
	if (l->controlled)
		l->epoch = ts_add(l->epoch, ts_from_double(d));
	l->steps++;
	l->n = 0;
	push(l, tk, u, s->error);
	fit(l, s->error, tp);
	note_sample(l, tk);
	return DISC_STEPPED;
}

/* ntpd's clock_stability: the square of each frequency change, averaged
 * exponentially over WANDER_AVG updates.  The first update's change is
 * from the drift file's frequency (or none), not a wander. */
static void
note_wander(struct disc *l, double dfreq_ppm)
{
	if (l->updates == 0)
		return;
	l->wander_var += (dfreq_ppm * dfreq_ppm - l->wander_var) / WANDER_AVG;
}

static enum disc_result
correct(struct disc *l, double tk, double tp, double error)
{
	double freq = -l->slope * 1e6, offset;

	freq = fp_max(-CLOCK_MAX_FREQ_PPM, fp_min(CLOCK_MAX_FREQ_PPM, freq));
	offset = predict(l, tp) + applied(l, tp);
	if (clock_set_freq(l->clock, freq) < 0 || clock_slew(l->clock, -offset) < 0)
		return DISC_CLOCK_ERROR;
	note_wander(l, freq - l->seg.freq_ppm);
	new_segment(l, tp, freq, -offset, 0.0);
	/* A source can only be followed to within its own error: an NTP
	 * server's milliseconds lock as PPS's microseconds do. */
	double lock = fp_max(l->cfg.lock_offset, LOCK_ERRORS * error);
	if (fabs(offset) < lock && l->n >= 4)
		l->locked = true;
	else if (fabs(offset) > UNLOCK_FACTOR * lock)
		l->locked = false;
	note_sample(l, tk);
	return DISC_ACCEPTED;
}

enum disc_result
disc_update(struct disc *l, const struct disc_sample *s)
{
	struct timespec now;
	double tk, tp, u;

	if (!isfinite(s->offset) || !isfinite(s->error) || s->error < 0.0)
		return DISC_INVALID;
	if (clock_now(l->clock, &now) < 0)
		return DISC_CLOCK_ERROR;
	tp = rel(l, now);
	tk = rel(l, s->when);
	if ((l->have_sample && tk <= l->last_t) || tk > tp + 1.0)
		return DISC_INVALID;
	u = s->offset - applied(l, tk);

	if (l->cfg.step_threshold > 0.0 && l->updates < (unsigned long)l->cfg.step_updates &&
	    fabs(s->offset) > l->cfg.step_threshold)
		return step(l, tk, tp, u, s);

	/* After a gap the old points say little about the oscillator now. */
	if (l->have_sample && tk - l->last_t > holdover_after(l))
		l->n = 0;
	if (is_outlier(l, tk, u, s->error)) {
		l->outliers++;
		if (++l->outlier_run < l->cfg.outlier_max)
			return DISC_OUTLIER;
		l->n = 0; /* the reference really moved: start again from here */
	}
	l->outlier_run = 0;
	push(l, tk, u, s->error);
	fit(l, s->error, tp);
	return correct(l, tk, tp, s->error);
}

void
disc_status(const struct disc *l, struct timespec now, struct disc_status *st)
{
	double t = rel(l, now), age;

	memset(st, 0, sizeof(*st));
	st->freq_ppm = l->seg.freq_ppm;
	st->skew_ppm = l->skew_ppm;
	st->wander_ppm = sqrt(l->wander_var);
	st->jitter = l->jitter;
	st->samples = l->n;
	st->updates = l->updates;
	st->outliers = l->outliers;
	st->steps = l->steps;
	if (!l->have_sample) {
		st->state = DISC_UNSET;
		st->since_update = -1.0;
		return;
	}
	age = fp_max(0.0, t - l->last_t);
	st->since_update = age;
	st->offset = predict(l, t) + applied(l, t);
	st->error = l->pred_error + (3.0 * l->skew_ppm + l->cfg.clock_error_ppm) * 1e-6 * age;
	if (age > l->cfg.unsync_after)
		st->state = DISC_UNSYNC;
	else if (age > holdover_after(l))
		st->state = l->locked ? DISC_HOLDOVER : DISC_UNSYNC;
	else
		st->state = l->locked ? DISC_LOCKED : DISC_STARTUP;
}

void
disc_drift(const struct disc *l, struct driftfile *d)
{
	d->freq_ppm = l->seg.freq_ppm;
	d->skew_ppm = fp_min(l->skew_ppm, DRIFTFILE_MAX_SKEW_PPM);
}

const char *
disc_state_name(enum disc_state st)
{
	switch (st) {
	case DISC_UNSET:
		return "unset";
	case DISC_STARTUP:
		return "startup";
	case DISC_LOCKED:
		return "locked";
	case DISC_HOLDOVER:
		return "holdover";
	case DISC_UNSYNC:
		return "unsynchronised";
	}
	return "?";
}
