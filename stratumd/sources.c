/*
 * sources: every time source stratumd has, and the choice among them.
 *
 * The receiver gives two sources, PPS(0) and GPS_NMEA(0) (ntpd's drivers 22
 * and 20): each refclock sample goes into its own clock filter.  Each
 * server, peer and pool member is an association (ntp/assoc.h) polled from
 * a client socket (servers, pool members: an ephemeral port) or from the
 * server's own port-123 socket (peers: symmetric mode wants it).
 *
 * After every new sample, and once a second, selection (ntp/select.h) runs
 * over all of them.  What it chooses steers the clock:
 *   - the PPS source when it is 'o': its samples go to the loop, 1 Hz;
 *   - GPS_NMEA when it is the system peer: its samples, 1 Hz;
 *   - an NTP system peer: the combined offset, each time the system peer
 *     has a new sample (every 2^poll s);
 *   - nothing (no majority, too few, none fit): the loop goes into
 *     holdover, and from there to unsynchronised.
 * Selection waits at start until every iburst association has finished
 * its burst (or STARTUP_GATE_S): a refclock that is wrong at start must not
 * steer before the servers can outvote it.
 *
 * A server or peer that stays unreachable for REPLACE_POLLS polls has its
 * name looked up again; a pool member is dropped and the pool looked up
 * for a replacement.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fpmath.h"
#include "log.h"
#include "mode6.h"
#include "stratumd.h"
#include "tsmath.h"

#define REFSOURCE_POLL 4        /* log2 s: refclock reach shifts every 16 s */
#define REFSOURCE_STALE 3.0     /* s without a sample: not reachable */
#define REFSOURCE_SPIKE 8.0     /* s a jump must last before the filter believes it */
#define PPS_ERROR 1e-6          /* s, a GPIO PPS edge's timestamping error */
#define NMEA_ERROR 2e-3         /* s, an NMEA burst start's */
#define STARTUP_GATE_S 60.0
#define REPLACE_POLLS 8
#define NTP_FILTER_POLLS 4      /* polls between samples, for the loop's holdover */
#define RESOLVE_RETRY_MIN 16.0  /* s, doubling to RESOLVE_RETRY_MAX */
#define RESOLVE_RETRY_MAX 3600.0
#define CMSG_SPACE_ALL 256

double
sources_now(void)
{
	return ts_to_double(ts_now_mono());
}

const char *
source_kind_name(enum source_kind k)
{
	switch (k) {
	case SOURCE_PPS:
		return "pps";
	case SOURCE_NMEA:
		return "nmea";
	case SOURCE_NTP:
		return "ntp";
	}
	return "?";
}

static double
local_precision(const struct stratumd *sd)
{
	return fp_pow2(sd->precision);
}

static struct source *
add_source(struct stratumd *sd, enum source_kind kind, int up, const char *name)
{
	struct stratumd_sources *ss = &sd->sources;
	struct source *s;

	if (ss->n >= STRATUMD_MAX_SOURCES)
		return NULL;
	s = &ss->src[ss->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->up = up;
	s->associd = ss->next_associd++;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->rlast = -1;
	s->steered_t = -1;
	s->event = MODE6_EVT_MOBILIZE;
	s->nevents = 1;
	return s;
}

static void
remove_source(struct stratumd *sd, struct source *s)
{
	struct stratumd_sources *ss = &sd->sources;
	int i = (int)(s - ss->src);

	memmove(&ss->src[i], &ss->src[i + 1], sizeof(ss->src[0]) * (size_t)(ss->n - i - 1));
	ss->n--;
	/* Indices moved: the next selection finds the peers again. */
	ss->syspeer = ss->steering = -1;
}

static void
add_refclock(struct stratumd *sd, enum source_kind kind, const char *name,
    const struct refsource_conf *rc, double error)
{
	struct source *s = add_source(sd, kind, -1, name);

	if (s == NULL)
		return;
	s->prefer = rc->prefer;
	s->noselect = rc->noselect;
	filter_init(&s->rfilter, local_precision(sd) + error);
	/* Samples every second: a jump seen for REFSOURCE_SPIKE s is real. */
	s->rfilter.spike_window = REFSOURCE_SPIKE;
	s->rshift = sd->sources.started + fp_pow2(REFSOURCE_POLL);
}

static void
start_assoc(struct stratumd *sd, struct source *s, const struct sockaddr_storage *addr,
    socklen_t len)
{
	const struct upstream_conf *u = &sd->conf.upstream[s->up];
	struct assoc_conf ac;
	const void *a;

	assoc_default_conf(&ac);
	ac.mode = u->kind == UPSTREAM_PEER ? ASSOC_SYMMETRIC : ASSOC_CLIENT;
	ac.iburst = u->iburst;
	ac.minpoll = u->minpoll;
	ac.maxpoll = u->maxpoll;
	assoc_init(&s->assoc, &ac, sources_now(), local_precision(sd));
	memcpy(&s->addr, addr, len);
	s->addrlen = len;
	if (addr->ss_family == AF_INET)
		a = &((const struct sockaddr_in *)addr)->sin_addr;
	else
		a = &((const struct sockaddr_in6 *)addr)->sin6_addr;
	if (inet_ntop(addr->ss_family, a, s->addr_text, sizeof(s->addr_text)) == NULL)
		snprintf(s->addr_text, sizeof(s->addr_text), "?");
	s->prefer = u->prefer;
	s->noselect = u->noselect;
	s->steered_t = -1;
	s->event = MODE6_EVT_MOBILIZE;
	s->nevents++;
}

static int
open_client_socket(int family)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	fd = socket(family, SOCK_DGRAM, 0);
	if (fd == -1)
		return -1;
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    (family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == -1) ||
	    ntps_socket_setup(fd, family) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, len) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port &&
	    memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

static struct source *
find_by_addr(struct stratumd *sd, const struct sockaddr_storage *a)
{
	struct stratumd_sources *ss = &sd->sources;

	for (int i = 0; i < ss->n; i++)
		if (ss->src[i].kind == SOURCE_NTP && ss->src[i].addrlen > 0 &&
		    same_addr(&ss->src[i].addr, a))
			return &ss->src[i];
	return NULL;
}

struct source *
sources_by_associd(struct stratumd *sd, uint16_t associd)
{
	for (int i = 0; i < sd->sources.n; i++)
		if (sd->sources.src[i].associd == associd)
			return &sd->sources.src[i];
	return NULL;
}

static void
set_event(struct source *s, int event)
{
	s->event = event;
	if (s->nevents < 15)
		s->nevents++;
}

/* Our clock now, as the daemon reads it everywhere. */
static struct timespec
local_now(struct stratumd *sd)
{
	struct timespec t;

	if (clock_now(sd->clock, &t) == -1)
		t = ts_now_real();
	return t;
}

static void
log_peerstats(struct stratumd *sd, const struct source *s, const struct filter *f)
{
	const char *id = s->kind == SOURCE_PPS ? "127.127.22.0" :
	    s->kind == SOURCE_NMEA ? "127.127.20.0" : s->addr_text;
	int status = mode6_peer_status(true, true, (int)s->sel.tally, s->nevents, s->event);

	stats_source(sd, id, status, f->offset, f->delay, f->disp, f->jitter);
}

/* How often an NTP source gives the loop a sample: the clock filter keeps
 * its least-delay sample for up to eight polls, so a new one comes every
 * few polls rather than every poll. */
static double
ntp_interval(const struct source *s)
{
	return NTP_FILTER_POLLS * assoc_poll_interval(&s->assoc);
}

/* Feed the loop from an NTP system peer's new sample. */
static void
steer_ntp(struct stratumd *sd, struct source *s)
{
	const struct sel_result *r = &sd->sources.sel;
	struct disc_sample ls;

	if (s->assoc.filter.t < 0 || s->assoc.filter.t <= s->steered_t)
		return; /* no sample the loop has not had */
	s->steered_t = s->assoc.filter.t;
	ls.when = s->sample_local;
	ls.offset = -r->offset;
	ls.error = fp_max(r->jitter, s->assoc.filter.jitter);
	disc_set_interval(&sd->disc, ntp_interval(s));
	sync_update(sd, &ls, s->name);
}

static void
handle_reply(struct stratumd *sd, struct source *s, const struct ntp_packet *pkt,
    struct timespec rx_local)
{
	bool was = assoc_reachable(&s->assoc);
	enum assoc_rx r = assoc_receive(&s->assoc, pkt, rx_local, sources_now());

	switch (r) {
	case ASSOC_RX_SAMPLE:
		s->sample_local = rx_local;
		break;
	case ASSOC_RX_KOD_RATE:
		set_event(s, MODE6_EVT_RATE);
		log_warnx("ntp: %s (%s) asks us to slow down (RATE): polling every %.0f s",
		    s->name, s->addr_text, assoc_poll_interval(&s->assoc));
		break;
	case ASSOC_RX_KOD_STOP:
		set_event(s, MODE6_EVT_DENY);
		log_warnx("ntp: %s (%s) refuses us service (kiss-o'-death); no longer asked",
		    s->name, s->addr_text);
		break;
	case ASSOC_RX_UNSYNC:
		log_debug("ntp: %s (%s) is not synchronised", s->name, s->addr_text);
		break;
	default:
		log_debug("ntp: %s (%s): %s", s->name, s->addr_text, assoc_rx_name(r));
		break;
	}
	if (!was && assoc_reachable(&s->assoc)) {
		set_event(s, MODE6_EVT_REACH);
		log_info("ntp: %s (%s) reachable, stratum %u", s->name, s->addr_text,
		    s->assoc.stratum);
	}
	if (r != ASSOC_RX_SAMPLE)
		return;
	sources_select(sd);
	log_peerstats(sd, s, &s->assoc.filter);
	struct stratumd_sources *ss = &sd->sources;
	if (ss->steering >= 0 && &ss->src[ss->steering] == s)
		steer_ntp(sd, s);
}

/* The address a source sends to, and the refid it names while it follows
 * us: that address, or over IPv6 its hash. */
static void
note_local(struct source *s, const struct ntps_pkt *p)
{
	if (!p->has_local)
		return;
	memset(&s->local, 0, sizeof(s->local));
	if (p->peer.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&s->local;
		in->sin_family = AF_INET;
		in->sin_addr = p->local4;
	} else if (p->peer.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&s->local;
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = p->local6;
	}
	s->local_refid = ntp_refid_from_addr(&s->local);
}

static void
on_client(int fd, short revents, void *arg)
{
	struct stratumd *sd = arg;
	struct ntps_pkt p;
	struct ntp_packet pkt;
	union { char buf[CMSG_SPACE_ALL]; struct cmsghdr align; } ctl;

	(void)revents;
	for (int k = 0; k < 64; k++) {
		struct iovec iov = { .iov_base = p.buf, .iov_len = sizeof(p.buf) };
		struct msghdr m;

		memset(&m, 0, sizeof(m));
		m.msg_name = &p.peer;
		m.msg_namelen = sizeof(p.peer);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);
		if (n < 0)
			return;
		p.has_rx = false;
		p.has_local = false;
		ntps_read_cmsgs(&m, &p);
		struct timespec rx = p.has_rx ? p.rx : local_now(sd);
		if ((m.msg_flags & MSG_TRUNC) || ntp_decode(p.buf, (size_t)n, &pkt) != NTP_DECODE_OK)
			continue;
		struct source *s = find_by_addr(sd, &p.peer);
		if (s == NULL || sd->conf.upstream[s->up].kind == UPSTREAM_PEER)
			continue; /* nobody we asked */
		note_local(s, &p);
		handle_reply(sd, s, &pkt, rx);
	}
}

bool
sources_server_packet(struct stratumd *sd, const struct ntps_pkt *p,
    const struct ntp_packet *pkt)
{
	struct source *s = find_by_addr(sd, &p->peer);

	if (s == NULL || sd->conf.upstream[s->up].kind != UPSTREAM_PEER)
		return false;
	note_local(s, p);
	handle_reply(sd, s, pkt, p->has_rx ? p->rx : local_now(sd));
	return true;
}

static bool
server_packet_hook(void *arg, const struct ntps_pkt *p, const struct ntp_packet *pkt)
{
	return sources_server_packet(arg, p, pkt);
}

/* The server's socket of a family, for symmetric mode; else ours. */
static int
send_fd(struct stratumd *sd, const struct source *s)
{
	struct sockaddr_storage ss;
	int family = s->addr.ss_family;

	if (sd->conf.upstream[s->up].kind == UPSTREAM_PEER) {
		for (int i = 0; i < sd->server.nfd; i++) {
			socklen_t len = sizeof(ss);
			if (getsockname(sd->server.fd[i], (struct sockaddr *)&ss, &len) == 0 &&
			    ss.ss_family == family)
				return sd->server.fd[i];
		}
	}
	return family == AF_INET ? sd->sources.fd4 : sd->sources.fd6;
}

/* The client-mode nonce: arc4random is in FreeBSD's libc and in glibc
 * since 2.36 (Debian 12, Raspberry Pi OS). */
static uint64_t
random64(void)
{
	uint64_t v;

	arc4random_buf(&v, sizeof(v));
	return v;
}

static void
poll_source(struct stratumd *sd, struct source *s, double now)
{
	struct ntp_server_state sys;
	struct ntp_packet pkt;
	uint8_t buf[NTP_HEADER_LEN];
	int fd = send_fd(sd, s);

	sync_server_state(sd, &sys);
	bool was = assoc_reachable(&s->assoc);
	assoc_poll(&s->assoc, now, local_now(sd), random64(), &sys, &pkt);
	if (was && !assoc_reachable(&s->assoc)) {
		set_event(s, MODE6_EVT_UNREACH);
		log_warnx("ntp: %s (%s) unreachable", s->name, s->addr_text);
	}
	s->last_sent = now;
	if (fd == -1 || ntp_encode(&pkt, buf, sizeof(buf)) != NTP_HEADER_LEN)
		return;
	if (sendto(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&s->addr,
	    s->addrlen) != (ssize_t)sizeof(buf))
		log_debug("ntp: sending to %s: %s", s->addr_text, strerror(errno));
}

static void
want_resolve(struct stratumd *sd, int up, double when)
{
	struct resolve_slot *rs = &sd->sources.resolve[up];

	if (rs->next == 0 || rs->next > when)
		rs->next = when;
}

/* Servers that stay unreachable are looked up again; pool members that do
 * are replaced. */
static void
check_unreachable(struct stratumd *sd, double now)
{
	struct stratumd_sources *ss = &sd->sources;

	for (int i = 0; i < ss->n; i++) {
		struct source *s = &ss->src[i];
		if (s->kind != SOURCE_NTP || s->addrlen == 0)
			continue;
		bool gone = s->assoc.stopped || (s->assoc.reach == 0 &&
		    s->assoc.unreach >= REPLACE_POLLS);
		if (!gone)
			continue;
		if (sd->conf.upstream[s->up].kind == UPSTREAM_POOL) {
			log_info("ntp: pool member %s dropped (%s); asking %s for another",
			    s->addr_text, s->assoc.stopped ? "refused us" : "unreachable",
			    sd->conf.upstream[s->up].host);
			want_resolve(sd, s->up, now);
			remove_source(sd, s);
			i--;
		} else if (!s->assoc.stopped && s->assoc.unreach == REPLACE_POLLS &&
		    ss->resolve[s->up].next == 0) {
			want_resolve(sd, s->up, now);
		}
	}
}

void
sources_tick(struct stratumd *sd)
{
	struct stratumd_sources *ss = &sd->sources;
	double now = sources_now();

	for (int i = 0; i < sd->conf.nupstream; i++) {
		struct resolve_slot *rs = &ss->resolve[i];
		if (rs->next > 0 && now >= rs->next && rs->pid == 0) {
			rs->next = 0;
			if (resolve_start(sd, i) == -1) {
				log_warn("ntp: looking up %s", sd->conf.upstream[i].host);
				rs->next = now + RESOLVE_RETRY_MIN;
			}
		}
	}
	for (int i = 0; i < ss->n; i++) {
		struct source *s = &ss->src[i];
		if (s->kind != SOURCE_NTP) {
			while (now >= s->rshift) {
				s->rreach = (uint8_t)(s->rreach << 1 | (s->rgot ? 1 : 0));
				s->rgot = false;
				s->rshift += fp_pow2(REFSOURCE_POLL);
			}
			continue;
		}
		if (s->addrlen > 0 && !s->assoc.stopped && now >= s->assoc.next)
			poll_source(sd, s, now);
	}
	check_unreachable(sd, now);
	sources_select(sd);
}

static bool
have_member(struct stratumd *sd, int up, const struct sockaddr_storage *a)
{
	for (int i = 0; i < sd->sources.n; i++)
		if (sd->sources.src[i].up == up && sd->sources.src[i].addrlen > 0 &&
		    same_addr(&sd->sources.src[i].addr, a))
			return true;
	return false;
}

static int
members(const struct stratumd *sd, int up)
{
	int n = 0;

	for (int i = 0; i < sd->sources.n; i++)
		n += sd->sources.src[i].up == up;
	return n;
}

static bool
family_usable(const struct stratumd *sd, int family)
{
	return family == AF_INET ? sd->sources.fd4 != -1 : sd->sources.fd6 != -1;
}

static void
resolved_pool(struct stratumd *sd, int up, const struct sockaddr_storage *addrs,
    const socklen_t *lens, int n)
{
	const struct upstream_conf *u = &sd->conf.upstream[up];

	for (int i = 0; i < n && members(sd, up) < u->maxsources; i++) {
		if (have_member(sd, up, &addrs[i]) || !family_usable(sd, addrs[i].ss_family))
			continue;
		struct source *s = add_source(sd, SOURCE_NTP, up, u->host);
		if (s == NULL) {
			log_warnx("ntp: pool %s: at most %d sources", u->host,
			    STRATUMD_MAX_SOURCES);
			return;
		}
		start_assoc(sd, s, &addrs[i], lens[i]);
		log_info("ntp: pool %s: member %s (association %u)", u->host, s->addr_text,
		    s->associd);
	}
	/* Short of members: ask again later for more. */
	if (members(sd, up) < u->maxsources)
		want_resolve(sd, up, sources_now() + RESOLVE_RETRY_MAX / 4);
}

static void
resolved_one(struct stratumd *sd, int up, const struct sockaddr_storage *addrs,
    const socklen_t *lens, int n)
{
	struct source *s = NULL;
	int pick = -1;

	for (int i = 0; i < sd->sources.n; i++)
		if (sd->sources.src[i].up == up)
			s = &sd->sources.src[i];
	for (int i = 0; i < n && pick == -1; i++)
		if (family_usable(sd, addrs[i].ss_family))
			pick = i;
	if (s == NULL || pick == -1)
		return;
	if (s->addrlen > 0 && same_addr(&s->addr, &addrs[pick]))
		return; /* the same address: nothing changes */
	if (s->addrlen > 0)
		log_info("ntp: %s moved to a new address", s->name);
	start_assoc(sd, s, &addrs[pick], lens[pick]);
	log_info("ntp: %s %s is %s (association %u)", sd->conf.upstream[up].kind ==
	    UPSTREAM_PEER ? "peer" : "server", s->name, s->addr_text, s->associd);
}

void
sources_resolved(struct stratumd *sd, int up, const struct sockaddr_storage *addrs,
    const socklen_t *lens, int n, const char *error)
{
	struct resolve_slot *rs = &sd->sources.resolve[up];
	const struct upstream_conf *u = &sd->conf.upstream[up];

	if (error != NULL) {
		double wait = fp_min(RESOLVE_RETRY_MAX, RESOLVE_RETRY_MIN * fp_pow2(rs->tries));
		rs->tries++;
		log_warnx("ntp: cannot look up %s: %s; again in %.0f s", u->host, error, wait);
		want_resolve(sd, up, sources_now() + wait);
		return;
	}
	rs->tries = 0;
	if (u->kind == UPSTREAM_POOL)
		resolved_pool(sd, up, addrs, lens, n);
	else
		resolved_one(sd, up, addrs, lens, n);
}

int
sources_open(struct stratumd *sd)
{
	struct stratumd_sources *ss = &sd->sources;
	const struct stratumd_conf *c = &sd->conf;

	ss->fd4 = ss->fd6 = -1;
	ss->syspeer = ss->steering = -1;
	ss->next_associd = 1;
	ss->started = sources_now();
	for (int i = 0; i < STRATUMD_MAX_UPSTREAM; i++)
		ss->resolve[i].fd = -1;
	if (sd->have_gps) {
		if (c->pps_device[0] != '\0' || c->pps_socket[0] != '\0')
			add_refclock(sd, SOURCE_PPS, "PPS(0)", &c->pps_src, PPS_ERROR);
		add_refclock(sd, SOURCE_NMEA, "GPS_NMEA(0)", &c->nmea_src, NMEA_ERROR);
	}
	for (int i = 0; i < c->nupstream; i++) {
		if (c->upstream[i].kind != UPSTREAM_POOL &&
		    add_source(sd, SOURCE_NTP, i, c->upstream[i].host) == NULL) {
			log_warnx("ntp: at most %d sources", STRATUMD_MAX_SOURCES);
			return -1;
		}
		ss->resolve[i].next = ss->started;
	}
	sd->server.assoc = server_packet_hook;
	sd->server.assoc_arg = sd;
	if (c->nupstream == 0)
		return 0;
	if ((ss->fd4 = open_client_socket(AF_INET)) == -1)
		log_warn("ntp: client socket (IPv4)");
	if ((ss->fd6 = open_client_socket(AF_INET6)) == -1)
		log_info("ntp: no IPv6 client socket (%s): IPv4 servers only", strerror(errno));
	if (ss->fd4 == -1 && ss->fd6 == -1)
		return -1;
	if ((ss->fd4 != -1 && ev_fd_add(sd->ev, ss->fd4, POLLIN, on_client, sd) == -1) ||
	    (ss->fd6 != -1 && ev_fd_add(sd->ev, ss->fd6, POLLIN, on_client, sd) == -1))
		return -1;
	return 0;
}

void
sources_close(struct stratumd *sd)
{
	struct stratumd_sources *ss = &sd->sources;

	resolve_stop_all(sd);
	if (ss->fd4 != -1) {
		ev_fd_del(sd->ev, ss->fd4);
		close(ss->fd4);
	}
	if (ss->fd6 != -1) {
		ev_fd_del(sd->ev, ss->fd6);
		close(ss->fd6);
	}
	ss->fd4 = ss->fd6 = -1;
}

/* A sample of the receiver's: into its source's filter; steers when that
 * source is what the clock follows. */
void
sources_refclock_sample(struct stratumd *sd, const struct refclock_sample *rs)
{
	struct stratumd_sources *ss = &sd->sources;
	enum source_kind kind = rs->pps ? SOURCE_PPS : SOURCE_NMEA;
	struct source *s = NULL;
	double now = sources_now();

	for (int i = 0; i < ss->n && s == NULL; i++)
		if (ss->src[i].kind == kind)
			s = &ss->src[i];
	if (s == NULL)
		return;
	struct filter_sample fs = { rs->offset, 0.0, kind == SOURCE_PPS ? PPS_ERROR :
		NMEA_ERROR, now };
	bool was = s->rlast >= 0 && now - s->rlast < REFSOURCE_STALE;
	s->rgot = true;
	s->rlast = now;
	if (!was)
		set_event(s, MODE6_EVT_REACH);
	filter_add(&s->rfilter, &fs);
	sources_select(sd);
	/* peerstats has every sample of the receiver, as ntpd logs its
	 * refclocks' (a leap second shows there at once). */
	struct filter one = s->rfilter;
	one.offset = rs->offset;
	one.delay = 0;
	one.disp = fs.disp;
	log_peerstats(sd, s, &one);
	if (ss->steering >= 0 && &ss->src[ss->steering] == s)
		sync_sample(sd, rs);
}

/* ---- selection ---- */

static void
sel_input_refclock(const struct source *s, double now, struct sel_source *in)
{
	const struct filter *f = &s->rfilter;

	in->reachable = f->t >= 0 && s->rlast >= 0 && now - s->rlast < REFSOURCE_STALE;
	in->offset = f->offset;
	in->delay = 0;
	in->disp = filter_disp_at(f, now);
	in->jitter = f->jitter;
	in->age = f->t >= 0 ? now - f->t : 0;
	in->stratum = 0;
	in->pps = s->kind == SOURCE_PPS;
}

static void
sel_input_ntp(const struct stratumd *sd, const struct source *s, double now,
    struct sel_source *in)
{
	const struct assoc *a = &s->assoc;
	const struct filter *f = &a->filter;

	in->reachable = s->addrlen > 0 && assoc_reachable(a) && f->t >= 0 && !a->stopped;
	in->offset = f->offset;
	in->delay = f->delay;
	in->disp = filter_disp_at(f, now);
	in->jitter = f->jitter;
	in->rootdelay = a->rootdelay;
	in->rootdisp = a->rootdisp;
	in->age = f->t >= 0 ? now - f->t : 0;
	in->stratum = a->stratum;
	in->leap = a->leap;
	/* A peer (or server) synchronised to us names our address as its
	 * reference: following it would be following ourselves. */
	in->loop = a->stratum > 1 && s->local_refid != 0 && a->refid == s->local_refid;
	(void)sd;
}

static bool
has_address(const struct stratumd *sd, int up)
{
	for (int i = 0; i < sd->sources.n; i++)
		if (sd->sources.src[i].up == up && sd->sources.src[i].addrlen > 0)
			return true;
	return false;
}

/* True once start-up is over: every iburst association has had its burst. */
static bool
gate_open(const struct stratumd *sd, double now)
{
	const struct stratumd_sources *ss = &sd->sources;

	if (now - ss->started >= STARTUP_GATE_S)
		return true;
	for (int i = 0; i < sd->conf.nupstream; i++)
		if (sd->conf.upstream[i].iburst && ss->resolve[i].tries == 0 &&
		    !has_address(sd, i))
			return false; /* not looked up yet (a failed lookup does not wait) */
	for (int i = 0; i < ss->n; i++) {
		const struct source *s = &ss->src[i];
		if (s->kind != SOURCE_NTP || s->addrlen == 0 || !sd->conf.upstream[s->up].iburst)
			continue;
		/* The burst's last answer, too: with it the filter is full and
		 * its dispersion small enough to outvote a wrong refclock. */
		if (assoc_starting(&s->assoc) || (s->assoc.sent <= ASSOC_BURST &&
		    now - s->last_sent < ASSOC_BURST_GAP))
			return false;
	}
	return true;
}

static void
describe_change(struct stratumd *sd, int before)
{
	struct stratumd_sources *ss = &sd->sources;
	struct ntp_server_state st;
	struct sync_ref ref;
	char refid[64];

	if (ss->steering == before)
		return;
	if (ss->steering >= 0) {
		sync_reference(sd, &ss->src[ss->steering], &ref);
		st.stratum = ref.stratum;
		st.refid = ref.refid;
		sync_refid_text(&st, refid, sizeof(refid));
	}
	if (ss->steering < 0) {
		log_warnx("selection: no source to follow (%s, %d fit, %d agree): holdover",
		    sel_status_name(ss->sel.status), ss->sel.nfit, ss->sel.ntrue);
		return;
	}
	const struct source *s = &ss->src[ss->steering];
	log_info("selection: following %s%s%s%s; clients see stratum %u, refid %s; "
	    "%d of %d fit sources agree", s->name, s->addr_text[0] ? " (" : "", s->addr_text,
	    s->addr_text[0] ? ")" : "", ref.stratum, refid, ss->sel.ntrue, ss->sel.nfit);
	ss->sys_events++;
}

static void
note_tally(const struct source *s, enum sel_tally before)
{
	if (s->sel.tally == SEL_FALSETICK && before != SEL_FALSETICK)
		log_warnx("selection: %s%s%s%s is a falseticker (offset %+.6f s, distance %.6f s)"
		    ": the others agree elsewhere", s->name, s->addr_text[0] ? " (" : "",
		    s->addr_text, s->addr_text[0] ? ")" : "", s->sel.offset, s->sel.distance);
	else if (before == SEL_FALSETICK && s->sel.tally != SEL_FALSETICK)
		log_info("selection: %s%s%s%s agrees again", s->name,
		    s->addr_text[0] ? " (" : "", s->addr_text, s->addr_text[0] ? ")" : "");
}

void
sources_select(struct stratumd *sd)
{
	struct stratumd_sources *ss = &sd->sources;
	struct sel_source in[SEL_MAX];
	enum sel_tally before[SEL_MAX];
	double now = sources_now();
	int n = ss->n < SEL_MAX ? ss->n : SEL_MAX, prev = ss->syspeer, steering = ss->steering;

	for (int i = 0; i < n; i++) {
		const struct source *s = &ss->src[i];
		memset(&in[i], 0, sizeof(in[i]));
		in[i].prefer = s->prefer;
		in[i].noselect = s->noselect;
		if (s->kind == SOURCE_NTP)
			sel_input_ntp(sd, s, now, &in[i]);
		else
			sel_input_refclock(s, now, &in[i]);
		before[i] = s->sel.tally;
	}
	sel_run(&sd->conf.sel, in, n, prev, &ss->sel);
	if (!ss->gate_open && gate_open(sd, now)) {
		ss->gate_open = true;
		log_info("selection: start-up over (%.0f s), %d of %d sources fit",
		    now - ss->started, ss->sel.nfit, n);
	}
	if (!ss->gate_open) {
		for (int i = 0; i < n; i++)
			if (in[i].tally == SEL_SYSPEER || in[i].tally == SEL_PPSPEER)
				in[i].tally = SEL_CANDIDATE;
		ss->sel.syspeer = ss->sel.ppspeer = -1;
		ss->sel.status = SEL_TOO_FEW;
	}
	for (int i = 0; i < n; i++) {
		ss->src[i].sel = in[i];
		note_tally(&ss->src[i], before[i]);
	}
	ss->syspeer = ss->sel.status == SEL_OK ? ss->sel.syspeer : -1;
	if (ss->sel.status != SEL_OK)
		ss->steering = -1;
	else
		ss->steering = ss->sel.ppspeer >= 0 ? ss->sel.ppspeer : ss->sel.syspeer;
	if (ss->steering != steering) {
		if (ss->steering >= 0) {
			struct source *s = &ss->src[ss->steering];
			set_event(s, MODE6_EVT_SYSPEER);
			disc_set_interval(&sd->disc, s->kind == SOURCE_NTP ? ntp_interval(s) : 1.0);
		}
		describe_change(sd, steering);
		/* A server chosen now has a sample already: the loop need not
		 * wait a whole poll for the next. */
		if (ss->steering >= 0 && ss->src[ss->steering].kind == SOURCE_NTP)
			steer_ntp(sd, &ss->src[ss->steering]);
	}
}

/* ---- what the server says of itself ---- */

const struct source *
sources_steering(const struct stratumd *sd)
{
	const struct stratumd_sources *ss = &sd->sources;

	return ss->steering >= 0 ? &ss->src[ss->steering] : NULL;
}

void
sources_view(const struct stratumd *sd, int i, struct source_view *v)
{
	const struct source *s = &sd->sources.src[i];
	bool ntp = s->kind == SOURCE_NTP;
	const struct filter *f = ntp ? &s->assoc.filter : &s->rfilter;
	double now = sources_now(), last = ntp ? s->assoc.last_rx : s->rlast;

	v->src = s;
	v->kind = ntp ? (sd->conf.upstream[s->up].kind == UPSTREAM_PEER ? "peer" :
	    sd->conf.upstream[s->up].kind == UPSTREAM_POOL ? "pool" : "server") :
	    source_kind_name(s->kind);
	v->tally = sel_tally_char(s->sel.tally);
	v->stratum = ntp ? s->assoc.stratum : 0;
	v->reach = ntp ? s->assoc.reach : s->rreach;
	v->poll = ntp ? assoc_poll_interval(&s->assoc) : fp_pow2(REFSOURCE_POLL);
	v->when = last >= 0 ? now - last : -1;
	v->offset = f->t >= 0 ? f->offset : 0;
	v->delay = f->t >= 0 ? f->delay : 0;
	v->jitter = f->t >= 0 ? f->jitter : 0;
	v->dispersion = filter_disp_at(f, now);
}

int
sources_peers_json(struct stratumd *sd, struct jsonw *w)
{
	struct source_view v;

	jsonw_begin_array(w, "sources");
	for (int i = 0; i < sd->sources.n; i++) {
		sources_view(sd, i, &v);
		jsonw_begin(w, NULL);
		jsonw_int(w, "associd", v.src->associd);
		jsonw_str(w, "name", v.src->name);
		jsonw_str(w, "address", v.src->addr_text);
		jsonw_str(w, "kind", v.kind);
		jsonw_strn(w, "tally", &v.tally, 1);
		jsonw_str(w, "unfit",
		    v.src->sel.unfit == SEL_FIT ? "" : sel_unfit_name(v.src->sel.unfit));
		jsonw_int(w, "stratum", v.stratum);
		jsonw_int(w, "reach", v.reach);
		jsonw_double(w, "poll", v.poll, 0);
		jsonw_double(w, "when", v.when, 0);
		jsonw_double(w, "offset", v.offset, 9);
		jsonw_double(w, "delay", v.delay, 9);
		jsonw_double(w, "jitter", v.jitter, 9);
		jsonw_double(w, "dispersion", v.dispersion, 9);
		jsonw_bool(w, "prefer", v.src->prefer);
		jsonw_bool(w, "noselect", v.src->noselect);
		jsonw_end(w);
	}
	jsonw_end(w);
	return 0;
}

enum ntp_leap
sources_leap(struct stratumd *sd)
{
	const struct stratumd_sources *ss = &sd->sources;
	const struct source *s = sources_steering(sd);
	int votes[4] = { 0 }, n = 0;

	if (s != NULL && s->kind != SOURCE_NTP) {
		/* Announced with the pulses (chrony SOCK's leap field; NMEA has
		 * no way to say it). */
		if (s->kind != SOURCE_PPS)
			return NTP_LEAP_NONE;
		return sd->gps.leap == 1 ? NTP_LEAP_ADD : sd->gps.leap == 2 ? NTP_LEAP_DEL :
		    NTP_LEAP_NONE;
	}
	for (int i = 0; i < ss->n; i++) {
		const struct source *x = &ss->src[i];
		if (x->kind == SOURCE_NTP && x->sel.tally >= SEL_CANDIDATE) {
			votes[x->assoc.leap & 3]++;
			n++;
		}
	}
	if (votes[NTP_LEAP_ADD] * 2 > n)
		return NTP_LEAP_ADD;
	if (votes[NTP_LEAP_DEL] * 2 > n)
		return NTP_LEAP_DEL;
	return NTP_LEAP_NONE;
}
