/*
 * ntpfloor: the least an NTP server can do per request on this kernel, as
 * the ceiling for the throughput bench.
 *
 *   ntpfloor PORT
 *
 * Bound to 127.0.0.1:PORT, it reads requests in batches of 64 (recvmmsg,
 * with SO_TIMESTAMPNS as a real server needs) and sends each back as a
 * mode-4 stratum-1 answer (sendmmsg) that ntpload counts as valid.  It has
 * no clock, no access list, no rate limit and no statistics: what it
 * reaches is what the load generator and the loopback path allow on this
 * machine, so a server's answers/s can be read as a share of it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64
#define NTP_UNIX_OFFSET 2208988800u

struct batch {
	uint8_t buf[BATCH][128];
	struct sockaddr_in from[BATCH];
	struct iovec iov[BATCH];
	struct mmsghdr msg[BATCH];
	char control[BATCH][64];
};

static void
batch_arm(struct batch *b)
{
	for (int i = 0; i < BATCH; i++) {
		b->iov[i] = (struct iovec){ .iov_base = b->buf[i], .iov_len = sizeof(b->buf[i]) };
		b->msg[i].msg_hdr = (struct msghdr){
			.msg_name = &b->from[i], .msg_namelen = sizeof(b->from[i]),
			.msg_iov = &b->iov[i], .msg_iovlen = 1,
			.msg_control = b->control[i], .msg_controllen = sizeof(b->control[i]),
		};
	}
}

/* The request becomes its answer in place: origin = its transmit time. */
static void
answer(uint8_t *p)
{
	struct timespec t;
	uint32_t s;

	clock_gettime(CLOCK_REALTIME, &t);
	s = htonl((uint32_t)t.tv_sec + NTP_UNIX_OFFSET);
	memcpy(p + 24, p + 40, 8);
	p[0] = 0x24;                    /* LI 0, version 4, mode 4 */
	p[1] = 1;
	p[2] = 4;
	p[3] = 0xec;
	memcpy(p + 12, "PPS", 4);
	memcpy(p + 16, &s, 4);
	memcpy(p + 32, &s, 4);
	memcpy(p + 40, &s, 4);
}

int
main(int argc, char **argv)
{
	static struct batch b;
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd, on = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: ntpfloor PORT\n");
		return 2;
	}
	a.sin_port = htons((uint16_t)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("ntpfloor");
		return 1;
	}
	for (;;) {
		int n, k = 0;

		batch_arm(&b);
		n = recvmmsg(fd, b.msg, BATCH, MSG_WAITFORONE, NULL);
		for (int i = 0; i < n; i++) {
			if (b.msg[i].msg_len < 48)
				continue;       /* not a request: no answer */
			answer(b.buf[i]);
			b.iov[i].iov_len = 48;
			b.msg[k].msg_hdr = b.msg[i].msg_hdr;
			b.msg[k].msg_hdr.msg_control = NULL;
			b.msg[k].msg_hdr.msg_controllen = 0;
			k++;
		}
		if (k > 0)
			(void)sendmmsg(fd, b.msg, (unsigned)k, 0);
	}
}
