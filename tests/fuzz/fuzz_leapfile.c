/*
 * Fuzz the leap-seconds.list parser: any bytes.  What it accepts has
 * entries in time order stepping by one second, an expiry, and an error
 * message otherwise; what it says at any instant is consistent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leapfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct leapfile lf;
	struct leap_now ln;
	char err[128];

	if (leapfile_parse((const char *)data, size, &lf, err, sizeof(err)) < 0) {
		if (strncmp(err, "line ", 5) != 0)
			abort();
		return 0;
	}
	if (lf.n < 1 || lf.n > LEAPFILE_MAX_ENTRIES)
		abort();
	for (int i = 1; i < lf.n; i++) {
		int d = lf.entry[i].tai_utc - lf.entry[i - 1].tai_utc;
		if (lf.entry[i].when <= lf.entry[i - 1].when || (d != 1 && d != -1))
			abort();
	}
	for (int i = 0; i < lf.n; i++) {
		leapfile_at(&lf, lf.entry[i].when - 1, &ln);
		if (i > 0 && (ln.kind == LEAP_NONE || ln.at != lf.entry[i].when))
			abort();
		leapfile_at(&lf, lf.entry[i].when, &ln);
		if (ln.tai_utc != lf.entry[i].tai_utc)
			abort();
	}
	return 0;
}
