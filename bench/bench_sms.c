/*
 * bench_sms FILE [SECONDS]: SMS-DELIVER decoding throughput.  FILE holds one
 * PDU in hex per line (as the modem prints it); they are decoded from hex
 * over and over for SECONDS (default 2), and the rate printed as
 * "<messages> <seconds>" for the calling script.  Every PDU must decode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sms.h"

#define MAX_PDUS 1024

static char lines[MAX_PDUS][2 * SMS_PDU_MAX + 2];
static size_t lens[MAX_PDUS];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct sms_deliver d;
	char err[256];
	size_t n = 0;
	unsigned long done = 0;
	double secs = argc > 2 ? atof(argv[2]) : 2.0, t0, t;
	FILE *f;

	if (argc < 2 || (f = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: bench_sms FILE [SECONDS]\n");
		return 2;
	}
	while (n < MAX_PDUS && fgets(lines[n], sizeof(lines[n]), f) != NULL) {
		lens[n] = strcspn(lines[n], "\r\n");
		if (sms_decode_hex(lines[n], lens[n], &d, err, sizeof(err)) != 0) {
			fprintf(stderr, "bench_sms: line %zu: %s\n", n + 1, err);
			return 1;
		}
		n++;
	}
	fclose(f);
	if (n == 0)
		return 1;
	t0 = now();
	do {
		for (size_t i = 0; i < n; i++)
			if (sms_decode_hex(lines[i], lens[i], &d, err, sizeof(err)) != 0)
				return 1;
		done += n;
	} while ((t = now() - t0) < secs);
	printf("%lu %.6f\n", done, t);
	return 0;
}
