/*
 * mode6: requests as ntpq sends them, the text it reads, and fragments
 * checked the way ntpq checks them (ntpsec pylib/packet.py and classic
 * ntpq.c getresponse).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "mode6.h"

/* ntpsec's ntpq: LI 3 (not in sync), VN 2, mode 6; `ntpq -c as` is READSTAT
 * with sequence 1 and no data. */
static const uint8_t ntpsec_readstat[12] = {
	0xd6, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Classic ntpq: LI 0, VN 2; sequence 5. */
static const uint8_t classic_readstat[12] = {
	0x16, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* `ntpq -p` asks each association for its default variables: READVAR with
 * an empty list, here association 0x85f1. */
static const uint8_t readvar_empty[12] = {
	0xd6, 0x02, 0x00, 0x02, 0x00, 0x00, 0x85, 0xf1, 0x00, 0x00, 0x00, 0x00,
};

/* `ntpq -c "rv 0 leap,stratum,refid"`: 18 bytes counted, padded to 20. */
static const uint8_t readvar_list[32] = {
	0xd6, 0x02, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12,
	'l', 'e', 'a', 'p', ',', 's', 't', 'r', 'a', 't', 'u', 'm', ',', 'r', 'e', 'f',
	'i', 'd', 0x00, 0x00,
};

/* `ntpq -c "cv &3"` from classic ntpq: READCLOCK of association 3. */
static const uint8_t readclock[12] = {
	0x16, 0x04, 0x00, 0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
};

static void
test_parse_readstat(void **state)
{
	struct mode6_request rq;

	(void)state;
	assert_int_equal(mode6_parse(ntpsec_readstat, 12, &rq), MODE6_OK);
	assert_int_equal(rq.leap, 3);
	assert_int_equal(rq.version, 2);
	assert_int_equal(rq.opcode, MODE6_OP_READSTAT);
	assert_int_equal(rq.sequence, 1);
	assert_int_equal(rq.associd, 0);
	assert_int_equal(rq.count, 0);
	assert_ptr_equal(rq.data, ntpsec_readstat + 12);

	assert_int_equal(mode6_parse(classic_readstat, 12, &rq), MODE6_OK);
	assert_int_equal(rq.leap, 0);
	assert_int_equal(rq.version, 2);
	assert_int_equal(rq.sequence, 5);
}

static void
test_parse_readvar_readclock(void **state)
{
	struct mode6_request rq;
	struct mode6_names it;
	char name[MODE6_NAME_MAX];

	(void)state;
	assert_int_equal(mode6_parse(readvar_empty, 12, &rq), MODE6_OK);
	assert_int_equal(rq.opcode, MODE6_OP_READVAR);
	assert_int_equal(rq.associd, 0x85f1);
	mode6_names_init(&it, &rq);
	assert_false(mode6_names_next(&it, name, sizeof(name)));

	assert_int_equal(mode6_parse(readvar_list, sizeof(readvar_list), &rq), MODE6_OK);
	assert_int_equal(rq.count, 18);
	assert_int_equal(rq.sequence, 3);
	mode6_names_init(&it, &rq);
	assert_true(mode6_names_next(&it, name, sizeof(name)));
	assert_string_equal(name, "leap");
	assert_true(mode6_names_next(&it, name, sizeof(name)));
	assert_string_equal(name, "stratum");
	assert_true(mode6_names_next(&it, name, sizeof(name)));
	assert_string_equal(name, "refid");
	assert_false(mode6_names_next(&it, name, sizeof(name)));
	assert_false(mode6_names_next(&it, name, sizeof(name)));

	assert_int_equal(mode6_parse(readclock, 12, &rq), MODE6_OK);
	assert_int_equal(rq.opcode, MODE6_OP_READCLOCK);
	assert_int_equal(rq.associd, 3);
	assert_int_equal(rq.sequence, 7);
}

static void
test_parse_refusals(void **state)
{
	uint8_t b[32];
	struct mode6_request rq;

	(void)state;
	assert_int_equal(mode6_parse(ntpsec_readstat, 11, &rq), MODE6_SHORT);
	assert_int_equal(mode6_parse(ntpsec_readstat, 0, &rq), MODE6_SHORT);

	memcpy(b, ntpsec_readstat, 12);
	b[0] = 0xd3;                                /* mode 3: a time request */
	assert_int_equal(mode6_parse(b, 12, &rq), MODE6_NOT_CONTROL);
	b[0] = 0xc6;                                /* version 0 */
	assert_int_equal(mode6_parse(b, 12, &rq), MODE6_VERSION);
	b[0] = 0xee;                                /* version 5 */
	assert_int_equal(mode6_parse(b, 12, &rq), MODE6_VERSION);
	b[0] = 0x0e;                                /* version 1 */
	assert_int_equal(mode6_parse(b, 12, &rq), MODE6_OK);
	b[0] = 0x26;                                /* version 4 */
	assert_int_equal(mode6_parse(b, 12, &rq), MODE6_OK);

	memcpy(b, ntpsec_readstat, 12);
	b[1] = 0x81;                                /* R */
	assert_int_equal(mode6_parse(b, 12, &rq), MODE6_RESPONSE);
	b[1] = 0x41;                                /* E */
	assert_int_equal(mode6_parse(b, 12, &rq), MODE6_RESPONSE);
	b[1] = 0x21;                                /* M */
	assert_int_equal(mode6_parse(b, 12, &rq), MODE6_FRAGMENTED);
	b[1] = 0x01;
	b[9] = 4;                                   /* offset 4 */
	assert_int_equal(mode6_parse(b, 12, &rq), MODE6_FRAGMENTED);
	b[8] = 1;
	b[9] = 0;                                   /* offset 256 */
	assert_int_equal(mode6_parse(b, 12, &rq), MODE6_FRAGMENTED);

	/* count past the end: the header is still there for a BADFMT answer */
	memcpy(b, readvar_list, sizeof(readvar_list));
	assert_int_equal(mode6_parse(b, 12 + 17, &rq), MODE6_COUNT);
	assert_int_equal(rq.sequence, 3);
	assert_int_equal(rq.opcode, MODE6_OP_READVAR);
	assert_int_equal(rq.version, 2);
	assert_null(rq.data);
	assert_int_equal(rq.count, 0);
	assert_int_equal(mode6_parse(b, 12 + 18, &rq), MODE6_OK);
	b[10] = 0xff;                               /* 65298 bytes */
	assert_int_equal(mode6_parse(b, sizeof(b), &rq), MODE6_COUNT);

	for (int st = MODE6_OK; st <= MODE6_COUNT; st++) {
		const char *s = mode6_parse_status_str((enum mode6_parse_status)st);
		assert_string_not_equal(s, "unknown");
		for (int o = MODE6_OK; o < st; o++)
			assert_string_not_equal(s, mode6_parse_status_str((enum mode6_parse_status)o));
	}
}

/* A READVAR request carrying text as its data. */
static void
request_with(struct mode6_request *rq, uint8_t *b, size_t blen, const char *text, size_t n)
{
	assert_true(12 + n <= blen);
	memset(b, 0, blen);
	b[0] = 0x16;
	b[1] = MODE6_OP_READVAR;
	b[10] = (uint8_t)(n >> 8);
	b[11] = (uint8_t)n;
	memcpy(b + 12, text, n);
	assert_int_equal(mode6_parse(b, 12 + n, rq), MODE6_OK);
}

static void
expect_names(const char *text, size_t n, size_t len, const char *const *want)
{
	uint8_t b[600];
	struct mode6_request rq;
	struct mode6_names it;
	char name[MODE6_NAME_MAX + 8];

	assert_true(len <= sizeof(name));
	request_with(&rq, b, sizeof(b), text, n);
	mode6_names_init(&it, &rq);
	for (; *want != NULL; want++) {
		memset(name, 'X', sizeof(name));
		assert_true(mode6_names_next(&it, name, len));
		assert_string_equal(name, *want);
		for (size_t i = len; i < sizeof(name); i++)
			assert_int_equal(name[i], 'X');     /* nothing past len */
	}
	assert_false(mode6_names_next(&it, name, len));
}

static void
test_names(void **state)
{
	(void)state;
	/* values are stepped over, up to the next comma */
	static const char *const v1[] = { "nonce", "frags", "addr.0", "last.0", NULL };
	const char *s1 = "nonce=dbe1a4c8e1b2c3d4e5f60718, frags=32, addr.0=192.0.2.1:123,"
	    "last.0=0xe9a0c2b1.80000000";
	expect_names(s1, strlen(s1), MODE6_NAME_MAX, v1);
	static const char *const v2[] = { "a", "d", NULL };
	expect_names("a=b=c,d", 7, MODE6_NAME_MAX, v2);

	/* spaces around names, empty items, items with no name */
	static const char *const v3[] = { "leap", "stratum", "refid", NULL };
	const char *s3 = " leap ,  stratum = 3 ,\t refid \r\n";
	expect_names(s3, strlen(s3), MODE6_NAME_MAX, v3);
	static const char *const v4[] = { "a", "b", "c", NULL };
	const char *s4 = ",,a,, ,b,=x, = y,c,,";
	expect_names(s4, strlen(s4), MODE6_NAME_MAX, v4);
	static const char *const none[] = { NULL };
	expect_names(", ,,  ,", 7, MODE6_NAME_MAX, none);
	expect_names("=1,=2", 5, MODE6_NAME_MAX, none);

	/* a NUL ends the list: a client that counts its padding */
	static const char *const v5[] = { "leap", NULL };
	expect_names("leap\0\0\0", 7, MODE6_NAME_MAX, v5);

	/* too long for the buffer: cut to len - 1, and the next name is whole */
	static const char *const v6[] = { "abcdefg", "leap", "abcdefg", NULL };
	expect_names("abcdefghijkl=1,leap,abcdefg", 27, 8, v6);
	static const char *const v7[] = { "x", NULL };
	expect_names("x", 1, 2, v7);
	expect_names("xy", 2, 2, v7);
	static const char *const v9[] = { "abcdefg", "abcdefg", NULL };
	expect_names("abcdefgh,abcdefg", 16, 8, v9);
	char longname[200];
	memset(longname, 'n', sizeof(longname));
	char cut[MODE6_NAME_MAX];
	memset(cut, 'n', sizeof(cut) - 1);
	cut[sizeof(cut) - 1] = '\0';
	const char *v8[] = { cut, NULL };
	expect_names(longname, sizeof(longname), MODE6_NAME_MAX, v8);
}

static void
test_names_empty_request(void **state)
{
	struct mode6_request rq;
	struct mode6_names it;
	char name[8];
	uint8_t b[12];

	(void)state;
	memcpy(b, readvar_list, 12);
	/* a refused request has no data to iterate */
	assert_int_equal(mode6_parse(b, 12, &rq), MODE6_COUNT);
	mode6_names_init(&it, &rq);
	assert_false(mode6_names_next(&it, name, sizeof(name)));
}

static struct mode6_text text;

static void
assert_text(const struct mode6_text *t, const char *want)
{
	assert_int_equal(t->len, strlen(want));
	assert_memory_equal(t->buf, want, t->len);
}

static void
test_text_items(void **state)
{
	(void)state;
	mode6_text_init(&text);
	mode6_text_finish(&text);
	assert_int_equal(text.len, 0);

	mode6_text_init(&text);
	mode6_put(&text, "leap", "%d", 0);
	mode6_put(&text, "stratum", "%d", 1);
	mode6_put_str(&text, "srchost", "PPS(0)");
	mode6_put_ts(&text, "reftime", 0xe9a0c2b180000000ULL);
	mode6_put(&text, "reach", "0x%02x", 0377);
	assert_false(text.full);
	mode6_text_finish(&text);
	assert_text(&text, "leap=0, stratum=1, srchost=\"PPS(0)\", reftime=0xe9a0c2b1.80000000,\r\n"
			   "reach=0xff\r\n");

	mode6_text_init(&text);
	mode6_put_ts(&text, "t", 0x1ULL);
	mode6_put_str(&text, "s", "");
	mode6_put_str(&text, "n", NULL);
	mode6_text_finish(&text);
	assert_text(&text, "t=0x00000000.00000001, s=\"\", n=\"\"\r\n");
}

static void
test_text_folding(void **state)
{
	char v58[59];

	(void)state;
	/* Items of 10 characters: six make a line of 70, a seventh would
	 * make 82. */
	mode6_text_init(&text);
	for (int i = 0; i < 13; i++) {
		char name[16];
		snprintf(name, sizeof(name), "name%02d", i);
		mode6_put(&text, name, "%d", 123);
	}
	mode6_text_finish(&text);
	assert_text(&text, "name00=123, name01=123, name02=123, name03=123, name04=123, name05=123,\r\n"
			   "name06=123, name07=123, name08=123, name09=123, name10=123, name11=123,\r\n"
			   "name12=123\r\n");

	/* A line may reach 72 exactly, not 73. */
	memset(v58, 'a', 58);
	v58[58] = '\0';
	mode6_text_init(&text);
	mode6_put(&text, "x", "%s", v58);            /* 60 */
	mode6_put(&text, "abcd", "%s", "12345");     /* 60 + 2 + 10 = 72 */
	mode6_put(&text, "b", "%d", 1);              /* 72 + 2 + 3 */
	mode6_put(&text, "x", "%s", v58);            /* 3 + 2 + 60 = 65 */
	mode6_put(&text, "abcde", "%s", "12345");    /* 65 + 2 + 11 = 78 */
	mode6_text_finish(&text);
	char want[256];
	snprintf(want, sizeof(want), "x=%s, abcd=12345,\r\nb=1, x=%s,\r\nabcde=12345\r\n", v58, v58);
	assert_text(&text, want);

	/* An item longer than a line stands alone on its own. */
	char v80[81];
	memset(v80, 'z', 80);
	v80[80] = '\0';
	mode6_text_init(&text);
	mode6_put(&text, "a", "%d", 1);
	mode6_put_str(&text, "long", v80);
	mode6_put(&text, "b", "%d", 2);
	mode6_text_finish(&text);
	snprintf(want, sizeof(want), "a=1,\r\nlong=\"%s\",\r\nb=2\r\n", v80);
	assert_text(&text, want);
}

/* Every line of a text holds at most MODE6_LINE characters before its
 * ",\r\n" (or the final "\r\n") when no item is longer than that. */
static void
test_text_line_bound(void **state)
{
	char v[80];

	(void)state;
	mode6_text_init(&text);
	for (int i = 0; i < 300; i++) {
		size_t n = (size_t)(i * 7 % 60);
		memset(v, 'v', n);
		v[n] = '\0';
		if (i % 3 == 0)
			mode6_put_str(&text, "s", v);
		else
			mode6_put(&text, "n", "%s%d", v, i);
	}
	assert_false(text.full);
	mode6_text_finish(&text);
	size_t start = 0, lines = 0;
	for (size_t i = 0; i + 1 < text.len; i++) {
		if (text.buf[i] != '\r')
			continue;
		assert_int_equal(text.buf[i + 1], '\n');
		size_t n = i - start;
		bool last = i + 2 == text.len;
		if (!last) {
			assert_int_equal(text.buf[i - 1], ',');
			n--;
		}
		assert_true(n <= MODE6_LINE);
		/* and folding was needed: the longest item is 64 */
		assert_true(n + 2 + 64 > MODE6_LINE || last);
		start = i + 2;
		lines++;
	}
	assert_int_equal(start, text.len);
	assert_true(lines > 50);
}

static void
test_text_quoting(void **state)
{
	(void)state;
	mode6_text_init(&text);
	mode6_put_str(&text, "srchost", "a\"b\\c\x01" "d\xff" "e,f g\r\n");
	mode6_put(&text, "v", "%s", "1,2\"3\t4 5");
	mode6_put(&text, "bad name=", "%d", 7);
	mode6_put(&text, "n,\"\x7f", "%d", 8);
	mode6_text_finish(&text);
	assert_text(&text, "srchost=\"a.b.c.d.e,f g..\", v=1.2.3.4 5, bad.name.=7, n...=8\r\n");
}

static void
test_text_full(void **state)
{
	static char big[MODE6_TEXT_MAX + 10];
	size_t fit = MODE6_TEXT_MAX - 2 - 4;        /* x="..." and the final \r\n */

	(void)state;
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';

	/* exactly as much as fits */
	mode6_text_init(&text);
	big[fit] = '\0';
	mode6_put_str(&text, "x", big);
	assert_false(text.full);
	assert_int_equal(text.len, MODE6_TEXT_MAX - 2);
	mode6_put(&text, "y", "%d", 1);
	assert_true(text.full);
	assert_int_equal(text.len, MODE6_TEXT_MAX - 2);
	mode6_text_finish(&text);
	assert_int_equal(text.len, MODE6_TEXT_MAX);
	assert_memory_equal(text.buf + MODE6_TEXT_MAX - 4, "b\"\r\n", 4);
	big[fit] = 'b';

	/* one byte more does not fit, and leaves the text empty */
	mode6_text_init(&text);
	big[fit + 1] = '\0';
	mode6_put_str(&text, "x", big);
	assert_true(text.full);
	assert_int_equal(text.len, 0);
	big[fit + 1] = 'b';

	/* the last item would fit after ", " but takes a new line, one more */
	size_t vlen = MODE6_TEXT_MAX - 2 - 4 - 2 - 10;
	mode6_text_init(&text);
	big[vlen] = '\0';
	mode6_put_str(&text, "x", big);
	big[vlen] = 'b';
	mode6_put(&text, "abcd", "%d", 12345);
	assert_true(text.full);
	assert_int_equal(text.len, vlen + 4);
	mode6_text_init(&text);
	big[vlen - 1] = '\0';
	mode6_put_str(&text, "x", big);
	big[vlen - 1] = 'b';
	mode6_put(&text, "abcd", "%d", 12345);
	assert_false(text.full);
	assert_int_equal(text.len, MODE6_TEXT_MAX - 2);
	mode6_text_finish(&text);
	assert_memory_equal(text.buf + MODE6_TEXT_MAX - 17, "b\",\r\nabcd=12345\r\n", 17);

	/* far too much, through the printf path */
	mode6_text_init(&text);
	mode6_put(&text, "a", "%d", 1);
	mode6_put(&text, "x", "%s", big);
	assert_true(text.full);
	assert_int_equal(text.len, 3);
	mode6_put(&text, "b", "%d", 2);             /* nothing after the first miss */
	assert_int_equal(text.len, 3);
	mode6_text_finish(&text);
	assert_text(&text, "a=1\r\n");

	/* many small items: stops short of the end, whole items only */
	mode6_text_init(&text);
	int n = 0;
	while (!text.full && n < 100000) {
		mode6_put(&text, "offset", "%d", n);
		n++;
	}
	assert_true(text.full);
	assert_true(text.len <= MODE6_TEXT_MAX - 2);
	assert_true(text.len > MODE6_TEXT_MAX - 2 - 20);
	size_t len = text.len;
	mode6_put_ts(&text, "t", 0);
	mode6_put_str(&text, "s", "x");
	assert_int_equal(text.len, len);
	mode6_text_finish(&text);
	assert_int_equal(text.len, len + 2);
	char last[32];
	snprintf(last, sizeof(last), "offset=%d\r\n", n - 2);
	assert_memory_equal(text.buf + text.len - strlen(last), last, strlen(last));
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Emit every fragment of data[0..len) as the answer to rq and check each
 * the way ntpq does; put the reassembled data in back.  Returns the number
 * of fragments.
 */
static int
emit_all(const struct mode6_request *rq, const uint8_t *data, size_t len, uint8_t *back)
{
	uint8_t out[MODE6_HEADER_LEN + MODE6_FRAG_DATA + 8];
	size_t off = 0;
	int k = 0;
	bool more = true;

	for (;; k++) {
		memset(out, 0xaa, sizeof(out));
		size_t n = mode6_fragment(rq, 0x011a, 1, data, len, k, out,
		    MODE6_HEADER_LEN + MODE6_FRAG_DATA);
		if (n == 0)
			break;
		assert_true(more);                          /* nothing after the last */
		assert_true(n <= MODE6_HEADER_LEN + MODE6_FRAG_DATA);
		assert_int_equal(n % 4, 0);
		assert_int_equal(out[0] & 7, 6);
		assert_int_equal(out[0] >> 6, 1);           /* our leap */
		assert_int_equal((out[0] >> 3) & 7, rq->version);
		assert_int_equal(out[1] & 0x80, 0x80);      /* R */
		assert_int_equal(out[1] & 0x40, 0);         /* not E */
		assert_int_equal(out[1] & 0x1f, rq->opcode);
		assert_int_equal(get16(out + 2), rq->sequence);
		assert_int_equal(get16(out + 4), 0x011a);
		assert_int_equal(get16(out + 6), rq->associd);
		assert_int_equal(get16(out + 8), off);
		size_t count = get16(out + 10);
		more = (out[1] & 0x20) != 0;
		assert_true(count <= MODE6_FRAG_DATA);
		assert_true(count > 0 || !more);            /* ntpq drops an empty M */
		assert_true(!more || count == MODE6_FRAG_DATA);
		assert_int_equal(n, (MODE6_HEADER_LEN + count + 3) & ~(size_t)3);
		for (size_t i = MODE6_HEADER_LEN + count; i < n; i++)
			assert_int_equal(out[i], 0);
		assert_int_equal(out[n], 0xaa);             /* nothing past the end */
		memcpy(back + off, out + MODE6_HEADER_LEN, count);
		off += count;
	}
	if (k == 0)
		return 0;
	assert_false(more);
	assert_int_equal(off, len);
	if (len > 0)
		assert_memory_equal(back, data, len);
	return k;
}

static void
test_fragments(void **state)
{
	static uint8_t data[MODE6_TEXT_MAX + 1], back[MODE6_TEXT_MAX + 1];
	static const struct {
		size_t len;
		int frags;
	} cases[] = {
		{ 0, 1 }, { 1, 1 }, { 3, 1 }, { 4, 1 }, { 467, 1 }, { 468, 1 }, { 469, 2 },
		{ 936, 2 }, { 937, 3 }, { 1000, 3 }, { MODE6_TEXT_MAX - 1, 32 },
		{ MODE6_TEXT_MAX, 32 },
	};
	struct mode6_request rq;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 256);
	assert_int_equal(mode6_parse(readvar_empty, 12, &rq), MODE6_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(back, 0, sizeof(back));
		assert_int_equal(emit_all(&rq, data, cases[i].len, back), cases[i].frags);
	}
	assert_int_equal(emit_all(&rq, data, MODE6_TEXT_MAX + 1, back), 0);

	/* the exact bytes of a small answer: 1000 bytes -> 468, 468, 64 */
	uint8_t out[MODE6_HEADER_LEN + MODE6_FRAG_DATA];
	assert_int_equal(mode6_fragment(&rq, 0x961a, 0, data, 1000, 2, out, sizeof(out)), 76);
	static const uint8_t hdr[12] = {
		0x16, 0x82, 0x00, 0x02, 0x96, 0x1a, 0x85, 0xf1, 0x03, 0xa8, 0x00, 0x40,
	};
	assert_memory_equal(out, hdr, 12);
	assert_int_equal(mode6_fragment(&rq, 0x961a, 0, data, 1000, 0, out, sizeof(out)), 480);
	assert_int_equal(out[1], 0xa2);                     /* R, M, READVAR */

	/* out too small, k out of range */
	assert_int_equal(mode6_fragment(&rq, 0, 0, data, 1000, 0, out, 479), 0);
	assert_int_equal(mode6_fragment(&rq, 0, 0, data, 1000, 2, out, 75), 0);
	assert_int_equal(mode6_fragment(&rq, 0, 0, data, 1000, 2, out, 76), 76);
	assert_int_equal(mode6_fragment(&rq, 0, 0, data, 1000, 3, out, sizeof(out)), 0);
	assert_int_equal(mode6_fragment(&rq, 0, 0, data, 1000, -1, out, sizeof(out)), 0);
	assert_int_equal(mode6_fragment(&rq, 0, 0, NULL, 0, 0, out, 11), 0);
	assert_int_equal(mode6_fragment(&rq, 0, 0, NULL, 0, 0, out, 12), 12);
	assert_int_equal(mode6_fragment(&rq, 0, 0, NULL, 0, 1, out, 12), 0);
}

/* A text answer comes back whole from its fragments. */
static void
test_fragments_text(void **state)
{
	static uint8_t back[MODE6_TEXT_MAX];
	struct mode6_request rq;

	(void)state;
	assert_int_equal(mode6_parse(readvar_list, sizeof(readvar_list), &rq), MODE6_OK);
	mode6_text_init(&text);
	for (int i = 0; i < 60; i++) {
		mode6_put(&text, "offset", "%.6f", i * 0.001);
		mode6_put_str(&text, "srchost", "GPS_NMEA(0)");
		mode6_put_ts(&text, "reftime", 0xe9a0c2b180000000ULL + (uint64_t)i);
	}
	mode6_text_finish(&text);
	assert_false(text.full);
	int k = emit_all(&rq, (const uint8_t *)text.buf, text.len, back);
	assert_int_equal(k, (int)((text.len + MODE6_FRAG_DATA - 1) / MODE6_FRAG_DATA));
	assert_true(k > 4);
}

static void
test_error(void **state)
{
	struct mode6_request rq;
	uint8_t out[16];

	(void)state;
	assert_int_equal(mode6_parse(readvar_list, sizeof(readvar_list), &rq), MODE6_OK);
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(mode6_error(&rq, MODE6_ERR_UNKNOWNVAR, 0, out, 12), 12);
	static const uint8_t unknownvar[13] = {
		0x16, 0xc2, 0x00, 0x03, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xaa,
	};
	assert_memory_equal(out, unknownvar, 13);

	assert_int_equal(mode6_parse(readclock, 12, &rq), MODE6_OK);
	assert_int_equal(mode6_error(&rq, MODE6_ERR_BADASSOC, 3, out, sizeof(out)), 12);
	static const uint8_t badassoc[12] = {
		0xd6, 0xc4, 0x00, 0x07, 0x04, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
	};
	assert_memory_equal(out, badassoc, 12);

	assert_int_equal(mode6_parse(ntpsec_readstat, 12, &rq), MODE6_OK);
	rq.opcode = 17;                             /* an opcode we do not know */
	assert_int_equal(mode6_error(&rq, MODE6_ERR_BADOP, 0, out, sizeof(out)), 12);
	assert_int_equal(out[0], 0x16);
	assert_int_equal(out[1], 0xd1);
	assert_int_equal(get16(out + 4), 0x0300);
	assert_int_equal(mode6_error(&rq, MODE6_ERR_BADOP, 0, out, 11), 0);
}

static void
test_status_words(void **state)
{
	(void)state;
	/* leap 0, PPS, 1 event, the last sys_peer */
	assert_int_equal(mode6_sys_status(0, MODE6_SRC_PPS, 1, MODE6_EVT_SYSPEER), 0x011a);
	/* unsynchronised at startup, no source */
	assert_int_equal(mode6_sys_status(3, MODE6_SRC_UNSPEC, 0, MODE6_EVT_UNSPEC), 0xc000);
	assert_int_equal(mode6_sys_status(1, MODE6_SRC_UHF, 2, MODE6_EVT_REACH), 0x4424);
	assert_int_equal(mode6_sys_status(0, MODE6_SRC_NTP, 3, MODE6_EVT_SYSPEER), 0x063a);
	/* the event count stops at 15 */
	assert_int_equal(mode6_sys_status(0, MODE6_SRC_PPS, 40, MODE6_EVT_SYSPEER), 0x01fa);
	assert_int_equal(mode6_sys_status(0, MODE6_SRC_PPS, -1, MODE6_EVT_SYSPEER), 0x010a);

	/* `ntpq -c as`: 961a = configured, reachable, sys.peer, 1 event, sys_peer */
	assert_int_equal(mode6_peer_status(true, true, 6, 1, MODE6_EVT_SYSPEER), 0x961a);
	/* the PPS peer (`o`), candidate, mobilised, unreachable server */
	assert_int_equal(mode6_peer_status(true, true, 7, 2, MODE6_EVT_REACH), 0x9724);
	assert_int_equal(mode6_peer_status(true, true, 4, 1, MODE6_EVT_REACH), 0x9414);
	assert_int_equal(mode6_peer_status(true, false, 0, 1, MODE6_EVT_MOBILIZE), 0x8011);
	assert_int_equal(mode6_peer_status(false, true, 1, 0, MODE6_EVT_UNREACH), 0x1103);
	assert_int_equal(mode6_peer_status(true, false, 0, 16, MODE6_EVT_UNREACH), 0x80f3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_readstat),
		cmocka_unit_test(test_parse_readvar_readclock),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_names_empty_request),
		cmocka_unit_test(test_text_items),
		cmocka_unit_test(test_text_folding),
		cmocka_unit_test(test_text_line_bound),
		cmocka_unit_test(test_text_quoting),
		cmocka_unit_test(test_text_full),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_fragments_text),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_status_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
