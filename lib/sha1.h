/*
 * sha1: SHA-1 (FIPS 180-4) and HMAC-SHA1 (RFC 2104), for the one-time codes
 * of totp.h, so that the daemons need no crypto library.
 *
 * SHA-1 is broken for collisions; HMAC-SHA1 is not, and it is what RFC 4226
 * and RFC 6238 and every authenticator app use.  The one other use is the
 * checksum that leap-seconds.list's own format defines (ntp/leapfile.c),
 * which finds a damaged file, not a forged one.  Nothing else in outpost
 * may use this module for a new purpose.
 *
 * The context and the HMAC's key blocks hold secret material: sha1_final()
 * and hmac_sha1() wipe what they used (explicit_bzero).  ct_equal() compares
 * in time that depends only on the length.
 */
#ifndef OUTPOST_SHA1_H
#define OUTPOST_SHA1_H

#include <stdbool.h>
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

/* HMAC-SHA1 of msg under key (any length: a longer key than a block is
 * hashed first, as RFC 2104 says). */
void hmac_sha1(const void *key, size_t keylen, const void *msg, size_t msglen,
    uint8_t out[SHA1_DIGEST_LEN]);

/* a[0..len) == b[0..len), without an early exit. */
bool ct_equal(const void *a, const void *b, size_t len);

#endif
