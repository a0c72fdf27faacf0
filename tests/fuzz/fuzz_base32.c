/*
 * Fuzz the base32 decoder (secrets typed by people, read from files and
 * stdin): any bytes as text.  What it decodes must encode back to text that
 * decodes to the same octets; output stays within the caller's bound.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[64], again[64];
	static char text[BASE32_ENCODED_LEN(64) + 1];
	char err[128];
	long n, m, len;

	char *buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	/* An exact-size output buffer: writing past it is caught. */
	uint8_t *tight = malloc(16);
	if (tight == NULL) {
		free(buf);
		return 0;
	}
	(void)base32_decode(buf, size, tight, 16, err, sizeof(err));
	free(tight);
	n = base32_decode(buf, size, out, sizeof(out), err, sizeof(err));
	free(buf);
	if (n < 0) {
		if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
			abort();
		return 0;
	}
	if (n > (long)sizeof(out))
		abort();
	for (int pad = 0; pad <= 1; pad++) {
		len = base32_encode(out, (size_t)n, text, sizeof(text), pad);
		if (len < 0)
			abort();
		m = base32_decode(text, (size_t)len, again, sizeof(again), err, sizeof(err));
		if (m != n || memcmp(again, out, (size_t)n) != 0)
			abort();
	}
	return 0;
}
