/*
 * mode6, the client's side: requests as ntpq sends them, answers from the
 * server side's own mode6_fragment() checked and put together in any
 * order, the text read back, and `ntpq -p` rows from it (mode6_peer).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mode6.h"
#include "mode6_peer.h"

#define SEQ 0x1234
#define ASSOC 3

/* What stratumd answered `READVAR 1` with, for its PPS refclock. */
static const char stratumd_pps[] =
    "srcadr=127.127.22.0, srcport=123, dstadr=0.0.0.0, dstport=123, leap=0,\r\n"
    "hmode=3, pmode=4, stratum=0, ppoll=4, hpoll=4, precision=-25,\r\n"
    "rootdelay=0.000, rootdisp=0.000, refid=PPS, reftime=0xeec15209.0191b6f2,\r\n"
    "rec=0xeec15209.0191b6f2, xmt=0x00000000.00000000, reach=0x01, unreach=0,\r\n"
    "delay=0.000000, offset=0.000000, jitter=0.001030, dispersion=0.021876,\r\n"
    "filtdelay=0.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00,\r\n"
    "filtoffset=0.00 -0.00 0.00 -0.00 -0.00 0.00 0.00 -0.00,\r\n"
    "filtdisp=0.01 0.02 0.04 0.05 0.07 0.08 0.10 0.11, flash=0x0,\r\n"
    "srchost=\"PPS(0)\"\r\n";

/* ... and for a chronyd server on loopback. */
static const char stratumd_server[] =
    "srcadr=127.0.0.1, srcport=11121, dstadr=127.0.0.1, dstport=11121, leap=0,\r\n"
    "hmode=3, pmode=4, stratum=1, ppoll=6, hpoll=6, precision=-26,\r\n"
    "rootdelay=0.000, rootdisp=0.000, refid=...., reftime=0xeec151eb.4616378f,\r\n"
    "rec=0xeec151f7.0d5df201, xmt=0xeec151f7.0d551c96, reach=0x01, unreach=0,\r\n"
    "delay=0.020607, offset=0.001893, jitter=0.006448, dispersion=187.832293,\r\n"
    "filtdelay=0.03 0.02 0.03 0.03 0.02 0.03 0.00 0.00,\r\n"
    "filtoffset=0.01 0.00 0.01 0.01 0.01 0.01 0.00 0.00,\r\n"
    "filtdisp=0.28 0.31 0.34 0.37 0.40 0.43 16000.00 16000.00, flash=0x0\r\n";

static struct mode6_text text;
static struct mode6_reasm reasm;
static uint8_t frag[MODE6_MAX_FRAGS + 1][MODE6_HEADER_LEN + MODE6_FRAG_DATA];
static size_t fraglen[MODE6_MAX_FRAGS + 1];

/* The request we send, as the server parses it. */
static void
our_request(uint8_t op, struct mode6_request *rq)
{
	uint8_t req[MODE6_HEADER_LEN];

	assert_int_equal(mode6_request_encode(op, SEQ, ASSOC, NULL, 0, req, sizeof(req)),
	    MODE6_HEADER_LEN);
	assert_int_equal(mode6_parse(req, sizeof(req), rq), MODE6_OK);
}

/* A text of n items, about 30 bytes each, and its fragments from the
 * server's side: their number. */
static int
make_answer(int items, uint16_t status)
{
	struct mode6_request rq;
	int k;

	mode6_text_init(&text);
	for (int i = 0; i < items; i++)
		mode6_put_str(&text, "srchost", i % 2 ? "PPS(0)" : "a \"quoted, thing\"");
	mode6_text_finish(&text);
	our_request(MODE6_OP_READVAR, &rq);
	for (k = 0; k <= MODE6_MAX_FRAGS; k++) {
		fraglen[k] = mode6_fragment(&rq, status, 0, text.buf, text.len, k, frag[k],
		    sizeof(frag[k]));
		if (fraglen[k] == 0)
			break;
	}
	return k;
}

static enum mode6_asm_status
feed(int k)
{
	struct mode6_response r;

	assert_int_equal(mode6_response_parse(frag[k], fraglen[k], MODE6_OP_READVAR, SEQ, ASSOC,
	    &r), MODE6_RESP_OK);
	return mode6_reasm_add(&reasm, &r);
}

static void
assert_text_back(void)
{
	assert_true(mode6_reasm_done(&reasm));
	assert_int_equal(reasm.len, text.len);
	assert_memory_equal(reasm.buf, text.buf, text.len);
}

static void
test_request_encode(void **state)
{
	uint8_t out[MODE6_HEADER_LEN + MODE6_FRAG_DATA];
	static const uint8_t readstat[12] = {
		0x16, 0x01, 0x12, 0x34, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct mode6_request rq;

	(void)state;
	/* classic ntpq's header: LI 0, VN 2, mode 6 */
	assert_int_equal(mode6_request_encode(MODE6_OP_READSTAT, SEQ, 0, NULL, 0, out,
	    sizeof(out)), 12);
	assert_memory_equal(out, readstat, 12);
	/* a varlist: counted, padded with zeros to 4 */
	memset(out, 0xee, sizeof(out));
	assert_int_equal(mode6_request_encode(MODE6_OP_READVAR, 7, 0x85f1, "leap,stratum", 12 + 1,
	    out, sizeof(out)), 28);
	assert_int_equal(mode6_parse(out, 28, &rq), MODE6_OK);
	assert_int_equal(rq.version, 2);
	assert_int_equal(rq.leap, 0);
	assert_int_equal(rq.opcode, MODE6_OP_READVAR);
	assert_int_equal(rq.sequence, 7);
	assert_int_equal(rq.associd, 0x85f1);
	assert_int_equal(rq.count, 13);
	assert_memory_equal(rq.data, "leap,stratum", 13);
	assert_int_equal(out[25] | out[26] | out[27], 0);
	/* too long for one datagram, or for out */
	assert_int_equal(mode6_request_encode(2, 1, 0, out, MODE6_FRAG_DATA + 1, out,
	    sizeof(out)), 0);
	assert_int_equal(mode6_request_encode(2, 1, 0, NULL, 0, out, 11), 0);
	assert_int_equal(mode6_request_encode(2, 1, 0, "ab", 2, out, 15), 0);
}

static void
test_round_trip(void **state)
{
	(void)state;
	int n = make_answer(150, 0x961a);
	assert_true(n >= 5 && n <= MODE6_MAX_FRAGS);
	mode6_reasm_init(&reasm);
	for (int k = 0; k < n; k++) {
		assert_false(mode6_reasm_done(&reasm));
		assert_int_equal(feed(k), MODE6_ASM_OK);
	}
	assert_text_back();
	assert_int_equal(reasm.status, 0x961a);
	assert_int_equal(reasm.nfrags, n);

	/* an empty answer is one fragment with no data, and done */
	n = make_answer(0, 0x8011);
	assert_int_equal(n, 1);
	mode6_reasm_init(&reasm);
	assert_int_equal(feed(0), MODE6_ASM_OK);
	assert_text_back();
	assert_int_equal(reasm.len, 0);
}

static void
test_out_of_order(void **state)
{
	(void)state;
	int n = make_answer(150, 0x961a);

	/* last first, then backwards */
	mode6_reasm_init(&reasm);
	for (int k = n - 1; k >= 0; k--) {
		assert_false(mode6_reasm_done(&reasm));
		assert_int_equal(feed(k), MODE6_ASM_OK);
	}
	assert_text_back();

	/* odd ones, then even ones */
	mode6_reasm_init(&reasm);
	for (int k = 1; k < n; k += 2)
		assert_int_equal(feed(k), MODE6_ASM_OK);
	for (int k = 0; k < n; k += 2) {
		assert_false(mode6_reasm_done(&reasm));
		assert_int_equal(feed(k), MODE6_ASM_OK);
	}
	assert_text_back();
}

static void
test_missing_middle(void **state)
{
	(void)state;
	int n = make_answer(150, 0x961a);

	mode6_reasm_init(&reasm);
	for (int k = 0; k < n; k++)
		if (k != 2)
			assert_int_equal(feed(k), MODE6_ASM_OK);
	/* the last fragment is in, but not every byte before it */
	assert_true(reasm.last);
	assert_false(mode6_reasm_done(&reasm));
	assert_int_equal(reasm.have, text.len - MODE6_FRAG_DATA);
	assert_int_equal(feed(2), MODE6_ASM_OK);
	assert_text_back();
}

static void
test_duplicates_and_overlaps(void **state)
{
	struct mode6_response r;

	(void)state;
	int n = make_answer(150, 0x961a);
	mode6_reasm_init(&reasm);
	assert_int_equal(feed(1), MODE6_ASM_OK);
	assert_int_equal(feed(1), MODE6_ASM_DUPLICATE);
	assert_int_equal(reasm.nfrags, 1);
	assert_int_equal(reasm.have, MODE6_FRAG_DATA);
	/* a fragment that covers half of another one */
	assert_int_equal(mode6_response_parse(frag[0], fraglen[0], MODE6_OP_READVAR, SEQ, ASSOC,
	    &r), MODE6_RESP_OK);
	r.offset = MODE6_FRAG_DATA / 2;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_OVERLAP);
	r.offset = MODE6_FRAG_DATA + 1;
	r.count = 10;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_OVERLAP);
	for (int k = 0; k < n; k++)
		assert_int_equal(feed(k), k == 1 ? MODE6_ASM_DUPLICATE : MODE6_ASM_OK);
	assert_text_back();
	/* once done, the same fragments again change nothing */
	assert_int_equal(feed(n - 1), MODE6_ASM_DUPLICATE);
	assert_int_equal(feed(0), MODE6_ASM_DUPLICATE);
	assert_text_back();
}

static void
test_past_the_end(void **state)
{
	struct mode6_response r;
	static const uint8_t data[MODE6_FRAG_DATA];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.data = data;
	r.status = 0x0611;
	mode6_reasm_init(&reasm);
	/* a last fragment of 10 bytes at 0: the answer is 10 bytes long */
	r.count = 10;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_OK);
	assert_true(mode6_reasm_done(&reasm));
	r.more = true;
	r.offset = 10;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_PAST_END);
	r.more = false;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_LAST);

	/* a last fragment ending before bytes already in */
	mode6_reasm_init(&reasm);
	r.more = true;
	r.offset = 100;
	r.count = 20;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_OK);
	r.more = false;
	r.offset = 0;
	r.count = 50;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_PAST_END);
	r.count = 0;
	r.offset = 90;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_PAST_END);
	/* an end inside bytes already in */
	r.offset = 110;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_OVERLAP);
	/* an empty fragment with M moves nothing on */
	r.more = true;
	r.offset = 0;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_EMPTY);
	/* past what an answer can hold */
	r.offset = MODE6_TEXT_MAX - 5;
	r.count = 6;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_RANGE);
	/* the status word must not change between fragments */
	r.offset = 0;
	r.count = 100;
	r.status = 0x0612;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_STATUS);
	r.status = 0x0611;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_OK);
	r.more = false;
	r.offset = 120;
	r.count = 0;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_OK);
	assert_true(mode6_reasm_done(&reasm));
	assert_int_equal(reasm.len, 120);
}

static void
test_too_many(void **state)
{
	struct mode6_response r;
	static const uint8_t data[4] = "abcd";

	(void)state;
	memset(&r, 0, sizeof(r));
	r.data = data;
	r.more = true;
	r.count = 1;
	mode6_reasm_init(&reasm);
	for (int k = 0; k < MODE6_MAX_FRAGS; k++) {
		r.offset = (uint16_t)(k * 2);
		assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_OK);
	}
	r.offset = 200;
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_TOO_MANY);
	assert_int_equal(reasm.nfrags, MODE6_MAX_FRAGS);
}

static void
test_header_checks(void **state)
{
	struct mode6_response r;
	uint8_t d[MODE6_HEADER_LEN + MODE6_FRAG_DATA];

	(void)state;
	make_answer(150, 0x961a);
	memcpy(d, frag[0], fraglen[0]);
	size_t len = fraglen[0];

#define CHECK(want) \
	assert_int_equal(mode6_response_parse(d, len, MODE6_OP_READVAR, SEQ, ASSOC, &r), want)
	CHECK(MODE6_RESP_OK);
	assert_true(r.more);
	assert_false(r.error);
	assert_int_equal(r.version, 2);
	assert_int_equal(r.offset, 0);
	assert_int_equal(r.count, MODE6_FRAG_DATA);
	assert_int_equal(r.status, 0x961a);
	/* a stale answer, another opcode, another association */
	assert_int_equal(mode6_response_parse(d, len, MODE6_OP_READVAR, SEQ + 1, ASSOC, &r),
	    MODE6_RESP_SEQUENCE);
	assert_null(r.data);
	assert_int_equal(r.count, 0);
	assert_int_equal(mode6_response_parse(d, len, MODE6_OP_READSTAT, SEQ, ASSOC, &r),
	    MODE6_RESP_OPCODE);
	assert_int_equal(mode6_response_parse(d, len, MODE6_OP_READVAR, SEQ, ASSOC + 1, &r),
	    MODE6_RESP_ASSOCID);
	/* the datagram cut short: count runs past it */
	len = 100;
	CHECK(MODE6_RESP_COUNT);
	len = 11;
	CHECK(MODE6_RESP_SHORT);
	len = fraglen[0];
	/* every version ntpq takes, no other */
	for (int v = 0; v < 8; v++) {
		d[0] = (uint8_t)(v << 3 | 6);
		CHECK(v >= 1 && v <= 4 ? MODE6_RESP_OK : MODE6_RESP_VERSION);
	}
	d[0] = 2 << 3 | 3;
	CHECK(MODE6_RESP_NOT_CONTROL);
	d[0] = 2 << 3 | 6;
	/* our own request coming back (R clear) */
	d[1] &= (uint8_t)~0x80;
	CHECK(MODE6_RESP_REQUEST);
	d[1] |= 0x80;
	/* data past the largest answer */
	d[8] = (uint16_t)(MODE6_TEXT_MAX - 100) >> 8;
	d[9] = (uint8_t)(MODE6_TEXT_MAX - 100);
	CHECK(MODE6_RESP_RANGE);
#undef CHECK
}

static void
test_error_answer(void **state)
{
	struct mode6_request rq;
	struct mode6_response r;
	uint8_t e[MODE6_HEADER_LEN];

	(void)state;
	our_request(MODE6_OP_READVAR, &rq);
	assert_int_equal(mode6_error(&rq, MODE6_ERR_BADASSOC, 3, e, sizeof(e)), 12);
	assert_int_equal(mode6_response_parse(e, sizeof(e), MODE6_OP_READVAR, SEQ, ASSOC, &r),
	    MODE6_RESP_OK);
	assert_true(r.error);
	assert_int_equal(r.errcode, MODE6_ERR_BADASSOC);
	assert_string_equal(mode6_error_str(r.errcode), "bad association");
	assert_string_equal(mode6_error_str(MODE6_ERR_PERMISSION), "permission denied");
	assert_string_equal(mode6_error_str(200), "unknown error code");
	mode6_reasm_init(&reasm);
	assert_int_equal(mode6_reasm_add(&reasm, &r), MODE6_ASM_ERROR);
	assert_int_equal(reasm.nfrags, 0);
}

struct item {
	const char *name, *value;
};

static void
assert_vars(const char *t, size_t len, const struct item *want, size_t n)
{
	struct mode6_vars it;
	char name[MODE6_NAME_MAX], value[128];
	size_t i = 0;

	mode6_vars_init(&it, t, len);
	while (mode6_vars_next(&it, name, sizeof(name), value, sizeof(value))) {
		assert_true(i < n);
		assert_string_equal(name, want[i].name);
		assert_string_equal(value, want[i].value);
		i++;
	}
	assert_int_equal(i, n);
	assert_false(mode6_vars_next(&it, name, sizeof(name), value, sizeof(value)));
}

static void
test_vars(void **state)
{
	static const char brief[] = "a=1, b=\"x, y\",\r\nc=3";
	static const struct item brief_items[] = { { "a", "1" }, { "b", "x, y" }, { "c", "3" } };
	static const char ntpd[] =
	    "srcadr=192.0.2.1, srcport=123, dstadr=0.0.0.0,\r\nrefid=PPS, reach=0xff, "
	    "filtdelay=    0.41    0.40,\r\nsrchost=\"PPS(0)\"\r\n";
	static const struct item ntpd_items[] = {
		{ "srcadr", "192.0.2.1" }, { "srcport", "123" }, { "dstadr", "0.0.0.0" },
		{ "refid", "PPS" }, { "reach", "0xff" }, { "filtdelay", "0.41    0.40" },
		{ "srchost", "PPS(0)" },
	};
	/* odd but possible: no value, no name, spaces around '=', an empty
	 * string, junk after a closing quote, a control byte, NUL padding */
	static const char odd[] = "flag, =5,, name = v , s=\"\", q=\"a\"b, x=\x01y\r\nz=1\0\0w=2";
	static const struct item odd_items[] = {
		{ "flag", "" }, { "name", "v" }, { "s", "" }, { "q", "a" }, { "x", ".y" },
		{ "z", "1" },
	};
	/* an unclosed quote runs to the end */
	static const char unclosed[] = "a=\"b, c";
	static const struct item unclosed_items[] = { { "a", "b, c" } };

	(void)state;
	assert_vars(brief, strlen(brief), brief_items, 3);
	assert_vars(ntpd, strlen(ntpd), ntpd_items, 7);
	assert_vars(odd, sizeof(odd) - 1, odd_items, 6);
	assert_vars(unclosed, strlen(unclosed), unclosed_items, 1);
	assert_vars("", 0, NULL, 0);
	assert_vars(",\r\n  ,", 6, NULL, 0);
}

static void
test_vars_cut(void **state)
{
	struct mode6_vars it;
	char name[4], value[5];
	static const char t[] = "longname=\"long value\", b=2";

	(void)state;
	mode6_vars_init(&it, t, strlen(t));
	assert_true(mode6_vars_next(&it, name, sizeof(name), value, sizeof(value)));
	assert_string_equal(name, "lon");
	assert_string_equal(value, "long");
	assert_true(mode6_vars_next(&it, name, sizeof(name), value, sizeof(value)));
	assert_string_equal(name, "b");
	assert_string_equal(value, "2");
	assert_false(mode6_vars_next(&it, name, sizeof(name), value, sizeof(value)));
	mode6_vars_init(&it, t, strlen(t));
	assert_false(mode6_vars_next(&it, name, 0, value, sizeof(value)));
}

static void
test_ts_parse(void **state)
{
	uint64_t ts;

	(void)state;
	assert_true(mode6_ts_parse("0xeec15209.0191b6f2", &ts));
	assert_true(ts == 0xeec152090191b6f2ULL);
	assert_true(mode6_ts_parse("0x00000000.00000000", &ts));
	assert_true(ts == 0);
	assert_true(mode6_ts_parse("0XEEC15209.0191B6F2", &ts));
	assert_false(mode6_ts_parse("0xeec15209", &ts));
	assert_false(mode6_ts_parse("eec15209.0191b6f2", &ts));
	assert_false(mode6_ts_parse("0x1eec15209.0191b6f2", &ts));
	assert_false(mode6_ts_parse("0xeec15209.0191b6f2 ", &ts));
	assert_false(mode6_ts_parse("0x.1", &ts));
}

#define TS(sec) ((uint64_t)(sec) << 32)

static void
peer_from(struct mode6_peer *p, uint16_t status, const char *t)
{
	mode6_peer_init(p, ASSOC, status);
	mode6_peer_parse(p, t, strlen(t));
}

static void
assert_row(const struct mode6_peer *p, const char *remote, uint64_t now, const char *want)
{
	char row[MODE6_PEER_ROW_MAX];

	assert_int_equal(mode6_peer_row(p, remote, now, row, sizeof(row)), strlen(want));
	assert_string_equal(row, want);
}

static void
test_peer_rows(void **state)
{
	struct mode6_peer p;

	(void)state;
	/* the header lines line up with the rows, 79 columns */
	assert_int_equal(strlen(mode6_peer_header), 79);
	assert_int_equal(strlen(mode6_peer_rule), 78);

	/* the brief's line, by hand: sys.peer, stratum 1, 20 s, 64 s, 377 */
	peer_from(&p, 0x961a,
	    "srcadr=192.0.2.1, srcport=123, hmode=3, stratum=1, ppoll=6, hpoll=6,\r\n"
	    "refid=GPS, rec=0xeec15200.80000000, reach=0xff, delay=0.417000,\r\n"
	    "offset=0.816000, jitter=0.033000\r\n");
	assert_true(mode6_peer_wants_name(&p));
	assert_row(&p, NULL, TS(0xeec15200 + 20) + 0xc0000000u,
	    "*192.0.2.1       .GPS.            1 u   20   64  377    0.417    0.816    0.033");
	/* the name found for it, cut to 15 */
	assert_row(&p, "ntp1.example.org", TS(0xeec15200 + 20) + 0xc0000000u,
	    "*ntp1.example.or .GPS.            1 u   20   64  377    0.417    0.816    0.033");

	/* stratumd's PPS refclock, 0.7 s after its pulse: when is '-' as in ntpq */
	peer_from(&p, 0x973a, stratumd_pps);
	assert_false(mode6_peer_wants_name(&p));
	assert_row(&p, NULL, 0xeec15209ULL << 32 | 0xb0000000u,
	    "oPPS(0)          .PPS.            0 l    -   16    1    0.000    0.000    0.001");
	/* 12 s after it */
	assert_row(&p, NULL, TS(0xeec15209 + 12) + 0x0191b6f2u,
	    "oPPS(0)          .PPS.            0 l   12   16    1    0.000    0.000    0.001");

	/* a chronyd server: refid with dots shown as it is */
	peer_from(&p, 0x9434, stratumd_server);
	assert_row(&p, "localhost", TS(0xeec151f7 + 18),
	    "+localhost       ....             1 u   17   64    1    0.021    0.002    0.006");
}

static void
test_peer_columns(void **state)
{
	struct mode6_peer p;

	(void)state;
	/* nothing sent: ntpsec's defaults */
	mode6_peer_init(&p, 9, 0x8011);
	assert_row(&p, NULL, TS(1000),
	    "                 ..              20 u    -    1    0        .        .        .");
	assert_int_equal(mode6_peer_when(&p, TS(1000)), -1);
	assert_true(isnan(mode6_peer_jitter(&p)));

	/* a refclock known by its address only (classic ntpd): 'l', no name lookup */
	peer_from(&p, 0x9414, "srcadr=127.127.20.0, hmode=3, stratum=0, refid=GPS, "
			       "ppoll=4, hpoll=4, dispersion=1.5");
	assert_int_equal(mode6_peer_type(&p), 'l');
	assert_false(mode6_peer_wants_name(&p));
	assert_string_equal(mode6_peer_remote(&p), "127.127.20.0");
	/* no jitter: dispersion instead */
	assert_true(mode6_peer_jitter(&p) == 1.5);

	/* symmetric active peer, long intervals, wide numbers, a long refid */
	peer_from(&p, 0x9114, "srcadr=192.0.2.7, hmode=1, stratum=3, ppoll=12, hpoll=13, "
			       "refid=2001:db8::1234:5678, rec=0xeec10000.00000000, reach=0x7, "
			       "delay=12345.6789, offset=-1234.5678, jitter=9999999.4");
	assert_int_equal(mode6_peer_type(&p), 's');
	assert_int_equal(mode6_peer_poll(&p), 4096);
	assert_int_equal(mode6_peer_tally(&p), 'x');
	assert_row(&p, NULL, TS(0xeec10000 + 2049),
	    "x192.0.2.7       -db8::1234:5678  3 s  34m  68m    7 12345.68 -1234.57  9999999");
	/* ntpsec's minutes and hours, its floating-point boundary included */
	assert_row(&p, NULL, TS(0xeec10000 + 17971),
	    "x192.0.2.7       -db8::1234:5678  3 s 300m  68m    7 12345.68 -1234.57  9999999");
	assert_row(&p, NULL, TS(0xeec10000 + 17972),
	    "x192.0.2.7       -db8::1234:5678  3 s   5h  68m    7 12345.68 -1234.57  9999999");
	assert_row(&p, NULL, TS(0xeec10000 + 4 * 86400),
	    "x192.0.2.7       -db8::1234:5678  3 s   4d  68m    7 12345.68 -1234.57  9999999");
	/* rec in the future, or across the era boundary */
	assert_int_equal(mode6_peer_when(&p, TS(0xeec10000 - 5)), -1);
	peer_from(&p, 0x9614, "rec=0xfffffff0.00000000");
	assert_int_equal(mode6_peer_when(&p, TS(0x10)), 32);

	/* values that do not parse are not used; a hostile name is made safe */
	peer_from(&p, 0x9614, "stratum=abc, reach=0x1ffff, ppoll=-1, hpoll=6, delay=nan, "
			       "offset=1e400, srcadr=192.0.2.9");
	assert_int_equal(p.stratum, 20);
	assert_int_equal(p.reach, 0);
	assert_int_equal(mode6_peer_poll(&p), 8);
	assert_true(isnan(p.delay) && isnan(p.offset));
	assert_row(&p, "evil\033[2Jname", TS(1),
	    "*evil.[2Jname    ..              20 u    -    8    0        .        .        .");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_encode),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_missing_middle),
		cmocka_unit_test(test_duplicates_and_overlaps),
		cmocka_unit_test(test_past_the_end),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_error_answer),
		cmocka_unit_test(test_vars),
		cmocka_unit_test(test_vars_cut),
		cmocka_unit_test(test_ts_parse),
		cmocka_unit_test(test_peer_rows),
		cmocka_unit_test(test_peer_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
