/*
 * Fuzz the SMS codec: the input as PDU hex and as raw PDU octets; every
 * decoded text re-encoded as a SUBMIT, turned into the DELIVER a phone would
 * get, and decoded again to the same text; the reassembler fed with the
 * decoded part and with parts cut from the input.  Aborts on any broken
 * invariant; the sanitizers catch the rest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sms.h"
#include "sms_concat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sms_concat pool;
static char joined[SMS_CONCAT_TEXT_MAX];
static int64_t clock_now;

static void
check_deliver(const struct sms_deliver *d)
{
	if (d->text_len >= SMS_TEXT_MAX || d->text[d->text_len] != '\0')
		abort();
	if (strnlen(d->from.text, SMS_ADDR_MAX) >= SMS_ADDR_MAX ||
	    strnlen(d->smsc.text, SMS_ADDR_MAX) >= SMS_ADDR_MAX)
		abort();
	if (d->concat.present &&
	    (d->concat.part == 0 || d->concat.part > d->concat.total || d->concat.total > 255))
		abort();
}

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

/* The SUBMIT's fields in a DELIVER: same address, PID, DCS, UDL and UD. */
static size_t
submit_to_deliver(const char *hex, uint8_t *d, size_t cap)
{
	uint8_t s[SMS_SUBMIT_MAX];
	size_t n = strlen(hex) / 2, i = 3, o = 0, da;
	int vp;

	if (n > sizeof(s) || n + 8 > cap)
		abort();
	for (size_t k = 0; k < n; k++)
		s[k] = (uint8_t)(hexval(hex[2 * k]) << 4 | hexval(hex[2 * k + 1]));
	vp = (s[1] & 0x18) != 0;
	d[o++] = 0x00;
	d[o++] = s[1] & 0x40;
	da = 2 + (s[i] + 1) / 2;
	memcpy(d + o, s + i, da + 2);	/* address, PID, DCS */
	o += da + 2;
	i += da + 2 + (size_t)vp;
	memcpy(d + o, "\x52\x60\x51\x21\x00\x00\x80", 7);
	o += 7;
	memcpy(d + o, s + i, n - i);
	return o + n - i;
}

/* A decoded text is one SUBMIT again, and decodes back to itself. */
static void
roundtrip(const struct sms_deliver *d)
{
	struct sms_submit_pdu p[2];
	struct sms_deliver back;
	uint8_t pdu[SMS_PDU_MAX];
	size_t n, len;

	if (d->encoding == SMS_ENC_8BIT)
		return;
	if (sms_encode_submit("+1234", d->text, d->text_len, NULL, p, 2, &n, NULL, 0) != 0 ||
	    n != 1)
		abort();
	if (p[0].tpdu_len != strlen(p[0].hex) / 2 - 1)
		abort();
	len = submit_to_deliver(p[0].hex, pdu, sizeof(pdu));
	if (sms_decode(pdu, len, &back, NULL, 0) != 0 || back.text_len != d->text_len ||
	    memcmp(back.text, d->text, d->text_len) != 0 || strcmp(back.from.text, "+1234") != 0)
		abort();
}

static void
add_part(const char *from, unsigned ref, unsigned part, unsigned total, const char *text,
    size_t len)
{
	size_t n;
	enum sms_concat_status st;

	st = sms_concat_add(&pool, clock_now, from, ref, part, total, text, len, joined,
	    sizeof(joined), &n);
	if (st == SMS_CONCAT_COMPLETE && (n >= sizeof(joined) || joined[n] != '\0'))
		abort();
	if (st != SMS_CONCAT_COMPLETE && n != 0)
		abort();
	if (sms_concat_pending(&pool) > SMS_CONCAT_SETS)
		abort();
}

/* Parts cut from the input: [from byte, ref, part, total, len, text...]... */
static void
feed_chunks(const uint8_t *data, size_t size)
{
	size_t i = 0;

	while (size - i >= 5) {
		char from[4] = { '+', (char)('0' + data[i] % 4), '\0', '\0' };
		size_t len = data[i + 4] % 64;

		if (len > size - i - 5)
			len = size - i - 5;
		clock_now += data[i + 1] % 8;
		add_part(from, data[i + 1] % 4, data[i + 2] % 6, data[i + 3] % 6,
		    (const char *)data + i + 5, len);
		i += 5 + len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sms_deliver d;
	char err[256];

	if (clock_now == 0)
		sms_concat_init(&pool, 30);
	clock_now++;
	if (sms_decode_hex((const char *)data, size, &d, err, sizeof(err)) == 0) {
		check_deliver(&d);
		roundtrip(&d);
	} else if (strnlen(err, sizeof(err)) == 0) {
		abort();	/* a refusal always says why */
	}
	if (sms_decode(data, size, &d, err, sizeof(err)) == 0) {
		check_deliver(&d);
		roundtrip(&d);
		if (d.concat.present)
			add_part(d.from.text, d.concat.ref, d.concat.part, d.concat.total, d.text,
			    d.text_len);
	}
	feed_chunks(data, size);
	return 0;
}
