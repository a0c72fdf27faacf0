/*
 * md5: the MD5 message digest (RFC 1321), for one purpose only: the
 * reference ID an NTP server sends while it is synchronised to an IPv6
 * server, which RFC 5905 section 7.3 defines as the first four octets of
 * the MD5 hash of that server's address (ntp_refid_from_addr() in
 * ntp/ntp_wire.c).  ntpd and chrony downstream compare it with the hash of
 * their own addresses to see a timing loop, so it has to be MD5.
 *
 * MD5 is broken for collisions and for everything else a hash is used for
 * in security: nothing in outpost may use this module to authenticate,
 * sign, check a secret or name content an attacker chooses.  It keeps no
 * secrets, so unlike sha1.h it wipes nothing.
 *
 * Byte order is MD5's own: the digest is the 16 bytes RFC 1321 prints, in
 * that order, on every host.
 */
#ifndef OUTPOST_MD5_H
#define OUTPOST_MD5_H

#include <stddef.h>
#include <stdint.h>

#define MD5_DIGEST_LEN	16
#define MD5_BLOCK_LEN	64

struct md5_ctx {
	uint32_t h[4];			/* A, B, C, D */
	uint64_t bytes;			/* message length so far */
	uint8_t block[MD5_BLOCK_LEN];	/* bytes % 64 of them pending */
};

void md5_init(struct md5_ctx *c);
/* Any number of calls, any lengths: the digest depends only on the bytes
 * in order. */
void md5_update(struct md5_ctx *c, const void *data, size_t len);
/* Writes the digest; the context is spent (md5_init it again to reuse). */
void md5_final(struct md5_ctx *c, uint8_t out[MD5_DIGEST_LEN]);

/* The digest of data[0..len) in one call. */
void md5(const void *data, size_t len, uint8_t out[MD5_DIGEST_LEN]);

#endif
