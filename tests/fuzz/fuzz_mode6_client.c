/*
 * Fuzz mode6's client side: the input cut into datagrams (two length
 * bytes each) checked as fragments of one answer and put together; the
 * input read as answer text by the variable iterator and as a peer's
 * variables into an `ntpq -p` row.  abort() on any broken invariant.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mode6.h"
#include "mode6_peer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEQ 0x0102
#define ASSOC 0x0304

static struct mode6_reasm reasm;
static uint8_t shadow[MODE6_TEXT_MAX];

/* What the answer must hold once done: every byte taken, none past its end. */
static void
check_reasm(void)
{
	size_t sum = 0;

	if (reasm.nfrags < 0 || reasm.nfrags > MODE6_MAX_FRAGS || reasm.end > MODE6_TEXT_MAX)
		abort();
	for (int i = 0; i < reasm.nfrags; i++) {
		size_t o = reasm.off[i], e = o + reasm.cnt[i];
		if (e > MODE6_TEXT_MAX || (reasm.last && e > reasm.end))
			abort();
		for (int j = 0; j < i; j++) {
			size_t o2 = reasm.off[j], e2 = o2 + reasm.cnt[j];
			if (o < e2 && o2 < e)
				abort();
		}
		sum += reasm.cnt[i];
	}
	if (sum != reasm.have)
		abort();
	if (mode6_reasm_done(&reasm) && (reasm.len != reasm.end ||
	    memcmp(reasm.buf, shadow, reasm.len) != 0))
		abort();
}

static void
fragments(const uint8_t *data, size_t size)
{
	mode6_reasm_init(&reasm);
	while (size >= 2) {
		size_t n = (size_t)(data[0] << 8 | data[1]) % 600;
		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		struct mode6_response r;
		enum mode6_resp_status st = mode6_response_parse(data, n, MODE6_OP_READVAR, SEQ,
		    ASSOC, &r);
		if (st != MODE6_RESP_OK && (r.data != NULL || r.count != 0))
			abort();
		if (st == MODE6_RESP_OK) {
			if (r.sequence != SEQ || r.associd != ASSOC ||
			    r.opcode != MODE6_OP_READVAR || r.count > n - MODE6_HEADER_LEN ||
			    (size_t)r.offset + r.count > MODE6_TEXT_MAX)
				abort();
			int before = reasm.nfrags;
			size_t had = reasm.have;
			enum mode6_asm_status as = mode6_reasm_add(&reasm, &r);
			if (as == MODE6_ASM_OK) {
				memcpy(shadow + r.offset, r.data, r.count);
				if (reasm.nfrags != before + 1 || reasm.have != had + r.count)
					abort();
			} else if (reasm.nfrags != before || reasm.have != had) {
				abort();
			}
			check_reasm();
		}
		data += n;
		size -= n;
	}
}

static void
text(const uint8_t *data, size_t size)
{
	struct mode6_vars it;
	char name[MODE6_NAME_MAX], value[64];
	size_t items = 0;

	mode6_vars_init(&it, data, size);
	while (mode6_vars_next(&it, name, sizeof(name), value, sizeof(value))) {
		size_t nl = strlen(name), vl = strlen(value);
		if (nl == 0 || nl >= sizeof(name) || vl >= sizeof(value))
			abort();
		for (size_t i = 0; i < nl; i++)
			if (name[i] < 0x20 || name[i] >= 0x7f)
				abort();
		for (size_t i = 0; i < vl; i++)
			if (value[i] < 0x20 || value[i] >= 0x7f)
				abort();
		/* every item takes at least its name's byte and a separator */
		if (++items > size)
			abort();
	}
	if (mode6_vars_next(&it, name, sizeof(name), value, sizeof(value)))
		abort();
}

static void
peer_row(const uint8_t *data, size_t size)
{
	struct mode6_peer p;
	char row[MODE6_PEER_ROW_MAX];
	uint64_t now = 0;

	if (size >= 8)
		memcpy(&now, data, 8);
	mode6_peer_init(&p, 1, size >= 10 ? (uint16_t)(data[8] << 8 | data[9]) : 0);
	mode6_peer_parse(&p, data, size);
	size_t n = mode6_peer_row(&p, NULL, now, row, sizeof(row));
	if (n == 0 || n != strlen(row))
		abort();
	for (size_t i = 0; i < n; i++)
		if (row[i] < 0x20 || row[i] >= 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fragments(data, size);
	text(data, size);
	peer_row(data, size);
	return 0;
}
