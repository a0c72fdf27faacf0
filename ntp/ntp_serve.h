/*
 * ntp_serve: the NTP server's sockets, batched.
 *
 * Listens on UDP sockets (one per address; IPv6 sockets are v6-only, so
 * `0.0.0.0` and `::` are two sockets), takes every waiting request in
 * batches (recvmmsg/sendmmsg where the system has them) with the kernel's
 * receive timestamp, and answers each with ntp_answer().  Answers
 * leave from the address the request was sent to (IP_PKTINFO and
 * IPV6_PKTINFO), so a multi-homed box answers correctly from a wildcard
 * socket.
 *
 * Each request passes, in order: the access list (denied: dropped
 * silently); mode 6 (control, a 12-byte header rather than NTP's 48) goes
 * to the control handler when one is set; the decoder (malformed:
 * dropped); packets of our own associations (a configured peer's mode 1
 * or 2) go to the association handler; the mode check (only client and
 * symmetric-active requests are answered); and the rate limiter (limited:
 * KoD RATE or dropped).  Answers are never larger than the request.
 * Every drop is counted in ntps_stats.
 *
 * The module reads the clock only through the function it is given (the
 * transmit timestamp, and the receive time when the kernel gave none).
 */
#ifndef OUTPOST_NTP_SERVE_H
#define OUTPOST_NTP_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "netacl.h"
#include "ntp_answer.h"
#include "ntp_wire.h"
#include "ratelimit.h"

#define NTPS_BATCH 32
#define NTPS_MAX_BATCHES 8        /* per ntps_serve() call */
#define NTPS_MAX_SOCKETS 8

struct ntps_pkt {
	uint8_t buf[NTP_MAX_PACKET];
	size_t len;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	struct timespec rx;         /* kernel receive timestamp when has_rx */
	bool has_rx;
	bool has_local;             /* the request's destination address is known */
	int ifindex;
	struct in_addr local4;
	struct in6_addr local6;
	bool answer;                /* set by the server: send buf[0..len) back */
	int fd;                     /* the socket it came in on */
};

struct ntps_stats {
	uint64_t received;
	uint64_t replied;
	uint64_t kod_sent;
	uint64_t denied;            /* access list */
	uint64_t malformed;
	uint64_t not_request;       /* modes we do not answer */
	uint64_t control;           /* mode 6 requests */
	uint64_t to_assoc;          /* handed to an association of ours */
	uint64_t rate_dropped;
	uint64_t send_errors;
};

typedef struct timespec (*ntps_clock_fn)(void *arg);
/* Mode 6 requests: fill the answer into p (len ≤ the request's) and return
 * true to send it. */
typedef bool (*ntps_control_fn)(void *arg, struct ntps_pkt *p);
/* A decoded packet that may belong to one of our associations (modes 1, 2
 * and 4): return true when it did (it is then not answered). */
typedef bool (*ntps_assoc_fn)(void *arg, const struct ntps_pkt *p,
    const struct ntp_packet *pkt);

struct ntps {
	int fd[NTPS_MAX_SOCKETS];
	int nfd;
	struct acl acl;
	struct rl_table *rl;        /* NULL: no rate limiting */
	struct ntps_stats stats;
	ntps_clock_fn now;
	void *now_arg;
	ntps_control_fn control;
	void *control_arg;
	ntps_assoc_fn assoc;
	void *assoc_arg;
	struct ntps_pkt batch[NTPS_BATCH];
};

/* acl is copied; rl may be NULL.  The clock function is required. */
void ntps_init(struct ntps *s, const struct acl *acl, struct rl_table *rl,
    ntps_clock_fn now, void *now_arg);
/* Bind a non-blocking UDP socket to addr ("0.0.0.0", "::", "127.0.0.1"...)
 * and port.  Returns its fd, or -1 with a message in err. */
int ntps_listen(struct ntps *s, const char *addr, uint16_t port, char *err, size_t errlen);
void ntps_close(struct ntps *s);
/* Send buf as one datagram to p's sender, from the address p came to.
 * 0, or -1 with errno. */
int ntps_send_to(const struct ntps_pkt *p, const void *buf, size_t len);

/* Answer what is waiting on fd, at most NTPS_MAX_BATCHES batches (the
 * rest waits for the next call: poll reports the fd ready again).  Returns
 * the number of datagrams taken, or -1 with errno when receiving failed
 * (not EAGAIN). */
int ntps_serve(struct ntps *s, int fd, const struct ntp_server_state *st, int64_t now_ms);

/* Pure core: decide the fate of one received packet and, if answered,
 * rewrite p->buf with the answer.  Exposed for tests and the fuzzer. */
void ntps_handle(struct ntps *s, struct ntps_pkt *p, const struct ntp_server_state *st,
    int64_t now_ms);

/* Ask a socket for receive timestamps and destination addresses; read
 * them from a received message; write the source-address control message
 * of an answer into buf (returns its length, 0 for none).  IPv6 is RFC
 * 3542's IPV6_PKTINFO everywhere; the rest is the platform's. */
int ntps_socket_setup(int fd, int family);
void ntps_read_cmsgs(struct msghdr *m, struct ntps_pkt *p);
size_t ntps_write_pktinfo(const struct ntps_pkt *p, char *buf, size_t len);

/* Platform part (ntp_serve_linux.c, ntp_serve_freebsd.c), only what
 * differs: the receive timestamp, and IPv4's destination address.
 * ntps_sys_setup asks for both (IPv4's only when family is AF_INET);
 * ntps_sys_cmsg takes one control message that is either and returns true;
 * ntps_sys_src4 gives IPv4's source-address message (its IPPROTO_IP type,
 * and its data in data[0..return), at most cap bytes). */
int ntps_sys_setup(int fd, int family);
bool ntps_sys_cmsg(const struct cmsghdr *c, struct ntps_pkt *p);
size_t ntps_sys_src4(const struct ntps_pkt *p, int *type, unsigned char *data, size_t cap);

#endif
