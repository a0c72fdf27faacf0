/*
 * ntp_answer: what a server answers to one request (RFC 5905 section 9.2,
 * the "fast xmit" path), as a pure function of the request, the server's
 * synchronisation state and two timestamps.  No sockets, no clock reads:
 * the daemon supplies the kernel receive time and a transmit time read just
 * before sending.
 *
 * The answer is a mode 4 packet of the request's version with:
 *   LI, stratum, refid, precision, root delay, root dispersion and reference
 *   time from the server state (LI 3 and stratum 16 while unsynchronised);
 *   origin = the client's transmit timestamp, copied bit for bit;
 *   receive/transmit = the given times.
 * Requests that are not mode 3 (client), or mode 1 (symmetric active, answered
 * passively as chrony and ntpd do with no association), are dropped.  A
 * rate-limited client gets a kiss-o'-death RATE instead (LI 3, stratum 0,
 * refid "RATE", its transmit time as the origin so it can match it to its
 * request, our real receive and transmit times, which LI 3 and stratum 0
 * tell it not to use), as RFC 5905 7.4 describes.
 */
#ifndef OUTPOST_NTP_ANSWER_H
#define OUTPOST_NTP_ANSWER_H

#include <stdbool.h>
#include <time.h>

#include "ntp_wire.h"

struct ntp_server_state {
	bool synchronised;
	uint8_t stratum;            /* 1 when locked to PPS/GPS */
	uint32_t refid;             /* ntp_refid_ascii("PPS") or ntp_refid_from_addr() */
	int8_t precision;
	double root_delay;          /* seconds */
	double root_dispersion;     /* seconds, already grown since the last update */
	struct timespec reference;  /* when the clock was last set or corrected */
	enum ntp_leap leap;         /* pending leap second announcement */
};

enum ntp_answer_kind {
	NTP_ANSWER_REPLY,
	NTP_ANSWER_KOD_RATE,
	NTP_ANSWER_DROP,
};

/* Decide and fill *resp.  rate_limited: the caller's rate limiter said no. */
enum ntp_answer_kind ntp_answer(const struct ntp_packet *req,
    const struct ntp_server_state *st, bool rate_limited, struct timespec rx,
    struct timespec tx, struct ntp_packet *resp);

#endif
