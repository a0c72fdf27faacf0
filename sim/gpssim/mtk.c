/*
 * mtk: the MTK3339 receiver model (see mtk.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mtk.h"
#include "text.h"
#include "nmea.h"

#define MAX_FIELDS 24
#define FIELD_MAX 16

/* Time to first fix after a restart, from the PA6H datasheet (hot 1 s,
 * warm 33 s, cold 35 s). */
static const int64_t ttff_ms[] = { 1000, 33000, 35000, 35000 };

static const int std_bauds[] = { 4800, 9600, 14400, 19200, 38400, 57600, 115200 };

struct fields {
	int n;
	char f[MAX_FIELDS][FIELD_MAX];
};

static uint32_t
rnd(struct mtk *m)
{
	uint32_t x = m->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	m->rng = x;
	return x;
}

/* Uniform in lo..hi inclusive. */
static int
rnd_range(struct mtk *m, int lo, int hi)
{
	return lo + (int)(rnd(m) % (uint32_t)(hi - lo + 1));
}

void
mtk_default_output(struct pmtk_output *o)
{
	memset(o, 0, sizeof(*o));
	o->rmc = 1;
	o->vtg = 1;
	o->gga = 1;
	o->gsa = 1;
	o->gsv = 5;
}

bool
mtk_baud_valid(int baud)
{
	for (size_t i = 0; i < sizeof(std_bauds) / sizeof(std_bauds[0]); i++)
		if (std_bauds[i] == baud)
			return true;
	return false;
}

/* A sky that does not change during a run: distinct PRNs, elevations spread
 * from the zenith down, strong signals first (those are the ones used). */
static void
make_sky(struct mtk *m)
{
	bool taken[33] = { false };

	m->n_sats = MTK_MAX_SATS;
	m->n_used = 9;
	for (int i = 0; i < m->n_sats; i++) {
		int prn;

		do
			prn = rnd_range(m, 1, 32);
		while (taken[prn]);
		taken[prn] = true;
		m->sat[i].prn = prn;
		m->sat[i].elev = 85 - i * 7 + rnd_range(m, -3, 3);
		m->sat[i].azim = rnd_range(m, 0, 359);
		m->sat[i].snr = i < m->n_used ? 45 - i * 2 : (i == m->n_sats - 1 ? 0 : 17);
	}
}

void
mtk_init(struct mtk *m, const struct mtk_params *p)
{
	memset(m, 0, sizeof(*m));
	m->baud = p->baud > 0 ? p->baud : MTK_DEFAULT_BAUD;
	mtk_default_output(&m->out);
	m->interval_ms = MTK_DEFAULT_INTERVAL_MS;
	m->fix_at_ms = p->fix_at_ms;
	m->lat = p->lat;
	m->lon = p->lon;
	m->alt_m = p->alt_m;
	m->rng = p->seed != 0 ? p->seed : 0x3339u;
	/* xorshift's first outputs from a small seed are alike: stir it. */
	for (int i = 0; i < 32; i++)
		rnd(m);
	make_sky(m);
}

bool
mtk_has_fix(const struct mtk *m, int64_t now_ms)
{
	return !m->fix_lost && now_ms >= m->fix_at_ms;
}

#define ROLLOVER_S (1024 * 7 * 86400LL)

int
mtk_set_leap(struct mtk *m, int64_t u)
{
	if (u < 0 || u % 60 != 0)
		return -1;
	m->leap_at = u;
	return 0;
}

int64_t
mtk_true_second(const struct mtk *m, int64_t h)
{
	return m->leap_at > 0 && h >= m->leap_at ? h - 1 : h;
}

int
mtk_leap_pending(const struct mtk *m, int64_t h)
{
	return m->leap_at > 0 && h < m->leap_at ? 1 : 0;
}

static void
utc_tm(int64_t sec, struct tm *tm)
{
	time_t t = (time_t)sec;

	if (gmtime_r(&t, tm) == NULL)
		memset(tm, 0, sizeof(*tm));
}

void
mtk_label(const struct mtk *m, int64_t t_ms, struct tm *tm, int *ms)
{
	int64_t h = t_ms / 1000, frac = t_ms % 1000;
	int64_t date_off = m->rollover ? ROLLOVER_S : 0;

	if (frac < 0) {
		frac += 1000;
		h--;
	}
	*ms = (int)frac;
	if (m->leap_at > 0 && h == m->leap_at) {
		/* The inserted second: 23:59:59's date and minute, second 60. */
		utc_tm(h - 1 - date_off, tm);
		tm->tm_sec = 60;
		return;
	}
	utc_tm(mtk_true_second(m, h) - date_off, tm);
}

size_t
mtk_budget(const struct mtk *m)
{
	return (size_t)((int64_t)m->baud * m->interval_ms / 10000);
}

int64_t
mtk_next_epoch(const struct mtk *m, int64_t after_ms)
{
	int64_t iv = m->interval_ms;
	int64_t q = after_ms / iv;

	if (after_ms < 0 && after_ms % iv != 0)
		q--;
	return (q + 1) * iv;
}

/* ---- output ---- */

struct out {
	char *buf;
	size_t len, cap;
	size_t budget;
	bool full;                  /* a sentence did not fit: drop the rest */
	int n_sent, n_dropped;
};

static void
emit(struct out *o, const char *body)
{
	char line[NMEA_MAX_LINE + 3];
	int n;

	if (o->full) {
		o->n_dropped++;
		return;
	}
	n = nmea_frame(line, sizeof(line), body, true);
	if (n < 0 || o->len + (size_t)n > o->budget || o->len + (size_t)n > o->cap) {
		o->full = true;
		o->n_dropped++;
		return;
	}
	memcpy(o->buf + o->len, line, (size_t)n);
	o->len += (size_t)n;
	o->n_sent++;
}

/* "ddmm.mmmm" / "dddmm.mmmm" with a hemisphere letter, jittered by up to one
 * unit in the last digit as a stationary receiver does. */
static void
fmt_angle(struct mtk *m, char *out, size_t len, double deg, int deg_digits,
    char pos, char neg)
{
	long long units = llround(fabs(deg) * 600000.0) + rnd_range(m, -1, 1);

	if (units < 0)
		units = 0;
	snprintf(out, len, "%0*lld%02lld.%04lld,%c", deg_digits, units / 600000,
	    units % 600000 / 10000, units % 10000, deg < 0 ? neg : pos);
}

struct epoch {
	bool fix;
	char hms[48];               /* hhmmss.sss */
	char dmy[40];               /* ddmmyy */
	int day, month, year;
	char lat[24], lon[24];
	double speed_kn, course;
};

static void
epoch_init(struct mtk *m, int64_t epoch_ms, struct epoch *e)
{
	struct tm tm;
	int ms;

	mtk_label(m, epoch_ms, &tm, &ms);
	e->fix = mtk_has_fix(m, epoch_ms);
	snprintf(e->hms, sizeof(e->hms), "%02d%02d%02d.%03d", tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ms);
	snprintf(e->dmy, sizeof(e->dmy), "%02d%02d%02d", tm.tm_mday, tm.tm_mon + 1,
	    tm.tm_year % 100);
	e->day = tm.tm_mday;
	e->month = tm.tm_mon + 1;
	e->year = tm.tm_year + 1900;
	fmt_angle(m, e->lat, sizeof(e->lat), m->lat, 2, 'N', 'S');
	fmt_angle(m, e->lon, sizeof(e->lon), m->lon, 3, 'E', 'W');
	e->speed_kn = rnd_range(m, 0, 5) / 100.0;
	e->course = rnd_range(m, 0, 35999) / 100.0;
}

static void
put_gga(struct mtk *m, struct out *o, const struct epoch *e)
{
	char b[NMEA_MAX_LINE];

	if (!e->fix)
		snprintf(b, sizeof(b), "GPGGA,%s,,,,,0,0,,,M,,M,,", e->hms);
	else
		snprintf(b, sizeof(b), "GPGGA,%s,%s,%s,1,%d,%.2f,%.1f,M,47.0,M,,", e->hms,
		    e->lat, e->lon, m->n_used, 0.90 + rnd_range(m, 0, 8) / 100.0, m->alt_m);
	emit(o, b);
}

static void
put_gsa(struct mtk *m, struct out *o, const struct epoch *e)
{
	char b[NMEA_MAX_LINE];
	size_t n;

	n = (size_t)snprintf(b, sizeof(b), "GPGSA,A,%d", e->fix ? 3 : 1);
	for (int i = 0; i < 12 && n < sizeof(b); i++) {
		if (e->fix && i < m->n_used)
			n += (size_t)snprintf(b + n, sizeof(b) - n, ",%02d", m->sat[i].prn);
		else
			n += (size_t)snprintf(b + n, sizeof(b) - n, ",");
	}
	if (n >= sizeof(b))
		return;
	if (e->fix)
		snprintf(b + n, sizeof(b) - n, ",1.62,%.2f,1.31", 0.90 + rnd_range(m, 0, 8) / 100.0);
	else
		snprintf(b + n, sizeof(b) - n, ",,,");
	emit(o, b);
}

static void
put_gsv(struct mtk *m, struct out *o, const struct epoch *e)
{
	int total = e->fix ? m->n_sats : 0;
	int msgs = total == 0 ? 1 : (total + 3) / 4;

	for (int k = 0; k < msgs; k++) {
		char b[NMEA_MAX_LINE];
		size_t n;

		n = (size_t)snprintf(b, sizeof(b), "GPGSV,%d,%d,%02d", msgs, k + 1, total);
		for (int i = k * 4; i < total && i < k * 4 + 4 && n < sizeof(b); i++) {
			const struct mtk_sat *s = &m->sat[i];

			n += (size_t)snprintf(b + n, sizeof(b) - n, ",%02d,%02d,%03d,", s->prn,
			    s->elev, s->azim);
			if (s->snr > 0 && n < sizeof(b))
				n += (size_t)snprintf(b + n, sizeof(b) - n, "%02d",
				    s->snr + rnd_range(m, -1, 1));
		}
		if (n < sizeof(b))
			emit(o, b);
	}
}

static void
put_rmc(struct out *o, const struct epoch *e)
{
	char b[NMEA_MAX_LINE];

	if (!e->fix)
		snprintf(b, sizeof(b), "GPRMC,%s,V,,,,,0.00,0.00,%s,,,N", e->hms, e->dmy);
	else
		snprintf(b, sizeof(b), "GPRMC,%s,A,%s,%s,%.2f,%.2f,%s,,,A", e->hms, e->lat,
		    e->lon, e->speed_kn, e->course, e->dmy);
	emit(o, b);
}

static void
put_vtg(struct out *o, const struct epoch *e)
{
	char b[NMEA_MAX_LINE];

	if (!e->fix)
		snprintf(b, sizeof(b), "GPVTG,0.00,T,,M,0.00,N,0.00,K,N");
	else
		snprintf(b, sizeof(b), "GPVTG,%.2f,T,,M,%.2f,N,%.2f,K,A", e->course,
		    e->speed_kn, e->speed_kn * 1.852);
	emit(o, b);
}

static void
put_gll(struct out *o, const struct epoch *e)
{
	char b[NMEA_MAX_LINE];

	if (!e->fix)
		snprintf(b, sizeof(b), "GPGLL,,,,,%s,V,N", e->hms);
	else
		snprintf(b, sizeof(b), "GPGLL,%s,%s,%s,A,A", e->lat, e->lon, e->hms);
	emit(o, b);
}

static void
put_zda(struct out *o, const struct epoch *e)
{
	char b[NMEA_MAX_LINE];

	snprintf(b, sizeof(b), "GPZDA,%s,%02d,%02d,%04d,,", e->hms, e->day, e->month, e->year);
	emit(o, b);
}

/* Divisor d selects the epoch when it is the Nth fix, counted from the
 * Unix epoch so that runs agree on which seconds carry GSV. */
static bool
selected(int divisor, int64_t fix_no)
{
	if (divisor <= 0)
		return false;
	return fix_no % divisor == 0;
}

static void
build(struct mtk *m, int64_t epoch_ms, struct out *o, bool all)
{
	struct epoch e;
	int64_t n = epoch_ms / m->interval_ms;

	epoch_init(m, epoch_ms, &e);
	if (all)
		e.fix = true;
	if (all ? m->out.gga > 0 : selected(m->out.gga, n))
		put_gga(m, o, &e);
	if (all ? m->out.gsa > 0 : selected(m->out.gsa, n))
		put_gsa(m, o, &e);
	if (all ? m->out.gsv > 0 : selected(m->out.gsv, n))
		put_gsv(m, o, &e);
	if (all ? m->out.rmc > 0 : selected(m->out.rmc, n))
		put_rmc(o, &e);
	if (all ? m->out.vtg > 0 : selected(m->out.vtg, n))
		put_vtg(o, &e);
	if (all ? m->out.gll > 0 : selected(m->out.gll, n))
		put_gll(o, &e);
	if (all ? m->out.zda > 0 : selected(m->out.zda, n))
		put_zda(o, &e);
}

void
mtk_burst(struct mtk *m, int64_t epoch_ms, struct mtk_burst *b)
{
	struct out o = { b->text, 0, sizeof(b->text), mtk_budget(m), false, 0, 0 };

	build(m, epoch_ms, &o, false);
	b->len = o.len;
	b->n_sent = o.n_sent;
	b->n_dropped = o.n_dropped;
}

/* The longest burst the current selection produces (every selected
 * sentence with a fix), built on a scratch copy so the real random
 * sequence is not disturbed. */
static size_t
worst_burst(const struct mtk *m)
{
	struct mtk scratch = *m;
	char buf[MTK_BURST_MAX];
	struct out o = { buf, 0, sizeof(buf), sizeof(buf), false, 0, 0 };

	build(&scratch, 0, &o, true);
	return o.len;
}

/* ---- commands ---- */

/* The body of "$body*hh" when the framing and checksum are right; else NULL. */
static const char *
checked_body(const char *line, size_t len, size_t *body_len)
{
	const char *star;
	int hi, lo;

	if (len < 4 || line[0] != '$')
		return NULL;
	star = memchr(line, '*', len);
	if (star == NULL || (size_t)(star - line) + 3 != len)
		return NULL;
	hi = text_hexval(star[1]);
	lo = text_hexval(star[2]);
	if (hi < 0 || lo < 0)
		return NULL;
	*body_len = (size_t)(star - line) - 1;
	if (nmea_checksum(line + 1, *body_len) != (uint8_t)(hi << 4 | lo))
		return NULL;
	return line + 1;
}

/* Split the arguments after "PMTKnnn" at commas.  -1 when a field is too
 * long or there are too many: the receiver calls that invalid. */
static int
split_args(const char *p, size_t len, struct fields *f)
{
	f->n = 0;
	if (len == 0)
		return 0;
	if (*p != ',')
		return -1;
	p++;
	len--;
	for (;;) {
		const char *comma = memchr(p, ',', len);
		size_t flen = comma != NULL ? (size_t)(comma - p) : len;

		if (f->n == MAX_FIELDS || flen >= FIELD_MAX)
			return -1;
		memcpy(f->f[f->n], p, flen);
		f->f[f->n][flen] = '\0';
		f->n++;
		if (comma == NULL)
			return 0;
		len -= flen + 1;
		p = comma + 1;
	}
}

/* A whole field as a decimal integer in [lo, hi]. */
static bool
field_int(const char *s, long lo, long hi, long *v)
{
	char *end;

	if (*s == '\0' || *s == ' ' || *s == '+')
		return false;
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno == 0 && *end == '\0' && *v >= lo && *v <= hi;
}

static void
reply_line(struct mtk_reply *r, const char *body)
{
	int n = nmea_frame(r->text + r->len, sizeof(r->text) - r->len, body, true);

	if (n > 0)
		r->len += (size_t)n;
}

static void
ack(struct mtk_reply *r, int cmd, int flag)
{
	char body[32];

	snprintf(body, sizeof(body), "PMTK001,%d,%d", cmd, flag);
	reply_line(r, body);
	r->flag = flag;
}

static int
set_interval(struct mtk *m, long ms)
{
	struct mtk trial = *m;

	trial.interval_ms = (int)ms;
	if (worst_burst(&trial) > mtk_budget(&trial))
		return 2;
	m->interval_ms = (int)ms;
	return 3;
}

static int
cmd_interval(struct mtk *m, const struct fields *f, bool five)
{
	long ms, zero;

	if (f->n != 1 && !(five && f->n == 5))
		return 0;
	if (!field_int(f->f[0], 100, 10000, &ms))
		return 0;
	for (int i = 1; i < f->n; i++)
		if (!field_int(f->f[i], 0, 0, &zero))
			return 0;
	return set_interval(m, ms);
}

static int
cmd_mode(struct mtk *m, const struct fields *f)
{
	long mode, period;

	if (f->n < 1 || !field_int(f->f[0], 0, 9, &mode))
		return 0;
	if (mode == 0 || mode == 8 || mode == 9) {
		if (f->n != 1)
			return 0;
	} else if (mode == 1 || mode == 2) {
		if (f->n != 5)
			return 0;
		for (int i = 1; i < 5; i++)
			if (!field_int(f->f[i], 0, 518400000, &period))
				return 0;
	} else {
		return 0;
	}
	m->mode = (int)mode;
	return 3;
}

static int
cmd_baud(const struct fields *f, struct mtk_reply *r)
{
	long baud;

	if (f->n != 1 || !field_int(f->f[0], 0, 115200, &baud))
		return 0;
	if (baud == 0)
		baud = MTK_DEFAULT_BAUD;
	if (!mtk_baud_valid((int)baud))
		return 0;
	r->new_baud = (int)baud;
	return 3;
}

static int
cmd_output(struct mtk *m, const struct fields *f)
{
	long v[19] = { 0 };

	if (f->n == 1 && strcmp(f->f[0], "-1") == 0) {
		mtk_default_output(&m->out);
		return 3;
	}
	if (f->n < 17 || f->n > 19)
		return 0;
	for (int i = 0; i < f->n; i++)
		if (!field_int(f->f[i], 0, 5, &v[i]))
			return 0;
	m->out.gll = (int)v[0];
	m->out.rmc = (int)v[1];
	m->out.vtg = (int)v[2];
	m->out.gga = (int)v[3];
	m->out.gsa = (int)v[4];
	m->out.gsv = (int)v[5];
	m->out.zda = (int)v[17];
	m->out.mchn = (int)v[18];
	return 3;
}

static void
restart(struct mtk *m, int kind, int64_t now_ms, struct mtk_reply *r)
{
	int64_t ttff = ttff_ms[kind - 101];

	if (kind == 104) {
		mtk_default_output(&m->out);
		m->interval_ms = MTK_DEFAULT_INTERVAL_MS;
		m->mode = 0;
	}
	/* A receiver that never had a fix (--no-fix) keeps its schedule. */
	if (m->fix_at_ms != MTK_NEVER && now_ms <= MTK_NEVER - ttff &&
	    m->fix_at_ms < now_ms + ttff)
		m->fix_at_ms = now_ms + ttff;
	reply_line(r, "PMTK011,MTKGPS");
	reply_line(r, "PMTK010,001");
	r->restarted = true;
}

static void
query(const struct mtk *m, int cmd, struct mtk_reply *r)
{
	char body[128];

	if (cmd == 400)
		snprintf(body, sizeof(body), "PMTK500,%d,0,0,0.0,0.0", m->interval_ms);
	else if (cmd == 414)
		snprintf(body, sizeof(body),
		    "PMTK514,%d,%d,%d,%d,%d,%d,0,0,0,0,0,0,0,0,0,0,0,%d,%d", m->out.gll,
		    m->out.rmc, m->out.vtg, m->out.gga, m->out.gsa, m->out.gsv, m->out.zda,
		    m->out.mchn);
	else
		snprintf(body, sizeof(body), "PMTK705,%s", MTK_FIRMWARE);
	reply_line(r, body);
}

/* Numbers only a receiver sends: answering them would let an echoing
 * terminal turn one ack into an endless exchange. */
static bool
receiver_message(int cmd)
{
	return cmd == 1 || cmd == 10 || cmd == 11 || (cmd >= 500 && cmd <= 599) ||
	    (cmd >= 700 && cmd <= 799);
}

int
mtk_command(struct mtk *m, const char *line, size_t len, int64_t now_ms, struct mtk_reply *r)
{
	const char *body;
	size_t blen;
	struct fields f;
	int cmd, flag;

	memset(r, 0, sizeof(*r));
	r->flag = -1;
	r->cmd = -1;
	body = checked_body(line, len, &blen);
	if (body == NULL || blen < 7 || memcmp(body, "PMTK", 4) != 0)
		return 0;
	for (int i = 4; i < 7; i++)
		if (body[i] < '0' || body[i] > '9')
			return 0;
	cmd = (body[4] - '0') * 100 + (body[5] - '0') * 10 + (body[6] - '0');
	if (receiver_message(cmd))
		return 0;
	r->cmd = cmd;
	if (split_args(body + 7, blen - 7, &f) < 0) {
		ack(r, cmd, 0);
		return 1;
	}
	switch (cmd) {
	case 400:
	case 414:
	case 605:
		if (f.n != 0) {
			ack(r, cmd, 0);
			return 1;
		}
		query(m, cmd, r);
		return 1;
	case 0:
	case 101:
	case 102:
	case 103:
	case 104:
		flag = f.n == 0 ? 3 : 0;
		break;
	case 220:
		flag = cmd_interval(m, &f, false);
		break;
	case 300:
		flag = cmd_interval(m, &f, true);
		break;
	case 225:
		flag = cmd_mode(m, &f);
		break;
	case 251:
		flag = cmd_baud(&f, r);
		break;
	case 314:
		flag = cmd_output(m, &f);
		break;
	default:
		flag = 1;
		break;
	}
	ack(r, cmd, flag);
	if (flag == 3 && cmd >= 101 && cmd <= 104)
		restart(m, cmd, now_ms, r);
	return 1;
}
