/*
 * Fuzz the SMS command parser: any bytes as a text.  What it accepts must be
 * a command oobd can act on (6..8 digits, a known verb, minutes in range and
 * only for UP) that reads back the same from its canonical form; every
 * refusal must leave a terminated, non-empty message, also in a tiny buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smscmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_command(const struct smscmd *c)
{
	size_t n = strnlen(c->code, sizeof(c->code));

	if (n < SMSCMD_CODE_MIN || n > SMSCMD_CODE_MAX || strspn(c->code, "0123456789") != n)
		abort();
	if (c->verb != SMSCMD_UP && c->verb != SMSCMD_DOWN && c->verb != SMSCMD_STATUS)
		abort();
	if (c->minutes < 0 || c->minutes > SMSCMD_MINUTES_MAX ||
	    (c->verb != SMSCMD_UP && c->minutes != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smscmd c, again;
	char err[128], small[6], text[64];
	enum smscmd_error e;
	int n;

	/* An exact-size copy, so reading past the text is caught. */
	char *buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	memset(err, 0x55, sizeof(err));
	e = smscmd_parse(buf, size, &c, err, sizeof(err));
	if (e == SMSCMD_OK) {
		check_command(&c);
		n = c.minutes ? snprintf(text, sizeof(text), "%s %s %d", c.code,
				    smscmd_verb_name(c.verb), c.minutes)
			      : snprintf(text, sizeof(text), "%s %s", c.code,
				    smscmd_verb_name(c.verb));
		if (smscmd_parse(text, (size_t)n, &again, err, sizeof(err)) != SMSCMD_OK ||
		    strcmp(again.code, c.code) != 0 || again.verb != c.verb ||
		    again.minutes != c.minutes)
			abort();
	} else if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0' ||
	    strcmp(smscmd_error_name(e), "?") == 0) {
		abort();
	}
	if (smscmd_parse(buf, size, &c, small, sizeof(small)) != e)
		abort();
	if (e != SMSCMD_OK && memchr(small, '\0', sizeof(small)) == NULL)
		abort();
	free(buf);
	return 0;
}
