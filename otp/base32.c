/*
 * base32: RFC 4648 base32, encoded five bits at a time.
 */
#include <stdio.h>

#include "base32.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

long
base32_encode(const uint8_t *in, size_t n, char *out, size_t outlen, bool pad)
{
	size_t bits = n * 8, chars = (bits + 4) / 5, total, i;

	if (n > (SIZE_MAX - 4) / 8 - 1)
		goto nospace;
	total = pad ? BASE32_ENCODED_LEN(n) : chars;
	if (total >= outlen)
		goto nospace;
	for (i = 0; i < chars; i++) {
		/* Character i holds bits 5i .. 5i+4, the last one zero-filled. */
		size_t bit = i * 5, byte = bit / 8, shift = bit % 8;
		unsigned v = (unsigned)in[byte] << 8;

		if (byte + 1 < n)
			v |= in[byte + 1];
		out[i] = alphabet[(v >> (11 - shift)) & 31];
	}
	for (; i < total; i++)
		out[i] = '=';
	out[total] = '\0';
	return (long)total;
nospace:
	if (outlen > 0)
		out[0] = '\0';
	return -1;
}

/* The value of a base32 digit (either case), or -1. */
static int
digit_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

static bool
ignored(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '-';
}

static void
bad_char(char *err, size_t errlen, char c, size_t pos)
{
	if (c > ' ' && c < 127)
		snprintf(err, errlen, "'%c' at character %zu is not a base32 digit", c, pos + 1);
	else
		snprintf(err, errlen, "byte 0x%02x at character %zu is not a base32 digit",
		    (unsigned)(unsigned char)c, pos + 1);
}

long
base32_decode(const char *text, size_t len, uint8_t *out, size_t max, char *err,
    size_t errlen)
{
	uint32_t acc = 0;
	unsigned nbits = 0;
	size_t nchars = 0, nout = 0;
	bool padding = false;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		int v;

		if (ignored(c))
			continue;
		if (c == '=') {
			padding = true;
			continue;
		}
		if ((v = digit_value(c)) < 0) {
			bad_char(err, errlen, c, i);
			return -1;
		}
		if (padding) {
			snprintf(err, errlen, "'%c' at character %zu follows the '=' padding", c,
			    i + 1);
			return -1;
		}
		acc = (acc << 5 | (uint32_t)v) & 0x1fff;
		nbits += 5;
		nchars++;
		if (nbits >= 8) {
			if (nout >= max) {
				snprintf(err, errlen, "longer than %zu octets", max);
				return -1;
			}
			nbits -= 8;
			out[nout++] = (uint8_t)(acc >> nbits);
		}
	}
	/* 1, 3 or 6 characters in the last group would leave a partial octet. */
	if (nchars % 8 == 1 || nchars % 8 == 3 || nchars % 8 == 6) {
		snprintf(err, errlen, "%zu base32 digits: one is missing or extra", nchars);
		return -1;
	}
	return (long)nout;
}
