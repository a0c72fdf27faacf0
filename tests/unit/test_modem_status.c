/*
 * modem_status: the status queries and what their replies say, without a
 * driver: replies as the engine hands them over (strings from a Huawei
 * E1752 and the simulator's dialect), applied to a struct modem_status, and
 * the words made of it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "at.h"
#include "modem_status.h"

/* A reply as the engine hands it over, from its information lines. */
static struct at_reply R;

static const struct at_reply *
reply_of(enum at_status status, const char *const *lines, size_t n)
{
	memset(&R, 0, sizeof(R));
	R.status = status;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(lines[i]);

		assert_true(R.used + len + 1 <= sizeof(R.buf));
		R.off[R.nlines++] = (uint16_t)R.used;
		memcpy(R.buf + R.used, lines[i], len + 1);
		R.used += len + 1;
	}
	return &R;
}

/* One line, OK. */
static const struct at_reply *
ok_line(const char *line)
{
	return reply_of(AT_OK, &line, 1);
}

static void
test_status_apply(void **state)
{
	static const char *const noisy[] = { "^RSSI:12", "+csq: 5,99" };
	struct modem_status st;
	char net[64];

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(modem_status_apply(&st, MODEM_Q_CSQ, ok_line("+CSQ: 20,99")), 0);
	assert_true(st.have_csq);
	assert_int_equal(st.csq.dbm, -73);
	/* the line with the prefix, in any case, among others */
	assert_int_equal(modem_status_apply(&st, MODEM_Q_CSQ, reply_of(AT_OK, noisy, 2)), 0);
	assert_int_equal(st.csq.rssi, 5);
	assert_int_equal(modem_status_apply(&st, MODEM_Q_CREG, ok_line("+CREG: 0,1")), 0);
	assert_true(st.have_creg);
	assert_int_equal(st.creg.stat, 1);
	assert_int_equal(modem_status_apply(&st, MODEM_Q_COPS,
	    ok_line("+COPS: 0,0,\"vodafone UK\",2")), 0);
	assert_string_equal(st.cops.oper, "vodafone UK");
	assert_int_equal(modem_status_apply(&st, MODEM_Q_SYSINFO, ok_line("^SYSINFO:2,3,0,5,1,,5")),
	    0);
	modem_status_network(&st, net, sizeof(net));
	assert_string_equal(net, "3G (WCDMA, HSDPA)");
	assert_int_equal(modem_status_apply(&st, MODEM_Q_PIN, ok_line("+CPIN: SIM PIN")), 0);
	assert_true(st.have_pin);
	assert_int_equal(st.pin, AT_PIN_SIM_PIN);
	assert_int_equal(modem_status_apply(&st, MODEM_Q_PORTS,
	    ok_line("^GETPORTMODE: TYPE: WCDMA: huawei,MDM:0,DIAG:1,PCUI:2")), 0);
	assert_true(st.have_ports);
	assert_int_equal(at_portmode_find(&st.ports, AT_PORT_PCUI), 2);
	/* identification: the first line, with or without its prefix */
	assert_int_equal(modem_status_apply(&st, MODEM_Q_MAKER, ok_line("huawei")), 0);
	assert_string_equal(st.maker, "huawei");
	assert_int_equal(modem_status_apply(&st, MODEM_Q_MODEL, ok_line("+CGMM: E1752")), 0);
	assert_string_equal(st.model, "E1752");
	assert_int_equal(modem_status_apply(&st, MODEM_Q_IMEI, ok_line("351234567890123")), 0);
	assert_string_equal(st.imei, "351234567890123");
	assert_int_equal(modem_status_apply(&st, MODEM_Q_IMEI, ok_line("12")), -1);
}

static void
test_status_apply_refused(void **state)
{
	static const char *const csq[] = { "+CSQ: 20,99" }, *const other[] = { "+CREG: 0,1" };
	struct modem_status st;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* not OK, no line with the prefix, a line that does not parse */
	assert_int_equal(modem_status_apply(&st, MODEM_Q_CSQ, reply_of(AT_ERROR, csq, 1)), -1);
	assert_int_equal(modem_status_apply(&st, MODEM_Q_CSQ, reply_of(AT_OK, other, 1)), -1);
	assert_int_equal(modem_status_apply(&st, MODEM_Q_CSQ, ok_line("+CSQ: 40,99")), -1);
	assert_false(st.have_csq);
	assert_int_equal(modem_status_apply(&st, MODEM_Q_MAKER, reply_of(AT_OK, NULL, 0)), -1);
	assert_int_equal(modem_status_apply(&st, MODEM_Q_COUNT, ok_line("+CSQ: 20,99")), -1);
}

static void
test_status_apply_words(void **state)
{
	struct modem_status st;
	struct at_csq c = { .rssi = 22, .known = true };
	char net[64];

	(void)state;
	memset(&st, 0, sizeof(st));
	modem_status_network(&st, net, sizeof(net));
	assert_string_equal(net, "unknown");
	st.have_cops = true;
	st.cops.act = 2;
	modem_status_network(&st, net, sizeof(net));
	assert_string_equal(net, "3G (UMTS)");
	st.have_sysinfo = true;
	st.sysinfo.srv_status = 2;
	st.sysinfo.sys_mode = 3;
	st.sysinfo.sys_submode = 3;
	modem_status_network(&st, net, sizeof(net));
	assert_string_equal(net, "2G (GSM, EDGE)");
	st.sysinfo.srv_status = 0;
	modem_status_network(&st, net, sizeof(net));
	assert_string_equal(net, "no service");
	assert_string_equal(modem_signal_words(&c), "excellent");
	c.rssi = 7;
	assert_string_equal(modem_signal_words(&c), "poor");
	c.known = false;
	assert_string_equal(modem_signal_words(&c), "unknown");
	assert_string_equal(modem_query_command(MODEM_Q_SYSINFO), "AT^SYSINFO");
	assert_null(modem_query_command(MODEM_Q_COUNT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_apply),
		cmocka_unit_test(test_status_apply_refused),
		cmocka_unit_test(test_status_apply_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
