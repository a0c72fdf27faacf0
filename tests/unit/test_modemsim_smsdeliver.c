/*
 * Unit tests for sim/modemsim/smsdeliver: the SMS-DELIVER PDUs modemsim
 * makes up for "sms-text".  One must come out byte for byte as a captured
 * PDU (python-gsmmodem's test vector, corpus row gsmmodem-1) given the same
 * fields; the others must decode (modem/sms) to what was put in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "sms.h"
#include "smsdeliver.h"

static void
test_captured_pdu(void **state)
{
	const struct sms_time t = { 2013, 3, 8, 15, 2, 16, 8 };
	struct smsdeliver_pdu p[2];
	size_t n;
	char err[128];
	(void)state;

	assert_int_equal(smsdeliver_encode("+2782913593", "+27821234567", "Test2", 5, &t, 0, p, 2,
	    &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].hex,
	    "06917228195339040B917228214365F700003130805120618005D4F29C2E03");
}

static void
test_round_trip(void **state)
{
	const struct sms_time t = { 2026, 11, 25, 23, 59, 1, -20 };
	const char *text = "Привет, мир €";
	struct smsdeliver_pdu p[2];
	struct sms_deliver d;
	size_t n;
	char err[128];
	(void)state;

	assert_int_equal(smsdeliver_encode(NULL, "0612345678", text, strlen(text), &t, 0, p, 2,
	    &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(sms_decode_hex(p[0].hex, strlen(p[0].hex), &d, err, sizeof(err)), 0);
	assert_string_equal(d.smsc.text, "");
	assert_string_equal(d.from.text, "0612345678");
	assert_int_equal(d.encoding, SMS_ENC_UCS2);
	assert_string_equal(d.text, text);
	assert_int_equal(d.scts.year, 2026);
	assert_int_equal(d.scts.second, 1);
	assert_int_equal(d.scts.tz_quarters, -20);
	assert_false(d.concat.present);
}

static void
test_concatenated(void **state)
{
	const struct sms_time t = { 2026, 1, 2, 3, 4, 5, 0 };
	char text[200];
	struct smsdeliver_pdu p[3];
	struct sms_deliver d;
	size_t n;
	char err[128];
	(void)state;

	memset(text, 'a', sizeof(text));
	assert_int_equal(smsdeliver_encode("+447785016005", "+447700900999", text, sizeof(text),
	    &t, 77, p, 3, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(sms_decode_hex(p[i].hex, strlen(p[i].hex), &d, err, sizeof(err)),
		    0);
		assert_string_equal(d.smsc.text, "+447785016005");
		assert_string_equal(d.from.text, "+447700900999");
		assert_true(d.concat.present);
		assert_int_equal(d.concat.ref, 77);
		assert_int_equal(d.concat.part, i + 1);
		assert_int_equal(d.concat.total, 2);
		assert_int_equal(d.text_len, i == 0 ? 153 : 47);
	}
	/* too many parts, a bad sender, a bad SMSC */
	assert_int_equal(smsdeliver_encode(NULL, "+1", text, sizeof(text), &t, 0, p, 1, &n, err,
	    sizeof(err)), -1);
	assert_int_equal(smsdeliver_encode(NULL, "sipgate", "x", 1, &t, 0, p, 1, &n, err,
	    sizeof(err)), -1);
	assert_int_equal(smsdeliver_encode("+44x", "+1", "x", 1, &t, 0, p, 1, &n, err,
	    sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured_pdu),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_concatenated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
