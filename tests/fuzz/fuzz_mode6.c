/*
 * Fuzz the mode 6 codec: any datagram parsed; the names it asks for written
 * back as a text; the text cut into fragments and put together again as
 * ntpq would.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mode6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mode6_text text;
static uint8_t back[MODE6_TEXT_MAX];

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The text as ntpq reads it: CR LF only as ",\r\n" or the final "\r\n",
 * and lines no longer than MODE6_LINE unless one item is. */
static void
check_text(const struct mode6_text *t)
{
	if (t->len > MODE6_TEXT_MAX)
		abort();
	if (t->len == 0)
		return;
	if (t->len < 2 || memcmp(t->buf + t->len - 2, "\r\n", 2) != 0)
		abort();
	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->buf[i];
		if (c == '\r') {
			if (i + 1 >= t->len || t->buf[i + 1] != '\n')
				abort();
			if (i + 2 != t->len && (i == 0 || t->buf[i - 1] != ','))
				abort();
		} else if (c == '\n') {
			if (i == 0 || t->buf[i - 1] != '\r')
				abort();
		} else if (c < 0x20 || c >= 0x7f) {
			abort();
		}
	}
}

static void
check_fragments(const struct mode6_request *rq, uint16_t status)
{
	uint8_t out[MODE6_HEADER_LEN + MODE6_FRAG_DATA];
	size_t off = 0;
	bool more = true;
	int k;

	for (k = 0;; k++) {
		size_t n = mode6_fragment(rq, status, 3, text.buf, text.len, k, out, sizeof(out));
		if (n == 0)
			break;
		if (!more || k >= MODE6_MAX_FRAGS || n % 4 != 0 || n < MODE6_HEADER_LEN)
			abort();
		size_t count = get16(out + 10);
		more = (out[1] & 0x20) != 0;
		if ((out[0] & 7) != 6 || (out[0] >> 6) != 3 || ((out[0] >> 3) & 7) != rq->version)
			abort();
		if ((out[1] & 0xc0) != 0x80 || (out[1] & 0x1f) != rq->opcode)
			abort();
		if (get16(out + 2) != rq->sequence || get16(out + 4) != status ||
		    get16(out + 6) != rq->associd || get16(out + 8) != off)
			abort();
		if (count > MODE6_FRAG_DATA || n != ((MODE6_HEADER_LEN + count + 3) & ~(size_t)3))
			abort();
		if (more && count != MODE6_FRAG_DATA)
			abort();
		for (size_t i = MODE6_HEADER_LEN + count; i < n; i++)
			if (out[i] != 0)
				abort();
		memcpy(back + off, out + MODE6_HEADER_LEN, count);
		off += count;
	}
	if (k == 0 || more || off != text.len || memcmp(back, text.buf, off) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mode6_request rq;
	struct mode6_names it;
	char name[MODE6_NAME_MAX];
	uint8_t err[MODE6_HEADER_LEN];

	if (mode6_parse(data, size, &rq) != MODE6_OK)
		return 0;
	if (rq.version < 1 || rq.version > 4 || rq.count > size - MODE6_HEADER_LEN ||
	    rq.data != data + MODE6_HEADER_LEN)
		abort();
	mode6_text_init(&text);
	mode6_names_init(&it, &rq);
	unsigned i = 0;
	while (mode6_names_next(&it, name, sizeof(name))) {
		size_t n = strlen(name);
		if (n == 0 || n >= sizeof(name))
			abort();
		/* several items a name, so that long lists reach the end */
		mode6_put(&text, name, "%u", i);
		mode6_put_str(&text, name, name);
		mode6_put_ts(&text, name, (uint64_t)i * 0x0123456789abcdefULL);
		if (text.len > MODE6_TEXT_MAX - 2)
			abort();
		i++;
	}
	mode6_text_finish(&text);
	check_text(&text);
	check_fragments(&rq, mode6_sys_status(rq.leap, 1, (int)i, 10));
	if (mode6_error(&rq, MODE6_ERR_UNKNOWNVAR, 0, err, sizeof(err)) != MODE6_HEADER_LEN ||
	    err[1] != (0xc0 | rq.opcode) || get16(err + 4) != 0x0500 || get16(err + 10) != 0)
		abort();
	return 0;
}
