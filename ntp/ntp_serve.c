/*
 * ntp_serve: sockets and the per-request checks of the NTP server.
 */
#define _GNU_SOURCE /* glibc: recvmmsg, sendmmsg, in6_pktinfo (FreeBSD: always) */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ntp_serve.h"

/* Room for a timestamp and a packet-info message of any platform. */
#define CMSG_BUF 256

void
ntps_init(struct ntps *s, const struct acl *acl, struct rl_table *rl, ntps_clock_fn now,
    void *now_arg)
{
	memset(s, 0, sizeof(*s));
	s->acl = *acl;
	s->rl = rl;
	s->now = now;
	s->now_arg = now_arg;
}

static int
fill_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		*len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return 0;
	}
	return -1;
}

int
ntps_listen(struct ntps *s, const char *addr, uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int fd, on = 1;

	if (s->nfd >= NTPS_MAX_SOCKETS) {
		snprintf(err, errlen, "%s: too many listening addresses", addr);
		return -1;
	}
	if (fill_sockaddr(addr, port, &ss, &sslen) != 0) {
		snprintf(err, errlen, "%s: not an IPv4 or IPv6 address", addr);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd == -1)
		goto fail;
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		goto fail;
	if (ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto fail;
	if (ntps_socket_setup(fd, ss.ss_family) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1)
		goto fail;
	s->fd[s->nfd++] = fd;
	return fd;
fail:
	snprintf(err, errlen, "%s port %u: %s", addr, port, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

void
ntps_close(struct ntps *s)
{
	for (int i = 0; i < s->nfd; i++)
		close(s->fd[i]);
	s->nfd = 0;
}

void
ntps_handle(struct ntps *s, struct ntps_pkt *p, const struct ntp_server_state *st,
    int64_t now_ms)
{
	struct ntp_packet req, resp;
	bool limited = false;

	p->answer = false;
	s->stats.received++;
	if (!acl_permits(&s->acl, (struct sockaddr *)&p->peer)) {
		s->stats.denied++;
		return;
	}
	if (p->len >= 1 && (p->buf[0] & 7) == NTP_MODE_CONTROL) {
		if (s->control == NULL) {
			s->stats.not_request++;
			return;
		}
		s->stats.control++;
		p->answer = s->control(s->control_arg, p);
		return;
	}
	if (ntp_decode(p->buf, p->len, &req) != NTP_DECODE_OK) {
		s->stats.malformed++;
		return;
	}
	if (s->assoc != NULL && (req.mode == NTP_MODE_SYM_ACTIVE ||
	    req.mode == NTP_MODE_SYM_PASSIVE || req.mode == NTP_MODE_SERVER) &&
	    s->assoc(s->assoc_arg, p, &req)) {
		s->stats.to_assoc++;
		return;
	}
	if (req.mode != NTP_MODE_CLIENT && req.mode != NTP_MODE_SYM_ACTIVE) {
		s->stats.not_request++;
		return;
	}
	if (s->rl != NULL) {
		enum rl_verdict v = rl_check(s->rl, (struct sockaddr *)&p->peer, now_ms);
		if (v == RL_DROP) {
			s->stats.rate_dropped++;
			return;
		}
		limited = v == RL_KOD;
	}
	if (!p->has_rx)
		p->rx = s->now(s->now_arg);
	/* The transmit time is read last, as close to sending as we can. */
	enum ntp_answer_kind act =
	    ntp_answer(&req, st, limited, p->rx, s->now(s->now_arg), &resp);
	if (act == NTP_ANSWER_DROP) {
		s->stats.not_request++;
		return;
	}
	/* A request is at least NTP_HEADER_LEN long, so the answer fits in
	 * its place and is never larger than it. */
	p->len = ntp_encode(&resp, p->buf, p->len);
	p->answer = p->len > 0;
	if (act == NTP_ANSWER_KOD_RATE)
		s->stats.kod_sent++;
	else
		s->stats.replied++;
}

int
ntps_socket_setup(int fd, int family)
{
	int on = 1;

	if (ntps_sys_setup(fd, family) == -1)
		return -1;
	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
	return 0;
}

void
ntps_read_cmsgs(struct msghdr *m, struct ntps_pkt *p)
{
	p->has_rx = false;
	p->has_local = false;
	if (m->msg_flags & MSG_CTRUNC)
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		if (ntps_sys_cmsg(c, p))
			continue;
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi6;
			memcpy(&pi6, CMSG_DATA(c), sizeof(pi6));
			p->local6 = pi6.ipi6_addr;
			p->ifindex = (int)pi6.ipi6_ifindex;
			p->has_local = true;
		}
	}
}

size_t
ntps_write_pktinfo(const struct ntps_pkt *p, char *buf, size_t len)
{
	struct msghdr m;
	struct cmsghdr *c;
	unsigned char data[32];
	size_t n;
	int level, type;

	if (!p->has_local)
		return 0;
	if (p->peer.ss_family == AF_INET) {
		level = IPPROTO_IP;
		n = ntps_sys_src4(p, &type, data, sizeof(data));
	} else {
		struct in6_pktinfo pi6;
		memset(&pi6, 0, sizeof(pi6));
		pi6.ipi6_addr = p->local6;
		pi6.ipi6_ifindex = (unsigned)p->ifindex;
		level = IPPROTO_IPV6;
		type = IPV6_PKTINFO;
		n = sizeof(pi6);
		memcpy(data, &pi6, n);
	}
	memset(&m, 0, sizeof(m));
	m.msg_control = buf;
	m.msg_controllen = CMSG_SPACE(n);
	if (n == 0 || m.msg_controllen > len)
		return 0;
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(n);
	memcpy(CMSG_DATA(c), data, n);
	return m.msg_controllen;
}

static int
recv_batch(int fd, struct ntps_pkt *p, int n)
{
	struct mmsghdr mm[NTPS_BATCH];
	struct iovec iov[NTPS_BATCH];
	union { char buf[CMSG_BUF]; struct cmsghdr align; } ctl[NTPS_BATCH];

	if (n > NTPS_BATCH)
		n = NTPS_BATCH;
	memset(mm, 0, sizeof(mm[0]) * (size_t)n);
	for (int i = 0; i < n; i++) {
		iov[i].iov_base = p[i].buf;
		iov[i].iov_len = sizeof(p[i].buf);
		mm[i].msg_hdr.msg_name = &p[i].peer;
		mm[i].msg_hdr.msg_namelen = sizeof(p[i].peer);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = ctl[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
	}
	int got = recvmmsg(fd, mm, (unsigned)n, MSG_DONTWAIT, NULL);
	if (got <= 0)
		return got;
	for (int i = 0; i < got; i++) {
		p[i].fd = fd;
		/* A datagram larger than the buffer is truncated: it is no NTP
		 * request we answer, so make it fail the decoder. */
		p[i].len = (mm[i].msg_hdr.msg_flags & MSG_TRUNC) ? 0 : mm[i].msg_len;
		p[i].peer_len = mm[i].msg_hdr.msg_namelen;
		ntps_read_cmsgs(&mm[i].msg_hdr, &p[i]);
	}
	return got;
}

int
ntps_send_to(const struct ntps_pkt *p, const void *buf, size_t len)
{
	union { char buf[CMSG_BUF]; struct cmsghdr align; } ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr m;

	memset(&m, 0, sizeof(m));
	m.msg_name = (void *)(uintptr_t)&p->peer;
	m.msg_namelen = p->peer_len;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	size_t cl = ntps_write_pktinfo(p, ctl.buf, sizeof(ctl.buf));
	m.msg_control = cl ? ctl.buf : NULL;
	m.msg_controllen = cl;
	return sendmsg(p->fd, &m, MSG_DONTWAIT) == (ssize_t)len ? 0 : -1;
}

static int
send_batch(int fd, struct ntps_pkt *p, int n)
{
	struct mmsghdr mm[NTPS_BATCH];
	struct iovec iov[NTPS_BATCH];
	union { char buf[CMSG_BUF]; struct cmsghdr align; } ctl[NTPS_BATCH];
	int k = 0, sent = 0;

	if (n > NTPS_BATCH)
		n = NTPS_BATCH;
	for (int i = 0; i < n; i++) {
		if (!p[i].answer)
			continue;
		memset(&mm[k], 0, sizeof(mm[k]));
		iov[k].iov_base = p[i].buf;
		iov[k].iov_len = p[i].len;
		mm[k].msg_hdr.msg_name = &p[i].peer;
		mm[k].msg_hdr.msg_namelen = p[i].peer_len;
		mm[k].msg_hdr.msg_iov = &iov[k];
		mm[k].msg_hdr.msg_iovlen = 1;
		size_t cl = ntps_write_pktinfo(&p[i], ctl[k].buf, sizeof(ctl[k].buf));
		mm[k].msg_hdr.msg_control = cl ? ctl[k].buf : NULL;
		mm[k].msg_hdr.msg_controllen = cl;
		k++;
	}
	/* sendmmsg stops at the first failing message; skip it and go on, so
	 * one unreachable client does not cost the others their answers. */
	while (sent < k) {
		int r = sendmmsg(fd, mm + sent, (unsigned)(k - sent), MSG_DONTWAIT);
		if (r <= 0) {
			if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			k--;
			memmove(mm + sent, mm + sent + 1, sizeof(mm[0]) * (size_t)(k - sent));
			continue;
		}
		sent += r;
	}
	return sent;
}
int
ntps_serve(struct ntps *s, int fd, const struct ntp_server_state *st, int64_t now_ms)
{
	int total = 0;

	/* A bounded number of batches per wakeup: under a flood the loop
	 * still gets to the PPS, serial and control sockets in between. */
	for (int b = 0; b < NTPS_MAX_BATCHES; b++) {
		int n = recv_batch(fd, s->batch, NTPS_BATCH);
		if (n == -1)
			return errno == EAGAIN || errno == EWOULDBLOCK ? total : -1;
		if (n == 0)
			return total;
		int want = 0;
		for (int i = 0; i < n; i++) {
			ntps_handle(s, &s->batch[i], st, now_ms);
			want += s->batch[i].answer;
		}
		if (want > 0) {
			int sent = send_batch(fd, s->batch, n);
			if (sent < want)
				s->stats.send_errors += (uint64_t)(want - (sent < 0 ? 0 : sent));
		}
		total += n;
		if (n < NTPS_BATCH)
			break;
	}
	return total;
}
