/*
 * Fuzz the NMEA lexer and parser: the input is fed whole and then in chunks
 * of pseudo-random sizes (derived from the input, so runs reproduce); both
 * must give the same lines.  Every good line is parsed, and so is the raw
 * input itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nmea.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static uint64_t
take_line(uint64_t h, const struct nmea_line *l)
{
	struct nmea_msg m;

	if (l->len > NMEA_MAX_LINE || l->text[l->len] != '\0')
		abort();
	if (l->status == NMEA_LEX_OK) {
		if (l->text[0] != '$' && l->text[0] != '!')
			abort();
		(void)nmea_parse(l->text, l->len, &m, NULL);
	}
	h = mix(h, l->status);
	h = mix(h, l->lineno);
	h = mix(h, l->len);
	for (size_t i = 0; i < l->len; i++)
		h = mix(h, (uint8_t)l->text[i]);
	return h;
}

static uint64_t
lex(const uint8_t *data, size_t size, uint32_t seed)
{
	struct nmea_lexer lx;
	struct nmea_line l;
	const struct timespec t = { 0, 0 };
	uint64_t h = 0;
	size_t off = 0;

	nmea_lexer_init(&lx);
	while (off < size) {
		size_t n = size - off, pos = 0;

		if (seed != 0) {
			seed = seed * 1103515245u + 12345u;
			n = 1 + (seed >> 16) % 64;
			if (n > size - off)
				n = size - off;
		}
		while (nmea_lexer_feed(&lx, data + off, n, &pos, t, &l))
			h = take_line(h, &l);
		if (pos != n)
			abort();
		off += n;
	}
	if (nmea_lexer_flush(&lx, &l))
		h = take_line(h, &l);
	return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nmea_msg m;
	uint32_t seed = 1;

	for (size_t i = 0; i < size && i < 16; i++)
		seed = seed * 31 + data[i];
	if (lex(data, size, 0) != lex(data, size, seed | 1))
		abort();
	(void)nmea_parse((const char *)data, size, &m, NULL);
	return 0;
}
