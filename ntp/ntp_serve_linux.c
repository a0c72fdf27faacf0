/*
 * ntp_serve on Linux: SO_TIMESTAMPNS receive times, and IP_PKTINFO for
 * IPv4's destination address, to answer from the address asked.
 */
#define _GNU_SOURCE /* struct in_pktinfo */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "ntp_serve.h"

int
ntps_sys_setup(int fd, int family)
{
	int on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == -1)
		return -1;
	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	return 0;
}

bool
ntps_sys_cmsg(const struct cmsghdr *c, struct ntps_pkt *p)
{
	if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
		memcpy(&p->rx, CMSG_DATA(c), sizeof(p->rx));
		p->has_rx = true;
		return true;
	}
	if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
		struct in_pktinfo pi;
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		p->local4 = pi.ipi_addr;
		p->ifindex = pi.ipi_ifindex;
		p->has_local = true;
		return true;
	}
	return false;
}

size_t
ntps_sys_src4(const struct ntps_pkt *p, int *type, unsigned char *data, size_t cap)
{
	struct in_pktinfo pi;

	if (cap < sizeof(pi))
		return 0;
	memset(&pi, 0, sizeof(pi));
	pi.ipi_spec_dst = p->local4;
	*type = IP_PKTINFO;
	memcpy(data, &pi, sizeof(pi));
	return sizeof(pi);
}
