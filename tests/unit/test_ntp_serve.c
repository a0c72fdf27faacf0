/*
 * ntp_serve: real UDP sockets on loopback.  A client request gets a mode 4
 * answer with its transmit time as origin and a kernel receive timestamp;
 * denied, malformed, unexpected and rate-limited requests are counted and
 * not answered (or answered with a KoD).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ntp_serve.h"

static struct timespec
real_now(void *arg)
{
	struct timespec t;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &t);
	return t;
}

static const struct ntp_server_state locked = {
	.synchronised = true, .stratum = 1, .precision = -20,
	.root_dispersion = 0.0001, .reference = { 1764000000, 0 },
};

struct rig {
	struct ntps s;
	int server_fd;
	int client_fd;
	struct sockaddr_storage server;
	socklen_t server_len;
};

static void
rig_up(struct rig *r, int family, const struct acl *acl, struct rl_table *rl)
{
	char err[256];
	const char *addr = family == AF_INET ? "127.0.0.1" : "::1";

	ntps_init(&r->s, acl, rl, real_now, NULL);
	r->server_fd = ntps_listen(&r->s, addr, 0, err, sizeof(err));
	assert_true(r->server_fd >= 0);
	r->server_len = sizeof(r->server);
	assert_int_equal(getsockname(r->server_fd, (struct sockaddr *)&r->server, &r->server_len), 0);
	r->client_fd = socket(family, SOCK_DGRAM, 0);
	assert_true(r->client_fd >= 0);
	assert_int_equal(connect(r->client_fd, (struct sockaddr *)&r->server, r->server_len), 0);
}

static void
rig_down(struct rig *r)
{
	close(r->client_fd);
	ntps_close(&r->s);
}

static void
send_request(struct rig *r, uint8_t mode, uint64_t xmt, size_t len)
{
	uint8_t buf[128];
	struct ntp_packet p;

	memset(&p, 0, sizeof(p));
	p.version = 4;
	p.mode = mode;
	p.transmit = xmt;
	memset(buf, 0, sizeof(buf));
	ntp_encode(&p, buf, sizeof(buf));
	assert_int_equal(send(r->client_fd, buf, len, 0), (ssize_t)len);
}

/* Serve what arrived, then return the answer's length (0: none). */
static ssize_t
serve_and_read(struct rig *r, uint8_t *buf, size_t len)
{
	struct pollfd pfd = { .fd = r->server_fd, .events = POLLIN };

	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_true(ntps_serve(&r->s, r->server_fd, &locked, 0) >= 1);
	pfd.fd = r->client_fd;
	if (poll(&pfd, 1, 200) != 1)
		return 0;
	return recv(r->client_fd, buf, len, 0);
}

static void
answers_client(int family)
{
	struct rig r;
	struct acl acl;
	uint8_t buf[256];
	struct ntp_packet resp;
	struct timespec before = real_now(NULL);

	acl_init(&acl, true);
	rig_up(&r, family, &acl, NULL);
	send_request(&r, NTP_MODE_CLIENT, 0x0123456789abcdefULL, 48);
	ssize_t n = serve_and_read(&r, buf, sizeof(buf));
	assert_int_equal(n, 48);
	assert_int_equal(ntp_decode(buf, (size_t)n, &resp), NTP_DECODE_OK);
	assert_int_equal(resp.mode, NTP_MODE_SERVER);
	assert_int_equal(resp.stratum, 1);
	assert_true(resp.origin == 0x0123456789abcdefULL);
	/* receive time is the kernel's, between our send and now */
	struct timespec rx = ntp_ts_to_timespec(resp.receive, before.tv_sec);
	struct timespec after = real_now(NULL);
	assert_true(rx.tv_sec > before.tv_sec ||
	    (rx.tv_sec == before.tv_sec && rx.tv_nsec >= before.tv_nsec - 1000));
	assert_true(rx.tv_sec < after.tv_sec ||
	    (rx.tv_sec == after.tv_sec && rx.tv_nsec <= after.tv_nsec));
	assert_true(resp.transmit >= resp.receive);
	assert_int_equal(r.s.stats.replied, 1);
	rig_down(&r);
}

static void
test_answers_ipv4(void **state)
{
	(void)state;
	answers_client(AF_INET);
}

static void
test_answers_ipv6(void **state)
{
	(void)state;
	answers_client(AF_INET6);
}

static void
test_drops_and_counts(void **state)
{
	struct rig r;
	struct acl acl;
	uint8_t buf[256];

	(void)state;
	acl_init(&acl, true);
	rig_up(&r, AF_INET, &acl, NULL);
	send_request(&r, NTP_MODE_CLIENT, 1, 40);          /* too short */
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 0);
	send_request(&r, NTP_MODE_SERVER, 1, 48);          /* not a request */
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 0);
	send_request(&r, NTP_MODE_BROADCAST, 1, 48);
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 0);
	assert_int_equal(r.s.stats.malformed, 1);
	assert_int_equal(r.s.stats.not_request, 2);
	assert_int_equal(r.s.stats.replied, 0);
	/* a request with a 20-byte MAC is answered with 48 bytes */
	send_request(&r, NTP_MODE_CLIENT, 2, 68);
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 48);
	rig_down(&r);
}

/* What the hooks saw. */
struct hooks_seen {
	int control, assoc;
	size_t control_len;
	uint8_t assoc_mode;
};

static bool
control_hook(void *arg, struct ntps_pkt *p)
{
	struct hooks_seen *h = arg;

	h->control++;
	h->control_len = p->len;
	/* Answer with 12 bytes in place, and one more datagram directly. */
	memset(p->buf, 0xee, 12);
	p->len = 12;
	assert_int_equal(ntps_send_to(p, "extra", 5), 0);
	return true;
}

static bool
assoc_hook(void *arg, const struct ntps_pkt *p, const struct ntp_packet *pkt)
{
	struct hooks_seen *h = arg;

	(void)p;
	h->assoc++;
	h->assoc_mode = pkt->mode;
	return pkt->mode == NTP_MODE_SYM_ACTIVE; /* "ours": not answered */
}

/* Mode 6 goes to the control handler before the 48-byte decoder (a
 * control request is 12 bytes); modes 1, 2 and 4 are offered to the
 * associations, and what one takes is not answered passively. */
static void
test_control_and_assoc_hooks(void **state)
{
	struct rig r;
	struct acl acl;
	struct hooks_seen h = { 0 };
	uint8_t req[12] = { 2 << 3 | 6, 1 }, buf[256];

	(void)state;
	acl_init(&acl, true);
	rig_up(&r, AF_INET, &acl, NULL);
	/* without a control handler, mode 6 is a non-request */
	assert_int_equal(send(r.client_fd, req, sizeof(req), 0), 12);
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 0);
	assert_int_equal(r.s.stats.not_request, 1);
	r.s.control = control_hook;
	r.s.control_arg = &h;
	r.s.assoc = assoc_hook;
	r.s.assoc_arg = &h;
	assert_int_equal(send(r.client_fd, req, sizeof(req), 0), 12);
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 5); /* sent first */
	assert_memory_equal(buf, "extra", 5);
	assert_int_equal(recv(r.client_fd, buf, sizeof(buf), 0), 12);
	assert_int_equal(buf[0], 0xee);
	assert_int_equal(h.control, 1);
	assert_int_equal(h.control_len, 12);
	assert_int_equal(r.s.stats.control, 1);
	assert_int_equal(r.s.stats.malformed, 0);
	/* a symmetric-active packet of a configured peer: taken, no answer */
	send_request(&r, NTP_MODE_SYM_ACTIVE, 7, 48);
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 0);
	assert_int_equal(h.assoc, 1);
	assert_int_equal(r.s.stats.to_assoc, 1);
	/* a server's answer nobody asked for: offered, refused, dropped */
	send_request(&r, NTP_MODE_SERVER, 8, 48);
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 0);
	assert_int_equal(h.assoc, 2);
	assert_int_equal(h.assoc_mode, NTP_MODE_SERVER);
	assert_int_equal(r.s.stats.not_request, 2);
	/* a client request never goes to the associations */
	send_request(&r, NTP_MODE_CLIENT, 9, 48);
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 48);
	assert_int_equal(h.assoc, 2);
	rig_down(&r);
}

static void
test_acl_denies(void **state)
{
	struct rig r;
	struct acl acl;
	struct acl_rule rule;
	char err[64];
	uint8_t buf[256];

	(void)state;
	acl_init(&acl, true);
	assert_int_equal(acl_parse("127.0.0.0/8", false, &rule, err, sizeof(err)), 0);
	acl_add(&acl, &rule);
	rig_up(&r, AF_INET, &acl, NULL);
	send_request(&r, NTP_MODE_CLIENT, 3, 48);
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 0);
	assert_int_equal(r.s.stats.denied, 1);
	rig_down(&r);
}

static void
test_rate_limit_kod(void **state)
{
	struct rig r;
	struct acl acl;
	struct rl_conf conf = { .interval_ms = 60000, .burst = 2 };
	struct rl_table *rl = rl_new(64, &conf, 5);
	uint8_t buf[256];
	struct ntp_packet resp;

	(void)state;
	acl_init(&acl, true);
	rig_up(&r, AF_INET, &acl, rl);
	for (int i = 0; i < 2; i++) {
		send_request(&r, NTP_MODE_CLIENT, 10 + (uint64_t)i, 48);
		assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 48);
	}
	send_request(&r, NTP_MODE_CLIENT, 20, 48);
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 48);
	assert_int_equal(ntp_decode(buf, 48, &resp), NTP_DECODE_OK);
	assert_int_equal(resp.stratum, 0);
	assert_int_equal(resp.refid, ntp_refid_ascii("RATE"));
	send_request(&r, NTP_MODE_CLIENT, 21, 48);
	assert_int_equal(serve_and_read(&r, buf, sizeof(buf)), 0);
	assert_int_equal(r.s.stats.kod_sent, 1);
	assert_int_equal(r.s.stats.rate_dropped, 1);
	rig_down(&r);
	rl_free(rl);
}

static void
test_batch_of_many(void **state)
{
	struct rig r;
	struct acl acl;
	uint8_t buf[256];
	struct pollfd pfd;
	int got = 0;

	(void)state;
	acl_init(&acl, true);
	rig_up(&r, AF_INET, &acl, NULL);
	for (int i = 0; i < 100; i++)
		send_request(&r, NTP_MODE_CLIENT, 1000 + (uint64_t)i, 48);
	pfd.fd = r.server_fd;
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(ntps_serve(&r.s, r.server_fd, &locked, 0), 100);
	pfd.fd = r.client_fd;
	while (poll(&pfd, 1, 200) == 1 && recv(r.client_fd, buf, sizeof(buf), 0) == 48)
		got++;
	assert_int_equal(got, 100);
	assert_int_equal(r.s.stats.replied, 100);
	rig_down(&r);
}

static void
test_listen_errors(void **state)
{
	struct ntps s;
	struct acl acl;
	char err[256];

	(void)state;
	acl_init(&acl, true);
	ntps_init(&s, &acl, NULL, real_now, NULL);
	assert_int_equal(ntps_listen(&s, "localhost", 123, err, sizeof(err)), -1);
	assert_string_equal(err, "localhost: not an IPv4 or IPv6 address");
	/* 192.0.2.1 (TEST-NET-1) is not ours: bind fails with a message */
	assert_int_equal(ntps_listen(&s, "192.0.2.1", 12399, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "192.0.2.1 port 12399: "));
	ntps_close(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers_ipv4),
		cmocka_unit_test(test_answers_ipv6),
		cmocka_unit_test(test_drops_and_counts),
		cmocka_unit_test(test_control_and_assoc_hooks),
		cmocka_unit_test(test_acl_denies),
		cmocka_unit_test(test_rate_limit_kod),
		cmocka_unit_test(test_batch_of_many),
		cmocka_unit_test(test_listen_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
