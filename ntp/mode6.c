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
