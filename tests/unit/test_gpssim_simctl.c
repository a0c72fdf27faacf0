/*
 * gpssim's control commands (sim/gpssim/simctl.c): the lines a test types
 * and what they mean, the refusals, and the injected garbage.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "simctl.h"

static void
test_parse(void **state)
{
	static const struct {
		const char *line;
		int ok;
		enum simctl_op op;
		int64_t n;
		double seconds;
	} t[] = {
		{ "fix lost", 0, SIMCTL_FIX_LOST, 0, 0 },
		{ "fix ok\r", 0, SIMCTL_FIX_OK, 0, 0 },
		{ "  pps   stop ", 0, SIMCTL_PPS_STOP, 0, 0 },
		{ "pps start", 0, SIMCTL_PPS_START, 0, 0 },
		{ "garbage 1", 0, SIMCTL_GARBAGE, 1, 0 },
		{ "garbage 1024", 0, SIMCTL_GARBAGE, 1024, 0 },
		{ "unplug", 0, SIMCTL_UNPLUG, 0, 0 },
		{ "replug", 0, SIMCTL_REPLUG, 0, 0 },
		{ "leap insert", 0, SIMCTL_LEAP_INSERT, 0, 0 },
		{ "leap insert-at 1795564800", 0, SIMCTL_LEAP_INSERT_AT, 1795564800, 0 },
		{ "leap cancel", 0, SIMCTL_LEAP_CANCEL, 0, 0 },
		{ "rollover on", 0, SIMCTL_ROLLOVER_ON, 0, 0 },
		{ "rollover off", 0, SIMCTL_ROLLOVER_OFF, 0, 0 },
		{ "nmea-delay 0.8", 0, SIMCTL_NMEA_DELAY, 0, 0.8 },
		{ "status", 0, SIMCTL_STATUS, 0, 0 },
		{ "help", 0, SIMCTL_HELP, 0, 0 },
		{ "", -1, 0, 0, 0 },
		{ "fix", -1, 0, 0, 0 },
		{ "fix maybe", -1, 0, 0, 0 },
		{ "fix ok now", -1, 0, 0, 0 },
		{ "garbage 0", -1, 0, 0, 0 },
		{ "garbage 1025", -1, 0, 0, 0 },
		{ "garbage -5", -1, 0, 0, 0 },
		{ "garbage 12x", -1, 0, 0, 0 },
		{ "garbage 99999999999999999999999", -1, 0, 0, 0 },
		{ "leap insert-at 1795564830", -1, 0, 0, 0 },   /* not a whole minute */
		{ "leap insert-at", -1, 0, 0, 0 },
		{ "leap delete", -1, 0, 0, 0 },
		{ "nmea-delay 0.2", -1, 0, 0, 0 },
		{ "nmea-delay 1", -1, 0, 0, 0 },
		{ "nmea-delay nan", -1, 0, 0, 0 },
		{ "nmea-delay 0.5s", -1, 0, 0, 0 },
		{ "status please", -1, 0, 0, 0 },
		{ "FIX LOST", -1, 0, 0, 0 },
		{ "reboot", -1, 0, 0, 0 },
		{ "a b c d e", -1, 0, 0, 0 },
		{ "fix aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", -1, 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct simctl_cmd c;
		char err[128] = "";
		int r = simctl_parse(t[i].line, strlen(t[i].line), &c, err, sizeof(err));

		if (r != t[i].ok)
			fail_msg("'%s': %d (%s), want %d", t[i].line, r, err, t[i].ok);
		if (r < 0) {
			assert_true(strlen(err) > 0);
			continue;
		}
		assert_int_equal(c.op, t[i].op);
		assert_int_equal(c.n, t[i].n);
		assert_true(c.seconds == t[i].seconds);
	}
}

/* A NUL inside the line is refused, not read as its end. */
static void
test_parse_nul(void **state)
{
	struct simctl_cmd c;
	char err[64];

	(void)state;
	assert_int_equal(simctl_parse("fix ok\0zz", 9, &c, err, sizeof(err)), -1);
	assert_int_equal(simctl_parse("fix ok\0zz", 6, &c, err, sizeof(err)), 0);
}

static void
test_next_midnight(void **state)
{
	(void)state;
	assert_int_equal(simctl_next_midnight(1795564800), 1795651200);
	assert_int_equal(simctl_next_midnight(1795564799), 1795564800);
	assert_int_equal(simctl_next_midnight(0), 86400);
}

static void
test_garbage(void **state)
{
	uint8_t a[300], b[300];
	uint32_t r1 = 7, r2 = 7;
	int nul = 0, dollar = 0, high = 0;

	(void)state;
	simctl_garbage(&r1, a, sizeof(a));
	simctl_garbage(&r2, b, sizeof(b));
	assert_memory_equal(a, b, sizeof(a));   /* one seed, one sequence */
	for (size_t i = 0; i < sizeof(a); i++) {
		nul += a[i] == 0;
		dollar += a[i] == '$';
		high += a[i] >= 0x80;
	}
	assert_true(nul > 30 && dollar > 3 && high > 30);
	/* Even two bytes hold a NUL and a '$'. */
	for (uint32_t seed = 1; seed < 50; seed++) {
		uint8_t two[2];
		uint32_t r = seed;

		simctl_garbage(&r, two, 2);
		assert_true((two[0] == 0 && two[1] == '$') || (two[0] == '$' && two[1] == 0));
	}
	r1 = 0;                                 /* a zero state still moves */
	simctl_garbage(&r1, a, 1);
	assert_int_not_equal(r1, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_nul),
		cmocka_unit_test(test_next_midnight),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
