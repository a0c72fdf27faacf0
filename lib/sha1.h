/*
 * sha1: SHA-1 (FIPS 180-4), for the one use outpost has for it: the
 * checksum that leap-seconds.list's own format defines (ntp/leapfile.c),
 * which finds a damaged file, not a forged one.  It is here, not taken from
 * libcrypto, so that stratumd maps no crypto library (doc/design.md has the
 * measurement).  The one-time codes' HMAC-SHA1 comes from libcrypto
 * (otp/totp.c).  Nothing in outpost may use this module for a new purpose.
 *
 * sha1_final() wipes the context.
 */
#ifndef OUTPOST_SHA1_H
#define OUTPOST_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_DIGEST_LEN	20
#define SHA1_BLOCK_LEN	64

struct sha1_ctx {
	uint32_t h[5];
	uint64_t bytes;			/* message length so far */
	uint8_t block[SHA1_BLOCK_LEN];	/* bytes % 64 of them pending */
};

void sha1_init(struct sha1_ctx *c);
void sha1_update(struct sha1_ctx *c, const void *data, size_t len);
/* Writes the digest and wipes the context. */
void sha1_final(struct sha1_ctx *c, uint8_t out[SHA1_DIGEST_LEN]);

#endif
