/*
 * base32: RFC 4648 section 6 (alphabet A-Z 2-7), the form in which one-time
 * code secrets travel: in otpauth:// URIs, in QR codes, typed into phones
 * and kept in secret files.
 *
 * Encoding writes upper case, with or without the '=' padding to a multiple
 * of 8 characters (otpauth:// URIs want it without).
 *
 * Decoding reads what a person may have typed or pasted: either case;
 * blanks, line ends and dashes anywhere are ignored (secrets are often shown
 * in groups); '=' padding is ignored but nothing may follow it.  Any other
 * character is an error that names it and its position, as is a length that
 * no encoder produces (1, 3 or 6 characters in the last group of 8).  The
 * unused low bits of the last character are ignored, as authenticator apps
 * do.  Output is bounded by the caller's buffer: a secret that does not fit
 * is an error, never an overrun.
 */
#ifndef OUTPOST_BASE32_H
#define OUTPOST_BASE32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Characters for n octets, padded (without padding it is at most this),
 * not counting the NUL. */
#define BASE32_ENCODED_LEN(n) ((((n) + 4) / 5) * 8)

/* Encode n octets and a NUL into out (outlen bytes).  Returns the number of
 * characters written without the NUL, or -1 (out holds "" when outlen > 0)
 * when they do not fit. */
long base32_encode(const uint8_t *in, size_t n, char *out, size_t outlen, bool pad);

/* Decode len characters of text into at most max octets.  Returns the
 * number of octets, or -1 with a message in err. */
long base32_decode(const char *text, size_t len, uint8_t *out, size_t max, char *err,
    size_t errlen);

#endif
