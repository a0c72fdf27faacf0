/*
 * Fuzz the SMS codec: the input as PDU hex and as raw PDU octets; every
 * decoded text re-encoded as a SUBMIT, turned into the DELIVER a phone would
 * get, and decoded again to the same text.  Aborts on any broken
 * invariant; the sanitizers catch the rest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sms_deliver d;
	char err[256];

	if (sms_decode_hex((const char *)data, size, &d, err, sizeof(err)) == 0) {
		check_deliver(&d);
		roundtrip(&d);
	} else if (strnlen(err, sizeof(err)) == 0) {
		abort();	/* a refusal always says why */
	}
	if (sms_decode(data, size, &d, err, sizeof(err)) == 0) {
		check_deliver(&d);
		roundtrip(&d);
	}
	return 0;
}
