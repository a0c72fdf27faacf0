/*
 * gpssim's receiver model (sim/gpssim/mtk.c): what an MTK3339 answers to
 * PMTK command lines, what its bursts hold and how long they are at each
 * speed, GSV every 5 s, restarts, and the fault labels (week rollover, a
 * leap second), the last ones also run through stratumd's refclock to show
 * that the edges on both sides of 23:59:60 get the right numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mtk.h"
#include "nmea.h"
#include "refclock.h"

/* 2026-11-25 00:00:00 UTC, a multiple of 5 s and of 60 s. */
#define DAY0 1795564800LL
#define S(x) ((int64_t)(x) * 1000)

static void
new_mtk(struct mtk *m, int baud)
{
	struct mtk_params p = { baud, 51.4779, -0.0015, 46.0, 0, 42 };

	mtk_init(m, &p);
}

/* "$body*hh\r\n" as the receiver frames it. */
static const char *
framed(const char *body)
{
	static char buf[4][NMEA_MAX_LINE + 3];
	static int k;
	char *b = buf[k++ % 4];

	assert_true(nmea_frame(b, sizeof(buf[0]), body, true) > 0);
	return b;
}

/* A host's command line, framed, without the line end. */
static int
command(struct mtk *m, const char *body, int64_t now_ms, struct mtk_reply *r)
{
	char line[NMEA_MAX_LINE + 3];
	int n = nmea_frame(line, sizeof(line), body, false);

	assert_true(n > 0);
	return mtk_command(m, line, (size_t)n, now_ms, r);
}

static void
test_command_acks(void **state)
{
	static const struct {
		int baud;
		const char *body;
		int answered;
		const char *reply;      /* first reply line body; NULL: none */
		int new_baud;
	} t[] = {
		{ 9600, "PMTK000", 1, "PMTK001,0,3", 0 },
		{ 9600, "PMTK220,1000", 1, "PMTK001,220,3", 0 },
		{ 9600, "PMTK220,50", 1, "PMTK001,220,0", 0 },
		{ 9600, "PMTK220,100", 1, "PMTK001,220,2", 0 },  /* 10 Hz does not fit 9600 */
		{ 115200, "PMTK220,100", 1, "PMTK001,220,3", 0 },
		{ 9600, "PMTK300,1000,0,0,0,0", 1, "PMTK001,300,3", 0 },
		{ 9600, "PMTK300,1000,0,1,0,0", 1, "PMTK001,300,0", 0 },
		{ 9600, "PMTK225,0", 1, "PMTK001,225,3", 0 },
		{ 9600, "PMTK225,3", 1, "PMTK001,225,0", 0 },
		{ 9600, "PMTK251,57600", 1, "PMTK001,251,3", 57600 },
		{ 9600, "PMTK251,0", 1, "PMTK001,251,3", 9600 },
		{ 9600, "PMTK251,12345", 1, "PMTK001,251,0", 0 },
		{ 9600, "PMTK314,-1", 1, "PMTK001,314,3", 0 },
		{ 9600, "PMTK314,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0", 1, "PMTK001,314,3", 0 },
		{ 9600, "PMTK314,9,9", 1, "PMTK001,314,0", 0 },
		{ 9600, "PMTK400", 1, "PMTK500,1000,0,0,0.0,0.0", 0 },
		{ 9600, "PMTK414", 1, "PMTK514,0,1,1,1,1,5,0,0,0,0,0,0,0,0,0,0,0,0,0", 0 },
		{ 9600, "PMTK605", 1, "PMTK705," MTK_FIRMWARE, 0 },
		{ 9600, "PMTK999", 1, "PMTK001,999,1", 0 },
		/* What only a receiver says is not answered: no echo loops. */
		{ 9600, "PMTK001,220,3", 0, NULL, 0 },
		{ 9600, "PMTK010,001", 0, NULL, 0 },
		{ 9600, "PMTK705,x", 0, NULL, 0 },
		{ 9600, "GPRMC,000000.000,A", 0, NULL, 0 },
		{ 9600, "PMTK", 0, NULL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mtk m;
		struct mtk_reply r;
		const char *want;

		new_mtk(&m, t[i].baud);
		assert_int_equal(command(&m, t[i].body, S(DAY0), &r), t[i].answered);
		if (t[i].reply == NULL)
			continue;
		want = framed(t[i].reply);
		if (strncmp(r.text, want, strlen(want)) != 0)
			fail_msg("%s at %d: got '%.*s', want '%s'", t[i].body, t[i].baud,
			    (int)r.len, r.text, want);
		assert_int_equal(r.new_baud, t[i].new_baud);
	}
}

static void
test_bad_checksum_ignored(void **state)
{
	struct mtk m;
	struct mtk_reply r;
	static const char *bad[] = {
		"$PMTK220,1000*00", "$PMTK220,1000", "PMTK220,1000*1F", "$PMTK220,1000*1",
		"$PMTK220,1000*1F ", "",
	};

	(void)state;
	new_mtk(&m, 9600);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mtk_command(&m, bad[i], strlen(bad[i]), S(DAY0), &r), 0);
	/* The same command with the right checksum is answered. */
	assert_int_equal(mtk_command(&m, "$PMTK220,1000*1F", 16, S(DAY0), &r), 1);
	assert_int_equal(r.flag, 3);
}

/* Whether the burst (not what an earlier one left in the buffer) holds s. */
static bool
has(const struct mtk_burst *b, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->text + i, s, n) == 0)
			return true;
	return false;
}

/* Sentence types of a burst, in order, e.g. "GGA GSA GSV GSV GSV RMC VTG". */
static void
kinds(const struct mtk_burst *b, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i + 6 < b->len; i++) {
		if (b->text[i] != '$')
			continue;
		n += (size_t)snprintf(out + n, len - n, "%s%.3s", n ? " " : "", b->text + i + 3);
		if (n >= len)
			return;
	}
}

static void
test_default_burst(void **state)
{
	struct mtk m;
	struct mtk_burst b;
	char k[128];
	struct nmea_lexer lx;
	struct nmea_line line;
	size_t pos = 0;
	int good = 0;

	(void)state;
	new_mtk(&m, 9600);
	mtk_burst(&m, S(DAY0 + 10), &b);    /* a GSV second */
	kinds(&b, k, sizeof(k));
	assert_string_equal(k, "GGA GSA GSV GSV GSV RMC VTG");
	assert_int_equal(b.n_sent, 7);
	assert_int_equal(b.n_dropped, 0);
	assert_true(b.len > 400 && b.len <= mtk_budget(&m));
	assert_int_equal(mtk_budget(&m), 960);
	assert_true(has(&b, "$GPGGA,000010.000,5128.6"));
	assert_true(has(&b, ",A,5128.6"));
	assert_true(has(&b, ",251126,,,A*"));
	/* Every line frames and checks. */
	nmea_lexer_init(&lx);
	while (nmea_lexer_feed(&lx, (const uint8_t *)b.text, b.len, &pos,
	    (struct timespec){ 0, 0 }, &line) == 1) {
		assert_int_equal(line.status, NMEA_LEX_OK);
		good++;
	}
	assert_int_equal(good, 7);

	mtk_burst(&m, S(DAY0 + 11), &b);
	kinds(&b, k, sizeof(k));
	assert_string_equal(k, "GGA GSA RMC VTG");
}

static void
test_gsv_every_5s(void **state)
{
	struct mtk m;
	struct mtk_burst b;
	int with_gsv = 0;

	(void)state;
	new_mtk(&m, 9600);
	for (int i = 0; i < 20; i++) {
		bool gsv;

		mtk_burst(&m, S(DAY0 + 3 + i), &b);
		gsv = has(&b, "$GPGSV");
		assert_int_equal(gsv, (3 + i) % 5 == 0);
		with_gsv += gsv;
	}
	assert_int_equal(with_gsv, 4);
}

/* Everything selected does not fit 4800 baud: the burst stops at the first
 * sentence that does not fit, as the chip's does, and never overruns. */
static void
test_burst_budget_vs_baud(void **state)
{
	static const struct { int baud; size_t budget; bool drops; } t[] = {
		{ 4800, 480, true }, { 9600, 960, false }, { 115200, 11520, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mtk m;
		struct mtk_reply r;
		struct mtk_burst b;

		new_mtk(&m, t[i].baud);
		assert_int_equal(command(&m, "PMTK314,1,1,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,1,0",
		    S(DAY0), &r), 1);
		assert_int_equal(r.flag, 3);
		assert_int_equal(mtk_budget(&m), t[i].budget);
		mtk_burst(&m, S(DAY0 + 5), &b);
		assert_true(b.len <= t[i].budget);
		assert_int_equal(b.n_dropped > 0, t[i].drops);
		assert_int_equal(b.n_sent + b.n_dropped, 9); /* GSV is 3 */
		if (t[i].drops) {
			/* What was sent is a prefix of the full order. */
			assert_memory_equal(b.text, "$GPGGA", 6);
			assert_false(has(&b, "$GPZDA"));
		}
	}
	/* At 10 Hz the budget is a tenth. */
	{
		struct mtk m;
		struct mtk_reply r;

		new_mtk(&m, 115200);
		assert_int_equal(command(&m, "PMTK220,100", S(DAY0), &r), 1);
		assert_int_equal(mtk_budget(&m), 1152);
		assert_int_equal(mtk_next_epoch(&m, S(DAY0) + 50), S(DAY0) + 100);
	}
}

static void
test_restarts(void **state)
{
	static const struct { const char *cmd; int ttff_s; } t[] = {
		{ "PMTK101", 1 }, { "PMTK102", 33 }, { "PMTK103", 35 }, { "PMTK104", 35 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mtk m;
		struct mtk_reply r;
		int64_t now = S(DAY0 + 100);

		new_mtk(&m, 9600);
		assert_int_equal(command(&m, "PMTK314,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0",
		    now, &r), 1);
		assert_int_equal(command(&m, "PMTK220,200", now, &r), 1);
		assert_true(mtk_has_fix(&m, now));
		assert_int_equal(command(&m, t[i].cmd, now, &r), 1);
		assert_true(r.restarted);
		assert_non_null(strstr(r.text, framed("PMTK011,MTKGPS")));
		assert_non_null(strstr(r.text, framed("PMTK010,001")));
		assert_false(mtk_has_fix(&m, now + S(t[i].ttff_s) - 1));
		assert_true(mtk_has_fix(&m, now + S(t[i].ttff_s)));
		/* Only a full cold start forgets the output and the rate. */
		assert_int_equal(m.interval_ms, i == 3 ? 1000 : 200);
		assert_int_equal(m.out.gga, i == 3 ? 1 : 0);
	}
}

static void
test_fix_lost(void **state)
{
	struct mtk m;
	struct mtk_burst b;

	(void)state;
	new_mtk(&m, 9600);
	m.fix_lost = true;
	assert_false(mtk_has_fix(&m, S(DAY0)));
	mtk_burst(&m, S(DAY0 + 5), &b);
	assert_true(has(&b, "$GPRMC,000005.000,V,,,,,0.00,0.00,251126,,,N*"));
	assert_true(has(&b, "$GPGGA,000005.000,,,,,0,0,,,M,,M,,*"));
	assert_true(has(&b, "$GPGSV,1,1,00*"));
	m.fix_lost = false;
	assert_true(mtk_has_fix(&m, S(DAY0)));
}

static void
label(const struct mtk *m, int64_t t_ms, char *out, size_t len)
{
	struct tm tm;
	int ms;

	mtk_label(m, t_ms, &tm, &ms);
	snprintf(out, len, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

static void
test_labels(void **state)
{
	/* A leap second at the end of 2026-11-24 (U = DAY0) and one inserted
	 * mid-day at 12:34:60 to show any minute works for tests. */
	static const struct {
		int64_t leap_at;
		bool rollover;
		int64_t t_ms;
		const char *label;
		int64_t true_sec;
		int leap;
	} t[] = {
		{ 0, false, S(DAY0) - 1, "2026-11-24 23:59:59.999", DAY0 - 1, 0 },
		{ 0, false, S(DAY0), "2026-11-25 00:00:00.000", DAY0, 0 },
		{ DAY0, false, S(DAY0 - 1), "2026-11-24 23:59:59.000", DAY0 - 1, 1 },
		{ DAY0, false, S(DAY0), "2026-11-24 23:59:60.000", DAY0 - 1, 0 },
		{ DAY0, false, S(DAY0) + 500, "2026-11-24 23:59:60.500", DAY0 - 1, 0 },
		{ DAY0, false, S(DAY0 + 1), "2026-11-25 00:00:00.000", DAY0, 0 },
		{ DAY0, false, S(DAY0 + 3601), "2026-11-25 01:00:00.000", DAY0 + 3600, 0 },
		{ DAY0 + 45300, false, S(DAY0 + 45300), "2026-11-25 12:34:60.000", DAY0 + 45299, 0 },
		{ DAY0 + 45300, false, S(DAY0 + 45301), "2026-11-25 12:35:00.000", DAY0 + 45300, 0 },
		/* 1024 weeks before 2026-11-25 is 2007-04-11: same time of day. */
		{ 0, true, S(DAY0 + 3723), "2007-04-11 01:02:03.000", DAY0 + 3723, 0 },
		{ DAY0, true, S(DAY0), "2007-04-10 23:59:60.000", DAY0 - 1, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mtk m;
		char got[64];

		new_mtk(&m, 9600);
		if (t[i].leap_at)
			assert_int_equal(mtk_set_leap(&m, t[i].leap_at), 0);
		m.rollover = t[i].rollover;
		label(&m, t[i].t_ms, got, sizeof(got));
		if (strcmp(got, t[i].label) != 0)
			fail_msg("case %zu: label %s, want %s", i, got, t[i].label);
		assert_int_equal(mtk_true_second(&m, t[i].t_ms / 1000), t[i].true_sec);
		assert_int_equal(mtk_leap_pending(&m, t[i].t_ms / 1000), t[i].leap);
	}
	{
		struct mtk m;

		new_mtk(&m, 9600);
		assert_int_equal(mtk_set_leap(&m, DAY0 + 30), -1);
		assert_int_equal(m.leap_at, 0);
	}
}

static void
test_rollover_burst(void **state)
{
	struct mtk m;
	struct mtk_burst b;
	struct mtk_reply r;

	(void)state;
	new_mtk(&m, 9600);
	assert_int_equal(command(&m, "PMTK314,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0", 0, &r), 1);
	m.rollover = true;
	mtk_burst(&m, S(DAY0 + 3723), &b);
	assert_true(has(&b, "$GPRMC,010203.000,A,"));
	assert_true(has(&b, ",110407,,,A*"));
	assert_true(has(&b, "$GPZDA,010203.000,11,04,2007,,*"));
}

/*
 * The receiver's bursts and edges through the refclock, host clock not
 * leaping: before the leap second every PPS sample says 0; from the first
 * edge after 23:59:60 on, -1 s (the untouched clock is now a second ahead
 * of UTC), never the +-1 s "wrong second" in between.  With the rollover,
 * the labels are moved back to the right week.
 */
struct run {
	struct mtk m;
	struct refclock rc;
	int n_pps;
	double offset[64];          /* per host second from start */
	bool have[64];
};

static void
run_seconds(struct run *r, int64_t start, int n)
{
	for (int i = 0; i < n && i < 64; i++) {
		int64_t h = start + i;
		struct refclock_sample smp;
		struct mtk_burst b;
		struct nmea_lexer lx;
		struct nmea_line line;
		struct nmea_msg msg;
		const char *why;
		size_t pos = 0;

		if (refclock_pps(&r->rc, (struct timespec){ (time_t)h, 0 }, &smp)) {
			r->offset[i] = smp.offset;
			r->have[i] = true;
			r->n_pps++;
			if (h != r->m.leap_at)
				assert_int_equal(smp.second, mtk_true_second(&r->m, h));
		}
		mtk_burst(&r->m, S(h), &b);
		nmea_lexer_init(&lx);
		/* The burst starts 0.5 s after the edge; 1 ms per character. */
		while (nmea_lexer_feed(&lx, (const uint8_t *)b.text, b.len, &pos,
		    (struct timespec){ (time_t)h, 500000000 }, &line) == 1) {
			struct timespec t = { (time_t)h, 500000000 + (long)(pos - line.len) * 1000000 };

			if (line.status != NMEA_LEX_OK ||
			    nmea_parse(line.text, line.len, &msg, &why) != NMEA_PARSE_OK)
				fail_msg("bad line %s", line.text);
			refclock_nmea(&r->rc, &msg, t, &smp);
		}
	}
}

static void
test_leap_through_refclock(void **state)
{
	static struct run r;
	struct refclock_conf c = { .pivot = DAY0 - 86400 };
	int64_t u = DAY0 + 45300, start = u - 20;

	(void)state;
	memset(&r, 0, sizeof(r));
	new_mtk(&r.m, 9600);
	assert_int_equal(mtk_set_leap(&r.m, u), 0);
	refclock_init(&r.rc, &c);
	refclock_seed_delay(&r.rc, 0.5);
	run_seconds(&r, start, 40);
	assert_true(r.n_pps >= 35);
	for (int i = 0; i < 40; i++) {
		int64_t h = start + i;

		if (!r.have[i] || h == u)   /* u: the leap second itself, ambiguous */
			continue;
		if (h < u)
			assert_true(r.offset[i] > -1e-9 && r.offset[i] < 1e-9);
		else if (!(r.offset[i] > -1 - 1e-9 && r.offset[i] < -1 + 1e-9))
			fail_msg("edge %+d s from the leap second: offset %.9f, want -1",
			    (int)(h - u), r.offset[i]);
	}
	assert_true(r.have[21]);    /* the edge right after 23:59:60 was used */
	assert_int_equal(r.rc.n_labels_bad, 0);
}

static void
test_rollover_through_refclock(void **state)
{
	static struct run r;
	struct refclock_conf c = { .pivot = DAY0 - 86400 };

	(void)state;
	memset(&r, 0, sizeof(r));
	new_mtk(&r.m, 9600);
	r.m.rollover = true;
	refclock_init(&r.rc, &c);
	refclock_seed_delay(&r.rc, 0.5);
	run_seconds(&r, DAY0 + 1000, 20);
	assert_true(r.n_pps >= 15);
	for (int i = 0; i < 20; i++)
		if (r.have[i])
			assert_true(r.offset[i] > -1e-9 && r.offset[i] < 1e-9);
	assert_true(r.rc.n_rollover > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_acks),
		cmocka_unit_test(test_bad_checksum_ignored),
		cmocka_unit_test(test_default_burst),
		cmocka_unit_test(test_gsv_every_5s),
		cmocka_unit_test(test_burst_budget_vs_baud),
		cmocka_unit_test(test_restarts),
		cmocka_unit_test(test_fix_lost),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_rollover_burst),
		cmocka_unit_test(test_leap_through_refclock),
		cmocka_unit_test(test_rollover_through_refclock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
