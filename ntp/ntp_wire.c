/*
 * ntp_wire: NTPv4 packet decode/encode and timestamp conversion.
 */
#include <netinet/in.h>
#include <string.h>

#include "md5.h"
#include "ntp_wire.h"

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

/* A MAC is a 4-byte key id and a digest: 16 (MD5, AES-CMAC) or 20 (SHA-1)
 * bytes; 24 appears with some SHA-1 implementations that pad.  RFC 7822
 * requires a lone MAC without extensions to be one of these sizes. */
static int
is_mac_len(size_t n)
{
	return n == 4 + 16 || n == 4 + 20 || n == 4 + 24;
}

/*
 * Walk extension fields until what is left is empty or a MAC.  A field is
 * type(2) length(2) value; its length counts the whole field, at least 16
 * and a multiple of 4 (RFC 7822 section 3).
 */
static int
check_tail(const uint8_t *p, size_t n, struct ntp_packet *pkt)
{
	while (n > 0) {
		if (is_mac_len(n)) {
			pkt->has_mac = 1;
			return 0;
		}
		if (n < 16)
			return -1;
		size_t flen = (size_t)p[2] << 8 | p[3];
		if (flen < 16 || flen % 4 != 0 || flen > n)
			return -1;
		pkt->n_extensions++;
		p += flen;
		n -= flen;
	}
	return 0;
}

enum ntp_decode_status
ntp_decode(const uint8_t *buf, size_t len, struct ntp_packet *p)
{
	memset(p, 0, sizeof(*p));
	if (len < NTP_HEADER_LEN)
		return NTP_DECODE_SHORT;
	if (len > NTP_MAX_PACKET)
		return NTP_DECODE_TOO_LONG;
	p->leap = buf[0] >> 6;
	p->version = (buf[0] >> 3) & 7;
	p->mode = buf[0] & 7;
	if (p->version < 1 || p->version > 4)
		return NTP_DECODE_VERSION;
	p->stratum = buf[1];
	p->poll = (int8_t)buf[2];
	p->precision = (int8_t)buf[3];
	p->root_delay = get32(buf + 4);
	p->root_dispersion = get32(buf + 8);
	p->refid = get32(buf + 12);
	p->reference = get64(buf + 16);
	p->origin = get64(buf + 24);
	p->receive = get64(buf + 32);
	p->transmit = get64(buf + 40);
	p->tail_len = len - NTP_HEADER_LEN;
	if (check_tail(buf + NTP_HEADER_LEN, p->tail_len, p) != 0)
		return NTP_DECODE_TAIL;
	return NTP_DECODE_OK;
}

const char *
ntp_decode_status_str(enum ntp_decode_status st)
{
	switch (st) {
	case NTP_DECODE_OK:
		return "ok";
	case NTP_DECODE_SHORT:
		return "shorter than an NTP header";
	case NTP_DECODE_VERSION:
		return "unsupported version";
	case NTP_DECODE_TAIL:
		return "malformed extension field or MAC";
	case NTP_DECODE_TOO_LONG:
		return "too long";
	}
	return "unknown";
}

size_t
ntp_encode(const struct ntp_packet *p, uint8_t *buf, size_t len)
{
	if (len < NTP_HEADER_LEN)
		return 0;
	buf[0] = (uint8_t)((p->leap & 3) << 6 | (p->version & 7) << 3 | (p->mode & 7));
	buf[1] = p->stratum;
	buf[2] = (uint8_t)p->poll;
	buf[3] = (uint8_t)p->precision;
	put32(buf + 4, p->root_delay);
	put32(buf + 8, p->root_dispersion);
	put32(buf + 12, p->refid);
	put64(buf + 16, p->reference);
	put64(buf + 24, p->origin);
	put64(buf + 32, p->receive);
	put64(buf + 40, p->transmit);
	return NTP_HEADER_LEN;
}

uint32_t
ntp_refid_ascii(const char *s)
{
	uint8_t b[4] = { 0, 0, 0, 0 };

	for (int i = 0; i < 4 && s[i] != '\0'; i++)
		b[i] = (uint8_t)s[i];
	return get32(b);
}

uint32_t
ntp_refid_from_addr(const struct sockaddr_storage *ss)
{
	uint8_t d[MD5_DIGEST_LEN];

	if (ss->ss_family == AF_INET)
		return get32((const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr);
	if (ss->ss_family != AF_INET6)
		return 0;
	md5(((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr, 16, d);
	return get32(d);
}

uint64_t
ntp_ts_from_timespec(struct timespec t)
{
	/* Modulo 2^32 seconds: era numbers are not on the wire. */
	uint32_t sec = (uint32_t)((uint64_t)t.tv_sec + NTP_UNIX_OFFSET);
	uint64_t frac = ((uint64_t)t.tv_nsec << 32) / 1000000000ULL;

	return (uint64_t)sec << 32 | (uint32_t)frac;
}

struct timespec
ntp_ts_to_timespec(uint64_t ts, time_t pivot)
{
	struct timespec t;
	uint32_t pivot_ntp = (uint32_t)((uint64_t)pivot + NTP_UNIX_OFFSET);
	/* Signed distance from the pivot, modulo 2^32: picks the era. */
	int32_t diff = (int32_t)((uint32_t)(ts >> 32) - pivot_ntp);
	uint64_t frac = (uint32_t)ts;

	t.tv_sec = pivot + diff;
	/* Round to nearest nanosecond so encode/decode round-trips exactly. */
	t.tv_nsec = (long)((frac * 1000000000ULL + (1ULL << 31)) >> 32);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

uint32_t
ntp_short_from_double(double seconds)
{
	if (!(seconds > 0.0))
		return 0;
	double v = seconds * 65536.0 + 0.5;
	if (v >= 4294967295.0)
		return UINT32_MAX;
	return (uint32_t)v;
}

double
ntp_short_to_double(uint32_t s)
{
	return s / 65536.0;
}
