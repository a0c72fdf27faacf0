/*
 * ntp_serve on Linux: SO_TIMESTAMPNS receive times, IP_PKTINFO and
 * IPV6_PKTINFO to answer from the address asked.
 */
#define _GNU_SOURCE /* struct in_pktinfo, struct in6_pktinfo */
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
	return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
}

void
ntps_sys_read_cmsgs(struct msghdr *m, struct ntps_pkt *p)
{
	p->has_rx = false;
	p->has_local = false;
	if (m->msg_flags & MSG_CTRUNC)
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&p->rx, CMSG_DATA(c), sizeof(p->rx));
			p->has_rx = true;
		} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			p->local4 = pi.ipi_addr;
			p->ifindex = pi.ipi_ifindex;
			p->has_local = true;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi6;
			memcpy(&pi6, CMSG_DATA(c), sizeof(pi6));
			p->local6 = pi6.ipi6_addr;
			p->ifindex = (int)pi6.ipi6_ifindex;
			p->has_local = true;
		}
	}
}

size_t
ntps_sys_write_pktinfo(const struct ntps_pkt *p, char *buf, size_t len)
{
	struct msghdr m;
	struct cmsghdr *c;

	if (!p->has_local)
		return 0;
	memset(&m, 0, sizeof(m));
	m.msg_control = buf;
	if (p->peer.ss_family == AF_INET) {
		struct in_pktinfo pi;
		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = p->local4;
		m.msg_controllen = CMSG_SPACE(sizeof(pi));
		if (m.msg_controllen > len)
			return 0;
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi6;
		memset(&pi6, 0, sizeof(pi6));
		pi6.ipi6_addr = p->local6;
		pi6.ipi6_ifindex = (unsigned)p->ifindex;
		m.msg_controllen = CMSG_SPACE(sizeof(pi6));
		if (m.msg_controllen > len)
			return 0;
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi6));
		memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
	}
	return m.msg_controllen;
}
