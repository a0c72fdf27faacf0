/*
 * Fuzz text-mode SMS reading: the AT engine with AT+CMGL="ALL" (or
 * AT+CMGR=0) in flight takes the input as the modem's answer; every entry
 * of the reply is walked (at_sms_text_next) and decoded
 * (at_sms_text_decode), and every raw line goes through the time stamp
 * and UCS2 parsers.  The first byte picks the command and the chunking.
 * Aborts on a broken invariant; the sanitizers catch the rest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "at_parse.h"
#include "sms.h"

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
	struct at_sms_text_entry e;
	struct sms_deliver d;
	size_t i = 0, bad = 0, prev = 0;
	char err[200];

	(void)arg;
	(void)c;
	while (at_sms_text_next(r, &i, &e, &bad) == 1) {
		if (e.text_line < prev || e.text_line + e.text_lines > r->nlines || i > r->nlines)
			abort();
		prev = e.text_line + e.text_lines;
		check_str(e.hdr.addr, sizeof(e.hdr.addr) - 1);
		if (at_sms_text_decode(r, &e, &d, err, sizeof(err)) == 0) {
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
	struct sms_time t;
	char out[SMS_TEXT_MAX];
	size_t n, len = strlen(line);

	if (at_parse_scts_text(line, &t) == 0 && (t.year < 1990 || t.year > 2089))
		abort();
	if (at_ucs2_hex_to_utf8(line, len, out, sizeof(out), &n) == 0 &&
	    (n >= sizeof(out) || out[n] != '\0' || n > len))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct at_hooks h = { NULL, on_done, NULL, NULL };
	static char line[AT_LINE_MAX + 1];
	size_t pos = 0, chunk;
	unsigned sel;
	int64_t now = 0;

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
	while (pos < size) {
		size_t n = 0;

		for (; pos < size && data[pos] != '\n' && n < AT_LINE_MAX; pos++)
			line[n++] = data[pos] == '\0' ? ' ' : (char)data[pos];
		pos++;
		line[n] = '\0';
		parse_line(line);
	}
	return 0;
}
