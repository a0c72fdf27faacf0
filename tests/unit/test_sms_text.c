/*
 * sms_text: the SMS codec of text mode.  Reading, table-driven on replies
 * captured from real modems (python-gsmmodem, gammu's at-sms-txt dumps) and
 * the malformed variants it must refuse: the +CMGL/+CMGR headers, time
 * stamps, UCS2 hex, the entries of a reply and whole messages decoded.
 * Writing: the number and the text as the UCS2 hex parts AT+CMGS sends,
 * the alphabet, where a long text is cut, and what is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "at.h"
#include "sms.h"
#include "sms_text.h"

/* ---- reading ---- */

static void
test_text_headers(void **state)
{
	struct sms_text_hdr h;

	(void)state;
	assert_int_equal(sms_text_parse_cmgl("+CMGL: 1,\"REC READ\",\"+2784000153099999\",,"
					     "\"13/02/07,01:31:44+08\"", &h), 0);
	assert_int_equal(h.index, 1);
	assert_string_equal(h.stat, "REC READ");
	assert_string_equal(h.addr, "+2784000153099999");
	assert_string_equal(h.scts, "13/02/07,01:31:44+08");
	assert_int_equal(sms_text_parse_cmgr("+CMGR: \"REC READ\", \"+4123456789132\", "
					     "\"2009/8/18,19:11:45\"", &h), 0);
	assert_int_equal(h.index, -1);
	assert_string_equal(h.scts, "2009/8/18,19:11:45");
	assert_int_equal(sms_text_parse_cmgr("+CMGR: 1,,24", &h), -1);
	assert_int_equal(sms_text_parse_cmgl("+CMGL: 0,0,,35", &h), -1);
	assert_int_equal(sms_text_parse_cmgr("+CMGR: \"REC READ", &h), -1);
	/* a status report's header: <fo> where the address would be */
	assert_int_equal(sms_text_parse_cmgl("+CMGL: 3,\"REC READ\",6,233,\"+447700900123\",145,"
					     "\"13/01/28,14:51:42+08\",\"13/01/28,14:51:44+08\",0",
	    &h), -1);
	/* UCS2: 21 characters of address fit */
	assert_int_equal(sms_text_parse_cmgl("+CMGL: 0,\"REC UNREAD\",\"002B00310032003300340035"
					     "0036003700380039003000310032003300340035003600370038"
					     "00390030\",,\"13/01/28,14:51:42+08\"", &h), 0);
	assert_int_equal(strlen(h.addr), 84);
}

static void
test_scts_text(void **state)
{
	static const struct {
		const char	*s;
		int		rc, year, month, day, hour, minute, second, tz;
	} t[] = {
		{ "13/01/28,14:51:42+08", 0, 2013, 1, 28, 14, 51, 42, 8 },
		{ "07/02/18,00:05:10+32", 0, 2007, 2, 18, 0, 5, 10, 32 },	/* gammu sample2 */
		{ "99/12/31,23:59:59-04", 0, 1999, 12, 31, 23, 59, 59, -4 },
		{ "89/01/01,00:00:00+00", 0, 2089, 1, 1, 0, 0, 0, 0 },
		{ "2009/8/18,19:11:45", 0, 2009, 8, 18, 19, 11, 45, 0 },	/* Motorola */
		{ "26/11/25,09:30:00-79", 0, 2026, 11, 25, 9, 30, 0, -79 },
		{ "06/05/28,18:15:41+80", -1, 0, 0, 0, 0, 0, 0, 0 },	/* gammu m2m: 20 h */
		{ "13/13/28,14:51:42+08", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "13/01/32,14:51:42+08", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "13/01/28,24:51:42+08", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "13/01/28,14:60:42+08", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "13/01/28 14:51:42+08", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "13/01/28,14:51:42+08x", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "13/01/28,14:51:42+", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "13/01/28,14:51:42+008", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "1/01/28,14:51:42", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "123/01/28,14:51:42", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "1989/01/28,14:51:42", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "13/001/28,14:51:42", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "", -1, 0, 0, 0, 0, 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sms_time st;

		memset(&st, 0x55, sizeof(st));
		if (sms_text_parse_scts(t[i].s, &st) != t[i].rc)
			fail_msg("\"%s\": expected %d", t[i].s, t[i].rc);
		if (t[i].rc < 0)
			continue;
		assert_int_equal(st.year, t[i].year);
		assert_int_equal(st.month, t[i].month);
		assert_int_equal(st.day, t[i].day);
		assert_int_equal(st.hour, t[i].hour);
		assert_int_equal(st.minute, t[i].minute);
		assert_int_equal(st.second, t[i].second);
		assert_int_equal(st.tz_quarters, t[i].tz);
	}
}

static void
test_ucs2_hex(void **state)
{
	char out[16];
	size_t n;

	(void)state;
	assert_int_equal(sms_text_ucs2_to_utf8("00480069", 8, out, sizeof(out), &n), 0);
	assert_string_equal(out, "Hi");
	assert_int_equal(n, 2);
	assert_int_equal(sms_text_ucs2_to_utf8("041f20ac", 8, out, sizeof(out), &n), 0);
	assert_string_equal(out, "П€");
	assert_int_equal(sms_text_ucs2_to_utf8("D83DDE00", 8, out, sizeof(out), &n), 0);
	assert_string_equal(out, "😀");
	/* a lone surrogate, then one in the wrong order */
	assert_int_equal(sms_text_ucs2_to_utf8("D83D0041DE00", 12, out, sizeof(out), &n), 0);
	assert_string_equal(out, "\xef\xbf\xbd" "A" "\xef\xbf\xbd");
	assert_int_equal(sms_text_ucs2_to_utf8("00410000", 8, out, sizeof(out), &n), 0);
	assert_int_equal(n, 2);	/* U+0000 kept */
	assert_int_equal(sms_text_ucs2_to_utf8("", 0, out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sms_text_ucs2_to_utf8("004", 3, out, sizeof(out), &n), -1);
	assert_int_equal(sms_text_ucs2_to_utf8("00G1", 4, out, sizeof(out), &n), -1);
	assert_int_equal(sms_text_ucs2_to_utf8("00410042", 8, out, 3, &n), 0);
	assert_int_equal(sms_text_ucs2_to_utf8("00410042", 8, out, 2, &n), -1);	/* NUL too */
	assert_int_equal(sms_text_ucs2_to_utf8("20AC", 4, out, 3, &n), -1);
}

/* A reply as the engine hands it over, from its information lines. */
static struct at_reply R;

static void
reply_of(const char *const *lines, size_t n, bool truncated)
{
	memset(&R, 0, sizeof(R));
	R.status = AT_OK;
	R.truncated = truncated;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(lines[i]);

		assert_true(R.used + len + 1 <= sizeof(R.buf));
		R.off[R.nlines++] = (uint16_t)R.used;
		memcpy(R.buf + R.used, lines[i], len + 1);
		R.used += len + 1;
	}
}

static void
test_text_entries(void **state)
{
	static const char *const gsmmodem[] = {	/* python-gsmmodem's capture, as is */
		"+CMGL: 0,\"REC UNREAD\",\"+27748577604\",,\"13/01/28,14:51:42+08\"",
		"Hello raspberry pi",
		"+CMGL: 1,\"REC READ\",\"+2784000153099999\",,\"13/02/07,01:31:44+08\"",
		"New and here to stay!",
		"+CMGL: 2,\"REC READ\",\"+27840001463\",,\"13/02/07,06:24:02+08\"",
		"Standard Bank: Your accounts are no longer FICA compliant.",
	};
	static const char *const motorola[] = {	/* gammu at-sms-txt/motorola-long */
		"+CMGR: \"REC READ\", \"+6667776667744\", \"2009/8/18,19:11:45\"",
		"Hoewfliepl jookfotu.", "Zxeuluhp isluqlinushceg.", ".ginyea jpae ryk.",
		"Noytaj. ",
	};
	static const char *const mixed[] = {
		"stray line before any header",
		"+CMGL: 4,\"REC READ\",\"0031\",,\"13/01/28,14:51:42+08\"",
		"+CMGL: 5,\"REC READ\",6,233,,,\"13/01/28,14:51:42+08\"",	/* status report */
		"+CMGL: 6,\"REC READ\",\"0032\",,\"13/01/28,14:51:42+08\"",
		"0048",
	};
	struct sms_text_entry e;
	size_t i = 0, bad = 0;

	(void)state;
	reply_of(gsmmodem, 6, false);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(sms_text_next(&R, &i, &e, &bad), 1);
		assert_int_equal(e.hdr.index, k);
		assert_int_equal(e.text_line, (size_t)(2 * k + 1));
		assert_int_equal(e.text_lines, 1);
	}
	assert_string_equal(e.hdr.addr, "+27840001463");
	assert_int_equal(sms_text_next(&R, &i, &e, &bad), 0);
	assert_int_equal(bad, 0);

	reply_of(motorola, 5, false);
	i = 0;
	assert_int_equal(sms_text_next(&R, &i, &e, &bad), 1);
	assert_int_equal(e.hdr.index, -1);
	assert_int_equal(e.text_lines, 4);
	assert_int_equal(sms_text_next(&R, &i, &e, &bad), 0);

	reply_of(mixed, 5, false);
	i = 0;
	assert_int_equal(sms_text_next(&R, &i, &e, &bad), 1);
	assert_int_equal(e.hdr.index, 4);
	assert_int_equal(e.text_lines, 0);	/* an empty text */
	assert_int_equal(sms_text_next(&R, &i, &e, &bad), 1);
	assert_int_equal(e.hdr.index, 6);
	assert_int_equal(e.text_lines, 1);
	assert_int_equal(sms_text_next(&R, &i, &e, &bad), 0);
	assert_int_equal(bad, 1);
}

/* One entry, "<header>" then its text lines, decoded. */
static int
decode_one(const char *const *lines, size_t n, struct sms_deliver *d, char *err, size_t errlen)
{
	struct sms_text_entry e;
	size_t i = 0;

	reply_of(lines, n, false);
	assert_int_equal(sms_text_next(&R, &i, &e, NULL), 1);
	return sms_text_decode(&R, &e, d, err, errlen);
}

static void
test_text_decode(void **state)
{
	static const char *const hello[] = {
		"+CMGL: 0,\"REC UNREAD\",\"002B00320037003700340038003500370037003600300034\",,"
		"\"13/01/28,14:51:42+08\"",
		"00480065006C006C006F0020007200610073007000620065007200720079002000700069",
	};
	static const char *const megafon[] = {	/* alphanumeric, Cyrillic, status in UCS2 */
		"+CMGR: \"00520045004300200052004500410044\",\"004D0065006700610066006F006E\",,"
		"\"11/03/29,21:04:16-16\"",
		"041F04400438", "043204350442",	/* a modem that wrapped the hex */
	};
	static const char *const raw_number[] = {	/* the number left as it is */
		"+CMGR: \"REC READ\",\"447700900123\",,\"13/01/28,14:51:42+08\"", "0041",
	};
	static const char *const eight_bit[] = {
		"+CMGR: \"REC READ\",\"+4477\",,\"13/01/28,14:51:42+08\"", "0102ab",
	};
	static const char *const empty[] = {
		"+CMGR: \"REC READ\",\"\",,\"13/01/28,14:51:42+08\"",
	};
	static const struct {
		const char	*line1;
		const char	*err;
	} bad[] = {
		{ "+CMGR: \"STO SENT\",\"+4477\",,\"13/01/28,14:51:42+08\"", "not a received" },
		{ "+CMGR: \"STO UNSENT\",\"+10011\",,145,17,0,0,167,\"+8613800100500\",145,4",
		    "not a received" },
		{ "+CMGR: \"REC READ\",\"+4477\",,", "no valid time stamp" },
		{ "+CMGR: \"REC READ\",\"+4477\",,\"06/05/28,18:15:41+80\"", "time stamp" },
		{ "+CMGR: \"REC READ\",\"00410009\",,\"13/01/28,14:51:42+08\"", "the sender" },
	};
	static const char *const not_hex[] = {
		"+CMGR: \"REC READ\",\"+4477\",,\"13/01/28,14:51:42+08\"", "Hello",
	};
	struct sms_deliver d;
	char err[200], iso[32];

	(void)state;
	assert_int_equal(decode_one(hello, 2, &d, err, sizeof(err)), 0);
	assert_string_equal(d.from.text, "+27748577604");
	assert_int_equal(d.from.toa, 0x91);
	assert_string_equal(d.text, "Hello raspberry pi");
	assert_int_equal(d.text_len, 18);
	assert_int_equal(d.encoding, SMS_ENC_GSM7);
	assert_int_equal(d.msg_class, -1);
	assert_false(d.concat.present);
	assert_string_equal(d.smsc.text, "");
	assert_int_equal(sms_time_iso8601(&d.scts, iso, sizeof(iso)), 0);
	assert_string_equal(iso, "2013-01-28T14:51:42+02:00");

	assert_int_equal(decode_one(megafon, 3, &d, err, sizeof(err)), 0);
	assert_string_equal(d.from.text, "Megafon");
	assert_int_equal(d.from.toa, 0xD0);
	assert_string_equal(d.text, "Привет");
	assert_int_equal(d.encoding, SMS_ENC_UCS2);
	assert_int_equal(d.dcs, 0x08);
	assert_int_equal(d.scts.tz_quarters, -16);

	assert_int_equal(decode_one(raw_number, 2, &d, err, sizeof(err)), 0);
	assert_string_equal(d.from.text, "447700900123");
	assert_int_equal(d.from.toa, 0x81);
	assert_int_equal(decode_one(eight_bit, 2, &d, err, sizeof(err)), 0);
	assert_int_equal(d.encoding, SMS_ENC_8BIT);
	assert_string_equal(d.text, "0102AB");
	assert_int_equal(decode_one(empty, 1, &d, err, sizeof(err)), 0);
	assert_string_equal(d.text, "");
	assert_int_equal(d.text_len, 0);
	assert_string_equal(d.from.text, "");

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		const char *lines[2] = { bad[k].line1, "0041" };

		assert_int_equal(decode_one(lines, 2, &d, err, sizeof(err)), -1);
		if (strstr(err, bad[k].err) == NULL)
			fail_msg("%s: \"%s\" does not say \"%s\"", bad[k].line1, err, bad[k].err);
	}
	assert_int_equal(decode_one(not_hex, 2, &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not UCS2 hex"));
}

/* ---- writing ---- */

#define PARTS 6

static char parts[PARTS][AT_PDU_MAX + 1];

/* ASCII as AT+CSCS="UCS2" shows it: "Hi" -> "00480069". */
static const char *
ucs2(const char *ascii)
{
	static char buf[4][4 * 700 + 1];
	static int k;
	char *out = buf[k++ % 4];

	for (size_t i = 0; ascii[i] != '\0'; i++)
		snprintf(out + 4 * i, 5, "%04X", (unsigned char)ascii[i]);
	out[4 * strlen(ascii)] = '\0';
	return out;
}

/* n copies of s. */
static const char *
repeat(const char *s, size_t n)
{
	static char buf[4][2400];
	static int k;
	char *out = buf[k++ % 4];
	size_t len = strlen(s);

	assert_true(n * len < sizeof(buf[0]));
	for (size_t i = 0; i < n; i++)
		memcpy(out + i * len, s, len);
	out[n * len] = '\0';
	return out;
}

static void
test_encode(void **state)
{
	struct sms_text_submit s;
	char err[200];

	(void)state;
	/* GSM characters: DCS 0, the number and the text in UCS2 */
	assert_int_equal(sms_text_encode("+447700900123", "Hello [x]", parts, PARTS, &s, err,
	    sizeof(err)), 0);
	assert_int_equal(s.dcs, 0);
	assert_int_equal(s.nparts, 1);
	assert_string_equal(s.da, ucs2("+447700900123"));
	assert_string_equal(parts[0], ucs2("Hello [x]"));
	/* outside the GSM tables: DCS 8; a surrogate pair is two units */
	assert_int_equal(sms_text_encode("+447700900123", "Привет 😀", parts, PARTS, &s, err,
	    sizeof(err)), 0);
	assert_int_equal(s.dcs, 8);
	assert_int_equal(s.nparts, 1);
	assert_string_equal(parts[0], "041F044004380432043504420020D83DDE00");
	/* numbers without "+", and with '*' and '#' */
	assert_int_equal(sms_text_encode("12345", "Hi", parts, PARTS, &s, err, sizeof(err)), 0);
	assert_string_equal(s.da, ucs2("12345"));
	assert_int_equal(sms_text_encode("*100#", "Hi", parts, PARTS, &s, err, sizeof(err)), 0);
	assert_string_equal(s.da, ucs2("*100#"));
	assert_int_equal(sms_text_encode("+12345678901234567890", "Hi", parts, PARTS, &s, err,
	    sizeof(err)), 0);
}

static void
test_encode_parts(void **state)
{
	struct sms_text_submit s;
	char err[200], text[200];

	(void)state;
	/* 250 GSM characters: three separate SMS of 100, 100 and 50 */
	assert_int_equal(sms_text_encode("+4477", repeat("a", 250), parts, PARTS, &s, err,
	    sizeof(err)), 0);
	assert_int_equal(s.nparts, 3);
	assert_string_equal(parts[0], ucs2(repeat("a", 100)));
	assert_string_equal(parts[1], ucs2(repeat("a", 100)));
	assert_string_equal(parts[2], ucs2(repeat("a", 50)));
	/* extension characters cost two septets: 90 of them are 80 + 10 */
	assert_int_equal(sms_text_encode("+4477", repeat("€", 90), parts, PARTS, &s, err,
	    sizeof(err)), 0);
	assert_int_equal(s.dcs, 0);
	assert_int_equal(s.nparts, 2);
	assert_string_equal(parts[0], repeat("20AC", 80));
	assert_string_equal(parts[1], repeat("20AC", 10));
	/* UCS2: 70 units each */
	assert_int_equal(sms_text_encode("+4477", repeat("П", 71), parts, PARTS, &s, err,
	    sizeof(err)), 0);
	assert_int_equal(s.dcs, 8);
	assert_int_equal(s.nparts, 2);
	assert_string_equal(parts[0], repeat("041F", 70));
	assert_string_equal(parts[1], "041F");
	/* a surrogate pair is never cut: 69 units and a pair make 69 + 2 */
	snprintf(text, sizeof(text), "%s😀", repeat("П", 69));
	assert_int_equal(sms_text_encode("+4477", text, parts, PARTS, &s, err, sizeof(err)), 0);
	assert_int_equal(s.nparts, 2);
	assert_string_equal(parts[0], repeat("041F", 69));
	assert_string_equal(parts[1], "D83DDE00");
	/* exactly six parts fit; the caller's maximum counts */
	assert_int_equal(sms_text_encode("+4477", repeat("a", 600), parts, PARTS, &s, err,
	    sizeof(err)), 0);
	assert_int_equal(s.nparts, 6);
	assert_int_equal(sms_text_encode("+4477", repeat("a", 250), parts, 2, &s, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 2 SMS in text mode"));
}

static void
test_encode_refused(void **state)
{
	struct sms_text_submit s;
	char err[200];

	(void)state;
	/* 601 GSM characters need 7 SMS */
	assert_int_equal(sms_text_encode("+4477", repeat("a", 601), parts, PARTS, &s, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "the text needs more than 6 SMS in text mode (100 characters "
	    "each at most)");
	assert_int_equal(sms_text_encode("+4477", repeat("П", 421), parts, PARTS, &s, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "(70 characters each at most)"));
	assert_int_equal(sms_text_encode("+4477", "", parts, PARTS, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "an empty text cannot be sent in text mode");
	assert_int_equal(sms_text_encode("+44 77", "Hi", parts, PARTS, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "not a phone number (\"+\" and 1 to 20 digits): \"+44 77\"");
	assert_int_equal(sms_text_encode("+123456789012345678901", "Hi", parts, PARTS, &s, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not a phone number"));
	assert_int_equal(sms_text_encode("+", "Hi", parts, PARTS, &s, err, sizeof(err)), -1);
	assert_int_equal(sms_text_encode("", "Hi", parts, PARTS, &s, err, sizeof(err)), -1);
	assert_int_equal(sms_text_encode("44+77", "Hi", parts, PARTS, &s, err, sizeof(err)), -1);
	assert_int_equal(sms_text_encode("+4477", "ok \xc3\x28", parts, PARTS, &s, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "the text is not UTF-8 (at byte 3)");
	/* the number is checked first, then the text */
	assert_int_equal(sms_text_encode("x", "", parts, PARTS, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a phone number"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_headers),
		cmocka_unit_test(test_scts_text),
		cmocka_unit_test(test_ucs2_hex),
		cmocka_unit_test(test_text_entries),
		cmocka_unit_test(test_text_decode),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_encode_parts),
		cmocka_unit_test(test_encode_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
