/*
 * modem: the driver against a scripted modem.  Each step names the command
 * the driver must write next and the bytes the modem answers (in the E1752
 * dialect: "\r\n...\r\n", echo until ATE0, URCs in between).  Init with and
 * without a PIN, a wrong PIN, a missing SIM, SMS list/read/delete with
 * indexes from 0, +CMTI triggering a read, a send through the prompt, a
 * modem that stops answering, single-port mode, unplugging; the PIN file.
 * Text mode, for a modem refusing PDU mode: the fallback, listing, reading,
 * deleting and sending in UCS2, a reply that lost lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modem.h"

#define DEV "/dev/ttyUSB2"

/* Real SMS-DELIVER PDUs (tests/corpus/sms/deliver_pdus.tsv). */
#define PDU_TEST2 "06917228195339040B917228214365F700003130805120618005D4F29C2E03"
#define PDU_SIPGATE "0791447758100650040DD0F334FC1CA6970100008080312170224008D4F29CDE0EA7D9"

struct ev_rec {
	enum modem_event_kind	kind;
	char			msg[MODEM_MSG_MAX];
	char			text[SMS_TEXT_MAX];
	char			from[SMS_ADDR_MAX];
	uint8_t			toa;
	enum sms_encoding	enc;
	char			when[32];
	int			index, tag, mr;
	bool			ok;
};

static struct {
	char		writes[96][512];	/* one per write() call */
	size_t		nw, rd;
	struct ev_rec	ev[64];
	size_t		nev;
} F;

static struct modem M;
static int64_t now;

static void
f_write(void *arg, const void *data, size_t len)
{
	(void)arg;
	assert_true(F.nw < 96 && len < 512);
	memcpy(F.writes[F.nw], data, len);
	F.writes[F.nw][len] = '\0';
	F.nw++;
}

static void
f_event(void *arg, const struct modem_event *e)
{
	struct ev_rec *r;

	(void)arg;
	assert_true(F.nev < 64);
	r = &F.ev[F.nev++];
	memset(r, 0, sizeof(*r));
	r->kind = e->kind;
	snprintf(r->msg, sizeof(r->msg), "%s", e->msg != NULL ? e->msg : "");
	if (e->sms != NULL) {
		snprintf(r->text, sizeof(r->text), "%s", e->sms->text);
		snprintf(r->from, sizeof(r->from), "%s", e->sms->from.text);
		r->toa = e->sms->from.toa;
		r->enc = e->sms->encoding;
		assert_int_equal(sms_time_iso8601(&e->sms->scts, r->when, sizeof(r->when)), 0);
	}
	r->index = e->index;
	r->tag = e->tag;
	r->mr = e->mr;
	r->ok = e->ok;
}

static void
start(const char *pin, bool single_port)
{
	struct modem_config cfg = { .device = DEV, .pin = pin, .single_port = single_port };
	struct modem_io io = { f_write, f_event, NULL };

	memset(&F, 0, sizeof(F));
	now = 1000;
	modem_init(&M, &cfg, &io);
	modem_start(&M, now);
}

/* The next thing the driver wrote must be want (CR added for commands). */
static void
expect(const char *want)
{
	char buf[1100];

	if (F.rd >= F.nw)
		fail_msg("expected \"%s\", nothing was written", want);
	snprintf(buf, sizeof(buf), "%s%s", want, strchr(want, 0x1a) != NULL ? "" : "\r");
	if (strcmp(F.writes[F.rd], buf) != 0)
		fail_msg("expected \"%s\", got \"%s\"", want, F.writes[F.rd]);
	F.rd++;
}

static void
modem_says(const char *bytes)
{
	now += 10;
	modem_feed(&M, bytes, strlen(bytes), now);
}

/* Step: the driver writes cmd, the modem answers reply. */
static void
step(const char *cmd, const char *reply)
{
	expect(cmd);
	modem_says(reply);
}

static void
nothing_written(void)
{
	if (F.rd != F.nw)
		fail_msg("unexpected write \"%s\"", F.writes[F.rd]);
}

static size_t
count_ev(enum modem_event_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < F.nev; i++)
		n += F.ev[i].kind == k;
	return n;
}

static const struct ev_rec *
last_ev(enum modem_event_kind k)
{
	for (size_t i = F.nev; i > 0; i--)
		if (F.ev[i - 1].kind == k)
			return &F.ev[i - 1];
	fail_msg("no event of kind %d", k);
	return NULL;
}

static const char OK[] = "\r\nOK\r\n";

/* From after AT+CPIN? says READY to MODEM_EV_READY. */
static void
init_tail(void)
{
	step("AT^CURC=1", OK);
	step("AT+CMGF=0", OK);
	step("AT+CPMS=\"SM\",\"SM\",\"SM\"", "\r\n+CPMS: 2,50,2,50,2,50\r\n\r\nOK\r\n");
	step("AT+CNMI=2,1,0,2,0", OK);
	step("AT^GETPORTMODE",
	    "\r\n^GETPORTMODE: TYPE: WCDMA: huawei,MDM:0,DIAG:1,PCUI:2,CDROM:3,SD:4\r\n"
	    "\r\nOK\r\n");
	assert_int_equal(M.state, MODEM_READY);
	assert_int_equal(count_ev(MODEM_EV_READY), 1);
}

/* The status poll and the first sweep that follow READY, with an empty SIM. */
static void
after_ready_empty(void)
{
	step("AT+CSQ", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	step("AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	step("AT+COPS?", "\r\n+COPS: 0,0,\"vodafone UK\",2\r\n\r\nOK\r\n");
	step("AT^SYSINFO", "\r\n^SYSINFO:2,3,0,5,1,,5\r\n\r\nOK\r\n");
	step("AT+CMGL=4", OK);
	nothing_written();
}

static void
test_init_no_pin(void **state)
{
	char net[64];

	(void)state;
	start(NULL, false);
	step("ATE0", "ATE0\r\r\nOK\r\n");	/* echo still on for this one */
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	init_tail();
	assert_true(M.st.have_ports);
	assert_int_equal(at_portmode_find(&M.st.ports, AT_PORT_PCUI), 2);
	assert_true(M.st.have_cpms);
	assert_int_equal(M.st.cpms.m[0].total, 50);
	after_ready_empty();
	assert_int_equal(count_ev(MODEM_EV_STATUS), 1);
	assert_int_equal(M.st.csq.dbm, -73);
	assert_true(at_creg_registered(M.st.creg.stat));
	assert_string_equal(M.st.cops.oper, "vodafone UK");
	modem_status_network(&M.st, net, sizeof(net));
	assert_string_equal(net, "3G (WCDMA, HSDPA)");
	assert_int_equal(modem_next_deadline(&M), -1);
}

static void
test_init_with_pin(void **state)
{
	(void)state;
	start("1234", false);
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	step("AT+CPIN=\"1234\"", OK);
	/* the SIM takes a moment: asked again a second later */
	step("AT+CPIN?", "\r\n+CME ERROR: SIM busy\r\n");
	nothing_written();
	assert_int_equal(modem_next_deadline(&M), now + MODEM_RETRY_MS);
	now += MODEM_RETRY_MS;
	modem_tick(&M, now);
	step("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	init_tail();
}

static void
test_wrong_pin(void **state)
{
	const struct ev_rec *e;

	(void)state;
	start("1234", false);
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	step("AT+CPIN=\"1234\"", "\r\n+CME ERROR: incorrect password\r\n");
	nothing_written();	/* never a second try */
	assert_int_equal(M.state, MODEM_FAILED);
	e = last_ev(MODEM_EV_FAILED);
	assert_non_null(strstr(e->msg, DEV ": AT+CPIN=****: +CME ERROR: incorrect password"));
	assert_null(strstr(e->msg, "1234"));
	now += 60000;
	modem_tick(&M, now);
	nothing_written();
	assert_int_equal(modem_read_sms(&M, now), -1);
}

static void
test_pin_needed_none_configured(void **state)
{
	(void)state;
	start(NULL, false);
	step("ATE0", OK);
	step("AT+CMEE=2", "\r\nERROR\r\n");	/* optional: goes on */
	step("AT+CPIN?", "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	nothing_written();
	assert_int_equal(M.state, MODEM_FAILED);
	assert_string_equal(last_ev(MODEM_EV_FAILED)->msg,
	    DEV ": the SIM needs its PIN and none is configured");
}

static void
test_puk_and_no_sim(void **state)
{
	(void)state;
	start("1234", false);
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n");
	nothing_written();
	assert_non_null(strstr(last_ev(MODEM_EV_FAILED)->msg, "PUK"));

	start(NULL, false);
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CME ERROR: SIM not inserted\r\n");
	assert_string_equal(last_ev(MODEM_EV_FAILED)->msg,
	    DEV ": AT+CPIN?: +CME ERROR: SIM not inserted");
	/* numeric errors (before AT+CMEE=2 took) are spelled out */
	start(NULL, false);
	step("ATE0", OK);
	step("AT+CMEE=2", "\r\nCOMMAND NOT SUPPORT\r\n");
	step("AT+CPIN?", "\r\n+CME ERROR: 10\r\n");
	assert_string_equal(last_ev(MODEM_EV_FAILED)->msg,
	    DEV ": AT+CPIN?: +CME ERROR: 10 (SIM not inserted)");
}

static void
test_cnmi_fallback(void **state)
{
	(void)state;
	start(NULL, false);
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	step("AT^CURC=1", "\r\nCOMMAND NOT SUPPORT\r\n");
	step("AT+CMGF=0", OK);
	step("AT+CPMS=\"SM\",\"SM\",\"SM\"", "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n");
	step("AT+CNMI=2,1,0,2,0", "\r\n+CMS ERROR: 303\r\n");
	step("AT+CNMI=2,1,0,0,0", OK);
	step("AT^GETPORTMODE", "\r\nERROR\r\n");
	assert_int_equal(M.state, MODEM_READY);
	assert_false(M.st.have_ports);
}

static void
ready_modem(void)
{
	start(NULL, false);
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	init_tail();
	step("AT+CSQ", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	step("AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	step("AT+COPS?", "\r\n+COPS: 0\r\n\r\nOK\r\n");
	step("AT^SYSINFO", "\r\n^SYSINFO:2,3,0,3,1,,3\r\n\r\nOK\r\n");
}

static void
test_sweep_reads_and_deletes(void **state)
{
	(void)state;
	ready_modem();
	/* two stored messages from index 0, a ^RSSI in the middle of the list */
	step("AT+CMGL=4", "\r\n+CMGL: 0,1,,24\r\n" PDU_TEST2 "\r\n"
			  "\r\n^RSSI:12\r\n"
			  "\r\n+CMGL: 1,0,,27\r\n" PDU_SIPGATE "\r\n\r\nOK\r\n");
	assert_int_equal(count_ev(MODEM_EV_SMS), 2);
	assert_string_equal(F.ev[F.nev - 2].text, "Test2");
	assert_string_equal(F.ev[F.nev - 2].from, "+27821234567");
	assert_int_equal(F.ev[F.nev - 2].index, 0);
	assert_string_equal(F.ev[F.nev - 1].text, "Testmail");
	assert_string_equal(F.ev[F.nev - 1].from, "sipgate");
	assert_int_equal(F.ev[F.nev - 1].index, 1);
	assert_int_equal(M.st.csq.rssi, 12);	/* the URC updated the status */
	step("AT+CMGD=0", OK);
	step("AT+CMGD=1", OK);
	nothing_written();
}

static void
test_cmti_triggers_read(void **state)
{
	(void)state;
	ready_modem();
	step("AT+CMGL=4", OK);
	nothing_written();
	modem_says("\r\n+CMTI: \"SM\",0\r\n");
	step("AT+CMGR=0", "\r\n+CMGR: 0,,24\r\n" PDU_TEST2 "\r\n\r\nOK\r\n");
	assert_int_equal(count_ev(MODEM_EV_SMS), 1);
	assert_string_equal(last_ev(MODEM_EV_SMS)->text, "Test2");
	assert_int_equal(last_ev(MODEM_EV_SMS)->index, 0);
	/* a +CMTI arriving in the middle of the delete's reply */
	step("AT+CMGD=0", "\r\n+CMTI: \"SM\",1\r\n\r\nOK\r\n");
	step("AT+CMGR=1", "\r\n+CMGR: 0,,27\r\n" PDU_SIPGATE "\r\n\r\nOK\r\n");
	assert_string_equal(last_ev(MODEM_EV_SMS)->text, "Testmail");
	step("AT+CMGD=1", OK);
	nothing_written();
}

static void
test_bad_pdu_reported_and_deleted(void **state)
{
	(void)state;
	ready_modem();
	/* a SUBMIT copy (gammu at-sms/28) is not something anyone sent us */
	step("AT+CMGL=4", "\r\n+CMGL: 3,3,,23\r\n"
			  "07915141991321F311000B914161787734F800F1FF32EE7A2B0D72A7DBE9B10B"
			  "E4ACB7C36950DA3D2ECBC7A07918640F9341E432082E4FB7CBF331A82C97BFE56917"
			  "\r\n\r\nOK\r\n");
	assert_int_equal(count_ev(MODEM_EV_SMS_BAD), 1);
	assert_non_null(strstr(last_ev(MODEM_EV_SMS_BAD)->msg, DEV ": the SMS at index 3"));
	step("AT+CMGD=3", OK);
}

static void
test_send_with_prompt(void **state)
{
	char err[256], pdu[600];
	struct sms_submit_pdu p;
	size_t n;

	(void)state;
	ready_modem();
	step("AT+CMGL=4", OK);
	assert_int_equal(modem_send_sms(&M, now, "+447700900123", "Hello", 7, err, sizeof(err)),
	    0);
	assert_int_equal(sms_encode_submit("+447700900123", "Hello", 5, NULL, &p, 1, &n, NULL, 0),
	    0);
	snprintf(pdu, sizeof(pdu), "AT+CMGS=%zu", p.tpdu_len);
	step(pdu, "\r\n> ");
	snprintf(pdu, sizeof(pdu), "%s\x1a", p.hex);
	step(pdu, "\r\n+CMGS: 42\r\n\r\nOK\r\n");
	assert_int_equal(count_ev(MODEM_EV_SENT), 1);
	assert_true(last_ev(MODEM_EV_SENT)->ok);
	assert_int_equal(last_ev(MODEM_EV_SENT)->mr, 42);
	assert_int_equal(last_ev(MODEM_EV_SENT)->tag, 7);
	nothing_written();
}

static void
test_send_failure(void **state)
{
	char err[256];
	const struct ev_rec *e;

	(void)state;
	ready_modem();
	step("AT+CMGL=4", OK);
	assert_int_equal(modem_send_sms(&M, now, "+447700900123", "Hi", 1, err, sizeof(err)), 0);
	assert_true(F.nw > F.rd);
	F.rd = F.nw;
	modem_says("\r\n+CMS ERROR: 330\r\n");
	e = last_ev(MODEM_EV_SENT);
	assert_false(e->ok);
	assert_non_null(strstr(e->msg, "+CMS ERROR: 330 (SMSC address unknown)"));
	assert_non_null(strstr(e->msg, DEV ": AT+CMGS="));
	/* refused before anything is queued */
	assert_int_equal(modem_send_sms(&M, now, "not a number", "Hi", 1, err, sizeof(err)), -1);
	start(NULL, false);
	assert_int_equal(modem_send_sms(&M, now, "+4477", "Hi", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not ready"));
}

static void
time_out(const char *cmd)
{
	expect(cmd);
	now = modem_next_deadline(&M);
	modem_tick(&M, now);
}

static void
test_unresponsive(void **state)
{
	(void)state;
	ready_modem();
	time_out("AT+CMGL=4");
	assert_int_equal(modem_poll_status(&M, now), 0);
	time_out("AT+CSQ");
	assert_int_equal(count_ev(MODEM_EV_UNRESPONSIVE), 0);
	time_out("AT+CREG?");
	assert_int_equal(count_ev(MODEM_EV_UNRESPONSIVE), 1);
	assert_non_null(strstr(last_ev(MODEM_EV_UNRESPONSIVE)->msg,
	    DEV ": the modem stopped answering (AT+CREG?: no answer)"));
	time_out("AT+COPS?");	/* said once, not again */
	assert_int_equal(count_ev(MODEM_EV_UNRESPONSIVE), 1);
	step("AT^SYSINFO", "\r\n^SYSINFO:2,3,0,3,1,,3\r\n\r\nOK\r\n");
	assert_false(at_unresponsive(&M.at));
	/* the glue resets it */
	assert_int_equal(modem_hard_reset(&M, now), 0);
	expect("AT+CFUN=1,1");
}

static void
test_init_timeout_retries(void **state)
{
	(void)state;
	start(NULL, false);
	expect("ATE0");
	now = modem_next_deadline(&M);
	modem_tick(&M, now);	/* timeout: asked again after the retry pause */
	nothing_written();
	now = modem_next_deadline(&M);
	modem_tick(&M, now);
	step("ATE0", OK);
	expect("AT+CMEE=2");
	assert_int_equal(M.state, MODEM_INITIALIZING);
}

static void
test_single_port(void **state)
{
	char err[256];

	(void)state;
	start(NULL, true);
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	init_tail();
	after_ready_empty();
	assert_true(modem_idle(&M));
	modem_set_link(&M, true, now);
	assert_int_equal(modem_send_sms(&M, now, "+4477", "Hi", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "data link"));
	assert_int_equal(modem_read_sms(&M, now), -1);
	assert_int_equal(modem_poll_status(&M, now), -1);
	nothing_written();
	/* the port comes back: the SIM is swept, as no +CMTI could arrive */
	modem_set_link(&M, false, now);
	step("AT+CMGL=4", "\r\n+CMGL: 0,0,,24\r\n" PDU_TEST2 "\r\n\r\nOK\r\n");
	assert_string_equal(last_ev(MODEM_EV_SMS)->text, "Test2");
	step("AT+CMGD=0", OK);
	assert_int_equal(modem_send_sms(&M, now, "+4477", "Hi", 1, err, sizeof(err)), 0);
}

static void
test_unplugged(void **state)
{
	char err[256];

	(void)state;
	ready_modem();
	step("AT+CMGL=4", OK);
	assert_int_equal(modem_send_sms(&M, now, "+447700900123", "Hi", 3, err, sizeof(err)), 0);
	modem_closed(&M);
	assert_int_equal(M.state, MODEM_CLOSED);
	assert_int_equal(count_ev(MODEM_EV_GONE), 1);
	assert_false(last_ev(MODEM_EV_SENT)->ok);
	assert_int_equal(last_ev(MODEM_EV_SENT)->tag, 3);
	assert_true(modem_idle(&M));
	/* reopened: everything from the start */
	F.rd = F.nw;
	modem_start(&M, now);
	expect("ATE0");
}

/* ---- text mode ---- */

/* ASCII as AT+CSCS="UCS2" shows it: "Hi" -> "00480069". */
static const char *
ucs2(const char *ascii)
{
	static char buf[8][1100];
	static int k;
	char *out = buf[k++ % 8];

	for (size_t i = 0; ascii[i] != '\0'; i++)
		snprintf(out + 4 * i, 5, "%04X", (unsigned char)ascii[i]);
	out[4 * strlen(ascii)] = '\0';
	return out;
}

/* "\r\n+CMGL: <i>,"REC UNREAD","<from>",,"<scts>"\r\n<text>\r\n", from and
 * text as UCS2 hex. */
static const char *
cmgl_entry(int index, const char *from, const char *scts, const char *text_hex)
{
	static char buf[4][1400];
	static int k;
	char *out = buf[k++ % 4];

	snprintf(out, sizeof(buf[0]), "\r\n+CMGL: %d,\"REC UNREAD\",\"%s\",,\"%s\"\r\n%s\r\n",
	    index, ucs2(from), scts, text_hex);
	return out;
}

/* Through the fallback to READY, then the status poll: AT+CMGL="ALL" next. */
static void
text_mode_ready(const char *cmgf_refusal)
{
	start(NULL, false);
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	step("AT^CURC=1", OK);
	step("AT+CMGF=0", cmgf_refusal);
	assert_true(M.text_mode);
	step("AT+CMGF=1", OK);
	step("AT+CSCS=\"UCS2\"", OK);
	step("AT+CPMS=\"SM\",\"SM\",\"SM\"", "\r\n+CPMS: 0,50,0,50,0,50\r\n\r\nOK\r\n");
	step("AT+CNMI=2,1,0,2,0", OK);
	step("AT^GETPORTMODE", "\r\nCOMMAND NOT SUPPORT\r\n");
	assert_int_equal(M.state, MODEM_READY);
	step("AT+CSQ", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	step("AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	step("AT+COPS?", "\r\n+COPS: 0\r\n\r\nOK\r\n");
	step("AT^SYSINFO", "\r\n^SYSINFO:2,3,0,3,1,,3\r\n\r\nOK\r\n");
}

static void
test_text_fallback(void **state)
{
	static const char *const refusals[] = { "\r\nERROR\r\n",
		"\r\n+CMS ERROR: operation not supported\r\n", "\r\nCOMMAND NOT SUPPORT\r\n",
		"\r\n+CMS ERROR: 303\r\n" };
	const struct ev_rec *w;

	(void)state;
	for (size_t k = 0; k < sizeof(refusals) / sizeof(refusals[0]); k++) {
		text_mode_ready(refusals[k]);
		w = last_ev(MODEM_EV_WARNING);
		assert_non_null(strstr(w->msg, DEV ": AT+CMGF=0: "));
		assert_non_null(strstr(w->msg, "text mode"));
		assert_int_equal(count_ev(MODEM_EV_READY), 1);
		step("AT+CMGL=\"ALL\"", OK);
		nothing_written();
	}
	/* a new start tries PDU mode again: the port may hold another modem now */
	modem_start(&M, now);
	assert_false(M.text_mode);
	F.nev = 0;
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	init_tail();
	/* a timeout is not a refusal: asked again, as any init step */
	start(NULL, false);
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	step("AT^CURC=1", OK);
	expect("AT+CMGF=0");
	now = modem_next_deadline(&M);
	modem_tick(&M, now);
	now = modem_next_deadline(&M);
	modem_tick(&M, now);
	step("AT+CMGF=0", OK);
	assert_false(M.text_mode);
	expect("AT+CPMS=\"SM\",\"SM\",\"SM\"");
}

static void
test_text_mode_refused(void **state)
{
	(void)state;
	/* neither PDU nor text mode */
	start(NULL, false);
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	step("AT^CURC=1", OK);
	step("AT+CMGF=0", "\r\nERROR\r\n");
	step("AT+CMGF=1", "\r\nERROR\r\n");
	nothing_written();
	assert_int_equal(M.state, MODEM_FAILED);
	assert_non_null(strstr(last_ev(MODEM_EV_FAILED)->msg, DEV ": AT+CMGF=1: ERROR"));
	assert_non_null(strstr(last_ev(MODEM_EV_FAILED)->msg, "no SMS mode left"));
	/* text mode, but not in UCS2: not used (a sender could fake replies) */
	start(NULL, false);
	step("ATE0", OK);
	step("AT+CMEE=2", OK);
	step("AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	step("AT^CURC=1", OK);
	step("AT+CMGF=0", "\r\nCOMMAND NOT SUPPORT\r\n");
	step("AT+CMGF=1", OK);
	step("AT+CSCS=\"UCS2\"", "\r\n+CME ERROR: operation not supported\r\n");
	nothing_written();
	assert_int_equal(M.state, MODEM_FAILED);
	assert_non_null(strstr(last_ev(MODEM_EV_FAILED)->msg,
	    DEV ": AT+CSCS=\"UCS2\": +CME ERROR"));
	assert_non_null(strstr(last_ev(MODEM_EV_FAILED)->msg, "UCS2"));
}

static void
test_text_sweep_reads_and_deletes(void **state)
{
	char reply[4096];

	(void)state;
	text_mode_ready("\r\nERROR\r\n");
	/* gsmmodem's capture, in UCS2; Cyrillic from an alphanumeric sender */
	snprintf(reply, sizeof(reply), "%s\r\n^RSSI:12\r\n%s"
	    "\r\n+CMGL: 5,\"REC READ\",\"004D0065006700610066006F006E\",,\"11/03/29,21:04:16+16\""
	    "\r\n041F04400438043204350442\r\n\r\nOK\r\n",
	    cmgl_entry(0, "+27748577604", "13/01/28,14:51:42+08", ucs2("Hello raspberry pi")),
	    cmgl_entry(1, "+2784000153099999", "13/02/07,01:31:44-08", ucs2("Don't [x] 100%")));
	step("AT+CMGL=\"ALL\"", reply);
	assert_int_equal(count_ev(MODEM_EV_SMS), 3);
	assert_string_equal(F.ev[F.nev - 3].from, "+27748577604");
	assert_int_equal(F.ev[F.nev - 3].toa, 0x91);
	assert_string_equal(F.ev[F.nev - 3].text, "Hello raspberry pi");
	assert_string_equal(F.ev[F.nev - 3].when, "2013-01-28T14:51:42+02:00");
	assert_int_equal(F.ev[F.nev - 3].enc, SMS_ENC_GSM7);
	assert_int_equal(F.ev[F.nev - 3].index, 0);
	assert_string_equal(F.ev[F.nev - 2].text, "Don't [x] 100%");
	assert_string_equal(F.ev[F.nev - 2].when, "2013-02-07T01:31:44-02:00");
	assert_string_equal(F.ev[F.nev - 1].from, "Megafon");
	assert_int_equal(F.ev[F.nev - 1].toa, 0xD0);
	assert_string_equal(F.ev[F.nev - 1].text, "Привет");
	assert_int_equal(F.ev[F.nev - 1].enc, SMS_ENC_UCS2);
	assert_int_equal(F.ev[F.nev - 1].index, 5);
	assert_int_equal(M.st.csq.rssi, 12);
	step("AT+CMGD=0", OK);
	step("AT+CMGD=1", OK);
	step("AT+CMGD=5", OK);
	nothing_written();
}

static void
test_text_cmti_reads_one(void **state)
{
	char reply[512];

	(void)state;
	text_mode_ready("\r\nERROR\r\n");
	step("AT+CMGL=\"ALL\"", OK);
	modem_says("\r\n+CMTI: \"SM\",3\r\n");
	snprintf(reply, sizeof(reply),
	    "\r\n+CMGR: \"REC UNREAD\",\"%s\",,\"26/11/25,09:30:00+04\"\r\n%s\r\n\r\nOK\r\n",
	    ucs2("+447700900123"), ucs2("UP 30"));
	step("AT+CMGR=3", reply);
	assert_int_equal(count_ev(MODEM_EV_SMS), 1);
	assert_string_equal(last_ev(MODEM_EV_SMS)->text, "UP 30");
	assert_string_equal(last_ev(MODEM_EV_SMS)->from, "+447700900123");
	assert_string_equal(last_ev(MODEM_EV_SMS)->when, "2026-11-25T09:30:00+01:00");
	assert_int_equal(last_ev(MODEM_EV_SMS)->index, 3);
	step("AT+CMGD=3", OK);
	/* an empty slot: a bare OK, nothing to hand over */
	modem_says("\r\n+CMTI: \"SM\",4\r\n");
	step("AT+CMGR=4", OK);
	assert_int_equal(count_ev(MODEM_EV_SMS), 1);
	nothing_written();
}

static void
test_text_bad_messages(void **state)
{
	char reply[1024];

	(void)state;
	text_mode_ready("\r\nERROR\r\n");
	/* a copy of something sent, a text that is not UCS2, no time stamp, and
	 * a status report's header (not a text-mode message at all) */
	snprintf(reply, sizeof(reply),
	    "\r\n+CMGL: 0,\"STO SENT\",\"%s\",,\r\n%s\r\n"
	    "\r\n+CMGL: 1,\"REC READ\",\"%s\",,\"13/01/28,14:51:42+08\"\r\nHello\r\n"
	    "\r\n+CMGL: 2,\"REC READ\",\"%s\",,\r\n%s\r\n"
	    "\r\n+CMGL: 3,\"REC READ\",6,233,\"+447700900123\",145,\"13/01/28,14:51:42+08\","
	    "\"13/01/28,14:51:44+08\",0\r\n\r\nOK\r\n",
	    ucs2("+4477"), ucs2("mine"), ucs2("+4477"), ucs2("+4477"), ucs2("when?"));
	step("AT+CMGL=\"ALL\"", reply);
	assert_int_equal(count_ev(MODEM_EV_SMS), 0);
	assert_int_equal(count_ev(MODEM_EV_SMS_BAD), 3);
	assert_non_null(strstr(F.ev[F.nev - 4].msg, DEV ": the SMS at index 0 does not decode: "
	    "not a received message (status \"STO SENT\")"));
	assert_non_null(strstr(F.ev[F.nev - 3].msg, "index 1 does not decode: the text is not "
	    "UCS2 hex"));
	assert_non_null(strstr(F.ev[F.nev - 2].msg,
	    "index 2 does not decode: no valid time stamp"));
	assert_string_equal(last_ev(MODEM_EV_WARNING)->msg,
	    DEV ": 1 stored message(s) without a readable text-mode header");
	step("AT+CMGD=0", OK);
	step("AT+CMGD=1", OK);
	step("AT+CMGD=2", OK);
	nothing_written();	/* the status report is left alone */
}

/* A listing longer than the engine keeps: only whole messages are taken,
 * the rest on the sweep after the deletions. */
static void
test_text_truncated_listing(void **state)
{
	static char reply[20000];
	char text[1001], cmd[32];
	size_t o = 0;

	(void)state;
	text_mode_ready("\r\nERROR\r\n");
	for (size_t i = 0; i < 1000; i += 4)
		memcpy(text + i, i % 8 == 0 ? "0041" : "0042", 4);
	text[1000] = '\0';
	for (int i = 0; i < 16; i++)
		o += (size_t)snprintf(reply + o, sizeof(reply) - o, "%s",
		    cmgl_entry(i, "+4477", "13/01/28,14:51:42+08", text));
	snprintf(reply + o, sizeof(reply) - o, "\r\nOK\r\n");
	assert_true(o > AT_REPLY_BYTES);
	step("AT+CMGL=\"ALL\"", reply);
	/* 15 whole messages fit; the 16th header did, its text not */
	assert_int_equal(count_ev(MODEM_EV_SMS), 15);
	assert_int_equal(strlen(last_ev(MODEM_EV_SMS)->text), 250);
	assert_int_equal(last_ev(MODEM_EV_SMS)->index, 14);
	assert_int_equal(count_ev(MODEM_EV_SMS_BAD), 0);
	for (int i = 0; i < 15; i++) {
		snprintf(cmd, sizeof(cmd), "AT+CMGD=%d", i);
		step(cmd, OK);
	}
	snprintf(reply, sizeof(reply), "%s\r\nOK\r\n",
	    cmgl_entry(15, "+4477", "13/01/28,14:51:42+08", ucs2("the last")));
	step("AT+CMGL=\"ALL\"", reply);
	assert_string_equal(last_ev(MODEM_EV_SMS)->text, "the last");
	assert_int_equal(last_ev(MODEM_EV_SMS)->index, 15);
	step("AT+CMGD=15", OK);
	nothing_written();
}

static void
test_text_send(void **state)
{
	char err[256], want[1100], da[100], text[700];

	(void)state;
	text_mode_ready("\r\nERROR\r\n");
	step("AT+CMGL=\"ALL\"", OK);
	snprintf(da, sizeof(da), "AT+CMGS=\"%s\"", ucs2("+447700900123"));

	/* GSM characters: DCS 0, the number and the text in UCS2 */
	assert_int_equal(modem_send_sms(&M, now, "+447700900123", "Hello [x]", 7, err,
	    sizeof(err)), 0);
	step("AT+CSMP=17,167,0,0", OK);
	step(da, "\r\n> ");
	snprintf(want, sizeof(want), "%s\x1a", ucs2("Hello [x]"));
	step(want, "\r\n+CMGS: 42\r\n\r\nOK\r\n");
	assert_int_equal(count_ev(MODEM_EV_SENT), 1);
	assert_true(last_ev(MODEM_EV_SENT)->ok);
	assert_int_equal(last_ev(MODEM_EV_SENT)->mr, 42);
	assert_int_equal(last_ev(MODEM_EV_SENT)->tag, 7);
	nothing_written();

	/* outside the GSM tables: DCS 8; a surrogate pair is two units */
	assert_int_equal(modem_send_sms(&M, now, "+447700900123", "Привет 😀", 8, err,
	    sizeof(err)), 0);
	step("AT+CSMP=17,167,0,8", OK);
	step(da, "\r\n> ");
	step("041F044004380432043504420020D83DDE00\x1a", "\r\n+CMGS: 43\r\n\r\nOK\r\n");
	assert_int_equal(last_ev(MODEM_EV_SENT)->mr, 43);

	/* 250 GSM characters: three separate SMS of 100, 100 and 50 */
	memset(text, 'a', 250);
	text[250] = '\0';
	assert_int_equal(modem_send_sms(&M, now, "+447700900123", text, 9, err, sizeof(err)), 0);
	step("AT+CSMP=17,167,0,0", "\r\nERROR\r\n");	/* a warning, the parts go anyway */
	assert_non_null(strstr(last_ev(MODEM_EV_WARNING)->msg, "AT+CSMP=17,167,0,0: ERROR"));
	text[100] = '\0';
	snprintf(want, sizeof(want), "%s\x1a", ucs2(text));
	step(da, "\r\n> ");
	step(want, "\r\n+CMGS: 44\r\n\r\nOK\r\n");
	assert_int_equal(count_ev(MODEM_EV_SENT), 2);	/* not yet: one of three */
	step(da, "\r\n> ");
	step(want, "\r\n+CMS ERROR: 331\r\n");
	step(da, "\r\n> ");
	text[50] = '\0';
	snprintf(want, sizeof(want), "%s\x1a", ucs2(text));
	step(want, "\r\n+CMGS: 46\r\n\r\nOK\r\n");
	assert_int_equal(count_ev(MODEM_EV_SENT), 3);
	assert_false(last_ev(MODEM_EV_SENT)->ok);
	assert_non_null(strstr(last_ev(MODEM_EV_SENT)->msg, "(part 2 of 3)"));
	nothing_written();

	/* extension characters cost two septets: 90 of them are 80 + 10 */
	text[0] = '\0';
	for (int i = 0; i < 90; i++)
		strcat(text, "€");
	assert_int_equal(modem_send_sms(&M, now, "12345", text, 10, err, sizeof(err)), 0);
	step("AT+CSMP=17,167,0,0", OK);
	snprintf(da, sizeof(da), "AT+CMGS=\"%s\"", ucs2("12345"));
	step(da, "\r\n> ");
	memset(want, 0, sizeof(want));
	for (int i = 0; i < 80; i++)
		memcpy(want + 4 * i, "20AC", 4);
	strcat(want, "\x1a");
	step(want, "\r\n+CMGS: 47\r\n\r\nOK\r\n");
	step(da, "\r\n> ");
	want[40] = '\0';
	strcat(want, "\x1a");
	step(want, "\r\n+CMGS: 48\r\n\r\nOK\r\n");
	assert_true(last_ev(MODEM_EV_SENT)->ok);
	nothing_written();

	/* refused before anything is queued: 601 GSM characters need 7 SMS */
	memset(text, 'a', 601);
	text[601] = '\0';
	assert_int_equal(modem_send_sms(&M, now, "+4477", text, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 6 SMS in text mode"));
	assert_int_equal(modem_send_sms(&M, now, "+4477", "", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(modem_send_sms(&M, now, "+44 77", "Hi", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a phone number"));
	assert_int_equal(modem_send_sms(&M, now, "+123456789012345678901", "Hi", 1, err,
	    sizeof(err)), -1);
	assert_int_equal(modem_send_sms(&M, now, "+4477", "\xc3\x28", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not UTF-8"));
	nothing_written();
}

/* ---- the PIN file ---- */

static void
write_file(const char *path, const char *content, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_pin_file(void **state)
{
	char dir[] = "/tmp/outpost-pin.XXXXXX", path[128], link[128], pin[MODEM_PIN_MAX];
	char err[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pin", dir);
	snprintf(link, sizeof(link), "%s/link", dir);

	write_file(path, "1234\n", 0600);
	assert_int_equal(modem_read_pin_file(path, pin, sizeof(pin), err, sizeof(err)), 0);
	assert_string_equal(pin, "1234");
	write_file(path, "87654321", 0400);
	assert_int_equal(modem_read_pin_file(path, pin, sizeof(pin), err, sizeof(err)), 0);
	assert_string_equal(pin, "87654321");

	write_file(path, "1234\n", 0640);
	assert_int_equal(modem_read_pin_file(path, pin, sizeof(pin), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mode 0640"));
	write_file(path, "1234\n", 0604);
	assert_int_equal(modem_read_pin_file(path, pin, sizeof(pin), err, sizeof(err)), -1);

	write_file(path, "12a4\n", 0600);
	assert_int_equal(modem_read_pin_file(path, pin, sizeof(pin), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "does not hold a PIN"));
	write_file(path, "123\n", 0600);
	assert_int_equal(modem_read_pin_file(path, pin, sizeof(pin), err, sizeof(err)), -1);
	write_file(path, "123456789\n", 0600);
	assert_int_equal(modem_read_pin_file(path, pin, sizeof(pin), err, sizeof(err)), -1);

	write_file(path, "1234\n", 0600);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(modem_read_pin_file(link, pin, sizeof(pin), err, sizeof(err)), -1);
	if (geteuid() == 0) {	/* a file someone else owns */
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(modem_read_pin_file(path, pin, sizeof(pin), err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "owned by uid 65534"));
	}
	assert_int_equal(modem_read_pin_file("/nonexistent/pin", pin, sizeof(pin), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/pin"));
	unlink(link);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_no_pin),
		cmocka_unit_test(test_init_with_pin),
		cmocka_unit_test(test_wrong_pin),
		cmocka_unit_test(test_pin_needed_none_configured),
		cmocka_unit_test(test_puk_and_no_sim),
		cmocka_unit_test(test_cnmi_fallback),
		cmocka_unit_test(test_sweep_reads_and_deletes),
		cmocka_unit_test(test_cmti_triggers_read),
		cmocka_unit_test(test_bad_pdu_reported_and_deleted),
		cmocka_unit_test(test_send_with_prompt),
		cmocka_unit_test(test_send_failure),
		cmocka_unit_test(test_unresponsive),
		cmocka_unit_test(test_init_timeout_retries),
		cmocka_unit_test(test_single_port),
		cmocka_unit_test(test_unplugged),
		cmocka_unit_test(test_text_fallback),
		cmocka_unit_test(test_text_mode_refused),
		cmocka_unit_test(test_text_sweep_reads_and_deletes),
		cmocka_unit_test(test_text_cmti_reads_one),
		cmocka_unit_test(test_text_bad_messages),
		cmocka_unit_test(test_text_truncated_listing),
		cmocka_unit_test(test_text_send),
		cmocka_unit_test(test_pin_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
