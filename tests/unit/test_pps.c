/*
 * pps: chrony SOCK samples as gpsd and chronyd exchange them, and the
 * RFC 2783 device path's error reporting (no PPS hardware on test hosts).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "pps.h"

static void
test_sock_roundtrip(void **state)
{
	struct pps_edge e = { .local = { 1764000000, 123456789 }, .offset = -0.123456,
		.pulse = true, .leap = 1 }, d;
	struct pps_sock_sample s;

	(void)state;
	pps_sock_encode(&e, &s);
	assert_int_equal(s.magic, 0x534f434b);
	assert_int_equal(s.tv.tv_usec, 123456);          /* microseconds on the wire */
	assert_int_equal(pps_sock_decode(&s, sizeof(s), &d), 0);
	assert_int_equal(d.local.tv_sec, 1764000000);
	assert_int_equal(d.local.tv_nsec, 123456000);
	assert_true(d.offset == -0.123456);
	assert_true(d.pulse);
	assert_int_equal(d.leap, 1);
}

static void
test_sock_rejects(void **state)
{
	struct pps_edge e = { .local = { 1764000000, 0 }, .pulse = true }, d;
	struct pps_sock_sample s, bad;

	(void)state;
	pps_sock_encode(&e, &s);
	assert_int_equal(pps_sock_decode(&s, sizeof(s) - 1, &d), -1);
	assert_int_equal(pps_sock_decode(&s, sizeof(s) + 1, &d), -1);
	bad = s;
	bad.magic = 0x4b434f53;                            /* wrong byte order */
	assert_int_equal(pps_sock_decode(&bad, sizeof(bad), &d), -1);
	bad = s;
	bad.tv.tv_usec = 1000000;
	assert_int_equal(pps_sock_decode(&bad, sizeof(bad), &d), -1);
	bad = s;
	bad.offset = NAN;
	assert_int_equal(pps_sock_decode(&bad, sizeof(bad), &d), -1);
	bad = s;
	bad.offset = INFINITY;
	assert_int_equal(pps_sock_decode(&bad, sizeof(bad), &d), -1);
	bad = s;
	bad.leap = 3;
	assert_int_equal(pps_sock_decode(&bad, sizeof(bad), &d), -1);
}

static void
test_dev_errors_name_the_device(void **state)
{
	struct pps_dev *d = NULL;
	char err[256];

	(void)state;
	assert_int_equal(pps_dev_open("/nonexistent/pps0", &d, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/pps0: No such file or directory");
	assert_int_equal(pps_dev_open("/dev/null", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/dev/null: "));
	assert_null(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sock_roundtrip),
		cmocka_unit_test(test_sock_rejects),
		cmocka_unit_test(test_dev_errors_name_the_device),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
