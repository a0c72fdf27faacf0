/*
 * ntp_wire: the NTPv4 packet on the wire (RFC 5905 section 7), nothing more.
 *
 * ntp_decode() checks a received datagram and converts it to host order;
 * ntp_encode() does the reverse.  Neither keeps state nor reads a clock.
 * A datagram is accepted when it holds at least the 48-byte header, a
 * version 1..4, and a tail that is either empty, a MAC (key id + 16 or 20
 * or 24 bytes of digest: MD5, SHA-1, AES-CMAC... as in RFC 5905 and 8573),
 * or well-formed NTPv4 extension fields (RFC 7822: type, length >= 16 and a
 * multiple of 4) optionally followed by a MAC.  Anything else is refused
 * with a reason, so the server can count what it drops.
 *
 * Timestamps: 64-bit NTP timestamps are seconds since 1900 (era 0 and
 * following eras modulo 2^32) in the top half and a binary fraction in the
 * bottom half.  Conversion back to Unix time needs a pivot to pick the era:
 * the result is the time within 68 years of the pivot.
 */
#ifndef OUTPOST_NTP_WIRE_H
#define OUTPOST_NTP_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#define NTP_HEADER_LEN 48
#define NTP_MAX_PACKET 1024         /* more than any request we answer */
#define NTP_UNIX_OFFSET 2208988800UL /* 1900-01-01 to 1970-01-01 in seconds */

enum ntp_mode {
	NTP_MODE_RESERVED = 0, NTP_MODE_SYM_ACTIVE, NTP_MODE_SYM_PASSIVE,
	NTP_MODE_CLIENT, NTP_MODE_SERVER, NTP_MODE_BROADCAST,
	NTP_MODE_CONTROL, NTP_MODE_PRIVATE,
};

enum ntp_leap {
	NTP_LEAP_NONE = 0, NTP_LEAP_ADD, NTP_LEAP_DEL, NTP_LEAP_UNSYNC,
};

struct ntp_packet {
	uint8_t leap;               /* enum ntp_leap */
	uint8_t version;            /* 1..4 */
	uint8_t mode;               /* enum ntp_mode */
	uint8_t stratum;            /* 0 = unspecified / kiss-o'-death */
	int8_t poll;                /* log2 seconds */
	int8_t precision;           /* log2 seconds */
	uint32_t root_delay;        /* NTP short format, 16.16 seconds */
	uint32_t root_dispersion;   /* NTP short format */
	uint32_t refid;             /* as on the wire, big-endian bytes in order */
	uint64_t reference;         /* NTP timestamps, 32.32 */
	uint64_t origin;
	uint64_t receive;
	uint64_t transmit;
	size_t tail_len;            /* extension fields + MAC after the header */
	int n_extensions;
	int has_mac;
};

enum ntp_decode_status {
	NTP_DECODE_OK = 0,
	NTP_DECODE_SHORT,           /* fewer than 48 bytes */
	NTP_DECODE_VERSION,         /* version 0 or above 4 */
	NTP_DECODE_TAIL,            /* malformed extension fields or MAC */
	NTP_DECODE_TOO_LONG,        /* more than NTP_MAX_PACKET bytes */
};

enum ntp_decode_status ntp_decode(const uint8_t *buf, size_t len, struct ntp_packet *p);
const char *ntp_decode_status_str(enum ntp_decode_status st);

/* Write the 48-byte header (no extensions, no MAC).  Returns NTP_HEADER_LEN,
 * or 0 if len is too small. */
size_t ntp_encode(const struct ntp_packet *p, uint8_t *buf, size_t len);

/* refid from up to four ASCII characters ("GPS", "PPS", "RATE"). */
uint32_t ntp_refid_ascii(const char *s);

/*
 * refid of a server we are synchronised to (RFC 5905 section 7.3), in the
 * byte order of struct ntp_packet: an IPv4 address as it is (192.0.2.1 is
 * 0xc0000201); for IPv6, the first four bytes of the MD5 hash of the 16
 * address bytes, the first the most significant, so that they go on the
 * wire in the hash's order.  That is what chrony (UTI_IPToRefid) and ntpd
 * and ntpsec (addr2refid) send, and what they compare with the hash of
 * their own addresses to find a loop.  0 for any other family.
 */
uint32_t ntp_refid_from_addr(const struct sockaddr_storage *ss);

uint64_t ntp_ts_from_timespec(struct timespec t);
struct timespec ntp_ts_to_timespec(uint64_t ts, time_t pivot);
uint32_t ntp_short_from_double(double seconds); /* clamps to 0..65535.99998 */
double ntp_short_to_double(uint32_t s);

#endif
