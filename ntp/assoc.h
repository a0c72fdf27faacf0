/*
 * assoc: one NTP association of ours, the client side of RFC 5905.  A
 * `server` or a `pool` member is polled in client mode (3, answered in
 * mode 4); a `peer` in symmetric active mode (1 both ways), so that two
 * boxes can discipline each other.
 *
 * The module decides what to send and when, checks what comes back and
 * turns valid replies into clock-filter samples.  It never touches a
 * socket or reads a clock: the caller gives it the monotonic time `now`
 * (s, for scheduling and ages) and the local clock's readings at sending
 * and at receiving (the timestamps of the NTP on-wire protocol).
 *
 * Sending (assoc_poll, when now >= assoc.next):
 *   - Client mode: origin and receive are zero and transmit is the caller's
 *     random nonce (data minimisation, as chrony does): a reply must echo
 *     it, so a blind attacker cannot forge one; the local send time is kept
 *     as T1 (a nonce of 0 is sent as 1: a reply without origin must not
 *     match).  Symmetric mode: origin and receive are the peer's last
 *     transmit time and our receive time of it, transmit our clock (the
 *     peer uses it as its T3), with our system state (leap, stratum, refid,
 *     root delay and dispersion) from the given server state.
 *   - reach shifts left once per poll interval (not for the later packets
 *     of a burst); a valid answer to any packet sets bit 0.  When none of
 *     the last three polls was answered, a dummy (0, 0, MAXDISP) sample
 *     goes into the filter (at this and every further poll; not before
 *     three polls have been made).
 *   - iburst: while the association is unreachable, a poll is a burst of
 *     ASSOC_BURST packets ASSOC_BURST_GAP s apart: the first poll, and the
 *     one at which reach falls to 0.  A server that stays silent gets one
 *     packet a poll, not a burst each time.
 *   - The next poll is 2^hpoll s after the last packet of the poll (the
 *     last of a burst).  hpoll starts at minpoll; after each sample that
 *     gives the filter a new result outside a burst it moves as ntpd's
 *     poll counter does, per association: +hpoll when the new offset is
 *     within 4 jitters of the last, else -2 hpoll; at +-ASSOC_POLL_LIMIT
 *     the counter restarts and hpoll steps by one within [minpoll,
 *     maxpoll] (a shorter one brings the next poll forward); at the end
 *     of the range the counter stays at the limit.  The jitter is the
 *     filter's as the last offset was used (last_jitter): the filter's own
 *     jitter already counts the new offset, and any jump the popcorn gate
 *     lets through would pass 4 of those.  After
 *     ASSOC_UNREACH polls without an answer hpoll grows by one (at most
 *     maxpoll) at every further poll; the first valid answer after that
 *     puts it back to minpoll.
 *
 * Receiving (assoc_receive), in order:
 *   - the mode must fit (4 for client, 1 or 2 for symmetric);
 *   - transmit 0, or equal to the last one seen: duplicate, dropped;
 *   - origin or receive zero: the remote has not heard from us yet; in
 *     symmetric mode this is how an exchange starts (ASSOC_RX_START: the
 *     peer's transmit and our receive time are kept for our next packet,
 *     no sample), in client mode it is bogus;
 *   - origin must equal our last transmit and that packet must still be
 *     unanswered: else bogus, dropped (symmetric mode still learns the
 *     peer's transmit and our receive time, as RFC 5905 says, so the
 *     exchange recovers);
 *   - from here the packet answers ours: it is no longer awaited;
 *   - kiss-o'-death (stratum 0, refid RATE/DENY/RSTR): RATE raises minpoll
 *     to the server's poll (at least minpoll + 1, at most maxpoll), ends the
 *     burst and waits a whole poll; DENY and RSTR stop the association for
 *     good (assoc.stopped); neither sets reach.  Other codes are not acted
 *     on: stratum 0 is "unspecified", so the next test finds it unsynchronised;
 *   - the remote's header (leap, stratum, precision, root delay and
 *     dispersion, refid, reference time) is kept from here on, before the
 *     two tests below, so selection sees an unsynchronised or bad remote
 *     as such; the packet sets reach;
 *   - LI 3 or stratum 0 or >= 16: the remote is not synchronised; it is
 *     reachable but gives no sample;
 *   - root distance (root delay / 2 + root dispersion) >= ASSOC_MAXDIST,
 *     or reference time zero or later than transmit time (compared as a
 *     signed difference, so across an era too): bad header; reachable, no
 *     sample;
 *   - otherwise offset = ((T2 - T1) + (T3 - T4)) / 2, delay = (T4 - T1) -
 *     (T3 - T2) (at least the precision), dispersion = precision +
 *     PHI * delay, into the clock filter; precision is 2^ours + 2^theirs,
 *     and the differences are of the 64-bit timestamps, signed.
 *
 * Each failed test sets a bit in assoc.flash (ntpq's flash variable, in
 * ntpd's bit order) for the packet that failed it.
 */
#ifndef OUTPOST_ASSOC_H
#define OUTPOST_ASSOC_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "filter.h"
#include "ntp_answer.h"
#include "ntp_wire.h"

#define ASSOC_MINPOLL 6         /* defaults, log2 s */
#define ASSOC_MAXPOLL 10
#define ASSOC_POLL_MIN 1        /* what a configuration may give (2 s: tests, LANs) */
#define ASSOC_POLL_MAX 17
#define ASSOC_BURST 8           /* packets in an iburst: RFC 5905's BCOUNT, a full filter */
#define ASSOC_BURST_GAP 2.0     /* s between them */
#define ASSOC_POLL_LIMIT 30
#define ASSOC_UNREACH 10        /* polls without answer before backing off */
#define ASSOC_MAXDIST 16.0      /* s, a root distance that means nothing */

/* ntpd's flash bits (ntpq shows them in hex). */
#define ASSOC_FLASH_DUP     0x0001  /* duplicate */
#define ASSOC_FLASH_BOGUS   0x0002  /* origin does not match */
#define ASSOC_FLASH_UNSYNC  0x0004  /* origin or receive is zero (symmetric start) */
#define ASSOC_FLASH_DIST    0x0100  /* root distance too large */
#define ASSOC_FLASH_LEAP    0x0200  /* remote not synchronised */
#define ASSOC_FLASH_HEADER  0x0400  /* header values out of range */
#define ASSOC_FLASH_KOD     0x0800  /* kiss-o'-death */

enum assoc_mode { ASSOC_CLIENT, ASSOC_SYMMETRIC };

struct assoc_conf {
	enum assoc_mode mode;
	bool iburst;
	int minpoll, maxpoll;       /* log2 s, ASSOC_POLL_MIN..ASSOC_POLL_MAX */
	uint8_t version;            /* what we send: 4 */
};

enum assoc_rx {
	ASSOC_RX_SAMPLE,            /* valid; the filter gave a new result */
	ASSOC_RX_KEPT,              /* valid; sample kept, filter result unchanged */
	ASSOC_RX_UNSYNC,            /* valid reply of an unsynchronised remote */
	ASSOC_RX_KOD_RATE,          /* valid kiss-o'-death: backing off */
	ASSOC_RX_KOD_STOP,          /* valid DENY or RSTR: stopped */
	ASSOC_RX_DUPLICATE,         /* dropped */
	ASSOC_RX_BOGUS,             /* dropped: not an answer to our last packet */
	ASSOC_RX_BADMODE,           /* dropped: mode does not fit the association */
	ASSOC_RX_BADHEADER,         /* answer, but distance or times out of range */
	ASSOC_RX_START,             /* symmetric peer's packet with origin or
	                             * receive 0: kept for our reply, no sample */
};

struct assoc {
	struct assoc_conf conf;
	/* What the remote said in its last valid packet. */
	uint8_t leap, stratum, version;
	int8_t ppoll, precision;
	double rootdelay, rootdisp; /* s */
	uint32_t refid;             /* wire byte order, as ntp_packet has it */
	uint64_t reftime;
	/* On-wire protocol state. */
	uint64_t org;               /* remote's transmit field of its last packet */
	uint64_t rec;               /* our receive time of that packet (NTP format) */
	uint64_t xmt;               /* transmit field of our last packet */
	struct timespec xmt_local;  /* local clock when it left (T1) */
	bool awaiting;              /* our last packet has no valid answer yet */
	/* Reach and polling. */
	uint8_t reach;
	int unreach;                /* polls since the last valid answer */
	int hpoll;                  /* log2 s */
	int burst;                  /* packets of the current burst still to send */
	int poll_score;
	double last_jitter;         /* s, filter jitter at the last new result */
	double next;                /* monotonic s: next packet due */
	double last_rx;             /* monotonic s of the last valid answer; < 0 none */
	double last_poll;           /* monotonic s of the last poll (not burst) */
	bool stopped;               /* DENY/RSTR: never polled again */
	uint16_t flash;             /* tests the last packet failed */
	double local_precision;     /* s, as given to assoc_init */
	struct filter filter;
	/* Counters. */
	unsigned long sent, received, dropped, kod;
};

void assoc_default_conf(struct assoc_conf *c);
/* First poll is due at now.  precision: the local clock's, s (2^precision). */
void assoc_init(struct assoc *a, const struct assoc_conf *c, double now, double precision);

/* Due to send when !stopped and now >= next.  Fill *out (48 bytes when
 * encoded) and schedule the next.  local: our clock now; nonce: 64 random
 * bits (client mode); sys: our own state (symmetric mode). */
void assoc_poll(struct assoc *a, double now, struct timespec local, uint64_t nonce,
    const struct ntp_server_state *sys, struct ntp_packet *out);

/* A packet from the association's address.  rx_local: our clock when it
 * arrived (the kernel's timestamp when there is one). */
enum assoc_rx assoc_receive(struct assoc *a, const struct ntp_packet *p,
    struct timespec rx_local, double now);

/* True while the first burst of an iburst association is still going (or
 * has not started).  Selection waits for these to finish. */
bool assoc_starting(const struct assoc *a);
/* Reachable: one of the last eight polls answered. */
bool assoc_reachable(const struct assoc *a);
/* s between polls now: 2^hpoll. */
double assoc_poll_interval(const struct assoc *a);
const char *assoc_rx_name(enum assoc_rx r);

#endif
