/*
 * totp: the RFC 4226 appendix D HOTP vectors and the RFC 6238 appendix B
 * SHA1 TOTP vectors; the verification window, the replay guard and the
 * three ways a code is refused; the secret file's checks, each with the
 * fix it names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "totp.h"

#define RFC_KEY ((const uint8_t *)"12345678901234567890")
#define RFC_KEYLEN 20

/* RFC 4226 appendix D: counter -> truncated 31-bit value and 6-digit HOTP. */
static const struct {
	uint64_t counter;
	long truncated;
	const char *hotp;
} rfc4226[] = {
	{ 0, 1284755224, "755224" }, { 1, 1094287082, "287082" }, { 2, 137359152, "359152" },
	{ 3, 1726969429, "969429" }, { 4, 1640338314, "338314" }, { 5, 868254676, "254676" },
	{ 6, 1918287922, "287922" }, { 7, 82162583, "162583" },	  { 8, 673399871, "399871" },
	{ 9, 645520489, "520489" },
};

/* RFC 6238 appendix B, the SHA1 rows: time -> 8-digit TOTP. */
static const struct {
	int64_t time;
	const char *totp;
} rfc6238[] = {
	{ 59, "94287082" },	    { 1111111109, "07081804" }, { 1111111111, "14050471" },
	{ 1234567890, "89005924" }, { 2000000000, "69279037" }, { 20000000000, "65353130" },
};

/* The shortest and the longest key the box takes (TOTP_KEY_MIN,
 * TOTP_KEY_MAX octets: key[i] = i * 37 + 11), and the counter's top bits:
 * 8-digit values from Python's hmac and hashlib. */
static void
test_hotp_key_lengths(void **state)
{
	static const struct {
		size_t keylen;
		uint64_t counter;
		long value;
	} v[] = {
		{ 16, 0, 51809563 }, { 16, 1, 96003575 }, { 16, UINT64_MAX, 20591602 },
		{ 64, 0, 33270163 }, { 64, 1, 53985760 }, { 64, UINT64_MAX, 79215531 },
	};
	uint8_t key[TOTP_KEY_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 37 + 11);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(hotp_value(key, v[i].keylen, v[i].counter, 8), v[i].value);
	assert_int_equal(hotp_value(key, TOTP_KEY_MAX + 1, 0, 8), -1);
	assert_int_equal(hotp_value(key, 0, 0, 8), -1);
}

static void
test_hotp_rfc4226(void **state)
{
	char code[16];

	(void)state;
	for (size_t i = 0; i < sizeof(rfc4226) / sizeof(rfc4226[0]); i++) {
		long t = rfc4226[i].truncated;

		assert_int_equal(hotp_value(RFC_KEY, RFC_KEYLEN, rfc4226[i].counter, 6),
		    t % 1000000);
		assert_int_equal(hotp_value(RFC_KEY, RFC_KEYLEN, rfc4226[i].counter, 7),
		    t % 10000000);
		assert_int_equal(hotp_value(RFC_KEY, RFC_KEYLEN, rfc4226[i].counter, 8),
		    t % 100000000);
		assert_int_equal(hotp_code(RFC_KEY, RFC_KEYLEN, rfc4226[i].counter, 6, code,
				     sizeof(code)),
		    0);
		assert_string_equal(code, rfc4226[i].hotp);
	}
	/* 8 digits are the truncated value's last 8. */
	assert_int_equal(hotp_code(RFC_KEY, RFC_KEYLEN, 7, 8, code, sizeof(code)), 0);
	assert_string_equal(code, "82162583");
	assert_int_equal(hotp_code(RFC_KEY, RFC_KEYLEN, 2, 8, code, sizeof(code)), 0);
	assert_string_equal(code, "37359152");
}

static void
test_totp_rfc6238(void **state)
{
	char code[16];

	(void)state;
	for (size_t i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++) {
		assert_int_equal(totp_code(RFC_KEY, RFC_KEYLEN, rfc6238[i].time, 8, code,
				     sizeof(code)),
		    0);
		assert_string_equal(code, rfc6238[i].totp);
		assert_int_equal(totp_code(RFC_KEY, RFC_KEYLEN, rfc6238[i].time, 6, code,
				     sizeof(code)),
		    0);
		assert_string_equal(code, rfc6238[i].totp + 2);
	}
	assert_int_equal(totp_step(59), 1);
	assert_int_equal(totp_step(60), 2);
	assert_int_equal(totp_step(0), 0);
	assert_int_equal(totp_step(-1), -1);
}

static void
test_bad_arguments(void **state)
{
	uint8_t big[TOTP_KEY_MAX + 1] = { 0 };
	char code[16];

	(void)state;
	assert_int_equal(hotp_value(RFC_KEY, RFC_KEYLEN, 0, 5), -1);
	assert_int_equal(hotp_value(RFC_KEY, RFC_KEYLEN, 0, 9), -1);
	assert_int_equal(hotp_value(RFC_KEY, 0, 0, 6), -1);
	assert_int_equal(hotp_value(big, sizeof(big), 0, 6), -1);
	assert_int_not_equal(hotp_value(big, TOTP_KEY_MAX, 0, 6), -1);
	/* 6 digits and a NUL need 7 bytes. */
	assert_int_equal(hotp_code(RFC_KEY, RFC_KEYLEN, 0, 6, code, 6), -1);
	assert_string_equal(code, "");
	assert_int_equal(totp_code(RFC_KEY, RFC_KEYLEN, -30, 6, code, sizeof(code)), -1);
}

static enum totp_result
verify(const char *code, int64_t now, int64_t last, int64_t *step)
{
	return totp_verify(RFC_KEY, RFC_KEYLEN, code, 8, now, 1, 1, last, step);
}

static void
test_verify_window(void **state)
{
	int64_t step = -7;

	(void)state;
	/* 94287082 is step 1 (time 30..59). */
	assert_int_equal(verify("94287082", 59, -1, &step), TOTP_OK);
	assert_int_equal(step, 1);
	assert_int_equal(verify("94287082", 30, -1, &step), TOTP_OK);
	/* One step late or early is forgiven; two are not. */
	assert_int_equal(verify("94287082", 60, -1, &step), TOTP_OK);
	assert_int_equal(verify("94287082", 89, -1, &step), TOTP_OK);
	assert_int_equal(verify("94287082", 90, -1, &step), TOTP_NO_MATCH);
	assert_int_equal(verify("94287082", 0, -1, &step), TOTP_OK);
	assert_int_equal(totp_verify(RFC_KEY, RFC_KEYLEN, "94287082", 8, 90, 2, 0, -1, &step),
	    TOTP_OK);
	assert_int_equal(totp_verify(RFC_KEY, RFC_KEYLEN, "94287082", 8, 59, 0, 0, -1, &step),
	    TOTP_OK);
	assert_int_equal(totp_verify(RFC_KEY, RFC_KEYLEN, "94287082", 8, 60, 0, 0, -1, &step),
	    TOTP_NO_MATCH);
	assert_int_equal(totp_verify(RFC_KEY, RFC_KEYLEN, "94287082", 8, 0, 0, 1, -1, &step),
	    TOTP_OK);
	/* Far from the step: a wrong code. */
	step = -7;
	assert_int_equal(verify("94287082", 1111111109, -1, &step), TOTP_NO_MATCH);
	assert_int_equal(step, -7);
	assert_int_equal(verify("07081804", 1111111109, -1, &step), TOTP_OK);
	assert_int_equal(step, 1111111109 / 30);
	assert_int_equal(verify("07081805", 1111111109, -1, &step), TOTP_NO_MATCH);
	/* 6-digit verification of the same codes. */
	assert_int_equal(totp_verify(RFC_KEY, RFC_KEYLEN, "287082", 6, 59, 1, 1, -1, &step),
	    TOTP_OK);
}

static void
test_verify_replay(void **state)
{
	int64_t step = -7, s1 = 1111111109 / 30;

	(void)state;
	assert_int_equal(verify("07081804", 1111111109, s1 - 1, &step), TOTP_OK);
	assert_int_equal(step, s1);
	/* The same code again, or after a newer one: replayed. */
	step = -7;
	assert_int_equal(verify("07081804", 1111111109, s1, &step), TOTP_REPLAYED);
	assert_int_equal(step, -7);
	assert_int_equal(verify("07081804", 1111111111, s1 + 1, &step), TOTP_REPLAYED);
	/* ...but only if it matched: a wrong code is a wrong code. */
	assert_int_equal(verify("00000000", 1111111109, s1, &step), TOTP_NO_MATCH);
}

static void
test_verify_malformed(void **state)
{
	static const char *bad[] = { "", "9428708", "942870822", "9428708a", " 94287082",
		"94287082 ", "-4287082", "+94287082", "94287\n082" };
	uint8_t shortkey[1] = { 1 };
	int64_t step = -7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(verify(bad[i], 59, -1, &step), TOTP_MALFORMED);
	assert_int_equal(verify(NULL, 59, -1, &step), TOTP_MALFORMED);
	/* 8 digits where 6 are wanted. */
	assert_int_equal(totp_verify(RFC_KEY, RFC_KEYLEN, "94287082", 6, 59, 1, 1, -1, &step),
	    TOTP_MALFORMED);
	assert_int_equal(step, -7);
	/* Errors of the caller, not of the sender. */
	assert_int_equal(totp_verify(RFC_KEY, 0, "94287082", 8, 59, 1, 1, -1, &step),
	    TOTP_ERROR);
	assert_int_equal(totp_verify(RFC_KEY, RFC_KEYLEN, "94287082", 9, 59, 1, 1, -1, &step),
	    TOTP_ERROR);
	assert_int_equal(totp_verify(RFC_KEY, RFC_KEYLEN, "94287082", 8, -1, 1, 1, -1, &step),
	    TOTP_ERROR);
	assert_int_equal(totp_verify(RFC_KEY, RFC_KEYLEN, "94287082", 8, 59,
			     TOTP_WINDOW_MAX + 1, 1, -1, &step),
	    TOTP_ERROR);
	assert_int_equal(totp_verify(RFC_KEY, RFC_KEYLEN, "94287082", 8, 59, 1, -1, -1, &step),
	    TOTP_ERROR);
	assert_int_equal(totp_verify(shortkey, 1, "94287082", 8, 59, 1, 1, -1, &step),
	    TOTP_NO_MATCH);
	assert_string_equal(totp_result_name(TOTP_REPLAYED), "replayed");
	assert_string_equal(totp_result_name(TOTP_MALFORMED), "malformed");
}

/* ---- the secret file ---- */

struct dir {
	char path[64];
	char file[128];
};

static int
setup_dir(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	strcpy(d->path, "/tmp/test_totp.XXXXXX");
	assert_non_null(mkdtemp(d->path));
	snprintf(d->file, sizeof(d->file), "%s/otp.secret", d->path);
	*state = d;
	return 0;
}

static int
teardown_dir(void **state)
{
	struct dir *d = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
	assert_int_equal(system(cmd), 0);
	free(d);
	return 0;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
expect_refused(const char *path, const char *want)
{
	uint8_t key[TOTP_KEY_MAX];
	size_t keylen = 99;
	char err[512];

	assert_int_equal(totp_read_secret_file(path, key, sizeof(key), &keylen, err, sizeof(err)),
	    -1);
	assert_string_equal(err, want);
	assert_int_equal(keylen, 99);
}

static void
test_secret_file_good(void **state)
{
	struct dir *d = *state;
	uint8_t key[TOTP_KEY_MAX];
	size_t keylen = 0;
	char err[512];

	write_file(d->file, "GEZD GNBV GY3T QOJQ\nGEZD GNBV GY3T QOJQ\n", 0600);
	assert_int_equal(totp_read_secret_file(d->file, key, sizeof(key), &keylen, err,
			     sizeof(err)),
	    0);
	assert_int_equal(keylen, 20);
	assert_memory_equal(key, "12345678901234567890", 20);
	write_file(d->file, "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", 0400);
	assert_int_equal(totp_read_secret_file(d->file, key, sizeof(key), &keylen, err,
			     sizeof(err)),
	    0);
	assert_int_equal(keylen, 20);
}

static void
test_secret_file_refused(void **state)
{
	struct dir *d = *state;
	char want[512], link[160];

	write_file(d->file, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n", 0640);
	snprintf(want, sizeof(want),
	    "%s: group or others may access it (mode 0640): chmod 600 %s", d->file, d->file);
	expect_refused(d->file, want);
	assert_int_equal(chmod(d->file, 0604), 0);
	snprintf(want, sizeof(want),
	    "%s: group or others may access it (mode 0604): chmod 600 %s", d->file, d->file);
	expect_refused(d->file, want);

	assert_int_equal(chmod(d->file, 0600), 0);
	snprintf(link, sizeof(link), "%s/link", d->path);
	assert_int_equal(symlink(d->file, link), 0);
	snprintf(want, sizeof(want), "%s: a symbolic link: name the file itself (or move the "
				     "file here)", link);
	expect_refused(link, want);

	snprintf(want, sizeof(want), "%s: not a regular file", d->path);
	expect_refused(d->path, want);
	snprintf(link, sizeof(link), "%s/missing", d->path);
	snprintf(want, sizeof(want), "%s/missing: No such file or directory", d->path);
	expect_refused(link, want);

	write_file(d->file, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1\n", 0600);
	snprintf(want, sizeof(want),
	    "%s: not a base32 secret: '1' at character 32 is not a base32 digit", d->file);
	expect_refused(d->file, want);
	write_file(d->file, " \n", 0600);
	snprintf(want, sizeof(want), "%s: holds no secret", d->file);
	expect_refused(d->file, want);
	write_file(d->file, "GEZDGNBVGY3TQOJQ\n", 0600);
	snprintf(want, sizeof(want), "%s: the secret has 80 bits; at least 128 are needed",
	    d->file);
	expect_refused(d->file, want);
}

static void
test_secret_file_owner(void **state)
{
	struct dir *d = *state;
	char want[512];

	if (geteuid() != 0)
		skip();	/* only root can give a file away; counted as a failure */
	write_file(d->file, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n", 0600);
	assert_int_equal(chown(d->file, 12345, 0), 0);
	snprintf(want, sizeof(want), "%s: owned by uid 12345, which may change it: chown root %s",
	    d->file, d->file);
	expect_refused(d->file, want);
}

static void
test_secret_too_big(void **state)
{
	struct dir *d = *state;
	char text[2048], want[512];
	uint8_t key[TOTP_KEY_MAX];
	size_t keylen;

	/* 65 octets (104 digits) do not fit in TOTP_KEY_MAX. */
	memset(text, 'A', 104);
	text[104] = '\0';
	write_file(d->file, text, 0600);
	snprintf(want, sizeof(want), "%s: not a base32 secret: longer than 64 octets", d->file);
	expect_refused(d->file, want);
	/* A large file is not read in full. */
	memset(text, ' ', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	write_file(d->file, text, 0600);
	snprintf(want, sizeof(want), "%s: longer than 1024 bytes: not a base32 secret", d->file);
	expect_refused(d->file, want);
	/* The parser alone, with a caller's smaller buffer. */
	assert_int_equal(totp_parse_secret("stdin", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 32, key,
			     19, &keylen, want, sizeof(want)),
	    -1);
	assert_string_equal(want, "stdin: not a base32 secret: longer than 19 octets");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hotp_rfc4226),
		cmocka_unit_test(test_hotp_key_lengths),
		cmocka_unit_test(test_totp_rfc6238),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_verify_window),
		cmocka_unit_test(test_verify_replay),
		cmocka_unit_test(test_verify_malformed),
		cmocka_unit_test_setup_teardown(test_secret_file_good, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_secret_file_refused, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_secret_file_owner, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_secret_too_big, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
