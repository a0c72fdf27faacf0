/*
 * Fuzz the typed-escape state machine (console/console_esc): any bytes, fed in
 * one go and again one byte at a time.  Both must send the same bytes and
 * take the same actions, never write more than len + 1 bytes, and always
 * make progress.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console_esc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct result {
	uint8_t sent[4200];
	size_t nsent;
	char actions[4200];
	size_t nact;
};

static void
run(const uint8_t *data, size_t size, size_t step, struct result *r)
{
	struct console_esc e;
	uint8_t out[4200];
	size_t pos = 0;

	console_esc_init(&e);
	r->nsent = r->nact = 0;
	while (pos < size) {
		size_t chunk = size - pos < step ? size - pos : step, n, used;
		enum console_esc_action a;

		used = console_esc_feed(&e, data + pos, chunk, out, &n, &a);
		if (used == 0 || used > chunk || n > used + 1)
			abort();
		if (r->nsent + n > sizeof(r->sent))
			abort();
		memcpy(r->sent + r->nsent, out, n);
		r->nsent += n;
		pos += used;
		if (a != CONSOLE_ESC_NONE)
			r->actions[r->nact++] = (char)('0' + a);
		if (a == CONSOLE_ESC_DETACH)
			break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct result whole, bytes;

	if (size > 4096)
		return 0;
	run(data, size, size > 0 ? size : 1, &whole);
	run(data, size, 1, &bytes);
	if (whole.nsent != bytes.nsent || memcmp(whole.sent, bytes.sent, whole.nsent) != 0 ||
	    whole.nact != bytes.nact || memcmp(whole.actions, bytes.actions, whole.nact) != 0)
		abort();
	return 0;
}
