/*
 * Unit tests for lib/strbuf: pieces that fit, the exact fit, and an
 * overflow that sticks (the SMS codec and the push bodies rely on it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "strbuf.h"

static void
test_fits_exactly(void **state)
{
	char buf[6];
	struct strbuf b;

	(void)state;
	strbuf_init(&b, buf, sizeof(buf));
	assert_string_equal(buf, "");
	strbuf_adds(&b, "ab");
	strbuf_addc(&b, 'c');
	strbuf_add(&b, "dexyz", 2);   /* five bytes and the NUL: full */
	assert_false(b.overflow);
	assert_int_equal(b.len, 5);
	assert_string_equal(buf, "abcde");
}

static void
test_overflow_sticks(void **state)
{
	char buf[6];
	struct strbuf b;

	(void)state;
	strbuf_init(&b, buf, sizeof(buf));
	strbuf_adds(&b, "abcd");
	strbuf_adds(&b, "ef");        /* would leave no room for the NUL */
	assert_true(b.overflow);
	assert_string_equal(buf, "abcd");
	strbuf_addc(&b, 'e');         /* fits, but nothing more is added */
	assert_string_equal(buf, "abcd");
	assert_int_equal(b.len, 4);
}

static void
test_tiny_buffers(void **state)
{
	char one[1] = { 'x' }, none[1] = { 'y' };
	struct strbuf b;

	(void)state;
	strbuf_init(&b, one, 1);
	assert_int_equal(one[0], '\0');
	strbuf_add(&b, "", 0);
	assert_false(b.overflow);
	strbuf_addc(&b, 'a');
	assert_true(b.overflow);
	strbuf_init(&b, none, 0);     /* not even the NUL is written */
	assert_int_equal(none[0], 'y');
	strbuf_add(&b, "", 0);
	assert_true(b.overflow);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fits_exactly),
		cmocka_unit_test(test_overflow_sticks),
		cmocka_unit_test(test_tiny_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
