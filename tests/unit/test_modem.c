/*
 * modem: the driver against a scripted modem.  Each step names the command
 * the driver must write next and the bytes the modem answers (in the E1752
 * dialect: "\r\n...\r\n", echo until ATE0, URCs in between).  Init with and
 * without a PIN, a wrong PIN, a missing SIM, SMS list/read/delete with
 * indexes from 0, +CMTI triggering a read, a send through the prompt, a
 * modem that stops answering, single-port mode, unplugging; the PIN file.
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
	int			index, tag, mr;
	bool			ok;
};

static struct {
	char		writes[64][512];	/* one per write() call */
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
	assert_true(F.nw < 64 && len < 512);
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
	char buf[600];

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

static void
test_status_apply_words(void **state)
{
	struct modem_status st;
	struct at_csq c = { .rssi = 22, .known = true };
	char net[64];

	(void)state;
	memset(&st, 0, sizeof(st));
	modem_status_network(&st, net, sizeof(net));
	assert_string_equal(net, "unknown");
	st.have_cops = true;
	st.cops.act = 2;
	modem_status_network(&st, net, sizeof(net));
	assert_string_equal(net, "3G (UMTS)");
	st.have_sysinfo = true;
	st.sysinfo.srv_status = 2;
	st.sysinfo.sys_mode = 3;
	st.sysinfo.sys_submode = 3;
	modem_status_network(&st, net, sizeof(net));
	assert_string_equal(net, "2G (GSM, EDGE)");
	st.sysinfo.srv_status = 0;
	modem_status_network(&st, net, sizeof(net));
	assert_string_equal(net, "no service");
	assert_string_equal(modem_signal_words(&c), "excellent");
	c.rssi = 7;
	assert_string_equal(modem_signal_words(&c), "poor");
	c.known = false;
	assert_string_equal(modem_signal_words(&c), "unknown");
	assert_string_equal(modem_query_command(MODEM_Q_SYSINFO), "AT^SYSINFO");
	assert_null(modem_query_command(MODEM_Q_COUNT));
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
		cmocka_unit_test(test_pin_file),
		cmocka_unit_test(test_status_apply_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
