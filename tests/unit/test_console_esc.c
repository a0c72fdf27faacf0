/*
 * Unit tests for console/console_esc: what `outpost console` sends and does
 * for what a person types.  Each case is typed in one go and again one
 * byte at a time, which must give the same bytes and actions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "console_esc.h"

#define D CONSOLE_ESC_DETACH
#define B CONSOLE_ESC_BREAK
#define H CONSOLE_ESC_HELP

struct esc_case {
	const char *typed;
	const char *sent;               /* all bytes sent, in order */
	const char *actions;            /* one letter per action: D B H */
};

static const struct esc_case cases[] = {
	{ "show version\r", "show version\r", "" },
	{ "~.", "", "D" },                              /* at the very start */
	{ "ls\r~.", "ls\r", "D" },                      /* after CR */
	{ "ls\n~.", "ls\n", "D" },                      /* after LF (a pipe) */
	{ "a~.", "a~.", "" },                           /* mid-line: plain */
	{ "~~", "~", "" },                              /* literal tilde */
	{ "~~~.", "~~.", "" },                          /* after ~~ no longer a line start */
	{ "~x", "~x", "" },                             /* unknown: both sent */
	{ "~\r~.", "~\r", "D" },                        /* ~ CR is sent, CR starts a line */
	{ "~#", "", "B" },
	{ "~#~.", "", "BD" },                           /* still at a line start */
	{ "~?~#", "", "HB" },
	{ "~?x~.", "x~.", "H" },
	{ "cd ~/x\r~#", "cd ~/x\r", "B" },
	{ "\r\r~.", "\r\r", "D" },
	{ "~", "", "" },                                /* held, nothing yet */
	{ "~\x03", "~\x03", "" },
	{ "~.more", "", "D" },                          /* nothing after a detach */
};

static char
action_letter(enum console_esc_action a)
{
	return a == D ? 'D' : a == B ? 'B' : a == H ? 'H' : '?';
}

/* Feed `typed` in chunks of `step` bytes (0: all at once). */
static void
run(const struct esc_case *tc, size_t step)
{
	struct console_esc e;
	uint8_t out[64], sent[128];
	char actions[16];
	size_t len = strlen(tc->typed), pos = 0, nsent = 0, nact = 0;

	console_esc_init(&e);
	while (pos < len) {
		size_t chunk = step == 0 || len - pos < step ? len - pos : step, off = 0;

		while (off < chunk) {
			enum console_esc_action a;
			size_t n, used;

			used = console_esc_feed(&e, (const uint8_t *)tc->typed + pos + off,
			    chunk - off, out, &n, &a);
			assert_true(used >= 1 && used <= chunk - off);
			assert_true(n <= chunk - off + 1);
			memcpy(sent + nsent, out, n);
			nsent += n;
			off += used;
			if (a != CONSOLE_ESC_NONE)
				actions[nact++] = action_letter(a);
			if (a == D)
				goto done;
		}
		pos += chunk;
	}
done:
	actions[nact] = '\0';
	if (nsent != strlen(tc->sent) || memcmp(sent, tc->sent, nsent) != 0)
		fail_msg("typed '%s' (step %zu): sent '%.*s', expected '%s'", tc->typed, step,
		    (int)nsent, (const char *)sent, tc->sent);
	if (strcmp(actions, tc->actions) != 0)
		fail_msg("typed '%s' (step %zu): actions '%s', expected '%s'", tc->typed, step,
		    actions, tc->actions);
}

static void
test_table_at_once(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run(&cases[i], 0);
}

static void
test_table_byte_by_byte(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run(&cases[i], 1);
}

/* A '~' held at the end of one read comes out with the next byte: the
 * output can be one byte longer than the input. */
static void
test_held_tilde_across_reads(void **state)
{
	struct console_esc e;
	enum console_esc_action a;
	uint8_t out[4];
	size_t n;

	(void)state;
	console_esc_init(&e);
	assert_int_equal(console_esc_feed(&e, (const uint8_t *)"~", 1, out, &n, &a), 1);
	assert_int_equal(n, 0);
	assert_int_equal(a, CONSOLE_ESC_NONE);
	assert_int_equal(console_esc_feed(&e, (const uint8_t *)"q", 1, out, &n, &a), 1);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "~q", 2);
}

/* The feed stops right after an action and the rest is read next time. */
static void
test_stops_after_action(void **state)
{
	struct console_esc e;
	enum console_esc_action a;
	uint8_t out[16];
	size_t n;

	(void)state;
	console_esc_init(&e);
	assert_int_equal(console_esc_feed(&e, (const uint8_t *)"ab\r~#cd", 7, out, &n, &a), 5);
	assert_int_equal(a, CONSOLE_ESC_BREAK);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "ab\r", 3);
	assert_int_equal(console_esc_feed(&e, (const uint8_t *)"cd", 2, out, &n, &a), 2);
	assert_int_equal(a, CONSOLE_ESC_NONE);
	assert_memory_equal(out, "cd", 2);
}

static void
test_help_names_every_escape(void **state)
{
	(void)state;
	assert_non_null(strstr(console_esc_help, "~."));
	assert_non_null(strstr(console_esc_help, "~#"));
	assert_non_null(strstr(console_esc_help, "~?"));
	assert_non_null(strstr(console_esc_help, "~~"));
	assert_null(strstr(console_esc_help, "\n\n"));  /* raw terminal: CR LF */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_at_once),
		cmocka_unit_test(test_table_byte_by_byte),
		cmocka_unit_test(test_held_tilde_across_reads),
		cmocka_unit_test(test_stops_after_action),
		cmocka_unit_test(test_help_names_every_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
