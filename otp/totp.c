/*
 * totp: HOTP/TOTP with HMAC-SHA1 from the system's libcrypto (OpenSSL,
 * in Debian and in FreeBSD's base system, already mapped by the box's ssh
 * and sshd: doc/design.md has the measurement), the verification window and
 * replay guard, and the secret file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>		/* explicit_bzero on FreeBSD */
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base32.h"
#include "fdio.h"
#include "secretfile.h"
#include "totp.h"

/* A secret file is a few lines of base32; anything longer is not one. */
#define SECRET_FILE_MAX 1024

#define HMAC_SHA1_LEN 20	/* octets */

static const long ten_to[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000 };

static bool
digits_ok(int digits)
{
	return digits >= TOTP_MIN_DIGITS && digits <= TOTP_MAX_DIGITS;
}

long
hotp_value(const uint8_t *key, size_t keylen, uint64_t counter, int digits)
{
	uint8_t msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	uint32_t bin;
	unsigned off;

	if (keylen == 0 || keylen > TOTP_KEY_MAX || !digits_ok(digits))
		return -1;
	for (int i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof(msg), mac, &maclen) == NULL ||
	    maclen != HMAC_SHA1_LEN) {
		explicit_bzero(mac, sizeof(mac));
		return -1;
	}
	/* RFC 4226 5.3: the low nibble of the last octet picks 4 octets. */
	off = mac[HMAC_SHA1_LEN - 1] & 0x0f;
	bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	    (uint32_t)mac[off + 2] << 8 | (uint32_t)mac[off + 3];
	explicit_bzero(mac, sizeof(mac));
	return (long)(bin % (uint32_t)ten_to[digits]);
}

int
hotp_code(const uint8_t *key, size_t keylen, uint64_t counter, int digits, char *out,
    size_t outlen)
{
	long v = hotp_value(key, keylen, counter, digits);

	if (v < 0 || outlen < (size_t)digits + 1) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	for (int i = digits - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[digits] = '\0';
	return 0;
}

int64_t
totp_step(int64_t now_unix)
{
	return now_unix < 0 ? -1 : now_unix / TOTP_STEP_SECONDS;
}

int
totp_code(const uint8_t *key, size_t keylen, int64_t now_unix, int digits, char *out,
    size_t outlen)
{
	int64_t step = totp_step(now_unix);

	if (step < 0) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	return hotp_code(key, keylen, (uint64_t)step, digits, out, outlen);
}

/* Exactly `digits` ASCII digits, then the end. */
static bool
code_well_formed(const char *code, int digits)
{
	for (int i = 0; i < digits; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return code[digits] == '\0';
}

enum totp_result
totp_verify(const uint8_t *key, size_t keylen, const char *code, int digits, int64_t now_unix,
    int window_back, int window_fwd, int64_t last_step, int64_t *step)
{
	char want[TOTP_MAX_DIGITS + 1];
	int64_t now_step = totp_step(now_unix), s, first, newest = -1;
	bool old = false;

	if (keylen == 0 || keylen > TOTP_KEY_MAX || !digits_ok(digits) || now_step < 0 ||
	    window_back < 0 || window_back > TOTP_WINDOW_MAX || window_fwd < 0 ||
	    window_fwd > TOTP_WINDOW_MAX)
		return TOTP_ERROR;
	if (code == NULL || !code_well_formed(code, digits))
		return TOTP_MALFORMED;
	first = now_step > window_back ? now_step - window_back : 0;
	/* Every step is computed and compared whatever matched before. */
	for (s = first; s <= now_step + window_fwd; s++) {
		if (hotp_code(key, keylen, (uint64_t)s, digits, want, sizeof(want)) < 0) {
			explicit_bzero(want, sizeof(want));
			return TOTP_ERROR;
		}
		if (CRYPTO_memcmp(want, code, (size_t)digits) == 0) {
			if (s > last_step)
				newest = s;
			else
				old = true;
		}
	}
	explicit_bzero(want, sizeof(want));
	if (newest >= 0) {
		*step = newest;
		return TOTP_OK;
	}
	return old ? TOTP_REPLAYED : TOTP_NO_MATCH;
}

const char *
totp_result_name(enum totp_result r)
{
	switch (r) {
	case TOTP_OK:
		return "ok";
	case TOTP_NO_MATCH:
		return "no match";
	case TOTP_REPLAYED:
		return "replayed";
	case TOTP_MALFORMED:
		return "malformed";
	case TOTP_ERROR:
		break;
	}
	return "error";
}

int
totp_parse_secret(const char *name, const char *text, size_t len, uint8_t *key, size_t cap,
    size_t *keylen, char *err, size_t errlen)
{
	char why[128];
	long n;

	if ((n = base32_decode(text, len, key, cap, why, sizeof(why))) < 0) {
		snprintf(err, errlen, "%s: not a base32 secret: %s", name, why);
		goto bad;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: holds no secret", name);
		goto bad;
	}
	if ((size_t)n < TOTP_KEY_MIN) {
		snprintf(err, errlen, "%s: the secret has %ld bits; at least %d are needed", name,
		    n * 8, TOTP_KEY_MIN * 8);
		goto bad;
	}
	*keylen = (size_t)n;
	return 0;
bad:
	explicit_bzero(key, cap);
	return -1;
}

/* Open path for reading unless it is a symlink; a message when it fails. */
static int
open_secret(const char *path, char *err, size_t errlen)
{
	struct stat lsb;
	int fd, saved;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	saved = errno;
	/* O_NOFOLLOW fails with ELOOP (Linux) or EMLINK (FreeBSD) on a link. */
	if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode))
		snprintf(err, errlen,
		    "%s: a symbolic link: name the file itself (or move the file here)", path);
	else
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
	return -1;
}

/* Up to SECRET_FILE_MAX bytes of fd into buf; the count, or -1. */
static long
read_secret(const char *path, int fd, char *buf, char *err, size_t errlen)
{
	ssize_t got = fd_read_all(fd, buf, SECRET_FILE_MAX + 1);

	if (got < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (got > SECRET_FILE_MAX) {
		snprintf(err, errlen, "%s: longer than %d bytes: not a base32 secret", path,
		    SECRET_FILE_MAX);
		return -1;
	}
	return (long)got;
}

int
totp_read_secret_file(const char *path, uint8_t *key, size_t cap, size_t *keylen, char *err,
    size_t errlen)
{
	char buf[SECRET_FILE_MAX + 1];
	long n = -1;
	int fd, rc = -1;

	if ((fd = open_secret(path, err, errlen)) < 0)
		return -1;
	if (secretfile_check_fd(fd, path, err, errlen) == 0)
		n = read_secret(path, fd, buf, err, errlen);
	close(fd);
	if (n >= 0)
		rc = totp_parse_secret(path, buf, (size_t)n, key, cap, keylen, err, errlen);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}
