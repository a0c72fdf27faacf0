/*
 * Unit tests for sim/modemsim/modemctl: the control socket's command lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "modemctl.h"

static int
parse(const char *line, struct modemctl_cmd *c)
{
	char err[128];

	return modemctl_parse(line, strlen(line), c, err, sizeof(err));
}

static void
test_commands(void **state)
{
	struct modemctl_cmd c;
	(void)state;

	assert_int_equal(parse("sms 0011AA", &c), 0);
	assert_int_equal(c.op, MODEMCTL_SMS);
	assert_int_equal(c.arg_len, 6);
	assert_memory_equal(c.arg, "0011AA", 6);
	assert_int_equal(parse("sms-text +447700900999 UP 30 12 34\r", &c), 0);
	assert_int_equal(c.op, MODEMCTL_SMS_TEXT);
	assert_int_equal(c.arg_len, 13);
	assert_memory_equal(c.arg, "+447700900999", 13);
	assert_int_equal(c.text_len, 11);
	assert_memory_equal(c.text, "UP 30 12 34", 11);
	assert_int_equal(parse("signal 99", &c), 0);
	assert_int_equal(c.n, 99);
	assert_int_equal(parse("signal 0", &c), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(parse("reg roaming", &c), 0);
	assert_int_equal(c.n, 5);
	assert_int_equal(parse("reg 3", &c), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(parse("urc-in-reply on", &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(parse("text-only on", &c), 0);
	assert_int_equal(c.op, MODEMCTL_TEXT_ONLY);
	assert_int_equal(c.n, 1);
	assert_int_equal(parse("text-only off\r", &c), 0);
	assert_int_equal(c.op, MODEMCTL_TEXT_ONLY);
	assert_int_equal(c.n, 0);
	assert_int_equal(parse("unplug", &c), 0);
	assert_int_equal(c.op, MODEMCTL_UNPLUG);
	assert_int_equal(parse("status", &c), 0);
	assert_int_equal(c.op, MODEMCTL_STATUS);
}

static void
test_rejected(void **state)
{
	struct modemctl_cmd c;
	(void)state;

	assert_int_equal(parse("", &c), -1);
	assert_int_equal(parse("sms", &c), -1);
	assert_int_equal(parse("sms-text +447700900999", &c), -1);
	assert_int_equal(parse("signal 32", &c), -1);
	assert_int_equal(parse("signal -1", &c), -1);
	assert_int_equal(parse("signal", &c), -1);
	assert_int_equal(parse("reg 6", &c), -1);
	assert_int_equal(parse("reg", &c), -1);
	assert_int_equal(parse("drop now", &c), -1);
	assert_int_equal(parse("urc-in-reply maybe", &c), -1);
	assert_int_equal(parse("text-only", &c), -1);
	assert_int_equal(parse("text-only yes", &c), -1);
	assert_int_equal(parse("reboot", &c), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
