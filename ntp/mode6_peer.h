/*
 * mode6_peer: one association as `ntpq -p` shows it, from the variables
 * of its READVAR answer (the default list: an empty request) and the
 * status word that answer carried.
 *
 * The columns follow ntpsec's ntpq (pylib/util.py PeerSummary), with
 * delay, offset and jitter in ms to 3 decimals as classic ntpq prints
 * them (ntpsec shows a 4th when the server sends 6, as stratumd does):
 *
 *      remote           refid      st t when poll reach   delay   offset   jitter
 * ==============================================================================
 * *192.0.2.1       .GPS.            1 u   20   64  377    0.417    0.816    0.033
 *
 * tally   " x.-+#*o"[status >> 8 & 7]
 * remote  srchost when sent (refclocks: "PPS(0)"), else srcadr or the name
 *         the caller found for it; cut to 15 characters
 * refid   as sent if it has a '.' or ':', else between dots (".PPS.");
 *         over 15 characters, its last 14 after a '-'
 * st      stratum (20 when not sent, as ntpsec)
 * t       'l' when srchost has a '(' or srcadr is 127.127.x.x, 's' for
 *         hmode 1 (symmetric active), else 'u'
 * when    seconds since rec (reftime when rec is not sent); '-' when it
 *         is 0, not sent, or not in the past; then 35m, 5h, 3d as ntpsec
 * poll    1 << min(ppoll, hpoll) seconds, shown as when is
 * reach   octal
 * delay, offset, jitter: ms (jitter: dispersion when not sent); '.' when
 *         not sent; fewer decimals when a value would take more than 8
 *         columns
 *
 * Pure: no sockets, no name lookups; the time comes in as an argument.
 */
#ifndef OUTPOST_MODE6_PEER_H
#define OUTPOST_MODE6_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODE6_PEER_ADDR_MAX 64   /* an IPv6 address with a scope fits */
#define MODE6_PEER_HOST_MAX 256  /* a DNS name fits */
#define MODE6_PEER_REFID_MAX 64
#define MODE6_PEER_ROW_MAX 160   /* a row with every column at its widest */
#define MODE6_PEER_REMOTE_WIDTH 15
#define MODE6_PEER_REFID_WIDTH 15

/* The table's two heading lines, without newlines. */
extern const char mode6_peer_header[];
extern const char mode6_peer_rule[];

struct mode6_peer {
	uint16_t associd;
	uint16_t status;        /* of the READVAR answer */
	char srcadr[MODE6_PEER_ADDR_MAX];
	char srchost[MODE6_PEER_HOST_MAX];
	char refid[MODE6_PEER_REFID_MAX];
	int stratum;
	int hmode;              /* -1: not sent */
	int ppoll, hpoll;
	unsigned long reach;
	uint64_t rec;           /* NTP timestamp; 0: never, or not sent */
	uint64_t reftime;
	bool have_rec;
	double delay, offset, jitter, dispersion; /* ms; NAN: not sent */
};

void mode6_peer_init(struct mode6_peer *p, uint16_t associd, uint16_t status);
/* One variable of the answer; names it does not use, and values that do
 * not parse, are ignored (ntpq shows what it can). */
void mode6_peer_set(struct mode6_peer *p, const char *name, const char *value);
/* Every variable of the answer's text. */
void mode6_peer_parse(struct mode6_peer *p, const void *text, size_t len);

char mode6_peer_tally(const struct mode6_peer *p);
char mode6_peer_type(const struct mode6_peer *p);
/* The poll interval in seconds. */
long mode6_peer_poll(const struct mode6_peer *p);
/* Whole seconds from rec (or reftime) to now (NTP timestamps, either era);
 * -1 when there is none or it is not in the past. */
long long mode6_peer_when(const struct mode6_peer *p, uint64_t now);
/* jitter, or dispersion when jitter was not sent; NAN when neither was. */
double mode6_peer_jitter(const struct mode6_peer *p);
/* True when the remote column would show srcadr and a name could be
 * looked up for it: no srchost, and a real address (not 127.127.x.x,
 * 0.0.0.0 or ::). */
bool mode6_peer_wants_name(const struct mode6_peer *p);
/* srchost when sent, else srcadr. */
const char *mode6_peer_remote(const struct mode6_peer *p);
/* The refid column's text, before it is cut to its width. */
void mode6_peer_refid_shown(const struct mode6_peer *p, char *buf, size_t len);

/* The row (no newline), with remote in the remote column (NULL:
 * mode6_peer_remote()); its length, or 0 when len is too small
 * (MODE6_PEER_ROW_MAX is always enough). */
size_t mode6_peer_row(const struct mode6_peer *p, const char *remote, uint64_t now, char *out,
    size_t len);

#endif
