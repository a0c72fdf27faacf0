/*
 * assoc: the client side of NTP against our own server code through the
 * wire codec.  Times are binary fractions of a second, so every offset and
 * delay below is exact: T1..T4 are worked out in each test's comment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "assoc.h"
#include "ntp_answer.h"
#include "ntp_wire.h"

#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

#define BASE 1764000000          /* 2025-11-24, an ordinary day */
#define ERA1 2085978496          /* 2036-02-07T06:28:16Z: NTP seconds wrap */
#define Y2038 2147483648LL       /* 2038-01-19T03:14:08Z: 32-bit time_t wraps */
#define LPREC 0x1p-20            /* our clock's precision */
#define NONCE 0x0123456789abcdefULL

/* A path to a server: its clock is theta ahead of ours; the request takes
 * out s, the server holds it proc s, the answer takes back s. */
struct link {
	time_t base;            /* our clock reads base + start + now */
	double start;
	double theta, out, proc, back;
};

static const struct link plain = { BASE, 0.0, 0.5, 1.0 / 64, 1.0 / 512, 1.0 / 32 };

static struct timespec
at(time_t base, double rel)
{
	double whole = floor(rel);
	struct timespec t;

	t.tv_sec = base + (time_t)whole;
	t.tv_nsec = (long)llround((rel - whole) * 1e9);
	return t;
}

/* Through the codec, as on a real socket. */
static struct ntp_packet
wire(const struct ntp_packet *p)
{
	uint8_t buf[NTP_HEADER_LEN];
	struct ntp_packet q;

	assert_int_equal(ntp_encode(p, buf, sizeof(buf)), NTP_HEADER_LEN);
	assert_int_equal(ntp_decode(buf, sizeof(buf), &q), NTP_DECODE_OK);
	return q;
}

static struct ntp_packet
send_poll(struct assoc *a, const struct link *l, double now, uint64_t nonce)
{
	struct ntp_packet req;

	assoc_poll(a, now, at(l->base, l->start + now), nonce, NULL, &req);
	return wire(&req);
}

static struct ntp_server_state
server_state(const struct link *l, double now)
{
	struct ntp_server_state st = {
		.synchronised = true, .stratum = 1, .precision = -20,
		.root_delay = 0.0, .root_dispersion = 0.0001, .leap = NTP_LEAP_NONE,
	};

	st.refid = ntp_refid_ascii("GPS");
	st.reference = at(l->base, l->start + now + l->theta - 16.0);
	return st;
}

/* What the server at the far end of l answers to req sent at now. */
static struct ntp_packet
server_reply(const struct ntp_packet *req, const struct link *l, double now,
    const struct ntp_server_state *st, bool rate_limited)
{
	struct ntp_packet resp;
	double t2 = l->start + now + l->out + l->theta;

	(void)ntp_answer(req, st, rate_limited, at(l->base, t2),
	    at(l->base, t2 + l->proc), &resp);
	return resp;
}

static double
arrival(const struct link *l, double now)
{
	return now + l->out + l->proc + l->back;
}

static enum assoc_rx
deliver(struct assoc *a, const struct ntp_packet *resp, const struct link *l, double now)
{
	struct ntp_packet p = wire(resp);
	double t4 = arrival(l, now);

	return assoc_receive(a, &p, at(l->base, l->start + t4), t4);
}

/* One whole poll: request, answer, receive.  Returns what receive said. */
static enum assoc_rx
exchange(struct assoc *a, const struct link *l, double now)
{
	struct ntp_packet req = send_poll(a, l, now, NONCE + a->sent);
	struct ntp_server_state st = server_state(l, now);
	struct ntp_packet resp = server_reply(&req, l, now, &st, false);

	return deliver(a, &resp, l, now);
}

static void
client(struct assoc *a, bool iburst)
{
	struct assoc_conf c;

	assoc_default_conf(&c);
	c.iburst = iburst;
	assoc_init(a, &c, 0.0, LPREC);
}

/* offset = theta + (out - back) / 2, delay = out + back. */
static void
assert_sample(const struct assoc *a, const struct link *l)
{
	assert_near(a->filter.st[0].offset, l->theta + (l->out - l->back) / 2, 0.0);
	assert_near(a->filter.st[0].delay, l->out + l->back, 0.0);
}

static void
test_client_exchange(void **state)
{
	struct assoc a;
	struct ntp_packet req, resp;
	struct ntp_server_state st;

	(void)state;
	client(&a, false);
	assert_near(a.next, 0.0, 0.0);
	assert_int_equal(a.hpoll, 6);
	req = send_poll(&a, &plain, 0.0, NONCE);
	/* Nothing of ours on the wire but the nonce. */
	assert_int_equal(req.mode, NTP_MODE_CLIENT);
	assert_int_equal(req.version, 4);
	assert_int_equal(req.leap, 0);
	assert_int_equal(req.stratum, 0);
	assert_int_equal(req.poll, 6);
	assert_true(req.origin == 0 && req.receive == 0 && req.reference == 0);
	assert_true(req.root_delay == 0 && req.root_dispersion == 0 && req.refid == 0);
	assert_true(req.transmit == NONCE);
	assert_true(a.xmt == NONCE);
	assert_int_equal(a.xmt_local.tv_sec, BASE);
	assert_int_equal(a.xmt_local.tv_nsec, 0);
	assert_near(a.next, 64.0, 0.0);
	assert_true(a.awaiting);
	assert_int_equal(a.sent, 1);

	/* T1 = 0, T2 = 1/64 + 1/2, T3 = T2 + 1/512, T4 = 1/64 + 1/512 + 1/32:
	 * offset = ((T2 - T1) + (T3 - T4)) / 2 = (33/64 + 15/32) / 2 = 63/128,
	 * delay = (T4 - T1) - (T3 - T2) = 3/64. */
	st = server_state(&plain, 0.0);
	resp = server_reply(&req, &plain, 0.0, &st, false);
	assert_int_equal(deliver(&a, &resp, &plain, 0.0), ASSOC_RX_SAMPLE);
	assert_near(a.filter.offset, 0.4921875, 0.0);
	assert_near(a.filter.delay, 0.046875, 0.0);
	/* Sample dispersion: both precisions plus PHI times the delay. */
	assert_near(a.filter.st[0].disp, 2 * 0x1p-20 + 15e-6 * 0.046875, 1e-15);
	assert_near(a.filter.t, arrival(&plain, 0.0), 0.0);
	assert_int_equal(a.reach, 1);
	assert_int_equal(a.flash, 0);
	assert_int_equal(a.unreach, 0);
	assert_false(a.awaiting);
	assert_int_equal(a.stratum, 1);
	assert_int_equal(a.refid, ntp_refid_ascii("GPS"));
	assert_int_equal(a.precision, -20);
	assert_near(a.rootdisp, ntp_short_to_double(ntp_short_from_double(0.0001)), 0.0);
	assert_near(a.last_rx, arrival(&plain, 0.0), 0.0);
	assert_true(assoc_reachable(&a));
}

/* A tiny delay is raised to the precision, so the filter never sees 0. */
static void
test_delay_floor(void **state)
{
	struct assoc a;
	struct link l = plain;

	(void)state;
	client(&a, false);
	l.out = 0.0;
	l.back = 0.0;
	assert_int_equal(exchange(&a, &l, 0.0), ASSOC_RX_SAMPLE);
	assert_near(a.filter.st[0].delay, 2 * 0x1p-20, 0.0);
	assert_near(a.filter.st[0].offset, 0.5, 0.0);
}

static void
check_across(time_t base, double start, double theta)
{
	struct assoc a;
	struct link l = { base, start, theta, 1.0 / 64, 1.0 / 512, 1.0 / 32 };

	client(&a, false);
	assert_int_equal(exchange(&a, &l, 0.0), ASSOC_RX_SAMPLE);
	assert_sample(&a, &l);
	assert_near(a.filter.offset, theta - 1.0 / 128, 0.0);
	assert_near(a.filter.delay, 0.046875, 0.0);
}

/*
 * T1 = 2036-02-07T06:28:15.984375 (NTP seconds 0xffffffff, era 0), T4 =
 * 06:28:16.033203125 (NTP seconds 0, era 1).  With theta +1/2 the server's
 * T2 and T3 are in era 1 too; with -1/2 they are in era 0.
 */
static void
test_era_boundary(void **state)
{
	(void)state;
	assert_true((ntp_ts_from_timespec(at(ERA1 - 1, 0.984375)) >> 32) == 0xffffffffU);
	assert_true((ntp_ts_from_timespec(at(ERA1 - 1, 1.033203125)) >> 32) == 0);
	check_across(ERA1 - 1, 0.984375, 0.5);
	check_across(ERA1 - 1, 0.984375, -0.5);
	/* A server 3 s behind across the wrap: T2, T3 in era 0, T1, T4 in 1. */
	check_across(ERA1, 0.0, -3.0);
}

/* T1 = 2038-01-19T03:14:07.984375, the rest after 03:14:08. */
static void
test_2038(void **state)
{
	(void)state;
	check_across((time_t)(Y2038 - 1), 0.984375, 0.5);
	check_across((time_t)(Y2038 - 1), 0.984375, -0.5);
	check_across((time_t)Y2038, 0.0, 0.25);
}

static void
test_nonce_must_be_echoed(void **state)
{
	struct assoc a;
	struct ntp_packet req, resp;
	struct ntp_server_state st = server_state(&plain, 0.0);

	(void)state;
	client(&a, false);
	req = send_poll(&a, &plain, 0.0, NONCE);
	resp = server_reply(&req, &plain, 0.0, &st, false);
	/* A blind forger does not know the nonce. */
	resp.origin = NONCE ^ 1;
	assert_int_equal(deliver(&a, &resp, &plain, 0.0), ASSOC_RX_BOGUS);
	assert_int_equal(a.flash, ASSOC_FLASH_BOGUS);
	assert_int_equal(a.reach, 0);
	assert_int_equal(a.filter.n, 0);
	assert_true(a.awaiting);
	assert_int_equal(a.dropped, 1);
	/* No origin at all is no better. */
	resp.origin = 0;
	assert_int_equal(deliver(&a, &resp, &plain, 0.0), ASSOC_RX_BOGUS);
	assert_int_equal(a.flash, ASSOC_FLASH_BOGUS | ASSOC_FLASH_UNSYNC);
	/* The real answer still counts. */
	resp.origin = NONCE;
	assert_int_equal(deliver(&a, &resp, &plain, 0.0), ASSOC_RX_SAMPLE);
	assert_int_equal(a.reach, 1);
}

static void
test_nonce_zero_is_not_sent(void **state)
{
	struct assoc a;
	struct ntp_packet req;

	(void)state;
	client(&a, false);
	req = send_poll(&a, &plain, 0.0, 0);
	assert_true(req.transmit != 0);
	assert_true(a.xmt == req.transmit);
}

static void
test_duplicates(void **state)
{
	struct assoc a;
	struct ntp_packet req, resp, again;
	struct ntp_server_state st = server_state(&plain, 0.0);

	(void)state;
	client(&a, false);
	req = send_poll(&a, &plain, 0.0, NONCE);
	resp = server_reply(&req, &plain, 0.0, &st, false);
	assert_int_equal(deliver(&a, &resp, &plain, 0.0), ASSOC_RX_SAMPLE);
	/* The same datagram again. */
	assert_int_equal(deliver(&a, &resp, &plain, 0.0), ASSOC_RX_DUPLICATE);
	assert_int_equal(a.flash, ASSOC_FLASH_DUP);
	/* A second, different answer to the same request. */
	again = resp;
	again.transmit += 1ULL << 20;
	assert_int_equal(deliver(&a, &again, &plain, 0.0), ASSOC_RX_BOGUS);
	assert_int_equal(a.flash, ASSOC_FLASH_BOGUS);
	/* A transmit time of zero is never an answer. */
	again.transmit = 0;
	assert_int_equal(deliver(&a, &again, &plain, 0.0), ASSOC_RX_DUPLICATE);
	assert_int_equal(a.filter.n, 1);
	assert_int_equal(a.dropped, 3);
	assert_int_equal(a.received, 4);
}

static void
test_wrong_mode(void **state)
{
	struct assoc a;
	struct assoc_conf c;
	struct ntp_packet req, resp;
	struct ntp_server_state st = server_state(&plain, 0.0);
	const uint8_t not_server[] = { NTP_MODE_RESERVED, NTP_MODE_SYM_ACTIVE,
		NTP_MODE_SYM_PASSIVE, NTP_MODE_CLIENT, NTP_MODE_BROADCAST, NTP_MODE_CONTROL,
		NTP_MODE_PRIVATE };

	(void)state;
	client(&a, false);
	req = send_poll(&a, &plain, 0.0, NONCE);
	resp = server_reply(&req, &plain, 0.0, &st, false);
	for (size_t i = 0; i < sizeof(not_server); i++) {
		struct ntp_packet p = resp;

		p.mode = not_server[i];
		assert_int_equal(deliver(&a, &p, &plain, 0.0), ASSOC_RX_BADMODE);
	}
	assert_true(a.awaiting);
	assert_int_equal(deliver(&a, &resp, &plain, 0.0), ASSOC_RX_SAMPLE);

	/* A symmetric association takes 1 and 2, not a server's 4. */
	assoc_default_conf(&c);
	c.mode = ASSOC_SYMMETRIC;
	assoc_init(&a, &c, 0.0, LPREC);
	assoc_poll(&a, 0.0, at(BASE, 0.0), 0, NULL, &req);
	resp.origin = a.xmt;
	resp.mode = NTP_MODE_SERVER;
	assert_int_equal(deliver(&a, &resp, &plain, 0.0), ASSOC_RX_BADMODE);
	resp.mode = NTP_MODE_CLIENT;
	assert_int_equal(deliver(&a, &resp, &plain, 0.0), ASSOC_RX_BADMODE);
	resp.mode = NTP_MODE_SYM_PASSIVE;
	assert_int_equal(deliver(&a, &resp, &plain, 0.0), ASSOC_RX_SAMPLE);
}

static enum assoc_rx
kod(struct assoc *a, double now, const char *code, int8_t poll, bool right_origin)
{
	struct ntp_packet req = send_poll(a, &plain, now, NONCE + a->sent);
	struct ntp_server_state st = server_state(&plain, now);
	struct ntp_packet resp = server_reply(&req, &plain, now, &st, true);

	resp.refid = ntp_refid_ascii(code);
	resp.poll = poll;
	if (!right_origin)
		resp.origin ^= 0x100;
	return deliver(a, &resp, &plain, now);
}

static void
test_kod_rate(void **state)
{
	struct assoc a;

	(void)state;
	client(&a, true);
	/* First packet of a burst; the server says slow down, poll 6 (ours). */
	assert_int_equal(kod(&a, 0.0, "RATE", 6, true), ASSOC_RX_KOD_RATE);
	assert_int_equal(a.flash, ASSOC_FLASH_KOD);
	assert_int_equal(a.conf.minpoll, 7);
	assert_int_equal(a.hpoll, 7);
	assert_int_equal(a.burst, 0);
	assert_int_equal(a.reach, 0);
	assert_int_equal(a.kod, 1);
	assert_false(a.stopped);
	assert_near(a.next, arrival(&plain, 0.0) + 128.0, 0.0);
	assert_false(assoc_starting(&a));
	/* It asks for 2^9: we obey. */
	assert_int_equal(kod(&a, a.next, "RATE", 9, true), ASSOC_RX_KOD_RATE);
	assert_int_equal(a.conf.minpoll, 9);
	assert_int_equal(a.hpoll, 9);
	/* 2^14 is beyond our maxpoll: 10 it is. */
	assert_int_equal(kod(&a, a.next, "RATE", 14, true), ASSOC_RX_KOD_RATE);
	assert_int_equal(a.conf.minpoll, 10);
	assert_int_equal(a.hpoll, 10);
	assert_int_equal(a.conf.maxpoll, 10);
	/* At maxpoll already it stays there. */
	assert_int_equal(kod(&a, a.next, "RATE", 0, true), ASSOC_RX_KOD_RATE);
	assert_int_equal(a.conf.minpoll, 10);
	assert_int_equal(a.kod, 4);
}

static void
test_kod_spoofed(void **state)
{
	struct assoc a;

	(void)state;
	client(&a, false);
	/* Anyone can send a KoD; only one that echoes our nonce counts. */
	assert_int_equal(kod(&a, 0.0, "RATE", 12, false), ASSOC_RX_BOGUS);
	assert_int_equal(a.conf.minpoll, 6);
	assert_int_equal(a.kod, 0);
	assert_int_equal(kod(&a, a.next, "DENY", 6, false), ASSOC_RX_BOGUS);
	assert_false(a.stopped);
	assert_near(a.next, 128.0, 0.0);
}

static void
test_kod_deny_rstr(void **state)
{
	const char *codes[] = { "DENY", "RSTR" };

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct assoc a;
		struct ntp_packet out;
		unsigned long sent;

		client(&a, true);
		assert_int_equal(kod(&a, 0.0, codes[i], 6, true), ASSOC_RX_KOD_STOP);
		assert_true(a.stopped);
		assert_int_equal(a.flash, ASSOC_FLASH_KOD);
		assert_int_equal(a.burst, 0);
		assert_false(assoc_starting(&a));
		sent = a.sent;
		assoc_poll(&a, 100.0, at(BASE, 100.0), NONCE, NULL, &out);
		assert_int_equal(a.sent, sent);
		assert_true(out.transmit == 0 && out.mode == 0);
	}
}

static enum assoc_rx
exchange_with(struct assoc *a, double now, const struct ntp_server_state *st,
    void (*tweak)(struct ntp_packet *))
{
	struct ntp_packet req = send_poll(a, &plain, now, NONCE + a->sent);
	struct ntp_packet resp = server_reply(&req, &plain, now, st, false);

	if (tweak != NULL)
		tweak(&resp);
	return deliver(a, &resp, &plain, now);
}

static void
stratum0_other_code(struct ntp_packet *p)
{
	p->stratum = 0;
	p->leap = NTP_LEAP_NONE;
	p->refid = ntp_refid_ascii("XXXX");
}

static void
test_kod_other_code(void **state)
{
	struct assoc a;
	struct ntp_server_state st = server_state(&plain, 0.0);

	(void)state;
	client(&a, false);
	/* Not a code we act on: a stratum 0 packet is not synchronised,
	 * whatever its LI says. */
	assert_int_equal(exchange_with(&a, 0.0, &st, stratum0_other_code), ASSOC_RX_UNSYNC);
	assert_int_equal(a.flash, ASSOC_FLASH_LEAP);
	assert_int_equal(a.reach, 1);
	assert_int_equal(a.filter.n, 0);
	assert_int_equal(a.conf.minpoll, 6);
	assert_int_equal(a.kod, 0);
}

static void
leap3(struct ntp_packet *p)
{
	p->leap = NTP_LEAP_UNSYNC;
}

static void
stratum16(struct ntp_packet *p)
{
	p->stratum = 16;
}

static void
test_unsynchronised_server(void **state)
{
	struct assoc a;
	struct ntp_server_state st = server_state(&plain, 0.0);

	(void)state;
	client(&a, false);
	st.synchronised = false;  /* our server sends LI 3, stratum 16 */
	assert_int_equal(exchange_with(&a, 0.0, &st, NULL), ASSOC_RX_UNSYNC);
	assert_int_equal(a.flash, ASSOC_FLASH_LEAP);
	assert_int_equal(a.reach, 1);
	assert_int_equal(a.filter.n, 0);
	assert_int_equal(a.leap, NTP_LEAP_UNSYNC);
	assert_int_equal(a.stratum, 16);
	assert_false(a.awaiting);

	st = server_state(&plain, 64.0);
	assert_int_equal(exchange_with(&a, 64.0, &st, leap3), ASSOC_RX_UNSYNC);
	assert_int_equal(a.stratum, 1);
	assert_int_equal(a.reach, 3);
	st = server_state(&plain, 128.0);
	assert_int_equal(exchange_with(&a, 128.0, &st, stratum16), ASSOC_RX_UNSYNC);
	assert_int_equal(a.leap, NTP_LEAP_NONE);
	assert_int_equal(a.reach, 7);
	assert_int_equal(a.filter.n, 0);
	/* Synchronised again: the sample goes in, and what we keep of the
	 * header says so. */
	st = server_state(&plain, 192.0);
	assert_int_equal(exchange_with(&a, 192.0, &st, NULL), ASSOC_RX_SAMPLE);
	assert_int_equal(a.stratum, 1);
	assert_int_equal(a.flash, 0);
}

static void
dist_16(struct ntp_packet *p)
{
	p->root_dispersion = 16 << 16;
}

static void
dist_delay_32(struct ntp_packet *p)
{
	p->root_delay = 32 << 16;
	p->root_dispersion = 0;
}

static void
dist_just_under(struct ntp_packet *p)
{
	p->root_delay = (30 << 16) - 2;  /* 15 s - 2^-16 s */
	p->root_dispersion = 1 << 16;
}

static void
ref_after_xmt(struct ntp_packet *p)
{
	p->reference = p->transmit + 1;
}

static void
ref_zero(struct ntp_packet *p)
{
	p->reference = 0;
}

/* After 2036 a transmit time's top bit is clear: zero then looks earlier. */
static void
ref_zero_era1(struct ntp_packet *p)
{
	p->reference = 0;
	p->transmit = 5ULL << 32;
	p->receive = 4ULL << 32;
}

static void
ref_era0_xmt_era1(struct ntp_packet *p)
{
	p->reference = 0xffffffffULL << 32;
	p->transmit = 5ULL << 32;
	p->receive = 4ULL << 32;
}

static void
test_bad_header(void **state)
{
	struct assoc a;
	struct ntp_server_state st;
	double now = 0.0;

	(void)state;
	client(&a, false);
	st = server_state(&plain, now);
	assert_int_equal(exchange_with(&a, now, &st, dist_16), ASSOC_RX_BADHEADER);
	assert_int_equal(a.flash, ASSOC_FLASH_DIST);
	assert_int_equal(a.reach, 1);
	assert_int_equal(a.filter.n, 0);
	assert_near(a.rootdisp, 16.0, 0.0);
	now = a.next;
	assert_int_equal(exchange_with(&a, now, &st, dist_delay_32), ASSOC_RX_BADHEADER);
	assert_int_equal(a.flash, ASSOC_FLASH_DIST);
	now = a.next;
	st = server_state(&plain, now);
	assert_int_equal(exchange_with(&a, now, &st, ref_after_xmt), ASSOC_RX_BADHEADER);
	assert_int_equal(a.flash, ASSOC_FLASH_HEADER);
	now = a.next;
	assert_int_equal(exchange_with(&a, now, &st, ref_zero), ASSOC_RX_BADHEADER);
	assert_int_equal(a.flash, ASSOC_FLASH_HEADER);
	now = a.next;
	assert_int_equal(exchange_with(&a, now, &st, ref_zero_era1), ASSOC_RX_BADHEADER);
	assert_int_equal(a.flash, ASSOC_FLASH_HEADER);
	assert_int_equal(a.filter.n, 0);
	assert_int_equal(a.reach, 037);
	/* Just under 16 s of root distance is still a sample. */
	now = a.next;
	st = server_state(&plain, now);
	assert_int_equal(exchange_with(&a, now, &st, dist_just_under), ASSOC_RX_SAMPLE);
	/* A reference time just before the era wrap, transmit just after. */
	now = a.next;
	assert_int_equal(exchange_with(&a, now, &st, ref_era0_xmt_era1), ASSOC_RX_SAMPLE);
	assert_int_equal(a.flash, 0);
}

static void
test_reach_register(void **state)
{
	struct assoc a;
	struct ntp_packet req;
	const uint8_t up[8] = { 01, 03, 07, 017, 037, 077, 0177, 0377 };
	const uint8_t down[8] = { 0376, 0374, 0370, 0360, 0340, 0300, 0200, 0 };

	(void)state;
	client(&a, false);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(exchange(&a, &plain, a.next), ASSOC_RX_SAMPLE);
		assert_int_equal(a.reach, up[i]);
	}
	for (int i = 0; i < 8; i++) {
		int stage0_dummy;

		req = send_poll(&a, &plain, a.next, NONCE);
		assert_int_equal(a.reach, down[i]);
		assert_int_equal(a.unreach, i + 1);
		/* The fourth silent poll is the first after three misses. */
		stage0_dummy = a.filter.st[0].disp == FILTER_MAXDISP;
		assert_int_equal(stage0_dummy, i >= 3);
		assert_true(assoc_reachable(&a) == (i < 7));
	}
	assert_int_equal(a.filter.n, 8);
	/* Five dummies among eight stages: the best is still a real one. */
	assert_near(a.filter.offset, 0.4921875, 0.0);
	(void)req;
}

static void
test_iburst_silent(void **state)
{
	struct assoc a;
	struct ntp_packet req;
	const double when[] = { 0, 2, 4, 6, 8, 10, 12, 14, 78, 142, 206 };

	(void)state;
	client(&a, true);
	assert_true(assoc_starting(&a));
	for (size_t i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		assert_near(a.next, when[i], 0.0);
		req = send_poll(&a, &plain, a.next, NONCE + i);
		assert_true(assoc_starting(&a) == (i < ASSOC_BURST - 1));
	}
	/* The burst was one poll: reach shifted once per poll, not per packet. */
	assert_int_equal(a.unreach, 4);
	assert_int_equal(a.sent, ASSOC_BURST + 3);
	(void)req;
}

static void
test_iburst_answered(void **state)
{
	struct assoc a;
	double t;

	(void)state;
	client(&a, true);
	for (int i = 0; i < ASSOC_BURST; i++) {
		assert_near(a.next, 2.0 * i, 0.0);
		assert_int_equal(exchange(&a, &plain, a.next), ASSOC_RX_SAMPLE);
	}
	assert_int_equal(a.reach, 1);
	assert_int_equal(a.filter.n, 8);   /* the burst fills the filter */
	assert_false(assoc_starting(&a));
	/* Then one packet each 2^minpoll. */
	assert_near(a.next, 14.0 + 64.0, 0.0);
	/* Silence: seven polls shift the answered one to the top... */
	for (int i = 0; i < 7; i++) {
		t = a.next;
		(void)send_poll(&a, &plain, t, NONCE);
		assert_near(a.next, t + 64.0, 0.0);
	}
	assert_int_equal(a.reach, 0200);
	/* ...and the eighth, which leaves reach 0, is a burst again. */
	t = a.next;
	(void)send_poll(&a, &plain, t, NONCE);
	assert_int_equal(a.reach, 0);
	assert_near(a.next, t + 2.0, 0.0);
	for (int i = 0; i < ASSOC_BURST - 1; i++)
		(void)send_poll(&a, &plain, a.next, NONCE);
	assert_near(a.next, t + 14.0 + 64.0, 0.0);
	assert_int_equal(a.sent, ASSOC_BURST + 8 + ASSOC_BURST - 1);
	assert_false(assoc_starting(&a));  /* only the first burst */
}

static void
test_unreach_backoff(void **state)
{
	struct assoc a;
	const double when[] = { 0, 64, 128, 192, 256, 320, 384, 448, 512, 576, 640,
		768, 1024, 1536, 2560, 3584 };
	const int hpoll_after[] = { 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 8, 9, 10, 10, 10 };

	(void)state;
	client(&a, false);
	for (size_t i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		assert_near(a.next, when[i], 0.0);
		(void)send_poll(&a, &plain, a.next, NONCE + i);
		assert_int_equal(a.hpoll, hpoll_after[i]);
	}
	/* The server is back: minpoll again, counted from the last poll. */
	assert_int_equal(exchange(&a, &plain, a.next), ASSOC_RX_SAMPLE);
	assert_int_equal(a.hpoll, 6);
	assert_int_equal(a.unreach, 0);
	assert_near(a.next, 4608.0 + 64.0, 0.0);
}

static void
test_poll_adapts(void **state)
{
	struct assoc a;
	struct link l = plain;
	/* Steady offsets: +hpoll a sample after the first; 30 moves up. */
	const int hpoll_up[] = { 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9, 10, 10,
		10, 10, 10, 10 };
	const int score_up[] = { 0, 6, 12, 18, 24, 0, 7, 14, 21, 28, 0, 8, 16, 24, 0, 9, 18, 27,
		0, 10, 20, 30, 30, 30 };
	double last_poll;

	(void)state;
	client(&a, false);
	for (size_t i = 0; i < sizeof(hpoll_up) / sizeof(hpoll_up[0]); i++) {
		double t = a.next;

		assert_int_equal(exchange(&a, &l, t), ASSOC_RX_SAMPLE);
		assert_int_equal(a.hpoll, hpoll_up[i]);
		assert_int_equal(a.poll_score, score_up[i]);
		assert_near(a.next, t + ldexp(1.0, i == 0 ? 6 : hpoll_up[i - 1]), 0.0);
	}
	assert_near(a.filter.spike_window, 2048.0, 0.0);

	/* Down: from 8, a step of 1 ms (a spike kept, then believed: -16),
	 * then one of 99 ms against the jitter of the first: -32, one down. */
	client(&a, false);
	for (int i = 0; i < 11; i++)
		(void)exchange(&a, &l, a.next);
	assert_int_equal(a.hpoll, 8);
	assert_int_equal(a.poll_score, 0);
	l.theta += 0.001;
	assert_int_equal(exchange(&a, &l, a.next), ASSOC_RX_KEPT);
	assert_int_equal(a.poll_score, 0);
	assert_int_equal(exchange(&a, &l, a.next), ASSOC_RX_SAMPLE);
	assert_int_equal(a.poll_score, -16);
	assert_int_equal(a.hpoll, 8);
	l.theta += 0.099;
	assert_int_equal(exchange(&a, &l, a.next), ASSOC_RX_KEPT);
	last_poll = a.next;
	assert_int_equal(exchange(&a, &l, last_poll), ASSOC_RX_SAMPLE);
	assert_int_equal(a.hpoll, 7);
	assert_int_equal(a.poll_score, 0);
	/* The shorter interval counts from the poll just made. */
	assert_near(a.next, last_poll + 128.0, 0.0);
	assert_near(a.filter.offset, 0.6 - 1.0 / 128, 1e-9);
}

/*
 * Two symmetric peers A and B; B's clock is 1/4 s ahead of A's, a packet
 * from A to B takes 1/64 s and one from B to A 1/32 s.  Each measures
 * the offset with the asymmetry's error, (1/64 - 1/32) / 2 = -1/128 s
 * for A and +1/128 s for B: +0.2421875 and -0.2421875; both a delay of
 * 3/64 s.
 */
#define AB (1.0 / 64)
#define BA (1.0 / 32)
#define SKEW 0.25

static struct ntp_packet
sym_send(struct assoc *x, double now, double skew, const struct ntp_server_state *sys)
{
	struct ntp_packet out;

	assoc_poll(x, now, at(BASE, now + skew), 0, sys, &out);
	return wire(&out);
}

static enum assoc_rx
sym_recv(struct assoc *x, const struct ntp_packet *p, double now, double skew)
{
	return assoc_receive(x, p, at(BASE, now + skew), now);
}

static void
test_symmetric(void **state)
{
	struct assoc a, b;
	struct assoc_conf c;
	struct ntp_packet p;
	struct ntp_server_state sa = {
		.synchronised = true, .stratum = 1, .precision = -20, .root_dispersion = 0.001,
		.reference = { BASE - 10, 0 }, .leap = NTP_LEAP_NONE,
	};
	struct ntp_server_state sb = sa;

	(void)state;
	sa.refid = ntp_refid_ascii("PPS");
	sb.stratum = 2;
	sb.refid = 0x0a000001;  /* 10.0.0.1 */
	sb.root_delay = 0.0078125;
	assoc_default_conf(&c);
	c.mode = ASSOC_SYMMETRIC;
	assoc_init(&a, &c, 0.0, LPREC);
	assoc_init(&b, &c, 0.0, LPREC);

	/* t = 0: A speaks first; B has nothing to answer yet. */
	p = sym_send(&a, 0.0, 0.0, &sa);
	assert_int_equal(p.mode, NTP_MODE_SYM_ACTIVE);
	assert_true(p.origin == 0 && p.receive == 0);
	assert_true(p.transmit == ntp_ts_from_timespec(at(BASE, 0.0)));
	assert_int_equal(p.stratum, 1);
	assert_int_equal(p.refid, ntp_refid_ascii("PPS"));
	assert_int_equal(sym_recv(&b, &p, AB, SKEW), ASSOC_RX_START);
	assert_int_equal(b.flash, ASSOC_FLASH_UNSYNC);
	assert_int_equal(b.filter.n, 0);
	assert_int_equal(b.reach, 0);
	assert_true(b.org == p.transmit);
	assert_true(b.rec == ntp_ts_from_timespec(at(BASE, AB + SKEW)));

	/* t = 1: B answers with A's T1 and its own T2, T3. */
	p = sym_send(&b, 1.0, SKEW, &sb);
	assert_true(p.origin == a.xmt);
	assert_true(p.receive == ntp_ts_from_timespec(at(BASE, AB + SKEW)));
	assert_int_equal(p.stratum, 2);
	assert_int_equal(sym_recv(&a, &p, 1.0 + BA, 0.0), ASSOC_RX_SAMPLE);
	assert_near(a.filter.offset, SKEW - 1.0 / 128, 0.0);
	assert_near(a.filter.delay, AB + BA, 0.0);
	assert_int_equal(a.reach, 1);
	assert_int_equal(a.stratum, 2);
	assert_near(a.rootdelay, 0.0078125, 0.0);

	/* t = 2: A answers B likewise. */
	p = sym_send(&a, 2.0, 0.0, &sa);
	assert_int_equal(sym_recv(&b, &p, 2.0 + AB, SKEW), ASSOC_RX_SAMPLE);
	assert_near(b.filter.offset, -SKEW + 1.0 / 128, 0.0);
	assert_near(b.filter.delay, AB + BA, 0.0);
	assert_int_equal(b.reach, 1);
	assert_int_equal(b.stratum, 1);

	/* B's next packet is lost, so A's next names one of B's that is no
	 * longer B's last: bogus, but B learns A's times from it and the
	 * exchange goes on. */
	(void)sym_send(&b, 3.0, SKEW, &sb);
	p = sym_send(&a, 4.0, 0.0, &sa);
	assert_int_equal(sym_recv(&b, &p, 4.0 + AB, SKEW), ASSOC_RX_BOGUS);
	assert_int_equal(b.flash, ASSOC_FLASH_BOGUS);
	assert_int_equal(b.filter.n, 1);
	p = sym_send(&b, 5.0, SKEW, &sb);
	assert_true(p.origin == a.xmt);
	assert_int_equal(sym_recv(&a, &p, 5.0 + BA, 0.0), ASSOC_RX_SAMPLE);
	assert_near(a.filter.st[0].offset, SKEW - 1.0 / 128, 0.0);
	assert_near(a.filter.st[0].delay, AB + BA, 0.0);
	assert_int_equal(a.filter.n, 2);
	p = sym_send(&a, 6.0, 0.0, &sa);
	assert_int_equal(sym_recv(&b, &p, 6.0 + AB, SKEW), ASSOC_RX_SAMPLE);
	assert_near(b.filter.st[0].offset, -SKEW + 1.0 / 128, 0.0);
	assert_near(b.filter.st[0].delay, AB + BA, 0.0);
	/* The same packet again is a duplicate. */
	assert_int_equal(sym_recv(&b, &p, 6.5, SKEW), ASSOC_RX_DUPLICATE);
}

/* An unsynchronised peer says so in its packets: LI 3, stratum 16. */
static void
test_symmetric_unsynchronised(void **state)
{
	struct assoc a;
	struct assoc_conf c;
	struct ntp_packet p;
	struct ntp_server_state s = { .synchronised = false, .precision = -18 };

	(void)state;
	assoc_default_conf(&c);
	c.mode = ASSOC_SYMMETRIC;
	assoc_init(&a, &c, 0.0, LPREC);
	p = sym_send(&a, 0.0, 0.0, &s);
	assert_int_equal(p.leap, NTP_LEAP_UNSYNC);
	assert_int_equal(p.stratum, 16);
	assert_int_equal(p.precision, -18);
	assert_true(p.reference == 0 && p.root_delay == 0);
	p = sym_send(&a, 64.0, 0.0, NULL);
	assert_int_equal(p.leap, NTP_LEAP_UNSYNC);
	assert_int_equal(p.stratum, 16);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(assoc_rx_name(ASSOC_RX_SAMPLE), "sample");
	assert_string_equal(assoc_rx_name(ASSOC_RX_BOGUS), "bogus");
	assert_string_equal(assoc_rx_name(ASSOC_RX_START), "start");
	assert_string_equal(assoc_rx_name((enum assoc_rx)99), "unknown");
}

static void
test_conf_clamped(void **state)
{
	struct assoc a;
	struct assoc_conf c;

	(void)state;
	assoc_default_conf(&c);
	c.minpoll = 0;
	c.maxpoll = 40;
	c.version = 9;
	assoc_init(&a, &c, 5.0, LPREC);
	assert_int_equal(a.conf.minpoll, ASSOC_POLL_MIN);
	assert_int_equal(a.conf.maxpoll, ASSOC_POLL_MAX);
	assert_int_equal(a.conf.version, 4);
	assert_int_equal(a.hpoll, ASSOC_POLL_MIN);
	assert_near(assoc_poll_interval(&a), 2.0, 0.0);
	assert_near(a.next, 5.0, 0.0);
	c.minpoll = 8;
	c.maxpoll = 7;
	assoc_init(&a, &c, 0.0, LPREC);
	assert_int_equal(a.conf.maxpoll, 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_exchange),
		cmocka_unit_test(test_delay_floor),
		cmocka_unit_test(test_era_boundary),
		cmocka_unit_test(test_2038),
		cmocka_unit_test(test_nonce_must_be_echoed),
		cmocka_unit_test(test_nonce_zero_is_not_sent),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_wrong_mode),
		cmocka_unit_test(test_kod_rate),
		cmocka_unit_test(test_kod_spoofed),
		cmocka_unit_test(test_kod_deny_rstr),
		cmocka_unit_test(test_kod_other_code),
		cmocka_unit_test(test_unsynchronised_server),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_reach_register),
		cmocka_unit_test(test_iburst_silent),
		cmocka_unit_test(test_iburst_answered),
		cmocka_unit_test(test_unreach_backoff),
		cmocka_unit_test(test_poll_adapts),
		cmocka_unit_test(test_symmetric),
		cmocka_unit_test(test_symmetric_unsynchronised),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_conf_clamped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
