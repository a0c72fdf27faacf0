/*
 * select: fit sources, intersection, clustering, system peer, PPS and the
 * combined offset, see select.h.  Every step works on arrays of source
 * indices on the stack: at most SEL_MAX sources, nothing allocated.
 */
#include <math.h>
#include <stddef.h>

#include "fpmath.h"
#include "select.h"

/* The fit sources' intervals, each end sorted on its own. */
struct intervals {
	double lo[SEL_MAX], hi[SEL_MAX];
	int m;
};

/* A set of sources by index: the fit ones, or the cluster. */
struct set {
	int idx[SEL_MAX];
	int n;
};

void
sel_default_conf(struct sel_conf *c)
{
	c->minsane = 1;
	c->minclock = 3;
	c->maxclock = 10;
	c->maxdist = 1.5;
	c->mindist = 0.001;
}

char
sel_tally_char(enum sel_tally t)
{
	static const char codes[] = " x.-+#*o";

	if ((unsigned)t >= sizeof(codes) - 1)
		return '?';
	return codes[t];
}

const char *
sel_status_name(enum sel_status s)
{
	switch (s) {
	case SEL_OK:
		return "ok";
	case SEL_NONE:
		return "no fit source";
	case SEL_NO_MAJORITY:
		return "no majority";
	case SEL_TOO_FEW:
		return "too few truechimers";
	}
	return "?";
}

const char *
sel_unfit_name(enum sel_unfit u)
{
	switch (u) {
	case SEL_FIT:
		return "fit";
	case SEL_UNREACHABLE:
		return "unreachable";
	case SEL_NOSELECT:
		return "noselect";
	case SEL_UNSYNC:
		return "not synchronised";
	case SEL_STRATUM:
		return "stratum too high";
	case SEL_LOOP:
		return "synchronised to us";
	case SEL_DISTANCE:
		return "distance too large";
	}
	return "?";
}

static double
root_distance(const struct sel_conf *c, const struct sel_source *s)
{
	/* disp is already aged to now: no PHI * age on top of it. */
	double d = (s->delay + s->rootdelay) / 2.0 + s->rootdisp + s->disp + s->jitter;

	/* Not fmax: it would turn a NaN into mindist, the best distance. */
	return d < c->mindist ? c->mindist : d;
}

static enum sel_unfit
fitness(const struct sel_conf *c, const struct sel_source *s)
{
	if (!s->reachable)
		return SEL_UNREACHABLE;
	if (s->noselect)
		return SEL_NOSELECT;
	if (s->leap == 3)
		return SEL_UNSYNC;
	if (s->stratum >= SEL_MAXSTRATUM)
		return SEL_STRATUM;
	if (s->loop)
		return SEL_LOOP;
	/* Written so that a NaN anywhere fails: network numbers never sort. */
	if (!isfinite(s->offset) || !(s->distance < c->maxdist + SEL_PHI * s->age))
		return SEL_DISTANCE;
	return SEL_FIT;
}

/* Insertion sort: n <= SEL_MAX, and qsort may allocate. */
static void
sort_doubles(double *v, int n)
{
	double x;
	int i, j;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * The lowest point k intervals reach is a lower end: at lo[j], j + 1 have
 * begun and those whose upper end lies below it have ended.  (Equal lower
 * ends undercount at the first of them, and the last gives the same point.)
 */
static bool
lowest_reached(const struct intervals *iv, int k, double *x)
{
	int j, ended = 0;

	for (j = 0; j < iv->m; j++) {
		while (ended < iv->m && iv->hi[ended] < iv->lo[j])
			ended++;
		if (j + 1 - ended >= k) {
			*x = iv->lo[j];
			return true;
		}
	}
	return false;
}

/* The same from the top: the highest point k intervals reach. */
static bool
highest_reached(const struct intervals *iv, int k, double *x)
{
	int j, begun = 0, m = iv->m;

	for (j = m - 1; j >= 0; j--) {
		while (begun < m && iv->lo[m - 1 - begun] > iv->hi[j])
			begun++;
		if (m - j - begun >= k) {
			*x = iv->hi[j];
			return true;
		}
	}
	return false;
}

/* Step 2: [low, high], the interval a majority shares; false if none. */
static bool
intersect(const struct sel_source *src, const struct set *fit, double *low, double *high)
{
	struct intervals iv;
	const struct sel_source *s;
	int i, allow;

	iv.m = fit->n;
	for (i = 0; i < fit->n; i++) {
		s = &src[fit->idx[i]];
		iv.lo[i] = s->offset - s->distance;
		iv.hi[i] = s->offset + s->distance;
	}
	sort_doubles(iv.lo, iv.m);
	sort_doubles(iv.hi, iv.m);
	for (allow = 0; 2 * allow < iv.m; allow++) {
		if (lowest_reached(&iv, iv.m - allow, low) &&
		    highest_reached(&iv, iv.m - allow, high) && *low <= *high)
			return true;
	}
	return false;
}

/*
 * Selection jitter of every member: the RMS of its offset's distances to
 * the others'.  Sum over j of (x_i - x_j)^2 = n (x_i - mean)^2 + sum over j
 * of (x_j - mean)^2, so a round costs O(n), not O(n^2); centring on the mean
 * keeps the sums free of cancellation.
 */
static void
selection_jitter(struct sel_source *src, const struct set *cl)
{
	double mean = 0.0, spread = 0.0, d;
	int i;

	for (i = 0; i < cl->n; i++)
		mean += src[cl->idx[i]].offset;
	mean /= cl->n;
	for (i = 0; i < cl->n; i++) {
		d = src[cl->idx[i]].offset - mean;
		spread += d * d;
	}
	for (i = 0; i < cl->n; i++) {
		d = src[cl->idx[i]].offset - mean;
		src[cl->idx[i]].seljit =
		    cl->n > 1 ? sqrt((cl->n * d * d + spread) / (cl->n - 1)) : 0.0;
	}
}

/* The member clustering drops next (largest seljit * lambda, never a
 * prefer source), or -1 when it should stop. */
static int
worst_member(const struct sel_source *src, const struct set *cl)
{
	double maxsj = 0.0, minjit = HUGE_VAL, e, worst = -1.0;
	const struct sel_source *s;
	int i, k = -1;

	for (i = 0; i < cl->n; i++) {
		s = &src[cl->idx[i]];
		maxsj = fp_max(maxsj, s->seljit);
		minjit = fp_min(minjit, s->jitter);
		e = s->seljit * s->distance;
		if (!s->prefer && e > worst) {
			worst = e;
			k = i;
		}
	}
	/* The spread no longer exceeds what the best source alone shows:
	 * dropping more would only lose averaging. */
	if (!(maxsj > minjit))
		return -1;
	return k;
}

/* Step 4: cl holds the non-PPS truechimers; it is left with the survivors. */
static void
cluster(const struct sel_conf *c, struct sel_source *src, struct set *cl)
{
	int floor = c->minclock > 1 ? c->minclock : 1;
	int k, i;

	for (;;) {
		selection_jitter(src, cl);
		if (cl->n <= floor || (k = worst_member(src, cl)) < 0)
			return;
		src[cl->idx[k]].tally = cl->n > c->maxclock ? SEL_EXCESS : SEL_OUTLIER;
		for (i = k; i < cl->n - 1; i++)
			cl->idx[i] = cl->idx[i + 1];
		cl->n--;
	}
}

static double
peer_metric(const struct sel_conf *c, const struct sel_source *s)
{
	return s->stratum * c->mindist + s->distance;
}

/* Step 5: the index in src of the system peer among the survivors. */
static int
choose_peer(const struct sel_conf *c, const struct sel_source *src, const struct set *cl,
    int prev)
{
	int i, j, best = -1, best_prefer = -1, minstratum = SEL_MAXSTRATUM;
	bool prev_survives = false;

	for (i = 0; i < cl->n; i++) {
		j = cl->idx[i];
		if (best < 0 || peer_metric(c, &src[j]) < peer_metric(c, &src[best]))
			best = j;
		if (src[j].prefer && (best_prefer < 0 ||
		    peer_metric(c, &src[j]) < peer_metric(c, &src[best_prefer])))
			best_prefer = j;
		if (src[j].stratum < minstratum)
			minstratum = src[j].stratum;
		if (j == prev)
			prev_survives = true;
	}
	if (best_prefer >= 0)
		return best_prefer;
	/* Hopping between near-equal peers would put their difference into
	 * the clock at every hop. */
	if (prev_survives && src[prev].stratum <= minstratum)
		return prev;
	return best;
}

/* Step 7 without PPS: the survivors' offset and the system jitter. */
static void
combine(const struct sel_source *src, const struct set *cl, int sys, struct sel_result *r)
{
	double w, sw = 0.0, swx = 0.0, swd = 0.0, d;
	int i;

	for (i = 0; i < cl->n; i++) {
		w = 1.0 / src[cl->idx[i]].distance;
		sw += w;
		swx += w * src[cl->idx[i]].offset;
	}
	/* A prefer source is followed alone: the operator trusts it more. */
	r->offset = src[sys].prefer ? src[sys].offset : swx / sw;
	for (i = 0; i < cl->n; i++) {
		d = src[cl->idx[i]].offset - r->offset;
		swd += d * d / src[cl->idx[i]].distance;
	}
	r->jitter = sqrt(swd / sw + src[sys].seljit * src[sys].seljit);
}

/* Step 6: the PPS truechimer to follow, or -1.  others: whether r already
 * holds the other survivors' offset. */
static int
choose_pps(const struct sel_source *src, const struct set *fit, bool others,
    const struct sel_result *r)
{
	const struct sel_source *s;
	int i, best = -1;

	for (i = 0; i < fit->n; i++) {
		s = &src[fit->idx[i]];
		if (!s->pps || s->tally != SEL_CANDIDATE)
			continue;
		if (others && !(fabs(s->offset - r->offset) < SEL_PPS_WINDOW))
			continue;
		if (best < 0 || s->distance < src[best].distance)
			best = fit->idx[i];
	}
	return best;
}

/* Step 1, and the outputs every source gets whatever happens later. */
static void
find_fit(const struct sel_conf *c, struct sel_source *src, int n, struct set *fit)
{
	int i;

	fit->n = 0;
	for (i = 0; i < n; i++) {
		src[i].distance = root_distance(c, &src[i]);
		src[i].seljit = 0.0;
		src[i].unfit = fitness(c, &src[i]);
		src[i].tally = src[i].unfit == SEL_FIT ? SEL_CANDIDATE : SEL_REJECT;
		if (src[i].unfit == SEL_FIT)
			fit->idx[fit->n++] = i;
	}
}

/* Steps 2 and 3: falsetickers marked, the truechimers counted. */
static enum sel_status
find_truechimers(const struct sel_conf *c, struct sel_source *src, const struct set *fit,
    struct sel_result *r)
{
	double low, high;
	struct sel_source *s;
	bool majority;
	int i;

	if (fit->n == 0)
		return SEL_NONE;
	majority = intersect(src, fit, &low, &high);
	for (i = 0; i < fit->n; i++) {
		s = &src[fit->idx[i]];
		if (!majority || s->offset + s->distance < low || s->offset - s->distance > high)
			s->tally = SEL_FALSETICK;
		else
			r->ntrue++;
	}
	if (!majority)
		return SEL_NO_MAJORITY;
	return r->ntrue < c->minsane ? SEL_TOO_FEW : SEL_OK;
}

void
sel_run(const struct sel_conf *c, struct sel_source *src, int n, int prev_syspeer,
    struct sel_result *r)
{
	struct set fit, cl;
	int i, j, sys = -1, pps;

	if (n < 0)
		n = 0;
	if (n > SEL_MAX)
		n = SEL_MAX;
	r->syspeer = r->ppspeer = -1;
	r->offset = r->jitter = 0.0;
	r->ntrue = r->nsurvivors = 0;
	find_fit(c, src, n, &fit);
	r->nfit = fit.n;
	r->status = find_truechimers(c, src, &fit, r);
	if (r->status != SEL_OK)
		return;

	cl.n = 0;
	for (i = 0; i < fit.n; i++) {
		j = fit.idx[i];
		if (src[j].tally == SEL_CANDIDATE && !src[j].pps)
			cl.idx[cl.n++] = j;
	}
	if (cl.n > 0) {
		cluster(c, src, &cl);
		sys = choose_peer(c, src, &cl, prev_syspeer);
		src[sys].tally = SEL_SYSPEER;
		combine(src, &cl, sys, r);
	}
	pps = choose_pps(src, &fit, cl.n > 0, r);
	if (pps >= 0) {
		src[pps].tally = SEL_PPSPEER;
		r->offset = src[pps].offset;
		r->jitter = src[pps].jitter;
	}
	r->syspeer = sys;
	r->ppspeer = pps;
	r->nsurvivors = cl.n;
}
