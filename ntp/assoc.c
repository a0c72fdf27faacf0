/*
 * assoc: one client-side NTP association, on-wire protocol and polling.
 */
#include <math.h>
#include <string.h>

#include "assoc.h"
#include "fpmath.h"

#define FRAC_SCALE 0x1p-32     /* s per unit of a 32.32 timestamp */
#define POLL_GATE 4.0          /* jitters an offset may move and count as steady */

static int
clamp_int(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
assoc_default_conf(struct assoc_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = ASSOC_CLIENT;
	c->iburst = false;
	c->minpoll = ASSOC_MINPOLL;
	c->maxpoll = ASSOC_MAXPOLL;
	c->version = 4;
}

void
assoc_init(struct assoc *a, const struct assoc_conf *c, double now, double precision)
{
	memset(a, 0, sizeof(*a));
	a->conf = *c;
	a->conf.minpoll = clamp_int(c->minpoll, ASSOC_POLL_MIN, ASSOC_POLL_MAX);
	a->conf.maxpoll = clamp_int(c->maxpoll, a->conf.minpoll, ASSOC_POLL_MAX);
	if (a->conf.version < 1 || a->conf.version > 4)
		a->conf.version = 4;
	a->hpoll = a->conf.minpoll;
	a->next = now;
	a->last_rx = -1.0;
	a->last_poll = -1.0;
	a->local_precision = precision;
	filter_init(&a->filter, precision);
	a->filter.spike_window = 2.0 * assoc_poll_interval(a);
}

double
assoc_poll_interval(const struct assoc *a)
{
	return fp_pow2(a->hpoll);
}

/* A shorter poll interval counts from the last poll, not the next. */
static void
set_hpoll(struct assoc *a, int hpoll)
{
	double sooner;

	a->hpoll = clamp_int(hpoll, a->conf.minpoll, a->conf.maxpoll);
	a->filter.spike_window = 2.0 * assoc_poll_interval(a);
	sooner = a->last_poll + assoc_poll_interval(a);
	if (a->burst == 0 && a->last_poll >= 0.0 && sooner < a->next)
		a->next = sooner;
}

/*
 * The once-a-poll bookkeeping: reach, dummies for silence, back-off, and
 * whether this poll is a burst.
 */
static void
start_poll(struct assoc *a, double now)
{
	uint8_t before = a->reach;

	a->reach = (uint8_t)(before << 1);
	if (a->unreach >= 3)
		filter_add_dummy(&a->filter, now);
	if (a->unreach >= ASSOC_UNREACH)
		set_hpoll(a, a->hpoll + 1);
	/* Burst when starting and when the last answered poll just left the
	 * register: once per silence, so a dead server is not hammered. */
	if (a->conf.iburst && (a->sent == 0 || before == 0x80))
		a->burst = ASSOC_BURST - 1;
	a->unreach++;
	a->last_poll = now;
}

static void
fill_symmetric(const struct assoc *a, struct timespec local,
    const struct ntp_server_state *sys, struct ntp_packet *out)
{
	out->mode = NTP_MODE_SYM_ACTIVE;
	out->origin = a->org;
	out->receive = a->rec;
	out->transmit = ntp_ts_from_timespec(local);
	if (sys == NULL || !sys->synchronised) {
		out->leap = NTP_LEAP_UNSYNC;
		out->stratum = 16;
		if (sys != NULL) {
			out->precision = sys->precision;
			out->refid = sys->refid;
			out->root_dispersion = ntp_short_from_double(sys->root_dispersion);
		}
		return;
	}
	out->leap = (uint8_t)sys->leap;
	out->stratum = sys->stratum;
	out->precision = sys->precision;
	out->refid = sys->refid;
	out->root_delay = ntp_short_from_double(sys->root_delay);
	out->root_dispersion = ntp_short_from_double(sys->root_dispersion);
	out->reference = ntp_ts_from_timespec(sys->reference);
}

void
assoc_poll(struct assoc *a, double now, struct timespec local, uint64_t nonce,
    const struct ntp_server_state *sys, struct ntp_packet *out)
{
	memset(out, 0, sizeof(*out));
	if (a->stopped)
		return;
	if (a->burst > 0)
		a->burst--;
	else
		start_poll(a, now);

	out->version = a->conf.version;
	out->poll = (int8_t)a->hpoll;
	if (a->conf.mode == ASSOC_SYMMETRIC) {
		fill_symmetric(a, local, sys, out);
	} else {
		/* Data minimisation: nothing of ours but a nonce the reply
		 * must echo.  Zero would match a reply with no origin. */
		out->mode = NTP_MODE_CLIENT;
		out->transmit = nonce != 0 ? nonce : 1;
	}
	a->xmt = out->transmit;
	a->xmt_local = local;
	a->awaiting = true;
	a->sent++;
	a->next = now + (a->burst > 0 ? ASSOC_BURST_GAP : assoc_poll_interval(a));
}

static bool
mode_fits(const struct assoc *a, uint8_t mode)
{
	if (a->conf.mode == ASSOC_CLIENT)
		return mode == NTP_MODE_SERVER;
	return mode == NTP_MODE_SYM_ACTIVE || mode == NTP_MODE_SYM_PASSIVE;
}

/* a - b of two timestamps as a signed count of 2^-32 s: right across an
 * era boundary as long as the two are within 68 years of each other. */
static int64_t
ts_diff(uint64_t a, uint64_t b)
{
	uint64_t d = a - b;

	return d <= INT64_MAX ? (int64_t)d : -(int64_t)(~d) - 1;
}

static enum assoc_rx
drop(struct assoc *a, uint16_t flash, enum assoc_rx r)
{
	a->flash |= flash;
	a->dropped++;
	return r;
}

/* What our next symmetric packet echoes: the remote's transmit time and
 * when we got it. */
static void
learn_peer(struct assoc *a, const struct ntp_packet *p, struct timespec rx_local)
{
	a->org = p->transmit;
	a->rec = ntp_ts_from_timespec(rx_local);
}

static bool
is_kiss(const struct ntp_packet *p)
{
	return p->stratum == 0 && (p->refid == ntp_refid_ascii("RATE") ||
	    p->refid == ntp_refid_ascii("DENY") || p->refid == ntp_refid_ascii("RSTR"));
}

static enum assoc_rx
kiss(struct assoc *a, const struct ntp_packet *p, double now)
{
	int floor;

	a->flash |= ASSOC_FLASH_KOD;
	a->kod++;
	a->burst = 0;
	if (p->refid != ntp_refid_ascii("RATE")) {
		a->stopped = true;
		return ASSOC_RX_KOD_STOP;
	}
	floor = p->poll > a->conf.minpoll ? p->poll : a->conf.minpoll + 1;
	if (floor > a->conf.maxpoll)
		floor = a->conf.maxpoll;
	a->conf.minpoll = floor;
	set_hpoll(a, a->hpoll);
	a->poll_score = 0;
	a->next = now + assoc_poll_interval(a);
	return ASSOC_RX_KOD_RATE;
}

static void
record_header(struct assoc *a, const struct ntp_packet *p)
{
	a->leap = p->leap;
	a->stratum = p->stratum;
	a->version = p->version;
	a->ppoll = p->poll;
	a->precision = p->precision;
	a->rootdelay = ntp_short_to_double(p->root_delay);
	a->rootdisp = ntp_short_to_double(p->root_dispersion);
	a->refid = p->refid;
	a->reftime = p->reference;
	a->filter.precision = a->local_precision + fp_pow2(p->precision);
}

static uint16_t
header_flash(const struct ntp_packet *p)
{
	uint16_t fl = 0;
	double dist = ntp_short_to_double(p->root_delay) / 2.0 +
	    ntp_short_to_double(p->root_dispersion);

	if (dist >= ASSOC_MAXDIST)
		fl |= ASSOC_FLASH_DIST;
	/* A synchronised server has been set at some time before it sent. */
	if (p->reference == 0 || ts_diff(p->transmit, p->reference) < 0)
		fl |= ASSOC_FLASH_HEADER;
	return fl;
}

/* ntpd's poll counter, kept per association: steady offsets lengthen the
 * poll, jumps shorten it. */
static void
adapt_poll(struct assoc *a, double change)
{
	if (change < POLL_GATE * a->last_jitter)
		a->poll_score += a->hpoll;
	else
		a->poll_score -= 2 * a->hpoll;
	/* At a limit of the range the counter waits there. */
	if (a->poll_score >= ASSOC_POLL_LIMIT) {
		a->poll_score = ASSOC_POLL_LIMIT;
		if (a->hpoll < a->conf.maxpoll) {
			a->poll_score = 0;
			set_hpoll(a, a->hpoll + 1);
		}
	} else if (a->poll_score <= -ASSOC_POLL_LIMIT) {
		a->poll_score = -ASSOC_POLL_LIMIT;
		if (a->hpoll > a->conf.minpoll) {
			a->poll_score = 0;
			set_hpoll(a, a->hpoll - 1);
		}
	}
}

/*
 * The on-wire calculation.  T1 is our clock when the request left (not
 * the nonce we sent), T4 when the answer came.  Differences are taken of
 * the 64-bit timestamps modulo 2^64, so an era boundary between T1 and T4
 * changes nothing.
 */
static enum assoc_rx
take_sample(struct assoc *a, const struct ntp_packet *p, struct timespec rx_local, double now)
{
	uint64_t t1 = ntp_ts_from_timespec(a->xmt_local);
	uint64_t t4 = ntp_ts_from_timespec(rx_local);
	double prec = a->filter.precision, last = a->filter.offset;
	bool had = a->filter.used > 0;
	struct filter_sample s;

	s.offset = ((double)ts_diff(p->receive, t1) + (double)ts_diff(p->transmit, t4)) / 2.0 *
	    FRAC_SCALE;
	s.delay = (double)ts_diff(t4 - t1, p->transmit - p->receive) * FRAC_SCALE;
	if (!(s.delay >= prec))
		s.delay = prec;
	s.disp = prec + FILTER_PHI * s.delay;
	s.t = now;
	if (!filter_add(&a->filter, &s))
		return ASSOC_RX_KEPT;
	if (had && a->burst == 0)
		adapt_poll(a, fabs(a->filter.offset - last));
	a->last_jitter = a->filter.jitter;
	return ASSOC_RX_SAMPLE;
}

enum assoc_rx
assoc_receive(struct assoc *a, const struct ntp_packet *p, struct timespec rx_local, double now)
{
	bool sym = a->conf.mode == ASSOC_SYMMETRIC;
	uint16_t fl;

	a->flash = 0;
	a->received++;
	if (!mode_fits(a, p->mode))
		return drop(a, 0, ASSOC_RX_BADMODE);
	if (p->transmit == 0 || p->transmit == a->org)
		return drop(a, ASSOC_FLASH_DUP, ASSOC_RX_DUPLICATE);
	if (p->origin == 0 || p->receive == 0) {
		if (!sym) {
			fl = p->origin != a->xmt ? ASSOC_FLASH_BOGUS : 0;
			return drop(a, ASSOC_FLASH_UNSYNC | fl, ASSOC_RX_BOGUS);
		}
		learn_peer(a, p, rx_local);
		a->flash |= ASSOC_FLASH_UNSYNC;
		return ASSOC_RX_START;
	}
	if (p->origin != a->xmt || !a->awaiting) {
		if (sym)
			learn_peer(a, p, rx_local);
		return drop(a, ASSOC_FLASH_BOGUS, ASSOC_RX_BOGUS);
	}
	/* An answer to our last packet: no second one will be taken. */
	a->awaiting = false;
	learn_peer(a, p, rx_local);
	if (is_kiss(p))
		return kiss(a, p, now);

	record_header(a, p);
	a->reach |= 1;
	if (a->unreach > ASSOC_UNREACH)
		set_hpoll(a, a->conf.minpoll);
	a->unreach = 0;
	a->last_rx = now;
	if (p->leap == NTP_LEAP_UNSYNC || p->stratum == 0 || p->stratum >= 16) {
		a->flash |= ASSOC_FLASH_LEAP;
		return ASSOC_RX_UNSYNC;
	}
	if ((fl = header_flash(p)) != 0) {
		a->flash |= fl;
		return ASSOC_RX_BADHEADER;
	}
	return take_sample(a, p, rx_local, now);
}

bool
assoc_starting(const struct assoc *a)
{
	return a->conf.iburst && !a->stopped &&
	    (a->sent == 0 || (a->burst > 0 && a->sent < ASSOC_BURST));
}

bool
assoc_reachable(const struct assoc *a)
{
	return a->reach != 0;
}

const char *
assoc_rx_name(enum assoc_rx r)
{
	switch (r) {
	case ASSOC_RX_SAMPLE:
		return "sample";
	case ASSOC_RX_KEPT:
		return "kept";
	case ASSOC_RX_UNSYNC:
		return "unsynchronised";
	case ASSOC_RX_KOD_RATE:
		return "kiss-o'-death RATE";
	case ASSOC_RX_KOD_STOP:
		return "kiss-o'-death DENY/RSTR";
	case ASSOC_RX_DUPLICATE:
		return "duplicate";
	case ASSOC_RX_BOGUS:
		return "bogus";
	case ASSOC_RX_BADMODE:
		return "bad mode";
	case ASSOC_RX_BADHEADER:
		return "bad header";
	case ASSOC_RX_START:
		return "start";
	}
	return "unknown";
}
