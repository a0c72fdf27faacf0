/*
 * ntp_wire: packets as real clients send them, and the edges of the format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "ntp_wire.h"

/* A client request as chronyd 4.3 sends it (mode 3, v4, poll 6, interleaved
 * off): only the transmit timestamp is set, and it is random by design. */
static const uint8_t chrony_request[48] = {
	0x23, 0x00, 0x06, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
	0x3e, 0x1b, 0x94, 0x11, 0x5c, 0x8e, 0x02, 0x7a,
};

static void
test_decode_client_request(void **state)
{
	struct ntp_packet p;

	(void)state;
	assert_int_equal(ntp_decode(chrony_request, sizeof(chrony_request), &p), NTP_DECODE_OK);
	assert_int_equal(p.version, 4);
	assert_int_equal(p.mode, NTP_MODE_CLIENT);
	assert_int_equal(p.leap, NTP_LEAP_NONE);
	assert_int_equal(p.poll, 6);
	assert_int_equal(p.precision, 32);
	assert_true(p.transmit == 0x3e1b94115c8e027aULL);
	assert_int_equal(p.tail_len, 0);
}

static void
test_encode_decode_roundtrip(void **state)
{
	struct ntp_packet a = {
		.leap = NTP_LEAP_UNSYNC, .version = 4, .mode = NTP_MODE_SERVER,
		.stratum = 1, .poll = 4, .precision = -20,
		.root_delay = 0x00000001, .root_dispersion = 0x00010000,
		.refid = 0, .reference = 1, .origin = 2, .receive = 3,
		.transmit = 0xffffffffffffffffULL,
	};
	struct ntp_packet b;
	uint8_t buf[NTP_HEADER_LEN];

	(void)state;
	a.refid = ntp_refid_ascii("PPS");
	assert_int_equal(ntp_encode(&a, buf, sizeof(buf)), NTP_HEADER_LEN);
	assert_int_equal(buf[0], 0xe4);             /* LI 3, VN 4, mode 4 */
	assert_memory_equal(buf + 12, "PPS\0", 4);
	assert_int_equal(ntp_decode(buf, sizeof(buf), &b), NTP_DECODE_OK);
	assert_int_equal(b.precision, -20);
	assert_true(b.transmit == a.transmit);
	assert_int_equal(b.refid, a.refid);
	assert_int_equal(ntp_encode(&a, buf, 47), 0);
}

static void
test_reject_short_and_version(void **state)
{
	struct ntp_packet p;
	uint8_t buf[48];

	(void)state;
	memcpy(buf, chrony_request, 48);
	assert_int_equal(ntp_decode(buf, 47, &p), NTP_DECODE_SHORT);
	assert_int_equal(ntp_decode(buf, 0, &p), NTP_DECODE_SHORT);
	buf[0] = 0x03;                              /* version 0 */
	assert_int_equal(ntp_decode(buf, 48, &p), NTP_DECODE_VERSION);
	buf[0] = 0x2b;                              /* version 5 */
	assert_int_equal(ntp_decode(buf, 48, &p), NTP_DECODE_VERSION);
	buf[0] = 0x1b;                              /* version 3, as ntpdate sends */
	assert_int_equal(ntp_decode(buf, 48, &p), NTP_DECODE_OK);
}

static void
test_tails(void **state)
{
	uint8_t buf[128];
	struct ntp_packet p;

	(void)state;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, chrony_request, 48);
	/* key id + MD5 digest */
	assert_int_equal(ntp_decode(buf, 48 + 20, &p), NTP_DECODE_OK);
	assert_int_equal(p.has_mac, 1);
	assert_int_equal(ntp_decode(buf, 48 + 24, &p), NTP_DECODE_OK);
	/* a stray 8 bytes is neither a MAC nor an extension */
	assert_int_equal(ntp_decode(buf, 48 + 8, &p), NTP_DECODE_TAIL);
	/* one extension field of 16 bytes (type 0x0104 unique identifier, RFC 8915) */
	buf[48] = 0x01; buf[49] = 0x04; buf[50] = 0; buf[51] = 16;
	assert_int_equal(ntp_decode(buf, 48 + 16, &p), NTP_DECODE_OK);
	assert_int_equal(p.n_extensions, 1);
	assert_int_equal(p.has_mac, 0);
	/* extension then MAC */
	assert_int_equal(ntp_decode(buf, 48 + 16 + 20, &p), NTP_DECODE_OK);
	assert_int_equal(p.n_extensions, 1);
	assert_int_equal(p.has_mac, 1);
	/* length not a multiple of 4, too small, or past the end */
	buf[51] = 18;
	assert_int_equal(ntp_decode(buf, 48 + 32, &p), NTP_DECODE_TAIL);
	buf[51] = 12;
	assert_int_equal(ntp_decode(buf, 48 + 32, &p), NTP_DECODE_TAIL);
	buf[50] = 0x01; buf[51] = 0x00;
	assert_int_equal(ntp_decode(buf, 48 + 32, &p), NTP_DECODE_TAIL);
}

static void
test_timestamps(void **state)
{
	(void)state;
	/* 1970-01-01 is 2208988800 s after the NTP epoch. */
	struct timespec unix0 = { 0, 0 };
	assert_true(ntp_ts_from_timespec(unix0) == (uint64_t)2208988800UL << 32);

	/* 0.5 s is half of 2^32. */
	struct timespec half = { 1700000000, 500000000 };
	uint64_t ts = ntp_ts_from_timespec(half);
	assert_int_equal((uint32_t)ts, 0x80000000U);

	/* Round trip to the nanosecond over a range of fractions. */
	for (long ns = 0; ns < 1000000000L; ns += 999983) {
		struct timespec t = { 1764000000, ns };
		struct timespec r = ntp_ts_to_timespec(ntp_ts_from_timespec(t), 1764000000);
		assert_int_equal(r.tv_sec, t.tv_sec);
		assert_int_equal(r.tv_nsec, t.tv_nsec);
	}

	/* Era 1 starts 2036-02-07T06:28:16Z: a timestamp just past the wrap
	 * reads as 2036 with a 2030 pivot, not as 1900. */
	struct timespec after_wrap = { 2085978496 + 10, 0 };
	uint64_t w = ntp_ts_from_timespec(after_wrap);
	assert_true((w >> 32) == 10);
	struct timespec back = ntp_ts_to_timespec(w, 1900000000);
	assert_int_equal(back.tv_sec, after_wrap.tv_sec);
	/* and the same bits with a 1938 pivot read as era 0 (1900) */
	back = ntp_ts_to_timespec(w, -1000000000);
	assert_int_equal(back.tv_sec, 10 - 2208988800LL);
}

static void
test_short_format(void **state)
{
	(void)state;
	assert_int_equal(ntp_short_from_double(1.0), 0x00010000);
	assert_int_equal(ntp_short_from_double(0.5), 0x00008000);
	assert_int_equal(ntp_short_from_double(-3.0), 0);
	assert_int_equal(ntp_short_from_double(70000.0), UINT32_MAX);
	assert_int_equal(ntp_short_from_double(65535.9999999), UINT32_MAX);
	assert_true(ntp_short_to_double(0x00018000) == 1.5);
	assert_int_equal(ntp_refid_ascii("RATE"), 0x52415445);
	assert_int_equal(ntp_refid_ascii("GPS"), 0x47505300);
}

static struct sockaddr_storage
addr(int family, const char *text)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		assert_int_equal(inet_pton(AF_INET, text,
		    &((struct sockaddr_in *)&ss)->sin_addr), 1);
	else
		assert_int_equal(inet_pton(AF_INET6, text,
		    &((struct sockaddr_in6 *)&ss)->sin6_addr), 1);
	return ss;
}

/*
 * The refid of an upstream server.  IPv6: the first four bytes of the MD5
 * of the 16 address bytes, from Python, not from our md5:
 *   python3 -c "import hashlib,ipaddress;print(hashlib.md5(
 *       ipaddress.ip_address('2001:db8::1').packed).hexdigest()[:8])"
 * prints 39ab9b37 (and cf404dc8 for ::1).  On the wire they are in that
 * order, as chrony (htonl of UTI_IPToRefid) and ntpsec (memcpy of the
 * digest in addr2refid) send them.
 */
static void
test_refid_from_addr(void **state)
{
	struct sockaddr_storage ss;
	struct ntp_packet p;
	uint8_t buf[NTP_HEADER_LEN];
	static const uint8_t want6[4] = { 0x39, 0xab, 0x9b, 0x37 };
	static const uint8_t want4[4] = { 192, 0, 2, 1 };

	(void)state;
	ss = addr(AF_INET6, "2001:db8::1");
	assert_int_equal(ntp_refid_from_addr(&ss), 0x39ab9b37);
	ss = addr(AF_INET6, "::1");
	assert_int_equal(ntp_refid_from_addr(&ss), 0xcf404dc8);

	memset(&p, 0, sizeof(p));
	p.version = 4;
	p.mode = NTP_MODE_SERVER;
	p.stratum = 2;
	ss = addr(AF_INET6, "2001:db8::1");
	p.refid = ntp_refid_from_addr(&ss);
	assert_int_equal(ntp_encode(&p, buf, sizeof(buf)), NTP_HEADER_LEN);
	assert_memory_equal(buf + 12, want6, 4);

	/* IPv4 as it is, the address's bytes on the wire in order. */
	ss = addr(AF_INET, "192.0.2.1");
	assert_int_equal(ntp_refid_from_addr(&ss), 0xc0000201);
	assert_int_equal(ntp_refid_from_addr(&ss),
	    ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr));
	p.refid = ntp_refid_from_addr(&ss);
	assert_int_equal(ntp_encode(&p, buf, sizeof(buf)), NTP_HEADER_LEN);
	assert_memory_equal(buf + 12, want4, 4);

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNSPEC;
	assert_int_equal(ntp_refid_from_addr(&ss), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_client_request),
		cmocka_unit_test(test_encode_decode_roundtrip),
		cmocka_unit_test(test_reject_short_and_version),
		cmocka_unit_test(test_tails),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_short_format),
		cmocka_unit_test(test_refid_from_addr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
