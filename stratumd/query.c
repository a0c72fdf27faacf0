/*
 * query: mode 6, what ntpq (ntpsec's and classic 4.2.8's) reads:
 * READSTAT (the associations and their status words), READVAR of the
 * system (association 0) and of each association, READCLOCK of the
 * receiver's two sources.  Variable names, units and formats are ntpd's
 * (times in ms, frequencies in ppm), so `ntpq -p`, `-c as`, `-c rv`,
 * `-c "rv &N"`, `-c sysinfo`, `-c kerninfo` and `-c cv` work unchanged.
 *
 * Who may ask: localhost, and the networks of `allow NET query` lines.
 * Anyone else gets one 12-byte "permission denied" answer (never more
 * than they sent).  Requests from other than localhost pass a rate limit
 * of their own (query-ratelimit): one request can draw several fragments,
 * so over the limit there is no answer at all.  Writes, configuration and
 * traps want keys stratumd does not have: permission denied; mrulist
 * (REQ_NONCE, READ_MRU) is not kept: bad opcode.
 *
 * The refclocks look like ntpd's: srcadr 127.127.22.0 with srchost
 * "PPS(0)" (driver 22) and 127.127.20.0 with srchost "GPS_NMEA(0)" (driver
 * 20).  kerninfo describes stratumd's own discipline (it does not use the
 * kernel's PLL): offset, frequency and error bound, nothing for the
 * kernel's PPS discipline.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "fpmath.h"
#include "mode6.h"
#include "stratumd.h"
#include "tsmath.h"

#ifndef STRATUMD_VERSION
#define STRATUMD_VERSION "0.9"
#endif

struct query {
	struct stratumd *sd;
	const struct source *src;   /* NULL: the system */
	struct ntp_server_state ns;
	struct disc_status ls;
	struct timespec local;      /* our clock now */
	double mono;                /* monotonic s now */
};

typedef void (*var_fn)(struct query *q, struct mode6_text *t, const char *name);

struct var {
	const char *name;
	var_fn put;
	bool dflt;                  /* in the answer to a READVAR with no names */
};

static double
ms(double s)
{
	return s * 1e3;
}

/* The local clock's reading at a past monotonic time. */
static uint64_t
local_ts_at(const struct query *q, double mono_then)
{
	if (mono_then < 0)
		return 0;
	return ntp_ts_from_timespec(ts_sub(q->local, ts_from_double(q->mono - mono_then)));
}

static void
refid_text(uint32_t refid, int stratum, char *buf, size_t len)
{
	struct ntp_server_state ns = { .refid = refid, .stratum = (uint8_t)stratum };

	sync_refid_text(&ns, buf, len);
}

/* ---- system variables ---- */

static int
sys_source(const struct query *q)
{
	const struct source *s = sources_steering(q->sd);

	if (s == NULL)
		return MODE6_SRC_UNSPEC;
	return s->kind == SOURCE_PPS ? MODE6_SRC_PPS : s->kind == SOURCE_NMEA ?
	    MODE6_SRC_UHF : MODE6_SRC_NTP;
}

static int
sys_leap(const struct query *q)
{
	return q->ns.synchronised ? (int)q->ns.leap : NTP_LEAP_UNSYNC;
}

static void
v_version(struct query *q, struct mode6_text *t, const char *n)
{
	(void)q;
	mode6_put_str(t, n, "stratumd " STRATUMD_VERSION);
}

static void
v_processor(struct query *q, struct mode6_text *t, const char *n)
{
	struct utsname u;

	(void)q;
	if (uname(&u) == 0)
		mode6_put_str(t, n, strcmp(n, "system") == 0 ? u.sysname : u.machine);
}

static void
v_leap(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%d", q->src != NULL ? (q->src->kind == SOURCE_NTP ?
	    q->src->assoc.leap : 0) : sys_leap(q));
}

static void
v_sys_stratum(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%d", q->ns.synchronised ? q->ns.stratum : 16);
}

static void
v_sys_precision(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%d", q->sd->precision);
}

static void
v_sys_rootdelay(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.3f", ms(q->ns.root_delay));
}

static void
v_sys_rootdisp(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.3f", ms(q->ns.root_dispersion));
}

static void
v_sys_rootdist(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.3f", ms(q->ns.root_delay / 2 + q->ns.root_dispersion));
}

static void
v_sys_refid(struct query *q, struct mode6_text *t, const char *n)
{
	char r[32];

	refid_text(q->ns.refid, q->ns.stratum, r, sizeof(r));
	mode6_put(t, n, "%s", r);
}

static void
v_sys_reftime(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put_ts(t, n, q->ls.since_update >= 0 ? ntp_ts_from_timespec(q->ns.reference) : 0);
}

static void
v_clock(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put_ts(t, n, ntp_ts_from_timespec(q->local));
}

static void
v_sys_peer(struct query *q, struct mode6_text *t, const char *n)
{
	const struct source *s = sources_steering(q->sd);

	mode6_put(t, n, "%u", s != NULL ? s->associd : 0);
}

static void
v_tc(struct query *q, struct mode6_text *t, const char *n)
{
	const struct source *s = sources_steering(q->sd);

	mode6_put(t, n, "%d", s != NULL && s->kind == SOURCE_NTP ? s->assoc.hpoll : 4);
}

static void
v_mintc(struct query *q, struct mode6_text *t, const char *n)
{
	(void)q;
	mode6_put(t, n, "%d", 3);
}

static void
v_sys_offset(struct query *q, struct mode6_text *t, const char *n)
{
	/* ntpd's sign: reference - local. */
	mode6_put(t, n, "%.6f", ms(-q->ls.offset));
}

static void
v_frequency(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.3f", q->ls.freq_ppm);
}

static void
v_sys_jitter(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.6f", ms(q->sd->sources.sel.jitter));
}

static void
v_clk_jitter(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.6f", ms(q->ls.jitter));
}

static void
v_clk_wander(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.3f", q->ls.wander_ppm);
}

static void
v_zero(struct query *q, struct mode6_text *t, const char *n)
{
	(void)q;
	mode6_put(t, n, "0");
}

/* tai, leapsec and expire come from the leapfile (TAI-UTC now, the last
 * leap it lists, its expiry) and, like ntpd's, are left out without one. */
static void
v_tai(struct query *q, struct mode6_text *t, const char *n)
{
	const struct stratumd_leap *lp = &q->sd->leap;
	struct leap_now ln;

	if (!lp->have_file)
		return;
	leapfile_at(&lp->file, (int64_t)q->local.tv_sec, &ln);
	mode6_put(t, n, "%d", ln.tai_utc);
}

/* To the minute, as ntpsec's ntpd writes it (classic ntpd 4.2.8 wrote
 * YYYYMMDDHHMM: ntpq of either shows the text as it came). */
static void
put_leapfile_time(const struct query *q, struct mode6_text *t, const char *n, bool expiry)
{
	const struct stratumd_leap *lp = &q->sd->leap;
	time_t s;
	struct tm tm;
	char text[32];

	if (!lp->have_file)
		return;
	/* leapsec: the last leap the file lists, when TAI-UTC changed */
	s = (time_t)(expiry ? lp->file.expires : lp->file.entry[lp->file.n - 1].when);
	if (gmtime_r(&s, &tm) != NULL && strftime(text, sizeof(text), "%Y-%m-%dT%H:%MZ", &tm) > 0)
		mode6_put(t, n, "%s", text);
}

static void
v_leapsec(struct query *q, struct mode6_text *t, const char *n)
{
	put_leapfile_time(q, t, n, false);
}

static void
v_expire(struct query *q, struct mode6_text *t, const char *n)
{
	put_leapfile_time(q, t, n, true);
}

static void
v_peeradr(struct query *q, struct mode6_text *t, const char *n)
{
	const struct source *s = sources_steering(q->sd);
	char a[96];

	if (s == NULL)
		snprintf(a, sizeof(a), "0.0.0.0:0");
	else if (s->kind != SOURCE_NTP)
		snprintf(a, sizeof(a), "%s:123", s->kind == SOURCE_PPS ? "127.127.22.0" :
		    "127.127.20.0");
	else
		snprintf(a, sizeof(a), s->addr.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		    s->addr_text, q->sd->conf.upstream[s->up].port);
	mode6_put(t, n, "%s", a);
}

static void
v_peermode(struct query *q, struct mode6_text *t, const char *n)
{
	const struct source *s = sources_steering(q->sd);

	mode6_put(t, n, "%d", s != NULL && s->kind == SOURCE_NTP &&
	    s->assoc.conf.mode == ASSOC_SYMMETRIC ? 1 : 3);
}

/* kerninfo: stratumd's discipline in the kernel's terms. */
static void
v_koffset(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.6f", ms(-q->ls.offset));
}

static void
v_kfreq(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.3f", q->ls.freq_ppm);
}

static void
v_kerr(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.3f", ms(q->ls.error));
}

static void
v_kstflags(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "0x%x", q->ns.synchronised ? 0x2001 : 0x0041);
}

static void
v_kprecis(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.6f", ms(fp_pow2(q->sd->precision)));
}

static void
v_kfreqtol(struct query *q, struct mode6_text *t, const char *n)
{
	(void)q;
	mode6_put(t, n, "%.3f", 500.0);
}

static const struct var sys_vars[] = {
	{ "version", v_version, true },
	{ "processor", v_processor, true },
	{ "system", v_processor, true },
	{ "leap", v_leap, true },
	{ "stratum", v_sys_stratum, true },
	{ "precision", v_sys_precision, true },
	{ "rootdelay", v_sys_rootdelay, true },
	{ "rootdisp", v_sys_rootdisp, true },
	{ "refid", v_sys_refid, true },
	{ "reftime", v_sys_reftime, true },
	{ "clock", v_clock, true },
	{ "peer", v_sys_peer, true },
	{ "tc", v_tc, true },
	{ "mintc", v_mintc, true },
	{ "offset", v_sys_offset, true },
	{ "frequency", v_frequency, true },
	{ "sys_jitter", v_sys_jitter, true },
	{ "clk_jitter", v_clk_jitter, true },
	{ "clk_wander", v_clk_wander, true },
	{ "tai", v_tai, true },
	{ "leapsec", v_leapsec, false },
	{ "expire", v_expire, false },
	{ "rootdist", v_sys_rootdist, false },
	{ "peeradr", v_peeradr, false },
	{ "peermode", v_peermode, false },
	{ "bcastdelay", v_zero, false },
	{ "authdelay", v_zero, false },
	{ "koffset", v_koffset, false },
	{ "kfreq", v_kfreq, false },
	{ "kmaxerr", v_kerr, false },
	{ "kesterr", v_kerr, false },
	{ "kstflags", v_kstflags, false },
	{ "ktimeconst", v_zero, false },
	{ "kprecis", v_kprecis, false },
	{ "kfreqtol", v_kfreqtol, false },
	{ "kppsfreq", v_zero, false },
	{ "kppsstab", v_zero, false },
	{ "kppsjitter", v_zero, false },
	{ "kppscalibdur", v_zero, false },
	{ "kppscalibs", v_zero, false },
	{ "kppsjitexc", v_zero, false },
	{ "kppsstbexc", v_zero, false },
	{ "kppscaliberrs", v_zero, false },
	{ NULL, NULL, false },
};

/* ---- association variables ---- */

static bool
is_ntp(const struct query *q)
{
	return q->src->kind == SOURCE_NTP;
}

static const struct filter *
src_filter(const struct query *q)
{
	return is_ntp(q) ? &q->src->assoc.filter : &q->src->rfilter;
}

static const char *
refclock_addr(const struct source *s)
{
	return s->kind == SOURCE_PPS ? "127.127.22.0" : "127.127.20.0";
}

static void
v_srcadr(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%s", is_ntp(q) ? q->src->addr_text[0] ? q->src->addr_text :
	    "0.0.0.0" : refclock_addr(q->src));
}

static void
v_srcport(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%u", is_ntp(q) ? q->sd->conf.upstream[q->src->up].port : 123);
}

static void
v_dstadr(struct query *q, struct mode6_text *t, const char *n)
{
	const struct sockaddr_storage *l = &q->src->local;
	char a[INET6_ADDRSTRLEN];

	if (l->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)l)->sin6_addr, a, sizeof(a));
	else if (l->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)l)->sin_addr, a, sizeof(a));
	else
		snprintf(a, sizeof(a), "0.0.0.0");
	mode6_put(t, n, "%s", a);
}

static void
v_hmode(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%d", is_ntp(q) && q->src->assoc.conf.mode == ASSOC_SYMMETRIC ? 1 : 3);
}

static void
v_pmode(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%d", is_ntp(q) && q->src->assoc.conf.mode == ASSOC_SYMMETRIC ? 1 : 4);
}

static void
v_stratum(struct query *q, struct mode6_text *t, const char *n)
{
	const struct assoc *a = &q->src->assoc;

	mode6_put(t, n, "%d", !is_ntp(q) ? 0 : a->last_rx < 0 ? 16 : a->stratum);
}

static void
v_ppoll(struct query *q, struct mode6_text *t, const char *n)
{
	const struct assoc *a = &q->src->assoc;

	mode6_put(t, n, "%d", !is_ntp(q) ? 4 : a->ppoll > 0 ? a->ppoll : a->hpoll);
}

static void
v_hpoll(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%d", is_ntp(q) ? q->src->assoc.hpoll : 4);
}

static void
v_precision(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%d", is_ntp(q) && q->src->assoc.last_rx >= 0 ?
	    q->src->assoc.precision : q->sd->precision);
}

static void
v_rootdelay(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.3f", is_ntp(q) ? ms(q->src->assoc.rootdelay) : 0.0);
}

static void
v_rootdisp(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.3f", is_ntp(q) ? ms(q->src->assoc.rootdisp) : 0.0);
}

static void
v_refid(struct query *q, struct mode6_text *t, const char *n)
{
	const struct assoc *a = &q->src->assoc;
	char r[32];

	if (!is_ntp(q))
		snprintf(r, sizeof(r), "%s", q->src->kind == SOURCE_PPS ? "PPS" : "GPS");
	else if (a->last_rx < 0)
		snprintf(r, sizeof(r), "%s", a->stopped ? "DENY" : "INIT");
	else
		refid_text(a->refid, a->stratum, r, sizeof(r));
	mode6_put(t, n, "%s", r);
}

static void
v_reftime(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put_ts(t, n, is_ntp(q) ? q->src->assoc.reftime : local_ts_at(q, q->src->rlast));
}

static void
v_rec(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put_ts(t, n, local_ts_at(q, is_ntp(q) ? q->src->assoc.last_rx : q->src->rlast));
}

static void
v_xmt(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put_ts(t, n, is_ntp(q) ? ntp_ts_from_timespec(q->src->assoc.xmt_local) : 0);
}

static void
v_reach(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "0x%02x", is_ntp(q) ? q->src->assoc.reach : q->src->rreach);
}

static void
v_unreach(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%d", is_ntp(q) ? q->src->assoc.unreach : 0);
}

static void
v_delay(struct query *q, struct mode6_text *t, const char *n)
{
	const struct filter *f = src_filter(q);

	mode6_put(t, n, "%.6f", f->t >= 0 ? ms(f->delay) : 0.0);
}

static void
v_offset(struct query *q, struct mode6_text *t, const char *n)
{
	const struct filter *f = src_filter(q);

	mode6_put(t, n, "%.6f", f->t >= 0 ? ms(f->offset) : 0.0);
}

static void
v_jitter(struct query *q, struct mode6_text *t, const char *n)
{
	const struct filter *f = src_filter(q);

	mode6_put(t, n, "%.6f", f->t >= 0 ? ms(f->jitter) : 0.0);
}

static void
v_dispersion(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%.6f", ms(filter_disp_at(src_filter(q), q->mono)));
}

static void
v_filt(struct query *q, struct mode6_text *t, const char *n)
{
	double off[FILTER_STAGES], del[FILTER_STAGES], dis[FILTER_STAGES];
	const double *v = strcmp(n, "filtdelay") == 0 ? del :
	    strcmp(n, "filtoffset") == 0 ? off : dis;
	char buf[FILTER_STAGES * 12 + 1];
	size_t len = 0;
	int k = filter_stages(src_filter(q), q->mono, off, del, dis);

	buf[0] = '\0';
	for (int i = 0; i < FILTER_STAGES; i++) {
		/* Stages not yet filled read as ntpd shows them: no delay, the
		 * largest dispersion. */
		double x = i < k ? ms(v[i]) : v == dis ? ms(FILTER_MAXDISP) : 0.0;
		int w = snprintf(buf + len, sizeof(buf) - len, "%s%.2f", i ? " " : "", x);
		if (w < 0 || (size_t)w >= sizeof(buf) - len)
			break;
		len += (size_t)w;
	}
	mode6_put(t, n, "%s", buf);
}

static void
v_flash(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "0x%x", is_ntp(q) ? q->src->assoc.flash : 0);
}

static void
v_srchost(struct query *q, struct mode6_text *t, const char *n)
{
	/* Refclocks only, as ntpd: a server's name is found from its
	 * address by ntpq itself. */
	if (!is_ntp(q))
		mode6_put_str(t, n, q->src->name);
}

static const struct var peer_vars[] = {
	{ "srcadr", v_srcadr, true },
	{ "srcport", v_srcport, true },
	{ "dstadr", v_dstadr, true },
	{ "dstport", v_srcport, true },
	{ "leap", v_leap, true },
	{ "hmode", v_hmode, true },
	{ "pmode", v_pmode, true },
	{ "stratum", v_stratum, true },
	{ "ppoll", v_ppoll, true },
	{ "hpoll", v_hpoll, true },
	{ "precision", v_precision, true },
	{ "rootdelay", v_rootdelay, true },
	{ "rootdisp", v_rootdisp, true },
	{ "refid", v_refid, true },
	{ "reftime", v_reftime, true },
	{ "rec", v_rec, true },
	{ "xmt", v_xmt, true },
	{ "reach", v_reach, true },
	{ "unreach", v_unreach, true },
	{ "delay", v_delay, true },
	{ "offset", v_offset, true },
	{ "jitter", v_jitter, true },
	{ "dispersion", v_dispersion, true },
	{ "filtdelay", v_filt, true },
	{ "filtoffset", v_filt, true },
	{ "filtdisp", v_filt, true },
	{ "flash", v_flash, true },
	{ "srchost", v_srchost, true },
	{ NULL, NULL, false },
};

/* ---- clock variables (READCLOCK) ---- */

static void
v_cname(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put_str(t, n, q->src->kind == SOURCE_PPS ? "PPS" : "NMEA");
}

static void
v_timecode(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put_str(t, n, q->src->kind == SOURCE_NMEA ? q->sd->gps.timecode : "");
}

static void
v_cpoll(struct query *q, struct mode6_text *t, const char *n)
{
	const struct stratumd_gps *g = &q->sd->gps;

	mode6_put(t, n, "%lu", q->src->kind == SOURCE_PPS ? g->pps_edges : g->nmea_sentences);
}

static void
v_badformat(struct query *q, struct mode6_text *t, const char *n)
{
	mode6_put(t, n, "%lu", q->src->kind == SOURCE_PPS ? 0 : q->sd->gps.nmea_rejected);
}

static void
v_fudgetime2(struct query *q, struct mode6_text *t, const char *n)
{
	double d = 0;

	if (q->src->kind == SOURCE_NMEA)
		refclock_delay(&q->sd->gps.rc, &d);
	mode6_put(t, n, "%.3f", ms(d));
}

static void
v_device(struct query *q, struct mode6_text *t, const char *n)
{
	const struct stratumd_conf *c = &q->sd->conf;

	mode6_put_str(t, n, q->src->kind == SOURCE_NMEA ? c->gps_device :
	    c->pps_device[0] ? c->pps_device : c->pps_socket);
}

static const struct var clock_vars[] = {
	{ "name", v_cname, true },
	{ "timecode", v_timecode, true },
	{ "poll", v_cpoll, true },
	{ "noreply", v_zero, true },
	{ "badformat", v_badformat, true },
	{ "baddata", v_zero, true },
	{ "fudgetime1", v_zero, true },
	{ "fudgetime2", v_fudgetime2, true },
	{ "stratum", v_zero, true },
	{ "refid", v_refid, true },
	{ "flags", v_zero, true },
	{ "device", v_device, true },
	{ NULL, NULL, false },
};

/* ---- requests ---- */

static const struct var *
find_var(const struct var *table, const char *name)
{
	for (const struct var *v = table; v->name != NULL; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

/* The variables asked for (or the default list) into t.  False when one
 * is unknown: ntpd answers that with an error, and ntpsec's ntpq then asks
 * one name at a time. */
static bool
put_vars(struct query *q, const struct mode6_request *rq, const struct var *table,
    struct mode6_text *t)
{
	struct mode6_names it;
	char name[MODE6_NAME_MAX];
	bool any = false;

	mode6_text_init(t);
	mode6_names_init(&it, rq);
	while (mode6_names_next(&it, name, sizeof(name))) {
		const struct var *v = find_var(table, name);
		if (v == NULL)
			return false;
		v->put(q, t, v->name);
		any = true;
	}
	if (!any)
		for (const struct var *v = table; v->name != NULL; v++)
			if (v->dflt)
				v->put(q, t, v->name);
	mode6_text_finish(t);
	return true;
}

static uint16_t
peer_status(const struct source *s)
{
	bool reach = s->kind == SOURCE_NTP ? assoc_reachable(&s->assoc) : s->rreach != 0 ||
	    s->rgot;

	return mode6_peer_status(true, reach, (int)s->sel.tally, s->nevents, s->event);
}

static uint16_t
sys_status(const struct query *q)
{
	const struct stratumd_sources *ss = &q->sd->sources;

	return mode6_sys_status(sys_leap(q), sys_source(q), (int)(ss->sys_events & 0xf),
	    ss->steering >= 0 ? MODE6_EVT_SYSPEER : MODE6_EVT_UNSPEC);
}

/* Send the answer, every fragment; false (nothing to send in place). */
static bool
send_answer(const struct ntps_pkt *p, const struct mode6_request *rq, uint16_t status,
    uint8_t leap, const void *data, size_t len)
{
	uint8_t out[MODE6_HEADER_LEN + MODE6_FRAG_DATA];
	size_t n;

	for (int k = 0; (n = mode6_fragment(rq, status, leap, data, len, k, out,
	    sizeof(out))) > 0; k++)
		if (ntps_send_to(p, out, n) == -1)
			break;
	return false;
}

static bool
send_error(const struct ntps_pkt *p, const struct mode6_request *rq, enum mode6_error e,
    uint8_t leap)
{
	uint8_t out[MODE6_HEADER_LEN];
	size_t n = mode6_error(rq, e, leap, out, sizeof(out));

	if (n > 0)
		ntps_send_to(p, out, n);
	return false;
}

static bool
readstat(struct query *q, const struct ntps_pkt *p, const struct mode6_request *rq)
{
	const struct stratumd_sources *ss = &q->sd->sources;
	uint8_t data[STRATUMD_MAX_SOURCES * 4];
	size_t len = 0;

	if (rq->associd != 0) {
		const struct source *s = sources_by_associd(q->sd, rq->associd);
		if (s == NULL)
			return send_error(p, rq, MODE6_ERR_BADASSOC, (uint8_t)sys_leap(q));
		return send_answer(p, rq, peer_status(s), (uint8_t)sys_leap(q), NULL, 0);
	}
	for (int i = 0; i < ss->n; i++) {
		uint16_t id = ss->src[i].associd, st = peer_status(&ss->src[i]);
		data[len++] = (uint8_t)(id >> 8);
		data[len++] = (uint8_t)id;
		data[len++] = (uint8_t)(st >> 8);
		data[len++] = (uint8_t)st;
	}
	return send_answer(p, rq, sys_status(q), (uint8_t)sys_leap(q), data, len);
}

static bool
readvar(struct query *q, const struct ntps_pkt *p, const struct mode6_request *rq,
    bool clock)
{
	struct mode6_text *t = &q->sd->query_text;
	uint8_t leap = (uint8_t)sys_leap(q);
	uint16_t status;

	if (rq->associd == 0 && !clock) {
		status = sys_status(q);
		if (!put_vars(q, rq, sys_vars, t))
			return send_error(p, rq, MODE6_ERR_UNKNOWNVAR, leap);
		return send_answer(p, rq, status, leap, t->buf, t->len);
	}
	q->src = rq->associd != 0 ? sources_by_associd(q->sd, rq->associd) :
	    sources_steering(q->sd);
	if (clock && (q->src == NULL || q->src->kind == SOURCE_NTP)) {
		/* `cv` without an association: the receiver's NMEA half. */
		q->src = NULL;
		for (int i = 0; i < q->sd->sources.n && q->src == NULL; i++)
			if (q->sd->sources.src[i].kind == SOURCE_NMEA && rq->associd == 0)
				q->src = &q->sd->sources.src[i];
	}
	if (q->src == NULL)
		return send_error(p, rq, MODE6_ERR_BADASSOC, leap);
	status = peer_status(q->src);
	if (!put_vars(q, rq, clock ? clock_vars : peer_vars, t))
		return send_error(p, rq, MODE6_ERR_UNKNOWNVAR, leap);
	return send_answer(p, rq, status, leap, t->buf, t->len);
}

static bool
from_localhost(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;
		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
		    (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127);
	}
	return false;
}

/* Localhost is never limited (as chrony's cmdratelimit): ntpq there is
 * the owner's, and a loop of `ntpq -p` must not lose answers. */
static bool
query_limited(struct stratumd *sd, const struct sockaddr_storage *ss)
{
	if (sd->query_rl == NULL || from_localhost(ss))
		return false;
	if (rl_check(sd->query_rl, (const struct sockaddr *)ss, ts_mono_ms()) ==
	    RL_PASS)
		return false;
	sd->query_limited++;
	return true;
}

bool
query_answer(void *arg, struct ntps_pkt *p)
{
	struct stratumd *sd = arg;
	struct mode6_request rq;
	struct query q;

	if (mode6_parse(p->buf, p->len, &rq) != MODE6_OK)
		return false;
	/* Mode 6 has no kiss-o'-death: over the limit, silence. */
	if (query_limited(sd, &p->peer))
		return false;
	memset(&q, 0, sizeof(q));
	q.sd = sd;
	sync_server_state(sd, &q.ns);
	if (!from_localhost(&p->peer) &&
	    !acl_permits(&sd->conf.query_acl, (const struct sockaddr *)&p->peer)) {
		/* One header, in place: never more than the request. */
		size_t n = mode6_error(&rq, MODE6_ERR_PERMISSION, (uint8_t)sys_leap(&q), p->buf,
		    p->len);
		p->len = n;
		return n > 0;
	}
	if (clock_now(sd->clock, &q.local) == -1)
		q.local = ts_now_real();
	q.mono = sources_now();
	disc_status(&sd->disc, q.local, &q.ls);
	switch (rq.opcode) {
	case MODE6_OP_READSTAT:
		return readstat(&q, p, &rq);
	case MODE6_OP_READVAR:
		return readvar(&q, p, &rq, false);
	case MODE6_OP_READCLOCK:
		return readvar(&q, p, &rq, true);
	case MODE6_OP_WRITEVAR:
	case MODE6_OP_WRITECLOCK:
	case MODE6_OP_CONFIGURE:
	case MODE6_OP_SAVECONFIG:
	case MODE6_OP_SETTRAP:
	case MODE6_OP_UNSETTRAP:
		return send_error(p, &rq, MODE6_ERR_PERMISSION, (uint8_t)sys_leap(&q));
	default:
		return send_error(p, &rq, MODE6_ERR_BADOP, (uint8_t)sys_leap(&q));
	}
}
