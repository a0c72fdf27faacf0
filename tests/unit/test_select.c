/*
 * select: source selection on synthetic sources whose answers are worked
 * out by hand in the comments.  Offsets and distances are in ms in the
 * arithmetic, s in the code.  A row of tallies reads as ntpq prints them,
 * one character per source in order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "select.h"

#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

/* Distances are built as disp + jitter, which may round by an ulp. */
#define TOL 1e-12

/*
 * A fit stratum-2 server whose root distance is lambda: delay, root delay
 * and root dispersion 0, so lambda = disp + jitter.
 */
static struct sel_source
server(double offset, double lambda, double jitter)
{
	struct sel_source s;

	memset(&s, 0, sizeof(s));
	s.offset = offset;
	s.disp = lambda - jitter;
	s.jitter = jitter;
	s.stratum = 2;
	s.reachable = true;
	return s;
}

/* A PPS reference clock: 1 us of jitter, so lambda is mindist, 1 ms. */
static struct sel_source
pps(double offset)
{
	struct sel_source s = server(offset, 0.0, 1e-6);

	s.disp = 0.0;
	s.stratum = 0;
	s.pps = true;
	return s;
}

static const char *
tallies(const struct sel_source *src, int n)
{
	static char buf[SEL_MAX + 1];
	int i;

	for (i = 0; i < n; i++)
		buf[i] = sel_tally_char(src[i].tally);
	buf[n] = '\0';
	return buf;
}

static void
run(struct sel_source *src, int n, int prev, struct sel_result *r)
{
	struct sel_conf c;

	sel_default_conf(&c);
	sel_run(&c, src, n, prev, r);
}

static void
test_one_falseticker_of_five(void **state)
{
	/*
	 * Intervals (ms): A [-10, 10], B [-9, 13], C [-13, 11], D [-10, 16],
	 * E [90, 110].  allow 0: no point is in all 5.  allow 1 (4 needed):
	 * lower ends -13 -10 -10 -9 90, at -9 four have begun and none ended:
	 * low = -9; upper ends from the top 110 16 13 11 10, at 10 four reach
	 * down and none begins above it: high = 10.  E misses [-9, 10].  The
	 * truechimers' selection jitters (at most 2.9 ms) stay below their
	 * 5 ms jitter, so none is clustered out; A has the least lambda.
	 */
	struct sel_source src[] = {
		server(0.000, 0.010, 0.005), server(0.002, 0.011, 0.005),
		server(-0.001, 0.012, 0.005), server(0.003, 0.013, 0.005),
		server(0.100, 0.010, 0.005),
	};
	struct sel_result r;

	(void)state;
	run(src, 5, -1, &r);
	assert_int_equal(r.status, SEL_OK);
	assert_string_equal(tallies(src, 5), "*+++x");
	assert_int_equal(r.nfit, 5);
	assert_int_equal(r.ntrue, 4);
	assert_int_equal(r.nsurvivors, 4);
	assert_int_equal(r.syspeer, 0);
	assert_int_equal(r.ppspeer, -1);
	assert_near(src[4].seljit, 0.0, 0.0);
}

static void
test_two_falsetickers_of_five(void **state)
{
	/*
	 * A [-10, 10], B [-9, 13], C [-13, 11], D [90, 110], E [-210, -190].
	 * The most any point reaches is 3, so allow 0 and 1 fail; allow 2
	 * (2 * 2 < 5, 3 needed): lower ends -210 -13 -10 -9 90; at -9 four
	 * have begun and E has ended: 3, low = -9.  Upper ends from the top
	 * 110 13 11 10 -190: at 10 four reach down, D begins above: 3, high =
	 * 10.  D and E miss [-9, 10].
	 */
	struct sel_source src[] = {
		server(0.000, 0.010, 0.005), server(0.002, 0.011, 0.005),
		server(-0.001, 0.012, 0.005), server(0.100, 0.010, 0.005),
		server(-0.200, 0.010, 0.005),
	};
	struct sel_result r;

	(void)state;
	run(src, 5, -1, &r);
	assert_int_equal(r.status, SEL_OK);
	assert_string_equal(tallies(src, 5), "*++xx");
	assert_int_equal(r.ntrue, 3);
	assert_int_equal(r.syspeer, 0);
}

static void
test_no_majority(void **state)
{
	/*
	 * A [-10, 10] and B [-8, 12] overlap; C, D, E sit alone at 100, 200,
	 * 300 ms.  No point is reached by 3 of 5, and allow 3 would not be a
	 * minority: no majority, every fit source a falseticker.
	 */
	struct sel_source src[] = {
		server(0.000, 0.010, 0.005), server(0.002, 0.010, 0.005),
		server(0.100, 0.010, 0.005), server(0.200, 0.010, 0.005),
		server(0.300, 0.010, 0.005),
	};
	struct sel_result r;

	(void)state;
	run(src, 5, 0, &r);
	assert_int_equal(r.status, SEL_NO_MAJORITY);
	assert_string_equal(tallies(src, 5), "xxxxx");
	assert_int_equal(r.nfit, 5);
	assert_int_equal(r.ntrue, 0);
	assert_int_equal(r.syspeer, -1);
	assert_int_equal(r.ppspeer, -1);
	assert_near(r.offset, 0.0, 0.0);
}

static void
test_two_disagreeing(void **state)
{
	/* Two fit sources: only allow 0 is a minority, and they do not meet. */
	struct sel_source src[] = { server(0.0, 0.010, 0.001), server(0.050, 0.010, 0.001) };
	struct sel_result r;

	(void)state;
	run(src, 2, -1, &r);
	assert_int_equal(r.status, SEL_NO_MAJORITY);
	assert_string_equal(tallies(src, 2), "xx");
}

static void
test_touching_intervals_meet(void **state)
{
	/* [-0.5, 0.5] and [0.5, 1.5] s share their end point: intervals are
	 * closed, so both are truechimers (0.25 s + 0.25 s is exact). */
	struct sel_source src[] = { server(0.0, 0.5, 0.25), server(1.0, 0.5, 0.25) };
	struct sel_result r;

	(void)state;
	run(src, 2, -1, &r);
	assert_int_equal(r.status, SEL_OK);
	assert_int_equal(r.ntrue, 2);
}

static void
test_prefer_survives_and_is_followed(void **state)
{
	/*
	 * Offsets (ms) P 8 (prefer, lambda 12), A 0, B 1, C -1, D 0.5 (lambda
	 * 10), jitter 0.1 ms: all intervals hold [-4, 9], five truechimers.
	 * Round 1, n = 5, seljit^2 = sum of squared distances / 4:
	 *   P: 64 + 49 + 81 + 56.25 = 250.25 -> 62.5625, seljit 7.910
	 *   A: 64 + 1 + 1 + 0.25 = 66.25 -> 16.5625, 4.070
	 *   B: 49 + 1 + 4 + 0.25 = 54.25 -> 13.5625, 3.683
	 *   C: 81 + 1 + 4 + 2.25 = 88.25 -> 22.0625, 4.697
	 *   D: 56.25 + 0.25 + 0.25 + 2.25 = 59 -> 14.75, 3.841
	 * 7.91 > 0.1: drop the largest seljit * lambda: P (0.0949) is prefer,
	 * so C (0.0470) goes, '-' (5 is not above maxclock 10).
	 * Round 2, n = 4, / 3: P 169.25 -> 7.511, A 65.25 -> 4.664, B 50.25
	 * -> 4.093, D 56.75 -> 4.349: A goes.  n = 3 = minclock: stop.
	 * Final seljit (/ 2): P 49 + 56.25 = 105.25 -> 52.625.
	 * P is system peer and its offset is the system offset.  Jitter, w =
	 * 1 / lambda: P 83.33, B 100, D 100, sum 283.33; sum w d^2 about 8 ms:
	 * 100 * 49e-6 + 100 * 56.25e-6 = 10.525e-3 s^2/s; / 283.33 =
	 * 3.7147e-5; + 52.625e-6 = 8.9772e-5; sqrt = 9.4748 ms.
	 */
	struct sel_source src[] = {
		server(0.008, 0.012, 1e-4), server(0.000, 0.010, 1e-4),
		server(0.001, 0.010, 1e-4), server(-0.001, 0.010, 1e-4),
		server(0.0005, 0.010, 1e-4),
	};
	struct sel_result r;

	(void)state;
	src[0].prefer = true;
	run(src, 5, 1, &r);
	assert_int_equal(r.status, SEL_OK);
	assert_string_equal(tallies(src, 5), "*-+-+");
	assert_int_equal(r.syspeer, 0);
	assert_int_equal(r.nsurvivors, 3);
	assert_near(src[3].seljit, sqrt(22.0625e-6), TOL);
	assert_near(src[1].seljit, sqrt(21.75e-6), TOL);
	assert_near(src[0].seljit, sqrt(52.625e-6), TOL);
	assert_near(r.offset, 0.008, 0.0);
	assert_near(r.jitter, sqrt(10.525e-3 * 3.0 / 850.0 + 52.625e-6), TOL);
	assert_near(r.jitter, 9.4748e-3, 1e-7);
}

static void
test_pps_agrees(void **state)
{
	/*
	 * Servers at 1, 1.5, 0.5 ms (lambda 10, 11, 12) and a PPS at 1.2 ms
	 * (lambda 1: [0.2, 2.2]): all four share [0.2, 2.2].  Three servers =
	 * minclock: no clustering; A is '*'.  The PPS is within 0.4 s of the
	 * servers' offset: 'o', and the clock follows it and its jitter.
	 */
	struct sel_source src[] = {
		server(0.0010, 0.010, 5e-4), server(0.0015, 0.011, 5e-4),
		server(0.0005, 0.012, 5e-4), pps(0.0012),
	};
	struct sel_result r;

	(void)state;
	run(src, 4, -1, &r);
	assert_int_equal(r.status, SEL_OK);
	assert_string_equal(tallies(src, 4), "*++o");
	assert_int_equal(r.syspeer, 0);
	assert_int_equal(r.ppspeer, 3);
	assert_int_equal(r.ntrue, 4);
	assert_int_equal(r.nsurvivors, 3);
	assert_near(src[3].distance, 0.001, 0.0);
	assert_near(src[3].seljit, 0.0, 0.0);
	assert_near(r.offset, 0.0012, 0.0);
	assert_near(r.jitter, 1e-6, 0.0);
}

static void
test_pps_window(void **state)
{
	/*
	 * Servers at -10, 0, 10 ms with lambda 600 ms: they all hold the PPS
	 * interval, so the PPS is a truechimer either way.  Equal weights:
	 * the servers say 0.  A PPS at 390 ms agrees (390 < 400) and is
	 * followed; one at 410 ms does not: '+', the servers' offset holds.
	 */
	struct sel_source src[] = {
		server(-0.010, 0.6, 0.05), server(0.0, 0.6, 0.05),
		server(0.010, 0.6, 0.05), pps(0.390),
	};
	struct sel_result r;

	(void)state;
	run(src, 4, -1, &r);
	assert_string_equal(tallies(src, 4), "*++o");
	assert_int_equal(r.ppspeer, 3);
	assert_near(r.offset, 0.390, 0.0);

	src[3].offset = 0.410;
	run(src, 4, -1, &r);
	assert_int_equal(r.status, SEL_OK);
	assert_string_equal(tallies(src, 4), "*+++");
	assert_int_equal(r.ntrue, 4);
	assert_int_equal(r.ppspeer, -1);
	assert_int_equal(r.syspeer, 0);
	assert_near(r.offset, 0.0, 1e-15);
}

static void
test_pps_falseticker(void **state)
{
	/*
	 * A PPS numbered a second late: [999, 1001] ms meets none of the
	 * servers' [-10, 10], [-9, 13], [-13, 11].  allow 1 of 4: low -9,
	 * high 10; the PPS is 'x' and the servers are followed.
	 */
	struct sel_source src[] = {
		server(0.000, 0.010, 0.005), server(0.002, 0.011, 0.005),
		server(-0.001, 0.012, 0.005), pps(1.000),
	};
	struct sel_result r;

	(void)state;
	run(src, 4, -1, &r);
	assert_int_equal(r.status, SEL_OK);
	assert_string_equal(tallies(src, 4), "*++x");
	assert_int_equal(r.ppspeer, -1);
	assert_true(fabs(r.offset) < 0.002);
}

static void
test_pps_alone(void **state)
{
	/* Nothing else survived: the PPS is followed, and there is no '*'. */
	struct sel_source src[] = { server(0.0, 0.010, 0.001), pps(0.0003) };
	struct sel_result r;

	(void)state;
	src[0].reachable = false;
	run(src, 2, 0, &r);
	assert_int_equal(r.status, SEL_OK);
	assert_string_equal(tallies(src, 2), " o");
	assert_int_equal(r.syspeer, -1);
	assert_int_equal(r.ppspeer, 1);
	assert_int_equal(r.nsurvivors, 0);
	assert_near(r.offset, 0.0003, 0.0);
}

static void
test_unfit_reasons(void **state)
{
	/* Each row spoils a good source (offset 0, lambda 10 ms) one way; the
	 * last two ways at once give the first reason in enum order. */
	static const struct {
		const char *what;
		bool unreachable, noselect, loop;
		int leap, stratum;
		double lambda, offset;
		enum sel_unfit want;
	} rows[] = {
		{ "unreachable", true, false, false, 0, 2, 0.010, 0.0, SEL_UNREACHABLE },
		{ "noselect", false, true, false, 0, 2, 0.010, 0.0, SEL_NOSELECT },
		{ "leap 3", false, false, false, 3, 2, 0.010, 0.0, SEL_UNSYNC },
		{ "stratum 16", false, false, false, 0, 16, 0.010, 0.0, SEL_STRATUM },
		{ "loop", false, false, true, 0, 2, 0.010, 0.0, SEL_LOOP },
		{ "distance 1.6 s", false, false, false, 0, 2, 1.6, 0.0, SEL_DISTANCE },
		{ "offset NaN", false, false, false, 0, 2, 0.010, NAN, SEL_DISTANCE },
		{ "distance NaN", false, false, false, 0, 2, NAN, 0.0, SEL_DISTANCE },
		{ "unreachable, leap 3", true, false, false, 3, 2, 0.010, 0.0, SEL_UNREACHABLE },
	};
	struct sel_source s;
	struct sel_result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		s = server(rows[i].offset, rows[i].lambda, 0.001);
		s.reachable = !rows[i].unreachable;
		s.noselect = rows[i].noselect;
		s.loop = rows[i].loop;
		s.leap = rows[i].leap;
		s.stratum = rows[i].stratum;
		run(&s, 1, -1, &r);
		if (s.unfit != rows[i].want)
			print_message("%s: %s\n", rows[i].what, sel_unfit_name(s.unfit));
		assert_int_equal(s.unfit, rows[i].want);
		assert_int_equal(s.tally, SEL_REJECT);
		assert_int_equal(r.status, SEL_NONE);
		assert_int_equal(r.nfit, 0);
		assert_int_equal(r.syspeer, -1);
	}
}

static void
test_fit_boundaries(void **state)
{
	/* Stratum 15 is fit; 1.6 s of distance is, once the sample is 10000 s
	 * old (1.5 + 15e-6 * 10000 = 1.65 s allowed); 1.5 s exactly is not. */
	struct sel_source s = server(0.0, 0.010, 0.001);
	struct sel_result r;

	(void)state;
	s.stratum = 15;
	run(&s, 1, -1, &r);
	assert_int_equal(s.unfit, SEL_FIT);
	assert_int_equal(r.status, SEL_OK);
	assert_string_equal(tallies(&s, 1), "*");

	s = server(0.0, 1.6, 0.001);
	s.age = 10000.0;
	run(&s, 1, -1, &r);
	assert_int_equal(s.unfit, SEL_FIT);

	s = server(0.0, 0.0, 0.0);
	s.disp = 1.5;
	run(&s, 1, -1, &r);
	assert_int_equal(s.unfit, SEL_DISTANCE);
}

static void
test_root_distance(void **state)
{
	/* (4 + 6) / 2 + 2 + 3 + 1 = 11 ms: disp is already aged, so the 100 s
	 * of age add nothing.  All zero: mindist, 1 ms. */
	struct sel_source s[2];
	struct sel_result r;

	(void)state;
	memset(s, 0, sizeof(s));
	s[0].delay = 0.004;
	s[0].rootdelay = 0.006;
	s[0].rootdisp = 0.002;
	s[0].disp = 0.003;
	s[0].jitter = 0.001;
	s[0].age = 100.0;
	s[0].reachable = s[1].reachable = true;
	s[0].stratum = s[1].stratum = 2;
	run(s, 2, -1, &r);
	assert_near(s[0].distance, 0.011, 1e-15);
	assert_near(s[1].distance, 0.001, 0.0);
}

static void
test_minsane(void **state)
{
	/* One truechimer (the other is noselect) and minsane 2: nothing is
	 * chosen, the truechimer stays '+'. */
	struct sel_source src[] = { server(0.0, 0.010, 0.001), server(0.0, 0.010, 0.001) };
	struct sel_conf c;
	struct sel_result r;

	(void)state;
	src[1].noselect = true;
	sel_default_conf(&c);
	c.minsane = 2;
	sel_run(&c, src, 2, 0, &r);
	assert_int_equal(r.status, SEL_TOO_FEW);
	assert_string_equal(tallies(src, 2), "+ ");
	assert_int_equal(r.nfit, 1);
	assert_int_equal(r.ntrue, 1);
	assert_int_equal(r.syspeer, -1);

	c.minsane = 1;
	sel_run(&c, src, 2, 0, &r);
	assert_int_equal(r.status, SEL_OK);
	assert_string_equal(tallies(src, 2), "* ");
}

static void
test_maxclock_excess(void **state)
{
	/*
	 * Offsets (ms) A 0, B 1, C -2, D 4, E -7; lambda 10 (B 11); jitter
	 * 0.01 ms; maxclock 3, minclock 2.  Sums of squared distances:
	 *   n = 5: A 70, B 83, C 74, D 182, E 259: E goes while 5 > 3: '.',
	 *          seljit sqrt(259 / 4) = 8.047
	 *   n = 4: A 21, B 19, C 49, D 61: D goes while 4 > 3: '.', sqrt(61 / 3)
	 *   n = 3: A 5, B 10 (sqrt(5) * 11 = 24.6 < sqrt(6.5) * 10 = 25.5),
	 *          C 13: C goes, 3 is not above maxclock: '-', sqrt(13 / 2)
	 *   n = 2 = minclock: A and B stay, seljit 1 each; A has the least lambda.
	 */
	struct sel_source src[] = {
		server(0.000, 0.010, 1e-5), server(0.001, 0.011, 1e-5),
		server(-0.002, 0.010, 1e-5), server(0.004, 0.010, 1e-5),
		server(-0.007, 0.010, 1e-5),
	};
	struct sel_conf c;
	struct sel_result r;

	(void)state;
	sel_default_conf(&c);
	c.maxclock = 3;
	c.minclock = 2;
	sel_run(&c, src, 5, -1, &r);
	assert_int_equal(r.status, SEL_OK);
	assert_string_equal(tallies(src, 5), "*+-..");
	assert_int_equal(r.nsurvivors, 2);
	assert_near(src[4].seljit, sqrt(259e-6 / 4), TOL);
	assert_near(src[3].seljit, sqrt(61e-6 / 3), TOL);
	assert_near(src[2].seljit, sqrt(13e-6 / 2), TOL);
	assert_near(src[0].seljit, 0.001, TOL);
	assert_near(src[1].seljit, 0.001, TOL);
}

static void
test_cluster_stops_at_jitter(void **state)
{
	/* The same five with 10 ms of jitter each: the largest seljit, 8.05 ms,
	 * is below it, so nobody is clustered out. */
	struct sel_source src[] = {
		server(0.000, 0.020, 0.010), server(0.001, 0.021, 0.010),
		server(-0.002, 0.020, 0.010), server(0.004, 0.020, 0.010),
		server(-0.007, 0.020, 0.010),
	};
	struct sel_conf c;
	struct sel_result r;

	(void)state;
	sel_default_conf(&c);
	c.maxclock = 3;
	c.minclock = 2;
	sel_run(&c, src, 5, -1, &r);
	assert_string_equal(tallies(src, 5), "*++++");
	assert_int_equal(r.nsurvivors, 5);
}

static void
test_previous_peer_kept(void **state)
{
	/*
	 * A (lambda 12), B (10), C (11), all stratum 2 and near 0.  Fresh, B
	 * has the least metric.  With A the previous peer, A stays.  Once A is
	 * stratum 3 and B stratum 2, B takes over; a previous peer that is no
	 * source at all is ignored.
	 */
	struct sel_source src[] = {
		server(0.0000, 0.012, 0.005), server(0.0010, 0.010, 0.005),
		server(0.0005, 0.011, 0.005),
	};
	struct sel_result r;

	(void)state;
	run(src, 3, -1, &r);
	assert_int_equal(r.syspeer, 1);
	assert_string_equal(tallies(src, 3), "+*+");
	run(src, 3, 0, &r);
	assert_int_equal(r.syspeer, 0);
	assert_string_equal(tallies(src, 3), "*++");
	run(src, 3, 99, &r);
	assert_int_equal(r.syspeer, 1);
	src[0].stratum = 3;
	run(src, 3, 0, &r);
	assert_int_equal(r.syspeer, 1);
}

static void
test_peer_metric(void **state)
{
	/*
	 * stratum * mindist + lambda: A stratum 1, lambda 10.5 ms: 11.5; B
	 * stratum 3, lambda 10 ms: 13; C stratum 2, 12 ms: 14.  A is '*',
	 * though B has the least lambda.
	 */
	struct sel_source src[] = {
		server(0.0000, 0.0105, 0.005), server(0.0010, 0.010, 0.005),
		server(0.0005, 0.012, 0.005),
	};
	struct sel_result r;

	(void)state;
	src[0].stratum = 1;
	src[1].stratum = 3;
	run(src, 3, -1, &r);
	assert_string_equal(tallies(src, 3), "*++");
	assert_int_equal(r.syspeer, 0);
}

static void
test_two_pps(void **state)
{
	/* Two PPS truechimers: the one with the least lambda (0.5 ms of jitter
	 * on top of 1 ms: 1.5 ms against 1 ms) is 'o'; the other stays '+'. */
	struct sel_source src[] = {
		server(0.0010, 0.010, 5e-4), server(0.0015, 0.011, 5e-4),
		server(0.0005, 0.012, 5e-4), pps(0.0011), pps(0.0012),
	};
	struct sel_result r;

	(void)state;
	src[3].disp = 0.0015 - src[3].jitter;
	run(src, 5, -1, &r);
	assert_string_equal(tallies(src, 5), "*+++o");
	assert_int_equal(r.ppspeer, 4);
	assert_near(r.offset, 0.0012, 0.0);
}

static void
test_previous_peer_lost(void **state)
{
	/* The previous peer became a falseticker: the best survivor is chosen. */
	struct sel_source src[] = {
		server(0.100, 0.010, 0.005), server(0.0010, 0.010, 0.005),
		server(0.0005, 0.011, 0.005), server(0.0000, 0.012, 0.005),
	};
	struct sel_result r;

	(void)state;
	run(src, 4, 0, &r);
	assert_string_equal(tallies(src, 4), "x*++");
	assert_int_equal(r.syspeer, 1);
}

static void
test_combined_offset_and_jitter(void **state)
{
	/*
	 * A 1 ms (lambda 10, w 100), B 4 ms (20, w 50), C -2 ms (40, w 25):
	 * sum w = 175, sum w theta = 0.1 + 0.2 - 0.05 = 0.25 ms-weights, so
	 * theta_sys = 0.25e-3 / 175 = 1/700 s = 1.428571 ms.
	 * Distances to it in units of 1/700 s: A -0.3, B 1.8, C -2.4; sum w
	 * d^2 = (100 * 0.09 + 50 * 3.24 + 25 * 5.76) / 700^2 = 315 / 490000;
	 * / 175 = 9 / 2450000.  Three = minclock, no clustering; A is '*'
	 * and its seljit^2 = (3^2 + 3^2) / 2 = 9 ms^2.  System jitter =
	 * sqrt(9 / 2450000 + 9e-6) = 3.559982 ms.
	 */
	struct sel_source src[] = {
		server(0.001, 0.010, 0.001), server(0.004, 0.020, 0.001),
		server(-0.002, 0.040, 0.001),
	};
	struct sel_result r;

	(void)state;
	run(src, 3, -1, &r);
	assert_int_equal(r.status, SEL_OK);
	assert_string_equal(tallies(src, 3), "*++");
	assert_near(src[0].seljit, 0.003, TOL);
	assert_near(r.offset, 1.0 / 700.0, TOL);
	assert_near(r.jitter, sqrt(9.0 / 2450000.0 + 9e-6), TOL);
	assert_near(r.jitter, 3.559982e-3, 1e-9);
}

static void
test_nothing_given(void **state)
{
	struct sel_result r;

	(void)state;
	run(NULL, 0, -1, &r);
	assert_int_equal(r.status, SEL_NONE);
	assert_int_equal(r.syspeer, -1);
	assert_int_equal(r.ppspeer, -1);
}

static void
test_names(void **state)
{
	char codes[9];
	int t;

	(void)state;
	for (t = SEL_REJECT; t <= SEL_PPSPEER; t++)
		codes[t] = sel_tally_char((enum sel_tally)t);
	codes[8] = '\0';
	assert_string_equal(codes, " x.-+#*o");
	assert_string_equal(sel_status_name(SEL_TOO_FEW), "too few truechimers");
	assert_string_equal(sel_unfit_name(SEL_LOOP), "synchronised to us");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_falseticker_of_five),
		cmocka_unit_test(test_two_falsetickers_of_five),
		cmocka_unit_test(test_no_majority),
		cmocka_unit_test(test_two_disagreeing),
		cmocka_unit_test(test_touching_intervals_meet),
		cmocka_unit_test(test_prefer_survives_and_is_followed),
		cmocka_unit_test(test_pps_agrees),
		cmocka_unit_test(test_pps_window),
		cmocka_unit_test(test_pps_falseticker),
		cmocka_unit_test(test_pps_alone),
		cmocka_unit_test(test_unfit_reasons),
		cmocka_unit_test(test_fit_boundaries),
		cmocka_unit_test(test_root_distance),
		cmocka_unit_test(test_minsane),
		cmocka_unit_test(test_maxclock_excess),
		cmocka_unit_test(test_cluster_stops_at_jitter),
		cmocka_unit_test(test_previous_peer_kept),
		cmocka_unit_test(test_previous_peer_lost),
		cmocka_unit_test(test_peer_metric),
		cmocka_unit_test(test_two_pps),
		cmocka_unit_test(test_combined_offset_and_jitter),
		cmocka_unit_test(test_nothing_given),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
