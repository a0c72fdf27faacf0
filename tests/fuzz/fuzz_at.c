/*
 * Fuzz the AT engine and every reply parser of at_parse.h (the text-mode
 * SMS parsers are fuzz_at_sms_text's).  The first byte picks the command in
 * flight (none, a query, AT+CMGL, AT+CMGS with a PDU, a dial) and how the
 * rest is chunked; the rest is what the modem says.  Every line the engine
 * delivers (information, final, URC, URC body) and every line of the raw
 * input goes through all parsers.  Aborts on a broken invariant; the
 * sanitizers catch the rest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "at_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct at_engine E;

static void
check_str(const char *s, size_t max)
{
	if (strnlen(s, max + 1) > max)
		abort();
}

static void
parse_all(const char *line)
{
	struct at_csq csq;
	struct at_creg creg;
	struct at_cops cops;
	struct at_sysinfo si;
	struct at_cpms cpms;
	struct at_cmti cmti;
	struct at_sms_hdr h;
	struct at_portmode pm;
	enum at_pin pin;
	char buf[AT_LINE_MAX + 1];
	size_t n;
	bool body;
	int v;

	if (at_parse_csq(line, &csq) == 0 && csq.known && (csq.dbm < -113 || csq.dbm > -51))
		abort();
	at_parse_rssi(line, &csq);
	if (at_parse_creg(line, true, &creg) == 0 && (creg.stat < 0 || creg.stat > 10))
		abort();
	at_parse_creg(line, false, &creg);
	if (at_parse_cops(line, &cops) == 0)
		check_str(cops.oper, sizeof(cops.oper) - 1);
	at_parse_sysinfo(line, &si);
	at_parse_mode(line, &si);
	at_parse_srvst(line, &v);
	at_parse_simst(line, &v);
	at_parse_boot(line);
	if (at_parse_cpin(line, &pin) == 0 && at_pin_name(pin) == NULL)
		abort();
	if (at_parse_cpms(line, &cpms) == 0 && (cpms.n == 0 || cpms.n > 3))
		abort();
	at_parse_cmti(line, &cmti);
	at_parse_cmgs(line, &v);
	at_parse_cmgl_pdu(line, &h);
	at_parse_cmgr_pdu(line, &h);
	if (at_parse_pdu_line(line, buf, sizeof(buf), &n) == 0 && strlen(buf) != n)
		abort();
	if (at_parse_getportmode(line, &pm) == 0) {
		if (pm.n == 0 || pm.n > AT_PORTS_MAX)
			abort();
		at_portmode_find(&pm, AT_PORT_PCUI);
	}
	if (at_parse_ident(line, "+CGMM:", buf, sizeof(buf)) == 0 && buf[0] == '\0')
		abort();
	at_parse_imei(line, buf, sizeof(buf));
	at_urc_kind(line, &body);
}

static void
on_write(void *arg, const void *d, size_t len)
{
	(void)arg;
	(void)d;
	if (len > AT_PDU_MAX + 2)
		abort();
}

static void
on_done(void *arg, const struct at_cmd *c, const struct at_reply *r)
{
	struct at_sms_entry e;
	size_t i = 0, bad = 0;
	char buf[300];

	(void)arg;
	if (r->nlines > AT_REPLY_LINES)
		abort();
	for (size_t k = 0; k < r->nlines; k++) {
		check_str(at_reply_line(r, k), AT_LINE_MAX);
		parse_all(at_reply_line(r, k));
	}
	check_str(r->final, AT_LINE_MAX);
	parse_all(r->final);
	while (at_sms_list_next(r, &i, &e, &bad) == 1)
		if (e.pdu_len == 0 || e.pdu < r->buf || e.pdu + e.pdu_len > r->buf + sizeof(r->buf))
			abort();
	at_reply_describe(c, r, buf, sizeof(buf));
	at_cmd_display(c, buf, sizeof(buf));
}

static void
on_urc(void *arg, const struct at_urc *u)
{
	(void)arg;
	check_str(u->line, AT_LINE_MAX);
	parse_all(u->line);
	if (u->body != NULL)
		parse_all(u->body);
}

static const char *const cmds[] = { NULL, "AT+CSQ", "AT+CREG?", "AT+CMGL=4", "AT+CMGS=23",
	"ATD*99#", "AT^SYSINFO", "AT+CPIN?" };
static const char submit[] = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct at_hooks h = { on_write, on_done, on_urc, NULL };
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
	if (cmds[sel % 8] != NULL)
		at_send(&E, now, cmds[sel % 8], (sel % 8) == 4 ? submit : NULL, 1000, 0, NULL);
	if ((sel & 0x80) != 0)
		at_send(&E, now, "AT+CGMM", NULL, 1000, 0, NULL);
	chunk = 1 + (sel >> 3) % 16;
	while (pos < size) {
		size_t n = size - pos < chunk ? size - pos : chunk;

		at_feed(&E, data + pos, n, now++);
		pos += n;
		if ((sel & 0x40) != 0 && pos % 97 == 0)
			at_tick(&E, now + 5000);
	}
	for (int k = 0; k < 3; k++)
		at_tick(&E, now += 5000);
	if (at_busy(&E))
		abort();	/* every command ends: in time, or by its timeout */
	at_reset(&E);

	/* the raw input's lines straight into the parsers too */
	pos = 0;
	while (pos < size) {
		size_t n = 0;

		for (; pos < size && data[pos] != '\n' && n < AT_LINE_MAX; pos++)
			line[n++] = data[pos] == '\0' ? ' ' : (char)data[pos];
		pos++;
		line[n] = '\0';
		parse_all(line);
	}
	return 0;
}
