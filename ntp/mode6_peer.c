/*
 * mode6_peer: an association's READVAR answer as one `ntpq -p` row.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mode6.h"
#include "mode6_peer.h"
#include "text.h"

#define STRATUM_UNSENT 20     /* what ntpsec's ntpq shows */
#define MINPOLL 3             /* ntpsec's ntpq takes a negative poll as this */
#define MAXPOLL 30            /* beyond any real poll; keeps the shift defined */
#define VALUE_MAX 256

const char mode6_peer_header[] =
    "     remote           refid      st t when poll reach   delay   offset   jitter";
const char mode6_peer_rule[] =
    "==============================================================================";

void
mode6_peer_init(struct mode6_peer *p, uint16_t associd, uint16_t status)
{
	memset(p, 0, sizeof(*p));
	p->associd = associd;
	p->status = status;
	p->stratum = STRATUM_UNSENT;
	p->hmode = -1;
	p->delay = p->offset = p->jitter = p->dispersion = NAN;
}

static bool
parse_long(const char *s, int base, long lo, long hi, long *v)
{
	char *end;

	errno = 0;
	long x = strtol(s, &end, base);
	if (errno != 0 || end == s || *end != '\0' || x < lo || x > hi)
		return false;
	*v = x;
	return true;
}

static void
set_int(int *dst, const char *s, long lo, long hi)
{
	long v;

	if (parse_long(s, 10, lo, hi, &v))
		*dst = (int)v;
}

static void
set_ms(double *dst, const char *s)
{
	char *end;

	errno = 0;
	double v = strtod(s, &end);
	if (errno == 0 && end != s && *end == '\0' && isfinite(v))
		*dst = v;
}

static void
set_str(char *dst, size_t len, const char *s)
{
	text_copy_n(dst, len, s, strlen(s));
}

void
mode6_peer_set(struct mode6_peer *p, const char *name, const char *value)
{
	long v;

	if (strcmp(name, "srcadr") == 0)
		set_str(p->srcadr, sizeof(p->srcadr), value);
	else if (strcmp(name, "srchost") == 0)
		set_str(p->srchost, sizeof(p->srchost), value);
	else if (strcmp(name, "refid") == 0)
		set_str(p->refid, sizeof(p->refid), value);
	else if (strcmp(name, "stratum") == 0)
		set_int(&p->stratum, value, 0, 255);
	else if (strcmp(name, "hmode") == 0)
		set_int(&p->hmode, value, 0, 7);
	else if (strcmp(name, "ppoll") == 0)
		set_int(&p->ppoll, value, -128, 127);
	else if (strcmp(name, "hpoll") == 0)
		set_int(&p->hpoll, value, -128, 127);
	else if (strcmp(name, "reach") == 0 && parse_long(value, 0, 0, 0xffff, &v))
		p->reach = (unsigned long)v;
	else if (strcmp(name, "rec") == 0)
		p->have_rec = mode6_ts_parse(value, &p->rec) || p->have_rec;
	else if (strcmp(name, "reftime") == 0)
		(void)mode6_ts_parse(value, &p->reftime);
	else if (strcmp(name, "delay") == 0)
		set_ms(&p->delay, value);
	else if (strcmp(name, "offset") == 0)
		set_ms(&p->offset, value);
	else if (strcmp(name, "jitter") == 0)
		set_ms(&p->jitter, value);
	else if (strcmp(name, "dispersion") == 0)
		set_ms(&p->dispersion, value);
}

void
mode6_peer_parse(struct mode6_peer *p, const void *text, size_t len)
{
	struct mode6_vars it;
	char name[MODE6_NAME_MAX], value[VALUE_MAX];

	mode6_vars_init(&it, text, len);
	while (mode6_vars_next(&it, name, sizeof(name), value, sizeof(value)))
		mode6_peer_set(p, name, value);
}

char
mode6_peer_tally(const struct mode6_peer *p)
{
	return " x.-+#*o"[p->status >> 8 & 7];
}

static bool
is_refclock_addr(const char *a)
{
	return strncmp(a, "127.127.", 8) == 0;
}

char
mode6_peer_type(const struct mode6_peer *p)
{
	if (strchr(p->srchost, '(') != NULL || is_refclock_addr(p->srcadr))
		return 'l';
	return p->hmode == 1 ? 's' : 'u';
}

long
mode6_peer_poll(const struct mode6_peer *p)
{
	int n = p->ppoll < p->hpoll ? p->ppoll : p->hpoll;

	if (n < 0)
		n = MINPOLL;
	if (n > MAXPOLL)
		n = MAXPOLL;
	return 1L << n;
}

long long
mode6_peer_when(const struct mode6_peer *p, uint64_t now)
{
	uint64_t t = p->have_rec ? p->rec : p->reftime;

	if (t == 0)
		return -1;
	/* Modular, so an era boundary between the two does no harm; C's
	 * division truncates toward zero as ntpq's int() does. */
	long long s = (long long)(int64_t)(now - t) / 4294967296LL;
	return s > 0 ? s : -1;
}

double
mode6_peer_jitter(const struct mode6_peer *p)
{
	return isnan(p->jitter) ? p->dispersion : p->jitter;
}

bool
mode6_peer_wants_name(const struct mode6_peer *p)
{
	if (p->srchost[0] != '\0' || p->srcadr[0] == '\0')
		return false;
	return !is_refclock_addr(p->srcadr) && strcmp(p->srcadr, "0.0.0.0") != 0 &&
	    strcmp(p->srcadr, "::") != 0;
}

const char *
mode6_peer_remote(const struct mode6_peer *p)
{
	return p->srchost[0] != '\0' ? p->srchost : p->srcadr;
}

void
mode6_peer_refid_shown(const struct mode6_peer *p, char *buf, size_t len)
{
	if (strchr(p->refid, '.') != NULL || strchr(p->refid, ':') != NULL)
		snprintf(buf, len, "%s", p->refid);
	else
		snprintf(buf, len, ".%s.", p->refid);
}

/*
 * ntpsec's intervals: seconds up to 2048, then minutes, hours, days.  It
 * divides in floating point (Python 3's '/'), which moves the boundaries
 * by a second or so against integer division: do the same.
 */
static void
interval_text(long long s, char *buf, size_t len)
{
	if (s <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	if (s <= 2048) {
		snprintf(buf, len, "%lld", s);
		return;
	}
	double d = ((double)s + 29) / 60;
	if (d <= 300) {
		snprintf(buf, len, "%dm", (int)d);
		return;
	}
	d = (d + 29) / 60;
	if (d <= 96) {
		snprintf(buf, len, "%dh", (int)d);
		return;
	}
	d = (d + 11) / 24;
	snprintf(buf, len, "%.0fd", floor(d));
}

/* A number of ms in 8 columns: 3 decimals, fewer when it would not fit. */
static void
ms_text(double v, char *buf, size_t len)
{
	if (isnan(v)) {
		snprintf(buf, len, "%8s", ".");
		return;
	}
	for (int dec = 3; dec > 0; dec--) {
		int n = snprintf(buf, len, "%8.*f", dec, v);
		if (n >= 0 && n <= 8)
			return;
	}
	snprintf(buf, len, "%8.0f", v);
}

/* Bytes a terminal should not be sent become '.'. */
static void
shown(char *dst, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < len && s[i] != '\0'; i++)
		dst[i] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? s[i] : '.';
	dst[i] = '\0';
}

size_t
mode6_peer_row(const struct mode6_peer *p, const char *remote, uint64_t now, char *out,
    size_t len)
{
	char name[MODE6_PEER_REMOTE_WIDTH + 1], r[MODE6_PEER_REFID_MAX + 2];
	char refid[MODE6_PEER_REFID_WIDTH + 1], when[16], poll[16];
	char d[32], o[32], j[32];

	shown(name, sizeof(name), remote != NULL ? remote : mode6_peer_remote(p));
	mode6_peer_refid_shown(p, r, sizeof(r));
	size_t n = strlen(r);
	/* Too long: its end, which tells addresses apart better than its start. */
	if (n > MODE6_PEER_REFID_WIDTH) {
		refid[0] = '-';
		shown(refid + 1, sizeof(refid) - 1, r + n - (MODE6_PEER_REFID_WIDTH - 1));
	} else {
		shown(refid, sizeof(refid), r);
	}
	interval_text(mode6_peer_when(p, now), when, sizeof(when));
	interval_text(mode6_peer_poll(p), poll, sizeof(poll));
	ms_text(p->delay, d, sizeof(d));
	ms_text(p->offset, o, sizeof(o));
	ms_text(mode6_peer_jitter(p), j, sizeof(j));
	int w = snprintf(out, len, "%c%-*s %-*s %2d %c %4.4s %4.4s  %3lo %s %s %s",
	    mode6_peer_tally(p), MODE6_PEER_REMOTE_WIDTH, name, MODE6_PEER_REFID_WIDTH, refid,
	    p->stratum, mode6_peer_type(p), when, poll, p->reach, d, o, j);
	if (w < 0 || (size_t)w >= len)
		return 0;
	return (size_t)w;
}
