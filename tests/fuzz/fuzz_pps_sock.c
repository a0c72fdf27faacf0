/*
 * Fuzz the chrony SOCK sample decoder (datagrams from a local socket).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pps_edge e;
	struct pps_sock_sample s;

	if (pps_sock_decode(data, size, &e) != 0)
		return 0;
	if (e.local.tv_nsec < 0 || e.local.tv_nsec >= 1000000000L)
		abort();
	pps_sock_encode(&e, &s);
	return 0;
}
