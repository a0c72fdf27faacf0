/*
 * leapfile: parse leap-seconds.list and say what it means now, see
 * leapfile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "leapfile.h"
#include "sha1.h"

#define NTP_UNIX_OFFSET 2208988800LL
#define NTP_ERA0_END 4294967296LL

struct cursor {
	const char *p, *end;   /* the line, without its newline */
};

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void
skip_space(struct cursor *c)
{
	while (c->p < c->end && is_space(*c->p))
		c->p++;
}

/* Decimal digits into *v (at most 12, so no overflow); the digits as
 * written go into the hash.  false if there are none. */
static bool
take_number(struct cursor *c, struct sha1_ctx *h, int64_t *v)
{
	const char *start = c->p;

	*v = 0;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && c->p - start < 12)
		*v = *v * 10 + (*c->p++ - '0');
	if (c->p == start || (c->p < c->end && *c->p >= '0' && *c->p <= '9'))
		return false;
	sha1_update(h, start, (size_t)(c->p - start));
	return true;
}

/* Nothing but blanks, or a comment, to the end of the line. */
static bool
at_end(struct cursor *c)
{
	skip_space(c);
	return c->p == c->end || *c->p == '#';
}

static bool
take_hash(struct cursor *c, uint32_t words[5])
{
	for (int i = 0; i < 5; i++) {
		int digits = 0;

		skip_space(c);
		words[i] = 0;
		for (; c->p < c->end && digits < 9; c->p++, digits++) {
			char ch = *c->p;
			int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
			    ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
			if (d < 0)
				break;
			words[i] = words[i] << 4 | (uint32_t)d;
		}
		if (digits == 0 || digits > 8)
			return false;
	}
	return at_end(c);
}

static bool
time_ok(int64_t ntp)
{
	return ntp > 0 && ntp < NTP_ERA0_END;
}

struct parse {
	struct leapfile *lf;
	struct sha1_ctx hash;
	uint32_t want[5];
	bool have_hash, have_expiry;
};

static const char *
parse_special(struct parse *ps, struct cursor *c)
{
	int64_t v;
	char kind = c->p[1];

	c->p += 2;
	skip_space(c);
	if (kind == 'h')
		return take_hash(c, ps->want) ? (ps->have_hash = true, NULL) : "a bad hash (#h) line";
	if (!take_number(c, &ps->hash, &v) || !time_ok(v) || !at_end(c))
		return kind == '@' ? "a bad expiry (#@) line" : "a bad update (#$) line";
	if (kind == '@') {
		ps->lf->expires = v - NTP_UNIX_OFFSET;
		ps->have_expiry = true;
	} else {
		ps->lf->updated = v - NTP_UNIX_OFFSET;
	}
	return NULL;
}

static const char *
parse_entry(struct parse *ps, struct cursor *c)
{
	struct leapfile *lf = ps->lf;
	int64_t when, offset;

	if (!take_number(c, &ps->hash, &when) || !time_ok(when))
		return "not \"NTP-seconds TAI-UTC\"";
	skip_space(c);
	if (!take_number(c, &ps->hash, &offset) || offset > 1000 || !at_end(c))
		return "not \"NTP-seconds TAI-UTC\"";
	if (lf->n == LEAPFILE_MAX_ENTRIES)
		return "more than 64 entries";
	when -= NTP_UNIX_OFFSET;
	if (lf->n > 0) {
		const struct leap_entry *prev = &lf->entry[lf->n - 1];
		if (when <= prev->when)
			return "not later than the line before";
		if (offset != prev->tai_utc + 1 && offset != prev->tai_utc - 1)
			return "TAI-UTC does not change by one second";
	}
	lf->entry[lf->n].when = when;
	lf->entry[lf->n].tai_utc = (int)offset;
	lf->n++;
	return NULL;
}

static const char *
parse_line(struct parse *ps, struct cursor *c)
{
	if (c->end - c->p >= 2 && c->p[0] == '#' &&
	    (c->p[1] == '$' || c->p[1] == '@' || c->p[1] == 'h'))
		return parse_special(ps, c);
	if (at_end(c))
		return NULL; /* blank or a comment */
	return parse_entry(ps, c);
}

static bool
hash_matches(struct parse *ps)
{
	uint8_t d[SHA1_DIGEST_LEN];

	sha1_final(&ps->hash, d);
	for (int i = 0; i < 5; i++) {
		uint32_t w = (uint32_t)d[4 * i] << 24 | (uint32_t)d[4 * i + 1] << 16 |
		    (uint32_t)d[4 * i + 2] << 8 | d[4 * i + 3];
		if (w != ps->want[i])
			return false;
	}
	return true;
}

int
leapfile_parse(const char *buf, size_t len, struct leapfile *lf, char *err, size_t errlen)
{
	struct parse ps;
	const char *p = buf, *end = buf + len, *why;
	int line = 0;

	memset(lf, 0, sizeof(*lf));
	memset(&ps, 0, sizeof(ps));
	ps.lf = lf;
	sha1_init(&ps.hash);
	if (len > LEAPFILE_MAX_BYTES) {
		snprintf(err, errlen, "line 0: larger than %d bytes", LEAPFILE_MAX_BYTES);
		return -1;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct cursor c = { p, nl != NULL ? nl : end };

		line++;
		if (memchr(p, '\0', (size_t)(c.end - p)) != NULL)
			why = "a NUL byte";
		else
			why = parse_line(&ps, &c);
		if (why != NULL) {
			snprintf(err, errlen, "line %d: %s", line, why);
			return -1;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	why = lf->n == 0 ? "no leap second entries" :
	    !ps.have_expiry ? "no expiry (#@) line" :
	    ps.have_hash && !hash_matches(&ps) ? "the hash (#h) does not match: a damaged file" : NULL;
	if (why != NULL) {
		snprintf(err, errlen, "line 0: %s", why);
		return -1;
	}
	lf->hashed = ps.have_hash;
	return 0;
}

int
leapfile_load(const char *path, struct leapfile *lf, char *err, size_t errlen)
{
	char *buf = malloc(LEAPFILE_MAX_BYTES + 1), why[96];
	ssize_t got;
	int fd, rc = -1;

	if (buf == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(buf);
		return -1;
	}
	if ((got = fd_read_all(fd, buf, LEAPFILE_MAX_BYTES + 1)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (leapfile_parse(buf, (size_t)got, lf, why, sizeof(why)) == 0)
		rc = 0;
	else if (strncmp(why, "line 0: ", 8) == 0)
		snprintf(err, errlen, "%s: %s", path, why + 8);
	else
		snprintf(err, errlen, "%s:%s", path, why + 5);
out:
	close(fd);
	free(buf);
	return rc;
}

/* Day of the month (1..31) of a day counted from 1970-01-01, proleptic
 * Gregorian (the 400-year era arithmetic of civil calendars). */
static int64_t
day_of_month(int64_t days)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	return doy - (153 * mp + 2) / 5 + 1;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Unix second at which the UTC month holding second t began. */
static int64_t
month_start(int64_t t)
{
	int64_t days = floor_div(t, 86400);

	return (days - (day_of_month(days) - 1)) * 86400;
}

void
leapfile_at(const struct leapfile *lf, int64_t now, struct leap_now *out)
{
	memset(out, 0, sizeof(*out));
	out->expired = now >= lf->expires;
	for (int i = 0; i < lf->n; i++) {
		const struct leap_entry *e = &lf->entry[i];

		if (e->when <= now) {
			out->tai_utc = e->tai_utc;
			continue;
		}
		if (i > 0 && now >= month_start(e->when - 1)) {
			out->kind = e->tai_utc > lf->entry[i - 1].tai_utc ? LEAP_INSERT : LEAP_DELETE;
			out->at = e->when;
		}
		break;
	}
}

int64_t
leap_month_end(int64_t now)
{
	return month_start(month_start(now) + 32 * 86400);
}

bool
leap_arm_due(int64_t at, int64_t now)
{
	return now < at && at - now <= 86400;
}
