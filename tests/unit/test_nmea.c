/*
 * Unit tests for gnss/nmea: the lexer (framing, checksums, resync, splices,
 * line numbers, receive times, chunking) and the parser (every type and
 * talker, NMEA 4.1 extras, PMTK, range checks), on lines from the real
 * captures in tests/corpus/nmea.
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

/* ---- helpers ---- */

#define MAX_OUT 4096

struct lexed {
	int n;
	struct nmea_line l[MAX_OUT];
};

static const struct timespec t0 = { 0, 0 };

/* Feed data in chunks of the given sizes (cycled; 0 = all at once). */
static void
lex_chunks(const void *data, size_t len, const size_t *sizes, size_t n_sizes, bool comments,
    struct lexed *out)
{
	struct nmea_lexer lx;
	const uint8_t *p = data;
	size_t off = 0, k = 0;

	nmea_lexer_init(&lx);
	lx.hash_comments = comments;
	out->n = 0;
	while (off < len) {
		size_t sz = n_sizes ? sizes[k++ % n_sizes] : len;
		size_t pos = 0;

		if (sz > len - off)
			sz = len - off;
		while (out->n < MAX_OUT && nmea_lexer_feed(&lx, p + off, sz, &pos, t0, &out->l[out->n]))
			out->n++;
		assert_int_equal(pos, sz);
		off += sz;
	}
	if (out->n < MAX_OUT && nmea_lexer_flush(&lx, &out->l[out->n]))
		out->n++;
	assert_int_equal(nmea_lexer_flush(&lx, &out->l[0]), 0);
}

static void
lex_str(const char *s, struct lexed *out)
{
	lex_chunks(s, strlen(s), NULL, 0, false, out);
}

static char *
read_corpus(const char *name, size_t *len)
{
	char path[512];
	const char *top = getenv("OUTPOST_TOP");
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/tests/corpus/nmea/%s", top ? top : ".", name);
	f = fopen(path, "rb");
	assert_non_null(f);
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

static void
assert_line(const struct nmea_line *l, enum nmea_lex_status st, const char *text,
    unsigned long lineno)
{
	if (l->status != st)
		fail_msg("line %lu '%s': status %s, want %s", l->lineno, l->text,
		    nmea_lex_status_str(l->status), nmea_lex_status_str(st));
	assert_string_equal(l->text, text);
	assert_int_equal(l->len, strlen(text));
	assert_int_equal(l->lineno, lineno);
}

/* Frame a body so parser tests use sentences with correct checksums. */
static const char *
framed(const char *body)
{
	static char buf[NMEA_MAX_LINE + 8];

	assert_true(nmea_frame(buf, sizeof(buf), body, false) > 0);
	return buf;
}

static enum nmea_parse_status
parse(const char *line, struct nmea_msg *m, const char **why)
{
	return nmea_parse(line, strlen(line), m, why);
}

static void
parse_ok(const char *line, struct nmea_msg *m)
{
	const char *why = "";
	enum nmea_parse_status st = parse(line, m, &why);

	if (st != NMEA_PARSE_OK)
		fail_msg("%s: %s (%s)", line, nmea_parse_status_str(st), why);
}

#define assert_near(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

/* ---- lexer ---- */

static void
test_lex_good_crlf(void **state)
{
	struct lexed *o = malloc(sizeof(*o));
	(void)state;

	lex_str("$GPZDA,202640.000,13,04,2015,,*54\r\n", o);
	assert_int_equal(o->n, 1);
	assert_line(&o->l[0], NMEA_LEX_OK, "$GPZDA,202640.000,13,04,2015,,*54", 1);
	assert_int_equal(o->l[0].body_len, strlen("GPZDA,202640.000,13,04,2015,,"));
	free(o);
}

static void
test_lex_checksum_case(void **state)
{
	struct lexed *o = malloc(sizeof(*o));
	(void)state;

	/* mt3339.log's first GGA, *6C, and the same in lower case */
	lex_str("$GPGGA,202640.000,4404.1306,N,12118.8515,W,2,10,0.98,1127.7,M,-19.6,M,0000,0000*6C\r\n"
		"$GPGGA,202640.000,4404.1306,N,12118.8515,W,2,10,0.98,1127.7,M,-19.6,M,0000,0000*6c\r\n"
		"$GPGGA,202640.000,4404.1306,N,12118.8515,W,2,10,0.98,1127.7,M,-19.6,M,0000,0000*6D\r\n"
		"$GPGGA,202640.000,4404.1306,N,12118.8515,W,2,10,0.98,1127.7,M,-19.6,M,0000,0000*6G\r\n"
		"$GPGGA,202640.000,4404.1306,N,12118.8515,W,2,10,0.98,1127.7,M,-19.6,M,0000,0000*6\r\n",
	    o);
	assert_int_equal(o->n, 5);
	assert_int_equal(o->l[0].status, NMEA_LEX_OK);
	assert_int_equal(o->l[1].status, NMEA_LEX_OK);
	assert_int_equal(o->l[2].status, NMEA_LEX_BAD_CHECKSUM);
	assert_int_equal(o->l[2].cs_got, 0x6D);
	assert_int_equal(o->l[2].cs_want, 0x6C);
	assert_int_equal(o->l[3].status, NMEA_LEX_NO_CHECKSUM);
	assert_int_equal(o->l[4].status, NMEA_LEX_NO_CHECKSUM);
	assert_int_equal(o->l[4].lineno, 5);
	free(o);
}

static void
test_lex_spliced_triton(void **state)
{
	struct lexed *o = malloc(sizeof(*o));
	(void)state;

	/* triton400.log line 19: an unterminated GGA, then a whole GLL */
	lex_str("$GPGLL,2638.1727,N,08011.3892,W,030130.000,A,A*4E\n"
		"$GPGGA,030130$GPGLL,2638.1728,N,08011.3893,W,030131.000,A,A*41\n"
		"$GPGGA,030131.00,2638.1728,N,08011.3893,W,1,06,1.5,00016,M,-0028,M,,*56\n",
	    o);
	assert_int_equal(o->n, 4);
	assert_line(&o->l[0], NMEA_LEX_OK, "$GPGLL,2638.1727,N,08011.3892,W,030130.000,A,A*4E", 1);
	assert_line(&o->l[1], NMEA_LEX_SPLICED, "$GPGGA,030130", 2);
	assert_line(&o->l[2], NMEA_LEX_OK, "$GPGLL,2638.1728,N,08011.3893,W,030131.000,A,A*41", 2);
	assert_int_equal(o->l[3].status, NMEA_LEX_OK);
	assert_int_equal(o->l[3].lineno, 3);
	free(o);
}

static void
test_lex_spliced_isync(void **state)
{
	struct lexed *o = malloc(sizeof(*o));
	(void)state;

	/* isync.log lines 54-55: a $PTNTA injected into a GSV; the GSV's tail
	 * follows on the next line, not a sentence by itself */
	lex_str("$GPGSV,4,1,15,02,11,115,36,0$PTNTA,20160203131539,2,T4,000000066,+107,3,0,3*18\n"
		"5,34,060,48,07,00,023,,13,56,090,49*71\n",
	    o);
	assert_int_equal(o->n, 3);
	assert_line(&o->l[0], NMEA_LEX_SPLICED, "$GPGSV,4,1,15,02,11,115,36,0", 1);
	assert_line(&o->l[1], NMEA_LEX_OK, "$PTNTA,20160203131539,2,T4,000000066,+107,3,0,3*18", 1);
	assert_line(&o->l[2], NMEA_LEX_NOT_SENTENCE, "5,34,060,48,07,00,023,,13,56,090,49*71", 2);
	free(o);
}

static void
test_lex_complete_then_dollar(void **state)
{
	struct lexed *o = malloc(sizeof(*o));
	(void)state;

	/* gp-320fw coldboot: a whole GSA whose CR LF was lost, then an RMC */
	lex_str("$GPGSA,A,1,,,,,,,,,,,,,,,*1E$GPRMC,235949.00,V,0000.0000,N,00000.0000,E,,,161206,,,N*44\r\n"
		"$GPGSA,A,1,,,,,,,,,,,,,,,*1E0,*4E\r\n",
	    o);
	assert_int_equal(o->n, 3);
	assert_line(&o->l[0], NMEA_LEX_OK, "$GPGSA,A,1,,,,,,,,,,,,,,,*1E", 1);
	assert_line(&o->l[1], NMEA_LEX_OK,
	    "$GPRMC,235949.00,V,0000.0000,N,00000.0000,E,,,161206,,,N*44", 1);
	/* bytes after the '*hh': the first '*' is not a checksum at the end */
	assert_line(&o->l[2], NMEA_LEX_NO_CHECKSUM, "$GPGSA,A,1,,,,,,,,,,,,,,,*1E0,*4E", 2);
	free(o);
}

static void
test_lex_nul_and_garbage(void **state)
{
	struct lexed *o = malloc(sizeof(*o));
	static const char data[] = "$GPRMC,000346.03,A,4808\0\0\0\0    \r\n"
				   "\xff\xfe junk $GPZDA,202640.000,13,04,2015,,*54\r\n"
				   "\0\0\0\r\n"
				   "$GPZDA,202641.000,13,04,2015,,*55\r\n";
	(void)state;

	lex_chunks(data, sizeof(data) - 1, NULL, 0, false, o);
	assert_int_equal(o->n, 5);
	assert_int_equal(o->l[0].status, NMEA_LEX_BAD_BYTE);
	assert_int_equal(o->l[0].len, strlen("$GPRMC,000346.03,A,4808") + 4 + 4);
	assert_int_equal(o->l[1].status, NMEA_LEX_NOT_SENTENCE);
	assert_int_equal(o->l[1].len, 8);
	assert_memory_equal(o->l[1].text, "\xff\xfe junk ", 8);
	assert_line(&o->l[2], NMEA_LEX_OK, "$GPZDA,202640.000,13,04,2015,,*54", 2);
	assert_int_equal(o->l[3].status, NMEA_LEX_NOT_SENTENCE);
	assert_int_equal(o->l[3].lineno, 3);
	assert_line(&o->l[4], NMEA_LEX_OK, "$GPZDA,202641.000,13,04,2015,,*55", 4);
	free(o);
}

static void
test_lex_too_long(void **state)
{
	struct lexed *o = malloc(sizeof(*o));
	char body[NMEA_MAX_LINE + 64], line[NMEA_MAX_LINE + 64], data[4 * NMEA_MAX_LINE];
	size_t n;
	(void)state;

	/* exactly NMEA_MAX_LINE bytes with '$' and '*hh' is fine */
	n = NMEA_MAX_LINE - 4;
	memset(body, 'A', n);
	memcpy(body, "PXYZ,", 5);
	body[n] = '\0';
	assert_int_equal(nmea_frame(line, sizeof(line), body, false), NMEA_MAX_LINE);
	snprintf(data, sizeof(data), "%s\r\n", line);
	lex_str(data, o);
	assert_int_equal(o->n, 1);
	assert_int_equal(o->l[0].status, NMEA_LEX_OK);
	assert_int_equal(o->l[0].len, NMEA_MAX_LINE);

	/* one more byte is too long; the lexer resumes at the next line */
	body[n] = 'A';
	body[n + 1] = '\0';
	assert_int_equal(nmea_frame(line, sizeof(line), body, false), NMEA_MAX_LINE + 1);
	snprintf(data, sizeof(data), "%s\r\n$GPZDA,202640.000,13,04,2015,,*54\r\n", line);
	lex_str(data, o);
	assert_int_equal(o->n, 2);
	assert_int_equal(o->l[0].status, NMEA_LEX_TOO_LONG);
	assert_int_equal(o->l[0].len, NMEA_MAX_LINE);
	assert_memory_equal(o->l[0].text, line, NMEA_MAX_LINE);
	assert_line(&o->l[1], NMEA_LEX_OK, "$GPZDA,202640.000,13,04,2015,,*54", 2);

	/* a very long run of bytes without any end at all */
	memset(data, 'x', sizeof(data));
	data[0] = '$';
	lex_chunks(data, sizeof(data), NULL, 0, false, o);
	assert_int_equal(o->n, 1);
	assert_int_equal(o->l[0].status, NMEA_LEX_TOO_LONG);
	free(o);
}

static void
test_lex_line_endings(void **state)
{
	struct lexed *o = malloc(sizeof(*o));
	(void)state;

	/* CR LF once, lone LF, lone CR, blank lines, and an unterminated last one */
	lex_str("$GPZDA,202640.000,13,04,2015,,*54\r\n"
		"$GPZDA,202641.000,13,04,2015,,*55\n"
		"$GPZDA,202642.000,13,04,2015,,*56\r"
		"\r\n\n"
		"$GPZDA,202643.000,13,04,2015,,*57",
	    o);
	assert_int_equal(o->n, 4);
	assert_line(&o->l[0], NMEA_LEX_OK, "$GPZDA,202640.000,13,04,2015,,*54", 1);
	assert_line(&o->l[1], NMEA_LEX_OK, "$GPZDA,202641.000,13,04,2015,,*55", 2);
	assert_line(&o->l[2], NMEA_LEX_OK, "$GPZDA,202642.000,13,04,2015,,*56", 3);
	assert_line(&o->l[3], NMEA_LEX_OK, "$GPZDA,202643.000,13,04,2015,,*57", 6);
	free(o);
}

static void
test_lex_truncated_at_eof(void **state)
{
	struct lexed *o = malloc(sizeof(*o));
	(void)state;

	/* holux-gm-210.log ends in the middle of a GGA */
	lex_str("$GPGGA,012530.562,4131.7353,N,09336.8150,W,0,00,50.", o);
	assert_int_equal(o->n, 1);
	assert_line(&o->l[0], NMEA_LEX_NO_CHECKSUM,
	    "$GPGGA,012530.562,4131.7353,N,09336.8150,W,0,00,50.", 1);
	free(o);
}

static void
test_lex_hash_comments(void **state)
{
	struct lexed *o = malloc(sizeof(*o));
	static const char data[] = "#        $GPGSV,3,3,12,2,40,16,00,090,*72\n";
	(void)state;

	/* gp-320fw coldboot header quotes a sentence in a comment */
	lex_chunks(data, sizeof(data) - 1, NULL, 0, true, o);
	assert_int_equal(o->n, 1);
	assert_line(&o->l[0], NMEA_LEX_NOT_SENTENCE, "#        $GPGSV,3,3,12,2,40,16,00,090,*72", 1);
	/* on a serial line there are no comments: resync on the '$' */
	lex_chunks(data, sizeof(data) - 1, NULL, 0, false, o);
	assert_int_equal(o->n, 2);
	assert_line(&o->l[0], NMEA_LEX_NOT_SENTENCE, "#        ", 1);
	assert_line(&o->l[1], NMEA_LEX_OK, "$GPGSV,3,3,12,2,40,16,00,090,*72", 1);
	free(o);
}

static void
test_lex_bang(void **state)
{
	struct lexed *o = malloc(sizeof(*o));
	char line[128], data[160];
	(void)state;

	assert_true(nmea_frame(line, sizeof(line), "AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0",
			false) > 0);
	line[0] = '!';
	snprintf(data, sizeof(data), "%s\r\nab!cd\r\n", line);
	lex_str(data, o);
	assert_int_equal(o->n, 2);
	assert_line(&o->l[0], NMEA_LEX_OK, line, 1);
	/* '!' starts a sentence only at the start of a line */
	assert_line(&o->l[1], NMEA_LEX_NOT_SENTENCE, "ab!cd", 2);
	free(o);
}

static void
same_lines(const struct lexed *a, const struct lexed *b)
{
	assert_int_equal(a->n, b->n);
	for (int i = 0; i < a->n; i++) {
		assert_int_equal(a->l[i].status, b->l[i].status);
		assert_int_equal(a->l[i].len, b->l[i].len);
		assert_memory_equal(a->l[i].text, b->l[i].text, a->l[i].len);
		assert_int_equal(a->l[i].lineno, b->l[i].lineno);
		assert_int_equal(a->l[i].cs_got, b->l[i].cs_got);
	}
}

static void
test_lex_chunking(void **state)
{
	static const char *const logs[] = { "mt3339.log", "gp-320fw-2019-04-07-coldboot.log",
		"isync.log", "triton400.log", "mtk-3301.log" };
	struct lexed *whole = malloc(sizeof(*whole)), *part = malloc(sizeof(*part));
	size_t one = 1, sizes[64];
	(void)state;

	srand(20150413);
	for (size_t i = 0; i < 64; i++)
		sizes[i] = 1 + (size_t)rand() % 97;
	for (size_t k = 0; k < sizeof(logs) / sizeof(logs[0]); k++) {
		size_t len;
		char *data = read_corpus(logs[k], &len);

		lex_chunks(data, len, NULL, 0, true, whole);
		assert_true(whole->n > 10);
		lex_chunks(data, len, &one, 1, true, part);
		same_lines(whole, part);
		lex_chunks(data, len, sizes, 64, true, part);
		same_lines(whole, part);
		free(data);
	}
	free(whole);
	free(part);
}

static void
test_lex_rx_time(void **state)
{
	struct nmea_lexer lx;
	struct nmea_line l;
	const char *c1 = "junk\r\n$GPZ";
	const char *c2 = "DA,202640.000,13,04,2015,,*54\r\n$GP";
	const char *c3 = "ZDA,202641.000,13,04,2015,,*55\r\n";
	struct timespec t1 = { 1, 0 }, t2 = { 2, 0 }, t3 = { 3, 0 };
	size_t pos = 0;
	(void)state;

	nmea_lexer_init(&lx);
	assert_int_equal(nmea_lexer_feed(&lx, (const uint8_t *)c1, strlen(c1), &pos, t1, &l), 1);
	assert_int_equal(l.status, NMEA_LEX_NOT_SENTENCE);
	assert_int_equal(l.rx_time.tv_sec, 1);
	assert_int_equal(l.rx_tail, strlen(c1));
	assert_int_equal(pos, 5); /* stopped right after the CR that ended it */
	assert_int_equal(nmea_lexer_feed(&lx, (const uint8_t *)c1, strlen(c1), &pos, t1, &l), 0);
	assert_int_equal(pos, strlen(c1));

	pos = 0;
	assert_int_equal(nmea_lexer_feed(&lx, (const uint8_t *)c2, strlen(c2), &pos, t2, &l), 1);
	assert_int_equal(l.status, NMEA_LEX_OK);
	/* the '$' came in the first chunk, 4 bytes before its end */
	assert_int_equal(l.rx_time.tv_sec, 1);
	assert_int_equal(l.rx_tail, 4);
	assert_int_equal(nmea_lexer_feed(&lx, (const uint8_t *)c2, strlen(c2), &pos, t2, &l), 0);

	pos = 0;
	assert_int_equal(nmea_lexer_feed(&lx, (const uint8_t *)c3, strlen(c3), &pos, t3, &l), 1);
	assert_int_equal(l.rx_time.tv_sec, 2);
	assert_int_equal(l.rx_tail, 3);
	assert_int_equal(l.lineno, 3);

	/* empty input: nothing */
	pos = 0;
	assert_int_equal(nmea_lexer_feed(&lx, (const uint8_t *)"", 0, &pos, t3, &l), 0);
}

static void
test_lex_counters(void **state)
{
	struct nmea_lexer lx;
	struct nmea_line l;
	static const char data[] = "$GPZDA,202640.000,13,04,2015,,*54\r\n"
				   "$GPZDA,202640.000,13,04,2015,,*55\r\n"
				   "$GPZDA,202640.000,13,04,2015,,\r\n"
				   "$GPGGA,0301$GPZDA,202640.000,13,04,2015,,*54\r\n"
				   "xyz\r\n"
				   "$A\x01*41\r\n";
	size_t pos = 0;
	(void)state;

	nmea_lexer_init(&lx);
	while (nmea_lexer_feed(&lx, (const uint8_t *)data, sizeof(data) - 1, &pos, t0, &l))
		;
	assert_int_equal(lx.n_ok, 2);
	assert_int_equal(lx.n_bad_checksum, 1);
	assert_int_equal(lx.n_no_checksum, 1);
	assert_int_equal(lx.n_spliced, 1);
	assert_int_equal(lx.n_not_sentence, 1);
	assert_int_equal(lx.n_skipped_bytes, 3);
	assert_int_equal(lx.n_bad_byte, 1);
	assert_int_equal(lx.n_too_long, 0);
}

static void
test_lex_status_str(void **state)
{
	(void)state;
	assert_string_equal(nmea_lex_status_str(NMEA_LEX_OK), "ok");
	assert_string_equal(nmea_lex_status_str(NMEA_LEX_BAD_CHECKSUM), "bad checksum");
	assert_string_equal(nmea_lex_status_str(NMEA_LEX_NOT_SENTENCE), "not a sentence");
	assert_string_equal(nmea_lex_status_str(NMEA_LEX_SPLICED), "spliced");
}

/* ---- checksum and framing ---- */

static void
test_frame(void **state)
{
	char buf[64];
	(void)state;

	assert_int_equal(nmea_checksum("PMTK251,57600", 13), 0x2C);
	assert_int_equal(nmea_frame(buf, sizeof(buf), "PMTK251,57600", false), 17);
	assert_string_equal(buf, "$PMTK251,57600*2C");
	assert_int_equal(nmea_frame(buf, sizeof(buf), "PMTK251,57600", true), 19);
	assert_string_equal(buf, "$PMTK251,57600*2C\r\n");
	/* exactly fits (17 + NUL), one byte short */
	assert_int_equal(nmea_frame(buf, 18, "PMTK251,57600", false), 17);
	assert_int_equal(nmea_frame(buf, 17, "PMTK251,57600", false), -1);
	assert_int_equal(nmea_frame(buf, sizeof(buf), "PMTK*251", false), -1);
	assert_int_equal(nmea_frame(buf, sizeof(buf), "PMTK$251", false), -1);
	assert_int_equal(nmea_frame(buf, sizeof(buf), "PMTK251\r\n", false), -1);
	assert_int_equal(nmea_frame(buf, sizeof(buf), "", false), -1);
	/* the frame of a corpus body reproduces the receiver's checksum */
	assert_int_equal(nmea_frame(buf, sizeof(buf), "GPZDA,202640.000,13,04,2015,,", false), 33);
	assert_string_equal(buf, "$GPZDA,202640.000,13,04,2015,,*54");
}

/* ---- parser: every type, on real lines ---- */

static void
test_parse_rmc_mt3339(void **state)
{
	struct nmea_msg m;
	(void)state;

	parse_ok("$GPRMC,202640.000,A,4404.1306,N,12118.8515,W,0.03,225.97,130415,,,D*73", &m);
	assert_int_equal(m.type, NMEA_RMC);
	assert_string_equal(m.talker, "GP");
	assert_string_equal(m.name, "RMC");
	assert_true(m.u.rmc.time.valid);
	assert_int_equal(m.u.rmc.time.hour, 20);
	assert_int_equal(m.u.rmc.time.min, 26);
	assert_int_equal(m.u.rmc.time.sec, 40);
	assert_int_equal(m.u.rmc.time.nsec, 0);
	assert_int_equal(m.u.rmc.status, 'A');
	assert_true(m.u.rmc.pos.valid);
	/* gpsd's .chk: 44.068843333, -121.314191667 */
	assert_near(m.u.rmc.pos.lat, 44.068843333, 1e-9);
	assert_near(m.u.rmc.pos.lon, -121.314191667, 1e-9);
	assert_true(m.u.rmc.has_speed);
	assert_near(m.u.rmc.speed_kn, 0.03, 1e-12);
	assert_true(m.u.rmc.has_course);
	assert_near(m.u.rmc.course_deg, 225.97, 1e-12);
	assert_false(m.u.rmc.has_magvar);
	assert_true(m.u.rmc.date.valid);
	assert_int_equal(m.u.rmc.date.year, 2015);
	assert_int_equal(m.u.rmc.date.month, 4);
	assert_int_equal(m.u.rmc.date.day, 13);
	assert_int_equal(m.u.rmc.mode, 'D');
	assert_int_equal(m.u.rmc.nav_status, 0);
}

static void
test_parse_rmc_variants(void **state)
{
	struct nmea_msg m;
	(void)state;

	/* bu353s4: southern and eastern hemisphere, year end */
	parse_ok("$GPRMC,030719.000,A,3747.0873,S,17518.8938,E,0.69,181.39,311214,,,A*7D", &m);
	assert_near(m.u.rmc.pos.lat, -(37 + 47.0873 / 60), 1e-9);
	assert_near(m.u.rmc.pos.lon, 175 + 18.8938 / 60, 1e-9);
	assert_int_equal(m.u.rmc.date.day, 31);
	assert_int_equal(m.u.rmc.date.month, 12);
	assert_int_equal(m.u.rmc.date.year, 2014);

	/* u-blox M9N, NMEA 4.11: 5-decimal minutes, mode D, nav status V */
	parse_ok("$GNRMC,223745.00,A,3806.62964,N,12237.61382,W,0.040,,110720,,,D,V*0E", &m);
	assert_string_equal(m.talker, "GN");
	assert_near(m.u.rmc.pos.lat, 38 + 6.62964 / 60, 1e-9);
	assert_false(m.u.rmc.has_course);
	assert_int_equal(m.u.rmc.mode, 'D');
	assert_int_equal(m.u.rmc.nav_status, 'V');

	/* gp-320fw: magnetic variation East; 2-digit fraction */
	parse_ok("$GPRMC,235724.02,A,4808.9978,N,01135.0800,E,000.0,000.0,060419,003.0,E,A*3E", &m);
	assert_true(m.u.rmc.has_magvar);
	assert_near(m.u.rmc.magvar_deg, 3.0, 1e-12);
	assert_int_equal(m.u.rmc.time.nsec, 20000000);
	parse_ok(framed("GPRMC,235724.02,A,4808.9978,N,01135.0800,E,000.0,000.0,060419,003.0,W,A"),
	    &m);
	assert_near(m.u.rmc.magvar_deg, -3.0, 1e-12);

	/* triton400: NMEA 2.0, no mode field, one-digit fraction */
	parse_ok("$GPRMC,030129.0,A,2638.1726,N,08011.3892,W,0.00,219.6,010413,,*26", &m);
	assert_int_equal(m.u.rmc.mode, 0);
	assert_int_equal(m.u.rmc.date.year, 2013);

	/* Telit after the week rollover: ".42" is 420 ms; 99 is 2099 (20yy) */
	parse_ok("$GPRMC,000231.42,A,4829.0005,N,00022.0016,E,0.16,212.28,220899,,,A*59", &m);
	assert_int_equal(m.u.rmc.time.nsec, 420000000);
	assert_int_equal(m.u.rmc.date.year, 2099);
	assert_int_equal(m.u.rmc.date.month, 8);
	assert_int_equal(m.u.rmc.date.day, 22);
}

static void
test_parse_rmc_telit_date(void **state)
{
	struct nmea_msg m;
	const char *why = NULL;
	(void)state;

	/* april6_2019.log: the Telit date field "2208-1" */
	assert_int_equal(
	    parse("$GPRMC,000231.099,A,4829.0005,N,00022.0015,E,0.15,212.28,2208-1,,,A*73", &m, &why),
	    NMEA_PARSE_BAD_FIELD);
	assert_string_equal(why, "RMC date");
	assert_string_equal(m.name, "RMC");
}

static void
test_parse_empty_fields(void **state)
{
	struct nmea_msg m;
	(void)state;

	/* april6_2019.log: everything empty but status and mode */
	parse_ok("$GPRMC,,V,,,,,,,,,,N*53", &m);
	assert_int_equal(m.type, NMEA_RMC);
	assert_false(m.u.rmc.time.valid);
	assert_int_equal(m.u.rmc.status, 'V');
	assert_false(m.u.rmc.pos.valid);
	assert_false(m.u.rmc.has_speed);
	assert_false(m.u.rmc.has_course);
	assert_false(m.u.rmc.date.valid);
	assert_int_equal(m.u.rmc.mode, 'N');

	/* u-blox LEA-5Q before a fix */
	parse_ok("$GPGGA,001901.00,,,,,0,00,99.99,,,,,,*6F", &m);
	assert_int_equal(m.type, NMEA_GGA);
	assert_true(m.u.gga.time.valid);
	assert_false(m.u.gga.pos.valid);
	assert_int_equal(m.u.gga.quality, 0);
	assert_int_equal(m.u.gga.sats, 0);
	assert_true(m.u.gga.has_hdop);
	assert_near(m.u.gga.hdop, 99.99, 1e-12);
	assert_false(m.u.gga.has_alt);
	assert_false(m.u.gga.has_geoid_sep);
	parse_ok("$GPRMC,001902.00,V,,,,,,,020211,,,N*77", &m);
	assert_true(m.u.rmc.date.valid);
	assert_false(m.u.rmc.pos.valid);
	parse_ok("$GPGSV,1,1,00*79", &m);
	assert_int_equal(m.type, NMEA_GSV);
	assert_int_equal(m.u.gsv.sats_in_view, 0);
	assert_int_equal(m.u.gsv.n_sats, 0);
	assert_int_equal(m.u.gsv.signal_id, -1);
}

static void
test_parse_gga(void **state)
{
	struct nmea_msg m;
	(void)state;

	parse_ok("$GPGGA,202640.000,4404.1306,N,12118.8515,W,2,10,0.98,1127.7,M,-19.6,M,0000,0000*6C",
	    &m);
	assert_int_equal(m.type, NMEA_GGA);
	assert_int_equal(m.u.gga.quality, 2);
	assert_int_equal(m.u.gga.sats, 10);
	assert_near(m.u.gga.hdop, 0.98, 1e-12);
	assert_near(m.u.gga.alt_m, 1127.7, 1e-9);
	assert_near(m.u.gga.geoid_sep_m, -19.6, 1e-9);
	assert_near(m.u.gga.pos.lat, 44.068843333, 1e-9);

	parse_ok("$GNGGA,171926.00,4404.14063,N,12118.85478,W,1,12,0.91,1147.2,M,-21.3,M,,*44", &m);
	assert_string_equal(m.talker, "GN");
	assert_int_equal(m.u.gga.sats, 12);
	/* triton400: zero-padded altitude and separation */
	parse_ok("$GPGGA,030131.00,2638.1728,N,08011.3893,W,1,06,1.5,00016,M,-0028,M,,*56", &m);
	assert_near(m.u.gga.alt_m, 16, 1e-12);
	assert_near(m.u.gga.geoid_sep_m, -28, 1e-12);
}

static void
test_parse_gll(void **state)
{
	struct nmea_msg m;
	(void)state;

	parse_ok("$GPGLL,2638.1726,N,08011.3892,W,030129.000,A,A*47", &m);
	assert_int_equal(m.type, NMEA_GLL);
	assert_near(m.u.gll.pos.lat, 26.636210000, 1e-9);
	assert_near(m.u.gll.pos.lon, -80.189820000, 1e-9);
	assert_int_equal(m.u.gll.time.hour, 3);
	assert_int_equal(m.u.gll.time.min, 1);
	assert_int_equal(m.u.gll.time.sec, 29);
	assert_int_equal(m.u.gll.status, 'A');
	assert_int_equal(m.u.gll.mode, 'A');
	parse_ok("$GNGLL,4404.14066,N,12118.85481,W,171925.00,A,A*66", &m);
	assert_string_equal(m.talker, "GN");
	/* NMEA 1.x: position only */
	parse_ok(framed("GPGLL,2638.1726,N,08011.3892,W"), &m);
	assert_true(m.u.gll.pos.valid);
	assert_false(m.u.gll.time.valid);
	assert_int_equal(m.u.gll.status, 0);
}

static void
test_parse_gsa(void **state)
{
	struct nmea_msg m;
	(void)state;

	parse_ok("$GPGSA,A,3,20,16,09,03,07,10,23,19,27,30,,,1.64,0.98,1.31*05", &m);
	assert_int_equal(m.type, NMEA_GSA);
	assert_int_equal(m.u.gsa.sel_mode, 'A');
	assert_int_equal(m.u.gsa.fix_mode, 3);
	assert_int_equal(m.u.gsa.n_prn, 10);
	assert_int_equal(m.u.gsa.prn[0], 20);
	assert_int_equal(m.u.gsa.prn[9], 30);
	assert_near(m.u.gsa.pdop, 1.64, 1e-12);
	assert_near(m.u.gsa.hdop, 0.98, 1e-12);
	assert_near(m.u.gsa.vdop, 1.31, 1e-12);
	assert_int_equal(m.u.gsa.system_id, -1);

	/* NMEA 4.11 system id */
	parse_ok("$GNGSA,A,3,29,20,18,16,51,13,44,26,,,,,0.99,0.54,0.83,1*0E", &m);
	assert_int_equal(m.u.gsa.system_id, 1);
	assert_int_equal(m.u.gsa.n_prn, 8);
	/* holes between PRNs (gp-320fw), no fix (mtk-3301) */
	parse_ok("$GPGSA,A,3,20,,,,13,31,,04,,,,,02.7,01.4,02.3*05", &m);
	assert_int_equal(m.u.gsa.n_prn, 4);
	assert_int_equal(m.u.gsa.prn[3], 4);
	parse_ok("$GPGSA,A,1,,,,,,,,,,,,,50.0,50.0,50.0*05", &m);
	assert_int_equal(m.u.gsa.fix_mode, 1);
	assert_int_equal(m.u.gsa.n_prn, 0);
}

static void
test_parse_gsv(void **state)
{
	struct nmea_msg m;
	(void)state;

	parse_ok("$GPGSV,3,3,12,19,13,123,27,03,07,176,19,05,05,328,13,47,,,*41", &m);
	assert_int_equal(m.type, NMEA_GSV);
	assert_int_equal(m.u.gsv.n_msgs, 3);
	assert_int_equal(m.u.gsv.msg_no, 3);
	assert_int_equal(m.u.gsv.sats_in_view, 12);
	assert_int_equal(m.u.gsv.n_sats, 4);
	assert_int_equal(m.u.gsv.sat[0].prn, 19);
	assert_int_equal(m.u.gsv.sat[0].elev_deg, 13);
	assert_int_equal(m.u.gsv.sat[0].azim_deg, 123);
	assert_int_equal(m.u.gsv.sat[0].snr_db, 27);
	assert_int_equal(m.u.gsv.sat[3].prn, 47);
	assert_int_equal(m.u.gsv.sat[3].elev_deg, -1);
	assert_int_equal(m.u.gsv.sat[3].snr_db, -1);

	/* triton400: an all-empty fourth block is no satellite */
	parse_ok("$GPGSV,3,3,11,20,09,138,36,13,04,183,51,32,03,113,44,,,,*44", &m);
	assert_int_equal(m.u.gsv.n_sats, 3);

	/* NMEA 4.11 signal id; Galileo, BeiDou, GLONASS talkers */
	parse_ok("$GAGSV,3,1,10,03,44,149,40,05,42,071,39,08,08,190,,09,06,034,,7*74", &m);
	assert_string_equal(m.talker, "GA");
	assert_int_equal(m.u.gsv.signal_id, 7);
	assert_int_equal(m.u.gsv.n_sats, 4);
	parse_ok("$GBGSV,2,1,07,04,01,262,,07,03,328,,27,78,059,44,28,29,115,34,1*79", &m);
	assert_string_equal(m.talker, "GB");
	assert_int_equal(m.u.gsv.signal_id, 1);
}

static void
test_parse_zda(void **state)
{
	struct nmea_msg m;
	(void)state;

	parse_ok("$GPZDA,202640.000,13,04,2015,,*54", &m);
	assert_int_equal(m.type, NMEA_ZDA);
	assert_true(m.u.zda.time.valid);
	assert_true(m.u.zda.date.valid);
	assert_int_equal(m.u.zda.date.year, 2015);
	assert_int_equal(m.u.zda.date.month, 4);
	assert_int_equal(m.u.zda.date.day, 13);
	assert_false(m.u.zda.has_zone);

	parse_ok("$GNZDA,223745.00,11,07,2020,00,00*7A", &m);
	assert_true(m.u.zda.has_zone);
	assert_int_equal(m.u.zda.zone_hours, 0);
	parse_ok(framed("GPZDA,223745.00,11,07,2020,-05,30"), &m);
	assert_int_equal(m.u.zda.zone_hours, -5);
	assert_int_equal(m.u.zda.zone_minutes, 30);
	/* a 4-digit year is kept as is, even one a week rollover produced */
	parse_ok("$GPZDA,000427.00,22,08,1999,,*67", &m);
	assert_int_equal(m.u.zda.date.year, 1999);
	/* no date at all is fine */
	parse_ok(framed("GPZDA,000427.00,,,,,"), &m);
	assert_false(m.u.zda.date.valid);
}

static void
test_parse_txt(void **state)
{
	struct nmea_msg m;
	(void)state;

	parse_ok(framed("GPTXT,01,01,02,u-blox ag - www.u-blox.com"), &m);
	assert_int_equal(m.type, NMEA_TXT);
	assert_int_equal(m.u.txt.n_msgs, 1);
	assert_int_equal(m.u.txt.msg_no, 1);
	assert_int_equal(m.u.txt.kind, 2);
	assert_string_equal(m.u.txt.text, "u-blox ag - www.u-blox.com");
	parse_ok(framed("GNTXT,01,01,02,ANTSTATUS=OK,extra"), &m);
	assert_string_equal(m.u.txt.text, "ANTSTATUS=OK,extra");
}

static void
test_parse_pmtk(void **state)
{
	struct nmea_msg m;
	(void)state;

	/* quectel-L70.log and mtk-3329.log acknowledgements */
	parse_ok("$PMTK001,314,3*36", &m);
	assert_int_equal(m.type, NMEA_PMTK_ACK);
	assert_string_equal(m.talker, "P");
	assert_string_equal(m.name, "PMTK001");
	assert_int_equal(m.u.ack.cmd, 314);
	assert_int_equal(m.u.ack.flag, 3);
	assert_string_equal(nmea_pmtk_flag_str(m.u.ack.flag), "succeeded");
	parse_ok("$PMTK001,604,1*30", &m);
	assert_int_equal(m.u.ack.cmd, 604);
	assert_string_equal(nmea_pmtk_flag_str(m.u.ack.flag), "unsupported");
	assert_string_equal(nmea_pmtk_flag_str(0), "invalid");
	assert_string_equal(nmea_pmtk_flag_str(2), "failed");

	/* mtk-3301.log power-up */
	parse_ok("$PMTK010,001*2E", &m);
	assert_int_equal(m.type, NMEA_PMTK_SYS);
	assert_int_equal(m.u.pmtk.number, 10);
	assert_int_equal(m.u.pmtk.sys_msg, 1);
	parse_ok(framed("PMTK011,MTKGPS"), &m);
	assert_int_equal(m.type, NMEA_PMTK_SYS);
	assert_int_equal(m.u.pmtk.number, 11);
	assert_int_equal(m.u.pmtk.sys_msg, -1);
	assert_string_equal(m.u.pmtk.text, "MTKGPS");

	parse_ok("$PMTK705,AXN_2.51_3339_19071200,0002,QUECTEL-L70,1.0*32", &m);
	assert_int_equal(m.type, NMEA_PMTK_OTHER);
	assert_int_equal(m.u.pmtk.number, 705);
	assert_string_equal(m.u.pmtk.text, "AXN_2.51_3339_19071200,0002,QUECTEL-L70,1.0");
	parse_ok("$PMTK705,AXN_1.30,0145,Fastrax IT500,*67", &m);
	assert_string_equal(m.u.pmtk.text, "AXN_1.30,0145,Fastrax IT500,");
}

static void
test_parse_unknown_types(void **state)
{
	static const struct {
		const char *line, *talker, *name;
	} t[] = {
		{ "$GNVTG,,T,,M,0.117,N,0.216,K,A*3F", "GN", "VTG" },
		{ "$GPGST,131519.00,11,,,,0.70,0.49,1.1*53", "GP", "GST" },
		{ "$GPGBS,131519.00,0.7,0.5,1.1,02,,30.9,12.6*40", "GP", "GBS" },
		{ "$PTNTA,20160203131536,2,T4,000000066,+108,3,0,3*18", "P", "PTNTA" },
		{ "$PQVERNO,R,L70BGR03A05S,2019/10/09,21:12*23", "P", "PQVERNO" },
		{ "$POLYN,EPH,0,00000000", "P", "POLYN" },
		{ "$PMTKCHN,14001,29001,23001,02001*46", "P", "PMTKCHN" },
		{ "$PUBX,00,000000.00,0000.00000,N*00", "P", "PUBX" },
		{ "$PGRME,15.0,M,45.0,M,25.0,M*1C", "P", "PGRME" },
	};
	struct nmea_msg m;
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		parse_ok(t[i].line, &m);
		assert_int_equal(m.type, NMEA_UNKNOWN);
		assert_string_equal(m.talker, t[i].talker);
		assert_string_equal(m.name, t[i].name);
	}
}

static void
test_parse_every_talker(void **state)
{
	static const char *const talkers[] = { "GP", "GN", "GL", "GA", "GB", "BD", "QZ", "GI", "II" };
	struct nmea_msg m;
	char body[128];
	(void)state;

	for (size_t i = 0; i < sizeof(talkers) / sizeof(talkers[0]); i++) {
		snprintf(body, sizeof(body),
		    "%sRMC,202640.000,A,4404.1306,N,12118.8515,W,0.03,225.97,130415,,,D", talkers[i]);
		parse_ok(framed(body), &m);
		assert_int_equal(m.type, NMEA_RMC);
		assert_string_equal(m.talker, talkers[i]);
	}
}

/* Field range checks: each line is a correct sentence but for one field. */
static void
test_parse_range_checks(void **state)
{
	static const struct {
		const char *body;
		enum nmea_parse_status st;
		const char *why;
	} t[] = {
		/* RMC: lat <= 90, minutes < 60, lon <= 180, hemispheres */
		{ "GPRMC,202640,A,9000.0000,N,12118.8515,W,,,130415,,", NMEA_PARSE_OK, "" },
		{ "GPRMC,202640,A,9000.0001,N,12118.8515,W,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC latitude" },
		{ "GPRMC,202640,A,4460.0000,N,12118.8515,W,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC latitude" },
		{ "GPRMC,202640,A,8960.000000,N,00000.0,E,,,050180,,", NMEA_PARSE_BAD_FIELD, "RMC latitude" },
		{ "GPRMC,202640,A,4404.1306,X,12118.8515,W,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC latitude" },
		{ "GPRMC,202640,A,4404.1306,,12118.8515,W,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC latitude" },
		{ "GPRMC,202640,A,-4404.1306,N,12118.8515,W,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC latitude" },
		{ "GPRMC,202640,A,44O4.1306,N,12118.8515,W,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC latitude" },
		{ "GPRMC,202640,A,4404.1306,N,18000.0000,W,,,130415,,", NMEA_PARSE_OK, "" },
		{ "GPRMC,202640,A,4404.1306,N,18000.0001,W,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC longitude" },
		{ "GPRMC,202640,A,4404.1306,N,12160.0000,W,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC longitude" },
		{ "GPRMC,202640,A,4404.1306,N,12118.8515,N,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC longitude" },
		{ "GPRMC,202640,A,4404.1306,N,,W,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC longitude" },
		/* time: hh < 24, mm < 60, ss <= 60 (leap second) */
		{ "GPRMC,235960,A,,,,,,,311216,,", NMEA_PARSE_OK, "" },
		{ "GPRMC,235961,A,,,,,,,311216,,", NMEA_PARSE_BAD_FIELD, "RMC time" },
		{ "GPRMC,240000,A,,,,,,,311216,,", NMEA_PARSE_BAD_FIELD, "RMC time" },
		{ "GPRMC,236000,A,,,,,,,311216,,", NMEA_PARSE_BAD_FIELD, "RMC time" },
		{ "GPRMC,20264,A,,,,,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC time" },
		{ "GPRMC,202640.,A,,,,,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC time" },
		{ "GPRMC,202640.0x,A,,,,,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC time" },
		{ "GPRMC,20:26:40,A,,,,,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC time" },
		/* date: day 1..31 (and the month's length), month 1..12 */
		{ "GPRMC,202640,A,,,,,,,310115,,", NMEA_PARSE_OK, "" },
		{ "GPRMC,202640,A,,,,,,,320115,,", NMEA_PARSE_BAD_FIELD, "RMC date" },
		{ "GPRMC,202640,A,,,,,,,000115,,", NMEA_PARSE_BAD_FIELD, "RMC date" },
		{ "GPRMC,202640,A,,,,,,,011315,,", NMEA_PARSE_BAD_FIELD, "RMC date" },
		{ "GPRMC,202640,A,,,,,,,010015,,", NMEA_PARSE_BAD_FIELD, "RMC date" },
		{ "GPRMC,202640,A,,,,,,,290224,,", NMEA_PARSE_OK, "" },
		{ "GPRMC,202640,A,,,,,,,290223,,", NMEA_PARSE_BAD_FIELD, "RMC date" },
		{ "GPRMC,202640,A,,,,,,,13042015,,", NMEA_PARSE_BAD_FIELD, "RMC date" },
		/* status, speed, course, magnetic variation, mode, nav status */
		{ "GPRMC,202640,X,,,,,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC status" },
		{ "GPRMC,202640,AV,,,,,,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC status" },
		{ "GPRMC,202640,A,,,,,-0.1,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC speed" },
		{ "GPRMC,202640,A,,,,,1e3,,130415,,", NMEA_PARSE_BAD_FIELD, "RMC speed" },
		{ "GPRMC,202640,A,,,,,,360.01,130415,,", NMEA_PARSE_BAD_FIELD, "RMC course" },
		{ "GPRMC,202640,A,,,,,,.,130415,,", NMEA_PARSE_BAD_FIELD, "RMC course" },
		{ "GPRMC,202640,A,,,,,,,130415,3.0,X", NMEA_PARSE_BAD_FIELD, "RMC magnetic variation" },
		{ "GPRMC,202640,A,,,,,,,130415,3.0,", NMEA_PARSE_BAD_FIELD, "RMC magnetic variation" },
		{ "GPRMC,202640,A,,,,,,,130415,181.0,E", NMEA_PARSE_BAD_FIELD, "RMC magnetic variation" },
		{ "GPRMC,202640,A,,,,,,,130415,,,Z", NMEA_PARSE_BAD_FIELD, "RMC mode" },
		{ "GPRMC,202640,A,,,,,,,130415,,,A,X", NMEA_PARSE_BAD_FIELD, "RMC navigation status" },
		{ "GPRMC,202640,A,,,,,,,130415,", NMEA_PARSE_TOO_FEW_FIELDS, "RMC" },
		/* GGA */
		{ "GPGGA,202640,,,,,9,10,0.98,1127.7,M,-19.6,M,,", NMEA_PARSE_BAD_FIELD, "GGA quality" },
		{ "GPGGA,202640,,,,,1,1a,0.98,1127.7,M,-19.6,M,,", NMEA_PARSE_BAD_FIELD, "GGA satellites" },
		{ "GPGGA,202640,,,,,1,100,0.98,1127.7,M,-19.6,M,,", NMEA_PARSE_BAD_FIELD, "GGA satellites" },
		{ "GPGGA,202640,,,,,1,10,-0.98,1127.7,M,-19.6,M,,", NMEA_PARSE_BAD_FIELD, "GGA hdop" },
		{ "GPGGA,202640,,,,,1,10,0.98,11x7.7,M,-19.6,M,,", NMEA_PARSE_BAD_FIELD, "GGA altitude" },
		{ "GPGGA,202640,,,,,1,10,0.98,1127.7,F,-19.6,M,,", NMEA_PARSE_BAD_FIELD, "GGA altitude" },
		{ "GPGGA,202640,,,,,1,10,0.98,1127.7,M,-19.6,K,,", NMEA_PARSE_BAD_FIELD, "GGA geoid separation" },
		{ "GPGGA,256640,,,,,1,10,0.98,1127.7,M,-19.6,M,,", NMEA_PARSE_BAD_FIELD, "GGA time" },
		{ "GPGGA,202640,9100.0,N,,,1,10,0.98,1127.7,M,-19.6,M,,", NMEA_PARSE_BAD_FIELD, "GGA latitude" },
		{ "GPGGA,202640,,,,,1,10,0.98", NMEA_PARSE_TOO_FEW_FIELDS, "GGA" },
		/* GLL */
		{ "GPGLL,2638.1726,S,08011.3892,E,030129.000,X,A", NMEA_PARSE_BAD_FIELD, "GLL status" },
		{ "GPGLL,2638.1726,S,08011.3892,E,030199.000,A,A", NMEA_PARSE_BAD_FIELD, "GLL time" },
		{ "GPGLL,2638.1726,S,08061.3892,E,030129.000,A,A", NMEA_PARSE_BAD_FIELD, "GLL longitude" },
		/* GSA */
		{ "GPGSA,A,4,,,,,,,,,,,,,1.0,1.0,1.0", NMEA_PARSE_BAD_FIELD, "GSA fix mode" },
		{ "GPGSA,A,0,,,,,,,,,,,,,1.0,1.0,1.0", NMEA_PARSE_BAD_FIELD, "GSA fix mode" },
		{ "GPGSA,X,3,,,,,,,,,,,,,1.0,1.0,1.0", NMEA_PARSE_BAD_FIELD, "GSA selection mode" },
		{ "GPGSA,A,3,ab,,,,,,,,,,,,1.0,1.0,1.0", NMEA_PARSE_BAD_FIELD, "GSA satellite" },
		{ "GPGSA,A,3,,,,,,,,,,,,,1.0,-1.0,1.0", NMEA_PARSE_BAD_FIELD, "GSA hdop" },
		{ "GPGSA,A,3,,,,,,,,,,,,,1.0,1.0,1.0,16", NMEA_PARSE_BAD_FIELD, "GSA system id" },
		{ "GPGSA,A,3,,,,,,,,,,,,,1.0,1.0", NMEA_PARSE_TOO_FEW_FIELDS, "GSA" },
		/* GSV: elevation 0..90, azimuth 0..360, SNR 0..99, message numbers */
		{ "GPGSV,1,1,01,09,91,089,31", NMEA_PARSE_BAD_FIELD, "GSV satellites" },
		{ "GPGSV,1,1,01,09,88,361,31", NMEA_PARSE_BAD_FIELD, "GSV satellites" },
		{ "GPGSV,1,1,01,09,88,089,100", NMEA_PARSE_BAD_FIELD, "GSV satellites" },
		{ "GPGSV,1,2,01,09,88,089,31", NMEA_PARSE_BAD_FIELD, "GSV message number" },
		{ "GPGSV,0,0,01,09,88,089,31", NMEA_PARSE_BAD_FIELD, "GSV message count" },
		{ "GPGSV,1,1,x1,09,88,089,31", NMEA_PARSE_BAD_FIELD, "GSV satellites in view" },
		{ "GPGSV,1,1,01,09,88,089,31,1,2,3,4,5,6,7,8,1,2,3,4,1,2,3,4", NMEA_PARSE_BAD_FIELD, "GSV satellites" },
		/* gp-320fw coldboot header: "malformed sentence with good checksum" */
		{ "GPGSV,3,3,12,2,40,16,00,090,", NMEA_PARSE_BAD_FIELD, "GSV satellites" },
		{ "GPGSV,1,1,01,09,88,089,31,G", NMEA_PARSE_BAD_FIELD, "GSV signal id" },
		/* ZDA */
		{ "GPZDA,202640.000,32,04,2015,,", NMEA_PARSE_BAD_FIELD, "ZDA date" },
		{ "GPZDA,202640.000,13,13,2015,,", NMEA_PARSE_BAD_FIELD, "ZDA date" },
		{ "GPZDA,202640.000,13,04,15,,", NMEA_PARSE_BAD_FIELD, "ZDA date" },
		{ "GPZDA,202640.000,13,,2015,,", NMEA_PARSE_BAD_FIELD, "ZDA date" },
		{ "GPZDA,202640.000,13,04,2015,+14,00", NMEA_PARSE_BAD_FIELD, "ZDA zone" },
		{ "GPZDA,202640.000,13,04,2015,01,60", NMEA_PARSE_BAD_FIELD, "ZDA zone" },
		{ "GPZDA,246040.000,13,04,2015,,", NMEA_PARSE_BAD_FIELD, "ZDA time" },
		{ "GPZDA,202640.000,13,04", NMEA_PARSE_TOO_FEW_FIELDS, "ZDA" },
		/* TXT, PMTK */
		{ "GPTXT,01,01,x2,hello", NMEA_PARSE_BAD_FIELD, "TXT type" },
		{ "PMTK001,314,4", NMEA_PARSE_BAD_FIELD, "PMTK001 flag" },
		{ "PMTK001,,3", NMEA_PARSE_BAD_FIELD, "PMTK001 command" },
		{ "PMTK001,314", NMEA_PARSE_TOO_FEW_FIELDS, "PMTK001" },
		{ "PMTK010,abc", NMEA_PARSE_BAD_FIELD, "PMTK010 message" },
		/* addresses */
		{ "GPN,00000.0000,E,0,00", NMEA_PARSE_BAD_ADDRESS, "address" },
		{ "GP,00,0.0,,M,,M,,", NMEA_PARSE_BAD_ADDRESS, "address" },
		{ "11,23,87,270", NMEA_PARSE_BAD_ADDRESS, "address" },
		{ "gprmc,202640,A,,,,,,,130415,,", NMEA_PARSE_BAD_ADDRESS, "address" },
		{ "GPRMCX,202640,A,,,,,,,130415,,", NMEA_PARSE_BAD_ADDRESS, "address" },
		{ ",202640", NMEA_PARSE_BAD_ADDRESS, "address" },
	};
	struct nmea_msg m;
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *why = NULL;
		enum nmea_parse_status st = parse(framed(t[i].body), &m, &why);

		if (st != t[i].st || strcmp(why, t[i].why) != 0)
			fail_msg("%s: got %s (%s), want %s (%s)", t[i].body,
			    nmea_parse_status_str(st), why, nmea_parse_status_str(t[i].st),
			    t[i].why);
	}
}

static void
test_parse_garbage_input(void **state)
{
	struct nmea_msg m;
	const char *why;
	char big[NMEA_MAX_LINE + 10];
	(void)state;

	assert_int_equal(nmea_parse("", 0, &m, &why), NMEA_PARSE_BAD_ADDRESS);
	assert_int_equal(nmea_parse("$", 1, &m, &why), NMEA_PARSE_BAD_ADDRESS);
	assert_int_equal(nmea_parse("GPRMC,1", 7, &m, &why), NMEA_PARSE_BAD_ADDRESS);
	assert_int_equal(nmea_parse("$*", 2, &m, &why), NMEA_PARSE_BAD_ADDRESS);
	memset(big, 'A', sizeof(big));
	big[0] = '$';
	assert_int_not_equal(nmea_parse(big, sizeof(big), &m, &why), NMEA_PARSE_OK);
	/* why may be NULL */
	assert_int_equal(nmea_parse("$GPRMC,1", 8, &m, NULL), NMEA_PARSE_TOO_FEW_FIELDS);
	/* length is honoured: the text after len is not read */
	assert_int_equal(nmea_parse("$GPZDA,202640.000,13,04,2015,,*54", 9, &m, &why),
	    NMEA_PARSE_TOO_FEW_FIELDS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lex_good_crlf),
		cmocka_unit_test(test_lex_checksum_case),
		cmocka_unit_test(test_lex_spliced_triton),
		cmocka_unit_test(test_lex_spliced_isync),
		cmocka_unit_test(test_lex_complete_then_dollar),
		cmocka_unit_test(test_lex_nul_and_garbage),
		cmocka_unit_test(test_lex_too_long),
		cmocka_unit_test(test_lex_line_endings),
		cmocka_unit_test(test_lex_truncated_at_eof),
		cmocka_unit_test(test_lex_hash_comments),
		cmocka_unit_test(test_lex_bang),
		cmocka_unit_test(test_lex_chunking),
		cmocka_unit_test(test_lex_rx_time),
		cmocka_unit_test(test_lex_counters),
		cmocka_unit_test(test_lex_status_str),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_parse_rmc_mt3339),
		cmocka_unit_test(test_parse_rmc_variants),
		cmocka_unit_test(test_parse_rmc_telit_date),
		cmocka_unit_test(test_parse_empty_fields),
		cmocka_unit_test(test_parse_gga),
		cmocka_unit_test(test_parse_gll),
		cmocka_unit_test(test_parse_gsa),
		cmocka_unit_test(test_parse_gsv),
		cmocka_unit_test(test_parse_zda),
		cmocka_unit_test(test_parse_txt),
		cmocka_unit_test(test_parse_pmtk),
		cmocka_unit_test(test_parse_unknown_types),
		cmocka_unit_test(test_parse_every_talker),
		cmocka_unit_test(test_parse_range_checks),
		cmocka_unit_test(test_parse_garbage_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
