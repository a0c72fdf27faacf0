/*
 * smsdeliver: SMS-DELIVER PDUs for a sender and a text (see smsdeliver.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "smsdeliver.h"
#include "text.h"

#define PARTS_MAX 16

static uint8_t
bcd(int v)
{
	v = v < 0 ? -v : v;
	return (uint8_t)((v % 10) << 4 | (v / 10 % 10));
}

/* The SMSC field: length, type of address, semi-octets. */
static int
encode_smsc(const char *smsc, uint8_t *o, size_t *len)
{
	const char *d = smsc;
	size_t nd, k = 2;

	if (smsc == NULL || smsc[0] == '\0') {
		o[0] = 0;
		*len = 1;
		return 0;
	}
	if (*d == '+')
		d++;
	nd = strlen(d);
	if (nd == 0 || nd > 20 || strspn(d, "0123456789") != nd)
		return -1;
	o[1] = smsc[0] == '+' ? 0x91 : 0x81;
	for (size_t i = 0; i < nd; i += 2) {
		uint8_t lo = (uint8_t)(d[i] - '0');
		uint8_t hi = i + 1 < nd ? (uint8_t)(d[i + 1] - '0') : 0x0F;

		o[k++] = (uint8_t)(hi << 4 | lo);
	}
	o[0] = (uint8_t)(k - 1);
	*len = k;
	return 0;
}

/* One SUBMIT (as sms_encode_submit builds it) to a DELIVER. */
static int
submit_to_deliver(const uint8_t *s, size_t n, const uint8_t *smsc, size_t smsc_len,
    const struct sms_time *t, char *hex, size_t hexlen)
{
	uint8_t d[200];
	size_t i = 0, o = 0, addr, rest;
	uint8_t fo;

	if (n < 7 || s[0] != 0x00)
		return -1;
	fo = s[1];
	i = 3;	/* SMSC 00, first octet, TP-MR */
	addr = 2 + ((size_t)s[i] + 1) / 2;
	if (i + addr + 2 > n)
		return -1;
	memcpy(d, smsc, smsc_len);
	o = smsc_len;
	d[o++] = (uint8_t)(0x04 | (fo & 0x40));	/* DELIVER, no more messages, UDHI */
	memcpy(d + o, s + i, addr);
	o += addr;
	i += addr;
	d[o++] = s[i++];	/* TP-PID */
	d[o++] = s[i++];	/* TP-DCS */
	if (fo & 0x10)
		i++;		/* TP-VP, relative */
	d[o++] = bcd(t->year % 100);
	d[o++] = bcd(t->month);
	d[o++] = bcd(t->day);
	d[o++] = bcd(t->hour);
	d[o++] = bcd(t->minute);
	d[o++] = bcd(t->second);
	d[o++] = (uint8_t)(bcd(t->tz_quarters) | (t->tz_quarters < 0 ? 0x08 : 0));
	if (i >= n)
		return -1;
	rest = n - i;
	if (o + rest > sizeof(d) || 2 * (o + rest) + 1 > hexlen)
		return -1;
	memcpy(d + o, s + i, rest);
	o += rest;
	for (size_t k = 0; k < o; k++)
		snprintf(hex + 2 * k, 3, "%02X", d[k]);
	return 0;
}

int
smsdeliver_encode(const char *smsc, const char *from, const char *text, size_t text_len,
    const struct sms_time *scts, unsigned ref, struct smsdeliver_pdu *pdus, size_t max,
    size_t *n, char *err, size_t errlen)
{
	struct sms_submit_pdu sub[PARTS_MAX];
	struct sms_submit_opts opts = { (uint8_t)ref, -1, 0 };
	uint8_t sc[12], raw[SMS_SUBMIT_MAX];
	size_t sc_len, nsub;

	*n = 0;
	if (encode_smsc(smsc, sc, &sc_len) < 0) {
		snprintf(err, errlen, "SMSC '%s' is not a number", smsc);
		return -1;
	}
	if (sms_encode_submit(from, text, text_len, &opts, sub,
	    max < PARTS_MAX ? max : PARTS_MAX, &nsub, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < nsub; i++) {
		long len = text_unhex(sub[i].hex, strlen(sub[i].hex), raw, sizeof(raw));

		if (len < 0 || submit_to_deliver(raw, (size_t)len, sc, sc_len, scts, pdus[i].hex,
		    sizeof(pdus[i].hex)) < 0) {
			snprintf(err, errlen, "part %zu does not fit in a DELIVER", i + 1);
			return -1;
		}
	}
	*n = nsub;
	return 0;
}
