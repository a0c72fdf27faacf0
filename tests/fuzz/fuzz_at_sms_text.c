/*
 * Fuzz the SMS text-mode codec (sms_text.h), both directions.  Reading: the
 * AT engine with AT+CMGL="ALL" (or AT+CMGR=0) in flight takes the input as
 * the modem's answer; every entry of the reply is walked (sms_text_next)
 * and decoded (sms_text_decode), and every raw line goes through the
 * header, time stamp and UCS2 parsers.  Writing: every raw line is encoded
 * as a number, the first also as a text (sms_text_encode), and the parts
 * must decode back to the text.  The first byte picks the command and the
 * chunking.  Aborts on a broken invariant; the sanitizers catch the rest.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "sms.h"
#include "sms_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct at_engine E;

static void
check_str(const char *s, size_t max)
{
	if (strnlen(s, max + 1) > max)
		abort();
}

static void
on_done(void *arg, const struct at_cmd *c, const struct at_reply *r)
{
	struct sms_text_entry e;
	struct sms_deliver d;
	size_t i = 0, bad = 0, prev = 0;
	char err[200];

	(void)arg;
	(void)c;
	while (sms_text_next(r, &i, &e, &bad) == 1) {
		if (e.text_line < prev || e.text_line + e.text_lines > r->nlines || i > r->nlines)
			abort();
		prev = e.text_line + e.text_lines;
		check_str(e.hdr.addr, sizeof(e.hdr.addr) - 1);
		if (sms_text_decode(r, &e, &d, err, sizeof(err)) == 0) {
			check_str(d.from.text, sizeof(d.from.text) - 1);
			if (d.text_len >= sizeof(d.text) || d.text[d.text_len] != '\0')
				abort();
			if (d.scts.month < 1 || d.scts.month > 12 || d.scts.tz_quarters < -79 ||
			    d.scts.tz_quarters > 79 || d.concat.present)
				abort();
		} else {
			check_str(err, sizeof(err) - 1);
		}
	}
	if (bad > r->nlines)
		abort();
}

static void
parse_line(const char *line)
{
	struct sms_text_hdr h;
	struct sms_time t;
	char out[SMS_TEXT_MAX];
	size_t n, len = strlen(line);

	if (sms_text_parse_cmgl(line, &h) == 0)
		check_str(h.addr, sizeof(h.addr) - 1);
	sms_text_parse_cmgr(line, &h);
	if (sms_text_parse_scts(line, &t) == 0 && (t.year < 1990 || t.year > 2089))
		abort();
	if (sms_text_ucs2_to_utf8(line, len, out, sizeof(out), &n) == 0 &&
	    (n >= sizeof(out) || out[n] != '\0' || n > len))
		abort();
}

#define PARTS 6

/* The parts are UCS2 hex of whole characters that, decoded, give the text. */
static void
check_parts(const char *text, char (*parts)[AT_PDU_MAX + 1], const struct sms_text_submit *s)
{
	size_t o = 0, len = strlen(text);

	if (s->nparts < 1 || s->nparts > PARTS || (s->dcs != 0 && s->dcs != 8))
		abort();
	check_str(s->da, sizeof(s->da) - 1);
	for (size_t k = 0; k < s->nparts; k++) {
		char out[4 * AT_PDU_MAX];
		size_t plen = strnlen(parts[k], AT_PDU_MAX + 1), n;

		if (plen == 0 || plen > AT_PDU_MAX ||
		    sms_text_ucs2_to_utf8(parts[k], plen, out, sizeof(out), &n) < 0 ||
		    o + n > len || memcmp(text + o, out, n) != 0)
			abort();
		o += n;
	}
	if (o != len)
		abort();
}

/* A line as the number and, when text is set, as the text of an SMS. */
static void
encode_line(const char *line, bool text)
{
	static char parts[PARTS][AT_PDU_MAX + 1];
	struct sms_text_submit s;
	char err[200];

	if (text && sms_text_encode("+447700900123", line, parts, PARTS, &s, err, sizeof(err)) == 0)
		check_parts(line, parts, &s);
	else if (text)
		check_str(err, sizeof(err) - 1);
	if (sms_text_encode(line, "Hi", parts, PARTS, &s, err, sizeof(err)) == 0)
		check_parts("Hi", parts, &s);
	else
		check_str(err, sizeof(err) - 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct at_hooks h = { NULL, on_done, NULL, NULL };
	static char line[AT_LINE_MAX + 1];
	size_t pos = 0, chunk;
	unsigned sel;
	int64_t now = 0;
	bool first;

	if (size == 0)
		return 0;
	sel = data[0];
	data++;
	size--;
	at_init(&E, &h);
	at_send(&E, now, (sel & 1) != 0 ? "AT+CMGR=0" : "AT+CMGL=\"ALL\"", NULL, 1000, 0, NULL);
	chunk = 1 + (sel >> 1) % 64;
	while (pos < size) {
		size_t n = size - pos < chunk ? size - pos : chunk;

		at_feed(&E, data + pos, n, now++);
		pos += n;
	}
	at_tick(&E, now + 5000);	/* no final result: the timeout's reply */
	if (at_busy(&E))
		abort();

	pos = 0;
	first = true;
	while (pos < size) {
		size_t n = 0;

		for (; pos < size && data[pos] != '\n' && n < AT_LINE_MAX; pos++)
			line[n++] = data[pos] == '\0' ? ' ' : (char)data[pos];
		pos++;
		line[n] = '\0';
		parse_line(line);
		encode_line(line, first);	/* a text per input: cutting it is slow */
		first = false;
	}
	return 0;
}
