/*
 * The modem driver (modem/modem.c) against modemsim's E1752 (e1752.c) in
 * one process: what the driver writes is the stick's input, what the stick
 * says is fed back.  A stick without PDU mode (text_only) is driven in text
 * mode: the messages waiting on its SIM and one arriving later come out as
 * the same sender, time stamp and text that PDU mode gives for the same
 * PDUs (parts of a long message as separate texts), and are deleted; texts
 * sent reach the network as the SMS-SUBMIT the SMS codec makes of them.
 * The same inbox on a stick with PDU mode is read in PDU mode.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "e1752.h"
#include "modem.h"
#include "sms.h"

/* tests/corpus/sms/deliver_pdus.tsv: gsmmodem-1, ofono-alnum, mm-pdu2,
 * android-ucs2, synthetic-ucs2-surrogate-alnum, synthetic-concat7-1 */
static const char *const inbox[] = {
	"06917228195339040B917228214365F700003130805120618005D4F29C2E03",
	"0791447758100650040DD0F334FC1CA6970100008080312170224008D4F29CDE0EA7D9",
	"07919730071111F10414D04937BD2C7797E9D3E614000811309291024061080442043504410442",
	"07912160130300F4040B914151245584F600087010807121352B10212200A900AE00680065006C006C006F",
	"0791447758100650040BD0CDBC30EC5E0300085210100000000010004800690020D83DDE00002003A920AC",
	"0791447758100650440C9144770009103200005260512100008029050003A70201A061391DF4769741F7"
	"341D0DDA9441613719B4E189E5E1F1BA4C9F6F7C20",
};
#define NINBOX (sizeof(inbox) / sizeof(inbox[0]))

struct got {
	enum modem_event_kind	kind;
	char			msg[MODEM_MSG_MAX];
	struct sms_deliver	sms;
	int			index;
	bool			ok;
};

static struct e1752 S;
static struct modem M;
static int64_t now;
static struct got ev[32];
static size_t nev;
static char submitted[8][SMSTORE_HEX_MAX];
static size_t nsub;

static void
on_submit(void *arg, const char *hex, size_t len)
{
	(void)arg;
	assert_true(nsub < 8 && len < sizeof(submitted[0]));
	memcpy(submitted[nsub], hex, len);
	submitted[nsub++][len] = '\0';
}

/* The driver writes to the stick's PC UI port; the answer is pumped back
 * later (the engine's hooks must not feed it). */
static void
d_write(void *arg, const void *data, size_t len)
{
	(void)arg;
	e1752_input(&S, E1752_PCUI, data, len, now);
}

static void
d_event(void *arg, const struct modem_event *e)
{
	struct got *g;

	(void)arg;
	assert_true(nev < sizeof(ev) / sizeof(ev[0]));
	g = &ev[nev++];
	memset(g, 0, sizeof(*g));
	g->kind = e->kind;
	snprintf(g->msg, sizeof(g->msg), "%s", e->msg != NULL ? e->msg : "");
	if (e->sms != NULL)
		g->sms = *e->sms;
	g->index = e->index;
	g->ok = e->ok;
}

/* Let the two talk until neither has anything more to say. */
static void
pump(void)
{
	char buf[E1752_OUT_MAX];

	for (int rounds = 0; rounds < 10000; rounds++) {
		size_t len;
		const char *out;

		now += 10;
		e1752_tick(&S, now);
		modem_tick(&M, now);
		out = e1752_output(&S, E1752_PCUI, &len);
		if (len == 0 && modem_idle(&M))
			return;
		memcpy(buf, out, len);
		e1752_consume(&S, E1752_PCUI, len);
		modem_feed(&M, buf, len, now);
	}
	fail_msg("the driver and the stick never went quiet");
}

static void
plug(bool text_only)
{
	struct e1752_config c;
	struct modem_config mc = { .device = "/dev/ttyUSB2" };
	struct modem_io io = { d_write, d_event, NULL };
	char err[128];

	e1752_config_defaults(&c);
	c.rssi_every_ms = 0;
	c.boot_every_ms = 0;
	c.flow_every_ms = 0;
	c.text_only = text_only;
	c.on_submit = on_submit;
	now = 5000;
	nev = nsub = 0;
	assert_int_equal(e1752_init(&S, &c, now, err, sizeof(err)), 0);
	for (size_t i = 0; i < NINBOX; i++)
		assert_int_equal(e1752_store(&S, "SM", inbox[i], strlen(inbox[i]), err,
		    sizeof(err)), (int)i);
	modem_init(&M, &mc, &io);
	modem_start(&M, now);
	pump();
	assert_int_equal(M.state, MODEM_READY);
}

static size_t
count(enum modem_event_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < nev; i++)
		n += ev[i].kind == k;
	return n;
}

static const struct got *
nth_sms(size_t n)
{
	for (size_t i = 0; i < nev; i++)
		if (ev[i].kind == MODEM_EV_SMS && n-- == 0)
			return &ev[i];
	fail_msg("no SMS event %zu", n);
	return NULL;
}

/* What the driver handed over is what PDU mode decodes from the PDU. */
static void
same_as_pdu(const struct got *g, const char *pdu)
{
	struct sms_deliver d;
	char a[32], b[32];

	assert_int_equal(sms_decode_hex(pdu, strlen(pdu), &d, NULL, 0), 0);
	assert_string_equal(g->sms.from.text, d.from.text);
	assert_int_equal(g->sms.from.toa, d.from.toa);
	assert_int_equal(g->sms.text_len, d.text_len);
	assert_memory_equal(g->sms.text, d.text, d.text_len);
	assert_int_equal(sms_time_iso8601(&g->sms.scts, a, sizeof(a)), 0);
	assert_int_equal(sms_time_iso8601(&d.scts, b, sizeof(b)), 0);
	assert_string_equal(a, b);
}

static void
test_text_only_stick(void **state)
{
	static const char arrives[] = "07912160130300F4040B914151245584F600087010807121352B102122"
				      "00A900AE00680065006C006C006F";
	char err[128];

	(void)state;
	plug(true);
	assert_true(M.text_mode);
	assert_non_null(strstr(ev[0].msg, "/dev/ttyUSB2: AT+CMGF=0: +CMS ERROR: "
	    "operation not supported: no PDU mode"));
	assert_int_equal(ev[0].kind, MODEM_EV_WARNING);
	assert_int_equal(count(MODEM_EV_SMS), NINBOX);
	for (size_t i = 0; i < NINBOX; i++) {
		assert_int_equal(nth_sms(i)->index, (int)i);
		same_as_pdu(nth_sms(i), inbox[i]);
	}
	assert_false(nth_sms(NINBOX - 1)->sms.concat.present);	/* not in text mode */
	assert_string_equal(nth_sms(4)->sms.text, "Hi 😀 Ω€");
	assert_int_equal(smstore_used(&S.mem[0]), 0);

	/* one arriving now: +CMTI, read, handed over, deleted */
	assert_int_equal(e1752_receive(&S, arrives, strlen(arrives), err, sizeof(err)), 0);
	pump();
	assert_int_equal(count(MODEM_EV_SMS), NINBOX + 1);
	same_as_pdu(nth_sms(NINBOX), arrives);
	assert_string_equal(nth_sms(NINBOX)->sms.text, "™©®hello");
	assert_int_equal(smstore_used(&S.mem[0]), 0);
	assert_int_equal(count(MODEM_EV_SMS_BAD), 0);
}

/* The SMS-SUBMIT the codec makes of one single message. */
static const char *
submit_of(const char *number, const char *text)
{
	static struct sms_submit_pdu p;
	size_t n;

	assert_int_equal(sms_encode_submit(number, text, strlen(text), NULL, &p, 1, &n, NULL, 0),
	    0);
	return p.hex;
}

static void
test_text_only_send(void **state)
{
	char err[256], text[251];

	(void)state;
	plug(true);
	nev = 0;
	assert_int_equal(modem_send_sms(&M, now, "+447700900123", "Hello [x]", 1, err,
	    sizeof(err)), 0);
	pump();
	assert_int_equal(nsub, 1);
	assert_string_equal(submitted[0], submit_of("+447700900123", "Hello [x]"));
	assert_int_equal(count(MODEM_EV_SENT), 1);
	assert_true(ev[nev - 1].ok);

	assert_int_equal(modem_send_sms(&M, now, "0612345678", "Привет€ 😀", 2, err, sizeof(err)),
	    0);
	pump();
	assert_int_equal(nsub, 2);
	assert_string_equal(submitted[1], submit_of("0612345678", "Привет€ 😀"));

	/* 250 characters: three separate messages */
	memset(text, 'z', 250);
	text[250] = '\0';
	assert_int_equal(modem_send_sms(&M, now, "+447700900123", text, 3, err, sizeof(err)), 0);
	pump();
	assert_int_equal(nsub, 5);
	text[100] = '\0';
	assert_string_equal(submitted[2], submit_of("+447700900123", text));
	assert_string_equal(submitted[3], submit_of("+447700900123", text));
	text[50] = '\0';
	assert_string_equal(submitted[4], submit_of("+447700900123", text));
	assert_int_equal(count(MODEM_EV_SENT), 3);
	assert_true(ev[nev - 1].ok);
	assert_int_equal(count(MODEM_EV_WARNING), 0);	/* AT+CSMP was taken */
}

static void
test_pdu_stick(void **state)
{
	(void)state;
	plug(false);
	assert_false(M.text_mode);
	assert_int_equal(count(MODEM_EV_WARNING), 0);
	assert_int_equal(count(MODEM_EV_SMS), NINBOX);
	for (size_t i = 0; i < NINBOX; i++)
		same_as_pdu(nth_sms(i), inbox[i]);
	assert_true(nth_sms(NINBOX - 1)->sms.concat.present);
	assert_int_equal(smstore_used(&S.mem[0]), 0);
}

/* Switched at run time (the control socket's text-only on): a reset stick
 * comes back without PDU mode, and a new start falls back. */
static void
test_switch_after_reset(void **state)
{
	(void)state;
	plug(false);
	assert_false(M.text_mode);
	S.cfg.text_only = true;
	e1752_reset(&S, now);
	nev = 0;
	modem_start(&M, now);
	pump();
	assert_int_equal(M.state, MODEM_READY);
	assert_true(M.text_mode);
	assert_int_equal(count(MODEM_EV_WARNING), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_only_stick),
		cmocka_unit_test(test_text_only_send),
		cmocka_unit_test(test_pdu_stick),
		cmocka_unit_test(test_switch_after_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
