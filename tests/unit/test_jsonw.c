/*
 * Unit tests for lib/jsonw: exact output for each kind of member, string
 * escaping (quotes, backslash, control bytes, UTF-8 kept, invalid bytes
 * replaced), nesting, and the all-or-nothing overflow rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "jsonw.h"

static void
test_members(void **state)
{
	char buf[256];
	struct jsonw w;
	(void)state;

	jsonw_init(&w, buf, sizeof(buf));
	jsonw_begin(&w, NULL);
	jsonw_str(&w, "type", "RMC");
	jsonw_int(&w, "line", 10);
	jsonw_int(&w, "neg", -42);
	jsonw_double(&w, "lat", 44.068843333333, 9);
	jsonw_double(&w, "lon", -121.314191666667, 9);
	jsonw_double(&w, "hdop", 0.98, 2);
	jsonw_double(&w, "n", 3.0, 0);
	jsonw_bool(&w, "ok", true);
	jsonw_bool(&w, "bad", false);
	jsonw_null(&w, "none");
	jsonw_end(&w);
	assert_int_equal(jsonw_finish(&w), (int)strlen(buf));
	assert_string_equal(buf, "{\"type\":\"RMC\",\"line\":10,\"neg\":-42,\"lat\":44.068843333,"
				 "\"lon\":-121.314191667,\"hdop\":0.98,\"n\":3,\"ok\":true,"
				 "\"bad\":false,\"none\":null}");
}

static void
test_nested(void **state)
{
	char buf[256];
	struct jsonw w;
	(void)state;

	jsonw_init(&w, buf, sizeof(buf));
	jsonw_begin(&w, NULL);
	jsonw_begin(&w, "a");
	jsonw_begin(&w, "b");
	jsonw_end(&w);
	jsonw_int(&w, "c", 1);
	jsonw_end(&w);
	jsonw_begin_array(&w, "l");
	jsonw_int(&w, NULL, 1);
	jsonw_str(&w, NULL, "x");
	jsonw_begin(&w, NULL);
	jsonw_int(&w, "p", 2);
	jsonw_end(&w);
	jsonw_end(&w);
	jsonw_begin_array(&w, "e");
	jsonw_end(&w);
	jsonw_end(&w);
	assert_true(jsonw_finish(&w) > 0);
	assert_string_equal(buf, "{\"a\":{\"b\":{},\"c\":1},\"l\":[1,\"x\",{\"p\":2}],\"e\":[]}");
}

static void
test_escaping(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} t[] = {
		{ "plain", 5, "\"plain\"" },
		{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
		{ "\n\r\t\x01\x1f\x7f", 6, "\"\\u000a\\u000d\\u0009\\u0001\\u001f\\u007f\"" },
		{ "nul\0in", 6, "\"nul\\u0000in\"" },
		/* valid UTF-8 passes: e-acute, euro, U+1F600 */
		{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"" },
		/* invalid: lone continuation, truncated, overlong, surrogate, > U+10FFFF */
		{ "a\x80z", 3, "\"a\xef\xbf\xbdz\"" },
		{ "\xe2\x82", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xe0\x80\xaf", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xf4\x90\x80\x80", 4, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xff", 1, "\"\xef\xbf\xbd\"" },
	};
	char buf[128];
	struct jsonw w;
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		jsonw_init(&w, buf, sizeof(buf));
		jsonw_strn(&w, NULL, t[i].in, t[i].len);
		assert_true(jsonw_finish(&w) > 0);
		assert_string_equal(buf, t[i].out);
	}
	/* keys are escaped too */
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_begin(&w, NULL);
	jsonw_int(&w, "k\"", 1);
	jsonw_end(&w);
	assert_true(jsonw_finish(&w) > 0);
	assert_string_equal(buf, "{\"k\\\"\":1}");
}

static void
test_non_finite(void **state)
{
	char buf[64];
	struct jsonw w;
	(void)state;

	jsonw_init(&w, buf, sizeof(buf));
	jsonw_begin_array(&w, NULL);
	jsonw_double(&w, NULL, NAN, 3);
	jsonw_double(&w, NULL, INFINITY, 3);
	jsonw_double(&w, NULL, 1.5, -2);
	jsonw_double(&w, NULL, 0.125, 99);
	jsonw_end(&w);
	assert_true(jsonw_finish(&w) > 0);
	assert_string_equal(buf, "[null,null,2,0.12500000000000000]");
}

static void
test_overflow(void **state)
{
	char buf[16];
	struct jsonw w;
	(void)state;

	/* {"type":"RMC"} is 14 bytes: fits in 15 with the NUL, not in 14 */
	jsonw_init(&w, buf, 15);
	jsonw_begin(&w, NULL);
	jsonw_str(&w, "type", "RMC");
	jsonw_end(&w);
	assert_int_equal(jsonw_finish(&w), 14);
	jsonw_init(&w, buf, 14);
	jsonw_begin(&w, NULL);
	jsonw_str(&w, "type", "RMC");
	jsonw_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	/* never a byte past the end */
	memset(buf, 'Z', sizeof(buf));
	jsonw_init(&w, buf, 8);
	jsonw_str(&w, NULL, "a long string that does not fit");
	assert_int_equal(jsonw_finish(&w), -1);
	assert_int_equal(buf[8], 'Z');
	assert_true(strlen(buf) < 8);
	jsonw_init(&w, buf, 0);
	assert_int_equal(jsonw_finish(&w), -1);
}

static void
test_unbalanced(void **state)
{
	char buf[64];
	struct jsonw w;
	(void)state;

	jsonw_init(&w, buf, sizeof(buf));
	jsonw_begin(&w, NULL);
	assert_int_equal(jsonw_finish(&w), -1);
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	/* too deep */
	jsonw_init(&w, buf, sizeof(buf));
	for (int i = 0; i < JSONW_MAX_DEPTH + 1; i++)
		jsonw_begin_array(&w, NULL);
	for (int i = 0; i < JSONW_MAX_DEPTH + 1; i++)
		jsonw_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
}

static void
test_finish_line(void **state)
{
	char buf[16];
	struct jsonw w;

	(void)state;
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_begin(&w, NULL);
	jsonw_int(&w, "n", 7);
	jsonw_end(&w);
	assert_int_equal(jsonw_finish_line(&w), 8);
	assert_string_equal(buf, "{\"n\":7}\n");

	/* the text fits, the newline does not: nothing half */
	char small[8];
	jsonw_init(&w, small, sizeof(small));
	jsonw_begin(&w, NULL);
	jsonw_int(&w, "n", 7);
	jsonw_end(&w);
	assert_int_equal(jsonw_finish_line(&w), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_non_finite),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_unbalanced),
		cmocka_unit_test(test_finish_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
