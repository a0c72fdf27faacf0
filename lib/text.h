/*
 * text: small, locale-independent helpers for bytes that come from devices
 * (AT replies, NMEA, PDUs in hex).  <ctype.h> depends on the locale and takes
 * an int that must be an unsigned char value; these take any char and mean
 * ASCII, always.
 */
#ifndef OUTPOST_TEXT_H
#define OUTPOST_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool
text_isblank(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool
text_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
text_isalnum(char c)
{
	return text_isdigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The value of a hex digit (either case), or -1. */
static inline int
text_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static inline bool
text_isxdigit(char c)
{
	return text_hexval(c) >= 0;
}

/* s starts with prefix, ignoring ASCII case. */
bool text_prefix_ci(const char *s, const char *prefix);
/* strlen(s) without trailing blanks. */
size_t text_trimmed_len(const char *s);
/* s, trailing blanks ignored, equals word, ignoring ASCII case. */
bool text_equals_ci(const char *s, const char *word);
/* Copy at most n bytes of src and a NUL into dst of len bytes (len > 0),
 * cutting what does not fit. */
void text_copy_n(char *dst, size_t len, const char *src, size_t n);
/* len hex digits (either case) to octets: their number, or -1 when len is
 * odd, a character is not a hex digit, or they would not fit in max. */
long text_unhex(const char *hex, size_t len, uint8_t *out, size_t max);
/* A code point (at most 0x10FFFF, not checked further) as UTF-8 in out:
 * the number of bytes, 1 to 4. */
size_t text_utf8_put(uint32_t cp, char out[4]);
/* The UTF-8 character at s (at most len bytes): its length, 1 to 4, with
 * its code point in *cp; 0 when s does not start with one that RFC 3629
 * allows (a stray or cut sequence, an overlong form, a UTF-16 surrogate,
 * beyond U+10FFFF) or len is 0.  The one decoder of the tree. */
size_t text_utf8_get(const void *s, size_t len, uint32_t *cp);
/* The library's way to report: format a message into err (which may be
 * NULL or 0 bytes long: nothing written) and return -1, so that a caller
 * can `return text_errf(err, errlen, "...", ...);`. */
int text_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
