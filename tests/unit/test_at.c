/*
 * at: the engine as a modem sees it.  Lines split whatever the chunking,
 * echo skipped, URCs in the middle of replies dispatched without disturbing
 * the command, every final result code, the AT+CMGS prompt, timeouts and an
 * unresponsive modem, garbage; then real transcripts: gammu's AT+CMGR test
 * dumps, python-gsmmodem's AT+CMGL listings, and the byte streams gammu and
 * smsd exchanged with a fake modem (tests/corpus/sms).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "at_parse.h"
#include "sms_text.h"

/* ---- a recording harness ---- */

#define MAX_DONE 64
#define MAX_URC 64

struct done_rec {
	char		text[AT_CMD_MAX + 1];
	enum at_status	status;
	char		final[AT_LINE_MAX + 1];
	long		error_code;
	char		error_text[128];
	size_t		nlines;
	char		lines[8][AT_LINE_MAX + 1];
	bool		prompted, truncated;
	int		tag;
};

struct rec {
	char		out[8192];	/* everything written */
	size_t		outlen;
	struct done_rec	done[MAX_DONE];
	size_t		ndone;
	enum at_urc_kind urc_kind[MAX_URC];
	char		urc_line[MAX_URC][AT_LINE_MAX + 1];
	char		urc_body[MAX_URC][AT_LINE_MAX + 1];
	size_t		nurc;
	/* a command to queue from inside the done hook */
	const char	*chain;
};

static struct rec R;
static struct at_engine E;

static void
h_write(void *arg, const void *data, size_t len)
{
	struct rec *r = arg;

	assert_true(r->outlen + len < sizeof(r->out));
	memcpy(r->out + r->outlen, data, len);
	r->outlen += len;
	r->out[r->outlen] = '\0';
}

static void
h_done(void *arg, const struct at_cmd *c, const struct at_reply *rep)
{
	struct rec *r = arg;
	struct done_rec *d;

	assert_true(r->ndone < MAX_DONE);
	d = &r->done[r->ndone++];
	snprintf(d->text, sizeof(d->text), "%s", c->text);
	d->status = rep->status;
	snprintf(d->final, sizeof(d->final), "%s", rep->final);
	d->error_code = rep->error_code;
	snprintf(d->error_text, sizeof(d->error_text), "%s",
	    rep->error_text != NULL ? rep->error_text : "");
	d->nlines = rep->nlines;
	for (size_t i = 0; i < rep->nlines && i < 8; i++)
		snprintf(d->lines[i], sizeof(d->lines[i]), "%s", at_reply_line(rep, i));
	d->prompted = rep->prompted;
	d->truncated = rep->truncated;
	d->tag = c->tag;
	if (r->chain != NULL) {
		const char *t = r->chain;

		r->chain = NULL;
		assert_int_equal(at_send(&E, 0, t, NULL, 1000, 99, NULL), 0);
	}
}

static void
h_urc(void *arg, const struct at_urc *u)
{
	struct rec *r = arg;

	assert_true(r->nurc < MAX_URC);
	r->urc_kind[r->nurc] = u->kind;
	snprintf(r->urc_line[r->nurc], sizeof(r->urc_line[0]), "%s", u->line);
	snprintf(r->urc_body[r->nurc], sizeof(r->urc_body[0]), "%s",
	    u->body != NULL ? u->body : "");
	r->nurc++;
}

static int
setup(void **state)
{
	struct at_hooks h = { h_write, h_done, h_urc, &R };

	(void)state;
	memset(&R, 0, sizeof(R));
	at_init(&E, &h);
	return 0;
}

static void
feed(const char *s, int64_t now)
{
	at_feed(&E, s, strlen(s), now);
}

static void
feed_bytewise(const char *s, size_t len, int64_t now)
{
	for (size_t i = 0; i < len; i++)
		at_feed(&E, s + i, 1, now);
}

static void
send(const char *text, const char *pdu, int64_t timeout)
{
	assert_int_equal(at_send(&E, 0, text, pdu, timeout, 0, NULL), 0);
}

/* ---- the splitter ---- */

static void
split_all(const char *in, size_t len, bool bytewise, char lines[][AT_LINE_MAX + 1], size_t *n,
    bool *trunc)
{
	struct at_splitter s;
	char out[AT_LINE_MAX + 1];
	size_t olen, pos = 0;
	bool t;

	at_splitter_init(&s);
	*n = 0;
	if (!bytewise) {
		while (at_splitter_feed(&s, in, len, &pos, out, &olen, &t) == 1) {
			assert_int_equal(strlen(out), olen);
			snprintf(lines[*n], AT_LINE_MAX + 1, "%s", out);
			trunc[(*n)++] = t;
		}
		return;
	}
	for (size_t i = 0; i < len; i++) {
		pos = 0;
		while (at_splitter_feed(&s, in + i, 1, &pos, out, &olen, &t) == 1) {
			snprintf(lines[*n], AT_LINE_MAX + 1, "%s", out);
			trunc[(*n)++] = t;
		}
	}
}

static void
test_splitter(void **state)
{
	static const char in[] = "\r\n+CSQ: 20,99\r\n\r\nOK\r\n"
				 "bare LF\nCR only\r"
				 "\r\nNUL\0 inside\r\n"
				 "\x01\x02\x7f\r\n"	/* garbage only: no line */
				 "tab\there \xc3\xa9\r\n";
	static const char *const want[] = { "+CSQ: 20,99", "OK", "bare LF", "CR only",
		"NUL inside", "tab\there \xc3\xa9" };
	static char lines[16][AT_LINE_MAX + 1];
	bool trunc[16];
	size_t n;

	(void)state;
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		split_all(in, sizeof(in) - 1, bytewise, lines, &n, trunc);
		assert_int_equal(n, sizeof(want) / sizeof(want[0]));
		for (size_t i = 0; i < n; i++) {
			assert_string_equal(lines[i], want[i]);
			assert_false(trunc[i]);
		}
	}
}

static void
test_splitter_overlong(void **state)
{
	static char in[3 * AT_LINE_MAX];
	static char lines[4][AT_LINE_MAX + 1];
	bool trunc[4];
	size_t n;

	(void)state;
	memset(in, 'A', 2 * AT_LINE_MAX);
	memcpy(in + 2 * AT_LINE_MAX, "\r\nOK\r\n", 6);
	split_all(in, 2 * AT_LINE_MAX + 6, false, lines, &n, trunc);
	assert_int_equal(n, 2);
	assert_int_equal(strlen(lines[0]), AT_LINE_MAX);
	assert_true(trunc[0]);
	assert_string_equal(lines[1], "OK");
	assert_false(trunc[1]);
}

/* ---- commands ---- */

static void
test_simple_command(void **state)
{
	(void)state;
	send("AT+CSQ", NULL, 1000);
	assert_string_equal(R.out, "AT+CSQ\r");
	assert_true(at_busy(&E));
	feed("\r\n+CSQ: 20,99\r\n\r\nOK\r\n", 10);
	assert_int_equal(R.ndone, 1);
	assert_int_equal(R.done[0].status, AT_OK);
	assert_int_equal(R.done[0].nlines, 1);
	assert_string_equal(R.done[0].lines[0], "+CSQ: 20,99");
	assert_false(at_busy(&E));
	assert_int_equal(at_next_deadline(&E), -1);
}

static void
test_echo_skipped(void **state)
{
	(void)state;
	/* ATE1 echo ends in CR alone, then the reply follows */
	send("AT+CGMM", NULL, 1000);
	feed("AT+CGMM\r\r\nE1752\r\n\r\nOK\r\n", 1);
	assert_int_equal(R.ndone, 1);
	assert_int_equal(R.done[0].nlines, 1);
	assert_string_equal(R.done[0].lines[0], "E1752");
	assert_int_equal(E.n_echo, 1);
	/* echo in another case is still echo */
	send("at+cgmm", NULL, 1000);
	feed("AT+CGMM\r\r\nE1752\r\n\r\nOK\r\n", 1);
	assert_int_equal(R.done[1].nlines, 1);
}

static void
test_urc_in_reply(void **state)
{
	static const char reply[] = "\r\n+CMGL: 0,1,,24\r\n"
				    "\r\n^RSSI:17\r\n"
				    "\r\n06917228195339040B917228214365F700003130805120618005D4F29C2E03\r\n"
				    "\r\n^BOOT:20952548,0,0,0,72\r\n"
				    "\r\n+CMTI: \"SM\",3\r\n"
				    "\r\n^MODE:5,4\r\n"
				    "\r\nOK\r\n";

	(void)state;
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		setup(NULL);
		send("AT+CMGL=4", NULL, 1000);
		if (bytewise)
			feed_bytewise(reply, sizeof(reply) - 1, 5);
		else
			feed(reply, 5);
		assert_int_equal(R.ndone, 1);
		assert_int_equal(R.done[0].status, AT_OK);
		assert_int_equal(R.done[0].nlines, 2);
		assert_string_equal(R.done[0].lines[0], "+CMGL: 0,1,,24");
		assert_int_equal(R.nurc, 4);
		assert_int_equal(R.urc_kind[0], AT_URC_RSSI);
		assert_int_equal(R.urc_kind[1], AT_URC_BOOT);
		assert_int_equal(R.urc_kind[2], AT_URC_CMTI);
		assert_int_equal(R.urc_kind[3], AT_URC_MODE);
		assert_string_equal(R.urc_line[2], "+CMTI: \"SM\",3");
	}
}

static void
test_creg_answer_is_not_urc(void **state)
{
	(void)state;
	send("AT+CREG?", NULL, 1000);
	feed("\r\n+CREG: 2,1,\"8BE3\",\"00002BAF\"\r\n\r\nOK\r\n", 1);
	assert_int_equal(R.nurc, 0);
	assert_int_equal(R.done[0].nlines, 1);
	/* the same prefix while another command is in flight is a URC */
	send("AT+CSQ", NULL, 1000);
	feed("\r\n+CREG: 1,8BE3,2BAF\r\n\r\n+CSQ: 14,99\r\n\r\nOK\r\n", 2);
	assert_int_equal(R.nurc, 1);
	assert_int_equal(R.urc_kind[0], AT_URC_CREG);
	assert_int_equal(R.done[1].nlines, 1);
	assert_string_equal(R.done[1].lines[0], "+CSQ: 14,99");
	/* and with nothing in flight */
	feed("\r\n+CREG: 5\r\n", 3);
	assert_int_equal(R.nurc, 2);
}

static const struct {
	const char	*cmd;
	const char	*line;
	enum at_status	status;
	long		code;
	const char	*text;
} finals[] = {
	{ "AT", "OK", AT_OK, -1, "" },
	{ "AT+MODE=2", "ERROR", AT_ERROR, -1, "" },
	{ "AT+CPIN?", "+CME ERROR: SIM not inserted", AT_CME_ERROR, -1, "SIM not inserted" },
	{ "AT+CPIN?", "+CME ERROR: 10", AT_CME_ERROR, 10, "10" },
	{ "AT+CPIN=\"0000\"", "+CME ERROR: incorrect password", AT_CME_ERROR, -1,
	    "incorrect password" },
	{ "AT+CMGR=9", "+CMS ERROR: 321", AT_CMS_ERROR, 321, "321" },
	{ "AT+CMGS=20", "+CMS ERROR: 330", AT_CMS_ERROR, 330, "330" },
	{ "AT^FOO", "COMMAND NOT SUPPORT", AT_NOT_SUPPORTED, -1, "" },
	{ "AT^SYSCFG=2,2,3FFFFFFF,1,2,9", "TOO MANY PARAMETERS", AT_TOO_MANY_PARAMS, -1, "" },
	{ "ATD*99#", "CONNECT", AT_CONNECT, -1, "" },
	{ "ATD*99***1#", "CONNECT 7200000", AT_CONNECT, -1, "" },
	{ "ATD*99#", "NO CARRIER", AT_NO_CARRIER, -1, "" },
	{ "ATD123;", "NO DIALTONE", AT_NO_DIALTONE, -1, "" },
	{ "ATD123;", "BUSY", AT_BUSY, -1, "" },
	{ "ATD123;", "NO ANSWER", AT_NO_ANSWER, -1, "" },
	{ "ata", "NO CARRIER", AT_NO_CARRIER, -1, "" },
	{ "AT", "OK  ", AT_OK, -1, "" },	/* trailing blanks */
};

static void
test_final_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(finals) / sizeof(finals[0]); i++) {
		char buf[AT_LINE_MAX + 8];

		setup(NULL);
		send(finals[i].cmd, NULL, 1000);
		snprintf(buf, sizeof(buf), "\r\n%s\r\n", finals[i].line);
		feed(buf, 1);
		assert_int_equal(R.ndone, 1);
		assert_int_equal(R.done[0].status, finals[i].status);
		assert_int_equal(R.done[0].nlines, 0);
		assert_int_equal(R.done[0].error_code, finals[i].code);
		assert_string_equal(R.done[0].error_text, finals[i].text);
	}
}

static void
test_call_codes_outside_dial(void **state)
{
	(void)state;
	/* NO CARRIER out of a call: a URC, the command goes on */
	send("AT+CSQ", NULL, 1000);
	feed("\r\nNO CARRIER\r\n\r\nRING\r\n\r\n+CSQ: 3,99\r\n", 1);
	assert_int_equal(R.ndone, 0);
	assert_int_equal(R.nurc, 2);
	assert_int_equal(R.urc_kind[0], AT_URC_NO_CARRIER);
	assert_int_equal(R.urc_kind[1], AT_URC_RING);
	feed("\r\nOK\r\n", 2);
	assert_int_equal(R.done[0].status, AT_OK);
	assert_int_equal(R.done[0].nlines, 1);
}

static void
test_describe(void **state)
{
	struct at_cmd c;
	struct at_reply *r = calloc(1, sizeof(*r));
	char buf[256];

	(void)state;
	assert_non_null(r);
	memset(&c, 0, sizeof(c));
	snprintf(c.text, sizeof(c.text), "AT+CPIN=\"1234\"");
	c.timeout_ms = 5000;
	c.secret = true;
	at_cmd_display(&c, buf, sizeof(buf));
	assert_string_equal(buf, "AT+CPIN=****");
	r->status = AT_CME_ERROR;
	r->error_code = 10;
	at_reply_describe(&c, r, buf, sizeof(buf));
	assert_string_equal(buf, "+CME ERROR: 10 (SIM not inserted)");
	r->status = AT_TIMEOUT;
	at_reply_describe(&c, r, buf, sizeof(buf));
	assert_string_equal(buf, "no answer within 5 s");
	r->status = AT_CME_ERROR;
	r->error_code = -1;
	snprintf(r->final, sizeof(r->final), "+CME ERROR: SIM not inserted");
	at_reply_describe(&c, r, buf, sizeof(buf));
	assert_string_equal(buf, "+CME ERROR: SIM not inserted");
	free(r);
}

/* ---- the prompt ---- */

static const char *const submit =
    "0011000C914477000910320000FF0EC8329BFD066DCAA00D0FBFF101";

static void
test_prompt_and_pdu(void **state)
{
	char want[256];

	(void)state;
	send("AT+CMGS=27", submit, 1000);
	assert_string_equal(R.out, "AT+CMGS=27\r");
	feed("\r\n> ", 1);	/* no line end: the modem waits for us */
	snprintf(want, sizeof(want), "AT+CMGS=27\r%s\x1a", submit);
	assert_string_equal(R.out, want);
	feed("\r\n+CMGS: 42\r\n\r\nOK\r\n", 2);
	assert_int_equal(R.ndone, 1);
	assert_int_equal(R.done[0].status, AT_OK);
	assert_true(R.done[0].prompted);
	assert_int_equal(R.done[0].nlines, 1);
	assert_string_equal(R.done[0].lines[0], "+CMGS: 42");
}

static void
test_prompt_with_echo_bytewise(void **state)
{
	char stream[512];
	int n;

	(void)state;
	send("AT+CMGS=27", submit, 1000);
	/* echo of the command, prompt, echo of the PDU and Ctrl-Z, result */
	feed_bytewise("AT+CMGS=27\r\r\n> ", 15, 1);
	assert_non_null(strchr(R.out, 0x1a));
	n = snprintf(stream, sizeof(stream), "%s\x1a\r\n+CMGS: 7\r\n\r\nOK\r\n", submit);
	feed_bytewise(stream, (size_t)n, 2);
	assert_int_equal(R.ndone, 1);
	assert_int_equal(R.done[0].status, AT_OK);
	assert_int_equal(R.done[0].nlines, 1);
	assert_string_equal(R.done[0].lines[0], "+CMGS: 7");
}

static void
test_prompt_error_instead(void **state)
{
	(void)state;
	send("AT+CMGS=27", submit, 1000);
	feed("\r\n+CMS ERROR: 304\r\n", 1);
	assert_int_equal(R.done[0].status, AT_CMS_ERROR);
	assert_false(R.done[0].prompted);
	assert_string_equal(R.out, "AT+CMGS=27\r");	/* no PDU went out */
}

static void
test_prompt_without_pdu_cancels(void **state)
{
	(void)state;
	send("AT+CMGS=27", NULL, 1000);
	feed("\r\n> ", 1);
	assert_string_equal(R.out, "AT+CMGS=27\r\x1b");
	feed("\r\nOK\r\n", 2);
	assert_int_equal(R.done[0].status, AT_OK);
}

/* ---- queue and time ---- */

static void
test_queue_order_and_chain(void **state)
{
	(void)state;
	send("AT+CGMI", NULL, 1000);
	send("AT+CGMM", NULL, 1000);
	assert_string_equal(R.out, "AT+CGMI\r");	/* one in flight */
	R.chain = "AT+CGSN";
	feed("\r\nhuawei\r\n\r\nOK\r\n", 1);
	assert_string_equal(R.out, "AT+CGMI\rAT+CGMM\r");
	feed("\r\nE1752\r\n\r\nOK\r\n", 2);
	assert_string_equal(R.out, "AT+CGMI\rAT+CGMM\rAT+CGSN\r");
	feed("\r\n356938035643809\r\n\r\nOK\r\n", 3);
	assert_int_equal(R.ndone, 3);
	assert_string_equal(R.done[2].lines[0], "356938035643809");
	assert_int_equal(R.done[2].tag, 99);
}

static void
test_send_refusals(void **state)
{
	(void)state;
	assert_int_equal(at_send(&E, 0, "CSQ", NULL, 100, 0, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(at_send(&E, 0, "AT+CSQ\r", NULL, 100, 0, NULL), -1);
	assert_int_equal(at_send(&E, 0, "AT+CMGS=3", "00zz", 100, 0, NULL), -1);
	assert_int_equal(at_send(&E, 0, "AT", NULL, 0, 0, NULL), -1);
	for (size_t i = 0; i < AT_QUEUE_MAX; i++)
		send("AT", NULL, 100);
	assert_int_equal(at_queue_room(&E), 0);
	assert_int_equal(at_send(&E, 0, "AT", NULL, 100, 0, NULL), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(R.outlen, 3);	/* only the first went out */
}

static void
test_timeout_and_unresponsive(void **state)
{
	(void)state;
	assert_int_equal(at_send(&E, 1000, "AT+CSQ", NULL, 500, 0, NULL), 0);
	assert_int_equal(at_next_deadline(&E), 1500);
	at_tick(&E, 1499);
	assert_int_equal(R.ndone, 0);
	at_tick(&E, 1500);
	assert_int_equal(R.ndone, 1);
	assert_int_equal(R.done[0].status, AT_TIMEOUT);
	assert_false(at_unresponsive(&E));
	for (int i = 0; i < 2; i++) {
		assert_int_equal(at_send(&E, 2000 + i * 1000, "AT", NULL, 500, 0, NULL), 0);
		at_tick(&E, 2600 + i * 1000);
	}
	assert_int_equal(R.ndone, 3);
	assert_true(at_unresponsive(&E));
	/* an answer at last: the modem is back */
	send("AT", NULL, 500);
	feed("\r\nOK\r\n", 5000);
	assert_false(at_unresponsive(&E));
	/* URCs alone do not count as answers, and data without a command is no answer */
	assert_int_equal(E.n_timeouts, 3);
}

static void
test_timeout_then_next_command(void **state)
{
	(void)state;
	assert_int_equal(at_send(&E, 0, "AT+CSQ", NULL, 100, 0, NULL), 0);
	assert_int_equal(at_send(&E, 0, "AT+CGMM", NULL, 100, 0, NULL), 0);
	at_tick(&E, 100);
	assert_string_equal(R.out, "AT+CSQ\rAT+CGMM\r");
	assert_int_equal(at_next_deadline(&E), 200);
}

static void
test_reset_cancels(void **state)
{
	(void)state;
	send("AT+CSQ", NULL, 1000);
	send("AT+CGMM", NULL, 1000);
	feed("\r\n+CSQ: 1", 1);	/* a partial line, then unplug */
	at_reset(&E);
	assert_int_equal(R.ndone, 2);
	assert_int_equal(R.done[0].status, AT_CANCELLED);
	assert_int_equal(R.done[1].status, AT_CANCELLED);
	assert_false(at_busy(&E));
	send("AT", NULL, 1000);
	feed("\r\nOK\r\n", 2);
	assert_int_equal(R.done[2].status, AT_OK);
	assert_int_equal(R.done[2].nlines, 0);
}

static void
test_cmt_body(void **state)
{
	(void)state;
	feed("\r\n+CMT: ,24\r\n06917228195339040B917228214365F700003130805120618005D4F29C2E03\r\n",
	    1);
	assert_int_equal(R.nurc, 1);
	assert_int_equal(R.urc_kind[0], AT_URC_CMT);
	assert_string_equal(R.urc_body[0],
	    "06917228195339040B917228214365F700003130805120618005D4F29C2E03");
	/* a +CDS: whose PDU never came does not swallow the next reply */
	send("AT", NULL, 1000);
	feed("\r\n+CDS: 25\r\n\r\nOK\r\n", 2);
	assert_int_equal(R.nurc, 2);
	assert_int_equal(R.urc_kind[1], AT_URC_CDS);
	assert_string_equal(R.urc_body[1], "");
	assert_int_equal(R.ndone, 1);
	assert_int_equal(R.done[0].status, AT_OK);
}

static void
test_garbage(void **state)
{
	uint8_t junk[4096];
	uint32_t x = 12345;

	(void)state;
	send("AT+CSQ", NULL, 1000);
	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245 + 12345;
		junk[i] = (uint8_t)(x >> 16);
	}
	at_feed(&E, junk, sizeof(junk), 1);
	/* whatever the junk did, a clean reply still completes a command */
	setup(NULL);
	send("AT+CSQ", NULL, 1000);
	at_feed(&E, "\0\0\xff\xfe\r\n\x01+CSQ: 9,99\r\n\r\nOK\r\n", 25, 1);
	assert_int_equal(R.ndone, 1);
	assert_int_equal(R.done[0].status, AT_OK);
	assert_int_equal(R.done[0].nlines, 2);	/* high bytes are kept: UTF-8 */
	assert_string_equal(R.done[0].lines[0], "\xff\xfe");
	assert_string_equal(R.done[0].lines[1], "+CSQ: 9,99");
	assert_int_equal(E.sp.n_garbage, 3);
}

static void
test_reply_overflow(void **state)
{
	char line[64];

	(void)state;
	send("AT+CMGL=4", NULL, 1000);
	for (int i = 0; i < AT_REPLY_LINES + 10; i++) {
		snprintf(line, sizeof(line), "\r\nline %d\r\n", i);
		feed(line, 1);
	}
	feed("\r\nOK\r\n", 1);
	assert_int_equal(R.done[0].status, AT_OK);
	assert_true(R.done[0].truncated);
	assert_int_equal(R.done[0].nlines, AT_REPLY_LINES);
}

/* ---- real transcripts ---- */

static char *
slurp(const char *rel, size_t *len)
{
	const char *top = getenv("OUTPOST_TOP");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", top != NULL ? top : ".", rel);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* One gammu dump: the command on the first line, the modem's answer after. */
struct dump_result {
	size_t		entries, bad;
	char		pdu[AT_LINE_MAX + 1];
	enum at_status	status;
	size_t		nlines;
};

static struct at_reply last_reply;

static void
h_keep(void *arg, const struct at_cmd *c, const struct at_reply *rep)
{
	(void)arg;
	(void)c;
	memcpy(&last_reply, rep, sizeof(last_reply));
	R.ndone++;
}

static void
run_dump(const char *rel, bool bytewise, struct dump_result *res)
{
	struct at_hooks h = { h_write, h_keep, h_urc, &R };
	struct at_sms_entry e;
	size_t len, i = 0, cmdlen;
	char *buf = slurp(rel, &len);
	char cmd[AT_CMD_MAX + 1];

	memset(&R, 0, sizeof(R));
	memset(res, 0, sizeof(*res));
	at_init(&E, &h);
	cmdlen = strcspn(buf, "\r\n");
	assert_true(cmdlen < sizeof(cmd));
	memcpy(cmd, buf, cmdlen);
	cmd[cmdlen] = '\0';
	assert_int_equal(at_send(&E, 0, cmd, NULL, 1000, 0, NULL), 0);
	/* the file starts with the echo of the command, as gammu logged it */
	if (bytewise)
		feed_bytewise(buf, len, 1);
	else
		at_feed(&E, buf, len, 1);
	assert_int_equal(R.ndone, 1);
	assert_int_equal(E.n_echo, 1);
	res->status = last_reply.status;
	res->nlines = last_reply.nlines;
	while (at_sms_list_next(&last_reply, &i, &e, &res->bad) == 1) {
		assert_true(e.pdu_len < sizeof(res->pdu));
		memcpy(res->pdu, e.pdu, e.pdu_len);
		res->pdu[e.pdu_len] = '\0';
		res->entries++;
	}
	free(buf);
}

static int
list_dumps(const char *reldir, char names[][64], size_t max)
{
	const char *top = getenv("OUTPOST_TOP");
	char path[1024];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", top != NULL ? top : ".", reldir);
	dir = opendir(path);
	if (dir == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	while ((d = readdir(dir)) != NULL && (size_t)n < max) {
		size_t l = strlen(d->d_name);

		if (l > 5 && strcmp(d->d_name + l - 5, ".dump") == 0)
			snprintf(names[n++], 64, "%.63s", d->d_name);
	}
	closedir(dir);
	return n;
}

static void
test_gammu_pdu_dumps(void **state)
{
	static const char dir[] = "tests/corpus/sms/at_transcripts/gammu/at-sms";
	char names[64][64], rel[256];
	struct dump_result a, b;
	int n = list_dumps(dir, names, 64);

	(void)state;
	assert_true(n >= 30);
	for (int k = 0; k < n; k++) {
		snprintf(rel, sizeof(rel), "%s/%.63s", dir, names[k]);
		run_dump(rel, false, &a);
		run_dump(rel, true, &b);
		if (a.status != AT_OK || a.entries != 1 || a.bad != 0)
			fail_msg("%s: status %d, %zu entries, %zu bad", names[k], a.status,
			    a.entries, a.bad);
		assert_int_equal(a.nlines, 2);
		assert_string_equal(a.pdu, b.pdu);
		assert_null(strchr(a.pdu, '"'));
		assert_true(strlen(a.pdu) >= 20);
	}
	/* 04.dump: the PDU line ends in a stray quote and CR LF */
	run_dump("tests/corpus/sms/at_transcripts/gammu/at-sms/04.dump", false, &a);
	assert_int_equal(strlen(a.pdu), 328);
	assert_memory_equal(a.pdu + 322, "A6A301", 6);
}

static void
test_gammu_failing_dumps(void **state)
{
	static const char dir[] = "tests/corpus/sms/at_transcripts/gammu/at-sms-failing";
	char names[32][64], rel[256];
	struct dump_result a;
	int n = list_dumps(dir, names, 32);
	size_t with_bad = 0;

	(void)state;
	assert_true(n >= 10);
	for (int k = 0; k < n; k++) {
		snprintf(rel, sizeof(rel), "%s/%.63s", dir, names[k]);
		run_dump(rel, false, &a);
		/* the transport is fine: OK, one header and one line each */
		assert_int_equal(a.status, AT_OK);
		assert_int_equal(a.entries + a.bad, 1);
		with_bad += a.bad;
	}
	/* 13.dump's "PDU" holds '=' and 'p': not hex, so not an entry */
	run_dump("tests/corpus/sms/at_transcripts/gammu/at-sms-failing/13.dump", false, &a);
	assert_int_equal(a.bad, 1);
	assert_true(with_bad >= 1);
}

static void
test_gammu_text_dumps(void **state)
{
	static const struct {
		const char	*file;
		const char	*stat, *addr, *scts;
		size_t		text_lines;
	} t[] = {
		{ "at-sms-txt/motorola-l7.dump", "REC READ", "+4123456789132",
		    "2009/8/18,19:11:45", 1 },
		{ "at-sms-txt/motorola-long.dump", "REC READ", "+6667776667744",
		    "2009/8/18,19:11:45", 4 },
		{ "at-sms-txt/timezone.dump", "REC READ", "+31625044454", "07/07/05,09:56:03+08",
		    1 },
		{ "at-sms-txt-detail/m2m.dump", "REC READ", "3473065111", "06/05/28,18:15:41+80",
		    1 },
		{ "at-sms-txt-detail/sample.dump", "REC READ", "+393488535999",
		    "07/04/05,18:02:28+08", 1 },
		{ "at-sms-txt-detail/sample2.dump", "REC READ", "+85291234567",
		    "07/02/18,00:05:10+32", 1 },
		{ "at-sms-txt-detail/unsent.dump", "STO UNSENT", "+10011", "", 1 },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		struct sms_text_hdr h;
		struct dump_result a;
		char rel[256];

		snprintf(rel, sizeof(rel), "tests/corpus/sms/at_transcripts/gammu/%s", t[k].file);
		run_dump(rel, k % 2 == 1, &a);
		assert_int_equal(a.status, AT_OK);
		assert_int_equal(a.entries, 0);	/* text mode: no PDU entries */
		assert_int_equal(last_reply.nlines, 1 + t[k].text_lines);
		assert_int_equal(sms_text_parse_cmgr(at_reply_line(&last_reply, 0), &h), 0);
		assert_string_equal(h.stat, t[k].stat);
		assert_string_equal(h.addr, t[k].addr);
		assert_string_equal(h.scts, t[k].scts);
	}
}

static void
test_gsmmodem_listings(void **state)
{
	struct dump_result a;
	struct at_sms_entry e;
	struct sms_text_hdr h;
	size_t i = 0;

	(void)state;
	run_dump("tests/corpus/sms/at_transcripts/python-gsmmodem_cmgl_pdu_mode.txt", true, &a);
	assert_int_equal(a.status, AT_OK);
	assert_int_equal(a.entries, 3);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(at_sms_list_next(&last_reply, &i, &e, NULL), 1);
		assert_int_equal(e.index, k);	/* Huawei-style: from 0 */
		assert_int_equal(e.stat, k == 0 ? 0 : 1);
	}
	assert_int_equal(e.length, 159);
	run_dump("tests/corpus/sms/at_transcripts/python-gsmmodem_cmgl_text_mode.txt", false, &a);
	assert_int_equal(last_reply.nlines, 6);
	assert_int_equal(sms_text_parse_cmgl(at_reply_line(&last_reply, 0), &h), 0);
	assert_int_equal(h.index, 0);
	assert_string_equal(h.stat, "REC UNREAD");
	assert_string_equal(h.addr, "+27748577604");
	assert_string_equal(h.scts, "13/01/28,14:51:42+08");
	assert_string_equal(at_reply_line(&last_reply, 1), "Hello raspberry pi");
}

/* Python repr of bytes ('\r\n+CSQ: 20,99\r\n') back to bytes. */
static size_t
unrepr(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	const char *p = strchr(s, '\'');

	assert_non_null(p);
	for (p++; *p != '\0' && *p != '\''; p++) {
		char c = *p;

		if (c == '\\') {
			p++;
			if (*p == 'r')
				c = '\r';
			else if (*p == 'n')
				c = '\n';
			else if (*p == 't')
				c = '\t';
			else if (*p == 'x') {
				char hx[3] = { p[1], p[2], '\0' };

				c = (char)strtol(hx, NULL, 16);
				p += 2;
			} else
				c = *p;
		}
		assert_true(n + 1 < cap);
		out[n++] = c;
	}
	out[n] = '\0';
	return n;
}

/*
 * Replay what a real host sent ("<<") and what the fake modem answered
 * (">>"): every command completes with the final word of its answer, and
 * for AT+CMGS the engine writes exactly the payload the host wrote.
 */
static void
replay_host(const char *rel, size_t *ncmds, size_t *nsms)
{
	struct at_hooks h = { h_write, h_done, h_urc, &R };
	size_t len;
	char *buf = slurp(rel, &len), *save = NULL, *line;
	static char pending_cmd[AT_CMD_MAX + 1];
	static char bytes[16384];
	bool have_cmd = false, cmgs = false;

	memset(&R, 0, sizeof(R));
	at_init(&E, &h);
	*ncmds = *nsms = 0;
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "<< ", 3) == 0) {
			unrepr(line, bytes, sizeof(bytes));
			if (bytes[0] == 0x1b)
				continue;	/* gammu's ESC before AT */
			if (cmgs) {	/* the payload after the prompt */
				char want[1024];

				snprintf(want, sizeof(want), "%.128s\r%.800s\x1a", pending_cmd, bytes);
				assert_non_null(strstr(R.out, want));
				cmgs = false;
				continue;
			}
			snprintf(pending_cmd, sizeof(pending_cmd), "%.128s", bytes);
			have_cmd = true;
			continue;
		}
		if (strncmp(line, ">> ", 3) != 0)
			continue;
		len = unrepr(line, bytes, sizeof(bytes));
		if (have_cmd) {
			const char *pdu = NULL;
			char *next = save;

			/* AT+CMGS: the payload is the next "<<" line */
			if (strncmp(pending_cmd, "AT+CMGS=", 8) == 0 && next != NULL) {
				static char payload[1024];

				unrepr(next, payload, sizeof(payload));
				pdu = payload;
				cmgs = true;
				(*nsms)++;
			}
			R.outlen = 0;
			R.out[0] = '\0';
			assert_int_equal(at_send(&E, 0, pending_cmd, pdu, 1000, 0, NULL), 0);
			have_cmd = false;
			(*ncmds)++;
		}
		at_feed(&E, bytes, len, 1);
	}
	free(buf);
	assert_int_equal(R.ndone, *ncmds);
	assert_false(at_busy(&E));
}

static void
test_host_sequences(void **state)
{
	static const char *const files[] = {
		"tests/corpus/sms/host_sequences/gammu-1.42.0_getallsms.txt",
		"tests/corpus/sms/host_sequences/gammu-1.42.0_identify.txt",
		"tests/corpus/sms/host_sequences/gammu-1.42.0_sendsms.txt",
		"tests/corpus/sms/host_sequences/smstools-3.1.21_smsd.txt",
	};
	size_t ncmds, nsms;

	(void)state;
	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		size_t ok = 0, err = 0;

		replay_host(files[k], &ncmds, &nsms);
		assert_true(ncmds >= 10);
		for (size_t i = 0; i < R.ndone; i++) {
			if (R.done[i].status == AT_OK)
				ok++;
			else if (R.done[i].status == AT_ERROR)
				err++;
		}
		assert_int_equal(ok + err, R.ndone);	/* nothing else in these */
		if (k == 2 || k == 3) {
			assert_int_equal(nsms, 1);
			/* the CMGS reply: prompt seen, +CMGS: 42 */
			for (size_t i = 0; i < R.ndone; i++)
				if (strncmp(R.done[i].text, "AT+CMGS=", 8) == 0) {
					assert_true(R.done[i].prompted);
					assert_string_equal(R.done[i].lines[0], "+CMGS: 42");
				}
		}
	}
	/* smsd: AT+CMEE=1;+CREG=2 is refused with ERROR, the rest OK */
	assert_int_equal(R.done[2].status, AT_ERROR);
	assert_string_equal(R.done[2].text, "AT+CMEE=1;+CREG=2");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splitter),
		cmocka_unit_test(test_splitter_overlong),
		cmocka_unit_test_setup(test_simple_command, setup),
		cmocka_unit_test_setup(test_echo_skipped, setup),
		cmocka_unit_test_setup(test_urc_in_reply, setup),
		cmocka_unit_test_setup(test_creg_answer_is_not_urc, setup),
		cmocka_unit_test_setup(test_final_codes, setup),
		cmocka_unit_test_setup(test_call_codes_outside_dial, setup),
		cmocka_unit_test(test_describe),
		cmocka_unit_test_setup(test_prompt_and_pdu, setup),
		cmocka_unit_test_setup(test_prompt_with_echo_bytewise, setup),
		cmocka_unit_test_setup(test_prompt_error_instead, setup),
		cmocka_unit_test_setup(test_prompt_without_pdu_cancels, setup),
		cmocka_unit_test_setup(test_queue_order_and_chain, setup),
		cmocka_unit_test_setup(test_send_refusals, setup),
		cmocka_unit_test_setup(test_timeout_and_unresponsive, setup),
		cmocka_unit_test_setup(test_timeout_then_next_command, setup),
		cmocka_unit_test_setup(test_reset_cancels, setup),
		cmocka_unit_test_setup(test_cmt_body, setup),
		cmocka_unit_test_setup(test_garbage, setup),
		cmocka_unit_test_setup(test_reply_overflow, setup),
		cmocka_unit_test(test_gammu_pdu_dumps),
		cmocka_unit_test(test_gammu_failing_dumps),
		cmocka_unit_test(test_gammu_text_dumps),
		cmocka_unit_test(test_gsmmodem_listings),
		cmocka_unit_test(test_host_sequences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
