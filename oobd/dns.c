/*
 * dns: A queries and strict parsing of their answers (see dns.h).
 *
 * Names are handled in wire form with ASCII letters lowercased (struct
 * dns_name), so "same name" is one memcmp and no escaping is ever needed;
 * text appears only in error messages.
 */
#include "dns.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

#define DNS_HEADER_LEN 12
#define DNS_RR_FIXED_LEN 10 /* type, class, TTL, rdata length */
#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_CLASS_IN 1
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_RCODE_NXDOMAIN 3
#define DNS_LABEL_MAX 63
#define DNS_POINTER 0xC0

struct dns_name {
	uint8_t b[DNS_MAX_NAME];
	size_t len;
};

/* Where an answer record lies in the message. */
struct dns_rr {
	size_t owner; /* offset of its (possibly compressed) owner name */
	uint16_t type;
	uint16_t class;
	size_t rdata;
	uint16_t rdlen;
};

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

static uint8_t
ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

static bool
host_char(char c)
{
	return text_isalnum(c) || c == '-' || c == '_';
}

/* A host name in text to wire form; -1 when it is not a valid host name. */
static int
name_from_text(const char *text, struct dns_name *n)
{
	size_t i = 0, lab, k;

	n->len = 0;
	if (text[0] == '\0')
		return -1;
	while (text[i] != '\0') {
		for (lab = 0; text[i + lab] != '\0' && text[i + lab] != '.'; lab++)
			if (!host_char(text[i + lab]))
				return -1;
		if (lab == 0 || lab > DNS_LABEL_MAX || n->len + 1 + lab + 1 > DNS_MAX_NAME)
			return -1;
		n->b[n->len++] = (uint8_t)lab;
		for (k = 0; k < lab; k++)
			n->b[n->len++] = ascii_lower((uint8_t)text[i + k]);
		i += lab;
		if (text[i] == '.')
			i++;
	}
	n->b[n->len++] = 0;
	return 0;
}

/* A wire-form name as text for messages; unusual octets become '?'. */
static void
name_to_text(const struct dns_name *n, char *out, size_t outlen)
{
	size_t i = 0, o = 0, k;

	if (outlen == 0)
		return;
	while (i < n->len && n->b[i] != 0) {
		size_t lab = n->b[i++];
		if (o > 0 && o + 1 < outlen)
			out[o++] = '.';
		for (k = 0; k < lab && i < n->len; k++, i++)
			if (o + 1 < outlen)
				out[o++] = host_char((char)n->b[i]) ? (char)n->b[i] : '?';
	}
	if (o == 0 && outlen > 1)
		out[o++] = '.';
	out[o] = '\0';
}

/* Read the name at msg[off].  *end is set to the offset just after the
 * name where it is stored (after its first pointer, if any).  A pointer
 * must point before the start of the labels being read, so each jump goes
 * strictly backwards and reading always ends. */
static int
name_read(const uint8_t *msg, size_t len, size_t off, struct dns_name *n, size_t *end)
{
	size_t pos = off, seg = off, k;
	bool jumped = false;

	n->len = 0;
	for (;;) {
		if (pos >= len)
			return -1;
		uint8_t c = msg[pos];
		if (c == 0) {
			n->b[n->len++] = 0; /* room: checked with each label */
			if (!jumped)
				*end = pos + 1;
			return 0;
		}
		if ((c & DNS_POINTER) == DNS_POINTER) {
			if (pos + 1 >= len)
				return -1;
			size_t target = (size_t)(c & ~DNS_POINTER) << 8 | msg[pos + 1];
			if (target >= seg)
				return -1;
			if (!jumped)
				*end = pos + 2;
			jumped = true;
			pos = seg = target;
			continue;
		}
		if (c > DNS_LABEL_MAX) /* 0x40 and 0x80: obsolete label types */
			return -1;
		if (len - pos - 1 < c || n->len + 1 + c + 1 > DNS_MAX_NAME)
			return -1;
		n->b[n->len++] = c;
		for (k = 1; k <= c; k++)
			n->b[n->len++] = ascii_lower(msg[pos + k]);
		pos += 1 + (size_t)c;
	}
}

static bool
name_equal(const struct dns_name *a, const struct dns_name *b)
{
	return a->len == b->len && memcmp(a->b, b->b, a->len) == 0;
}

int
dns_build_a_query(uint8_t *buf, size_t len, uint16_t id, const char *name, char *err,
    size_t errlen)
{
	struct dns_name q;

	if (name_from_text(name, &q) == -1) {
		text_errf(err, errlen, "\"%.64s\" is not a valid host name", name);
		return -1;
	}
	if (len < DNS_HEADER_LEN + q.len + 4) {
		text_errf(err, errlen, "no room for the query");
		return -1;
	}
	memset(buf, 0, DNS_HEADER_LEN);
	put16(buf, id);
	put16(buf + 2, DNS_FLAG_RD);
	put16(buf + 4, 1); /* one question */
	memcpy(buf + DNS_HEADER_LEN, q.b, q.len);
	put16(buf + DNS_HEADER_LEN + q.len, DNS_TYPE_A);
	put16(buf + DNS_HEADER_LEN + q.len + 2, DNS_CLASS_IN);
	return (int)(DNS_HEADER_LEN + q.len + 4);
}

static const char *
rcode_name(unsigned rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
		"NOTIMP", "REFUSED" };

	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : "error";
}

/* Is this our question?  On success *end is the offset after it. */
static bool
question_matches(const uint8_t *msg, size_t len, const struct dns_name *q, size_t *end)
{
	struct dns_name n;
	size_t pos;

	if (get16(msg + 4) != 1 || name_read(msg, len, DNS_HEADER_LEN, &n, &pos) == -1)
		return false;
	if (len - pos < 4 || !name_equal(&n, q))
		return false;
	if (get16(msg + pos) != DNS_TYPE_A || get16(msg + pos + 2) != DNS_CLASS_IN)
		return false;
	*end = pos + 4;
	return true;
}

/* Locate up to DNS_MAX_RECORDS answer records; -1 if one is malformed. */
static int
answers_index(const uint8_t *msg, size_t len, size_t pos, struct dns_rr *rr, size_t *nrr)
{
	size_t count = get16(msg + 6), i;
	struct dns_name n;

	*nrr = 0;
	for (i = 0; i < count && i < DNS_MAX_RECORDS; i++) {
		rr[i].owner = pos;
		if (name_read(msg, len, pos, &n, &pos) == -1 || len - pos < DNS_RR_FIXED_LEN)
			return -1;
		rr[i].type = get16(msg + pos);
		rr[i].class = get16(msg + pos + 2);
		rr[i].rdlen = get16(msg + pos + 8);
		rr[i].rdata = pos + DNS_RR_FIXED_LEN;
		if (len - rr[i].rdata < rr[i].rdlen)
			return -1;
		pos = rr[i].rdata + rr[i].rdlen;
		*nrr = i + 1;
	}
	return 0;
}

static bool
owned_by(const uint8_t *msg, size_t len, const struct dns_rr *rr, const struct dns_name *name)
{
	struct dns_name n;
	size_t end;

	return name_read(msg, len, rr->owner, &n, &end) == 0 && name_equal(&n, name);
}

/* Follow the CNAME chain from *name within the answer; *name ends as the
 * last name of the chain.  Returns the number of links, or -1 with err. */
static int
follow_cnames(const uint8_t *msg, size_t len, const struct dns_rr *rr, size_t nrr,
    struct dns_name *name, char *err, size_t errlen)
{
	int links;
	size_t i, end;

	for (links = 0;; links++) {
		for (i = 0; i < nrr; i++)
			if (rr[i].type == DNS_TYPE_CNAME && rr[i].class == DNS_CLASS_IN &&
			    owned_by(msg, len, &rr[i], name))
				break;
		if (i == nrr)
			return links;
		if (links == DNS_MAX_CNAMES) {
			text_errf(err, errlen, "CNAME chain longer than %d links (or a loop)",
			    DNS_MAX_CNAMES);
			return -1;
		}
		if (name_read(msg, len, rr[i].rdata, name, &end) == -1 ||
		    end != rr[i].rdata + rr[i].rdlen) {
			text_errf(err, errlen, "malformed CNAME record");
			return -1;
		}
	}
}

/* The A records of name, in order, up to max; -1 with err if one of them
 * is malformed. */
static int
collect_a(const uint8_t *msg, size_t len, const struct dns_rr *rr, size_t nrr,
    const struct dns_name *name, struct in_addr *addrs, size_t max, char *err, size_t errlen)
{
	size_t i, n = 0;

	for (i = 0; i < nrr && n < max; i++) {
		if (rr[i].type != DNS_TYPE_A || rr[i].class != DNS_CLASS_IN ||
		    !owned_by(msg, len, &rr[i], name))
			continue;
		if (rr[i].rdlen != 4) {
			text_errf(err, errlen, "malformed A record (%u octets)", rr[i].rdlen);
			return -1;
		}
		memcpy(&addrs[n++].s_addr, msg + rr[i].rdata, 4);
	}
	return (int)n;
}

int
dns_parse_a_response(const uint8_t *buf, size_t len, uint16_t id, const char *qname,
    struct in_addr *addrs, size_t max, char *err, size_t errlen)
{
	struct dns_rr rr[DNS_MAX_RECORDS];
	struct dns_name q, last;
	char text[DNS_MAX_NAME + 1];
	size_t pos, nrr;
	uint16_t flags;
	int links, n;

	if (name_from_text(qname, &q) == -1 || max == 0) {
		text_errf(err, errlen, "bad query name or no room for addresses");
		return -1;
	}
	if (len < DNS_HEADER_LEN || get16(buf) != id)
		return DNS_NOT_OURS;
	flags = get16(buf + 2);
	if (!(flags & DNS_FLAG_QR) || ((flags >> 11) & 0xF) != 0)
		return DNS_NOT_OURS;
	if (!question_matches(buf, len, &q, &pos))
		return DNS_NOT_OURS;
	name_to_text(&q, text, sizeof(text));
	if ((flags & 0xF) == DNS_RCODE_NXDOMAIN) {
		text_errf(err, errlen, "%s: no such name (NXDOMAIN)", text);
		return -1;
	}
	if ((flags & 0xF) != 0) {
		text_errf(err, errlen, "%s: server answered %s", text, rcode_name(flags & 0xF));
		return -1;
	}
	if (flags & DNS_FLAG_TC) {
		text_errf(err, errlen, "%s: answer truncated (TC)", text);
		return -1;
	}
	if (answers_index(buf, len, pos, rr, &nrr) == -1) {
		text_errf(err, errlen, "%s: malformed answer record", text);
		return -1;
	}
	last = q;
	if ((links = follow_cnames(buf, len, rr, nrr, &last, err, errlen)) == -1)
		return -1;
	if ((n = collect_a(buf, len, rr, nrr, &last, addrs, max, err, errlen)) == -1)
		return -1;
	if (n == 0) {
		if (links > 0) {
			char alias[DNS_MAX_NAME + 1];
			name_to_text(&last, alias, sizeof(alias));
			text_errf(err, errlen, "%s: alias of %s, which has no A record in the answer",
			    text, alias);
		} else {
			text_errf(err, errlen, "%s: no A record", text);
		}
		return -1;
	}
	return n;
}
