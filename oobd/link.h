/*
 * link: the network side of oobd's cellular data link, once pppd (or the
 * test's link command) has brought an interface up.
 *
 * The point of the out-of-band link is to work when the home uplink does
 * not, so everything oobd sends for it must leave over the cellular
 * interface whatever the main routing table says.  Three tools for that:
 *
 *  - Host routes.  link_route_add() installs a /32 route to one address
 *    (the relay, the DNS server, each push host) via the cellular
 *    interface, replacing any /32 to the same address in the main table;
 *    no other route is touched, so the box's LAN routes and its default
 *    route stay as they are.  Unbound sockets (ssh for the tunnel, libcurl
 *    for pushes) then use the link for exactly those hosts.
 *    link_route_del() takes such a route away again.  The gateway to give:
 *    link_gateway() (the peer of a point-to-point link such as ppp0,
 *    otherwise the configured one; 0 makes a route straight onto the
 *    device).  Add the routes before probing: an Ethernet-like cellular
 *    interface reaches nothing beyond its subnet without them.
 *
 *  - The egress probe.  link_probe_start() connects over TCP to one
 *    address and port (the relay's ssh port) from a socket tied to the
 *    interface, so it succeeds only if the destination answers through
 *    that interface, never over the home uplink.  Optionally the first
 *    line the server sends must start with a given prefix ("SSH-2.0-"),
 *    which proves the relay itself answered, not a captive portal.
 *
 *  - Sockets tied to the interface for others: link_sys_tied() says
 *    whether one is, so that the DNS lookups over the link (dns.h, whose
 *    sockets c-ares opens) refuse a socket that is not.
 *
 * "Tied to the interface": on Linux SO_BINDTODEVICE (any user since Linux
 * 5.7; before that root or CAP_NET_RAW).  With it the kernel only uses
 * routes over that interface, and with none it takes the destination as
 * on the link: fine on ppp0, but an Ethernet-like modem interface then
 * reaches nothing, hence "add the routes first".  On FreeBSD a bind to the
 * interface's IPv4 address: FreeBSD has no per-socket interface binding
 * for IPv4, so there the host route is what keeps the packets on the link.
 *
 * Route changes need root (CAP_NET_ADMIN on Linux): make them before
 * dropping privileges, or keep a privileged helper for them.
 *
 * Probes never block: they run in the caller's event loop (evloop.h) and
 * report once through their callback, always from the loop (never from
 * inside link_probe_start), with a message that names the interface and
 * the destination.  The object is freed just before its callback runs; a
 * cancel before that means the callback never runs.  Cancel every probe
 * still running before freeing the loop.  Route changes and interface
 * reads are single kernel calls that do not wait on the network.
 *
 * IPv4 only: carriers' 3G data is IPv4, and so is ppp's IPCP.
 */
#ifndef OUTPOST_LINK_H
#define OUTPOST_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

#include "evloop.h"

#define LINK_ERRLEN 256
#define LINK_BANNER_MAX 128

/* An interface as the kernel sees it now. */
struct link_iface {
	bool exists;
	bool up;          /* IFF_UP: configured up */
	bool running;     /* IFF_RUNNING: carrier, or ppp negotiated */
	bool pointopoint; /* IFF_POINTOPOINT (ppp0, tun0) */
	bool has_addr;    /* its first IPv4 address, below */
	struct in_addr addr;
	bool has_peer;    /* the other end of a point-to-point link */
	struct in_addr peer;
	bool has_counters;
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets;
};

/* Fill *ifc for interface name.  0 also when it does not exist (exists
 * false); -1 with err only when the kernel could not be asked.  Counters
 * count since the interface was created: a new ppp0 starts at 0.  On Linux
 * they are the kernel's 32-bit ones (they wrap after 4 GiB). */
int link_iface_get(const char *name, struct link_iface *ifc, char *err, size_t errlen);

/* The gateway for host routes over ifc: its peer if it has one, else
 * configured (which may be 0: a route straight onto the device). */
struct in_addr link_gateway(const struct link_iface *ifc, struct in_addr configured);

/* Add (or replace) the route dest/32 via gw (0: none) over ifname, in the
 * main table; -1 with err (the kernel's reason) on failure.  Deleting a
 * route that is not there is not an error (teardown may run twice). */
int link_route_add(struct in_addr dest, struct in_addr gw, const char *ifname, char *err,
    size_t errlen);
int link_route_del(struct in_addr dest, struct in_addr gw, const char *ifname, char *err,
    size_t errlen);

/* --- egress probe --- */

struct link_probe_conf {
	const char *ifname;
	struct in_addr dest;
	uint16_t port;
	int timeout_ms;          /* for connecting and the banner together */
	const char *banner;      /* NULL: connecting is enough; else the first
	                            line must start with this (e.g. "SSH-2.0-") */
};

enum link_probe_status {
	LINK_PROBE_OK,
	LINK_PROBE_REFUSED,      /* the destination answered with a reset */
	LINK_PROBE_TIMEOUT,      /* no answer, or no banner, in time */
	LINK_PROBE_UNREACHABLE,  /* interface down or gone, no route, ICMP unreachable */
	LINK_PROBE_BAD_BANNER,   /* connected, but not to what was expected */
	LINK_PROBE_ERROR,        /* anything else (errno says what) */
};

struct link_probe_result {
	enum link_probe_status status;
	int error;                    /* errno behind it, or 0 */
	int64_t elapsed_ms;
	char banner[LINK_BANNER_MAX]; /* the first line received, printable ASCII */
	char msg[LINK_ERRLEN];        /* e.g. "cell0: 198.51.100.7:22: Connection refused" */
};

typedef void (*link_probe_cb)(const struct link_probe_result *res, void *arg);
struct link_probe;

/* Start a probe.  NULL with err only for a bad conf or no memory; every
 * network outcome comes through cb.  The conf's strings are copied. */
struct link_probe *link_probe_start(struct ev_loop *loop, const struct link_probe_conf *conf,
    link_probe_cb cb, void *arg, char *err, size_t errlen);
void link_probe_cancel(struct link_probe *p); /* NULL: no-op */

const char *link_probe_status_name(enum link_probe_status s); /* "ok", "refused", ... */

/* --- platform part: link_linux.c, link_freebsd.c --- */

struct sockaddr;
/* If this getifaddrs(3) entry carries the interface's counters (Linux:
 * AF_PACKET with struct rtnl_link_stats; FreeBSD: AF_LINK with struct
 * if_data), copy them into ifc. */
void link_sys_counters(const struct sockaddr *sa, const void *data, struct link_iface *ifc);
/* RTM_NEWROUTE/RTM_DELROUTE or RTM_ADD/RTM_DELETE for dest/32. */
int link_sys_route(bool add, struct in_addr dest, struct in_addr gw, const char *ifname,
    char *err, size_t errlen);
/* Tie socket fd to ifname and bind it to an ephemeral port. */
int link_sys_bind(int fd, const char *ifname, char *err, size_t errlen);
/* Is socket fd tied to ifname?  Linux: SO_BINDTODEVICE names it; FreeBSD:
 * bound to its IPv4 address.  0, or -1 with err saying what is missing. */
int link_sys_tied(int fd, const char *ifname, char *err, size_t errlen);

#endif
