/*
 * Fuzz the drift file parser: any bytes; what it accepts must be a frequency
 * the clock can take, and must survive format + parse unchanged.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "clock.h"
#include "driftfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct driftfile d, e;
	char buf[DRIFTFILE_MAX];
	int n;

	if (driftfile_parse((const char *)data, size, &d) < 0)
		return 0;
	if (!isfinite(d.freq_ppm) || fabs(d.freq_ppm) > CLOCK_MAX_FREQ_PPM || !(d.skew_ppm >= 0.0))
		abort();
	n = driftfile_format(buf, sizeof(buf), &d);
	if (n <= 0 || driftfile_parse(buf, (size_t)n, &e) < 0)
		abort();
	if (fabs(e.freq_ppm - d.freq_ppm) > 1e-6 || fabs(e.skew_ppm - d.skew_ppm) > 1e-6)
		abort();
	return 0;
}
