/*
 * Unit tests for console/console_proto: framing, HELLO, console names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "console_proto.h"

static void
test_frame_round_trip(void **state)
{
	uint8_t buf[CONSOLE_MSG_HDR + CONSOLE_MSG_MAX];
	struct console_msg m;
	size_t n;

	(void)state;
	n = console_msg_encode(CONSOLE_MSG_DATA, "login: ", 7, buf, sizeof(buf));
	assert_int_equal(n, 10);
	assert_memory_equal(buf, "D\x00\x07login: ", 10);
	/* Any prefix is "not yet"; the whole is one message. */
	for (size_t k = 0; k < n; k++)
		assert_int_equal(console_msg_decode(buf, k, &m), 0);
	assert_int_equal(console_msg_decode(buf, n, &m), 10);
	assert_int_equal(m.type, CONSOLE_MSG_DATA);
	assert_int_equal(m.len, 7);
	assert_memory_equal(m.payload, "login: ", 7);

	assert_int_equal(console_msg_encode(CONSOLE_MSG_BREAK, NULL, 0, buf, sizeof(buf)), 3);
	assert_int_equal(console_msg_decode(buf, 3, &m), 3);
	assert_int_equal(m.type, CONSOLE_MSG_BREAK);
	assert_int_equal(m.len, 0);
}

static void
test_frame_limits(void **state)
{
	static uint8_t big[CONSOLE_MSG_MAX + 1];
	uint8_t buf[CONSOLE_MSG_HDR + CONSOLE_MSG_MAX + 8];
	struct console_msg m;

	(void)state;
	assert_int_equal(console_msg_encode(CONSOLE_MSG_DATA, big, CONSOLE_MSG_MAX, buf,
	    sizeof(buf)), CONSOLE_MSG_HDR + CONSOLE_MSG_MAX);
	assert_int_equal(console_msg_decode(buf, sizeof(buf), &m),
	    CONSOLE_MSG_HDR + CONSOLE_MSG_MAX);
	assert_int_equal(console_msg_encode(CONSOLE_MSG_DATA, big, CONSOLE_MSG_MAX + 1, buf,
	    sizeof(buf)), 0);
	assert_int_equal(console_msg_encode(CONSOLE_MSG_DATA, "abc", 3, buf, 5), 0);
	assert_int_equal(console_msg_encode(CONSOLE_MSG_DATA, "abc", 3, buf, 2), 0);
	/* A length over the maximum, an unknown type: not a message, at once. */
	assert_int_equal(console_msg_decode((const uint8_t *)"D\x10\x01", 3, &m), -1);
	assert_int_equal(console_msg_decode((const uint8_t *)"X", 1, &m), -1);
	assert_int_equal(console_msg_decode((const uint8_t *)"status\n", 7, &m), -1);
	assert_int_equal(console_msg_decode((const uint8_t *)"", 0, &m), 0);
}

static void
test_two_frames_in_one_buffer(void **state)
{
	uint8_t buf[64];
	struct console_msg m;
	size_t n;
	long k;

	(void)state;
	n = console_msg_encode(CONSOLE_MSG_NOTICE, "line back", 9, buf, sizeof(buf));
	n += console_msg_encode(CONSOLE_MSG_DATA, "x", 1, buf + n, sizeof(buf) - n);
	k = console_msg_decode(buf, n, &m);
	assert_int_equal(k, 12);
	assert_int_equal(m.type, CONSOLE_MSG_NOTICE);
	k = console_msg_decode(buf + k, n - (size_t)k, &m);
	assert_int_equal(k, 4);
	assert_int_equal(m.type, CONSOLE_MSG_DATA);
}

static void
test_hello_round_trip(void **state)
{
	struct console_hello h = { 0 }, g;
	uint8_t p[64];
	char err[128];
	size_t n;

	(void)state;
	h.spy = true;
	h.replay = 200;
	strcpy(h.name, "router");
	n = console_hello_encode(&h, p, sizeof(p));
	assert_int_equal(n, 10);
	assert_memory_equal(p, "\x01\x01\x00\xc8router", 10);
	assert_int_equal(console_hello_decode(p, n, &g, err, sizeof(err)), 0);
	assert_int_equal(g.version, CONSOLE_PROTO_VERSION);
	assert_true(g.spy);
	assert_false(g.force);
	assert_int_equal(g.replay, 200);
	assert_string_equal(g.name, "router");

	memset(&h, 0, sizeof(h));
	h.force = true;
	h.replay = CONSOLE_REPLAY_DEFAULT;
	n = console_hello_encode(&h, p, sizeof(p));
	assert_int_equal(n, 4);
	assert_int_equal(console_hello_decode(p, n, &g, err, sizeof(err)), 0);
	assert_true(g.force);
	assert_false(g.spy);
	assert_int_equal(g.replay, CONSOLE_REPLAY_DEFAULT);
	assert_string_equal(g.name, "");
}

static void
test_hello_refused(void **state)
{
	static const struct {
		const char *p;
		size_t len;
		const char *why;
	} bad[] = {
		{ "\x01\x00\x00", 3, "short hello" },
		{ "\x02\x00\x00\x32", 4, "protocol version 2" },
		{ "\x01\x04\x00\x32", 4, "unknown hello flags" },
		{ "\x01\x00\x00\x32../etc", 10, "invalid console name" },
		{ "\x01\x00\x00\x32r\0x", 7, "invalid console name" },
		{ "\x01\x00\x00\x32" "a/b", 7, "invalid console name" },
		{ "\x01\x00\x00\x32" "0123456789012345678901234567890123", 38, "too long" },
	};
	struct console_hello h;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(console_hello_decode((const uint8_t *)bad[i].p, bad[i].len, &h,
		    err, sizeof(err)), -1);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("case %zu: '%s' does not say '%s'", i, err, bad[i].why);
	}
	/* Encoding refuses what decoding would. */
	memset(&h, 0, sizeof(h));
	strcpy(h.name, "../x");
	assert_int_equal(console_hello_encode(&h, (uint8_t *)err, sizeof(err)), 0);
}

static void
test_names(void **state)
{
	(void)state;
	assert_true(console_name_valid("router"));
	assert_true(console_name_valid("core-sw1.lab_2"));
	assert_true(console_name_valid("0123456789012345678901234567890"));     /* 31 */
	assert_false(console_name_valid("01234567890123456789012345678901"));   /* 32 */
	assert_false(console_name_valid(""));
	assert_false(console_name_valid(".hidden"));
	assert_false(console_name_valid(".."));
	assert_false(console_name_valid("a/b"));
	assert_false(console_name_valid("a b"));
	assert_false(console_name_valid("r\xc3\xa9seau"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_round_trip),
		cmocka_unit_test(test_frame_limits),
		cmocka_unit_test(test_two_frames_in_one_buffer),
		cmocka_unit_test(test_hello_round_trip),
		cmocka_unit_test(test_hello_refused),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
