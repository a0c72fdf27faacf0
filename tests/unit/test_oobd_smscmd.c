/*
 * smscmd: what phones send (any case, extra blanks, line ends) is read as
 * meant; everything else is refused with the reason an operator would look
 * for in the log; nothing but the text's bytes is ever read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "smscmd.h"

static const struct {
	const char *text;
	const char *code;
	enum smscmd_verb verb;
	int minutes;
} good[] = {
	{ "123456 UP 30", "123456", SMSCMD_UP, 30 },
	{ "123456 down", "123456", SMSCMD_DOWN, 0 },
	{ "123456 Status", "123456", SMSCMD_STATUS, 0 },
	{ "123456 UP", "123456", SMSCMD_UP, 0 },
	{ "123456 uP 1", "123456", SMSCMD_UP, 1 },
	{ "123456 up 10080", "123456", SMSCMD_UP, 10080 },
	{ "123456 up 0030", "123456", SMSCMD_UP, 30 },
	{ "  000000\t\tUP   45  ", "000000", SMSCMD_UP, 45 },
	{ "12345678 STATUS", "12345678", SMSCMD_STATUS, 0 },
	{ "1234567 DoWn\r\n", "1234567", SMSCMD_DOWN, 0 },
	{ "\n123456\nup\n30\n", "123456", SMSCMD_UP, 30 },
	{ "\r\n 654321 \r\n STATUS \r\n", "654321", SMSCMD_STATUS, 0 },
};

static const struct {
	const char *text;
	enum smscmd_error error;
	const char *message;
} bad[] = {
	{ "", SMSCMD_NO_CODE, "no code: the text is empty" },
	{ " \r\n\t ", SMSCMD_NO_CODE, "no code: the text is empty" },
	{ "UP 30", SMSCMD_NO_CODE, "'UP' is not a code (6 to 8 digits)" },
	{ "12345 UP", SMSCMD_NO_CODE, "'12345' is not a code (6 to 8 digits)" },
	{ "123456789 UP", SMSCMD_NO_CODE, "'123456789' is not a code (6 to 8 digits)" },
	{ "123 456 UP", SMSCMD_NO_CODE, "'123' is not a code (6 to 8 digits)" },
	{ "12345a UP", SMSCMD_NO_CODE, "'12345a' is not a code (6 to 8 digits)" },
	{ "-123456 UP", SMSCMD_NO_CODE, "'-123456' is not a code (6 to 8 digits)" },
	{ "123456:UP", SMSCMD_NO_CODE, "'123456:UP' is not a code (6 to 8 digits)" },
	{ "Hello, your parcel is waiting", SMSCMD_NO_CODE, "'Hello,' is not a code (6 to 8 digits)" },
	{ "\x1b[2J\x1b[H 123456 UP", SMSCMD_NO_CODE, "'?[2J?[H' is not a code (6 to 8 digits)" },
	{ "123456", SMSCMD_UNKNOWN_VERB, "no command after the code (UP, DOWN or STATUS)" },
	{ "123456 \r\n", SMSCMD_UNKNOWN_VERB, "no command after the code (UP, DOWN or STATUS)" },
	{ "123456 START", SMSCMD_UNKNOWN_VERB, "'START' is not UP, DOWN or STATUS" },
	{ "123456 UPP", SMSCMD_UNKNOWN_VERB, "'UPP' is not UP, DOWN or STATUS" },
	{ "123456 U", SMSCMD_UNKNOWN_VERB, "'U' is not UP, DOWN or STATUS" },
	{ "123456 STAT", SMSCMD_UNKNOWN_VERB, "'STAT' is not UP, DOWN or STATUS" },
	{ "123456 UP30", SMSCMD_UNKNOWN_VERB, "'UP30' is not UP, DOWN or STATUS" },
	{ "123456 statusstatusstatusstatus", SMSCMD_UNKNOWN_VERB,
	    "'statusstatuss...' is not UP, DOWN or STATUS" },
	{ "123456 UP 0", SMSCMD_BAD_MINUTES, "'0' is not a number of minutes (1 to 10080)" },
	{ "123456 UP 10081", SMSCMD_BAD_MINUTES, "'10081' is not a number of minutes (1 to 10080)" },
	{ "123456 UP -5", SMSCMD_BAD_MINUTES, "'-5' is not a number of minutes (1 to 10080)" },
	{ "123456 UP +5", SMSCMD_BAD_MINUTES, "'+5' is not a number of minutes (1 to 10080)" },
	{ "123456 UP 30m", SMSCMD_BAD_MINUTES, "'30m' is not a number of minutes (1 to 10080)" },
	{ "123456 UP 1.5", SMSCMD_BAD_MINUTES, "'1.5' is not a number of minutes (1 to 10080)" },
	{ "123456 UP 99999999999999999999", SMSCMD_BAD_MINUTES,
	    "'9999999999999...' is not a number of minutes (1 to 10080)" },
	{ "123456 UP 30 please", SMSCMD_TRAILING, "'please' after UP: UP takes only minutes" },
	{ "123456 UP 30 30", SMSCMD_TRAILING, "'30' after UP: UP takes only minutes" },
	{ "123456 DOWN 30", SMSCMD_TRAILING, "'30' after DOWN: it takes nothing more" },
	{ "123456 STATUS now", SMSCMD_TRAILING, "'now' after STATUS: it takes nothing more" },
	{ "123456 DOWN\n123456 UP", SMSCMD_TRAILING, "'123456' after DOWN: it takes nothing more" },
};

static void
test_good(void **state)
{
	struct smscmd c;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&c, 0x55, sizeof(c));
		assert_int_equal(smscmd_parse(good[i].text, strlen(good[i].text), &c, err,
				     sizeof(err)),
		    SMSCMD_OK);
		assert_string_equal(c.code, good[i].code);
		assert_int_equal(c.verb, good[i].verb);
		assert_int_equal(c.minutes, good[i].minutes);
	}
}

static void
test_bad(void **state)
{
	struct smscmd c, untouched;
	char err[128];

	(void)state;
	memset(&untouched, 0x55, sizeof(untouched));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = untouched;
		assert_int_equal(smscmd_parse(bad[i].text, strlen(bad[i].text), &c, err,
				     sizeof(err)),
		    bad[i].error);
		assert_string_equal(err, bad[i].message);
		assert_memory_equal(&c, &untouched, sizeof(c));
	}
}

/* 160 bytes is one SMS: accepted if it is a command; 161 is refused unread. */
static void
test_length(void **state)
{
	char text[SMSCMD_TEXT_MAX + 2], err[128];
	struct smscmd c;

	(void)state;
	memset(text, ' ', sizeof(text));
	memcpy(text + 100, "123456 UP 30", 12);
	assert_int_equal(smscmd_parse(text, SMSCMD_TEXT_MAX, &c, err, sizeof(err)), SMSCMD_OK);
	assert_int_equal(c.minutes, 30);
	assert_int_equal(smscmd_parse(text, SMSCMD_TEXT_MAX + 1, &c, err, sizeof(err)),
	    SMSCMD_TOO_LONG);
	assert_string_equal(err, "161 bytes: longer than one SMS (160)");
}

/* Only len bytes are read: what follows (here the rest of a buffer) is not
 * part of the text, and a NUL inside the text is just a wrong character. */
static void
test_explicit_length(void **state)
{
	struct smscmd c;
	char err[128];

	(void)state;
	assert_int_equal(smscmd_parse("123456 UP 30 junk", 12, &c, err, sizeof(err)), SMSCMD_OK);
	assert_int_equal(c.minutes, 30);
	assert_int_equal(smscmd_parse("123456 UP\0 30", 13, &c, err, sizeof(err)),
	    SMSCMD_UNKNOWN_VERB);
	assert_string_equal(err, "'UP?' is not UP, DOWN or STATUS");
	/* Exactly the text's bytes, in a heap block the sanitizers watch. */
	char *p = malloc(6);
	assert_non_null(p);
	memcpy(p, "123456", 6);
	assert_int_equal(smscmd_parse(p, 6, &c, err, sizeof(err)), SMSCMD_UNKNOWN_VERB);
	free(p);
}

static void
test_names(void **state)
{
	char err[8];
	struct smscmd c;

	(void)state;
	assert_string_equal(smscmd_verb_name(SMSCMD_STATUS), "STATUS");
	assert_string_equal(smscmd_error_name(SMSCMD_TRAILING), "trailing words");
	assert_string_equal(smscmd_error_name(SMSCMD_BAD_MINUTES), "bad minutes");
	/* A short error buffer is cut, still terminated. */
	assert_int_equal(smscmd_parse("x", 1, &c, err, sizeof(err)), SMSCMD_NO_CODE);
	assert_string_equal(err, "'x' is ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_explicit_length),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
