/*
 * pmtk: MTK command bodies.  See pmtk.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pmtk.h"

static int
emit(size_t len, int n)
{
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

int
pmtk_set_baud(char *out, size_t len, int baud)
{
	static const int rates[] = { 0, 4800, 9600, 14400, 19200, 38400, 57600, 115200 };

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (baud == rates[i])
			return emit(len, snprintf(out, len, "PMTK251,%d", baud));
	return -1;
}

static bool
divisor_ok(int d)
{
	return d >= 0 && d <= 5;
}

int
pmtk_set_output(char *out, size_t len, const struct pmtk_output *o)
{
	/* 19 fields in MTK order: GLL RMC VTG GGA GSA GSV, GRS GST and
	 * reserved or unsupported ones (always 0 here), ZDA at index 17, MCHN
	 * (channel status, $PMTKCHN) at 18. */
	int f[19] = { 0 };

	f[0] = o->gll;
	f[1] = o->rmc;
	f[2] = o->vtg;
	f[3] = o->gga;
	f[4] = o->gsa;
	f[5] = o->gsv;
	f[17] = o->zda;
	f[18] = o->mchn;
	for (int i = 0; i < 19; i++)
		if (!divisor_ok(f[i]))
			return -1;
	return emit(len,
	    snprintf(out, len, "PMTK314,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d",
		f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12],
		f[13], f[14], f[15], f[16], f[17], f[18]));
}

int
pmtk_default_output(char *out, size_t len)
{
	return emit(len, snprintf(out, len, "PMTK314,-1"));
}

int
pmtk_set_fix_rate(char *out, size_t len, int interval_ms)
{
	if (interval_ms < 100 || interval_ms > 10000)
		return -1;
	return emit(len, snprintf(out, len, "PMTK220,%d", interval_ms));
}

int
pmtk_set_fix_interval(char *out, size_t len, int interval_ms)
{
	/* the position engine cannot fix faster than 5 Hz */
	if (interval_ms < 200 || interval_ms > 10000)
		return -1;
	return emit(len, snprintf(out, len, "PMTK300,%d,0,0,0,0", interval_ms));
}

int
pmtk_set_mode(char *out, size_t len, int mode)
{
	/* 1 and 2 (periodic) need run/sleep times this builder does not take */
	if (mode != 0 && mode != 4 && mode != 8 && mode != 9)
		return -1;
	return emit(len, snprintf(out, len, "PMTK225,%d", mode));
}

int
pmtk_restart(char *out, size_t len, int kind)
{
	if (kind < 101 || kind > 104)
		return -1;
	return emit(len, snprintf(out, len, "PMTK%d", kind));
}

static int *
output_slot(struct pmtk_output *o, const char *name, size_t n)
{
	static const struct {
		const char *name;
		size_t off;
	} slots[] = {
		{ "GLL", offsetof(struct pmtk_output, gll) },
		{ "RMC", offsetof(struct pmtk_output, rmc) },
		{ "VTG", offsetof(struct pmtk_output, vtg) },
		{ "GGA", offsetof(struct pmtk_output, gga) },
		{ "GSA", offsetof(struct pmtk_output, gsa) },
		{ "GSV", offsetof(struct pmtk_output, gsv) },
		{ "ZDA", offsetof(struct pmtk_output, zda) },
		{ "MCHN", offsetof(struct pmtk_output, mchn) },
	};

	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (strlen(slots[i].name) == n && strncasecmp(slots[i].name, name, n) == 0)
			return (int *)((char *)o + slots[i].off);
	return NULL;
}

int
pmtk_output_from_list(const char *list, struct pmtk_output *o)
{
	const char *p = list;

	memset(o, 0, sizeof(*o));
	if (*p == '\0')
		return -1;
	for (;;) {
		size_t n = strcspn(p, ",");
		int *slot = output_slot(o, p, n);

		if (slot == NULL)
			return -1;
		*slot = 1;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

int
pmtk_command_number(const char *body)
{
	if (body[0] == '$')
		body++;
	if (strncmp(body, "PMTK", 4) != 0)
		return -1;
	for (int i = 4; i < 7; i++)
		if (body[i] < '0' || body[i] > '9')
			return -1;
	if (body[7] != '\0' && body[7] != ',' && body[7] != '*')
		return -1;
	return (body[4] - '0') * 100 + (body[5] - '0') * 10 + (body[6] - '0');
}
