/*
 * sha1: SHA-1, written from FIPS 180-4 section 6.1; see sha1.h.
 */
#include <string.h>
#include <strings.h>		/* explicit_bzero on FreeBSD */

#include "sha1.h"

static uint32_t
rol(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

static uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f, k, t;

	for (int i = 0; i < 16; i++)
		w[i] = load_be32(p + 4 * i);
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	explicit_bzero(w, sizeof(w));
}

void
sha1_init(struct sha1_ctx *c)
{
	static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
		0xc3d2e1f0 };

	memcpy(c->h, iv, sizeof(iv));
	c->bytes = 0;
}

void
sha1_update(struct sha1_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t have = (size_t)(c->bytes % SHA1_BLOCK_LEN), take;

	c->bytes += len;
	while (len > 0) {
		if (have == 0 && len >= SHA1_BLOCK_LEN) {
			sha1_block(c->h, p);
			p += SHA1_BLOCK_LEN;
			len -= SHA1_BLOCK_LEN;
			continue;
		}
		take = SHA1_BLOCK_LEN - have < len ? SHA1_BLOCK_LEN - have : len;
		memcpy(c->block + have, p, take);
		have += take;
		p += take;
		len -= take;
		if (have == SHA1_BLOCK_LEN) {
			sha1_block(c->h, c->block);
			have = 0;
		}
	}
}

void
sha1_final(struct sha1_ctx *c, uint8_t out[SHA1_DIGEST_LEN])
{
	uint64_t bits = c->bytes * 8;
	size_t have = (size_t)(c->bytes % SHA1_BLOCK_LEN);

	/* 0x80, zeros up to 56 mod 64, then the length in bits, big-endian. */
	c->block[have++] = 0x80;
	if (have > SHA1_BLOCK_LEN - 8) {
		memset(c->block + have, 0, SHA1_BLOCK_LEN - have);
		sha1_block(c->h, c->block);
		have = 0;
	}
	memset(c->block + have, 0, SHA1_BLOCK_LEN - 8 - have);
	for (int i = 0; i < 8; i++)
		c->block[SHA1_BLOCK_LEN - 1 - i] = (uint8_t)(bits >> (8 * i));
	sha1_block(c->h, c->block);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
	explicit_bzero(c, sizeof(*c));
}
