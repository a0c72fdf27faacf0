/*
 * base32: the RFC 4648 section 10 vectors both ways, with and without
 * padding; what a person types (lower case, groups, dashes, line ends) reads
 * the same; bad characters and impossible lengths are named; output never
 * passes the caller's bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "base32.h"

static const struct {
	const char *plain, *padded, *bare;
} rfc4648[] = {
	{ "", "", "" },
	{ "f", "MY======", "MY" },
	{ "fo", "MZXQ====", "MZXQ" },
	{ "foo", "MZXW6===", "MZXW6" },
	{ "foob", "MZXW6YQ=", "MZXW6YQ" },
	{ "fooba", "MZXW6YTB", "MZXW6YTB" },
	{ "foobar", "MZXW6YTBOI======", "MZXW6YTBOI" },
};

#define NVEC (sizeof(rfc4648) / sizeof(rfc4648[0]))

static long
decode(const char *s, uint8_t *out, size_t max, char *err)
{
	return base32_decode(s, strlen(s), out, max, err, 128);
}

static void
test_encode_rfc4648(void **state)
{
	char out[64];

	(void)state;
	for (size_t i = 0; i < NVEC; i++) {
		const uint8_t *p = (const uint8_t *)rfc4648[i].plain;
		size_t n = strlen(rfc4648[i].plain);

		assert_int_equal(base32_encode(p, n, out, sizeof(out), true),
		    (long)strlen(rfc4648[i].padded));
		assert_string_equal(out, rfc4648[i].padded);
		assert_int_equal(base32_encode(p, n, out, sizeof(out), false),
		    (long)strlen(rfc4648[i].bare));
		assert_string_equal(out, rfc4648[i].bare);
		assert_true(strlen(rfc4648[i].padded) == BASE32_ENCODED_LEN(n));
	}
}

static void
test_decode_rfc4648(void **state)
{
	uint8_t out[16];
	char err[128];

	(void)state;
	for (size_t i = 0; i < NVEC; i++) {
		size_t n = strlen(rfc4648[i].plain);

		assert_int_equal(decode(rfc4648[i].padded, out, sizeof(out), err), (long)n);
		assert_memory_equal(out, rfc4648[i].plain, n);
		assert_int_equal(decode(rfc4648[i].bare, out, sizeof(out), err), (long)n);
		assert_memory_equal(out, rfc4648[i].plain, n);
	}
}

/* The RFC 6238 test secret as authenticator apps show it. */
static void
test_decode_as_typed(void **state)
{
	static const char *forms[] = {
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
		"gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
		"gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
		"GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ",
		"  GEZDGNBVGY3TQOJQ\r\n\tGEZDGNBVGY3TQOJQ\n",
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====",
	};
	uint8_t out[32];
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(decode(forms[i], out, sizeof(out), err), 20);
		assert_memory_equal(out, "12345678901234567890", 20);
	}
}

static void
test_decode_errors(void **state)
{
	uint8_t out[32];
	char err[128];

	(void)state;
	assert_int_equal(decode("GEZDGNBV1Y3TQOJQ", out, sizeof(out), err), -1);
	assert_string_equal(err, "'1' at character 9 is not a base32 digit");
	assert_int_equal(decode("MZXW6YQ8", out, sizeof(out), err), -1);
	assert_string_equal(err, "'8' at character 8 is not a base32 digit");
	assert_int_equal(decode("MZ\x01XW", out, sizeof(out), err), -1);
	assert_string_equal(err, "byte 0x01 at character 3 is not a base32 digit");
	assert_int_equal(decode("MZ_XW", out, sizeof(out), err), -1);
	assert_string_equal(err, "'_' at character 3 is not a base32 digit");
	assert_int_equal(base32_decode("MZ\0XW", 5, out, sizeof(out), err, sizeof(err)), -1);
	assert_string_equal(err, "byte 0x00 at character 3 is not a base32 digit");
	assert_int_equal(decode("MY==MY", out, sizeof(out), err), -1);
	assert_string_equal(err, "'M' at character 5 follows the '=' padding");
	/* 1, 3 and 6 digits in a last group cannot come from an encoder. */
	assert_int_equal(decode("M", out, sizeof(out), err), -1);
	assert_string_equal(err, "1 base32 digits: one is missing or extra");
	assert_int_equal(decode("MZXW6YTBO", out, sizeof(out), err), -1);
	assert_int_equal(decode("MZX", out, sizeof(out), err), -1);
	assert_int_equal(decode("MZXW6Y", out, sizeof(out), err), -1);
}

static void
test_bounds(void **state)
{
	uint8_t out[8], secret[20];
	char small[9], err[128];

	(void)state;
	memset(out, 0xaa, sizeof(out));
	/* 6 octets into 5: refused, and octet 6 is not written. */
	assert_int_equal(decode("MZXW6YTBOI", out, 5, err), -1);
	assert_string_equal(err, "longer than 5 octets");
	assert_int_equal(out[5], 0xaa);
	assert_int_equal(decode("MZXW6YTB", out, 5, err), 5);
	/* 8 characters and the NUL need 9 bytes. */
	memcpy(secret, "fooba", 5);
	assert_int_equal(base32_encode(secret, 5, small, 8, false), -1);
	assert_string_equal(small, "");
	assert_int_equal(base32_encode(secret, 5, small, 9, false), 8);
	assert_int_equal(base32_encode(secret, 6, small, 9, false), -1);
	assert_int_equal(base32_encode(secret, 0, small, 0, false), -1);
	/* A tiny error buffer is still terminated. */
	assert_int_equal(base32_decode("M!", 2, out, sizeof(out), small, 4), -1);
	assert_string_equal(small, "'!'");
}

/* Every octet value at every position survives encode then decode. */
static void
test_round_trip(void **state)
{
	uint8_t in[41], out[41];
	char text[BASE32_ENCODED_LEN(41) + 1], err[128];

	(void)state;
	for (size_t n = 0; n <= sizeof(in); n++) {
		for (size_t i = 0; i < n; i++)
			in[i] = (uint8_t)(i * 37 + n * 11 + 255);
		for (int pad = 0; pad <= 1; pad++) {
			long len = base32_encode(in, n, text, sizeof(text), pad);

			assert_true(len >= 0);
			assert_int_equal(base32_decode(text, (size_t)len, out, n, err,
					     sizeof(err)),
			    (long)n);
			assert_memory_equal(out, in, n);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_rfc4648),
		cmocka_unit_test(test_decode_rfc4648),
		cmocka_unit_test(test_decode_as_typed),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
