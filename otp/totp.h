/*
 * totp: one-time codes as authenticator apps make them, so that a phone can
 * prove it holds the box's secret in a short text message.
 *
 * HOTP (RFC 4226): HMAC-SHA1 (the system's libcrypto) of an 8-octet
 * big-endian counter, dynamic truncation to 31 bits, the last `digits`
 * decimal digits (6 to 8).
 * TOTP (RFC 6238): HOTP with the counter T = floor(unix_time / 30), the
 * "step"; T0 = 0.  Only SHA1, 30 s steps: what every app does by default
 * and what `outpost otp init` puts in the otpauth:// URI.
 *
 * totp_verify() is the check for a received code: the code must be exactly
 * `digits` ASCII digits and equal the code of some step in
 * [T - window_back, T + window_fwd] (to forgive a phone's clock and the
 * delay of an SMS) that is strictly greater than last_step, the step of the
 * last code accepted: a code works once, and an older code never works after
 * a newer one.  Every step in the window is computed and compared in
 * constant time, so the time taken says nothing about how close a guess was.
 *
 * The secret key is raw octets (at most TOTP_KEY_MAX).  A secret file holds
 * it in base32 (base32.h, beside this one) and must be private:
 * totp_read_secret_file() refuses a file that a symlink points to, one not owned by root or the
 * effective user, or one that group or others may access, and says what
 * command fixes it.  Secrets are wiped from the stack after use.
 */
#ifndef OUTPOST_TOTP_H
#define OUTPOST_TOTP_H

#include <stddef.h>
#include <stdint.h>

#define TOTP_STEP_SECONDS 30
#define TOTP_MIN_DIGITS	  6
#define TOTP_MAX_DIGITS	  8
#define TOTP_DEFAULT_DIGITS 6
#define TOTP_KEY_MAX	  64	/* octets: one SHA1 block */
#define TOTP_KEY_MIN	  16	/* RFC 4226 R6: at least 128 bits */
#define TOTP_KEY_DEFAULT  20	/* 160 bits, as RFC 4226 recommends */
#define TOTP_WINDOW_MAX	  10	/* steps either side */

enum totp_result {
	TOTP_OK = 0,       /* matched a step after last_step: *step is that step */
	TOTP_NO_MATCH,     /* well formed, matches no step in the window */
	TOTP_REPLAYED,     /* matches only steps <= last_step: already used */
	TOTP_MALFORMED,    /* not exactly `digits` ASCII digits */
	TOTP_ERROR,        /* bad key, digits, window or time */
};

/* The HOTP value for counter, 0 .. 10^digits - 1, or -1 if the key is
 * empty or too long, digits is outside 6..8, or libcrypto fails. */
long hotp_value(const uint8_t *key, size_t keylen, uint64_t counter, int digits);

/* The same as `digits` zero-padded decimal digits and a NUL in out;
 * 0, or -1 (out holds "" when outlen > 0). */
int hotp_code(const uint8_t *key, size_t keylen, uint64_t counter, int digits, char *out,
    size_t outlen);

/* The TOTP step for a time: floor(now_unix / 30); -1 before 1970. */
int64_t totp_step(int64_t now_unix);

/* The code for now_unix; 0, or -1 as hotp_code (also before 1970). */
int totp_code(const uint8_t *key, size_t keylen, int64_t now_unix, int digits, char *out,
    size_t outlen);

/* Check a received code (NUL-terminated text) as above.  last_step: -1 when
 * no code was ever accepted.  window_back/fwd: 0..TOTP_WINDOW_MAX.  On
 * TOTP_OK, *step is the step that matched (the newest, should two match). */
enum totp_result totp_verify(const uint8_t *key, size_t keylen, const char *code, int digits,
    int64_t now_unix, int window_back, int window_fwd, int64_t last_step, int64_t *step);

/* A name for a result, for logs: "ok", "no match", "replayed", ... */
const char *totp_result_name(enum totp_result r);

/* Read a base32 secret (blanks and line ends allowed) from path into key
 * (cap octets).  0 with *keylen set; -1 with a message in err naming the
 * file and, for ownership or mode, the command that fixes it. */
int totp_read_secret_file(const char *path, uint8_t *key, size_t cap, size_t *keylen, char *err,
    size_t errlen);

/* The same checks on text already read (stdin, tests): decode, and refuse a
 * key shorter than TOTP_KEY_MIN.  `name` prefixes the message. */
int totp_parse_secret(const char *name, const char *text, size_t len, uint8_t *key, size_t cap,
    size_t *keylen, char *err, size_t errlen);

#endif
