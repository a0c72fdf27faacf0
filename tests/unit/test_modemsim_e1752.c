/*
 * Unit tests for sim/modemsim/e1752: the Huawei E1752 dialect.
 *
 * The request lines are the exact bytes gammu 1.42 and smsd 3.1.21 sent to
 * a modem (tests/corpus/sms/host_sequences), replayed one by one; the
 * answers expected are the E1752's (Huawei framing, COMMAND NOT SUPPORT,
 * slots from 0), not the recording's fake modem's.  Stored-message listings
 * are checked line by line against python-gsmmodem's captured AT+CMGL
 * replies (tests/corpus/sms/at_transcripts).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e1752.h"
#include "sms.h"

#define SEQ_DIR "tests/corpus/sms/host_sequences/"
#define TR_DIR	"tests/corpus/sms/at_transcripts/"
#define EX_MAX	96

/* The six SMS-DELIVER PDUs the recordings' fake modem held, in order. */
static const char *const inbox6[] = {
	"06917228195339040B917228214365F700003130805120618005D4F29C2E03",
	"0791447758100650040DD0F334FC1CA6970100008080312170224008D4F29CDE0EA7D9",
	"0791447758100650040C9144770009103200004221133295950A2450797A5CD6816A9B3268C37BAF373E"
	"D00685DFA4409BDE86B2016E5EA0B29B0C",
	"07912160130320F5440B916171056429F5000021405291650569A00500034C0201A9E8F41C949E83C2207B"
	"599E07B1DFEE33885E9ED341E4F23C7D7697C920FA1B54C697E5E3F4BC0C6AD7D9F434081E96D341E3"
	"303C2C4EB3D3F4BC0B94A483E6E8779D4D06CDD1EF3BA80E0785E7A0B7BB0C6A97E7F3F0B9CC02B9DF"
	"7450780EA2DFDF2C50780EA2A3CBA0BA9B5C96B3F369F71954768FDFE4B4FB0C9297E1F2F2BCECA6CF41",
	"07912160130320F6440B916171056429F5000021405291651569320500034C0202E9E8301D44479741F0"
	"B09C3E0785E56590BCCC0ED3CB6410FD0D7ABBCBA0B0FB4D4797E52E10",
	"07919730071111F10414D04937BD2C7797E9D3E614000811309291024061080442043504410442",
};
static const int inbox6_len[] = { 24, 27, 51, 159, 63, 31 };

static struct e1752 M;
static int64_t now;
static bool text_only;	/* for the next power_on() */
static char out[E1752_OUT_MAX + 1];
static char sent[8][SMSTORE_HEX_MAX];
static int n_sent;
static char data[512];
static size_t data_len;

static void
on_submit(void *arg, const char *hex, size_t len)
{
	(void)arg;
	assert_true(n_sent < 8 && len < sizeof(sent[0]));
	memcpy(sent[n_sent], hex, len);
	sent[n_sent++][len] = '\0';
}

static void
on_data(void *arg, const uint8_t *buf, size_t len)
{
	(void)arg;
	assert_true(data_len + len <= sizeof(data));
	memcpy(data + data_len, buf, len);
	data_len += len;
}

static void
power_on(int nports, const char *pin, bool inbox)
{
	struct e1752_config c;
	char err[128];

	e1752_config_defaults(&c);
	c.nports = nports;
	c.pin = pin;
	c.rssi_every_ms = 0;
	c.boot_every_ms = 0;
	c.flow_every_ms = 0;
	c.on_submit = on_submit;
	c.on_data = on_data;
	c.text_only = text_only;
	text_only = false;
	now = 1000000;
	n_sent = 0;
	data_len = 0;
	assert_int_equal(e1752_init(&M, &c, now, err, sizeof(err)), 0);
	for (size_t i = 0; inbox && i < 6; i++)
		assert_int_equal(e1752_store(&M, "SM", inbox6[i], strlen(inbox6[i]), err,
		    sizeof(err)), (int)i);
}

/* Everything the port has to say now, taken. */
static const char *
take(int port)
{
	size_t len;
	const char *o = e1752_output(&M, port, &len);

	memcpy(out, o, len);
	out[len] = '\0';
	e1752_consume(&M, port, len);
	return out;
}

/* dst = a + b + c, which must fit. */
static void
join3(char *dst, size_t max, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);

	assert_true(la + lb + lc < max);
	memcpy(dst, a, la);
	memcpy(dst + la, b, lb);
	memcpy(dst + la + lb, c, lc + 1);
}

static const char *
io_n(int port, const char *bytes, size_t n)
{
	e1752_input(&M, port, (const uint8_t *)bytes, n, now);
	return take(port);
}

static const char *
io(int port, const char *bytes)
{
	return io_n(port, bytes, strlen(bytes));
}

/* ---- replaying the recorded host sequences ---- */

struct exchange {
	char req[512];		/* as recorded, without the CR (or Ctrl-Z) */
	char reply[4096];	/* what the stick sent back, echo included */
};

static struct exchange ex[EX_MAX];

/* A Python repr ('...' or "...") to bytes. */
static size_t
unrepr(const char *s, char *o, size_t max)
{
	char q = s[0];
	size_t n = 0;

	for (s++; *s != '\0' && *s != q && n < max - 1; s++) {
		if (*s != '\\') {
			o[n++] = *s;
			continue;
		}
		s++;
		switch (*s) {
		case 'r':
			o[n++] = '\r';
			break;
		case 'n':
			o[n++] = '\n';
			break;
		case 't':
			o[n++] = '\t';
			break;
		case 'x':
			o[n++] = (char)strtol((char[]){ s[1], s[2], 0 }, NULL, 16);
			s += 2;
			break;
		default:
			o[n++] = *s;
			break;
		}
	}
	o[n] = '\0';
	return n;
}

/* Feed every "<<" line of a recording to port 0: CR-terminated, or ended by
 * Ctrl-Z when the stick is at its "> " prompt. */
static int
replay(const char *file)
{
	FILE *f = fopen(file, "r");
	char line[8192];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		struct exchange *e;
		size_t len;
		bool prompt = M.port[0].state == E1752_PROMPT;

		if (strncmp(line, "<< ", 3) != 0)
			continue;
		assert_true(n < EX_MAX);
		e = &ex[n++];
		len = unrepr(line + 3, e->req, sizeof(e->req) - 1);
		e->req[len] = prompt ? '\x1a' : '\r';
		e1752_input(&M, 0, (const uint8_t *)e->req, len + 1, now);
		e->req[len] = '\0';
		join3(e->reply, sizeof(e->reply), take(0), "", "");
	}
	fclose(f);
	return n;
}

/* The reply to the k-th (from 0) occurrence of a request. */
static const char *
reply_to(int n, const char *req, int k)
{
	for (int i = 0; i < n; i++)
		if (strcmp(ex[i].req, req) == 0 && k-- == 0)
			return ex[i].reply;
	fail_msg("request %s not replayed", req);
	return NULL;
}

/* What the E1752 answers to the recordings' state-independent requests. */
static const struct {
	const char *req, *body;
} answers[] = {
	{ "\x1b", "" },
	{ "AT", "\r\nOK\r\n" },
	{ "ATE1", "\r\nOK\r\n" },
	{ "ATE0", "\r\nOK\r\n" },
	{ "AT+MODE=2", "\r\nCOMMAND NOT SUPPORT\r\n" },
	{ "AT+CMEE=1", "\r\nOK\r\n" },
	{ "AT+CSCS=?", "\r\n+CSCS: (\"IRA\",\"GSM\",\"UCS2\")\r\n\r\nOK\r\n" },
	{ "AT+CGMM", "\r\nE1752\r\n\r\nOK\r\n" },
	{ "AT+CGMI", "\r\nhuawei\r\n\r\nOK\r\n" },
	{ "AT+CGMR", "\r\n11.126.03.01.00\r\n\r\nOK\r\n" },
	{ "AT+CGSN", "\r\n353142034762610\r\n\r\nOK\r\n" },
	{ "AT+CIMI", "\r\n001010123456789\r\n\r\nOK\r\n" },
	{ "AT+CPROT=?", "\r\nCOMMAND NOT SUPPORT\r\n" },
	{ "AT+SYNCML=?", "\r\nCOMMAND NOT SUPPORT\r\n" },
	{ "AT$TSSPCSW=?", "\r\nCOMMAND NOT SUPPORT\r\n" },
	{ "AT+CHUP=?", "\r\nCOMMAND NOT SUPPORT\r\n" },
	{ "AT+CFUN=1", "\r\nOK\r\n" },
	{ "AT+CMGF=0", "\r\nOK\r\n" },
	{ "AT+CPMS=?", "\r\n+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")\r\n\r\nOK\r\n" },
	{ "AT+CSCA?", "\r\n+CSCA: \"+447785016005\",145\r\n\r\nOK\r\n" },
	{ "AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n" },
	{ "AT+CSQ", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n" },
	{ "AT+CMEE=1;+CREG=2", "\r\nOK\r\n" },
	{ "AT+CMGS=27", "\r\n> " },
};

/* Every state-independent request got the E1752's answer, echoed when the
 * host had echo on (gammu: ATE1; smsd: ATE0; the stick starts with E1). */
static void
check_answers(int n)
{
	bool echo = true;

	for (int i = 0; i < n; i++) {
		char want[4096];

		for (size_t k = 0; k < sizeof(answers) / sizeof(answers[0]); k++) {
			if (strcmp(ex[i].req, answers[k].req) != 0)
				continue;
			join3(want, sizeof(want), echo ? ex[i].req : "", echo ? "\r" : "",
			    answers[k].body);
			assert_string_equal(ex[i].reply, want);
		}
		if (strcmp(ex[i].req, "ATE0") == 0)
			echo = false;
		if (strcmp(ex[i].req, "ATE1") == 0)
			echo = true;
	}
}

static void
test_gammu_identify(void **state)
{
	int n;
	(void)state;

	power_on(2, NULL, true);
	n = replay(SEQ_DIR "gammu-1.42.0_identify.txt");
	assert_int_equal(n, 32);
	check_answers(n);
	/* the ESC line is echoed (E1 is the default) and gets no answer */
	assert_string_equal(ex[0].reply, "\x1b\r");
	assert_string_equal(reply_to(n, "AT+CSCS?", 0), "AT+CSCS?\r\r\n+CSCS: \"IRA\"\r\n\r\nOK\r\n");
	/* nothing leaked to the PC UI port */
	assert_string_equal(take(1), "");
}

static void
test_gammu_getallsms(void **state)
{
	char want[4096];
	const char *r;
	size_t o;
	int n;
	(void)state;

	power_on(2, NULL, true);
	n = replay(SEQ_DIR "gammu-1.42.0_getallsms.txt");
	check_answers(n);
	/* CPMS sets answer <used>,<total> for the three memories, as E1752s do */
	assert_string_equal(reply_to(n, "AT+CPMS=\"ME\"", 0),
	    "AT+CPMS=\"ME\"\r\r\n+CPMS: 0,23,6,50,6,50\r\n\r\nOK\r\n");
	assert_string_equal(reply_to(n, "AT+CPMS=\"SM\",\"SM\"", 0),
	    "AT+CPMS=\"SM\",\"SM\"\r\r\n+CPMS: 6,50,6,50,6,50\r\n\r\nOK\r\n");
	assert_string_equal(reply_to(n, "AT+CPMS=\"ME\",\"ME\"", 0),
	    "AT+CPMS=\"ME\",\"ME\"\r\r\n+CPMS: 0,23,0,23,6,50\r\n\r\nOK\r\n");
	/* the SIM listing: slots from 0, unread, <length> without the SMSC */
	o = (size_t)snprintf(want, sizeof(want), "AT+CMGL=4\r\r\n");
	for (int i = 0; i < 6; i++)
		o += (size_t)snprintf(want + o, sizeof(want) - o, "+CMGL: %d,0,,%d\r\n%s\r\n", i,
		    inbox6_len[i], inbox6[i]);
	snprintf(want + o, sizeof(want) - o, "\r\nOK\r\n");
	assert_string_equal(reply_to(n, "AT+CMGL=4", 0), want);
	/* the second listing is of "ME" (gammu's last CPMS): empty */
	r = reply_to(n, "AT+CMGL=4", 1);
	assert_string_equal(r, "AT+CMGL=4\r\r\nOK\r\n");
}

static void
test_gammu_sendsms(void **state)
{
	const char *pdu = "079144775810065011000C914477000910320000FF0EC8329BFD066DCAA00D0FBFF101";
	char want[512];
	int n;
	(void)state;

	power_on(2, NULL, false);
	n = replay(SEQ_DIR "gammu-1.42.0_sendsms.txt");
	check_answers(n);
	snprintf(want, sizeof(want), "%s\r\n+CMGS: 0\r\n\r\nOK\r\n", pdu);
	assert_string_equal(reply_to(n, pdu, 0), want);
	assert_int_equal(n_sent, 1);
	assert_string_equal(sent[0], pdu);
}

static void
test_smsd(void **state)
{
	const char *pdu = "0011000C914477000910320000FF0EC8329BFD066DCAA00D0FBFF101";
	char want[1024];
	int n;
	(void)state;

	power_on(2, NULL, true);
	n = replay(SEQ_DIR "smstools-3.1.21_smsd.txt");
	check_answers(n);
	/* +CREG=2 was taken: the read answer carries LAC and cell */
	assert_string_equal(reply_to(n, "AT+CREG?", 0),
	    "\r\n+CREG: 2,1,\"00E6\",\"00ABE001\"\r\n\r\nOK\r\n");
	assert_string_equal(reply_to(n, "AT+CPMS?", 0),
	    "\r\n+CPMS: \"SM\",6,50,\"SM\",6,50,\"SM\",6,50\r\n\r\nOK\r\n");
	/* smsd counts from 1 (no memory_start = 0): AT+CMGR=n reads slot n, the
	 * (n+1)-th message, and slot 6 is empty: a bare OK */
	for (int i = 1; i < 6; i++) {
		char req[32];

		snprintf(req, sizeof(req), "AT+CMGR=%d", i);
		snprintf(want, sizeof(want), "\r\n+CMGR: 0,,%d\r\n%s\r\n\r\nOK\r\n", inbox6_len[i],
		    inbox6[i]);
		assert_string_equal(reply_to(n, req, 0), want);
		snprintf(req, sizeof(req), "AT+CMGD=%d", i);
		assert_string_equal(reply_to(n, req, 0), "\r\nOK\r\n");
		/* deleted for real: the second round finds the slot empty */
		snprintf(req, sizeof(req), "AT+CMGR=%d", i);
		assert_string_equal(reply_to(n, req, 1), "\r\nOK\r\n");
	}
	assert_string_equal(reply_to(n, "AT+CMGR=6", 0), "\r\nOK\r\n");
	assert_string_equal(reply_to(n, "AT+CMGD=6", 0), "\r\nOK\r\n");
	/* only slot 0 is left */
	assert_string_equal(reply_to(n, "AT+CPMS?", 2),
	    "\r\n+CPMS: \"SM\",1,50,\"SM\",1,50,\"SM\",1,50\r\n\r\nOK\r\n");
	assert_string_equal(reply_to(n, pdu, 0), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	assert_int_equal(n_sent, 1);
	assert_string_equal(sent[0], pdu);
}

/* ---- stored messages against python-gsmmodem's captures ---- */

/* The lines of a file or of a reply, without blank ones, joined by '\n'. */
static void
lines_of(const char *text, char *o, size_t max)
{
	size_t n = 0;

	for (const char *p = text; *p != '\0' && n < max - 1; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n' && (n == 0 || o[n - 1] == '\n'))
			continue;
		o[n++] = *p;
	}
	while (n > 0 && o[n - 1] == '\n')
		n--;
	o[n] = '\0';
}

static void
read_file(const char *path, char *buf, size_t max)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, max - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Preload the three PDUs of the capture and mark slots 1 and 2 read, as
 * they were on the captured modem. */
static void
gsmmodem_sim(char *pdu_capture, size_t max)
{
	char err[128];
	char *p;
	int k = 0;

	power_on(1, NULL, false);
	read_file(TR_DIR "python-gsmmodem_cmgl_pdu_mode.txt", pdu_capture, max);
	for (p = strstr(pdu_capture, "\n07"); p != NULL; p = strstr(p + 1, "\n07")) {
		size_t len = strcspn(p + 1, "\r\n");

		assert_int_equal(e1752_store(&M, "SM", p + 1, len, err, sizeof(err)), k++);
	}
	assert_int_equal(k, 3);
	io(0, "ATE0\r");
	io(0, "AT+CMGR=1;+CMGR=2\r");
}

static void
test_cmgl_pdu_capture(void **state)
{
	char capture[4096], want[4096], got[8192];
	(void)state;

	gsmmodem_sim(capture, sizeof(capture));
	lines_of(capture, want, sizeof(want));
	join3(got, sizeof(got), "AT+CMGL=4\n", io(0, "AT+CMGL=4\r"), "");
	lines_of(got, got, sizeof(got));
	assert_string_equal(got, want);
}

static void
test_cmgl_text_capture(void **state)
{
	char capture[4096], want[4096], got[8192];
	(void)state;

	gsmmodem_sim(capture, sizeof(capture));
	read_file(TR_DIR "python-gsmmodem_cmgl_text_mode.txt", capture, sizeof(capture));
	lines_of(capture, want, sizeof(want));
	io(0, "AT+CMGF=1\r");
	join3(got, sizeof(got), "AT+CMGL=\"ALL\"\n", io(0, "AT+CMGL=\"ALL\"\r"), "");
	lines_of(got, got, sizeof(got));
	assert_string_equal(got, want);
	/* text mode read of one: stat as a word, then the text */
	assert_string_equal(io(0, "AT+CMGR=0\r"),
	    "\r\n+CMGR: \"REC READ\",\"+27748577604\",,\"13/01/28,14:51:42+08\"\r\n"
	    "Hello raspberry pi\r\n\r\nOK\r\n");
}

/* ---- errors and the SIM ---- */

static void
test_error_forms(void **state)
{
	(void)state;

	power_on(2, NULL, true);
	io(0, "ATE0\r");
	assert_string_equal(io(0, "AT+CMGR=50\r"), "\r\nERROR\r\n");
	assert_string_equal(io(0, "AT+CMEE=1\r"), "\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CMGR=50\r"), "\r\n+CMS ERROR: 321\r\n");
	assert_string_equal(io(0, "AT+CMEE=2\r"), "\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CMGR=50\r"), "\r\n+CMS ERROR: invalid memory index\r\n");
	assert_string_equal(io(0, "AT+CMGD=-1\r"), "\r\n+CMS ERROR: invalid memory index\r\n");
	assert_string_equal(io(0, "AT+CPIN=\"1234\"\r"),
	    "\r\n+CME ERROR: operation not allowed\r\n");
	/* Huawei's own result for an unknown command, whatever +CMEE says */
	assert_string_equal(io(0, "AT+FOO\r"), "\r\nCOMMAND NOT SUPPORT\r\n");
	assert_string_equal(io(0, "AT^NOSUCH?\r"), "\r\nCOMMAND NOT SUPPORT\r\n");
	assert_string_equal(io(0, "ATY\r"), "\r\nCOMMAND NOT SUPPORT\r\n");
	/* the other port keeps its own settings (CMEE=0, echo on) */
	assert_string_equal(io(1, "AT+CMGR=50\r"), "AT+CMGR=50\r\r\nERROR\r\n");
}

static void
test_pin(void **state)
{
	(void)state;

	power_on(2, "1234", true);
	io(0, "ATE0\r");
	io(0, "AT+CMEE=2;+CREG=1\r");
	assert_string_equal(io(0, "AT+CPIN?\r"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CREG?\r"), "\r\n+CREG: 1,0\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CIMI\r"), "\r\n+CME ERROR: SIM PIN required\r\n");
	assert_string_equal(io(0, "AT+CMGL=4\r"), "\r\n+CMS ERROR: SIM PIN required\r\n");
	io(0, "AT+CMEE=1\r");
	assert_string_equal(io(0, "AT+CMGL=4\r"), "\r\n+CMS ERROR: 311\r\n");
	assert_string_equal(io(0, "AT^CPIN?\r"), "\r\n^CPIN: SIM PIN,3,10,3,10,3\r\n\r\nOK\r\n");
	/* three wrong PINs: PUK */
	for (int i = 0; i < 3; i++)
		assert_string_equal(io(0, "AT+CPIN=\"0000\"\r"), "\r\n+CME ERROR: 16\r\n");
	assert_string_equal(io(0, "AT+CPIN?\r"), "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CIMI\r"), "\r\n+CME ERROR: 12\r\n");
	assert_string_equal(io(0, "AT+CPIN=\"1234\"\r"), "\r\n+CME ERROR: 12\r\n");
	assert_string_equal(io(0, "AT+CPIN=\"87654321\",\"4321\"\r"), "\r\n+CME ERROR: 16\r\n");
	/* the right PUK and a new PIN: ready, and the stick registers */
	assert_string_equal(io(0, "AT+CPIN=\"12345678\",\"4321\"\r"),
	    "\r\nOK\r\n\r\n+CREG: 1\r\n");
	assert_string_equal(io(0, "AT+CPIN?\r"), "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	assert_string_equal(take(1), "\r\n^MODE:5,4\r\n");
	/* replugged: locked again, with the new PIN; the messages are kept */
	e1752_reset(&M, now);
	assert_string_equal(io(0, "AT+CPIN?\r"), "AT+CPIN?\r\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CPIN=4321\r"), "AT+CPIN=4321\r\r\nOK\r\n");
	assert_string_equal(io(0, "ATE0+CPMS?\r"),
	    "ATE0+CPMS?\r\r\n+CPMS: \"SM\",6,50,\"SM\",6,50,\"SM\",6,50\r\n\r\nOK\r\n");
}

/* ---- unsolicited codes ---- */

static void
test_cmti_per_cnmi(void **state)
{
	char err[128];
	(void)state;

	power_on(2, NULL, false);
	io(0, "ATE0\r");
	io(1, "ATE0\r");
	assert_string_equal(io(0, "AT+CNMI?\r"), "\r\n+CNMI: 0,0,0,0,0\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CNMI=2,1,0,0,0\r"), "\r\nOK\r\n");
	assert_string_equal(io(1, "AT+CNMI=0,1\r"), "\r\nOK\r\n");
	assert_int_equal(e1752_receive(&M, inbox6[0], strlen(inbox6[0]), err, sizeof(err)), 0);
	assert_string_equal(take(0), "\r\n+CMTI: \"SM\",0\r\n");
	/* port 1 has mode 0: the indication is buffered until it asks */
	assert_string_equal(take(1), "");
	assert_string_equal(io(1, "AT+CNMI=1,1\r"), "\r\nOK\r\n\r\n+CMTI: \"SM\",0\r\n");
	/* received into the third +CPMS memory */
	io(0, "AT+CPMS=\"SM\",\"SM\",\"ME\"\r");
	assert_int_equal(e1752_receive(&M, inbox6[1], strlen(inbox6[1]), err, sizeof(err)), 0);
	assert_string_equal(take(0), "\r\n+CMTI: \"ME\",0\r\n");
	/* not a DELIVER: refused */
	assert_int_equal(e1752_receive(&M, "0011000C914477000910320000FF0EC8329BFD066DCAA00D0FBFF101",
	    56, err, sizeof(err)), -1);
	/* mt=2: routed to the host as +CMT, not stored */
	io(0, "AT+CNMI=2,2\r");
	assert_int_equal(e1752_receive(&M, inbox6[0], strlen(inbox6[0]), err, sizeof(err)), -2);
	assert_string_equal(take(0), "\r\n+CMT: ,24\r\n"
	    "06917228195339040B917228214365F700003130805120618005D4F29C2E03\r\n");
}

static void
test_huawei_codes_on_pcui(void **state)
{
	(void)state;

	power_on(2, NULL, false);
	M.cfg.rssi_every_ms = 5000;
	M.cfg.boot_every_ms = 30000;
	e1752_reset(&M, now);
	now += 4999;
	e1752_tick(&M, now);
	assert_string_equal(take(1), "");
	now += 1;
	e1752_tick(&M, now);
	assert_string_equal(take(1), "\r\n^RSSI:20\r\n");
	assert_string_equal(take(0), "");	/* never on the modem port */
	e1752_set_signal(&M, 7);	/* a change is told at once */
	assert_string_equal(take(1), "\r\n^RSSI:7\r\n");
	now += 25000;
	e1752_tick(&M, now);
	assert_string_equal(take(1), "\r\n^RSSI:7\r\n\r\n^BOOT:20571348,0,0,0,26\r\n");
	/* losing the network: +CREG where asked, ^MODE on PC UI */
	io(0, "ATE0;+CREG=1\r");
	io(1, "ATE0;+CREG=2\r");
	e1752_set_reg(&M, 2);
	assert_string_equal(take(0), "\r\n+CREG: 2\r\n");
	assert_string_equal(take(1), "\r\n+CREG: 2\r\n\r\n^MODE:0,0\r\n");
	e1752_set_reg(&M, 5);
	assert_string_equal(take(0), "\r\n+CREG: 5\r\n");
	assert_string_equal(take(1), "\r\n+CREG: 5, 00E6, 00ABE001\r\n\r\n^MODE:5,4\r\n");
	assert_string_equal(io(1, "AT^SYSINFO\r"), "\r\n^SYSINFO:2,3,1,5,1,,4\r\n\r\nOK\r\n");
	assert_string_equal(io(1, "AT+COPS?\r"), "\r\n+COPS: 0,0,\"Outpost Test\",2\r\n\r\nOK\r\n");
	/* ^CURC=0: Huawei's own codes stop, +CREG does not */
	assert_string_equal(io(1, "AT^CURC=0\r"), "\r\nOK\r\n");
	e1752_set_signal(&M, 9);
	e1752_boot_now(&M);
	assert_string_equal(take(1), "");
	assert_string_equal(io(0, "AT+CSQ\r"), "\r\n+CSQ: 9,99\r\n\r\nOK\r\n");
}

static void
test_code_between_echo_and_reply(void **state)
{
	(void)state;

	power_on(1, NULL, false);	/* single port: Huawei codes come here */
	assert_string_equal(io(0, "AT+CS"), "AT+CS");
	e1752_set_signal(&M, 12);	/* due while the host types */
	assert_string_equal(take(0), "");
	assert_string_equal(io(0, "Q\r"), "Q\r\r\n^RSSI:12\r\n\r\n+CSQ: 12,99\r\n\r\nOK\r\n");
	/* urc_in_reply: held even when the line is idle */
	M.cfg.urc_in_reply = true;
	e1752_boot_now(&M);
	e1752_tick(&M, now);
	assert_string_equal(take(0), "");
	assert_string_equal(io(0, "AT\r"), "AT\r\r\n^BOOT:20571348,0,0,0,26\r\n\r\nOK\r\n");
}

/* ---- sending ---- */

static void
test_cmgs(void **state)
{
	struct sms_submit_pdu pdu;
	size_t npdu;
	(void)state;

	power_on(2, NULL, false);
	io(0, "ATE0;+CMEE=1\r");
	/* a length that does not match the PDU */
	assert_string_equal(io(0, "AT+CMGS=26\r"), "\r\n> ");
	assert_string_equal(io(0, "0011000C914477000910320000FF0EC8329BFD066DCAA00D0FBFF101\x1a"),
	    "\r\n+CMS ERROR: 304\r\n");
	/* ESC cancels */
	io(0, "AT+CMGS=27\r");
	assert_string_equal(io(0, "0011000C9144\x1b"), "\r\nOK\r\n");
	/* not hex, not a SUBMIT */
	assert_string_equal(io(0, "AT+CMGS=1\r"), "\r\n+CMS ERROR: 304\r\n");
	io(0, "AT+CMGS=7\r");
	assert_string_equal(io(0, "00GG\x1a"), "\r\n+CMS ERROR: 304\r\n");
	io(0, "AT+CMGS=24\r");
	assert_string_equal(io(0, "0004\x1a"), "\r\n+CMS ERROR: 304\r\n");
	assert_int_equal(n_sent, 0);
	/* no network: no sending */
	e1752_set_reg(&M, 3);
	io(0, "AT+CMGS=27\r");
	assert_string_equal(io(0, "0011000C914477000910320000FF0EC8329BFD066DCAA00D0FBFF101\x1a"),
	    "\r\n+CMS ERROR: 331\r\n");
	e1752_set_reg(&M, 1);
	/* text mode: encoded with the SMS codec */
	io(0, "AT+CMGF=1\r");
	assert_string_equal(io(0, "AT+CMGS=\"+447700900123\"\r"), "\r\n> ");
	assert_string_equal(io(0, "Hello [x]\x1a"), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	assert_int_equal(sms_encode_submit("+447700900123", "Hello [x]", 9, NULL, &pdu, 1, &npdu,
	    NULL, 0), 0);
	assert_int_equal(n_sent, 1);
	assert_string_equal(sent[0], pdu.hex);
	/* UCS2 character set: the text comes as hex */
	io(0, "AT+CSCS=\"UCS2\"\r");
	io(0, "AT+CMGS=\"0612345678\",129\r");
	assert_string_equal(io(0, "041F0440043804320435044220AC\x1a"), "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	assert_int_equal(sms_encode_submit("0612345678", "Привет€", strlen("Привет€"), NULL, &pdu,
	    1, &npdu, NULL, 0), 0);
	assert_string_equal(sent[1], pdu.hex);
}

/* Firmware without PDU mode (modemsim --text-only), +CSMP, a UCS2 number. */
static void
test_text_only(void **state)
{
	struct sms_submit_pdu pdu;
	size_t npdu;

	(void)state;
	text_only = true;
	power_on(2, NULL, true);
	io(1, "ATE0\r");
	assert_string_equal(io(1, "AT+CMGF?\r"), "\r\n+CMGF: 1\r\n\r\nOK\r\n");
	assert_string_equal(io(1, "AT+CMGF=?\r"), "\r\n+CMGF: (1)\r\n\r\nOK\r\n");
	assert_string_equal(io(1, "AT+CMGF=0\r"), "\r\nERROR\r\n");
	io(1, "AT+CMEE=1\r");
	assert_string_equal(io(1, "AT+CMGF=0\r"), "\r\n+CMS ERROR: 303\r\n");
	io(1, "AT+CMEE=2\r");
	assert_string_equal(io(1, "AT+CMGF=0\r"),
	    "\r\n+CMS ERROR: operation not supported\r\n");
	assert_string_equal(io(1, "AT+CMGF=1\r"), "\r\nOK\r\n");
	assert_string_equal(io(1, "AT&F\r"), "\r\nOK\r\n");	/* echo on again after this */
	assert_string_equal(io(1, "ATE0;+CMGF?\r"), "ATE0;+CMGF?\r\r\n+CMGF: 1\r\n\r\nOK\r\n");
	/* listing in UCS2: sender and text as hex */
	io(1, "AT+CSCS=\"UCS2\"\r");
	assert_string_equal(io(1, "AT+CMGR=0\r"),
	    "\r\n+CMGR: \"REC UNREAD\",\"002B00320037003800320031003200330034003500360037\",,"
	    "\"13/03/08,15:02:16+08\"\r\n00540065007300740032\r\n\r\nOK\r\n");
	/* +CSMP is kept and shown */
	assert_string_equal(io(1, "AT+CSMP?\r"), "\r\n+CSMP: 17,167,0,0\r\n\r\nOK\r\n");
	assert_string_equal(io(1, "AT+CSMP=17,167,0,8\r"), "\r\nOK\r\n");
	assert_string_equal(io(1, "AT+CSMP=,,,0\r"), "\r\nOK\r\n");
	assert_string_equal(io(1, "AT+CSMP?\r"), "\r\n+CSMP: 17,167,0,0\r\n\r\nOK\r\n");
	assert_string_equal(io(1, "AT+CSMP=17,256\r"), "\r\nERROR\r\n");	/* +CMEE=0 again */
	/* the number of AT+CMGS in UCS2 too, as 27.005 has it */
	assert_string_equal(io(1, "AT+CMGS=\"002B00340034003700370030003000390030003000310032"
				  "0033\"\r"), "\r\n> ");
	assert_string_equal(io(1, "00480069\x1a"), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	assert_int_equal(sms_encode_submit("+447700900123", "Hi", 2, NULL, &pdu, 1, &npdu, NULL,
	    0), 0);
	assert_int_equal(n_sent, 1);
	assert_string_equal(sent[0], pdu.hex);
	/* a number that is not UCS2 of ASCII is taken as it is: not a number here */
	io(1, "AT+CMGS=\"12345678\"\r");
	assert_string_equal(io(1, "00480069\x1a"), "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	assert_int_equal(sms_encode_submit("12345678", "Hi", 2, NULL, &pdu, 1, &npdu, NULL, 0), 0);
	assert_string_equal(sent[1], pdu.hex);
	/* the other port is text-only too; without the option PDU mode is there */
	assert_string_equal(io(0, "AT+CMGF=0\r"), "AT+CMGF=0\r\r\nERROR\r\n");
	power_on(2, NULL, false);
	assert_string_equal(io(1, "AT+CMGF=0\r"), "AT+CMGF=0\r\r\nOK\r\n");
	assert_string_equal(io(1, "AT+CMGF=?\r"), "AT+CMGF=?\r\r\n+CMGF: (0-1)\r\n\r\nOK\r\n");
}

/* ---- data calls ---- */

static void
test_data_call(void **state)
{
	(void)state;

	power_on(2, NULL, false);
	io(0, "ATE0\r");
	io(1, "ATE0\r");
	assert_string_equal(io(1, "ATD*99#\r"), "\r\nERROR\r\n");	/* PC UI does not dial */
	assert_string_equal(io(0, "ATD*99***1#\r"), "\r\nCONNECT\r\n");
	assert_string_equal(io(0, "~\x7e\xff\x7d+++AT\r"), "");	/* PPP: no guard, no escape */
	assert_int_equal(data_len, 10);
	/* "+++" between guard times: back to command mode, the call stays */
	now += 1500;
	assert_string_equal(io(0, "+++"), "");
	now += 999;
	e1752_tick(&M, now);
	assert_string_equal(take(0), "");
	now += 1;
	e1752_tick(&M, now);
	assert_string_equal(take(0), "\r\nOK\r\n");
	assert_int_equal(data_len, 10);
	assert_string_equal(io(0, "ATO\r"), "\r\nCONNECT\r\n");
	/* ATH on the PC UI port: the modem port sees the carrier go */
	assert_string_equal(io(1, "ATH\r"), "\r\nOK\r\n");
	assert_string_equal(take(0), "\r\nNO CARRIER\r\n");
	assert_string_equal(io(0, "AT\r"), "\r\nOK\r\n");
	/* the network drops it */
	assert_string_equal(io(0, "ATD*99#\r"), "\r\nCONNECT\r\n");
	e1752_drop_carrier(&M);
	assert_string_equal(take(0), "\r\nNO CARRIER\r\n");
	/* not registered: no carrier at all */
	e1752_set_reg(&M, 2);
	assert_string_equal(io(0, "ATD*99#\r"), "\r\nNO CARRIER\r\n");
	assert_string_equal(io(0, "ATO\r"), "\r\nNO CARRIER\r\n");
}

/* ---- the command line ---- */

static void
test_command_line(void **state)
{
	char longline[E1752_LINE_MAX + 10];
	(void)state;

	power_on(1, NULL, false);
	/* echo, lower case, junk before AT, spaces */
	assert_string_equal(io(0, "xx at + cgmm\r"), "xx at + cgmm\r\r\nE1752\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "hello\r"), "hello\r");	/* no AT: no answer */
	assert_string_equal(io(0, "ATE0\r"), "ATE0\r\r\nOK\r\n");
	/* backspace, and A/ repeating the last line at once */
	assert_string_equal(io(0, "AT+CGMX\bI\r"), "\r\nhuawei\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "a/"), "\r\nhuawei\r\n\r\nOK\r\n");
	/* several commands on a line; the first failure ends it */
	assert_string_equal(io(0, "AT+CMEE=2;+CGMI;+FOO;+CMEE=0\r"),
	    "\r\nhuawei\r\n\r\nCOMMAND NOT SUPPORT\r\n");
	assert_string_equal(io(0, "AT+CMEE?\r"), "\r\n+CMEE: 2\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "ATI\r"), "\r\nManufacturer: huawei\r\nModel: E1752\r\n"
	    "Revision: 11.126.03.01.00\r\nIMEI: 353142034762610\r\n+GCAP: +CGSM,+DS,+ES\r\n"
	    "\r\nOK\r\n");
	assert_string_equal(io(0, "AT^GETPORTMODE\r"), "\r\n^GETPORTMODE: TYPE: WCDMA: huawei,"
	    "MDM:0,DIAG:1,PCUI:2,CDROM:3,SD:4\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "AT^U2DIAG=0;^U2DIAG?\r"), "\r\n^U2DIAG:0\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CREG=3\r"), "\r\n+CME ERROR: incorrect parameters\r\n");
	/* a line too long for the stick */
	memset(longline, 'A', sizeof(longline));
	memcpy(longline, "AT", 2);
	longline[sizeof(longline) - 1] = '\r';
	assert_string_equal(io_n(0, longline, sizeof(longline)), "\r\nERROR\r\n");
	assert_string_equal(io(0, "AT\r"), "\r\nOK\r\n");
	/* V0: numeric results; Q1: none; ATZ: back to the defaults */
	assert_string_equal(io(0, "ATV0\r"), "0\r");
	assert_string_equal(io(0, "AT+CGMI\r"), "huawei\r\n0\r");
	assert_string_equal(io(0, "AT+FOO\r"), "4\r");
	assert_string_equal(io(0, "ATQ1\r"), "");
	assert_string_equal(io(0, "ATZ\r"), "\r\nOK\r\n");	/* E0 until ATZ restored E1 */
	assert_string_equal(io(0, "AT\r"), "AT\r\r\nOK\r\n");
}

static void
test_cmgd_flags(void **state)
{
	(void)state;

	power_on(2, NULL, true);
	io(0, "ATE0\r");
	io(0, "AT+CMGR=0;+CMGR=3\r");	/* two read, four unread */
	assert_string_equal(io(0, "AT+CMGD=?\r"), "\r\n+CMGD: (0,1,2,3,4,5),(0-4)\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CMGD=0,1\r"), "\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CMGD=?\r"), "\r\n+CMGD: (1,2,4,5),(0-4)\r\n\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CMGD=2\r"), "\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CMGD=2\r"), "\r\nOK\r\n");	/* empty: still OK */
	assert_string_equal(io(0, "AT+CMGD=0,4\r"), "\r\nOK\r\n");
	assert_string_equal(io(0, "AT+CPMS?\r"),
	    "\r\n+CPMS: \"SM\",0,50,\"SM\",0,50,\"SM\",0,50\r\n\r\nOK\r\n");
}

static void
test_hung(void **state)
{
	(void)state;

	power_on(2, NULL, false);
	e1752_set_hung(&M, true);
	assert_string_equal(io(0, "AT\r"), "");
	e1752_set_signal(&M, 3);
	assert_string_equal(take(1), "");
	e1752_set_hung(&M, false);
	assert_string_equal(io(0, "AT\r"), "AT\r\r\nOK\r\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gammu_identify),
		cmocka_unit_test(test_gammu_getallsms),
		cmocka_unit_test(test_gammu_sendsms),
		cmocka_unit_test(test_smsd),
		cmocka_unit_test(test_cmgl_pdu_capture),
		cmocka_unit_test(test_cmgl_text_capture),
		cmocka_unit_test(test_error_forms),
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_cmti_per_cnmi),
		cmocka_unit_test(test_huawei_codes_on_pcui),
		cmocka_unit_test(test_code_between_echo_and_reply),
		cmocka_unit_test(test_cmgs),
		cmocka_unit_test(test_text_only),
		cmocka_unit_test(test_data_call),
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_cmgd_flags),
		cmocka_unit_test(test_hung),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
