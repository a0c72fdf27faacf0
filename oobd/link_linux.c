/*
 * link on Linux: counters from getifaddrs' AF_PACKET entries, host routes
 * over rtnetlink, sockets tied to an interface with SO_BINDTODEVICE.
 *
 * A route request is one message on a fresh NETLINK_ROUTE socket with
 * NLM_F_ACK.  The kernel handles it inside sendto(), so the ack (an
 * NLMSG_ERROR carrying 0 or -errno) is already queued when sendto()
 * returns, and reading it with MSG_DONTWAIT never waits.  Routes are made
 * with protocol "static" in the main table; a delete names the same
 * protocol, gateway and device, so it never takes a route someone else
 * made to the same address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link.h"

void
link_sys_counters(const struct sockaddr *sa, const void *data, struct link_iface *ifc)
{
	struct rtnl_link_stats st;

	if (sa->sa_family != AF_PACKET || data == NULL)
		return;
	memcpy(&st, data, sizeof(st));
	ifc->rx_bytes = st.rx_bytes;
	ifc->tx_bytes = st.tx_bytes;
	ifc->rx_packets = st.rx_packets;
	ifc->tx_packets = st.tx_packets;
	ifc->has_counters = true;
}

struct route_req {
	struct nlmsghdr nh;
	struct rtmsg rt;
	char attrs[3 * RTA_SPACE(sizeof(uint32_t))];
};

/* Append a 4-byte attribute (room for three is in struct route_req). */
static void
attr32(struct route_req *req, unsigned short type, const void *value)
{
	struct rtattr *a = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(sizeof(uint32_t));
	memcpy(RTA_DATA(a), value, sizeof(uint32_t));
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) + RTA_SPACE(sizeof(uint32_t));
}

static void
route_req_fill(struct route_req *req, bool add, struct in_addr dest, struct in_addr gw,
    uint32_t ifindex)
{
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req->nh.nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	req->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (add)
		req->nh.nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	req->nh.nlmsg_seq = 1;
	req->rt.rtm_family = AF_INET;
	req->rt.rtm_dst_len = 32;
	req->rt.rtm_table = RT_TABLE_MAIN;
	req->rt.rtm_protocol = RTPROT_STATIC;
	if (add) {
		req->rt.rtm_scope = gw.s_addr != 0 ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
		req->rt.rtm_type = RTN_UNICAST;
	} else {
		req->rt.rtm_scope = RT_SCOPE_NOWHERE; /* any scope */
	}
	attr32(req, RTA_DST, &dest.s_addr);
	if (gw.s_addr != 0)
		attr32(req, RTA_GATEWAY, &gw.s_addr);
	attr32(req, RTA_OIF, &ifindex);
}

/* The kernel's answer to message seq: 0, or an errno; -1 if none came. */
static int
read_ack(int fd, uint32_t seq)
{
	union {
		struct nlmsghdr nh;
		char buf[8192];
	} u;
	struct sockaddr_nl from;
	socklen_t fromlen;
	ssize_t n;
	size_t left, step;
	struct nlmsghdr *nh;

	for (;;) {
		fromlen = sizeof(from);
		n = recvfrom(fd, u.buf, sizeof(u.buf), MSG_DONTWAIT, (struct sockaddr *)&from,
		    &fromlen);
		if (n <= 0)
			break;
		if (from.nl_pid != 0) /* only the kernel answers */
			continue;
		left = (size_t)n;
		nh = &u.nh;
		while (left >= sizeof(*nh) && nh->nlmsg_len >= sizeof(*nh) &&
		    nh->nlmsg_len <= left) {
			if (nh->nlmsg_seq == seq && nh->nlmsg_type == NLMSG_ERROR) {
				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
					return EPROTO;
				return -((struct nlmsgerr *)NLMSG_DATA(nh))->error;
			}
			step = NLMSG_ALIGN(nh->nlmsg_len);
			if (step >= left)
				break;
			left -= step;
			nh = (struct nlmsghdr *)((char *)nh + step);
		}
	}
	return -1;
}

static void
describe(bool add, struct in_addr dest, struct in_addr gw, const char *ifname, char *out,
    size_t outlen)
{
	char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &dest, d, sizeof(d));
	inet_ntop(AF_INET, &gw, g, sizeof(g));
	if (gw.s_addr != 0)
		snprintf(out, outlen, "route %s %s/32 via %s dev %s", add ? "add" : "del", d, g,
		    ifname);
	else
		snprintf(out, outlen, "route %s %s/32 dev %s", add ? "add" : "del", d, ifname);
}

int
link_sys_route(bool add, struct in_addr dest, struct in_addr gw, const char *ifname,
    char *err, size_t errlen)
{
	struct sockaddr_nl kernel;
	struct route_req req;
	char what[128];
	unsigned ifindex;
	int fd, e;

	describe(add, dest, gw, ifname, what, sizeof(what));
	if ((ifindex = if_nametoindex(ifname)) == 0) {
		if (!add) /* the interface went away, and its routes with it */
			return 0;
		snprintf(err, errlen, "%s: no such interface", what);
		return -1;
	}
	route_req_fill(&req, add, dest, gw, ifindex);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd == -1) {
		snprintf(err, errlen, "%s: netlink socket: %s", what, strerror(errno));
		return -1;
	}
	memset(&kernel, 0, sizeof(kernel));
	kernel.nl_family = AF_NETLINK;
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) ==
	    -1) {
		snprintf(err, errlen, "%s: netlink: %s", what, strerror(errno));
		close(fd);
		return -1;
	}
	e = read_ack(fd, req.nh.nlmsg_seq);
	close(fd);
	if (e == 0 || (!add && e == ESRCH))
		return 0;
	if (e == -1)
		snprintf(err, errlen, "%s: no answer from the kernel", what);
	else
		snprintf(err, errlen, "%s: %s", what, strerror(e));
	return -1;
}

int
link_sys_bind(int fd, const char *ifname, char *err, size_t errlen)
{
	struct sockaddr_in any;
	int e;

	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) ==
	    -1) {
		e = errno;
		snprintf(err, errlen, "SO_BINDTODEVICE: %s", strerror(e));
		errno = e;
		return -1;
	}
	memset(&any, 0, sizeof(any));
	any.sin_family = AF_INET; /* any address, an ephemeral port */
	if (bind(fd, (struct sockaddr *)&any, sizeof(any)) == -1) {
		e = errno;
		snprintf(err, errlen, "bind: %s", strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}

int
link_sys_tied(int fd, const char *ifname, char *err, size_t errlen)
{
	char dev[IFNAMSIZ + 1];
	socklen_t len = IFNAMSIZ;

	memset(dev, 0, sizeof(dev));
	if (getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, &len) == -1) {
		snprintf(err, errlen, "SO_BINDTODEVICE: %s", strerror(errno));
		return -1;
	}
	if (strcmp(dev, ifname) != 0) {
		snprintf(err, errlen, "socket not tied to %s (SO_BINDTODEVICE did not take)",
		    ifname);
		return -1;
	}
	return 0;
}
