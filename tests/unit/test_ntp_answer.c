/*
 * ntp_answer: the answer fields a client checks (RFC 5905 8, chrony's and
 * ntpd's sanity tests) for a synchronised, an unsynchronised and a
 * rate-limited server.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "ntp_answer.h"

static struct ntp_packet
client_request(void)
{
	struct ntp_packet p;

	memset(&p, 0, sizeof(p));
	p.version = 4;
	p.mode = NTP_MODE_CLIENT;
	p.poll = 6;
	p.transmit = 0x1234567890abcdefULL; /* chrony sends random bits here */
	return p;
}

static const struct ntp_server_state locked = {
	.synchronised = true, .stratum = 1, .precision = -20,
	.root_delay = 0.0, .root_dispersion = 0.000015,
	.reference = { 1764000000, 0 }, .leap = NTP_LEAP_NONE,
};

static void
test_synchronised_reply(void **state)
{
	struct ntp_packet req = client_request(), resp;
	struct ntp_server_state st = locked;
	struct timespec rx = { 1764000010, 250000000 }, tx = { 1764000010, 250010000 };

	(void)state;
	st.refid = ntp_refid_ascii("PPS");
	assert_int_equal(ntp_answer(&req, &st, false, rx, tx, &resp), NTP_ANSWER_REPLY);
	assert_int_equal(resp.mode, NTP_MODE_SERVER);
	assert_int_equal(resp.version, 4);
	assert_int_equal(resp.leap, NTP_LEAP_NONE);
	assert_int_equal(resp.stratum, 1);
	assert_int_equal(resp.refid, ntp_refid_ascii("PPS"));
	assert_int_equal(resp.precision, -20);
	assert_true(resp.origin == req.transmit);
	assert_true(resp.receive == ntp_ts_from_timespec(rx));
	assert_true(resp.transmit == ntp_ts_from_timespec(tx));
	assert_true(resp.reference == ntp_ts_from_timespec(st.reference));
	assert_int_equal(resp.root_dispersion, 1);  /* 15 us rounds to 1/65536 s */
}

static void
test_version3_client_gets_version3(void **state)
{
	struct ntp_packet req = client_request(), resp;
	struct timespec t = { 1764000010, 0 };

	(void)state;
	req.version = 3;
	assert_int_equal(ntp_answer(&req, &locked, false, t, t, &resp), NTP_ANSWER_REPLY);
	assert_int_equal(resp.version, 3);
}

static void
test_unsynchronised(void **state)
{
	struct ntp_packet req = client_request(), resp;
	struct ntp_server_state st = locked;
	struct timespec t = { 1764000010, 0 };

	(void)state;
	st.synchronised = false;
	assert_int_equal(ntp_answer(&req, &st, false, t, t, &resp), NTP_ANSWER_REPLY);
	assert_int_equal(resp.leap, NTP_LEAP_UNSYNC);
	assert_int_equal(resp.stratum, 16);
	assert_true(resp.reference == 0);
}

static void
test_kod_rate(void **state)
{
	struct ntp_packet req = client_request(), resp;
	struct timespec t = { 1764000010, 0 };

	(void)state;
	assert_int_equal(ntp_answer(&req, &locked, true, t, t, &resp), NTP_ANSWER_KOD_RATE);
	assert_int_equal(resp.stratum, 0);
	assert_int_equal(resp.leap, NTP_LEAP_UNSYNC);
	assert_int_equal(resp.refid, ntp_refid_ascii("RATE"));
	assert_true(resp.origin == req.transmit);
	/* The real times, as the header says; nothing else of ours. */
	assert_true(resp.receive == ntp_ts_from_timespec(t));
	assert_true(resp.transmit == ntp_ts_from_timespec(t));
	assert_true(resp.reference == 0);
	assert_int_equal(resp.root_delay, 0);
	assert_int_equal(resp.root_dispersion, 0);
}

static void
test_drops_non_requests(void **state)
{
	struct ntp_packet req = client_request(), resp;
	struct timespec t = { 1764000010, 0 };
	const int dropped[] = { NTP_MODE_RESERVED, NTP_MODE_SYM_PASSIVE, NTP_MODE_SERVER,
		NTP_MODE_BROADCAST, NTP_MODE_CONTROL, NTP_MODE_PRIVATE };

	(void)state;
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++) {
		req.mode = (uint8_t)dropped[i];
		assert_int_equal(ntp_answer(&req, &locked, false, t, t, &resp),
		    NTP_ANSWER_DROP);
	}
	req.mode = NTP_MODE_SYM_ACTIVE;
	assert_int_equal(ntp_answer(&req, &locked, false, t, t, &resp), NTP_ANSWER_REPLY);
	assert_int_equal(resp.mode, NTP_MODE_SYM_PASSIVE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synchronised_reply),
		cmocka_unit_test(test_version3_client_gets_version3),
		cmocka_unit_test(test_unsynchronised),
		cmocka_unit_test(test_kod_rate),
		cmocka_unit_test(test_drops_non_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
