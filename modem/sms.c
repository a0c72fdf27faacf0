/*
 * sms: SMS-DELIVER decoder and SMS-SUBMIT encoder; see sms.h for the
 * contract and the choices made where 23.040/23.038 leave room.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms.h"
#include "strbuf.h"
#include "text.h"

#define GSM7_ESC	 0x1B
#define GSM7_SINGLE	 160	/* septets in one PDU */
#define GSM7_PART	 153	/* septets in one part, after a 6-octet UDH and a fill bit */
#define UCS2_SINGLE	 70	/* UTF-16 units */
#define UCS2_PART	 67
#define CONCAT_UDH_LEN	 6	/* UDHL, IEI 00, IEDL, ref, total, part */
#define CONCAT_UDH_SEPT	 7	/* 48 bits of UDH padded to a septet boundary */
#define ADDR_DIGITS_MAX	 20
#define UNICODE_REPLACEMENT 0xFFFD

/*
 * 23.038 6.2.1: the default alphabet.  Code 0x1B is the escape to the
 * extension table and has no character of its own: 0 marks it (no other
 * code maps to U+0000).
 */
static const uint16_t gsm7_default[128] = {
	0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,
	0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,
	0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
	0x03A3, 0x0398, 0x039E, 0x0000, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
	0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
	0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
	0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

/* 23.038 6.2.1.1: the characters reached through ESC. */
static const struct {
	uint8_t code;
	uint16_t cp;
} gsm7_ext[] = {
	{ 0x0A, 0x000C }, { 0x14, 0x005E }, { 0x28, 0x007B }, { 0x29, 0x007D },
	{ 0x2F, 0x005C }, { 0x3C, 0x005B }, { 0x3D, 0x007E }, { 0x3E, 0x005D },
	{ 0x40, 0x007C }, { 0x65, 0x20AC },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
sb_utf8(struct strbuf *b, uint32_t cp)
{
	char u[4];

	strbuf_add(b, u, text_utf8_put(cp, u));
}

static void
sb_hex(struct strbuf *b, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		strbuf_addc(b, digits[p[i] >> 4]);
		strbuf_addc(b, digits[p[i] & 0x0F]);
	}
}

/*
 * Decoding.
 */

struct cursor {
	const uint8_t	*p;
	size_t		len;
	size_t		pos;
};

static size_t
cur_left(const struct cursor *c)
{
	return c->len - c->pos;
}

/* Takes n octets for the named field, or fails with what was missing. */
static const uint8_t *
cur_take(struct cursor *c, size_t n, const char *field, char *err, size_t errlen)
{
	const uint8_t *p;

	if (n > cur_left(c)) {
		text_errf(err, errlen, "truncated: %s needs %zu octet%s, %zu left", field, n,
		    n == 1 ? "" : "s", cur_left(c));
		return NULL;
	}
	p = c->p + c->pos;
	c->pos += n;
	return p;
}

/* Septet i of a packed stream whose first septet starts at bit 'first'. */
static unsigned
septet_at(const uint8_t *buf, size_t first, size_t i)
{
	size_t bit = first + 7 * i;
	unsigned sh = bit % 8;
	unsigned v = buf[bit / 8] >> sh;

	if (sh > 1)
		v |= (unsigned)buf[bit / 8 + 1] << (8 - sh);
	return v & 0x7F;
}

static uint32_t
gsm7_ext_cp(unsigned code)
{
	for (size_t i = 0; i < NELEM(gsm7_ext); i++)
		if (gsm7_ext[i].code == code)
			return gsm7_ext[i].cp;
	return 0;
}

/*
 * n septets from buf starting at bit 'first'.  The caller has checked that
 * buf holds at least first + 7n bits.
 */
static void
gsm7_unpack(const uint8_t *buf, size_t first, size_t n, struct strbuf *b)
{
	for (size_t i = 0; i < n; i++) {
		unsigned code = septet_at(buf, first, i);
		uint32_t cp;

		if (code != GSM7_ESC) {
			sb_utf8(b, gsm7_default[code]);
			continue;
		}
		if (i + 1 == n || septet_at(buf, first, i + 1) == GSM7_ESC) {
			strbuf_addc(b, ' ');
			continue;
		}
		code = septet_at(buf, first, ++i);
		cp = gsm7_ext_cp(code);
		sb_utf8(b, cp != 0 ? cp : gsm7_default[code]);
	}
}

static int
is_surrogate_high(unsigned u)
{
	return u >= 0xD800 && u <= 0xDBFF;
}

static int
is_surrogate_low(unsigned u)
{
	return u >= 0xDC00 && u <= 0xDFFF;
}

/* UTF-16BE to UTF-8; n is even. */
static void
ucs2_unpack(const uint8_t *p, size_t n, struct strbuf *b)
{
	size_t i = 0;

	while (i + 1 < n) {
		unsigned u = (unsigned)p[i] << 8 | p[i + 1];
		unsigned lo;

		i += 2;
		if (is_surrogate_low(u)) {
			sb_utf8(b, UNICODE_REPLACEMENT);
			continue;
		}
		if (!is_surrogate_high(u)) {
			sb_utf8(b, u);
			continue;
		}
		lo = i + 1 < n ? (unsigned)p[i] << 8 | p[i + 1] : 0;
		if (!is_surrogate_low(lo)) {
			sb_utf8(b, UNICODE_REPLACEMENT);
			continue;
		}
		i += 2;
		sb_utf8(b, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
	}
}

static unsigned
toa_ton(uint8_t toa)
{
	return (toa >> 4) & 0x07;
}

/*
 * ndigits semi-octets, low nibble first.  F is the filler: skipped when
 * filler_ok (an octet-counted address), an error otherwise.
 */
static int
decode_digits(const uint8_t *p, size_t ndigits, int filler_ok, struct strbuf *b,
    const char *field, char *err, size_t errlen)
{
	static const char digits[] = "0123456789*#abc";

	for (size_t i = 0; i < ndigits; i++) {
		unsigned d = i % 2 == 0 ? p[i / 2] & 0x0F : p[i / 2] >> 4;

		if (d == 0x0F) {
			if (filler_ok)
				continue;
			return text_errf(err, errlen, "%s: filler semi-octet F at digit %zu of %zu",
			    field, i + 1, ndigits);
		}
		strbuf_addc(b, digits[d]);
	}
	return 0;
}

static int
decode_smsc(struct cursor *c, struct sms_address *a, char *err, size_t errlen)
{
	const uint8_t *p;
	struct strbuf b;
	unsigned n;

	if ((p = cur_take(c, 1, "SMSC length", err, errlen)) == NULL)
		return -1;
	n = p[0];
	if (n == 0)
		return 0;
	if (n > 11)
		return text_errf(err, errlen, "SMSC length %u exceeds 11 octets", n);
	if ((p = cur_take(c, n, "SMSC address", err, errlen)) == NULL)
		return -1;
	a->toa = p[0];
	strbuf_init(&b, a->text, sizeof(a->text));
	if (toa_ton(a->toa) == SMS_TON_INTERNATIONAL)
		strbuf_addc(&b, '+');
	return decode_digits(p + 1, 2 * (size_t)(n - 1), 1, &b, "SMSC address", err, errlen);
}

static int
decode_originator(struct cursor *c, struct sms_address *a, char *err, size_t errlen)
{
	const uint8_t *p;
	struct strbuf b;
	unsigned ndigits;

	if ((p = cur_take(c, 2, "TP-OA header", err, errlen)) == NULL)
		return -1;
	ndigits = p[0];
	a->toa = p[1];
	if (ndigits > ADDR_DIGITS_MAX)
		return text_errf(err, errlen, "originator length %u exceeds %d semi-octets", ndigits,
		    ADDR_DIGITS_MAX);
	if ((p = cur_take(c, (ndigits + 1) / 2, "TP-OA", err, errlen)) == NULL)
		return -1;
	strbuf_init(&b, a->text, sizeof(a->text));
	switch (toa_ton(a->toa)) {
	case SMS_TON_ALPHANUMERIC:
		gsm7_unpack(p, 0, ndigits * 4 / 7, &b);
		break;
	case SMS_TON_INTERNATIONAL:
		strbuf_addc(&b, '+');
		/* FALLTHROUGH */
	default:
		if (decode_digits(p, ndigits, 0, &b, "originator", err, errlen) < 0)
			return -1;
	}
	if (b.overflow)
		return text_errf(err, errlen, "originator too long");
	return 0;
}

static const char *
mti_name(unsigned mti)
{
	static const char *const names[] = { "SMS-DELIVER", "SMS-SUBMIT", "SMS-STATUS-REPORT",
		"reserved message type" };

	return names[mti & 3];
}

static int
decode_first_octet(struct cursor *c, struct sms_deliver *out, char *err, size_t errlen)
{
	const uint8_t *p;

	if ((p = cur_take(c, 1, "first octet", err, errlen)) == NULL)
		return -1;
	out->first_octet = p[0];
	if ((p[0] & 0x03) != 0)
		return text_errf(err, errlen, "not an SMS-DELIVER: TP-MTI %u (%s) in first octet %02X",
		    p[0] & 0x03, mti_name(p[0]), p[0]);
	return 0;
}

/* 23.038 4: the alphabet and class a DCS octet announces. */
static int
decode_dcs(uint8_t dcs, struct sms_deliver *out, char *err, size_t errlen)
{
	unsigned group = dcs >> 4;
	unsigned alphabet = (dcs >> 2) & 0x03;

	out->dcs = dcs;
	out->msg_class = -1;
	if (group <= 0x07) {	/* general data coding, with or without auto-deletion */
		if (dcs & 0x20)
			return text_errf(err, errlen, "DCS %02X: compressed text is not supported", dcs);
		if (dcs & 0x10)
			out->msg_class = dcs & 0x03;
		out->encoding = alphabet == 1 ? SMS_ENC_8BIT :
		    alphabet == 2 ? SMS_ENC_UCS2 : SMS_ENC_GSM7;
	} else if (group == 0x0E) {	/* message waiting, store, UCS2 */
		out->encoding = SMS_ENC_UCS2;
	} else if (group == 0x0F) {	/* data coding / message class */
		out->encoding = dcs & 0x04 ? SMS_ENC_8BIT : SMS_ENC_GSM7;
		out->msg_class = dcs & 0x03;
	} else {	/* reserved groups and message waiting 1100/1101 */
		out->encoding = SMS_ENC_GSM7;
	}
	return 0;
}

static int
bcd2(uint8_t o, int *v)
{
	unsigned lo = o & 0x0F, hi = o >> 4;

	if (lo > 9 || hi > 9)
		return -1;
	*v = (int)(lo * 10 + hi);
	return 0;
}

static int
decode_scts(struct cursor *c, struct sms_time *t, char *err, size_t errlen)
{
	static const char *const names[] = { "year", "month", "day", "hour", "minute",
		"second", "zone" };
	static const int lo[] = { 0, 1, 1, 0, 0, 0 }, hi[] = { 99, 12, 31, 23, 59, 59 };
	int *fields[] = { &t->year, &t->month, &t->day, &t->hour, &t->minute, &t->second };
	const uint8_t *p;
	int q;

	if ((p = cur_take(c, 7, "TP-SCTS", err, errlen)) == NULL)
		return -1;
	for (size_t i = 0; i < 6; i++) {
		if (bcd2(p[i], fields[i]) < 0)
			return text_errf(err, errlen, "TP-SCTS %s: octet %02X is not two BCD digits",
			    names[i], p[i]);
		if (*fields[i] < lo[i] || *fields[i] > hi[i])
			return text_errf(err, errlen, "TP-SCTS %s %d out of range", names[i],
			    *fields[i]);
	}
	/* Zone: the sign is bit 3 of the tens digit, which sits in the low nibble. */
	if (bcd2(p[6] & 0xF7, &q) < 0)
		return text_errf(err, errlen, "TP-SCTS zone: octet %02X is not two BCD digits", p[6]);
	t->tz_quarters = p[6] & 0x08 ? -q : q;
	t->year += t->year >= 90 ? 1900 : 2000;
	return 0;
}

/* IEI 00 / 08: concatenated short message, 8-bit / 16-bit reference. */
static void
concat_ie(unsigned iei, const uint8_t *d, unsigned n, struct sms_concat_info *ci)
{
	unsigned ref, total, part;

	if (iei == 0x00 && n == 3) {
		ref = d[0];
		total = d[1];
		part = d[2];
	} else if (iei == 0x08 && n == 4) {
		ref = (unsigned)d[0] << 8 | d[1];
		total = d[2];
		part = d[3];
	} else {
		return;
	}
	if (total == 0 || part == 0 || part > total)
		return;	/* 23.040 9.2.3.24.1: ignore the whole IE */
	ci->present = 1;
	ci->ref16 = iei == 0x08;
	ci->ref = ref;
	ci->total = total;
	ci->part = part;
}

/* Walks the UDH at the start of ud[0..n); *hdr_octets gets UDHL + 1. */
static int
decode_udh(const uint8_t *ud, size_t n, size_t *hdr_octets, struct sms_concat_info *ci,
    char *err, size_t errlen)
{
	size_t i, end;

	if (n < 1)
		return text_errf(err, errlen, "TP-UDHI set but the user data is empty");
	end = (size_t)ud[0] + 1;
	if (end > n)
		return text_errf(err, errlen, "user data header length %u exceeds the %zu octets of "
		    "user data", ud[0], n - 1);
	for (i = 1; i < end; i += 2 + (size_t)ud[i + 1]) {
		if (end - i < 2)
			return text_errf(err, errlen, "user data header: truncated information element "
			    "at octet %zu", i);
		if (ud[i + 1] > end - i - 2)
			return text_errf(err, errlen, "user data header: element %02X of %u octets runs "
			    "past the header", ud[i], ud[i + 1]);
		concat_ie(ud[i], ud + i + 2, ud[i + 1], ci);
	}
	*hdr_octets = end;
	return 0;
}

/* Octets UDL covers, after checking UDL against the limit and the octets left. */
static int
user_data_octets(const struct cursor *c, enum sms_encoding enc, unsigned udl, size_t *octets,
    char *err, size_t errlen)
{
	size_t left = cur_left(c);

	if (enc == SMS_ENC_GSM7) {
		if (udl > GSM7_SINGLE)
			return text_errf(err, errlen, "UDL %u exceeds %d septets", udl, GSM7_SINGLE);
		*octets = ((size_t)udl * 7 + 7) / 8;
		if (left < *octets)
			return text_errf(err, errlen, "user data shorter than UDL: %zu of %u septets",
			    left * 8 / 7, udl);
		return 0;
	}
	if (udl > SMS_UD_MAX)
		return text_errf(err, errlen, "UDL %u exceeds %d octets", udl, SMS_UD_MAX);
	*octets = udl;
	if (left < *octets)
		return text_errf(err, errlen, "user data shorter than UDL: %zu of %u octets", left, udl);
	return 0;
}

static int
decode_user_data(struct cursor *c, struct sms_deliver *out, char *err, size_t errlen)
{
	const uint8_t *p, *ud;
	size_t octets = 0, hdr = 0, hdr_septets;
	unsigned udl;
	struct strbuf b;

	if ((p = cur_take(c, 1, "TP-UDL", err, errlen)) == NULL)
		return -1;
	udl = p[0];
	if (user_data_octets(c, out->encoding, udl, &octets, err, errlen) < 0)
		return -1;
	ud = c->p + c->pos;
	if ((out->first_octet & 0x40) &&
	    decode_udh(ud, octets, &hdr, &out->concat, err, errlen) < 0)
		return -1;
	strbuf_init(&b, out->text, sizeof(out->text));
	switch (out->encoding) {
	case SMS_ENC_GSM7:
		hdr_septets = (hdr * 8 + 6) / 7;
		if (hdr_septets > udl)
			return text_errf(err, errlen, "user data header (%zu octets) longer than UDL "
			    "%u septets", hdr, udl);
		gsm7_unpack(ud, hdr_septets * 7, udl - hdr_septets, &b);
		break;
	case SMS_ENC_UCS2:
		if ((octets - hdr) % 2 != 0)
			return text_errf(err, errlen, "UCS2 user data has an odd length: %zu octets",
			    octets - hdr);
		ucs2_unpack(ud + hdr, octets - hdr, &b);
		break;
	case SMS_ENC_8BIT:
		sb_hex(&b, ud + hdr, octets - hdr);
		break;
	}
	if (b.overflow)
		return text_errf(err, errlen, "decoded text exceeds %d octets", SMS_TEXT_MAX - 1);
	out->text_len = b.len;
	c->pos += octets;
	return 0;
}

static int
decode_deliver(struct cursor *c, struct sms_deliver *out, char *err, size_t errlen)
{
	const uint8_t *p;

	if (decode_smsc(c, &out->smsc, err, errlen) < 0 ||
	    decode_first_octet(c, out, err, errlen) < 0 ||
	    decode_originator(c, &out->from, err, errlen) < 0)
		return -1;
	if ((p = cur_take(c, 2, "TP-PID and TP-DCS", err, errlen)) == NULL)
		return -1;
	out->pid = p[0];
	if (decode_dcs(p[1], out, err, errlen) < 0 ||
	    decode_scts(c, &out->scts, err, errlen) < 0 ||
	    decode_user_data(c, out, err, errlen) < 0)
		return -1;
	return 0;
}

int
sms_decode(const uint8_t *pdu, size_t len, struct sms_deliver *out, char *err, size_t errlen)
{
	struct cursor c = { pdu, len, 0 };

	memset(out, 0, sizeof(*out));
	if (errlen > 0)
		err[0] = '\0';
	if (len > SMS_PDU_MAX)
		return text_errf(err, errlen, "PDU of %zu octets exceeds %d", len, SMS_PDU_MAX);
	if (decode_deliver(&c, out, err, errlen) < 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

int
sms_decode_hex(const char *hex, size_t hexlen, struct sms_deliver *out, char *err,
    size_t errlen)
{
	uint8_t pdu[SMS_PDU_MAX];

	memset(out, 0, sizeof(*out));
	if (hexlen == 0)
		return text_errf(err, errlen, "empty PDU");
	if (hexlen % 2 != 0)
		return text_errf(err, errlen, "PDU hex has an odd number of digits (%zu)", hexlen);
	if (hexlen / 2 > sizeof(pdu))
		return text_errf(err, errlen, "PDU of %zu octets exceeds %d", hexlen / 2, SMS_PDU_MAX);
	for (size_t i = 0; i < hexlen; i += 2) {
		int hi = text_hexval(hex[i]), lo = text_hexval(hex[i + 1]);

		if (hi < 0 || lo < 0)
			return text_errf(err, errlen, "PDU is not hex: character %zu",
			    hi < 0 ? i + 1 : i + 2);
		pdu[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return sms_decode(pdu, hexlen / 2, out, err, errlen);
}

int
sms_time_iso8601(const struct sms_time *t, char *buf, size_t len)
{
	int minutes = t->tz_quarters * 15;
	int n;

	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", t->year, t->month,
	    t->day, t->hour, t->minute, t->second, minutes < 0 ? '-' : '+',
	    abs(minutes) / 60, abs(minutes) % 60);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

const char *
sms_ton_name(uint8_t toa)
{
	static const char *const names[] = { "unknown", "international", "national",
		"network", "subscriber", "alphanumeric", "abbreviated", "reserved" };

	return names[toa_ton(toa)];
}

const char *
sms_encoding_name(enum sms_encoding enc)
{
	switch (enc) {
	case SMS_ENC_GSM7:
		return "gsm7";
	case SMS_ENC_8BIT:
		return "8bit";
	case SMS_ENC_UCS2:
		return "ucs2";
	}
	return "unknown";
}

/*
 * Encoding.
 */

/* The code point at s[*pos] (text_utf8_get), *pos moved past it; -1 for
 * bad UTF-8. */
static int
next_cp(const char *s, size_t len, size_t *pos, uint32_t *cp)
{
	size_t n = text_utf8_get(s + *pos, len - *pos, cp);

	if (n == 0)
		return -1;
	*pos += n;
	return 0;
}

/* The septets for cp: 1 or 2 (ESC + code), 0 when cp has none. */
static size_t
gsm7_encode_cp(uint32_t cp, uint8_t code[2])
{
	if (cp == 0)
		return 0;
	for (size_t i = 0; i < NELEM(gsm7_default); i++)
		if (gsm7_default[i] == cp) {
			code[0] = (uint8_t)i;
			return 1;
		}
	for (size_t i = 0; i < NELEM(gsm7_ext); i++)
		if (gsm7_ext[i].cp == cp) {
			code[0] = GSM7_ESC;
			code[1] = gsm7_ext[i].code;
			return 2;
		}
	return 0;
}

long
sms_gsm7_septets(const char *text, size_t len)
{
	size_t pos = 0;
	long n = 0;
	uint32_t cp;
	uint8_t code[2];
	size_t k;

	while (pos < len) {
		if (next_cp(text, len, &pos, &cp) < 0 || (k = gsm7_encode_cp(cp, code)) == 0)
			return -1;
		n += (long)k;
	}
	return n;
}

/* UTF-16 units of valid UTF-8, or -1. */
static long
ucs2_units(const char *text, size_t len)
{
	size_t pos = 0;
	long n = 0;
	uint32_t cp;

	while (pos < len) {
		if (next_cp(text, len, &pos, &cp) < 0)
			return -1;
		n += cp >= 0x10000 ? 2 : 1;
	}
	return n;
}

/*
 * The payload of one part: whole characters from text[*pos..len) costing at
 * most limit septets (GSM 7-bit) or UTF-16 units (UCS2).  Fills out (septet
 * codes, or UTF-16BE octets) when it is not NULL; returns the cost.
 */
static size_t
take_chunk(const char *text, size_t len, size_t *pos, int gsm7, size_t limit, uint8_t *out)
{
	size_t n = 0;

	while (*pos < len) {
		size_t p = *pos, k;
		uint8_t code[4];
		uint32_t cp;

		if (next_cp(text, len, &p, &cp) < 0)
			break;	/* validated before: cannot happen */
		if (gsm7) {
			k = gsm7_encode_cp(cp, code);
		} else if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			code[0] = (uint8_t)(0xD8 | (v >> 18));
			code[1] = (uint8_t)(v >> 10);
			code[2] = (uint8_t)(0xDC | ((v >> 8) & 0x03));
			code[3] = (uint8_t)v;
			k = 2;
		} else {
			code[0] = (uint8_t)(cp >> 8);
			code[1] = (uint8_t)cp;
			k = 1;
		}
		if (k == 0 || n + k > limit)
			break;
		if (out != NULL)
			memcpy(out + (gsm7 ? n : 2 * n), code, gsm7 ? k : 2 * k);
		n += k;
		*pos = p;
	}
	return n;
}

/* The destination address field: length, TOA, BCD digits. */
static int
encode_number(const char *number, uint8_t *o, size_t *olen, char *err, size_t errlen)
{
	size_t nd = 0;
	const char *s = number;

	o[1] = 0x81;
	if (*s == '+') {
		o[1] = 0x91;
		s++;
	}
	for (; *s != '\0'; s++, nd++) {
		const char *d = strchr("0123456789*#", *s);
		unsigned v;

		if (d == NULL || *d == '\0')
			return text_errf(err, errlen, "number: '%c' is not a digit, '*' or '#'", *s);
		if (nd == ADDR_DIGITS_MAX)
			return text_errf(err, errlen, "number longer than %d digits", ADDR_DIGITS_MAX);
		v = (unsigned)(d - "0123456789*#");
		if (nd % 2 == 0)
			o[2 + nd / 2] = (uint8_t)(0xF0 | v);
		else
			o[2 + nd / 2] = (uint8_t)((o[2 + nd / 2] & 0x0F) | v << 4);
	}
	if (nd == 0)
		return text_errf(err, errlen, "number has no digits");
	o[0] = (uint8_t)nd;
	*olen = 2 + (nd + 1) / 2;
	return 0;
}

/* Packs n septets into ud starting at bit 'first'; ud is zeroed by the caller. */
static void
gsm7_pack(const uint8_t *sept, size_t n, size_t first, uint8_t *ud)
{
	for (size_t i = 0; i < n; i++) {
		size_t bit = first + 7 * i;
		unsigned sh = bit % 8;

		ud[bit / 8] |= (uint8_t)(sept[i] << sh);
		if (sh > 1)
			ud[bit / 8 + 1] |= (uint8_t)(sept[i] >> (8 - sh));
	}
}

struct submit_plan {
	const uint8_t	*da;
	size_t		da_len;
	struct sms_submit_opts opts;
	int		gsm7;
	size_t		total;	/* parts; 1 means no UDH */
};

static void
to_hex(const uint8_t *p, size_t n, char *hex, size_t hexcap)
{
	struct strbuf b;

	strbuf_init(&b, hex, hexcap);
	sb_hex(&b, p, n);
}

/* One SUBMIT PDU: payload holds cost septets or UTF-16 units. */
static void
build_submit(const struct submit_plan *pl, size_t part, const uint8_t *payload, size_t cost,
    struct sms_submit_pdu *out)
{
	uint8_t pdu[SMS_SUBMIT_MAX];
	uint8_t *ud;
	size_t n = 0, hdr = 0, udl;

	memset(pdu, 0, sizeof(pdu));
	pdu[n++] = 0x00;	/* SMSC: the SIM's */
	pdu[n++] = (uint8_t)(0x01 | (pl->opts.validity >= 0 ? 0x10 : 0) |
	    (pl->opts.status_report ? 0x20 : 0) | (pl->total > 1 ? 0x40 : 0));
	pdu[n++] = 0x00;	/* TP-MR: the modem's */
	memcpy(pdu + n, pl->da, pl->da_len);
	n += pl->da_len;
	pdu[n++] = 0x00;	/* TP-PID */
	pdu[n++] = pl->gsm7 ? 0x00 : 0x08;
	if (pl->opts.validity >= 0)
		pdu[n++] = (uint8_t)pl->opts.validity;
	ud = pdu + n + 1;
	if (pl->total > 1) {
		const uint8_t h[CONCAT_UDH_LEN] = { 0x05, 0x00, 0x03, pl->opts.ref,
			(uint8_t)pl->total, (uint8_t)part };
		memcpy(ud, h, sizeof(h));
		hdr = sizeof(h);
	}
	if (pl->gsm7) {
		size_t hs = hdr ? CONCAT_UDH_SEPT : 0;

		gsm7_pack(payload, cost, hs * 7, ud);
		udl = hs + cost;
		pdu[n++] = (uint8_t)udl;
		n += (udl * 7 + 7) / 8;
	} else {
		memcpy(ud + hdr, payload, 2 * cost);
		udl = hdr + 2 * cost;
		pdu[n++] = (uint8_t)udl;
		n += udl;
	}
	to_hex(pdu, n, out->hex, sizeof(out->hex));
	out->tpdu_len = n - 1;
}

int
sms_encode_submit(const char *number, const char *text, size_t text_len,
    const struct sms_submit_opts *opts, struct sms_submit_pdu *pdus, size_t max_pdus,
    size_t *npdus, char *err, size_t errlen)
{
	static const struct sms_submit_opts defaults = { 0, -1, 0 };
	uint8_t da[2 + ADDR_DIGITS_MAX / 2];
	uint8_t payload[GSM7_SINGLE > 2 * UCS2_SINGLE ? GSM7_SINGLE : 2 * UCS2_SINGLE];
	struct submit_plan pl;
	size_t pos, limit;
	long cost;

	*npdus = 0;
	memset(&pl, 0, sizeof(pl));
	pl.opts = opts != NULL ? *opts : defaults;
	if (pl.opts.validity > 255)
		return text_errf(err, errlen, "validity %d is not a relative TP-VP (0-255)",
		    pl.opts.validity);
	if (encode_number(number, da, &pl.da_len, err, errlen) < 0)
		return -1;
	pl.da = da;
	cost = sms_gsm7_septets(text, text_len);
	pl.gsm7 = cost >= 0;
	if (!pl.gsm7 && (cost = ucs2_units(text, text_len)) < 0)
		return text_errf(err, errlen, "text is not valid UTF-8");
	limit = pl.gsm7 ? GSM7_SINGLE : UCS2_SINGLE;
	if ((size_t)cost > limit) {
		limit = pl.gsm7 ? GSM7_PART : UCS2_PART;
		for (pos = 0; pos < text_len; pl.total++) {
			size_t before = pos;

			take_chunk(text, text_len, &pos, pl.gsm7, limit, NULL);
			if (pos == before)
				return text_errf(err, errlen, "text cannot be split");
		}
	} else {
		pl.total = 1;
	}
	if (pl.total > SMS_MAX_PARTS || pl.total > max_pdus)
		return text_errf(err, errlen, "text needs %zu parts, at most %zu allowed", pl.total,
		    max_pdus < SMS_MAX_PARTS ? max_pdus : (size_t)SMS_MAX_PARTS);
	pos = 0;
	for (size_t i = 0; i < pl.total; i++) {
		size_t n = take_chunk(text, text_len, &pos, pl.gsm7, limit, payload);

		build_submit(&pl, i + 1, payload, n, &pdus[i]);
	}
	*npdus = pl.total;
	return 0;
}
