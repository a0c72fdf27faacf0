/*
 * md5: MD5, written from RFC 1321 section 3; see md5.h.
 */
#include <string.h>

#include "md5.h"

/* T[i] = floor(2^32 * |sin(i + 1)|) (RFC 1321 section 3.4), as numbers so
 * that no libm is needed; the values are those of the RFC's table. */
static const uint32_t T[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* The left rotations of each round's four steps. */
static const unsigned S[4][4] = {
	{ 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 }, { 6, 10, 15, 21 },
};

static uint32_t
rol(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

static uint32_t
load_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/*
 * One 16-word block.  Step i of the 64 is the RFC's [abcd k s i] with the
 * registers renamed after each step instead of the operands: the round's
 * function of b, c, d, the word X[k] (k runs i, 5i+1, 3i+5, 7i mod 16 in
 * the four rounds), T[i], rotated and added to b.
 */
static void
md5_block(uint32_t h[4], const uint8_t *p)
{
	uint32_t x[16], a = h[0], b = h[1], c = h[2], d = h[3], f, t;
	int k;

	for (int i = 0; i < 16; i++)
		x[i] = load_le32(p + 4 * i);
	for (int i = 0; i < 64; i++) {
		if (i < 16) {
			f = (b & c) | (~b & d);		/* F */
			k = i;
		} else if (i < 32) {
			f = (b & d) | (c & ~d);		/* G */
			k = (5 * i + 1) % 16;
		} else if (i < 48) {
			f = b ^ c ^ d;			/* H */
			k = (3 * i + 5) % 16;
		} else {
			f = c ^ (b | ~d);		/* I */
			k = 7 * i % 16;
		}
		t = d;
		d = c;
		c = b;
		b = b + rol(a + f + x[k] + T[i], S[i / 16][i % 4]);
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

void
md5_init(struct md5_ctx *c)
{
	static const uint32_t iv[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };

	memcpy(c->h, iv, sizeof(iv));
	c->bytes = 0;
}

void
md5_update(struct md5_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t have = (size_t)(c->bytes % MD5_BLOCK_LEN), take;

	c->bytes += len;
	while (len > 0) {
		if (have == 0 && len >= MD5_BLOCK_LEN) {
			md5_block(c->h, p);
			p += MD5_BLOCK_LEN;
			len -= MD5_BLOCK_LEN;
			continue;
		}
		take = MD5_BLOCK_LEN - have < len ? MD5_BLOCK_LEN - have : len;
		memcpy(c->block + have, p, take);
		have += take;
		p += take;
		len -= take;
		if (have == MD5_BLOCK_LEN) {
			md5_block(c->h, c->block);
			have = 0;
		}
	}
}

void
md5_final(struct md5_ctx *c, uint8_t out[MD5_DIGEST_LEN])
{
	uint64_t bits = c->bytes * 8;
	size_t have = (size_t)(c->bytes % MD5_BLOCK_LEN);

	/* 0x80, zeros up to 56 mod 64, then the length in bits, low byte first
	 * (RFC 1321 sections 3.1 and 3.2). */
	c->block[have++] = 0x80;
	if (have > MD5_BLOCK_LEN - 8) {
		memset(c->block + have, 0, MD5_BLOCK_LEN - have);
		md5_block(c->h, c->block);
		have = 0;
	}
	memset(c->block + have, 0, MD5_BLOCK_LEN - 8 - have);
	for (int i = 0; i < 8; i++)
		c->block[MD5_BLOCK_LEN - 8 + i] = (uint8_t)(bits >> (8 * i));
	md5_block(c->h, c->block);
	/* A, B, C, D, each low byte first (section 3.5). */
	for (int i = 0; i < 4; i++) {
		out[4 * i] = (uint8_t)c->h[i];
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 3] = (uint8_t)(c->h[i] >> 24);
	}
}

void
md5(const void *data, size_t len, uint8_t out[MD5_DIGEST_LEN])
{
	struct md5_ctx c;

	md5_init(&c);
	md5_update(&c, data, len);
	md5_final(&c, out);
}
