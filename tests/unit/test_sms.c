/*
 * sms: the decoder against every captured PDU in tests/corpus/sms (columns
 * as PROVENANCE.md defines them), the AT transcripts gammu's own test suite
 * reads, the invalid PDUs; the encoder against SUBMITs that gammu and
 * smstools sent to a fake modem, the classic 7-bit packing vector, the split
 * points, and a round trip through the decoder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms.h"

#define LINE_MAX_LEN 4096
#define MAX_COLS     16
#define HEX(s)	     (s), strlen(s)

static const char *
top_dir(void)
{
	const char *t = getenv("OUTPOST_TOP");

	return t != NULL ? t : ".";
}

static FILE *
open_corpus(const char *rel)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/corpus/sms/%s", top_dir(), rel);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	return f;
}

/* Splits line in place at tabs; strips the line end.  Returns the column count. */
static int
split_tabs(char *line, char **col, int max)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		col[n++] = p;
		if ((p = strchr(p, '\t')) == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/* Undoes the TSV escapes: \\ \n \r \t \xNN. */
static size_t
unescape(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s != '\0' && n + 1 < cap; s++) {
		if (*s != '\\') {
			out[n++] = *s;
			continue;
		}
		s++;
		switch (*s) {
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case '\\': out[n++] = '\\'; break;
		case 'x': {
			char hex[3] = { s[1], s[2], '\0' };
			out[n++] = (char)strtol(hex, NULL, 16);
			s += 2;
			break;
		}
		default:
			fail_msg("bad escape \\%c", *s);
		}
	}
	out[n] = '\0';
	return n;
}

/* The SCTS as the corpus writes it: yy/MM/dd,hh:mm:ss±zz. */
static void
scts_at_style(const struct sms_time *t, char *buf, size_t len)
{
	snprintf(buf, len, "%02d/%02d/%02d,%02d:%02d:%02d%c%02d", t->year % 100, t->month,
	    t->day, t->hour, t->minute, t->second, t->tz_quarters < 0 ? '-' : '+',
	    abs(t->tz_quarters));
}

static int
check_str(const char *id, const char *what, const char *want, const char *got)
{
	if (strcmp(want, got) == 0)
		return 0;
	print_error("%s: %s: want '%s', got '%s'\n", id, what, want, got);
	return 1;
}

static int
check_row(char **col)
{
	struct sms_deliver d;
	char err[256], buf[SMS_TEXT_MAX + 32], want[SMS_TEXT_MAX + 32];
	const char *id = col[7];
	const char *enc;
	size_t wlen;
	int bad = 0;

	if (sms_decode_hex(col[0], strlen(col[0]), &d, err, sizeof(err)) != 0) {
		print_error("%s: decode failed: %s\n", id, err);
		return 1;
	}
	bad += check_str(id, "originator", col[1], d.from.text);
	scts_at_style(&d.scts, buf, sizeof(buf));
	bad += check_str(id, "scts", col[2], buf);
	enc = d.encoding == SMS_ENC_GSM7 ? "GSM7" : d.encoding == SMS_ENC_UCS2 ? "UCS2" : "8BIT";
	bad += check_str(id, "encoding", col[3], enc);
	wlen = unescape(col[4], want, sizeof(want));
	if (wlen != d.text_len || memcmp(want, d.text, wlen) != 0) {
		print_error("%s: text: want '%s' (%zu), got '%s' (%zu)\n", id, want, wlen,
		    d.text, d.text_len);
		bad++;
	}
	if (d.concat.present)
		snprintf(buf, sizeof(buf), "%u/%u/%u", d.concat.ref, d.concat.part,
		    d.concat.total);
	else
		snprintf(buf, sizeof(buf), "-");
	bad += check_str(id, "concat", col[5], buf);
	bad += check_str(id, "smsc", col[8], d.smsc.text);
	snprintf(buf, sizeof(buf), "%02X", d.from.toa);
	bad += check_str(id, "oa_toa", col[9], buf);
	snprintf(buf, sizeof(buf), "%02X", d.dcs);
	bad += check_str(id, "dcs", col[10], buf);
	snprintf(buf, sizeof(buf), "%02X", d.pid);
	bad += check_str(id, "pid", col[11], buf);
	return bad != 0;
}

static void
test_deliver_corpus(void **state)
{
	char line[LINE_MAX_LEN], *col[MAX_COLS];
	FILE *f = open_corpus("deliver_pdus.tsv");
	int rows = 0, bad = 0;

	(void)state;
	assert_non_null(fgets(line, sizeof(line), f));	/* header */
	while (fgets(line, sizeof(line), f) != NULL) {
		if (split_tabs(line, col, MAX_COLS) < 12)
			fail_msg("short row %d", rows + 1);
		bad += check_row(col);
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, 67);
	assert_int_equal(bad, 0);
}

/* Decodes the corpus row with this id. */
static void
decode_row(const char *id, struct sms_deliver *d)
{
	char line[LINE_MAX_LEN], *col[MAX_COLS], err[256];
	FILE *f = open_corpus("deliver_pdus.tsv");

	while (fgets(line, sizeof(line), f) != NULL) {
		if (split_tabs(line, col, MAX_COLS) < 12 || strcmp(col[7], id) != 0)
			continue;
		fclose(f);
		if (sms_decode_hex(col[0], strlen(col[0]), d, err, sizeof(err)) != 0)
			fail_msg("%s: %s", id, err);
		return;
	}
	fclose(f);
	fail_msg("no row %s", id);
}

static void
test_iso_timestamps(void **state)
{
	static const struct {
		const char *id, *iso;
	} cases[] = {
		{ "gsmmodem-1", "2013-03-08T15:02:16+02:00" },
		{ "ofono-simple", "2002-08-26T19:37:41-01:00" },
		{ "mm-pdu1", "2011-02-28T11:50:50-05:00" },
		{ "mm-pdu3", "2011-01-01T12:34:56+00:00" },
		{ "gammu-at-sms-03", "2007-05-03T07:04:40+05:30" },
		{ "gammu-at-sms-09", "1999-03-29T15:16:59+02:00" },
		{ "synthetic-euro", "2024-12-31T23:59:59-05:00" },
		{ "ofono-asm-1", "2009-06-14T00:21:22+10:00" },
	};
	struct sms_deliver d;
	char iso[40];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		decode_row(cases[i].id, &d);
		assert_int_equal(sms_time_iso8601(&d.scts, iso, sizeof(iso)), 0);
		assert_string_equal(iso, cases[i].iso);
	}
	assert_int_equal(sms_time_iso8601(&d.scts, iso, 25), -1);
}

static void
test_names(void **state)
{
	struct sms_deliver d;

	(void)state;
	decode_row("gsmmodem-1", &d);
	assert_string_equal(sms_ton_name(d.from.toa), "international");
	assert_string_equal(sms_encoding_name(d.encoding), "gsm7");
	decode_row("ofono-alnum", &d);
	assert_string_equal(sms_ton_name(d.from.toa), "alphanumeric");
	decode_row("gammu-at-sms-39", &d);
	assert_string_equal(sms_ton_name(d.from.toa), "national");
	decode_row("gammu-at-sms-09", &d);
	assert_string_equal(sms_ton_name(d.from.toa), "subscriber");
	decode_row("mm-pdu3-natl", &d);
	assert_string_equal(sms_ton_name(d.from.toa), "unknown");
	decode_row("android-ucs2", &d);
	assert_string_equal(sms_encoding_name(d.encoding), "ucs2");
	decode_row("mm-dcsf-8bit", &d);
	assert_string_equal(sms_encoding_name(d.encoding), "8bit");
	assert_int_equal(d.msg_class, 0);
	decode_row("gammu-at-sms-42", &d);
	assert_int_equal(d.msg_class, 3);
	decode_row("mm-pdu3", &d);
	assert_int_equal(d.msg_class, -1);
	decode_row("nodepdu-16bit-1", &d);
	assert_true(d.concat.ref16);
	decode_row("android-multi-1", &d);
	assert_false(d.concat.ref16);
}

static void
test_invalid_corpus(void **state)
{
	char line[LINE_MAX_LEN], *col[MAX_COLS], err[256];
	struct sms_deliver d;
	FILE *f = open_corpus("invalid_pdus.tsv");
	int rows = 0;

	(void)state;
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f) != NULL) {
		assert_true(split_tabs(line, col, MAX_COLS) >= 3);
		err[0] = '\0';
		if (sms_decode_hex(col[0], strlen(col[0]), &d, err, sizeof(err)) == 0)
			fail_msg("row %d accepted (%s)", rows + 1, col[2]);
		assert_true(strlen(err) > 0);
		assert_int_equal(d.text_len, 0);
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, 15);
}

static void
expect_error(const char *hex, const char *needle)
{
	struct sms_deliver d;
	char err[256];

	assert_int_equal(sms_decode_hex(hex, strlen(hex), &d, err, sizeof(err)), -1);
	if (strstr(err, needle) == NULL)
		fail_msg("%s: error '%s' lacks '%s'", hex, err, needle);
}

/* The messages say what is wrong, in words an operator can act on. */
static void
test_error_messages(void **state)
{
	(void)state;
	expect_error("07912143658709F1040B918100551512F20000111010214365000BE8329BFD4697D9EC37",
	    "user data shorter than UDL: 10 of 11 septets");
	expect_error("07912143658709F1040B918100551512F20004111010214365000BE8329BFD4697D9EC37DE",
	    "user data shorter than UDL: 10 of 11 octets");
	expect_error("00F101010C0000000000", "not an SMS-DELIVER: TP-MTI 1 (SMS-SUBMIT)");
	expect_error("000ABF00", "not an SMS-DELIVER: TP-MTI 2 (SMS-STATUS-REPORT)");
	expect_error("00FFFF", "not an SMS-DELIVER: TP-MTI 3");
	expect_error("0BD04259303784=96p331p7116", "not hex: character 15");
	expect_error("0791", "truncated: SMSC address needs 7 octets, 1 left");
	expect_error("", "empty PDU");
	expect_error("079", "odd number of digits");
	expect_error("0C91", "SMSC length 12 exceeds 11 octets");
	/* DCS 0x39: compressed UCS2 (gammu at-sms-failing/35). */
	expect_error("07916307996905F0040B916307779872F4003901406041433180353058AC6C",
	    "compressed");
	/* OA of 0x69 = 105 semi-octets (gammu at-sms-failing/40). */
	expect_error("0906346170706C69636174696F6E2F766E6400",
	    "originator length 105 exceeds 20");
	/* An F inside the originator's counted digits. */
	expect_error("00000B918100F51512F20000111010214365000AE8329BFD4697D9EC37",
	    "filler semi-octet F at digit 6 of 11");
	/* SCTS month 13, zone units nibble A. */
	expect_error("00000B918100551512F20000113110214365000AE8329BFD4697D9EC37",
	    "TP-SCTS month 13 out of range");
	expect_error("00000B918100551512F20000111010214365A00AE8329BFD4697D9EC37",
	    "TP-SCTS zone");
	/* UDHI with a UDH longer than the user data; an IE running past the UDH. */
	expect_error("00400B918100551512F2000011101021436500030605000300", "exceeds the 2 octets");
	expect_error("00400B918100551512F20004111010214365000402000500", "runs past the header");
	expect_error("00400B918100551512F20004111010214365000401000000", "truncated information");
	expect_error("00400B918100551512F20000111010214365000000", "user data is empty");
	/* GSM7 UDL 1 septet while the UDH takes 2 octets' worth. */
	expect_error("00400B918100551512F20000111010214365000100", "longer than UDL");
	expect_error("00000B918100551512F20008111010214365000300410042", "odd length");
	expect_error("00000B918100551512F2000011101021436500A1", "UDL 161 exceeds 160");
	expect_error("00000B918100551512F2000411101021436500", "truncated: TP-UDL");
	expect_error("00000B918100551512F2000811101021436500", "truncated: TP-UDL");
}

/* Edge cases of the decoder that the corpus does not show. */
static void
test_decoder_edges(void **state)
{
	struct sms_deliver d;
	char err[256];

	(void)state;
	/* Lower-case hex, no SMSC, trailing FF padding ignored (at-sms/32 style). */
	assert_int_equal(sms_decode_hex(HEX("00040b918100551512f2000011101021436500"
	    "0ae8329bfd4697d9ec37ffffff"), &d, err, sizeof(err)), 0);
	assert_string_equal(d.text, "hellohello");
	assert_string_equal(d.smsc.text, "");
	/* Semi-octets A-E: "*#abc" in an unknown-type number. */
	assert_int_equal(sms_decode_hex(HEX("00000581BADCFE00001110102143650000"), &d, err,
	    sizeof(err)), 0);
	assert_string_equal(d.from.text, "*#abc");
	/* UCS2: lone high surrogate, lone low surrogate, U+0000 kept with its length. */
	assert_int_equal(sms_decode_hex(HEX("0000028121000811101021436500"
	    "08D83D0041DC000000"), &d, err, sizeof(err)), 0);
	assert_int_equal(d.text_len, 3 + 1 + 3 + 1);
	assert_memory_equal(d.text, "\xEF\xBF\xBD" "A" "\xEF\xBF\xBD" "\0", 8);
	/* GSM7: ESC + code outside the extension table shows the default character;
	 * an ESC before an ESC, and a final one, show as spaces.  Septets 1B 41 1B 1B 1B. */
	assert_int_equal(sms_decode_hex(HEX("00000281210000111010214365000"
	    "59BE066B301"), &d, err, sizeof(err)), 0);
	assert_string_equal(d.text, "A   ");
	/* A concatenation IE with part > total is ignored (23.040 9.2.3.24.1). */
	assert_int_equal(sms_decode_hex(HEX("00400281210004111010214365000"
	    "7050003010203FF"), &d, err, sizeof(err)), 0);
	assert_false(d.concat.present);
	assert_string_equal(d.text, "FF");
	/* Reserved alphabet (bits 3-2 = 11) reads as GSM 7-bit (23.038 4). */
	assert_int_equal(sms_decode_hex(HEX("000002812100"
	    "0C111010214365000AE8329BFD4697D9EC37"), &d, err, sizeof(err)), 0);
	assert_string_equal(d.text, "hellohello");
	/* Message waiting, store, UCS2 (group 1110). */
	assert_int_equal(sms_decode_hex(HEX("000002812100E011101021436500020041"), &d, err,
	    sizeof(err)), 0);
	assert_int_equal(d.encoding, SMS_ENC_UCS2);
	assert_string_equal(d.text, "A");
	/* Raw octets straight in. */
	{
		static const uint8_t raw[] = { 0x00, 0x00, 0x02, 0x81, 0x21, 0x00, 0x00, 0x11,
			0x10, 0x10, 0x21, 0x43, 0x65, 0x00, 0x01, 0x41 };

		assert_int_equal(sms_decode(raw, sizeof(raw), &d, err, sizeof(err)), 0);
		assert_string_equal(d.text, "A");
		assert_int_equal(sms_decode(raw, sizeof(raw) - 1, &d, err, sizeof(err)), -1);
	}
	/* errlen 0: no message, no write. */
	assert_int_equal(sms_decode_hex(HEX("00"), &d, NULL, 0), -1);
}

/* Reads the PDU line that follows "+CMGR:" in a gammu transcript. */
static int
dump_pdu(const char *rel, char *pdu, size_t cap)
{
	char line[LINE_MAX_LEN];
	FILE *f = open_corpus(rel);
	int next = 0, found = 0;

	while (fgets(line, sizeof(line), f) != NULL) {
		if (next) {
			size_t n = strcspn(line, "\r\n");

			/* at-sms/04.dump: a stray '"' after the PDU, a real modem quirk. */
			if (n > 0 && line[n - 1] == '"')
				n--;
			line[n] = '\0';
			snprintf(pdu, cap, "%s", line);
			found = 1;
			break;
		}
		next = strncmp(line, "+CMGR:", 6) == 0;
	}
	fclose(f);
	return found;
}

static void
test_gammu_transcripts(void **state)
{
	/* gammu's tests/at-sms: each record's message type, read off its first octet. */
	static const struct {
		const char *name;
		const char *kind;	/* NULL: an SMS-DELIVER that must decode */
	} dumps[] = {
		{ "02", "SMS-SUBMIT" }, { "03", NULL }, { "04", NULL }, { "05", "SMS-SUBMIT" },
		{ "06", NULL }, { "07", NULL }, { "08", NULL }, { "09", NULL }, { "10", NULL },
		{ "11", NULL }, { "12", NULL }, { "14", "SMS-SUBMIT" }, { "15", "SMS-SUBMIT" },
		{ "16", "SMS-SUBMIT" }, { "19", "SMS-SUBMIT" }, { "20", "SMS-SUBMIT" },
		{ "21", NULL }, { "22", NULL }, { "23", NULL }, { "24", "SMS-SUBMIT" },
		{ "26", NULL }, { "27", NULL }, { "28", "SMS-SUBMIT" }, { "29", "SMS-SUBMIT" },
		{ "30", "SMS-STATUS-REPORT" }, { "31", "SMS-SUBMIT" }, { "32", "SMS-STATUS-REPORT" },
		{ "33", NULL }, { "34", "SMS-STATUS-REPORT" }, { "36", "SMS-STATUS-REPORT" },
		{ "37", NULL }, { "38", "SMS-STATUS-REPORT" }, { "39", NULL }, { "40", NULL },
		{ "41", "SMS-SUBMIT" }, { "42", NULL },
	};
	static const char *const failing[] = { "01", "13", "17", "18", "25", "33", "35", "38",
		"39", "40" };
	char rel[128], pdu[LINE_MAX_LEN], err[256];
	struct sms_deliver d;
	int rc;

	(void)state;
	for (size_t i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++) {
		snprintf(rel, sizeof(rel), "at_transcripts/gammu/at-sms/%s.dump", dumps[i].name);
		assert_true(dump_pdu(rel, pdu, sizeof(pdu)));
		rc = sms_decode_hex(pdu, strlen(pdu), &d, err, sizeof(err));
		if (dumps[i].kind == NULL && rc != 0)
			fail_msg("%s: %s", rel, err);
		if (dumps[i].kind != NULL &&
		    (rc == 0 || strstr(err, "not an SMS-DELIVER") == NULL ||
			strstr(err, dumps[i].kind) == NULL))
			fail_msg("%s: want a rejected %s, got rc %d '%s'", rel, dumps[i].kind, rc,
			    err);
	}
	for (size_t i = 0; i < sizeof(failing) / sizeof(failing[0]); i++) {
		snprintf(rel, sizeof(rel), "at_transcripts/gammu/at-sms-failing/%s.dump",
		    failing[i]);
		assert_true(dump_pdu(rel, pdu, sizeof(pdu)));
		if (sms_decode_hex(pdu, strlen(pdu), &d, err, sizeof(err)) == 0)
			fail_msg("%s decoded", rel);
	}
	/* 04.dump's alphanumeric sender and text, after the quirk is removed. */
	assert_true(dump_pdu("at_transcripts/gammu/at-sms/04.dump", pdu, sizeof(pdu)));
	assert_int_equal(sms_decode_hex(pdu, strlen(pdu), &d, err, sizeof(err)), 0);
	assert_string_equal(d.from.text, "O2_");
}

/* python-gsmmodem's AT+CMGL=4 listing: every PDU decodes, to the text-mode twins. */
static void
test_cmgl_listing(void **state)
{
	static const char *const from[] = { "+27748577604", "+2784000153099999",
		"+27840001463" };
	char line[LINE_MAX_LEN], err[256];
	struct sms_deliver d;
	FILE *f = open_corpus("at_transcripts/python-gsmmodem_cmgl_pdu_mode.txt");
	int next = 0, n = 0;

	(void)state;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (next) {
			line[strcspn(line, "\r\n")] = '\0';
			if (sms_decode_hex(line, strlen(line), &d, err, sizeof(err)) != 0)
				fail_msg("listing entry %d: %s", n, err);
			assert_true(n < 3);
			assert_string_equal(d.from.text, from[n]);
			n++;
		}
		next = strncmp(line, "+CMGL:", 6) == 0;
	}
	fclose(f);
	assert_int_equal(n, 3);
}

/*
 * Encoder.
 */

static size_t
encode(const char *number, const char *text, const struct sms_submit_opts *o,
    struct sms_submit_pdu *p, size_t max)
{
	char err[256];
	size_t n;

	if (sms_encode_submit(number, text, strlen(text), o, p, max, &n, err, sizeof(err)) != 0)
		fail_msg("encode '%s': %s", text, err);
	return n;
}

/* Two independent encoders, recorded sending the same text to a fake modem. */
static void
test_encode_known_vectors(void **state)
{
	struct sms_submit_opts o = { 0, 255, 0 };
	struct sms_submit_pdu p[2];

	(void)state;
	/* host_sequences: gammu 1.42 and smstools 3.1.21, AT+CMGS=27. */
	assert_int_equal(encode("+447700900123", "Hello \xE2\x82\xAC [x]", &o, p, 2), 1);
	assert_string_equal(p[0].hex, "0011000C914477000910320000FF0EC8329BFD066DCAA00D0FBFF101");
	assert_int_equal(p[0].tpdu_len, 27);
	/* The classic "hellohello" SUBMIT with a 4-day relative validity. */
	o.validity = 0xAA;
	assert_int_equal(encode("+46708251358", "hellohello", &o, p, 2), 1);
	assert_string_equal(p[0].hex, "0011000B916407281553F80000AA0AE8329BFD4697D9EC37");
	assert_int_equal(p[0].tpdu_len, 23);
	/* No validity, national number, status report requested. */
	o.validity = -1;
	o.status_report = 1;
	assert_int_equal(encode("0123", "hellohello", &o, p, 2), 1);
	assert_string_equal(p[0].hex, "002100048110320000" "0AE8329BFD4697D9EC37");
	assert_int_equal(p[0].tpdu_len, 18);
	/* UCS2 when one character is outside GSM 7-bit: U+00E7 c-cedilla. */
	assert_int_equal(encode("+1", "\xC3\xA7", NULL, p, 2), 1);
	assert_string_equal(p[0].hex, "0001000191F10008" "0200E7");
	/* Empty text: one PDU, UDL 0. */
	assert_int_equal(encode("1", "", NULL, p, 2), 1);
	assert_string_equal(p[0].hex, "0001000181F1000000");
}

static void
test_gsm7_septets(void **state)
{
	(void)state;
	assert_int_equal(sms_gsm7_septets("abc", 3), 3);
	assert_int_equal(sms_gsm7_septets("{}[]~\\|^\xE2\x82\xAC", 11), 18);
	assert_int_equal(sms_gsm7_septets("\x0C", 1), 2);	/* form feed */
	assert_int_equal(sms_gsm7_septets("@\xC2\xA3\xC3\xA9\xCE\xA9", 7), 4);	/* @ £ é Ω */
	assert_int_equal(sms_gsm7_septets("\xC3\xA7", 2), -1);	/* ç: not in the table */
	assert_int_equal(sms_gsm7_septets("`", 1), -1);
	assert_int_equal(sms_gsm7_septets("\x1B", 1), -1);	/* ESC is not a character */
	assert_int_equal(sms_gsm7_septets("a\0b", 3), -1);
	assert_int_equal(sms_gsm7_septets("\xC3", 1), -1);	/* truncated UTF-8 */
	assert_int_equal(sms_gsm7_septets("\xC0\x80", 2), -1);	/* overlong */
	assert_int_equal(sms_gsm7_septets("\xED\xA0\x80", 3), -1);	/* surrogate */
	assert_int_equal(sms_gsm7_septets("", 0), 0);
}

/* Rewrites a SUBMIT we built into the DELIVER a phone would receive, same fields. */
static size_t
submit_to_deliver(const char *submit_hex, char *out, size_t cap)
{
	uint8_t s[SMS_SUBMIT_MAX], d[SMS_PDU_MAX];
	size_t n = strlen(submit_hex) / 2, i = 0, o = 0, da;

	for (size_t k = 0; k < n; k++)
		sscanf(submit_hex + 2 * k, "%2hhx", &s[k]);
	assert_int_equal(s[i++], 0x00);		/* SMSC */
	d[o++] = 0x00;
	d[o++] = s[i] & 0x40;			/* DELIVER, UDHI kept */
	assert_int_equal(s[i] & 0x03, 1);
	int vp = (s[i++] & 0x18) != 0;
	i++;					/* MR */
	da = 2 + (s[i] + 1) / 2;
	memcpy(d + o, s + i, da);
	o += da;
	i += da;
	d[o++] = s[i++];			/* PID */
	d[o++] = s[i++];			/* DCS */
	i += vp;
	memcpy(d + o, "\x52\x60\x51\x21\x00\x00\x80", 7);
	o += 7;
	memcpy(d + o, s + i, n - i);		/* UDL, UD */
	o += n - i;
	for (size_t k = 0; k < o && 2 * k + 2 < cap; k++)
		snprintf(out + 2 * k, 3, "%02X", d[k]);
	return 2 * o;
}

/* Encodes, then decodes every part back: returns the parts; checks concat numbering. */
static size_t
roundtrip(const char *number, const char *text, struct sms_deliver *parts, size_t max)
{
	struct sms_submit_pdu p[8];
	struct sms_submit_opts o = { 0x5A, -1, 0 };
	char hex[2 * SMS_PDU_MAX + 1], err[256];
	size_t n = encode(number, text, &o, p, 8);

	assert_true(n <= max);
	for (size_t i = 0; i < n; i++) {
		size_t len = submit_to_deliver(p[i].hex, hex, sizeof(hex));

		assert_int_equal(p[i].tpdu_len, strlen(p[i].hex) / 2 - 1);
		if (sms_decode_hex(hex, len, &parts[i], err, sizeof(err)) != 0)
			fail_msg("part %zu of '%s': %s", i + 1, text, err);
		assert_string_equal(parts[i].from.text, number);
		if (n == 1) {
			assert_false(parts[i].concat.present);
			continue;
		}
		assert_true(parts[i].concat.present);
		assert_int_equal(parts[i].concat.ref, 0x5A);
		assert_int_equal(parts[i].concat.part, i + 1);
		assert_int_equal(parts[i].concat.total, n);
	}
	return n;
}

static char *
repeat(const char *unit, size_t times, char *buf, size_t cap)
{
	size_t u = strlen(unit), n = 0;

	for (size_t i = 0; i < times; i++, n += u) {
		assert_true(n + u < cap);
		memcpy(buf + n, unit, u);
	}
	buf[n] = '\0';
	return buf;
}

/* Appends s to the string in buf. */
static void
append(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);

	assert_true(snprintf(buf + n, cap - n, "%s", s) < (int)(cap - n));
}

static void
test_roundtrip_single(void **state)
{
	static const char *const texts[] = {
		"hellohello", "abcdefg@", "abcdefg", "@", "{}[]~\\|^\xE2\x82\xAC",
		"UP 30 123456", "Line\r\nbreak", "\xCE\x94\xCE\xA6 \xC2\xA7\xC2\xBF",
		"\xD0\x98\xD1\x82\xD0\xB0\xD0\xBA", "Hi \xF0\x9F\x98\x80 \xCE\xA9\xE2\x82\xAC",
		("\xC3\xA7" "a\xE2\x82\xAC"),
	};
	struct sms_deliver d[1];

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_int_equal(roundtrip("+447700900123", texts[i], d, 1), 1);
		assert_string_equal(d[0].text, texts[i]);
	}
	assert_int_equal(roundtrip("0612345678", "x", d, 1), 1);
	assert_int_equal(d[0].from.toa, 0x81);
	assert_int_equal(roundtrip("+*#1", "x", d, 1), 1);
	assert_string_equal(d[0].from.text, "+*#1");
}

static void
check_split(const char *text, size_t want_parts, const size_t *want_len)
{
	struct sms_deliver d[8];
	char joined[4096];
	size_t n = roundtrip("+447700900123", text, d, 8), off = 0;

	assert_int_equal(n, want_parts);
	for (size_t i = 0; i < n; i++) {
		if (want_len != NULL)
			assert_int_equal(d[i].text_len, want_len[i]);
		memcpy(joined + off, d[i].text, d[i].text_len);
		off += d[i].text_len;
	}
	joined[off] = '\0';
	assert_string_equal(joined, text);
}

static void
test_split_points(void **state)
{
	char t[4096], u[64];
	static const size_t l161[] = { 153, 8 }, l306[] = { 153, 153 },
		l307[] = { 153, 153, 1 }, l71[] = { 2 * 67, 2 * 4 };
	struct sms_submit_pdu p[4];

	(void)state;
	check_split(repeat("a", 160, t, sizeof(t)), 1, NULL);
	check_split(repeat("a", 161, t, sizeof(t)), 2, l161);
	check_split(repeat("a", 306, t, sizeof(t)), 2, l306);
	check_split(repeat("a", 307, t, sizeof(t)), 3, l307);
	/* 80 euro signs: 160 septets fit one PDU; 81 need parts of 76 (152 septets). */
	check_split(repeat("\xE2\x82\xAC", 80, t, sizeof(t)), 1, NULL);
	{
		static const size_t l81[] = { 3 * 76, 3 * 5 };
		check_split(repeat("\xE2\x82\xAC", 81, t, sizeof(t)), 2, l81);
	}
	/* UCS2: 70 Cyrillic letters in one PDU, 71 in 67 + 4. */
	check_split(repeat("\xD0\x96", 70, t, sizeof(t)), 1, NULL);
	check_split(repeat("\xD0\x96", 71, t, sizeof(t)), 2, l71);
	/* 35 emoji are 70 units: one PDU; 36 split 33 + 3, never half a pair. */
	check_split(repeat("\xF0\x9F\x98\x80", 35, t, sizeof(t)), 1, NULL);
	{
		static const size_t l36[] = { 4 * 33, 4 * 3 };
		check_split(repeat("\xF0\x9F\x98\x80", 36, t, sizeof(t)), 2, l36);
	}
	/* 66 units then an emoji: the pair moves whole to part 2. */
	repeat("\xD0\x96", 66, t, sizeof(t));
	append(t, sizeof(t), "\xF0\x9F\x98\x80");
	append(t, sizeof(t), repeat("\xD0\x96", 10, u, sizeof(u)));
	{
		static const size_t l[] = { 2 * 66, 4 + 2 * 10 };
		check_split(t, 2, l);
	}
	/* 152 'a' then a euro: the escape sequence moves whole to part 2. */
	repeat("a", 152, t, sizeof(t));
	append(t, sizeof(t), "\xE2\x82\xAC" "0123456789");
	{
		static const size_t l[] = { 152, 3 + 10 };
		check_split(t, 2, l);
	}
	/* The GSM7 part's UDL: 7 header septets + 152. */
	assert_int_equal(encode("+1", t, NULL, p, 4), 2);
	assert_memory_equal(p[0].hex + 16, "9F" "050003", 8);
}

static void
test_encode_errors(void **state)
{
	struct sms_submit_pdu p[3];
	struct sms_submit_opts o = { 0, 256, 0 };
	char err[256], t[2048];
	size_t n = 99;

	(void)state;
	assert_int_equal(sms_encode_submit("12a", "x", 1, NULL, p, 3, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'a' is not a digit"));
	assert_int_equal(n, 0);
	assert_int_equal(sms_encode_submit("+", "x", 1, NULL, p, 3, &n, err, sizeof(err)), -1);
	assert_int_equal(sms_encode_submit("", "x", 1, NULL, p, 3, &n, err, sizeof(err)), -1);
	assert_int_equal(sms_encode_submit("123456789012345678901", "x", 1, NULL, p, 3, &n, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 20"));
	assert_int_equal(sms_encode_submit("+12345678901234567890", "x", 1, NULL, p, 3, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(sms_encode_submit("1", "\xFF", 1, NULL, p, 3, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "UTF-8"));
	assert_int_equal(sms_encode_submit("1", "x", 1, &o, p, 3, &n, err, sizeof(err)), -1);
	repeat("a", 153 * 3 + 1, t, sizeof(t));
	assert_int_equal(sms_encode_submit("1", t, strlen(t), NULL, p, 3, &n, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "needs 4 parts, at most 3"));
}

/* 255 parts is the most an 8-bit count can say; 256 is refused. */
static void
test_encode_part_limit(void **state)
{
	static struct sms_submit_pdu p[SMS_MAX_PARTS + 1];
	static char t[153 * 256 + 2];
	char err[256];
	size_t n;

	(void)state;
	repeat("a", 153 * 255, t, sizeof(t));
	assert_int_equal(sms_encode_submit("1", t, strlen(t), NULL, p, SMS_MAX_PARTS + 1, &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, 255);
	repeat("a", 153 * 255 + 1, t, sizeof(t));
	assert_int_equal(sms_encode_submit("1", t, strlen(t), NULL, p, SMS_MAX_PARTS + 1, &n,
	    err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deliver_corpus),
		cmocka_unit_test(test_iso_timestamps),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_invalid_corpus),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_decoder_edges),
		cmocka_unit_test(test_gammu_transcripts),
		cmocka_unit_test(test_cmgl_listing),
		cmocka_unit_test(test_encode_known_vectors),
		cmocka_unit_test(test_gsm7_septets),
		cmocka_unit_test(test_roundtrip_single),
		cmocka_unit_test(test_split_points),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_encode_part_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
