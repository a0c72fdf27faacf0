/*
 * ntp_serve on FreeBSD: SO_TIMESTAMP with SO_TS_CLOCK = SO_TS_REALTIME for
 * nanosecond receive times (SCM_REALTIME), and IP_RECVDSTADDR /
 * IP_SENDSRCADDR for IPv4's destination address.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <string.h>

#include "ntp_serve.h"

int
ntps_sys_setup(int fd, int family)
{
	int on = 1, clock = SO_TS_REALTIME;

	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_TS_CLOCK, &clock, sizeof(clock)) == -1)
		return -1;
	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_RECVDSTADDR, &on, sizeof(on));
	return 0;
}

bool
ntps_sys_cmsg(const struct cmsghdr *c, struct ntps_pkt *p)
{
	if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_REALTIME) {
		memcpy(&p->rx, CMSG_DATA(c), sizeof(p->rx));
		p->has_rx = true;
		return true;
	}
	if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVDSTADDR) {
		memcpy(&p->local4, CMSG_DATA(c), sizeof(p->local4));
		p->has_local = true;
		return true;
	}
	return false;
}

size_t
ntps_sys_src4(const struct ntps_pkt *p, int *type, unsigned char *data, size_t cap)
{
	if (cap < sizeof(p->local4))
		return 0;
	*type = IP_SENDSRCADDR;
	memcpy(data, &p->local4, sizeof(p->local4));
	return sizeof(p->local4);
}
