/*
 * sms_text: the SMS codec of text mode, both directions.  See sms_text.h
 * for the contract.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "at_parse.h"
#include "sms_text.h"
#include "text.h"

/* ---- reading: the headers ---- */

/* The scts-looking quoted field: "13/01/28,14:51:42+08". */
static bool
looks_like_scts(const struct at_field *f)
{
	return f->quoted && memchr(f->p, '/', f->len) != NULL;
}

static int
text_hdr(const struct at_fields *fl, size_t first, struct sms_text_hdr *out)
{
	const struct at_field *f = &fl->f[first];
	size_t left = fl->n - first;

	if (left < 2 || !f[0].quoted || at_field_str(&f[0], out->stat, sizeof(out->stat)) < 0 ||
	    out->stat[0] == '\0' || !f[1].quoted ||
	    at_field_str(&f[1], out->addr, sizeof(out->addr)) < 0)
		return -1;
	out->scts[0] = '\0';
	if (left >= 3 && looks_like_scts(&f[2]))
		return at_field_str(&f[2], out->scts, sizeof(out->scts));
	if (left >= 4 && looks_like_scts(&f[3]))
		return at_field_str(&f[3], out->scts, sizeof(out->scts));
	return 0;
}

int
sms_text_parse_cmgl(const char *line, struct sms_text_hdr *out)
{
	struct at_fields fl;

	memset(out, 0, sizeof(*out));
	if (at_split_fields(line, "+CMGL:", &fl) < 0 || fl.n < 3 ||
	    !at_field_int(&fl.f[0], 0, 65535, &out->index))
		return -1;
	return text_hdr(&fl, 1, out);
}

int
sms_text_parse_cmgr(const char *line, struct sms_text_hdr *out)
{
	struct at_fields fl;

	memset(out, 0, sizeof(*out));
	out->index = -1;
	if (at_split_fields(line, "+CMGR:", &fl) < 0)
		return -1;
	return text_hdr(&fl, 0, out);
}

/* ---- reading: whole messages ---- */

/* 1..maxd decimal digits at *p, as a number within [lo, hi]; -1 otherwise. */
static int
scts_num(const char **p, size_t maxd, int lo, int hi)
{
	const char *s = *p;
	int v = 0;
	size_t n = 0;

	while (n < maxd && text_isdigit(s[n]))
		v = v * 10 + (s[n++] - '0');
	if (n == 0 || text_isdigit(s[n]) || v < lo || v > hi)
		return -1;
	*p = s + n;
	return v;
}

static bool
scts_sep(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

int
sms_text_parse_scts(const char *s, struct sms_time *out)
{
	struct sms_time t;
	const char *p = s;
	int sign;

	memset(&t, 0, sizeof(t));
	if ((t.year = scts_num(&p, 4, 0, 2089)) < 0)
		return -1;
	if (p - s == 2)
		t.year += t.year < 90 ? 2000 : 1900;
	else if (p - s != 4 || t.year < 1990)
		return -1;
	if (!scts_sep(&p, '/') || (t.month = scts_num(&p, 2, 1, 12)) < 0 ||
	    !scts_sep(&p, '/') || (t.day = scts_num(&p, 2, 1, 31)) < 0 || !scts_sep(&p, ',') ||
	    (t.hour = scts_num(&p, 2, 0, 23)) < 0 || !scts_sep(&p, ':') ||
	    (t.minute = scts_num(&p, 2, 0, 59)) < 0 || !scts_sep(&p, ':') ||
	    (t.second = scts_num(&p, 2, 0, 59)) < 0)
		return -1;
	if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if ((t.tz_quarters = scts_num(&p, 2, 0, 79)) < 0)
			return -1;
		t.tz_quarters *= sign;
	}
	if (*p != '\0')
		return -1;
	*out = t;
	return 0;
}

/* Write a code point as UTF-8 at out[*o], if it and a NUL fit in max. */
static bool
put_utf8(uint32_t cp, char *out, size_t *o, size_t max)
{
	char b[4];
	size_t n = text_utf8_put(cp, b);

	if (*o + n >= max)
		return false;
	memcpy(out + *o, b, n);
	*o += n;
	return true;
}

/* The UTF-16 unit at hex[i..i+3]; -1 if a digit is not hex. */
static long
hex_unit(const char *hex, size_t i)
{
	long u = 0;

	for (size_t k = 0; k < 4; k++) {
		int v = text_hexval(hex[i + k]);

		if (v < 0)
			return -1;
		u = u << 4 | v;
	}
	return u;
}

int
sms_text_ucs2_to_utf8(const char *hex, size_t len, char *out, size_t outlen, size_t *outlen_used)
{
	size_t o = 0;

	if (outlen == 0 || len % 4 != 0)
		return -1;
	out[0] = '\0';
	for (size_t i = 0; i < len; i += 4) {
		long u = hex_unit(hex, i), lo;
		uint32_t cp = (uint32_t)u;

		if (u < 0)
			return -1;
		if (u >= 0xD800 && u < 0xDC00 && i + 8 <= len &&
		    (lo = hex_unit(hex, i + 4)) >= 0xDC00 && lo < 0xE000) {
			cp = 0x10000 + (uint32_t)((u - 0xD800) << 10) + (uint32_t)(lo - 0xDC00);
			i += 4;
		} else if (u >= 0xD800 && u < 0xE000) {
			cp = 0xFFFD;	/* a lone surrogate */
		}
		if (!put_utf8(cp, out, &o, outlen))
			return -1;
	}
	out[o] = '\0';
	*outlen_used = o;
	return 0;
}

static bool
is_text_header(const char *line)
{
	return text_prefix_ci(line, "+CMGL:") || text_prefix_ci(line, "+CMGR:");
}

int
sms_text_next(const struct at_reply *r, size_t *i, struct sms_text_entry *e,
    size_t *bad)
{
	while (*i < r->nlines) {
		const char *line = at_reply_line(r, (*i)++);
		int ok;

		if (!is_text_header(line))
			continue;	/* before the first header: not a message */
		if (text_prefix_ci(line, "+CMGL:"))
			ok = sms_text_parse_cmgl(line, &e->hdr);
		else
			ok = sms_text_parse_cmgr(line, &e->hdr);
		e->text_line = *i;
		while (*i < r->nlines && !is_text_header(at_reply_line(r, *i)))
			(*i)++;
		e->text_lines = *i - e->text_line;
		if (ok == 0)
			return 1;
		if (bad != NULL)
			(*bad)++;
	}
	return 0;
}

static bool
all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!text_isxdigit(s[i]))
			return false;
	return true;
}

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!text_isdigit(s[i]))
			return false;
	return true;
}

/* Every UTF-16 unit of the hex is below 0x80: "002B0034..." */
static bool
ucs2_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i += 4)
		if (s[i] != '0' || s[i + 1] != '0' || text_hexval(s[i + 2]) > 7)
			return false;
	return true;
}

/* The status, decoded when the modem shows it in UCS2 too. */
static int
text_stat(const char *stat, char *out, size_t outlen)
{
	size_t n = strlen(stat), used;

	if (n % 4 == 0 && all_hex(stat, n) && ucs2_ascii(stat, n))
		return sms_text_ucs2_to_utf8(stat, n, out, outlen, &used);
	snprintf(out, outlen, "%s", stat);
	return 0;
}

/* The sender, UCS2 hex or left as it is; no control characters. */
static int
text_addr(const char *a, struct sms_address *out)
{
	size_t n = strlen(a), used = n;
	bool plus, digits = true;

	if (n % 4 == 0 && all_hex(a, n) && (ucs2_ascii(a, n) || !all_digits(a, n))) {
		if (sms_text_ucs2_to_utf8(a, n, out->text, sizeof(out->text), &used) < 0)
			return -1;
	} else {
		if (n >= sizeof(out->text))
			return -1;
		memcpy(out->text, a, n + 1);
	}
	for (size_t i = 0; i < used; i++)
		if ((unsigned char)out->text[i] < 0x20 || out->text[i] == 0x7F)
			return -1;
	plus = out->text[0] == '+';
	for (size_t i = plus; i < used; i++)
		if (!text_isdigit(out->text[i]) && out->text[i] != '*' && out->text[i] != '#')
			digits = false;
	if (!digits || (plus && used == 1))
		out->toa = 0xD0;	/* alphanumeric */
	else
		out->toa = plus ? 0x91 : 0x81;
	return 0;
}

/* The text lines joined, then decoded: UCS2, or 8-bit data kept as hex. */
static int
text_body(const struct at_reply *r, const struct sms_text_entry *e, struct sms_deliver *out,
    char *err, size_t errlen)
{
	char hex[AT_LINE_MAX + 1];
	size_t n = 0;

	for (size_t k = 0; k < e->text_lines; k++) {
		const char *l = at_reply_line(r, e->text_line + k);
		size_t len = text_trimmed_len(l);

		if (n + len >= sizeof(hex)) {
			snprintf(err, errlen, "the text is too long (over %d characters)",
			    AT_LINE_MAX);
			return -1;
		}
		memcpy(hex + n, l, len);
		n += len;
	}
	hex[n] = '\0';
	if (!all_hex(hex, n) || n % 2 != 0) {
		snprintf(err, errlen, "the text is not UCS2 hex (is AT+CSCS=\"UCS2\" in force?)");
		return -1;
	}
	if (n % 4 != 0) {	/* octets, not UTF-16 units */
		if (n >= sizeof(out->text)) {
			snprintf(err, errlen, "8-bit data longer than %zu hex digits",
			    sizeof(out->text) - 1);
			return -1;
		}
		for (size_t i = 0; i <= n; i++)
			out->text[i] = hex[i] >= 'a' && hex[i] <= 'f' ? (char)(hex[i] - 'a' + 'A')
								      : hex[i];
		out->text_len = n;
		out->encoding = SMS_ENC_8BIT;
		out->dcs = 0x04;
		return 0;
	}
	if (sms_text_ucs2_to_utf8(hex, n, out->text, sizeof(out->text), &out->text_len) < 0) {
		snprintf(err, errlen, "the text is longer than %d bytes of UTF-8",
		    SMS_TEXT_MAX - 1);
		return -1;
	}
	if (sms_gsm7_septets(out->text, out->text_len) >= 0) {
		out->encoding = SMS_ENC_GSM7;
		out->dcs = 0x00;
	} else {
		out->encoding = SMS_ENC_UCS2;
		out->dcs = 0x08;
	}
	return 0;
}

int
sms_text_decode(const struct at_reply *r, const struct sms_text_entry *e,
    struct sms_deliver *out, char *err, size_t errlen)
{
	char stat[sizeof(e->hdr.stat)];

	memset(out, 0, sizeof(*out));
	out->msg_class = -1;
	if (text_stat(e->hdr.stat, stat, sizeof(stat)) < 0 || strncasecmp(stat, "REC ", 4) != 0) {
		snprintf(err, errlen, "not a received message (status \"%s\")", e->hdr.stat);
		return -1;
	}
	if (text_addr(e->hdr.addr, &out->from) < 0) {
		snprintf(err, errlen, "the sender \"%s\" is neither UCS2 hex nor plain text",
		    e->hdr.addr);
		return -1;
	}
	if (sms_text_parse_scts(e->hdr.scts, &out->scts) < 0) {
		snprintf(err, errlen, "no valid time stamp (\"%s\")", e->hdr.scts);
		return -1;
	}
	return text_body(r, e, out, err, errlen);
}

/* ---- writing: what AT+CMGS sends ---- */

/*
 * The UTF-16 units one AT+CMGS carries, as UCS2 hex after the prompt (the
 * engine takes AT_PDU_MAX hex digits), and what one SMS holds.
 */
#define TEXT_UNITS_MAX	(AT_PDU_MAX / 4)
#define GSM7_SEPTETS	160
#define UCS2_UNITS	70

/* cp as UCS2 hex (one unit, or a surrogate pair) at out; the digits written. */
static size_t
put_ucs2_hex(uint32_t cp, char *out, size_t room)
{
	if (cp < 0x10000) {
		snprintf(out, room, "%04X", (unsigned)cp);
		return 4;
	}
	cp -= 0x10000;
	snprintf(out, room, "%04X%04X", (unsigned)(0xD800 + (cp >> 10)),
	    (unsigned)(0xDC00 + (cp & 0x3FF)));
	return 8;
}

/* "+" and 1..20 of digits, '*', '#' (as sms_encode_submit() takes them), as
 * UCS2 hex for AT+CMGS="<da>" under AT+CSCS="UCS2"; -1 if not a number. */
static int
number_ucs2(const char *number, char *out, size_t outlen)
{
	size_t n = strlen(number), plus = number[0] == '+', o = 0;

	if (n - plus < 1 || n - plus > 20 || 4 * n >= outlen)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (i >= plus && !(number[i] >= '0' && number[i] <= '9') && number[i] != '*' &&
		    number[i] != '#')
			return -1;
		o += put_ucs2_hex((unsigned char)number[i], out + o, outlen - o);
	}
	return 0;
}

/*
 * Cut a UTF-8 text into the UCS2 hex of single SMS: at most GSM7_SEPTETS
 * septets each (gsm7) or UCS2_UNITS units, and never more than
 * TEXT_UNITS_MAX units; a character (surrogate pair) is never cut.
 */
static int
text_parts(const char *text, size_t len, bool gsm7, char (*parts)[AT_PDU_MAX + 1], size_t max,
    size_t *n, char *err, size_t errlen)
{
	size_t pos = 0, units = 0, septets = 0, o = 0, k = 0;
	size_t unit_max = gsm7 || UCS2_UNITS > TEXT_UNITS_MAX ? TEXT_UNITS_MAX : UCS2_UNITS;

	while (pos < len) {
		size_t start = pos, u, sp;
		uint32_t cp;
		size_t clen = text_utf8_get(text + pos, len - pos, &cp);

		if (clen == 0) {
			snprintf(err, errlen, "the text is not UTF-8 (at byte %zu)", start);
			return -1;
		}
		pos += clen;
		u = cp >= 0x10000 ? 2 : 1;
		sp = gsm7 ? (size_t)sms_gsm7_septets(text + start, pos - start) : 0;
		if (units + u > unit_max || septets + sp > GSM7_SEPTETS) {
			parts[k++][o] = '\0';
			units = septets = o = 0;
		}
		if (k == max) {
			snprintf(err, errlen, "the text needs more than %zu SMS in text mode "
			    "(%zu characters each at most)", max,
			    gsm7 ? unit_max : (size_t)UCS2_UNITS);
			return -1;
		}
		o += put_ucs2_hex(cp, parts[k] + o, AT_PDU_MAX + 1 - o);
		units += u;
		septets += sp;
	}
	parts[k][o] = '\0';
	*n = k + 1;
	return 0;
}

int
sms_text_encode(const char *number, const char *text, char (*parts)[AT_PDU_MAX + 1],
    size_t max, struct sms_text_submit *out, char *err, size_t errlen)
{
	size_t len = strlen(text);
	bool gsm7 = sms_gsm7_septets(text, len) >= 0;

	if (number_ucs2(number, out->da, sizeof(out->da)) < 0) {
		snprintf(err, errlen, "not a phone number (\"+\" and 1 to 20 digits): \"%s\"",
		    number);
		return -1;
	}
	if (len == 0) {
		snprintf(err, errlen, "an empty text cannot be sent in text mode");
		return -1;
	}
	if (text_parts(text, len, gsm7, parts, max, &out->nparts, err, errlen) < 0)
		return -1;
	out->dcs = gsm7 ? 0 : 8;
	return 0;
}
