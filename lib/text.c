/*
 * text: locale-independent string helpers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "text.h"

bool
text_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

size_t
text_trimmed_len(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && text_isblank(s[n - 1]))
		n--;
	return n;
}

bool
text_equals_ci(const char *s, const char *word)
{
	size_t n = text_trimmed_len(s);

	return n == strlen(word) && strncasecmp(s, word, n) == 0;
}

void
text_copy_n(char *dst, size_t len, const char *src, size_t n)
{
	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

long
text_unhex(const char *hex, size_t len, uint8_t *out, size_t max)
{
	if (len % 2 != 0 || len / 2 > max)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		int hi = text_hexval(hex[i]), lo = text_hexval(hex[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

int
text_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

size_t
text_utf8_get(const void *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = s;
	uint32_t v, min;
	size_t n;

	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0)
		n = 2, v = u[0] & 0x1Fu, min = 0x80;
	else if ((u[0] & 0xF0) == 0xE0)
		n = 3, v = u[0] & 0x0Fu, min = 0x800;
	else if ((u[0] & 0xF8) == 0xF0)
		n = 4, v = u[0] & 0x07u, min = 0x10000;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (u[i] & 0x3Fu);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

size_t
text_utf8_put(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}
