/*
 * Fuzz the DNS answer parser: any bytes as the answer to a query for
 * relay.example.net whose id is the input's first two octets (so most
 * inputs get past the id check), then for a one-letter name; the input as
 * a host name for the query builder.  Results must stay within the
 * caller's array and every error message must be terminated.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int r, size_t max, const char *err, size_t errlen)
{
	if (r == 0 || r < DNS_NOT_OURS || r > (int)max)
		abort();
	if (r == -1 && (memchr(err, '\0', errlen) == NULL || err[0] == '\0'))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in_addr addrs[4];
	uint8_t query[DNS_MAX_MESSAGE];
	char err[128], tiny[8], name[300];
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	int r;

	memset(err, 0x55, sizeof(err));
	r = dns_parse_a_response(data, size, id, "relay.example.net", addrs, 4, err, sizeof(err));
	check(r, 4, err, sizeof(err));
	memset(tiny, 0x55, sizeof(tiny));
	r = dns_parse_a_response(data, size, id, "a", addrs, 1, tiny, sizeof(tiny));
	check(r, 1, tiny, sizeof(tiny));

	if (size < sizeof(name)) {
		memcpy(name, data, size);
		name[size] = '\0';
		r = dns_build_a_query(query, sizeof(query), id, name, err, sizeof(err));
		if (r > (int)sizeof(query) || r == 0 || r < -1)
			abort();
	}
	return 0;
}
