/*
 * gnss/nmea against every real capture in tests/corpus/nmea:
 *  (a) the whole log goes through the lexer and parser without a crash
 *      (and under ASan without an overread);
 *  (b) the lexer's checksum counts agree with PROVENANCE.md's table, once
 *      the table's line-based view is mapped to the lexer's '$'-based one;
 *  (c) the values agree with gpsd's .log.chk: every TPV report that carries
 *      a time is matched by a sentence we accepted, with the same time, the
 *      same position to 1e-6 degree and the same fix/no-fix verdict.
 * Paths are relative to OUTPOST_TOP (tests/run sets it) or the cwd.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmea.h"
#include "text.h"

/*
 * PROVENANCE.md's table, computed there line by line: a line starting with
 * '$' whose first '*' is followed by exactly two hex digits and the end of
 * the line is "good" or "bad" by the XOR of everything between the first
 * '$' and that '*'; other '$' lines are "w/o cs"; non-'#' lines not
 * starting with '$' are "non-$".
 *
 * The lexer sees more than whole lines: a '$' inside a line starts a new
 * sentence.  So a line like triton400's "$GPGGA,030130$GPGLL,...*41",
 * one bad line for the table (the XOR runs over both pieces), is for the
 * lexer a spliced GGA plus a GLL with a good checksum of its own.
 * extra_ok is how many more good sentences the lexer finds than the table
 * lists, counted by hand from the logs:
 *  - triton400.log line 19: the GLL after the cut GGA;
 *  - isync.log line 54: the $PTNTA injected into the GSV;
 *  - gp-320fw coldboot, 7: lines 40 and 42 each hold a whole GSA that
 *    lost its CR LF and an RMC behind it (4); the RMC after a cut GSV on
 *    line 64, the GGA after a cut GSV on line 67, and the RMC after a cut
 *    GSA on line 79 (3).
 * The counts themselves are predicted by segment_oracle(), a line-based
 * re-statement of the lexer's rules, and compared exactly.
 */
static const struct corpus {
	const char *file;
	int good, bad, no_cs, non_dollar; /* PROVENANCE.md */
	int extra_ok;
	int gpsd_skips;  /* our dated fixes gpsd made no timed report for */
} corpus[] = {
	{ "mt3339.log", 138, 0, 0, 0, 0, 0 },
	{ "quectel-L70.log", 115, 0, 0, 0, 0, 0 },
	{ "mtk-3301.log", 56, 0, 3, 0, 0, 1 },
	{ "mtk-3329.log", 28, 0, 0, 0, 0, 0 },
	{ "neo-m8n.log", 293, 0, 0, 0, 0, 1 },
	{ "ublox-neo-m9n-nmea.log", 1403, 0, 0, 0, 0, 0 },
	{ "bu353s4.log", 90, 0, 0, 0, 0, 0 },
	{ "holux-gm-210.log", 39, 0, 1, 0, 0, 0 },
	{ "ublox-lea-5q.log", 63, 0, 0, 0, 0, 0 },
	{ "gp-320fw-2019-04-06-overflow.log", 141, 0, 0, 0, 0, 1 },
	{ "gp-320fw-2019-04-07-coldboot.log", 86, 35, 11, 2, 7, 0 },
	{ "april6_2019.log", 3, 0, 0, 0, 0, 0 },
	{ "triton400.log", 27, 1, 0, 0, 1, 0 },
	{ "isync.log", 133, 1, 0, 1, 1, 1 },
};
#define N_CORPUS (sizeof(corpus) / sizeof(corpus[0]))

static char *
read_file(const char *name, size_t *len)
{
	char path[512];
	const char *top = getenv("OUTPOST_TOP");
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/tests/corpus/nmea/%s", top ? top : ".", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* Next physical line [*start, end) without its LF and one trailing CR. */
static bool
next_line(const char *buf, size_t len, size_t *pos, const char **s, size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*s = buf + *pos;
	nl = memchr(*s, '\n', len - *pos);
	*n = nl ? (size_t)(nl - *s) : len - *pos;
	*pos += *n + (nl != NULL);
	if (*n > 0 && (*s)[*n - 1] == '\r')
		(*n)--;
	return true;
}

/* The table's rule on one '$' text: 0 good, 1 bad, 2 no checksum. */
static int
table_rule(const char *s, size_t n)
{
	const char *star = memchr(s, '*', n);
	size_t at;
	uint8_t x = 0;

	if (star == NULL)
		return 2;
	at = (size_t)(star - s);
	if (n - at != 3 || text_hexval(s[at + 1]) < 0 || text_hexval(s[at + 2]) < 0)
		return 2;
	for (size_t i = 1; i < at; i++)
		x ^= (uint8_t)s[i];
	return x == (text_hexval(s[at + 1]) << 4 | text_hexval(s[at + 2])) ? 0 : 1;
}

struct counts {
	int ok, bad, no_cs, spliced, too_long, bad_byte, not_sentence;
};

static void
line_oracle(const char *buf, size_t len, int out[4])
{
	size_t pos = 0, n;
	const char *s;

	memset(out, 0, 4 * sizeof(int));
	while (next_line(buf, len, &pos, &s, &n)) {
		if (n == 0 || s[0] == '#')
			continue;
		if (s[0] != '$')
			out[3]++;
		else
			out[table_rule(s, n)]++;
	}
}

static void
classify_segment(const char *s, size_t n, bool cut, struct counts *c)
{
	int r;

	if (n > NMEA_MAX_LINE) {
		c->too_long++;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) {
			c->bad_byte++;
			return;
		}
	}
	r = table_rule(s, n);
	if (r == 2 && cut)
		c->spliced++;
	else if (r == 2)
		c->no_cs++;
	else if (r == 1)
		c->bad++;
	else
		c->ok++;
}

/* The lexer's rules restated per line: split each line at every '$'. */
static void
segment_oracle(const char *buf, size_t len, struct counts *c)
{
	size_t pos = 0, n;
	const char *s;

	memset(c, 0, sizeof(*c));
	while (next_line(buf, len, &pos, &s, &n)) {
		const char *end = s + n, *d;

		if (n == 0)
			continue;
		if (s[0] == '#') {
			c->not_sentence++;
			continue;
		}
		d = memchr(s, '$', n);
		if (d == NULL || d > s)
			c->not_sentence++;
		while (d != NULL) {
			const char *next = memchr(d + 1, '$', (size_t)(end - d - 1));
			const char *seg_end = next ? next : end;

			classify_segment(d, (size_t)(seg_end - d), next != NULL, c);
			d = next;
		}
	}
}

struct decoded {
	int n;
	struct sample {
		long long ms;   /* ms since 1970, UTC; date from the sentence or
				   carried from the last RMC/ZDA, as gpsd does */
		struct nmea_date date; /* the date used */
		bool dated;     /* the sentence carried its own date */
		bool has_pos;
		double lat, lon;
		int fix;        /* 1 fix, 0 no fix, -1 not said */
	} s[4096];
};

static long long
days_from_civil(int y, int m, int d)
{
	/* March-based years make February the last month */
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static long long
to_ms(const struct nmea_date *d, const struct nmea_time *t)
{
	return ((days_from_civil(d->year, d->month, d->day) * 24 + t->hour) * 60 + t->min) *
		   60000LL +
	    t->sec * 1000LL + t->nsec / 1000000;
}

static const struct nmea_time midnight = { true, 0, 0, 0, 0 };

static struct counts
run_lexer(const char *buf, size_t len, struct decoded *dec)
{
	struct nmea_lexer lx;
	struct nmea_line l;
	struct nmea_msg m;
	struct nmea_date last_date = { 0 };
	const struct timespec t0 = { 0, 0 };
	size_t pos = 0;
	int got;
	struct counts c;

	nmea_lexer_init(&lx);
	lx.hash_comments = true;
	dec->n = 0;
	for (;;) {
		got = nmea_lexer_feed(&lx, (const uint8_t *)buf, len, &pos, t0, &l);
		if (!got)
			got = nmea_lexer_flush(&lx, &l);
		if (!got)
			break;
		if (l.status != NMEA_LEX_OK || nmea_parse(l.text, l.len, &m, NULL) != NMEA_PARSE_OK)
			continue;

		const struct nmea_time *t = NULL;
		const struct nmea_date *d = NULL;
		const struct nmea_pos *p = NULL;
		int fix = -1;

		switch (m.type) {
		case NMEA_RMC:
			t = &m.u.rmc.time, d = &m.u.rmc.date, p = &m.u.rmc.pos;
			fix = m.u.rmc.status == 'A' ? 1 : m.u.rmc.status == 'V' ? 0 : -1;
			break;
		case NMEA_ZDA:
			t = &m.u.zda.time, d = &m.u.zda.date;
			break;
		case NMEA_GGA:
			t = &m.u.gga.time, p = &m.u.gga.pos;
			fix = m.u.gga.quality > 0 ? 1 : m.u.gga.quality == 0 ? 0 : -1;
			break;
		case NMEA_GLL:
			t = &m.u.gll.time, p = &m.u.gll.pos;
			fix = m.u.gll.status == 'A' ? 1 : m.u.gll.status == 'V' ? 0 : -1;
			break;
		default:
			break;
		}
		if (d != NULL && d->valid)
			last_date = *d;
		if (t == NULL || !t->valid || !last_date.valid || dec->n >= 4096)
			continue;
		struct sample *s = &dec->s[dec->n++];
		s->ms = to_ms(&last_date, t);
		s->date = last_date;
		s->dated = d != NULL && d->valid;
		s->has_pos = p != NULL && p->valid;
		s->lat = s->has_pos ? p->lat : 0;
		s->lon = s->has_pos ? p->lon : 0;
		s->fix = fix;
	}
	c.ok = (int)lx.n_ok;
	c.bad = (int)lx.n_bad_checksum;
	c.no_cs = (int)lx.n_no_checksum;
	c.spliced = (int)lx.n_spliced;
	c.too_long = (int)lx.n_too_long;
	c.bad_byte = (int)lx.n_bad_byte;
	c.not_sentence = (int)lx.n_not_sentence;
	return c;
}

static void
test_counts(void **state)
{
	struct decoded *dec = malloc(sizeof(*dec));
	(void)state;

	for (size_t i = 0; i < N_CORPUS; i++) {
		const struct corpus *k = &corpus[i];
		size_t len;
		char *buf = read_file(k->file, &len);
		int table[4];
		struct counts want, got;

		line_oracle(buf, len, table);
		if (table[0] != k->good || table[1] != k->bad || table[2] != k->no_cs ||
		    table[3] != k->non_dollar)
			fail_msg("%s: line oracle %d/%d/%d/%d, PROVENANCE.md %d/%d/%d/%d", k->file,
			    table[0], table[1], table[2], table[3], k->good, k->bad, k->no_cs,
			    k->non_dollar);
		segment_oracle(buf, len, &want);
		got = run_lexer(buf, len, dec);
		if (memcmp(&want, &got, sizeof(want)) != 0)
			fail_msg("%s: lexer ok %d bad %d nocs %d spliced %d long %d byte %d not %d; "
				 "oracle %d %d %d %d %d %d %d",
			    k->file, got.ok, got.bad, got.no_cs, got.spliced, got.too_long,
			    got.bad_byte, got.not_sentence, want.ok, want.bad, want.no_cs,
			    want.spliced, want.too_long, want.bad_byte, want.not_sentence);
		if (got.ok != k->good + k->extra_ok)
			fail_msg("%s: %d good sentences, want %d + %d", k->file, got.ok, k->good,
			    k->extra_ok);
		free(buf);
	}
	free(dec);
}

/* ---- gpsd's TPV reports ---- */

struct tpv {
	bool has_time, has_pos;
	long long ms;
	int year, month, day;
	double lat, lon;
	int mode;
};

static bool
json_num(const char *obj, const char *key, double *v)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(obj, pat);
	if (p == NULL)
		return false;
	*v = strtod(p + strlen(pat), NULL);
	return true;
}

static bool
parse_tpv(const char *line, struct tpv *t)
{
	const char *p;
	double v;
	int y, mo, d, h, mi, s, ms;

	memset(t, 0, sizeof(*t));
	if (strncmp(line, "{\"class\":\"TPV\"", 14) != 0)
		return false;
	t->mode = json_num(line, "mode", &v) ? (int)v : -1;
	t->has_pos = json_num(line, "lat", &t->lat) && json_num(line, "lon", &t->lon);
	p = strstr(line, "\"time\":\"");
	if (p != NULL &&
	    sscanf(p + 8, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &y, &mo, &d, &h, &mi, &s, &ms) == 7) {
		struct nmea_date dd = { true, y, mo, d };
		struct nmea_time tt = { true, h, mi, s, ms * 1000000 };

		t->has_time = true;
		t->ms = to_ms(&dd, &tt);
		t->year = y, t->month = mo, t->day = d;
	}
	return true;
}

/*
 * gpsd is not a plain decoder: it "fixes" dates that a GPS week rollover
 * left 1024 weeks (or a multiple) in the past, and reads 2-digit years as
 * 19yy or 20yy by its own heuristics, where we keep what the receiver said
 * and read yy as 20yy.  So our time also matches a TPV when, read as 19yy
 * if it came from 20yy, it is 0, 1 or 2 whole 1024-week eras away.
 */
static bool
same_time(const struct sample *s, const struct tpv *t)
{
	const long long era = 1024LL * 7 * 86400 * 1000;
	struct nmea_date d19 = s->date;
	long long cand[2];

	d19.year -= 100;
	cand[0] = s->ms;
	cand[1] = s->ms - (to_ms(&s->date, &midnight) - to_ms(&d19, &midnight));
	for (int i = 0; i < 2; i++) {
		long long diff = t->ms - cand[i];

		if (diff == 0 || (diff % era == 0 && llabs(diff / era) <= 2))
			return true;
	}
	return false;
}

struct tally {
	int tpv_timed, matched_time, with_pos, matched_pos, with_mode, matched_mode;
};

/*
 * fresh: the first TPV with this time.  gpsd repeats its last time in the
 * TPVs of later cycles that brought no usable time (gp-320fw coldboot after
 * the restart: mode 1 reports still stamped 00:03:45.030, the last good
 * fix); their mode belongs to a later sentence, so only fresh reports are
 * held to the fix verdict.
 */
static void
check_tpv(const struct tpv *t, bool fresh, const struct decoded *dec, struct tally *ty,
    const char *file, const char *line)
{
	bool time_ok = false, pos_ok = false, mode_ok = false;

	for (int i = 0; i < dec->n; i++) {
		const struct sample *s = &dec->s[i];

		if (!same_time(s, t))
			continue;
		time_ok = true;
		if (t->has_pos && s->has_pos && fabs(s->lat - t->lat) <= 1e-6 &&
		    fabs(s->lon - t->lon) <= 1e-6)
			pos_ok = true;
		if ((t->mode == 1 && s->fix == 0) || (t->mode >= 2 && s->fix == 1))
			mode_ok = true;
	}
	ty->tpv_timed++;
	ty->matched_time += time_ok;
	if (!time_ok)
		print_message("%s: no sentence for %s\n", file, line);
	if (t->has_pos) {
		ty->with_pos++;
		ty->matched_pos += pos_ok;
		if (!pos_ok)
			print_message("%s: position differs: %s\n", file, line);
	}
	if (t->mode >= 1 && fresh) {
		ty->with_mode++;
		ty->matched_mode += mode_ok;
		if (!mode_ok)
			print_message("%s: fix verdict differs: %s\n", file, line);
	}
}

static void
test_gpsd_values(void **state)
{
	struct decoded *dec = malloc(sizeof(*dec));
	int total_timed = 0;
	(void)state;

	for (size_t i = 0; i < N_CORPUS; i++) {
		char chk_name[128];
		size_t len, clen, pos = 0, n;
		char *buf = read_file(corpus[i].file, &len);
		char *chk, line[4096];
		const char *s;
		struct tally ty = { 0 };
		long long last_ms = -1;

		snprintf(chk_name, sizeof(chk_name), "%s.chk", corpus[i].file);
		chk = read_file(chk_name, &clen);
		run_lexer(buf, len, dec);
		while (next_line(chk, clen, &pos, &s, &n)) {
			struct tpv t;

			if (n >= sizeof(line))
				continue;
			memcpy(line, s, n);
			line[n] = '\0';
			if (!parse_tpv(line, &t) || !t.has_time)
				continue;
			check_tpv(&t, t.ms != last_ms, dec, &ty, corpus[i].file, line);
			last_ms = t.ms;
		}
		if (ty.matched_time != ty.tpv_timed || ty.matched_pos != ty.with_pos ||
		    ty.matched_mode != ty.with_mode)
			fail_msg("%s: of %d timed TPVs, %d matched in time; positions %d/%d, fix %d/%d",
			    corpus[i].file, ty.tpv_timed, ty.matched_time, ty.matched_pos,
			    ty.with_pos, ty.matched_mode, ty.with_mode);
		total_timed += ty.tpv_timed;
		free(buf);
		free(chk);
	}
	/* all the timed TPVs in the .chk files were read */
	assert_int_equal(total_timed, 337);
	free(dec);
}

/* Our dated fixes the other way round: every RMC with status A and a date
 * shows up in gpsd's reports too, with four known exceptions (gpsd_skips),
 * each checked by hand in the .chk: the last RMC of neo-m8n.log and of
 * isync.log, whose cycle the log ends before gpsd reports it; the first fix
 * of mtk-3301.log (RMC 081436.000) and the second cycle of the gp-320fw
 * overflow log (RMC 235726.02), for which gpsd, still learning the
 * receiver's cycle, made no timed report. */
static void
test_gpsd_covers_ours(void **state)
{
	struct decoded *dec = malloc(sizeof(*dec));
	int failed = 0;
	(void)state;

	for (size_t i = 0; i < N_CORPUS; i++) {
		char chk_name[128];
		size_t len, clen;
		char *buf = read_file(corpus[i].file, &len);
		char *chk;
		int missing = 0;

		snprintf(chk_name, sizeof(chk_name), "%s.chk", corpus[i].file);
		chk = read_file(chk_name, &clen);
		run_lexer(buf, len, dec);
		for (int k = 0; k < dec->n; k++) {
			const struct sample *s = &dec->s[k];
			size_t pos = 0, n;
			const char *ln;
			bool found = false;
			char line[4096];

			if (!s->dated || s->fix != 1)
				continue;
			while (!found && next_line(chk, clen, &pos, &ln, &n)) {
				struct tpv t;

				if (n >= sizeof(line))
					continue;
				memcpy(line, ln, n);
				line[n] = '\0';
				found = parse_tpv(line, &t) && t.has_time && same_time(s, &t);
			}
			if (!found)
				print_message("%s: gpsd has no report for our fix at %lld ms\n",
				    corpus[i].file, s->ms);
			missing += !found;
		}
		if (missing != corpus[i].gpsd_skips) {
			print_message("%s: %d of our dated fixes are not in gpsd's reports, want %d\n",
			    corpus[i].file, missing, corpus[i].gpsd_skips);
			failed++;
		}
		free(buf);
		free(chk);
	}
	free(dec);
	assert_int_equal(failed, 0);
}

static void
test_no_crash_any_chunking(void **state)
{
	(void)state;

	/* every log, fed at every offset split into two chunks: no crash, and
	 * the lexer always ends with everything consumed */
	for (size_t i = 0; i < N_CORPUS; i++) {
		size_t len;
		char *buf = read_file(corpus[i].file, &len);
		size_t step = len / 50 + 1;

		for (size_t cut = 0; cut <= len; cut += step) {
			struct nmea_lexer lx;
			struct nmea_line l;
			struct nmea_msg m;
			const struct timespec t0 = { 0, 0 };
			size_t pos = 0;

			nmea_lexer_init(&lx);
			while (nmea_lexer_feed(&lx, (const uint8_t *)buf, cut, &pos, t0, &l))
				(void)nmea_parse(l.text, l.len, &m, NULL);
			assert_int_equal(pos, cut);
			pos = 0;
			while (nmea_lexer_feed(&lx, (const uint8_t *)buf + cut, len - cut, &pos, t0, &l))
				(void)nmea_parse(l.text, l.len, &m, NULL);
			assert_int_equal(pos, len - cut);
		}
		free(buf);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_gpsd_values),
		cmocka_unit_test(test_gpsd_covers_ours),
		cmocka_unit_test(test_no_crash_any_chunking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
