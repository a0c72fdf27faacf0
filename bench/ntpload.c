/*
 * ntpload: an NTP load generator for benchmarks on loopback.
 *
 *   ntpload ADDRESS PORT SECONDS [WINDOW]
 *
 * Keeps up to WINDOW (default 64) client requests in flight on one socket,
 * sent and received in batches, and counts valid answers: mode 4, the
 * origin timestamp equal to a transmit timestamp we sent, stratum 1..15,
 * not a kiss-o'-death.  Prints "valid N sent M seconds S rate R".  Lost
 * requests are written off every 50 ms so the window never stalls.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

int
main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: ntpload address port seconds [window]\n");
		return 2;
	}
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	int port = atoi(argv[2]);
	if (inet_pton(AF_INET, argv[1], &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		sl = sizeof(*in);
	} else if (inet_pton(AF_INET6, argv[1], &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*in6);
	} else {
		fprintf(stderr, "ntpload: bad address %s\n", argv[1]);
		return 2;
	}
	double secs = atof(argv[3]);
	int window = argc > 4 ? atoi(argv[4]) : 64;
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&ss, sl) == -1) {
		perror("ntpload: socket");
		return 1;
	}
	int big = 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));

	static uint8_t tx[BATCH][48], rx[BATCH][128];
	struct mmsghdr sm[BATCH], rm[BATCH];
	struct iovec siov[BATCH], riov[BATCH];
	uint64_t seq = 1, sent = 0, valid = 0, invalid = 0;
	/* Our transmit timestamps are a sequence; answers must echo one of
	 * the last sent, and not older than the window we keep. */
	int inflight = 0;
	double start = now(), end = start + secs, last_reset = start;

	memset(sm, 0, sizeof(sm));
	memset(rm, 0, sizeof(rm));
	for (int i = 0; i < BATCH; i++) {
		memset(tx[i], 0, 48);
		tx[i][0] = 0x23; /* v4, client */
		siov[i].iov_base = tx[i];
		siov[i].iov_len = 48;
		sm[i].msg_hdr.msg_iov = &siov[i];
		sm[i].msg_hdr.msg_iovlen = 1;
		riov[i].iov_base = rx[i];
		riov[i].iov_len = sizeof(rx[i]);
		rm[i].msg_hdr.msg_iov = &riov[i];
		rm[i].msg_hdr.msg_iovlen = 1;
	}
	while (now() < end) {
		int room = window - inflight;
		if (room > BATCH)
			room = BATCH;
		if (room > 0) {
			for (int i = 0; i < room; i++)
				put64(tx[i] + 40, seq++);
			int n = sendmmsg(fd, sm, (unsigned)room, MSG_DONTWAIT);
			if (n > 0) {
				sent += (uint64_t)n;
				inflight += n;
				seq -= (uint64_t)(room - n);
			}
		}
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, 10) == 1) {
			int n = recvmmsg(fd, rm, BATCH, MSG_DONTWAIT, NULL);
			for (int i = 0; i < n; i++) {
				const uint8_t *p = rx[i];
				uint64_t org = get64(p + 24);
				int ok = rm[i].msg_len >= 48 && (p[0] & 7) == 4 && p[1] >= 1 &&
				    p[1] <= 15 && org >= 1 && org < seq &&
				    org + (uint64_t)window * 4 + BATCH >= seq;
				if (ok)
					valid++;
				else
					invalid++;
				inflight--;
			}
		}
		if (now() - last_reset > 0.05) {
			inflight = 0;
			last_reset = now();
		}
	}
	double el = now() - start;
	printf("valid %llu invalid %llu sent %llu seconds %.3f rate %.0f\n",
	    (unsigned long long)valid, (unsigned long long)invalid,
	    (unsigned long long)sent, el, valid / el);
	close(fd);
	return 0;
}
