/*
 * mode6: NTP control messages as ntpq sends and checks them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mode6.h"

#define MODE6_MODE 6
#define BIT_R 0x80
#define BIT_E 0x40
#define BIT_M 0x20
#define OP_MASK 0x1f
#define END_LEN 2             /* the final "\r\n" always has room kept */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * The header fields are filled before the checks that can refuse, so the
 * caller can still answer a bad count with an error (ntpd answers BADFMT);
 * only an accepted request gets its data.
 */
enum mode6_parse_status
mode6_parse(const uint8_t *buf, size_t len, struct mode6_request *rq)
{
	memset(rq, 0, sizeof(*rq));
	if (len < MODE6_HEADER_LEN)
		return MODE6_SHORT;
	rq->leap = buf[0] >> 6;
	rq->version = (buf[0] >> 3) & 7;
	rq->opcode = buf[1] & OP_MASK;
	rq->sequence = get16(buf + 2);
	rq->status = get16(buf + 4);
	rq->associd = get16(buf + 6);
	rq->offset = get16(buf + 8);
	if ((buf[0] & 7) != MODE6_MODE)
		return MODE6_NOT_CONTROL;
	if (rq->version < 1 || rq->version > 4)
		return MODE6_VERSION;
	if (buf[1] & (BIT_R | BIT_E))
		return MODE6_RESPONSE;
	if ((buf[1] & BIT_M) || rq->offset != 0)
		return MODE6_FRAGMENTED;
	uint16_t count = get16(buf + 10);
	if (count > len - MODE6_HEADER_LEN)
		return MODE6_COUNT;
	rq->count = count;
	rq->data = buf + MODE6_HEADER_LEN;
	return MODE6_OK;
}

const char *
mode6_parse_status_str(enum mode6_parse_status st)
{
	switch (st) {
	case MODE6_OK:
		return "ok";
	case MODE6_SHORT:
		return "shorter than a control header";
	case MODE6_NOT_CONTROL:
		return "not a control message";
	case MODE6_VERSION:
		return "unsupported version";
	case MODE6_RESPONSE:
		return "a response, not a request";
	case MODE6_FRAGMENTED:
		return "fragmented request";
	case MODE6_COUNT:
		return "count past the end of the datagram";
	}
	return "unknown";
}

/* ntpd stops counting events at 15 rather than wrap to a small number. */
static unsigned
nibble_count(int n)
{
	if (n < 0)
		return 0;
	return n > 15 ? 15 : (unsigned)n;
}

uint16_t
mode6_sys_status(int leap, int source, int nevents, int event)
{
	return (uint16_t)(((unsigned)leap & 3) << 14 | ((unsigned)source & 0x3f) << 8 |
	    nibble_count(nevents) << 4 | ((unsigned)event & 0xf));
}

uint16_t
mode6_peer_status(bool configured, bool reachable, int sel, int nevents, int event)
{
	unsigned hi = (unsigned)sel & 7;

	if (configured)
		hi |= 0x80;
	if (reachable)
		hi |= 0x10;
	return (uint16_t)(hi << 8 | nibble_count(nevents) << 4 | ((unsigned)event & 0xf));
}

void
mode6_names_init(struct mode6_names *it, const struct mode6_request *rq)
{
	it->p = (const char *)rq->data;
	it->end = rq->data != NULL ? it->p + rq->count : it->p;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * An item runs to the next comma: the name up to '=' with spaces trimmed,
 * and a value after it that we step over.  A NUL ends the list, for the
 * client that counts its padding.  Items with no name are skipped.
 */
bool
mode6_names_next(struct mode6_names *it, char *name, size_t len)
{
	if (len == 0)
		return false;
	for (;;) {
		while (it->p < it->end && (*it->p == ',' || is_space(*it->p)))
			it->p++;
		if (it->p == it->end || *it->p == '\0') {
			it->p = it->end;
			return false;
		}
		const char *s = it->p;
		while (it->p < it->end && *it->p != ',' && *it->p != '=' && *it->p != '\0')
			it->p++;
		const char *e = it->p;
		while (e > s && is_space(e[-1]))
			e--;
		while (it->p < it->end && *it->p != ',' && *it->p != '\0')
			it->p++;
		size_t n = (size_t)(e - s);
		if (n == 0)
			continue;
		if (n > len - 1)
			n = len - 1;
		memcpy(name, s, n);
		name[n] = '\0';
		return true;
	}
}

void
mode6_text_init(struct mode6_text *t)
{
	t->len = 0;
	t->line = 0;
	t->full = false;
}

static bool
printing(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

/* A byte that would break the text apart as ntpq reads it becomes '.'. */
static void
clean_name(char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!printing((unsigned char)p[i]) || strchr(" \",=", p[i]) != NULL)
			p[i] = '.';
}

static void
clean_value(char *p, size_t n, bool quoted)
{
	const char *bad = quoted ? "\"\\" : "\",";

	for (size_t i = 0; i < n; i++)
		if (!printing((unsigned char)p[i]) || strchr(bad, p[i]) != NULL)
			p[i] = '.';
}

/*
 * The item is formatted in place after a ", " and moved up one byte if it
 * takes a new line instead: no copy of it is needed, and an item that does
 * not fit leaves the text as it was.
 */
static void
put_item(struct mode6_text *t, const char *name, bool quoted, const char *fmt, va_list ap)
{
	const size_t cap = sizeof(t->buf) - END_LEN;
	size_t at = t->len > 0 ? t->len + 2 : 0;

	if (t->full)
		return;
	if (at >= cap) {
		t->full = true;
		return;
	}
	char *p = t->buf + at;
	size_t room = cap - at + 1; /* the NUL may fall into the kept room */
	const char *q = quoted ? "\"" : "";
	int nn = snprintf(p, room, "%s=%s", name, q);
	if (nn < 0 || (size_t)nn >= room) {
		t->full = true;
		return;
	}
	int nv = vsnprintf(p + nn, room - (size_t)nn, fmt, ap);
	if (nv < 0 || (size_t)nv >= room - (size_t)nn) {
		t->full = true;
		return;
	}
	size_t n = (size_t)nn + (size_t)nv + (quoted ? 1 : 0);
	if (n >= room) {
		t->full = true;
		return;
	}
	if (quoted)
		p[n - 1] = '"';
	clean_name(p, (size_t)nn - 1 - (quoted ? 1 : 0));
	clean_value(p + nn, (size_t)nv, quoted);
	if (t->len == 0) {
		t->line = n;
	} else if (t->line + 2 + n <= MODE6_LINE) {
		memcpy(t->buf + t->len, ", ", 2);
		t->line += 2 + n;
	} else {
		if (at + 1 + n > cap) {
			t->full = true;
			return;
		}
		memmove(p + 1, p, n);
		memcpy(t->buf + t->len, ",\r\n", 3);
		at++;
		t->line = n;
	}
	t->len = at + n;
}

void
mode6_put(struct mode6_text *t, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_item(t, name, false, fmt, ap);
	va_end(ap);
}

static void
put_quoted(struct mode6_text *t, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_item(t, name, true, fmt, ap);
	va_end(ap);
}

void
mode6_put_str(struct mode6_text *t, const char *name, const char *value)
{
	put_quoted(t, name, "%s", value != NULL ? value : "");
}

void
mode6_put_ts(struct mode6_text *t, const char *name, uint64_t ts)
{
	mode6_put(t, name, "0x%08x.%08x", (unsigned)(ts >> 32), (unsigned)(ts & 0xffffffffu));
}

void
mode6_text_finish(struct mode6_text *t)
{
	if (t->len == 0)
		return;
	memcpy(t->buf + t->len, "\r\n", END_LEN);
	t->len += END_LEN;
	t->line = 0;
}

static void
put_header(uint8_t *out, const struct mode6_request *rq, uint8_t leap, uint8_t flags,
    uint16_t status, uint16_t offset, uint16_t count)
{
	out[0] = (uint8_t)((leap & 3) << 6 | (rq->version & 7) << 3 | MODE6_MODE);
	out[1] = (uint8_t)(BIT_R | flags | (rq->opcode & OP_MASK));
	put16(out + 2, rq->sequence);
	put16(out + 4, status);
	put16(out + 6, rq->associd);
	put16(out + 8, offset);
	put16(out + 10, count);
}

size_t
mode6_fragment(const struct mode6_request *rq, uint16_t status, uint8_t leap,
    const void *data, size_t len, int k, uint8_t *out, size_t outlen)
{
	size_t nfrags = len == 0 ? 1 : (len + MODE6_FRAG_DATA - 1) / MODE6_FRAG_DATA;

	if (len > MODE6_TEXT_MAX || k < 0 || (size_t)k >= nfrags)
		return 0;
	size_t off = (size_t)k * MODE6_FRAG_DATA;
	size_t count = len - off < MODE6_FRAG_DATA ? len - off : MODE6_FRAG_DATA;
	size_t total = (MODE6_HEADER_LEN + count + 3) & ~(size_t)3;
	if (outlen < total)
		return 0;
	bool more = (size_t)k + 1 < nfrags;
	put_header(out, rq, leap, more ? BIT_M : 0, status, (uint16_t)off, (uint16_t)count);
	if (count > 0)
		memcpy(out + MODE6_HEADER_LEN, (const uint8_t *)data + off, count);
	memset(out + MODE6_HEADER_LEN + count, 0, total - MODE6_HEADER_LEN - count);
	return total;
}

size_t
mode6_error(const struct mode6_request *rq, enum mode6_error e, uint8_t leap, uint8_t *out,
    size_t outlen)
{
	if (outlen < MODE6_HEADER_LEN)
		return 0;
	put_header(out, rq, leap, BIT_E, (uint16_t)(((unsigned)e & 0xff) << 8), 0, 0);
	return MODE6_HEADER_LEN;
}

/* ---- the client's side ---- */

#define CLIENT_VERSION 2      /* what both ntpqs send */

size_t
mode6_request_encode(uint8_t opcode, uint16_t sequence, uint16_t associd, const void *data,
    size_t len, uint8_t *out, size_t outlen)
{
	size_t total = (MODE6_HEADER_LEN + len + 3) & ~(size_t)3;

	if (len > MODE6_FRAG_DATA || outlen < total)
		return 0;
	out[0] = (uint8_t)(CLIENT_VERSION << 3 | MODE6_MODE);
	out[1] = (uint8_t)(opcode & OP_MASK);
	put16(out + 2, sequence);
	put16(out + 4, 0);
	put16(out + 6, associd);
	put16(out + 8, 0);
	put16(out + 10, (uint16_t)len);
	if (len > 0)
		memcpy(out + MODE6_HEADER_LEN, data, len);
	memset(out + MODE6_HEADER_LEN + len, 0, total - MODE6_HEADER_LEN - len);
	return total;
}

/*
 * Sequence and opcode first, as ntpq: a late answer to an earlier request
 * is the likeliest stranger, and it is told apart before anything else.
 */
enum mode6_resp_status
mode6_response_parse(const uint8_t *buf, size_t len, uint8_t opcode, uint16_t sequence,
    uint16_t associd, struct mode6_response *r)
{
	memset(r, 0, sizeof(*r));
	if (len < MODE6_HEADER_LEN)
		return MODE6_RESP_SHORT;
	r->leap = buf[0] >> 6;
	r->version = (buf[0] >> 3) & 7;
	r->opcode = buf[1] & OP_MASK;
	r->more = (buf[1] & BIT_M) != 0;
	r->error = (buf[1] & BIT_E) != 0;
	r->sequence = get16(buf + 2);
	r->status = get16(buf + 4);
	r->associd = get16(buf + 6);
	r->offset = get16(buf + 8);
	r->errcode = r->error ? (uint8_t)(r->status >> 8) : 0;
	if ((buf[0] & 7) != MODE6_MODE)
		return MODE6_RESP_NOT_CONTROL;
	if (r->version < 1 || r->version > 4)
		return MODE6_RESP_VERSION;
	if (!(buf[1] & BIT_R))
		return MODE6_RESP_REQUEST;
	if (r->sequence != sequence)
		return MODE6_RESP_SEQUENCE;
	if (r->opcode != (opcode & OP_MASK))
		return MODE6_RESP_OPCODE;
	if (r->associd != associd)
		return MODE6_RESP_ASSOCID;
	uint16_t count = get16(buf + 10);
	if (count > len - MODE6_HEADER_LEN)
		return MODE6_RESP_COUNT;
	if ((size_t)r->offset + count > MODE6_TEXT_MAX)
		return MODE6_RESP_RANGE;
	r->count = count;
	r->data = buf + MODE6_HEADER_LEN;
	return MODE6_RESP_OK;
}

const char *
mode6_resp_status_str(enum mode6_resp_status st)
{
	switch (st) {
	case MODE6_RESP_OK:
		return "ok";
	case MODE6_RESP_SHORT:
		return "shorter than a control header";
	case MODE6_RESP_NOT_CONTROL:
		return "not a control message";
	case MODE6_RESP_VERSION:
		return "unsupported version";
	case MODE6_RESP_REQUEST:
		return "a request, not a response";
	case MODE6_RESP_SEQUENCE:
		return "sequence mismatch";
	case MODE6_RESP_OPCODE:
		return "opcode mismatch";
	case MODE6_RESP_ASSOCID:
		return "association mismatch";
	case MODE6_RESP_COUNT:
		return "count past the end of the datagram";
	case MODE6_RESP_RANGE:
		return "data past the largest answer";
	}
	return "unknown";
}

const char *
mode6_error_str(int code)
{
	switch (code) {
	case MODE6_ERR_UNSPEC:
		return "unspecified error";
	case MODE6_ERR_PERMISSION:
		return "permission denied";
	case MODE6_ERR_BADFMT:
		return "bad request format";
	case MODE6_ERR_BADOP:
		return "unknown opcode";
	case MODE6_ERR_BADASSOC:
		return "bad association";
	case MODE6_ERR_UNKNOWNVAR:
		return "unknown variable";
	case MODE6_ERR_BADVALUE:
		return "bad value";
	}
	return "unknown error code";
}

void
mode6_reasm_init(struct mode6_reasm *a)
{
	a->nfrags = 0;
	a->have = 0;
	a->end = 0;
	a->last = false;
	a->status = 0;
	a->len = 0;
}

/* Where [off, off + cnt) stands against the fragments already in. */
static enum mode6_asm_status
reasm_fits(const struct mode6_reasm *a, size_t off, size_t cnt, bool last)
{
	for (int i = 0; i < a->nfrags; i++) {
		size_t o = a->off[i], e = o + a->cnt[i];
		if (o == off && a->cnt[i] == cnt)
			return MODE6_ASM_DUPLICATE;
		if (off < e && o < off + cnt)
			return MODE6_ASM_OVERLAP;
		if (last && e > off + cnt)
			return MODE6_ASM_PAST_END;
	}
	if (last && a->last)
		return MODE6_ASM_LAST;
	if (a->last && off + cnt > a->end)
		return MODE6_ASM_PAST_END;
	return MODE6_ASM_OK;
}

enum mode6_asm_status
mode6_reasm_add(struct mode6_reasm *a, const struct mode6_response *r)
{
	size_t off = r->offset, cnt = r->count;

	if (r->error)
		return MODE6_ASM_ERROR;
	if (off + cnt > MODE6_TEXT_MAX || (cnt > 0 && r->data == NULL))
		return MODE6_ASM_RANGE;
	if (r->more && cnt == 0)
		return MODE6_ASM_EMPTY;
	enum mode6_asm_status st = reasm_fits(a, off, cnt, !r->more);
	if (st != MODE6_ASM_OK)
		return st;
	if (a->nfrags > 0 && r->status != a->status)
		return MODE6_ASM_STATUS;
	if (a->nfrags >= MODE6_MAX_FRAGS)
		return MODE6_ASM_TOO_MANY;
	if (cnt > 0)
		memcpy(a->buf + off, r->data, cnt);
	a->off[a->nfrags] = (uint16_t)off;
	a->cnt[a->nfrags] = (uint16_t)cnt;
	a->nfrags++;
	a->status = r->status;
	a->have += cnt;
	if (!r->more) {
		a->last = true;
		a->end = off + cnt;
	}
	/* No overlaps and nothing past the end: every byte is in when the
	 * counts add up to the end. */
	if (a->last && a->have == a->end)
		a->len = a->end;
	return MODE6_ASM_OK;
}

bool
mode6_reasm_done(const struct mode6_reasm *a)
{
	return a->last && a->have == a->end;
}

const char *
mode6_asm_status_str(enum mode6_asm_status st)
{
	switch (st) {
	case MODE6_ASM_OK:
		return "ok";
	case MODE6_ASM_ERROR:
		return "an error answer";
	case MODE6_ASM_RANGE:
		return "data past the largest answer";
	case MODE6_ASM_EMPTY:
		return "empty fragment with more to come";
	case MODE6_ASM_DUPLICATE:
		return "duplicate fragment";
	case MODE6_ASM_OVERLAP:
		return "overlapping fragment";
	case MODE6_ASM_PAST_END:
		return "fragment past the end of the answer";
	case MODE6_ASM_LAST:
		return "second last fragment";
	case MODE6_ASM_STATUS:
		return "status word changed between fragments";
	case MODE6_ASM_TOO_MANY:
		return "too many fragments";
	}
	return "unknown";
}

void
mode6_vars_init(struct mode6_vars *it, const void *text, size_t len)
{
	it->p = text;
	it->end = text != NULL ? it->p + len : it->p;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* s[0..n) into out (cut to len - 1), non-printing bytes as '.'. */
static void
copy_shown(char *out, size_t len, const char *s, size_t n)
{
	if (n > len - 1)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = printing((unsigned char)s[i]) ? s[i] : '.';
	out[n] = '\0';
}

/* The value at it->p (after '='): [*vs, *ve), it->p left at the separator. */
static void
vars_value(struct mode6_vars *it, const char **vs, const char **ve)
{
	while (it->p < it->end && is_blank(*it->p))
		it->p++;
	if (it->p < it->end && *it->p == '"') {
		*vs = ++it->p;
		while (it->p < it->end && *it->p != '"' && *it->p != '\0')
			it->p++;
		*ve = it->p;
		/* anything between the closing quote and the separator is dropped */
		while (it->p < it->end && *it->p != ',' && *it->p != '\r' && *it->p != '\n' &&
		    *it->p != '\0')
			it->p++;
		return;
	}
	*vs = it->p;
	while (it->p < it->end && *it->p != ',' && *it->p != '\r' && *it->p != '\n' &&
	    *it->p != '\0')
		it->p++;
	*ve = it->p;
	while (*ve > *vs && is_blank((*ve)[-1]))
		(*ve)--;
}

bool
mode6_vars_next(struct mode6_vars *it, char *name, size_t namelen, char *value, size_t valuelen)
{
	if (namelen == 0 || valuelen == 0)
		return false;
	for (;;) {
		while (it->p < it->end && (*it->p == ',' || is_space(*it->p)))
			it->p++;
		if (it->p == it->end || *it->p == '\0') {
			it->p = it->end;
			return false;
		}
		const char *s = it->p;
		while (it->p < it->end && *it->p != ',' && *it->p != '=' && *it->p != '\r' &&
		    *it->p != '\n' && *it->p != '\0')
			it->p++;
		const char *e = it->p;
		while (e > s && is_blank(e[-1]))
			e--;
		const char *vs = it->p, *ve = it->p;
		if (it->p < it->end && *it->p == '=') {
			it->p++;
			vars_value(it, &vs, &ve);
		}
		if (e == s)
			continue;
		copy_shown(name, namelen, s, (size_t)(e - s));
		copy_shown(value, valuelen, vs, (size_t)(ve - vs));
		return true;
	}
}

/* One to eight hex digits: true and *v, the end in *end. */
static bool
hex32(const char *s, uint32_t *v, const char **end)
{
	uint32_t x = 0;
	int n = 0;

	for (; n < 8; n++, s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	*end = s;
	return n > 0;
}

bool
mode6_ts_parse(const char *s, uint64_t *ts)
{
	uint32_t sec, frac;
	const char *p;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	if (!hex32(s + 2, &sec, &p) || *p != '.')
		return false;
	if (!hex32(p + 1, &frac, &p) || *p != '\0')
		return false;
	*ts = (uint64_t)sec << 32 | frac;
	return true;
}
