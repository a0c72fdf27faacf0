/*
 * dns: the wire format of one DNS question, "the IPv4 addresses of NAME",
 * for oobd's stub resolver (link.h), which asks the cellular carrier's DNS
 * server over the cellular link because the home uplink's resolver may be
 * the thing that is broken.  Pure functions on bytes; no I/O.
 *
 * The query is a plain RFC 1035 query: one question, type A, class IN,
 * recursion desired, no EDNS (so the answer fits in 512 bytes).
 *
 * The answer is outside input, read strictly: every length is checked
 * against the message; names may be compressed, but a pointer must point
 * before the labels that hold it (so pointers cannot loop) and a name is at
 * most 255 octets.  An answer must echo our id and our question (names
 * compare without regard to ASCII case: servers may echo 0x20-mixed case).
 * From the answer section, the CNAME chain that starts at our name is
 * followed (records in any order, at most DNS_MAX_CNAMES links), and the A
 * records of the name it ends at are taken, in the order they come, up to
 * the caller's maximum.  TTLs are ignored: oobd resolves again for every
 * link-up.  Authority and additional sections are not read.
 */
#ifndef OUTPOST_DNS_H
#define OUTPOST_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define DNS_MAX_MESSAGE 512 /* a UDP answer without EDNS */
#define DNS_MAX_NAME 255    /* octets in wire form, the root label included */
#define DNS_MAX_CNAMES 8
#define DNS_MAX_RECORDS 64  /* answer records looked at; any more are ignored */
#define DNS_PORT 53

/* What dns_parse_a_response() returns when the packet is not an answer to
 * our query (too short for a header, not a response, another id, another
 * question): a resolver drops it and keeps waiting for the real one. */
#define DNS_NOT_OURS (-2)

/* Encode a query for the A records of name (a host name: letters, digits,
 * '-' and '_', labels of 1..63, an optional final dot) with the given id.
 * Returns its length, or -1 with err when the name is not a valid host
 * name or buf (len bytes) is too small. */
int dns_build_a_query(uint8_t *buf, size_t len, uint16_t id, const char *name, char *err,
    size_t errlen);

/* Read an answer to the query (id, qname) from buf[0..len).  Returns the
 * number of IPv4 addresses stored in addrs (1..max, network byte order);
 * DNS_NOT_OURS (see above); or -1 with err when it is our answer but it
 * gives no address: NXDOMAIN or another error code, truncated (TC), no A
 * record at the end of the CNAME chain, a CNAME loop, or a malformed
 * record. */
int dns_parse_a_response(const uint8_t *buf, size_t len, uint16_t id, const char *qname,
    struct in_addr *addrs, size_t max, char *err, size_t errlen);

#endif
