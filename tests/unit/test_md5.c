/*
 * md5: the RFC 1321 appendix A.5 test suite; a million 'a'; messages whose
 * length falls either side of the padding boundary; every message gives the
 * same digest fed whole, a byte at a time, in uneven pieces and through
 * md5().  Digests other than the RFC's are from Python's hashlib, e.g.
 *   python3 -c "import hashlib;print(hashlib.md5(b'a'*10**6).hexdigest())"
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "md5.h"

static void
hex(const uint8_t *d, char out[2 * MD5_DIGEST_LEN + 1])
{
	for (int i = 0; i < MD5_DIGEST_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
assert_digest(const uint8_t d[MD5_DIGEST_LEN], const char *want)
{
	char got[2 * MD5_DIGEST_LEN + 1];

	hex(d, got);
	assert_string_equal(got, want);
}

static void
assert_md5(const void *msg, size_t len, const char *want)
{
	const uint8_t *m = msg;
	struct md5_ctx c;
	uint8_t d[MD5_DIGEST_LEN];

	md5(msg, len, d);
	assert_digest(d, want);

	md5_init(&c);
	md5_update(&c, msg, len);
	md5_final(&c, d);
	assert_digest(d, want);

	md5_init(&c);
	for (size_t i = 0; i < len; i++)
		md5_update(&c, m + i, 1);
	md5_final(&c, d);
	assert_digest(d, want);

	/* Uneven pieces (1, 4, 13, 40, 24, 73, ...), empty updates between. */
	md5_init(&c);
	for (size_t off = 0, step = 1; off < len; off += step, step = step * 3 % 97 + 1) {
		md5_update(&c, m + off, off + step > len ? len - off : step);
		md5_update(&c, m, 0);
	}
	md5_final(&c, d);
	assert_digest(d, want);
}

/* RFC 1321 appendix A.5, all seven. */
static void
test_rfc1321_suite(void **state)
{
	(void)state;
	assert_md5("", 0, "d41d8cd98f00b204e9800998ecf8427e");
	assert_md5("a", 1, "0cc175b9c0f1b6a831c399e269772661");
	assert_md5("abc", 3, "900150983cd24fb0d6963f7d28e17f72");
	assert_md5("message digest", 14, "f96b697d7cb7938d525a2f31aaf161d0");
	assert_md5("abcdefghijklmnopqrstuvwxyz", 26, "c3fcd3d76192e4007dfb496cca67e13b");
	assert_md5("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 62,
	    "d174ab98d277d9f5a5611c2c9f419d9f");
	assert_md5("1234567890123456789012345678901234567890"
		   "1234567890123456789012345678901234567890", 80,
	    "57edf4a22be3c955ac49da2e2107b67a");
}

static void
test_million_a(void **state)
{
	static uint8_t a[1000000];

	(void)state;
	memset(a, 'a', sizeof(a));
	assert_md5(a, sizeof(a), "7707d6ae4e027c70eea2a935c2296f21");
}

/* msg[i] = i * 7 + 1; python3 -c "import hashlib; m = bytes((i * 7 + 1) & 255
 * for i in range(128)); [print(n, hashlib.md5(m[:n]).hexdigest()) for n in
 * (55, 56, 63, 64, 65, 119, 120, 128)]" */
static void
test_padding_boundaries(void **state)
{
	static const struct {
		size_t len;
		const char *digest;
	} v[] = {
		{ 55, "8c3eb046bcdb1f0ffe75fdbaf890cf13" },	/* 0x80 and length fit */
		{ 56, "d5e0fa3122448ddd3d843a9c5ed9e839" },	/* length spills over */
		{ 63, "1dd0d6ddeb881b118518c2881555f34b" },
		{ 64, "7b412e00d38c31b0845a4f502d39d5e3" },	/* one whole block */
		{ 65, "ba03b626aceb7b09c86c2d544afe1dce" },
		{ 119, "dac58560b386c3d5b29ebbdec5197e10" },
		{ 120, "6818845a0494b5fade3155f6a8e47b15" },
		{ 128, "912f49566518d1b4c883f811d86ddecc" },
	};
	uint8_t msg[128];

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_md5(msg, v[i].len, v[i].digest);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1321_suite),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_padding_boundaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
