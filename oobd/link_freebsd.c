/*
 * link on FreeBSD: counters from getifaddrs' AF_LINK entries (struct
 * if_data), host routes over a PF_ROUTE socket, and sockets tied to an
 * interface by binding them to its IPv4 address.
 *
 * A route message is struct rt_msghdr followed by the sockaddrs that
 * rtm_addrs names, in bit order, each padded to a multiple of long.  We
 * send RTA_DST (the host), RTA_GATEWAY (the next hop; for a route straight
 * onto the device, the interface as a link-level sockaddr, as `route add
 * -host X -interface ppp0` does) and RTA_IFP (the interface, so the kernel
 * never picks another one for the gateway).  The kernel handles
 * the message inside write(2), which fails with the reason; nothing needs
 * to be read back.  An existing host route is changed with RTM_CHANGE, so
 * "add" replaces, as on Linux.
 *
 * FreeBSD has no per-socket interface binding for IPv4 (IP_BOUND_IF is
 * Apple's), so a probe's or a DNS lookup's packets leave by the routing
 * table: the host route to the destination is what keeps them on the link.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "link.h"

/* Routing-socket sockaddrs are padded to a multiple of sizeof(long). */
#define RT_PAD(len) ((len) > 0 ? 1 + (((len) - 1) | (sizeof(long) - 1)) : sizeof(long))

void
link_sys_counters(const struct sockaddr *sa, const void *data, struct link_iface *ifc)
{
	struct if_data d;

	if (sa->sa_family != AF_LINK || data == NULL)
		return;
	memcpy(&d, data, sizeof(d));
	ifc->rx_bytes = d.ifi_ibytes;
	ifc->tx_bytes = d.ifi_obytes;
	ifc->rx_packets = d.ifi_ipackets;
	ifc->tx_packets = d.ifi_opackets;
	ifc->has_counters = true;
}

/* The interface as a link-level sockaddr: only its index matters, the
 * kernel fills in the rest from the interface. */
static int
link_sockaddr(const char *ifname, struct sockaddr_dl *sdl)
{
	unsigned index = if_nametoindex(ifname);

	if (index == 0) {
		errno = ENXIO;
		return -1;
	}
	memset(sdl, 0, sizeof(*sdl));
	sdl->sdl_len = sizeof(*sdl);
	sdl->sdl_family = AF_LINK;
	sdl->sdl_index = (unsigned short)index;
	return 0;
}

struct route_msg {
	struct rt_msghdr rtm;
	char space[3 * sizeof(struct sockaddr_dl) + 64];
};

static void
append(struct route_msg *m, const void *sa, size_t len)
{
	memcpy((char *)m + m->rtm.rtm_msglen, sa, len);
	m->rtm.rtm_msglen += RT_PAD(len);
}

static void
route_msg_fill(struct route_msg *m, int type, struct in_addr dest, struct in_addr gw,
    const struct sockaddr_dl *ifp)
{
	struct sockaddr_in sin;

	memset(m, 0, sizeof(*m));
	m->rtm.rtm_version = RTM_VERSION;
	m->rtm.rtm_type = type;
	m->rtm.rtm_flags = RTF_UP | RTF_HOST | RTF_STATIC;
	m->rtm.rtm_addrs = RTA_DST | RTA_GATEWAY | RTA_IFP;
	m->rtm.rtm_seq = 1;
	m->rtm.rtm_pid = getpid();
	m->rtm.rtm_msglen = sizeof(m->rtm);

	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_addr = dest;
	append(m, &sin, sizeof(sin));
	if (gw.s_addr != 0) {
		m->rtm.rtm_flags |= RTF_GATEWAY;
		sin.sin_addr = gw;
		append(m, &sin, sizeof(sin));
	} else {
		append(m, ifp, sizeof(*ifp));
	}
	append(m, ifp, sizeof(*ifp));
}

static int
route_write(int type, struct in_addr dest, struct in_addr gw, const struct sockaddr_dl *ifp)
{
	struct route_msg m;
	int fd, e = 0;

	route_msg_fill(&m, type, dest, gw, ifp);
	fd = socket(PF_ROUTE, SOCK_RAW | SOCK_CLOEXEC, AF_INET);
	if (fd == -1)
		return errno;
	if (write(fd, &m, m.rtm.rtm_msglen) == -1)
		e = errno;
	close(fd);
	return e;
}

int
link_sys_route(bool add, struct in_addr dest, struct in_addr gw, const char *ifname,
    char *err, size_t errlen)
{
	struct sockaddr_dl ifp;
	char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	int e;

	inet_ntop(AF_INET, &dest, d, sizeof(d));
	inet_ntop(AF_INET, &gw, g, sizeof(g));
	if (link_sockaddr(ifname, &ifp) == -1) {
		if (!add && errno == ENXIO) /* gone, and its routes with it */
			return 0;
		snprintf(err, errlen, "route %s %s via %s dev %s: %s", add ? "add" : "delete", d,
		    g, ifname, strerror(errno));
		return -1;
	}
	if (add) {
		e = route_write(RTM_ADD, dest, gw, &ifp);
		if (e == EEXIST)
			e = route_write(RTM_CHANGE, dest, gw, &ifp);
	} else {
		e = route_write(RTM_DELETE, dest, gw, &ifp);
		if (e == ESRCH)
			e = 0;
	}
	if (e == 0)
		return 0;
	snprintf(err, errlen, "route %s %s via %s dev %s: %s", add ? "add" : "delete", d, g,
	    ifname, strerror(e));
	return -1;
}

int
link_sys_bind(int fd, const char *ifname, char *err, size_t errlen)
{
	struct link_iface ifc;
	struct sockaddr_in sin;
	int e;

	if (link_iface_get(ifname, &ifc, err, errlen) == -1)
		return -1;
	if (!ifc.exists || !ifc.up || !ifc.has_addr) {
		e = !ifc.exists ? ENXIO : !ifc.up ? ENETDOWN : EADDRNOTAVAIL;
		snprintf(err, errlen, "%s", !ifc.exists ? "no such interface" :
		    !ifc.up ? "interface is down" : "interface has no IPv4 address");
		errno = e;
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_addr = ifc.addr; /* and an ephemeral port */
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		e = errno;
		snprintf(err, errlen, "bind %s: %s", inet_ntoa(ifc.addr), strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}

int
link_sys_tied(int fd, const char *ifname, char *err, size_t errlen)
{
	struct link_iface ifc;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		snprintf(err, errlen, "getsockname: %s", strerror(errno));
		return -1;
	}
	if (link_iface_get(ifname, &ifc, err, errlen) == -1)
		return -1;
	if (sin.sin_family != AF_INET || !ifc.has_addr || sin.sin_addr.s_addr != ifc.addr.s_addr) {
		snprintf(err, errlen, "socket not bound to %s's IPv4 address", ifname);
		return -1;
	}
	return 0;
}
