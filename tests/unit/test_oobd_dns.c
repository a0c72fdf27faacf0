/*
 * Unit tests for oobd/dns: the query's bytes, and the answer parser on
 * answers built by hand the way servers write them (compressed owner
 * names, 0x20 case, CNAME chains in any order), and on broken ones:
 * truncated anywhere, pointer loops, wrong id or question, error codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "dns.h"

#define ID 0xbeef
#define QNAME "relay.example.net"

struct msg {
	uint8_t b[DNS_MAX_MESSAGE];
	size_t len;
};

static void
put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->len + n <= sizeof(m->b));
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void
put16(struct msg *m, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(m, b, 2);
}

/* A text name in wire form, uncompressed. */
static void
put_name(struct msg *m, const char *name)
{
	const char *p = name;

	while (*p != '\0') {
		size_t n = strcspn(p, ".");
		uint8_t l = (uint8_t)n;
		put(m, &l, 1);
		put(m, p, n);
		p += n;
		if (*p == '.')
			p++;
	}
	put(m, "", 1);
}

/* Header with QR (and RD, RA) set, then the question for qname. */
static void
start(struct msg *m, uint16_t id, uint16_t flags, uint16_t an, const char *qname)
{
	m->len = 0;
	put16(m, id);
	put16(m, (uint16_t)(0x8180 | flags));
	put16(m, 1);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
	put_name(m, qname);
	put16(m, 1); /* A */
	put16(m, 1); /* IN */
}

/* The fixed part of a record after its owner name (given as raw bytes). */
static void
rr_head(struct msg *m, const void *owner, size_t ownerlen, uint16_t type, uint16_t rdlen)
{
	put(m, owner, ownerlen);
	put16(m, type);
	put16(m, 1);
	put16(m, 0);
	put16(m, 300); /* TTL */
	put16(m, rdlen);
}

static void
rr_a(struct msg *m, const void *owner, size_t ownerlen, const char *addr)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, addr, &a), 1);
	rr_head(m, owner, ownerlen, 1, 4);
	put(m, &a.s_addr, 4);
}

#define AT_QNAME "\xc0\x0c" /* pointer to the question's name */

static int
parse(const struct msg *m, struct in_addr *a, size_t max, char *err, size_t errlen)
{
	return dns_parse_a_response(m->b, m->len, ID, QNAME, a, max, err, errlen);
}

static void
assert_addr(struct in_addr a, const char *want)
{
	char s[INET_ADDRSTRLEN];

	assert_non_null(inet_ntop(AF_INET, &a, s, sizeof(s)));
	assert_string_equal(s, want);
}

static void
test_query_bytes(void **state)
{
	static const uint8_t want[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 5, 'r',
		'e', 'l', 'a', 'y', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0, 0,
		1, 0, 1 };
	uint8_t buf[DNS_MAX_MESSAGE];
	char err[128];

	(void)state;
	assert_int_equal(dns_build_a_query(buf, sizeof(buf), 0x1234, "Relay.Example.NET.", err,
			     sizeof(err)),
	    sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	/* too small a buffer */
	assert_int_equal(dns_build_a_query(buf, sizeof(want) - 1, 1, QNAME, err, sizeof(err)),
	    -1);
}

static void
test_query_rejects_bad_names(void **state)
{
	static const char *const bad[] = { "", ".", "a..b", ".a", "a b", "a/b", "a\\.b",
		"relay.example.net..",
		"x234567890123456789012345678901234567890123456789012345678901234.net" };
	char longname[300];
	uint8_t buf[DNS_MAX_MESSAGE];
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(dns_build_a_query(buf, sizeof(buf), 1, bad[i], err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "not a valid host name"));
	}
	/* 4 x 63 + dots: over 255 octets in wire form */
	memset(longname, 'a', sizeof(longname));
	for (i = 63; i < 300; i += 64)
		longname[i] = '.';
	longname[255] = '\0';
	assert_int_equal(dns_build_a_query(buf, sizeof(buf), 1, longname, err, sizeof(err)), -1);
	/* a 63-octet label is fine */
	longname[63] = '\0';
	assert_true(dns_build_a_query(buf, sizeof(buf), 1, longname, err, sizeof(err)) > 0);
}

static void
test_one_address_compressed(void **state)
{
	struct msg m;
	struct in_addr a[4];
	char err[128];

	(void)state;
	start(&m, ID, 0, 1, QNAME);
	rr_a(&m, AT_QNAME, 2, "198.51.100.7");
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), 1);
	assert_addr(a[0], "198.51.100.7");
}

static void
test_mixed_case_echo_and_plain_owner(void **state)
{
	struct msg m;
	struct in_addr a[4];
	char err[128];

	(void)state;
	start(&m, ID, 0, 1, "rElAy.ExAmPlE.nEt");
	{
		struct msg owner = { .len = 0 };
		put_name(&owner, "RELAY.example.NET");
		rr_a(&m, owner.b, owner.len, "203.0.113.1");
	}
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), 1);
	assert_addr(a[0], "203.0.113.1");
}

static void
test_not_ours(void **state)
{
	struct msg m;
	struct in_addr a[4];
	char err[128];

	(void)state;
	start(&m, ID + 1, 0, 1, QNAME); /* another id */
	rr_a(&m, AT_QNAME, 2, "198.51.100.7");
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), DNS_NOT_OURS);

	start(&m, ID, 0, 1, "other.example.net"); /* another question */
	rr_a(&m, AT_QNAME, 2, "198.51.100.7");
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), DNS_NOT_OURS);

	start(&m, ID, 0, 1, QNAME); /* a query, not a response */
	m.b[2] &= 0x7f;
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), DNS_NOT_OURS);

	start(&m, ID, 0, 1, QNAME); /* question for AAAA */
	m.b[m.len - 3] = 28;
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), DNS_NOT_OURS);

	start(&m, ID, 0, 0, QNAME); /* no question echoed */
	m.b[5] = 0;
	m.len = 12;
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), DNS_NOT_OURS);

	assert_int_equal(dns_parse_a_response(m.b, 11, ID, QNAME, a, 4, err, sizeof(err)),
	    DNS_NOT_OURS);
}

static void
test_error_codes(void **state)
{
	struct msg m;
	struct in_addr a[4];
	char err[128];

	(void)state;
	start(&m, ID, 3, 0, QNAME);
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);
	assert_string_equal(err, "relay.example.net: no such name (NXDOMAIN)");

	start(&m, ID, 2, 0, QNAME);
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);
	assert_string_equal(err, "relay.example.net: server answered SERVFAIL");

	start(&m, ID, 5, 0, QNAME);
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);
	assert_string_equal(err, "relay.example.net: server answered REFUSED");

	start(&m, ID, 0x0200, 1, QNAME); /* TC */
	rr_a(&m, AT_QNAME, 2, "198.51.100.7");
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "truncated"));

	start(&m, ID, 0, 0, QNAME); /* NOERROR, no data */
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);
	assert_string_equal(err, "relay.example.net: no A record");
}

static void
test_truncated_anywhere(void **state)
{
	struct msg m;
	struct in_addr a[4];
	char err[128];
	size_t full, cut;

	(void)state;
	start(&m, ID, 0, 2, QNAME);
	rr_head(&m, AT_QNAME, 2, 5, 7); /* relay.example.net CNAME edge.<example.net> */
	put(&m, "\x04" "edge" "\xc0\x12", 7);
	rr_a(&m, "\xc0\x2f", 2, "198.51.100.9");
	full = m.len;
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), 1);
	assert_addr(a[0], "198.51.100.9");
	for (cut = 0; cut < full; cut++) {
		m.len = cut;
		assert_true(parse(&m, a, 4, err, sizeof(err)) < 0);
	}
}

static void
test_pointer_loops_and_bad_labels(void **state)
{
	struct msg m;
	struct in_addr a[4];
	char err[128];
	size_t rr;

	(void)state;
	/* owner name is a pointer to itself */
	start(&m, ID, 0, 1, QNAME);
	rr = m.len;
	put(&m, "\xc0", 1);
	put(&m, (uint8_t[]){ (uint8_t)rr }, 1);
	put(&m, "\x00\x01\x00\x01\x00\x00\x00\x10\x00\x04\x01\x02\x03\x04", 14);
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "malformed"));

	/* a label, then a pointer back to that same label: a loop */
	start(&m, ID, 0, 1, QNAME);
	rr = m.len;
	put(&m, "\x01x\xc0", 3);
	put(&m, (uint8_t[]){ (uint8_t)rr }, 1);
	put(&m, "\x00\x01\x00\x01\x00\x00\x00\x10\x00\x04\x01\x02\x03\x04", 14);
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);

	/* a forward pointer (to the next record's owner) */
	start(&m, ID, 0, 2, QNAME);
	rr = m.len;
	put(&m, "\xc0", 1);
	put(&m, (uint8_t[]){ (uint8_t)(rr + 16) }, 1);
	put(&m, "\x00\x01\x00\x01\x00\x00\x00\x10\x00\x04\x01\x02\x03\x04", 14);
	rr_a(&m, AT_QNAME, 2, "192.0.2.1");
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);

	/* a pointer past the end */
	start(&m, ID, 0, 1, QNAME);
	rr_a(&m, "\xc1\xff", 2, "192.0.2.1");
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);

	/* an obsolete extended label type (0x40) */
	start(&m, ID, 0, 1, QNAME);
	rr_a(&m, "\x41x\x00", 3, "192.0.2.1");
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);

	/* the question itself loops: not ours (nothing in it can be trusted) */
	start(&m, ID, 0, 0, QNAME);
	m.b[12] = 0xc0;
	m.b[13] = 12;
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), DNS_NOT_OURS);
}

static void
test_a_record_of_wrong_size(void **state)
{
	struct msg m;
	struct in_addr a[4];
	char err[128];

	(void)state;
	start(&m, ID, 0, 1, QNAME);
	rr_head(&m, AT_QNAME, 2, 1, 6);
	put(&m, "\x01\x02\x03\x04\x05\x06", 6);
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);
	assert_string_equal(err, "malformed A record (6 octets)");

	/* rdata length running past the end */
	start(&m, ID, 0, 1, QNAME);
	rr_head(&m, AT_QNAME, 2, 1, 40);
	put(&m, "\x01\x02\x03\x04", 4);
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);
}

/* www.example.net -> cdn.example.org -> edge.cdn.example.org -> A, the
 * records in reverse order, with an unrelated A record and an AAAA. */
static void
test_cname_chain_any_order(void **state)
{
	struct msg m, n;
	struct in_addr a[4];
	char err[128];
	size_t cdn, edge;

	(void)state;
	start(&m, ID, 0, 5, QNAME);
	/* A for a name nobody asked about, owned by an uncompressed name */
	n.len = 0;
	put_name(&n, "decoy.example.net");
	rr_a(&m, n.b, n.len, "192.0.2.66");
	/* edge.cdn.example.org A, written first; its name is then reused */
	edge = m.len;
	n.len = 0;
	put_name(&n, "edge.cdn.example.org");
	rr_a(&m, n.b, n.len, "203.0.113.50");
	cdn = edge + 5; /* "cdn.example.org" inside it */
	/* edge.cdn.example.org AAAA: ignored */
	rr_head(&m, (uint8_t[]){ 0xc0, (uint8_t)edge }, 2, 28, 16);
	put(&m, "0123456789abcdef", 16);
	/* cdn.example.org CNAME edge.cdn.example.org */
	rr_head(&m, (uint8_t[]){ 0xc0, (uint8_t)cdn }, 2, 5, 2);
	put(&m, (uint8_t[]){ 0xc0, (uint8_t)edge }, 2);
	/* relay.example.net CNAME cdn.example.org */
	rr_head(&m, AT_QNAME, 2, 5, 2);
	put(&m, (uint8_t[]){ 0xc0, (uint8_t)cdn }, 2);

	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), 1);
	assert_addr(a[0], "203.0.113.50");
}

static void
test_cname_loop_and_dead_end(void **state)
{
	struct msg m;
	struct in_addr a[4];
	char err[128];
	size_t other;

	(void)state;
	/* relay.example.net CNAME b.example.net, b CNAME relay: a loop */
	start(&m, ID, 0, 2, QNAME);
	rr_head(&m, AT_QNAME, 2, 5, 4);
	other = m.len;
	put(&m, "\x01" "b" "\xc0\x12", 4);
	rr_head(&m, (uint8_t[]){ 0xc0, (uint8_t)other }, 2, 5, 2);
	put(&m, AT_QNAME, 2);
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "CNAME chain longer than"));

	/* an alias whose target has no A record in the answer */
	start(&m, ID, 0, 1, QNAME);
	rr_head(&m, AT_QNAME, 2, 5, 4);
	put(&m, "\x01" "b" "\xc0\x12", 4);
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "relay.example.net: alias of b.example.net, which has no A record in the answer");

	/* a CNAME whose target runs past its rdata */
	start(&m, ID, 0, 1, QNAME);
	rr_head(&m, AT_QNAME, 2, 5, 2);
	put(&m, "\x01" "b" "\xc0\x12", 4);
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), -1);
}

static void
test_more_answers_than_room(void **state)
{
	static const char *const addr[6] = { "198.51.100.1", "198.51.100.2", "198.51.100.3",
		"198.51.100.4", "198.51.100.5", "198.51.100.6" };
	struct msg m;
	struct in_addr a[4];
	char err[128];
	int i;

	(void)state;
	start(&m, ID, 0, 6, QNAME);
	for (i = 0; i < 6; i++)
		rr_a(&m, AT_QNAME, 2, addr[i]);
	assert_int_equal(parse(&m, a, 4, err, sizeof(err)), 4);
	for (i = 0; i < 4; i++)
		assert_addr(a[i], addr[i]);
	assert_int_equal(parse(&m, a, 2, err, sizeof(err)), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_bytes),
		cmocka_unit_test(test_query_rejects_bad_names),
		cmocka_unit_test(test_one_address_compressed),
		cmocka_unit_test(test_mixed_case_echo_and_plain_owner),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_truncated_anywhere),
		cmocka_unit_test(test_pointer_loops_and_bad_labels),
		cmocka_unit_test(test_a_record_of_wrong_size),
		cmocka_unit_test(test_cname_chain_any_order),
		cmocka_unit_test(test_cname_loop_and_dead_end),
		cmocka_unit_test(test_more_answers_than_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
