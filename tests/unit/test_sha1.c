/*
 * sha1: the FIPS 180 examples and the RFC 3174 vectors; messages whose
 * length falls either side of the padding boundary (digests from Python's
 * hashlib) give the same digest fed whole or a byte at a time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "sha1.h"

static void
hex(const uint8_t *d, char out[2 * SHA1_DIGEST_LEN + 1])
{
	for (int i = 0; i < SHA1_DIGEST_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
assert_sha1(const void *msg, size_t len, const char *want)
{
	struct sha1_ctx c;
	uint8_t d[SHA1_DIGEST_LEN];
	char got[2 * SHA1_DIGEST_LEN + 1];

	sha1_init(&c);
	sha1_update(&c, msg, len);
	sha1_final(&c, d);
	hex(d, got);
	assert_string_equal(got, want);

	sha1_init(&c);
	for (size_t i = 0; i < len; i++)
		sha1_update(&c, (const uint8_t *)msg + i, 1);
	sha1_final(&c, d);
	hex(d, got);
	assert_string_equal(got, want);
}

static void
test_fips_examples(void **state)
{
	(void)state;
	assert_sha1("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_sha1("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	assert_sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

static void
test_million_a(void **state)
{
	static uint8_t a[1000000];
	struct sha1_ctx c;
	uint8_t d[SHA1_DIGEST_LEN];
	char got[2 * SHA1_DIGEST_LEN + 1];

	(void)state;
	memset(a, 'a', sizeof(a));
	assert_sha1(a, sizeof(a), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	/* In uneven pieces that straddle blocks. */
	sha1_init(&c);
	for (size_t off = 0, step = 1; off < sizeof(a); off += step, step = step * 3 % 97 + 1)
		sha1_update(&c, a + off, off + step > sizeof(a) ? sizeof(a) - off : step);
	sha1_final(&c, d);
	hex(d, got);
	assert_string_equal(got, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

static void
test_padding_boundaries(void **state)
{
	static const struct {
		size_t len;
		const char *digest;
	} v[] = {
		{ 55, "04bb34aef4880b625e6b1564a014abd25fc02bfe" },
		{ 56, "83b9fcb6d3e3b20f376ab989a1b6353bcc6c0f44" },
		{ 63, "ab15090e8dbe512f3733350f9623ab11f9b5165b" },
		{ 64, "54305ee7e4c7bc5a96afc6d1994fc52d9bcb665f" },
		{ 65, "5985422a25357371ebd2a7f6ecd7eebed43db42c" },
		{ 119, "6839d6c27f22ed884ac43ae6bd3bfcee9e04b938" },
		{ 120, "8c40517a14ab8b78fd4b8958f4e31254a34c3fb0" },
		{ 128, "22485dc0d1e1d6e9e93e4a2a4667b8e979456379" },
	};
	uint8_t msg[128];

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_sha1(msg, v[i].len, v[i].digest);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_examples),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_padding_boundaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
