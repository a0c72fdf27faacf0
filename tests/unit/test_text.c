/*
 * Unit tests for lib/text's UTF-8 decoder, the one every module uses
 * (JSON output, push texts, SMS encoding in PDU and text mode).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "text.h"

static size_t
get(const char *s, size_t len, uint32_t *cp)
{
	*cp = 0xFFFFFFFFu;
	return text_utf8_get(s, len, cp);
}

static void
test_valid(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(get("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(get("\xc3\xa9t\xc3\xa9", 5, &cp), 2); /* é */
	assert_int_equal(cp, 0xE9);
	assert_int_equal(get("\xe2\x82\xac", 3, &cp), 3); /* € */
	assert_int_equal(cp, 0x20AC);
	assert_int_equal(get("\xf0\x9f\x98\x80", 4, &cp), 4); /* U+1F600 */
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(get("\xf4\x8f\xbf\xbf", 4, &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	/* Only the first character is read. */
	assert_int_equal(get("\xc3\xa9\xc3\xa9", 4, &cp), 2);
}

static void
test_refused(void **state)
{
	static const struct {
		const char *s;
		size_t len;
	} bad[] = {
		{ "", 0 },                       /* nothing */
		{ "\x80", 1 },                   /* a stray continuation byte */
		{ "\xc3", 1 },                   /* cut */
		{ "\xe2\x82", 2 },               /* cut */
		{ "\xf0\x9f\x98", 3 },           /* cut */
		{ "\xc3(", 2 },                  /* not a continuation */
		{ "\xc0\x80", 2 },               /* overlong NUL */
		{ "\xc1\xbf", 2 },               /* overlong */
		{ "\xe0\x80\x80", 3 },           /* overlong */
		{ "\xf0\x80\x80\x80", 4 },       /* overlong */
		{ "\xed\xa0\x80", 3 },           /* U+D800, a surrogate */
		{ "\xed\xbf\xbf", 3 },           /* U+DFFF */
		{ "\xf4\x90\x80\x80", 4 },       /* U+110000 */
		{ "\xf5\x80\x80\x80", 4 },
		{ "\xf8\x88\x80\x80\x80", 5 },   /* five bytes */
		{ "\xff", 1 },
	};
	uint32_t cp;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(get(bad[i].s, bad[i].len, &cp), 0);
}

/* Every code point text_utf8_put writes comes back, with its length; the
 * length limit is honoured at every cut (ASan sees any overread: the
 * character is copied to the end of a buffer of exactly its size). */
static void
test_round_trip(void **state)
{
	char out[4];
	uint32_t cp;

	(void)state;
	for (uint32_t c = 0; c <= 0x10FFFF; c++) {
		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		size_t n = text_utf8_put(c, out);
		char *exact = test_malloc(n);
		memcpy(exact, out, n);
		assert_int_equal(text_utf8_get(exact, n, &cp), n);
		assert_int_equal(cp, c);
		for (size_t cut = 0; cut < n; cut++)
			assert_int_equal(text_utf8_get(exact, cut, &cp), 0);
		test_free(exact);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
