/*
 * simctl: gpssim's control commands (see simctl.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simctl.h"

#define MAX_WORDS 4
#define WORD_MAX 32

const char simctl_help[] =
    "fix lost|ok\n"
    "pps stop|start\n"
    "garbage N\n"
    "unplug\n"
    "replug\n"
    "leap insert|insert-at UNIXTIME|cancel\n"
    "rollover on|off\n"
    "nmea-delay S\n"
    "status\n";

struct words {
	int n;
	char w[MAX_WORDS][WORD_MAX];
};

static int
split(const char *line, size_t len, struct words *ws)
{
	size_t i = 0;

	ws->n = 0;
	while (i < len) {
		size_t start, wl;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		wl = i - start;
		if (ws->n == MAX_WORDS || wl >= WORD_MAX)
			return -1;
		memcpy(ws->w[ws->n], line + start, wl);
		ws->w[ws->n][wl] = '\0';
		ws->n++;
	}
	return 0;
}

static int
fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

/* A word that is one of two: 0 for a, 1 for b, -1 otherwise. */
static int
choice(const struct words *ws, const char *a, const char *b)
{
	if (ws->n != 2)
		return -1;
	if (strcmp(ws->w[1], a) == 0)
		return 0;
	if (strcmp(ws->w[1], b) == 0)
		return 1;
	return -1;
}

static int
int_word(const char *s, long long lo, long long hi, int64_t *v)
{
	char *end;
	long long x;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || x < lo || x > hi)
		return -1;
	*v = x;
	return 0;
}

static int
parse_leap(const struct words *ws, struct simctl_cmd *c, char *err, size_t errlen)
{
	if (ws->n == 2 && strcmp(ws->w[1], "insert") == 0) {
		c->op = SIMCTL_LEAP_INSERT;
		return 0;
	}
	if (ws->n == 2 && strcmp(ws->w[1], "cancel") == 0) {
		c->op = SIMCTL_LEAP_CANCEL;
		return 0;
	}
	if (ws->n != 3 || strcmp(ws->w[1], "insert-at") != 0)
		return fail(err, errlen, "usage: leap insert|insert-at UNIXTIME|cancel");
	if (int_word(ws->w[2], 1, 253402300740LL, &c->n) < 0 || c->n % 60 != 0)
		return fail(err, errlen, "leap insert-at: a Unix time that is a whole minute "
					 "(the second labelled :60)");
	c->op = SIMCTL_LEAP_INSERT_AT;
	return 0;
}

int
simctl_parse(const char *line, size_t len, struct simctl_cmd *c, char *err, size_t errlen)
{
	struct words ws;
	const char *v;
	int k;

	memset(c, 0, sizeof(*c));
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (memchr(line, '\0', len) != NULL || split(line, len, &ws) < 0)
		return fail(err, errlen, "unreadable command");
	if (ws.n == 0)
		return fail(err, errlen, "empty command (try: help)");
	v = ws.w[0];
	if (strcmp(v, "fix") == 0) {
		if ((k = choice(&ws, "lost", "ok")) < 0)
			return fail(err, errlen, "usage: fix lost|ok");
		c->op = k == 0 ? SIMCTL_FIX_LOST : SIMCTL_FIX_OK;
	} else if (strcmp(v, "pps") == 0) {
		if ((k = choice(&ws, "stop", "start")) < 0)
			return fail(err, errlen, "usage: pps stop|start");
		c->op = k == 0 ? SIMCTL_PPS_STOP : SIMCTL_PPS_START;
	} else if (strcmp(v, "rollover") == 0) {
		if ((k = choice(&ws, "on", "off")) < 0)
			return fail(err, errlen, "usage: rollover on|off");
		c->op = k == 0 ? SIMCTL_ROLLOVER_ON : SIMCTL_ROLLOVER_OFF;
	} else if (strcmp(v, "garbage") == 0) {
		if (ws.n != 2 || int_word(ws.w[1], 1, SIMCTL_GARBAGE_MAX, &c->n) < 0)
			return fail(err, errlen, "usage: garbage N (1..1024 bytes)");
		c->op = SIMCTL_GARBAGE;
	} else if (strcmp(v, "leap") == 0) {
		return parse_leap(&ws, c, err, errlen);
	} else if (strcmp(v, "nmea-delay") == 0) {
		char *end;

		if (ws.n != 2)
			return fail(err, errlen, "usage: nmea-delay S (0.3..0.95)");
		errno = 0;
		c->seconds = strtod(ws.w[1], &end);
		if (errno != 0 || end == ws.w[1] || *end != '\0' || !isfinite(c->seconds) ||
		    c->seconds < 0.3 || c->seconds > 0.95)
			return fail(err, errlen, "usage: nmea-delay S (0.3..0.95)");
		c->op = SIMCTL_NMEA_DELAY;
	} else if (ws.n == 1 && strcmp(v, "unplug") == 0) {
		c->op = SIMCTL_UNPLUG;
	} else if (ws.n == 1 && strcmp(v, "replug") == 0) {
		c->op = SIMCTL_REPLUG;
	} else if (ws.n == 1 && strcmp(v, "status") == 0) {
		c->op = SIMCTL_STATUS;
	} else if (ws.n == 1 && strcmp(v, "help") == 0) {
		c->op = SIMCTL_HELP;
	} else {
		return fail(err, errlen, "unknown command (try: help)");
	}
	return 0;
}

int64_t
simctl_next_midnight(int64_t now)
{
	int64_t day = now / 86400;

	if (now < 0 && now % 86400 != 0)
		day--;
	return (day + 1) * 86400;
}

static uint32_t
next(uint32_t *rng)
{
	uint32_t x = *rng != 0 ? *rng : 0x2545f491u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*rng = x;
	return x;
}

void
simctl_garbage(uint32_t *rng, uint8_t *buf, size_t n)
{
	static const char printable[] = "0123456789,.*GPRMCA";

	for (size_t i = 0; i < n; i++) {
		uint32_t x = next(rng);

		switch (x % 16) {
		case 0: case 1: case 2: case 3:
			buf[i] = 0x00;
			break;
		case 4: case 5:
			buf[i] = 0xff;
			break;
		case 6: case 7: case 8:
			buf[i] = (uint8_t)(0x80 | (x >> 8 & 0x7f));
			break;
		case 9:
			buf[i] = '$';
			break;
		case 10:
			buf[i] = (x >> 8) % 2 ? '\r' : '\n';
			break;
		default:
			buf[i] = (uint8_t)printable[(x >> 8) % (sizeof(printable) - 1)];
			break;
		}
	}
	if (n >= 2) {
		size_t a = next(rng) % n, b = next(rng) % n;

		if (b == a)
			b = (a + 1) % n;
		buf[a] = 0x00;
		buf[b] = '$';
	}
}
