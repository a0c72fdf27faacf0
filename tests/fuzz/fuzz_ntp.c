/*
 * Fuzz the NTP packet decoder: any datagram, decoded, re-encoded, decoded.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntp_packet p, q;
	uint8_t out[NTP_HEADER_LEN];

	if (ntp_decode(data, size, &p) != NTP_DECODE_OK)
		return 0;
	if (ntp_encode(&p, out, sizeof(out)) != NTP_HEADER_LEN)
		abort();
	/* The header survives a round trip bit for bit. */
	if (ntp_decode(out, sizeof(out), &q) != NTP_DECODE_OK || memcmp(out, data, 48) != 0)
		abort();
	(void)ntp_ts_to_timespec(p.transmit, 1764000000);
	return 0;
}
