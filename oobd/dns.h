/*
 * dns: a host name's IPv4 addresses, asked over the cellular link, with
 * c-ares in oobd's event loop.
 *
 * oobd asks the link's DNS servers (today the one that link-dns names),
 * never the box's resolver: the home uplink and its resolver may be the
 * very thing that is broken, and a lookup must not leave by the wired
 * interface.  So:
 *
 *  - dns_lookup_start() asks only the servers it is given, in order, with
 *    A queries, no search domains, no /etc/hosts, nothing read from
 *    /etc/resolv.conf or the environment.  An answer with the TC bit is
 *    asked again over TCP (c-ares does that), over the link too.
 *
 *  - Every socket c-ares opens for it is bound to the interface's IPv4
 *    address (ares_set_local_ip4; the bind failing ends the try) and, on
 *    Linux, tied to the interface (ares_set_local_dev: SO_BINDTODEVICE).
 *    c-ares ignores a failed SO_BINDTODEVICE; we do not: before it
 *    connects, each socket is checked (link_sys_tied) and refused if it
 *    is not tied, so the lookup fails rather than leaks.  Add the host
 *    route to each server first (link.h): on FreeBSD it is what keeps the
 *    packets on the link.
 *
 *  - Time is bounded by us, whatever c-ares does with its own back-off:
 *    the lookup ends "no answer" DNS_TRIES x timeout_ms after it started,
 *    for each server it has.  With one server (oobd's case) that is what
 *    it looks like on the wire: DNS_TRIES queries, timeout_ms apart.  With
 *    more, c-ares asks them in turn, timeout_ms each, then again with a
 *    longer wait until the bound.  An ICMP refusal ends a try at once.
 *
 *  - A name that is an IPv4 literal is its own answer, with no query.
 *
 * A lookup reports once through its callback, always from the loop (never
 * from inside dns_lookup_start), with a message that names the interface,
 * the servers and the name.  The object is freed just before its callback
 * runs; a cancel before that means the callback never runs.  Cancel every
 * lookup still running before freeing the loop.
 *
 * IPv4 only: carriers' 3G data is IPv4, and so is ppp's IPCP.
 */
#ifndef OUTPOST_DNS_H
#define OUTPOST_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "evloop.h"

#define DNS_ERRLEN 256
#define DNS_MAX_SERVERS 3  /* as many as resolv.conf takes */
#define DNS_MAX_ADDRS 4    /* addresses a lookup hands back */
#define DNS_NAME_MAX 253   /* a host name in text, without a final dot */
#define DNS_TRIES 2
#define DNS_PORT 53
/* "a.b.c.d:ppppp," for each server, and the NUL */
#define DNS_SERVERS_TEXT_MAX (DNS_MAX_SERVERS * 22)

struct dns_lookup_conf {
	const char *ifname;                      /* the link's interface */
	struct in_addr servers[DNS_MAX_SERVERS]; /* asked in this order */
	int nservers;                            /* 1..DNS_MAX_SERVERS */
	uint16_t port;                           /* 0: 53 */
	const char *name;
	int timeout_ms; /* for each try (see above) */
};

struct dns_lookup_result {
	bool ok;
	int naddr; /* 1..DNS_MAX_ADDRS when ok */
	struct in_addr addr[DNS_MAX_ADDRS]; /* in the answer's order */
	char msg[DNS_ERRLEN];               /* why not, when !ok */
};

typedef void (*dns_lookup_cb)(const struct dns_lookup_result *res, void *arg);
struct dns_lookup;

/* Start a lookup.  NULL with err only for a bad conf (a name that is not
 * a host name, no server), or when c-ares or the loop could not be set up;
 * every other outcome comes through cb.  The conf's strings are copied. */
struct dns_lookup *dns_lookup_start(struct ev_loop *loop, const struct dns_lookup_conf *conf,
    dns_lookup_cb cb, void *arg, char *err, size_t errlen);
void dns_lookup_cancel(struct dns_lookup *l); /* NULL: no-op */

/* --- the parts that are ours, for the tests --- */

/* A host name: labels of 1..63 letters, digits, '-' and '_', separated by
 * dots, an optional final dot, DNS_NAME_MAX characters at most. */
bool dns_host_name_ok(const char *name);

/* The servers as "192.0.2.53:53,198.51.100.53:53" (port 0: 53): for
 * messages.  -1 when n is out of range or buf (len) too small. */
int dns_servers_text(const struct in_addr *servers, int n, uint16_t port, char *buf, size_t len);

/* What a c-ares status (ARES_ENOTFOUND, ...) that ends a lookup means,
 * for the message: "no such name (NXDOMAIN)". */
const char *dns_status_text(int status);

#endif
