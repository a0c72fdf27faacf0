/*
 * e1752: the AT dialect of a Huawei E1752 (see e1752.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e1752.h"
#include "text.h"
#include "sms.h"

#define MANUFACTURER "huawei"
#define MODEL	     "E1752"
#define REVISION     "11.126.03.01.00"
#define GCAP	     "+GCAP: +CGSM,+DS,+ES"
#define OP_LONG	     "Outpost Test"
#define OP_SHORT     "Outpost"
#define OP_NUMERIC   "00101"
#define LAC	     "00E6"
#define CELL	     "00ABE001"
#define PORTMODE     "^GETPORTMODE: TYPE: WCDMA: huawei,MDM:0,DIAG:1,PCUI:2,CDROM:3,SD:4"
#define BOOT_KEY     20571348UL

/* Command results: 0 OK; negative for the plain ones; CME/CMS codes above. */
#define R_OK	    0
#define R_ERROR	    (-1)
#define R_NOTSUP    (-2)
#define R_DONE	    (-3)	/* the command sent its own result (prompt, CONNECT) */
#define R_CONNECT   (-4)
#define R_NOCARRIER (-5)
#define R_CME(n)    (1000 + (n))
#define R_CMS(n)    (2000 + (n))

enum { CS_IRA, CS_GSM, CS_UCS2 };
enum { NEED_NONE, NEED_SIM, NEED_SIM_SMS };
enum cmd_type { T_EXEC, T_SET, T_READ, T_TEST };

struct cmd {
	char	      name[16];
	enum cmd_type type;
	const char   *args;
	size_t	      args_len;
};

#define ARGS_MAX 8
struct args {
	int n;
	struct {
		const char *s;
		size_t	    len;
		bool	    quoted;
	} f[ARGS_MAX];
};

struct code_text {
	int	    code;
	const char *text;
};

static const struct code_text cme_texts[] = {
	{ 0, "phone failure" },
	{ 3, "operation not allowed" },
	{ 4, "operation not supported" },
	{ 10, "SIM not inserted" },
	{ 11, "SIM PIN required" },
	{ 12, "SIM PUK required" },
	{ 13, "SIM failure" },
	{ 16, "incorrect password" },
	{ 20, "memory full" },
	{ 21, "invalid index" },
	{ 22, "not found" },
	{ 30, "no network service" },
	{ 50, "incorrect parameters" },
	{ 100, "unknown" },
};

static const struct code_text cms_texts[] = {
	{ 300, "ME failure" },
	{ 302, "operation not allowed" },
	{ 303, "operation not supported" },
	{ 304, "invalid PDU mode parameter" },
	{ 305, "invalid text mode parameter" },
	{ 310, "SIM not inserted" },
	{ 311, "SIM PIN required" },
	{ 316, "SIM PUK required" },
	{ 320, "memory failure" },
	{ 321, "invalid memory index" },
	{ 322, "memory full" },
	{ 330, "SMSC address unknown" },
	{ 331, "no network service" },
	{ 500, "unknown error" },
};

static const char *const stat_names[] = { "REC UNREAD", "REC READ", "STO UNSENT", "STO SENT",
	"ALL" };
static const char *const charset_names[] = { "IRA", "GSM", "UCS2" };
static const char *const mem_names[] = { "SM", "ME" };

/* ---- output ---- */

static void
out_raw(struct e1752 *m, int p, const char *s, size_t n)
{
	struct e1752_port *pt = &m->port[p];

	if (m->hung)
		return;
	if (n > sizeof(pt->out) - pt->out_len) {
		/* Nobody reads the port: the stick's buffer overflows. */
		pt->out_lost += n;
		return;
	}
	memcpy(pt->out + pt->out_len, s, n);
	pt->out_len += n;
}

static void
out_str(struct e1752 *m, int p, const char *s)
{
	out_raw(m, p, s, strlen(s));
}

/* One information line of the reply in progress. */
static void __attribute__((format(printf, 3, 4)))
info(struct e1752 *m, int p, const char *fmt, ...)
{
	struct e1752_port *pt = &m->port[p];
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	if (pt->verbose && pt->info_lines == 0)
		out_str(m, p, "\r\n");
	pt->info_lines++;
	out_raw(m, p, buf, (size_t)n);
	out_str(m, p, "\r\n");
}

static const char *
code_text(const struct code_text *t, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].text;
	return "unknown";
}

static void
final(struct e1752 *m, int p, int r)
{
	struct e1752_port *pt = &m->port[p];
	char buf[96];
	int digit = 4;

	if (pt->quiet || r == R_DONE)
		return;
	switch (r) {
	case R_OK:
		snprintf(buf, sizeof(buf), "OK");
		digit = 0;
		break;
	case R_CONNECT:
		snprintf(buf, sizeof(buf), "CONNECT");
		digit = 1;
		break;
	case R_NOCARRIER:
		snprintf(buf, sizeof(buf), "NO CARRIER");
		digit = 3;
		break;
	case R_NOTSUP:
		snprintf(buf, sizeof(buf), "COMMAND NOT SUPPORT");
		break;
	case R_ERROR:
		snprintf(buf, sizeof(buf), "ERROR");
		break;
	default:
		if (pt->cmee == 0)
			snprintf(buf, sizeof(buf), "ERROR");
		else if (r >= R_CMS(0) && pt->cmee == 1)
			snprintf(buf, sizeof(buf), "+CMS ERROR: %d", r - R_CMS(0));
		else if (r >= R_CMS(0))
			snprintf(buf, sizeof(buf), "+CMS ERROR: %s",
			    code_text(cms_texts, sizeof(cms_texts) / sizeof(cms_texts[0]),
				r - R_CMS(0)));
		else if (pt->cmee == 1)
			snprintf(buf, sizeof(buf), "+CME ERROR: %d", r - R_CME(0));
		else
			snprintf(buf, sizeof(buf), "+CME ERROR: %s",
			    code_text(cme_texts, sizeof(cme_texts) / sizeof(cme_texts[0]),
				r - R_CME(0)));
		break;
	}
	if (!pt->verbose) {
		snprintf(buf, sizeof(buf), "%d\r", digit);
		out_str(m, p, buf);
		return;
	}
	out_str(m, p, "\r\n");
	out_str(m, p, buf);
	out_str(m, p, "\r\n");
}

/* ---- unsolicited codes ---- */

static bool
port_idle(const struct e1752_port *pt)
{
	return pt->state == E1752_CMD && pt->line_len == 0;
}

static void
flush_urcs(struct e1752 *m, int p)
{
	struct e1752_port *pt = &m->port[p];

	for (int i = 0; i < pt->n_urc; i++) {
		out_str(m, p, "\r\n");
		out_str(m, p, pt->urc[i]);
		out_str(m, p, "\r\n");
	}
	pt->n_urc = 0;
}

static void __attribute__((format(printf, 3, 4)))
urc(struct e1752 *m, int p, const char *fmt, ...)
{
	struct e1752_port *pt = &m->port[p];
	va_list ap;

	if (m->hung || p >= m->nports)
		return;
	if (pt->n_urc == E1752_URC_MAX) {
		memmove(pt->urc[0], pt->urc[1], sizeof(pt->urc[0]) * (E1752_URC_MAX - 1));
		pt->n_urc--;
	}
	va_start(ap, fmt);
	vsnprintf(pt->urc[pt->n_urc], sizeof(pt->urc[0]), fmt, ap);
	va_end(ap);
	pt->n_urc++;
	if (port_idle(pt) && !m->cfg.urc_in_reply)
		flush_urcs(m, p);
}

/* Huawei's own codes go to the PC UI port, and only while ^CURC=1. */
static int
pcui(const struct e1752 *m)
{
	return m->nports > 1 ? E1752_PCUI : E1752_MODEM;
}

static bool
registered(const struct e1752 *m)
{
	return m->reg == 1 || m->reg == 5;
}

static void
urc_rssi(struct e1752 *m)
{
	if (m->curc)
		urc(m, pcui(m), "^RSSI:%d", m->cfun == 1 ? m->rssi : 99);
	if (m->cfg.rssi_every_ms > 0)
		m->next_rssi = m->now_ms + m->cfg.rssi_every_ms;
}

static void
urc_creg(struct e1752 *m)
{
	for (int p = 0; p < m->nports; p++) {
		struct e1752_port *pt = &m->port[p];

		if (pt->creg_n == 2 && registered(m))
			urc(m, p, "+CREG: %d, %s, %s", m->reg, LAC, CELL);
		else if (pt->creg_n > 0)
			urc(m, p, "+CREG: %d", m->reg);
		if (pt->cgreg_n == 2 && registered(m))
			urc(m, p, "+CGREG: %d, %s, %s", m->reg, LAC, CELL);
		else if (pt->cgreg_n > 0)
			urc(m, p, "+CGREG: %d", m->reg);
	}
}

static void drop_call(struct e1752 *m, int hangup_port);

/* What +CREG says follows the SIM, +CFUN and the network. */
static void
update_reg(struct e1752 *m)
{
	int reg = m->sim == E1752_SIM_READY && m->cfun == 1 ? m->reg_wanted : 0;
	bool was = registered(m);

	if (reg == m->reg)
		return;
	m->reg = reg;
	urc_creg(m);
	if (was != registered(m) && m->curc)
		urc(m, pcui(m), registered(m) ? "^MODE:5,4" : "^MODE:0,0");
	if (!registered(m))
		drop_call(m, -1);
}

/* ---- argument parsing ---- */

static void
split_args(const struct cmd *c, struct args *a)
{
	size_t i = 0, start = 0;
	bool q = false;

	memset(a, 0, sizeof(*a));
	if (c->args_len == 0)
		return;
	for (i = 0; i <= c->args_len; i++) {
		if (i < c->args_len && (c->args[i] == '"' || q || c->args[i] != ',')) {
			if (c->args[i] == '"')
				q = !q;
			continue;
		}
		if (a->n == ARGS_MAX)
			return;
		a->f[a->n].s = c->args + start;
		a->f[a->n].len = i - start;
		if (a->f[a->n].len >= 2 && a->f[a->n].s[0] == '"' &&
		    a->f[a->n].s[a->f[a->n].len - 1] == '"') {
			a->f[a->n].s++;
			a->f[a->n].len -= 2;
			a->f[a->n].quoted = true;
		}
		a->n++;
		start = i + 1;
	}
}

static bool
arg_present(const struct args *a, int k)
{
	return k < a->n && (a->f[k].len > 0 || a->f[k].quoted);
}

/* 0 and *v, 1 when absent (v untouched), -1 when not a number in lo..hi. */
static int
arg_int(const struct args *a, int k, long lo, long hi, long *v)
{
	char buf[16];
	char *end;
	long x;

	if (!arg_present(a, k))
		return 1;
	if (a->f[k].quoted || a->f[k].len >= sizeof(buf))
		return -1;
	memcpy(buf, a->f[k].s, a->f[k].len);
	buf[a->f[k].len] = '\0';
	if (!isdigit((unsigned char)buf[0]))
		return -1;
	x = strtol(buf, &end, 10);
	if (*end != '\0' || x < lo || x > hi)
		return -1;
	*v = x;
	return 0;
}

/* The argument without its quotes; -1 when absent or too long. */
static int
arg_str(const struct args *a, int k, char *buf, size_t len)
{
	if (k >= a->n || a->f[k].len >= len)
		return -1;
	memcpy(buf, a->f[k].s, a->f[k].len);
	buf[a->f[k].len] = '\0';
	return 0;
}

static bool
arg_is(const struct args *a, int k, const char *s)
{
	return k < a->n && a->f[k].len == strlen(s) &&
	    strncasecmp(a->f[k].s, s, a->f[k].len) == 0;
}

/* The whole argument string as a number (basic commands: E1, Q0, I). */
static int
basic_value(const struct cmd *c, long hi, long *v)
{
	long x = 0;

	for (size_t i = 0; i < c->args_len; i++) {
		if (!isdigit((unsigned char)c->args[i]))
			return -1;
		x = x * 10 + (c->args[i] - '0');
		if (x > hi)
			return -1;
	}
	*v = x;
	return 0;
}

/* ---- hex and text ---- */

/* The next code point of UTF-8 text (U+FFFD for a bad sequence). */
static uint32_t
utf8_next(const char *s, size_t len, size_t *pos)
{
	const uint8_t *u = (const uint8_t *)s + *pos;
	size_t left = len - *pos, need;
	uint32_t cp;

	if (u[0] < 0x80) {
		*pos += 1;
		return u[0];
	}
	if ((u[0] & 0xE0) == 0xC0) {
		need = 1;
		cp = u[0] & 0x1F;
	} else if ((u[0] & 0xF0) == 0xE0) {
		need = 2;
		cp = u[0] & 0x0F;
	} else if ((u[0] & 0xF8) == 0xF0) {
		need = 3;
		cp = u[0] & 0x07;
	} else {
		*pos += 1;
		return 0xFFFD;
	}
	if (left <= need) {
		*pos = len;
		return 0xFFFD;
	}
	for (size_t i = 1; i <= need; i++) {
		if ((u[i] & 0xC0) != 0x80) {
			*pos += i;
			return 0xFFFD;
		}
		cp = cp << 6 | (u[i] & 0x3F);
	}
	*pos += need + 1;
	return cp;
}

/*
 * UTF-8 text as the host's character set shows it: UCS2 as hex of
 * UTF-16BE; IRA and GSM as 7-bit characters, '?' for the others.
 */
static void
to_charset(int cs, const char *s, size_t len, char *out, size_t outlen)
{
	size_t pos = 0, o = 0;

	if (outlen == 0)
		return;
	while (pos < len) {
		uint32_t cp = utf8_next(s, len, &pos);
		char tmp[12];
		int n;

		if (cs != CS_UCS2)
			n = snprintf(tmp, sizeof(tmp), "%c", cp < 0x80 ? (char)cp : '?');
		else if (cp >= 0x10000)
			n = snprintf(tmp, sizeof(tmp), "%04X%04X",
			    (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
			    (unsigned)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
		else
			n = snprintf(tmp, sizeof(tmp), "%04X", (unsigned)cp);
		if (n < 0 || o + (size_t)n >= outlen)
			break;
		memcpy(out + o, tmp, (size_t)n);
		o += (size_t)n;
	}
	out[o] = '\0';
}

static size_t
put_utf8(uint32_t cp, char *out, size_t o, size_t max)
{
	char b[4];
	size_t n = text_utf8_put(cp, b);

	if (o + n > max)
		return o;
	memcpy(out + o, b, n);
	return o + n;
}

/* Text typed at the prompt, in the host's character set, to UTF-8; -1 for
 * bad UCS2 hex.  IRA/GSM bytes above 0x7F are taken as Latin-1. */
static long
from_charset(int cs, const char *s, size_t len, char *out, size_t max)
{
	size_t o = 0;

	if (cs != CS_UCS2) {
		for (size_t i = 0; i < len; i++)
			o = put_utf8((uint8_t)s[i], out, o, max);
		return (long)o;
	}
	if (len % 4 != 0)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		uint8_t u[2];
		uint32_t cp;

		if (text_unhex(s + i, 4, u, 2) != 2)
			return -1;
		cp = (uint32_t)u[0] << 8 | u[1];
		if (cp >= 0xD800 && cp < 0xDC00 && i + 8 <= len) {
			uint8_t l[2];
			uint32_t lo;

			if (text_unhex(s + i + 4, 4, l, 2) != 2)
				return -1;
			lo = (uint32_t)l[0] << 8 | l[1];
			if (lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 4;
			}
		}
		o = put_utf8(cp, out, o, max);
	}
	return (long)o;
}

/*
 * The number of AT+CMGS="<da>" in the host's character set: with UCS2 as
 * hex of UTF-16BE (27.005), though a plain number is taken too, as many
 * modems do; "0031" and the like are read as UCS2 then.  -1 when empty or
 * it does not fit.
 */
static bool
ucs2_ascii_hex(const char *s, size_t n)
{
	if (n == 0 || n % 4 != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || (i % 4 < 2 && s[i] != '0') ||
		    (i % 4 == 2 && s[i] > '7'))
			return false;
	return true;
}

static int
number_in_charset(int cs, const char *da, char *out, size_t outlen)
{
	size_t n = strlen(da);
	long len;

	if (cs == CS_UCS2 && ucs2_ascii_hex(da, n) &&
	    (len = from_charset(cs, da, n, out, outlen - 1)) > 0) {
		out[len] = '\0';
		return 0;
	}
	if (n == 0 || n >= outlen)
		return -1;
	memcpy(out, da, n + 1);
	return 0;
}

/* Octets after the SMSC field: what +CMGL/+CMGR call <length>. */
static int
tpdu_length(const char *hex, size_t len)
{
	uint8_t smsc = 0;

	if (len >= 2 && text_unhex(hex, 2, &smsc, 1) != 1)
		smsc = 0;
	int n = (int)(len / 2) - 1 - smsc;

	return n > 0 ? n : 0;
}

static void
scts_text(const struct sms_time *t, char *buf, size_t len)
{
	int tz = t->tz_quarters;

	snprintf(buf, len, "%02d/%02d/%02d,%02d:%02d:%02d%c%02d", t->year % 100, t->month, t->day,
	    t->hour, t->minute, t->second, tz < 0 ? '-' : '+', abs(tz));
}

/* ---- settings ---- */

static void
port_defaults(const struct e1752 *m, struct e1752_port *pt)
{
	static const int csmp[4] = { 17, 167, 0, 0 };

	pt->echo = true;
	pt->verbose = true;
	pt->quiet = false;
	pt->cmee = 0;
	pt->cmgf = m->cfg.text_only ? 1 : 0;
	memcpy(pt->csmp, csmp, sizeof(pt->csmp));
	pt->cscs = CS_IRA;
	pt->creg_n = 0;
	pt->cgreg_n = 0;
	memset(pt->cnmi, 0, sizeof(pt->cnmi));
}

static int
sim_check(const struct e1752 *m, int need)
{
	if (need == NEED_NONE || m->sim == E1752_SIM_READY)
		return R_OK;
	if (need == NEED_SIM_SMS)
		return m->sim == E1752_SIM_PIN ? R_CMS(311) : R_CMS(316);
	return m->sim == E1752_SIM_PIN ? R_CME(11) : R_CME(12);
}

/* ---- basic commands ---- */

static int
cmd_flag(const struct cmd *c, bool *flag)
{
	long v;

	if (basic_value(c, 1, &v) < 0)
		return R_ERROR;
	*flag = v == 1;
	return R_OK;
}

static int
cmd_e(struct e1752 *m, int p, const struct cmd *c)
{
	return cmd_flag(c, &m->port[p].echo);
}

static int
cmd_v(struct e1752 *m, int p, const struct cmd *c)
{
	return cmd_flag(c, &m->port[p].verbose);
}

static int
cmd_q(struct e1752 *m, int p, const struct cmd *c)
{
	return cmd_flag(c, &m->port[p].quiet);
}

static int
cmd_z(struct e1752 *m, int p, const struct cmd *c)
{
	long v;

	if (basic_value(c, 0, &v) < 0)
		return R_ERROR;
	port_defaults(m, &m->port[p]);
	return R_OK;
}

static int
cmd_accept(struct e1752 *m, int p, const struct cmd *c)
{
	long v;

	(void)m;
	(void)p;
	return basic_value(c, 9, &v) < 0 ? R_ERROR : R_OK;
}

static int
cmd_i(struct e1752 *m, int p, const struct cmd *c)
{
	long v;

	if (basic_value(c, 0, &v) < 0)
		return R_ERROR;
	info(m, p, "Manufacturer: %s", MANUFACTURER);
	info(m, p, "Model: %s", MODEL);
	info(m, p, "Revision: %s", REVISION);
	info(m, p, "IMEI: %s", m->imei);
	info(m, p, "%s", GCAP);
	return R_OK;
}

static int
cmd_s(struct e1752 *m, int p, const struct cmd *c)
{
	static const int defaults[] = { 0, 0, 43, 13, 10, 8, 2, 50, 2, 6, 14, 95, 50 };
	char num[8];
	size_t i = 0;
	long reg;

	while (i < c->args_len && i < sizeof(num) - 1 && isdigit((unsigned char)c->args[i])) {
		num[i] = c->args[i];
		i++;
	}
	num[i] = '\0';
	if (i == 0)
		return R_ERROR;
	reg = strtol(num, NULL, 10);
	if (reg >= (long)(sizeof(defaults) / sizeof(defaults[0])))
		return R_ERROR;
	if (c->type == T_READ) {
		info(m, p, "%03d", defaults[reg]);
		return R_OK;
	}
	/* Accepted and ignored: the line ends stay CR LF. */
	return c->type == T_SET ? R_OK : R_ERROR;
}

static void
leave_data(struct e1752 *m, int p)
{
	struct e1752_port *pt = &m->port[p];

	if (pt->plus > 0 && m->cfg.on_data != NULL)
		m->cfg.on_data(m->cfg.arg, (const uint8_t *)"+++", (size_t)pt->plus);
	pt->plus = 0;
	pt->state = E1752_CMD;
}

/* The call ends.  hangup_port: the port whose ATH ended it (it gets OK from
 * its own command), or -1 when the network dropped it. */
static void
drop_call(struct e1752 *m, int hangup_port)
{
	struct e1752_port *pt = &m->port[E1752_MODEM];

	if (!m->call_up)
		return;
	m->call_up = false;
	if (pt->state == E1752_DATA) {
		leave_data(m, E1752_MODEM);
		final(m, E1752_MODEM, R_NOCARRIER);
		flush_urcs(m, E1752_MODEM);
	} else if (pt->online_cmd && hangup_port != E1752_MODEM) {
		urc(m, E1752_MODEM, "NO CARRIER");
	}
	pt->online_cmd = false;
}

static int
cmd_h(struct e1752 *m, int p, const struct cmd *c)
{
	long v;

	if (basic_value(c, 0, &v) < 0)
		return R_ERROR;
	drop_call(m, p);
	return R_OK;
}

static int
cmd_o(struct e1752 *m, int p, const struct cmd *c)
{
	struct e1752_port *pt = &m->port[p];
	long v;

	if (basic_value(c, 0, &v) < 0)
		return R_ERROR;
	if (!m->call_up || p != E1752_MODEM || !pt->online_cmd)
		return R_NOCARRIER;
	pt->online_cmd = false;
	pt->state = E1752_DATA;
	pt->last_rx_ms = m->now_ms;
	final(m, p, R_CONNECT);
	return R_DONE;
}

static int
cmd_d(struct e1752 *m, int p, const struct cmd *c)
{
	struct e1752_port *pt = &m->port[p];
	int r;

	if (c->args_len == 0 || c->args[c->args_len - 1] == ';')
		return R_NOTSUP;	/* no voice on this stick */
	if (c->args_len < 4 || memcmp(c->args, "*99", 3) != 0 ||
	    c->args[c->args_len - 1] != '#')
		return R_NOCARRIER;
	if (p != E1752_MODEM)
		return R_ERROR;
	if ((r = sim_check(m, NEED_SIM)) != R_OK)
		return r;
	if (m->call_up)
		return R_CME(3);
	if (!registered(m))
		return R_NOCARRIER;
	m->call_up = true;
	m->call_start_ms = m->now_ms;
	m->call_tx = m->call_rx = 0;
	m->next_flow = m->now_ms + m->cfg.flow_every_ms;
	pt->state = E1752_DATA;
	pt->online_cmd = false;
	pt->plus = 0;
	pt->last_rx_ms = m->now_ms;
	final(m, p, R_CONNECT);
	return R_DONE;
}

/* ---- identity and status ---- */

static int
cmd_cgmi(struct e1752 *m, int p, const struct cmd *c)
{
	if (c->type == T_TEST)
		return R_OK;
	if (c->type != T_EXEC)
		return R_ERROR;
	info(m, p, "%s", MANUFACTURER);
	return R_OK;
}

static int
cmd_cgmm(struct e1752 *m, int p, const struct cmd *c)
{
	if (c->type == T_TEST)
		return R_OK;
	if (c->type != T_EXEC)
		return R_ERROR;
	info(m, p, "%s", MODEL);
	return R_OK;
}

static int
cmd_cgmr(struct e1752 *m, int p, const struct cmd *c)
{
	if (c->type == T_TEST)
		return R_OK;
	if (c->type != T_EXEC)
		return R_ERROR;
	info(m, p, "%s", REVISION);
	return R_OK;
}

static int
cmd_cgsn(struct e1752 *m, int p, const struct cmd *c)
{
	if (c->type == T_TEST)
		return R_OK;
	if (c->type != T_EXEC)
		return R_ERROR;
	info(m, p, "%s", m->imei);
	return R_OK;
}

static int
cmd_cimi(struct e1752 *m, int p, const struct cmd *c)
{
	if (c->type == T_TEST)
		return R_OK;
	if (c->type != T_EXEC)
		return R_ERROR;
	info(m, p, "%s", m->imsi);
	return R_OK;
}

static int
cmd_gcap(struct e1752 *m, int p, const struct cmd *c)
{
	if (c->type != T_EXEC)
		return c->type == T_TEST ? R_OK : R_ERROR;
	info(m, p, "%s", GCAP);
	return R_OK;
}

static const char *
cpin_code(const struct e1752 *m)
{
	switch (m->sim) {
	case E1752_SIM_PIN:
		return "SIM PIN";
	case E1752_SIM_PUK:
		return "SIM PUK";
	default:
		return "READY";
	}
}

static void
sim_unlocked(struct e1752 *m)
{
	m->sim = E1752_SIM_READY;
	m->pin_left = 3;
	m->puk_left = 10;
	update_reg(m);
}

static int
cpin_set(struct e1752 *m, const struct args *a)
{
	char code[E1752_STR_MAX], newpin[E1752_STR_MAX];

	if (arg_str(a, 0, code, sizeof(code)) < 0 || code[0] == '\0')
		return R_CME(50);
	if (m->sim == E1752_SIM_READY)
		return R_CME(3);
	if (m->sim == E1752_SIM_PIN) {
		if (strcmp(code, m->pin) == 0) {
			sim_unlocked(m);
			return R_OK;
		}
		if (--m->pin_left == 0)
			m->sim = E1752_SIM_PUK;
		return R_CME(16);
	}
	if (m->puk_left == 0)
		return R_CME(13);
	if (arg_str(a, 1, newpin, sizeof(newpin)) < 0 || newpin[0] == '\0')
		return R_CME(12);
	if (strcmp(code, m->puk) != 0) {
		m->puk_left--;
		return R_CME(16);
	}
	snprintf(m->pin, sizeof(m->pin), "%s", newpin);
	sim_unlocked(m);
	return R_OK;
}

static int
cmd_cpin(struct e1752 *m, int p, const struct cmd *c)
{
	struct args a;

	switch (c->type) {
	case T_READ:
		if (m->puk_left == 0)
			return R_CME(13);
		info(m, p, "+CPIN: %s", cpin_code(m));
		return R_OK;
	case T_SET:
		split_args(c, &a);
		return cpin_set(m, &a);
	case T_TEST:
		return R_OK;
	default:
		return R_ERROR;
	}
}

/* ^CPIN?: the code, the tries left for it, then PUK, PIN, PUK2, PIN2. */
static int
cmd_hcpin(struct e1752 *m, int p, const struct cmd *c)
{
	if (c->type != T_READ)
		return c->type == T_TEST ? R_OK : R_ERROR;
	if (m->sim == E1752_SIM_READY)
		info(m, p, "^CPIN: READY,,%d,%d,10,3", m->puk_left, m->pin_left);
	else
		info(m, p, "^CPIN: %s,%d,%d,%d,10,3", cpin_code(m),
		    m->sim == E1752_SIM_PIN ? m->pin_left : m->puk_left, m->puk_left,
		    m->pin_left);
	return R_OK;
}

static int
cmd_csq(struct e1752 *m, int p, const struct cmd *c)
{
	if (c->type == T_TEST) {
		info(m, p, "+CSQ: (0-31,99),(0-7,99)");
		return R_OK;
	}
	if (c->type != T_EXEC)
		return R_ERROR;
	info(m, p, "+CSQ: %d,99", m->cfun == 1 ? m->rssi : 99);
	return R_OK;
}

static int
reg_cmd(struct e1752 *m, int p, const struct cmd *c, const char *name, int *n)
{
	struct args a;
	long v;

	switch (c->type) {
	case T_READ:
		if (*n == 2 && registered(m))
			info(m, p, "%s: %d,%d,\"%s\",\"%s\"", name, *n, m->reg, LAC, CELL);
		else
			info(m, p, "%s: %d,%d", name, *n, m->reg);
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (a.n != 1 || arg_int(&a, 0, 0, 2, &v) != 0)
			return R_CME(50);
		*n = (int)v;
		return R_OK;
	case T_TEST:
		info(m, p, "%s: (0-2)", name);
		return R_OK;
	default:
		return R_ERROR;
	}
}

static int
cmd_creg(struct e1752 *m, int p, const struct cmd *c)
{
	return reg_cmd(m, p, c, "+CREG", &m->port[p].creg_n);
}

static int
cmd_cgreg(struct e1752 *m, int p, const struct cmd *c)
{
	return reg_cmd(m, p, c, "+CGREG", &m->port[p].cgreg_n);
}

static int
cmd_cops(struct e1752 *m, int p, const struct cmd *c)
{
	static const char *const names[] = { OP_LONG, OP_SHORT, OP_NUMERIC };
	struct args a;
	long mode, fmt;

	switch (c->type) {
	case T_READ:
		if (registered(m))
			info(m, p, "+COPS: 0,%d,\"%s\",2", m->cops_format, names[m->cops_format]);
		else
			info(m, p, "+COPS: 0");
		return R_OK;
	case T_TEST:
		info(m, p, "+COPS: (%d,\"%s\",\"%s\",\"%s\",2),,(0,1,2,3,4),(0,1,2)",
		    registered(m) ? 2 : 1, OP_LONG, OP_SHORT, OP_NUMERIC);
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (arg_int(&a, 0, 0, 4, &mode) != 0)
			return R_CME(50);
		fmt = m->cops_format;
		if (arg_int(&a, 1, 0, 2, &fmt) < 0)
			return R_CME(50);
		m->cops_format = (int)fmt;
		if (mode == 1 || mode == 4) {
			char oper[E1752_STR_MAX];

			if (arg_str(&a, 2, oper, sizeof(oper)) < 0 ||
			    (strcmp(oper, names[fmt]) != 0 && mode == 1))
				return R_CME(30);
		}
		return R_OK;
	default:
		return R_ERROR;
	}
}

static int
cmd_cfun(struct e1752 *m, int p, const struct cmd *c)
{
	struct args a;
	long v, rst = 0;

	switch (c->type) {
	case T_READ:
		info(m, p, "+CFUN: %d", m->cfun);
		return R_OK;
	case T_TEST:
		info(m, p, "+CFUN: (0,1,4-7),(0-1)");
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (arg_int(&a, 0, 0, 7, &v) != 0 || (v > 1 && v < 4) ||
		    arg_int(&a, 1, 0, 1, &rst) < 0)
			return R_CME(50);
		if (m->cfun == (int)v)
			return R_OK;
		m->cfun = (int)v;
		update_reg(m);
		urc_rssi(m);
		return R_OK;
	default:
		return R_ERROR;
	}
}

static int
cmd_cmee(struct e1752 *m, int p, const struct cmd *c)
{
	struct args a;
	long v;

	switch (c->type) {
	case T_READ:
		info(m, p, "+CMEE: %d", m->port[p].cmee);
		return R_OK;
	case T_TEST:
		info(m, p, "+CMEE: (0-2)");
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (a.n != 1 || arg_int(&a, 0, 0, 2, &v) != 0)
			return R_CME(50);
		m->port[p].cmee = (int)v;
		return R_OK;
	default:
		m->port[p].cmee = 1;
		return R_OK;
	}
}

static int
cmd_cscs(struct e1752 *m, int p, const struct cmd *c)
{
	struct args a;

	switch (c->type) {
	case T_READ:
		info(m, p, "+CSCS: \"%s\"", charset_names[m->port[p].cscs]);
		return R_OK;
	case T_TEST:
		info(m, p, "+CSCS: (\"IRA\",\"GSM\",\"UCS2\")");
		return R_OK;
	case T_SET:
		split_args(c, &a);
		for (int i = 0; i < 3; i++) {
			if (a.n == 1 && arg_is(&a, 0, charset_names[i])) {
				m->port[p].cscs = i;
				return R_OK;
			}
		}
		return R_CME(50);
	default:
		return R_ERROR;
	}
}

static int
cmd_curc(struct e1752 *m, int p, const struct cmd *c)
{
	struct args a;
	long v;

	switch (c->type) {
	case T_READ:
		info(m, p, "^CURC: %d", m->curc);
		return R_OK;
	case T_TEST:
		info(m, p, "^CURC: (0-1)");
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (a.n != 1 || arg_int(&a, 0, 0, 1, &v) != 0)
			return R_CME(50);
		m->curc = v == 1;
		return R_OK;
	default:
		return R_ERROR;
	}
}

static int
cmd_sysinfo(struct e1752 *m, int p, const struct cmd *c)
{
	int srv = registered(m) ? 2 : m->reg == 3 ? 1 : 0;

	if (c->type != T_EXEC)
		return c->type == T_TEST ? R_OK : R_ERROR;
	info(m, p, "^SYSINFO:%d,%d,%d,%d,%d,,%d", srv, registered(m) ? 3 : 0, m->reg == 5,
	    registered(m) ? 5 : 0, 1, registered(m) ? 4 : 0);
	return R_OK;
}

static int
cmd_getportmode(struct e1752 *m, int p, const struct cmd *c)
{
	if (c->type != T_EXEC)
		return c->type == T_TEST ? R_OK : R_ERROR;
	info(m, p, "%s", PORTMODE);
	return R_OK;
}

static int
cmd_u2diag(struct e1752 *m, int p, const struct cmd *c)
{
	struct args a;
	long v;

	switch (c->type) {
	case T_READ:
		info(m, p, "^U2DIAG:%d", m->u2diag);
		return R_OK;
	case T_TEST:
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (a.n != 1 || arg_int(&a, 0, 0, 276, &v) != 0)
			return R_CME(50);
		m->u2diag = (int)v;
		return R_OK;
	default:
		return R_ERROR;
	}
}

static int
cmd_cgdcont(struct e1752 *m, int p, const struct cmd *c)
{
	struct args a;
	long cid;

	switch (c->type) {
	case T_READ:
		if (m->apn[0] != '\0')
			info(m, p, "+CGDCONT: 1,\"IP\",\"%s\",\"0.0.0.0\",0,0", m->apn);
		return R_OK;
	case T_TEST:
		info(m, p, "+CGDCONT: (1-16),\"IP\",,,(0-2),(0-3)");
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (arg_int(&a, 0, 1, 16, &cid) != 0)
			return R_CME(50);
		if (a.n >= 3 && arg_str(&a, 2, m->apn, sizeof(m->apn)) < 0)
			return R_CME(50);
		return R_OK;
	default:
		return R_ERROR;
	}
}

static int
cmd_cgatt(struct e1752 *m, int p, const struct cmd *c)
{
	if (c->type == T_READ)
		info(m, p, "+CGATT: %d", registered(m));
	else if (c->type == T_TEST)
		info(m, p, "+CGATT: (0-1)");
	return R_OK;
}

/* ---- SMS settings ---- */

static int
cmd_cmgf(struct e1752 *m, int p, const struct cmd *c)
{
	struct args a;
	long v;

	switch (c->type) {
	case T_READ:
		info(m, p, "+CMGF: %d", m->port[p].cmgf);
		return R_OK;
	case T_TEST:
		info(m, p, m->cfg.text_only ? "+CMGF: (1)" : "+CMGF: (0-1)");
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (a.n != 1 || arg_int(&a, 0, 0, 1, &v) != 0)
			return R_CMS(302);
		if (v == 0 && m->cfg.text_only)
			return R_CMS(303);	/* operation not supported */
		m->port[p].cmgf = (int)v;
		return R_OK;
	default:
		return R_ERROR;
	}
}

/* AT+CSMP=<fo>,<vp>,<pid>,<dcs>: kept and shown; the text's alphabet is
 * still chosen from its characters. */
static int
cmd_csmp(struct e1752 *m, int p, const struct cmd *c)
{
	struct e1752_port *pt = &m->port[p];
	struct args a;
	int v[4];
	long x;

	switch (c->type) {
	case T_READ:
		info(m, p, "+CSMP: %d,%d,%d,%d", pt->csmp[0], pt->csmp[1], pt->csmp[2],
		    pt->csmp[3]);
		return R_OK;
	case T_TEST:
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (a.n > 4)
			return R_CMS(302);
		memcpy(v, pt->csmp, sizeof(v));
		for (int i = 0; i < a.n; i++) {
			int r = arg_int(&a, i, 0, 255, &x);

			if (r < 0)
				return R_CMS(302);
			if (r == 0)
				v[i] = (int)x;
		}
		memcpy(pt->csmp, v, sizeof(v));
		return R_OK;
	default:
		return R_ERROR;
	}
}

static int
cmd_csms(struct e1752 *m, int p, const struct cmd *c)
{
	struct args a;
	long v;

	switch (c->type) {
	case T_READ:
		info(m, p, "+CSMS: 0,1,1,1");
		return R_OK;
	case T_TEST:
		info(m, p, "+CSMS: (0-1)");
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (a.n != 1 || arg_int(&a, 0, 0, 1, &v) != 0)
			return R_CMS(302);
		info(m, p, "+CSMS: 1,1,1");
		return R_OK;
	default:
		return R_ERROR;
	}
}

static int
mem_index(const struct args *a, int k)
{
	for (int i = 0; i < 2; i++)
		if (arg_is(a, k, mem_names[i]))
			return i;
	return -1;
}

static int
cmd_cpms(struct e1752 *m, int p, const struct cmd *c)
{
	struct args a;
	int sel[3];

	switch (c->type) {
	case T_READ:
		info(m, p, "+CPMS: \"%s\",%d,%d,\"%s\",%d,%d,\"%s\",%d,%d",
		    mem_names[m->mem_sel[0]], smstore_used(&m->mem[m->mem_sel[0]]),
		    m->mem[m->mem_sel[0]].size, mem_names[m->mem_sel[1]],
		    smstore_used(&m->mem[m->mem_sel[1]]), m->mem[m->mem_sel[1]].size,
		    mem_names[m->mem_sel[2]], smstore_used(&m->mem[m->mem_sel[2]]),
		    m->mem[m->mem_sel[2]].size);
		return R_OK;
	case T_TEST:
		info(m, p, "+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")");
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (a.n < 1 || a.n > 3)
			return R_CMS(302);
		memcpy(sel, m->mem_sel, sizeof(sel));
		for (int i = 0; i < a.n; i++) {
			if (!arg_present(&a, i))
				continue;
			if ((sel[i] = mem_index(&a, i)) < 0)
				return R_CMS(302);
		}
		memcpy(m->mem_sel, sel, sizeof(sel));
		info(m, p, "+CPMS: %d,%d,%d,%d,%d,%d", smstore_used(&m->mem[sel[0]]),
		    m->mem[sel[0]].size, smstore_used(&m->mem[sel[1]]), m->mem[sel[1]].size,
		    smstore_used(&m->mem[sel[2]]), m->mem[sel[2]].size);
		return R_OK;
	default:
		return R_ERROR;
	}
}

static void
flush_buffered_cmti(struct e1752 *m, int p, bool discard)
{
	struct e1752_port *pt = &m->port[p];

	for (int i = 0; i < pt->n_cmti && !discard; i++)
		urc(m, p, "%s", pt->cmti[i]);
	pt->n_cmti = 0;
}

static int
cmd_cnmi(struct e1752 *m, int p, const struct cmd *c)
{
	static const long hi[5] = { 3, 3, 2, 2, 1 };
	struct e1752_port *pt = &m->port[p];
	struct args a;
	int v[5];

	switch (c->type) {
	case T_READ:
		info(m, p, "+CNMI: %d,%d,%d,%d,%d", pt->cnmi[0], pt->cnmi[1], pt->cnmi[2],
		    pt->cnmi[3], pt->cnmi[4]);
		return R_OK;
	case T_TEST:
		info(m, p, "+CNMI: (0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)");
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (a.n < 1 || a.n > 5)
			return R_CMS(302);
		memcpy(v, pt->cnmi, sizeof(v));
		for (int i = 0; i < a.n; i++) {
			long x;
			int r = arg_int(&a, i, 0, hi[i], &x);

			if (r < 0)
				return R_CMS(303);
			if (r == 0)
				v[i] = (int)x;
		}
		memcpy(pt->cnmi, v, sizeof(v));
		if (v[0] != 0)
			flush_buffered_cmti(m, p, v[4] == 1);
		return R_OK;
	default:
		return R_ERROR;
	}
}

static int
cmd_csca(struct e1752 *m, int p, const struct cmd *c)
{
	struct args a;
	char num[E1752_STR_MAX];
	long toa = 0;

	switch (c->type) {
	case T_READ:
		info(m, p, "+CSCA: \"%s\",%d", m->smsc, m->smsc_toa);
		return R_OK;
	case T_TEST:
		return R_OK;
	case T_SET:
		split_args(c, &a);
		if (arg_str(&a, 0, num, sizeof(num)) < 0 || arg_int(&a, 1, 0, 255, &toa) < 0)
			return R_CMS(304);
		snprintf(m->smsc, sizeof(m->smsc), "%s", num);
		m->smsc_toa = toa != 0 ? (int)toa : num[0] == '+' ? 145 : 129;
		return R_OK;
	default:
		return R_ERROR;
	}
}

/* ---- reading and deleting messages ---- */

/* A stored message as +CMGL/+CMGR show it; header is "+CMGL: <i>," or
 * "+CMGR: ". */
static void
show_message(struct e1752 *m, int p, const char *header, struct smstore_slot *sl)
{
	struct e1752_port *pt = &m->port[p];
	struct sms_deliver d;
	char scts[32], from[4 * SMS_ADDR_MAX + 1], text[4 * SMS_TEXT_MAX + 1];

	if (pt->cmgf == 0) {
		info(m, p, "%s%d,,%d", header, (int)sl->stat, tpdu_length(sl->hex, sl->hex_len));
		info(m, p, "%s", sl->hex);
		return;
	}
	if (sms_decode_hex(sl->hex, sl->hex_len, &d, NULL, 0) < 0) {
		info(m, p, "%s\"%s\",\"\",", header, stat_names[sl->stat]);
		info(m, p, "%s", "");
		return;
	}
	scts_text(&d.scts, scts, sizeof(scts));
	to_charset(pt->cscs, d.from.text, strlen(d.from.text), from, sizeof(from));
	if (d.encoding == SMS_ENC_8BIT)
		snprintf(text, sizeof(text), "%s", d.text);
	else
		to_charset(d.encoding == SMS_ENC_UCS2 ? CS_UCS2 : pt->cscs, d.text, d.text_len,
		    text, sizeof(text));
	info(m, p, "%s\"%s\",\"%s\",,\"%s\"", header, stat_names[sl->stat], from, scts);
	info(m, p, "%s", text);
}

static int
list_filter(const struct e1752_port *pt, const struct args *a, int *want)
{
	long v = 0;

	if (pt->cmgf == 0) {
		if (arg_int(a, 0, 0, 4, &v) < 0)
			return R_CMS(304);
		*want = (int)v;
		return R_OK;
	}
	*want = 0;
	if (!arg_present(a, 0))
		return R_OK;
	for (int i = 0; i < 5; i++) {
		if (a->f[0].quoted && arg_is(a, 0, stat_names[i])) {
			*want = i;
			return R_OK;
		}
	}
	return R_CMS(305);
}

static int
cmd_cmgl(struct e1752 *m, int p, const struct cmd *c)
{
	struct e1752_port *pt = &m->port[p];
	struct smstore *s = &m->mem[m->mem_sel[0]];
	struct args a;
	int want, r;

	if (c->type == T_TEST) {
		if (pt->cmgf == 0)
			info(m, p, "+CMGL: (0-4)");
		else
			info(m, p, "+CMGL: (\"REC UNREAD\",\"REC READ\",\"STO UNSENT\","
				   "\"STO SENT\",\"ALL\")");
		return R_OK;
	}
	if (c->type == T_READ)
		return R_ERROR;
	split_args(c, &a);
	if ((r = list_filter(pt, &a, &want)) != R_OK)
		return r;
	for (int i = 0; i < s->size; i++) {
		struct smstore_slot *sl = smstore_get(s, i);
		char header[24];

		if (sl == NULL || !smstore_stat_matches(sl->stat, want))
			continue;
		snprintf(header, sizeof(header), "+CMGL: %d,", i);
		show_message(m, p, header, sl);
		if (sl->stat == SMSTORE_REC_UNREAD)
			sl->stat = SMSTORE_REC_READ;
	}
	return R_OK;
}

static int
cmd_cmgr(struct e1752 *m, int p, const struct cmd *c)
{
	struct smstore *s = &m->mem[m->mem_sel[0]];
	struct smstore_slot *sl;
	struct args a;
	long index;

	if (c->type == T_TEST)
		return R_OK;
	if (c->type != T_SET)
		return R_ERROR;
	split_args(c, &a);
	if (a.n != 1 || arg_int(&a, 0, 0, 999, &index) != 0 ||
	    !smstore_valid_index(s, (int)index))
		return R_CMS(321);
	sl = smstore_get(s, (int)index);
	if (sl == NULL)
		return R_OK;	/* Huawei: an empty slot is a bare OK */
	show_message(m, p, "+CMGR: ", sl);
	if (sl->stat == SMSTORE_REC_UNREAD)
		sl->stat = SMSTORE_REC_READ;
	return R_OK;
}

static int
cmd_cmgd(struct e1752 *m, int p, const struct cmd *c)
{
	struct smstore *s = &m->mem[m->mem_sel[0]];
	struct args a;
	long index = 0, flag = 0;
	char list[4 * SMSTORE_SLOTS_MAX + 1];
	size_t o = 0;

	if (c->type == T_TEST) {
		list[0] = '\0';
		for (int i = 0; i < s->size; i++) {
			int n;

			if (smstore_get(s, i) == NULL)
				continue;
			n = snprintf(list + o, sizeof(list) - o, "%s%d", o > 0 ? "," : "", i);
			if (n < 0 || (size_t)n >= sizeof(list) - o)
				break;
			o += (size_t)n;
		}
		info(m, p, "+CMGD: (%s),(0-4)", list);
		return R_OK;
	}
	if (c->type != T_SET)
		return R_ERROR;
	split_args(c, &a);
	if (a.n < 1 || a.n > 2 || arg_int(&a, 1, 0, 4, &flag) < 0)
		return R_CMS(302);
	if (flag > 0) {
		smstore_delete_flag(s, (int)flag);
		return R_OK;
	}
	if (arg_int(&a, 0, 0, 999, &index) != 0 || !smstore_valid_index(s, (int)index))
		return R_CMS(321);
	smstore_delete(s, (int)index);
	return R_OK;
}

/* ---- sending ---- */

static int
cmd_cmgs(struct e1752 *m, int p, const struct cmd *c)
{
	struct e1752_port *pt = &m->port[p];
	struct args a;
	long v, toa = 0;

	if (c->type == T_TEST)
		return R_OK;
	if (c->type != T_SET)
		return R_ERROR;
	split_args(c, &a);
	if (pt->cmgf == 0) {
		if (a.n != 1 || arg_int(&a, 0, 7, 164, &v) != 0)
			return R_CMS(304);
		pt->prompt_text = false;
		pt->prompt_tpdu = (int)v;
	} else {
		char da[4 * E1752_STR_MAX];

		if (a.n < 1 || a.n > 2 || !a.f[0].quoted || arg_str(&a, 0, da, sizeof(da)) < 0 ||
		    arg_int(&a, 1, 0, 255, &toa) < 0 ||
		    number_in_charset(pt->cscs, da, pt->prompt_da, sizeof(pt->prompt_da)) < 0)
			return R_CMS(305);
		if (toa == 145 && pt->prompt_da[0] != '+') {
			char tmp[E1752_STR_MAX];

			snprintf(tmp, sizeof(tmp), "+%s", pt->prompt_da);
			snprintf(pt->prompt_da, sizeof(pt->prompt_da), "%s", tmp);
		}
		pt->prompt_text = true;
	}
	pt->prompt_len = 0;
	pt->prompt_long = false;
	pt->state = E1752_PROMPT;
	out_str(m, p, "\r\n> ");
	return R_DONE;
}

/* The PDU typed at the prompt: hex, an SMS-SUBMIT, <length> octets. */
static int
check_submit(const struct e1752 *m, const char *hex, size_t len, int tpdu)
{
	uint8_t o[SMSTORE_HEX_MAX / 2];
	long n = text_unhex(hex, len, o, sizeof(o));

	if (n < 2 || (long)o[0] + 1 + tpdu != n)
		return R_CMS(304);
	if ((o[1 + o[0]] & 0x03) != 0x01)
		return R_CMS(304);
	if (o[0] == 0 && m->smsc[0] == '\0')
		return R_CMS(330);
	return R_OK;
}

static int
submit_text(struct e1752 *m, struct e1752_port *pt, char *hex, size_t hexlen, size_t *len)
{
	char text[4 * SMS_TEXT_MAX];
	struct sms_submit_pdu pdu;
	size_t npdu;
	long tl = from_charset(pt->cscs, pt->prompt, pt->prompt_len, text, sizeof(text));

	(void)m;
	if (tl < 0 ||
	    sms_encode_submit(pt->prompt_da, text, (size_t)tl, NULL, &pdu, 1, &npdu, NULL, 0) < 0)
		return R_CMS(305);
	*len = strlen(pdu.hex);
	if (*len >= hexlen)
		return R_CMS(305);
	memcpy(hex, pdu.hex, *len + 1);
	return R_OK;
}

static int
submit(struct e1752 *m, int p)
{
	struct e1752_port *pt = &m->port[p];
	char hex[SMSTORE_HEX_MAX];
	size_t len;
	int r;

	if (pt->prompt_long)
		return pt->prompt_text ? R_CMS(305) : R_CMS(304);
	if (pt->prompt_text) {
		if ((r = submit_text(m, pt, hex, sizeof(hex), &len)) != R_OK)
			return r;
	} else {
		if ((r = check_submit(m, pt->prompt, pt->prompt_len, pt->prompt_tpdu)) != R_OK)
			return r;
		len = pt->prompt_len;
		for (size_t i = 0; i < len; i++)
			hex[i] = (char)toupper((unsigned char)pt->prompt[i]);
		hex[len] = '\0';
	}
	if (!registered(m))
		return R_CMS(331);
	if (m->cfg.on_submit != NULL)
		m->cfg.on_submit(m->cfg.arg, hex, len);
	info(m, p, "+CMGS: %d", m->mr);
	m->mr = (m->mr + 1) % 256;
	return R_OK;
}

static void
prompt_byte(struct e1752 *m, int p, uint8_t b)
{
	struct e1752_port *pt = &m->port[p];
	int r;

	switch (b) {
	case 0x1A:
		pt->info_lines = 0;
		r = submit(m, p);
		pt->state = E1752_CMD;
		final(m, p, r);
		flush_urcs(m, p);
		return;
	case 0x1B:
		pt->state = E1752_CMD;
		final(m, p, R_OK);
		flush_urcs(m, p);
		return;
	case '\r':
		/* 27.005: a new line of text gets a new prompt */
		out_str(m, p, "\r\n> ");
		b = '\n';
		break;
	case '\n':
		return;
	case 0x08:
		if (pt->prompt_len > 0)
			pt->prompt_len--;
		if (pt->echo)
			out_raw(m, p, "\b", 1);
		return;
	default:
		if (pt->echo)
			out_raw(m, p, (const char *)&b, 1);
		break;
	}
	if (!pt->prompt_text && b == '\n')
		return;
	if (pt->prompt_len == sizeof(pt->prompt)) {
		pt->prompt_long = true;
		return;
	}
	pt->prompt[pt->prompt_len++] = (char)b;
}

/* ---- the command table and the line interpreter ---- */

typedef int (*cmd_fn)(struct e1752 *, int, const struct cmd *);

struct cmd_def {
	const char *name;
	cmd_fn	    fn;
	int	    need;
};

static const struct cmd_def commands[] = {
	{ "E", cmd_e, NEED_NONE },
	{ "V", cmd_v, NEED_NONE },
	{ "Q", cmd_q, NEED_NONE },
	{ "Z", cmd_z, NEED_NONE },
	{ "&F", cmd_z, NEED_NONE },
	{ "I", cmd_i, NEED_NONE },
	{ "H", cmd_h, NEED_NONE },
	{ "O", cmd_o, NEED_NONE },
	{ "D", cmd_d, NEED_NONE },
	{ "S", cmd_s, NEED_NONE },
	{ "&C", cmd_accept, NEED_NONE },
	{ "&D", cmd_accept, NEED_NONE },
	{ "&W", cmd_accept, NEED_NONE },
	{ "X", cmd_accept, NEED_NONE },
	{ "L", cmd_accept, NEED_NONE },
	{ "M", cmd_accept, NEED_NONE },
	{ "+CGMI", cmd_cgmi, NEED_NONE },
	{ "+GMI", cmd_cgmi, NEED_NONE },
	{ "+CGMM", cmd_cgmm, NEED_NONE },
	{ "+GMM", cmd_cgmm, NEED_NONE },
	{ "+CGMR", cmd_cgmr, NEED_NONE },
	{ "+GMR", cmd_cgmr, NEED_NONE },
	{ "+CGSN", cmd_cgsn, NEED_NONE },
	{ "+GSN", cmd_cgsn, NEED_NONE },
	{ "+GCAP", cmd_gcap, NEED_NONE },
	{ "+CIMI", cmd_cimi, NEED_SIM },
	{ "+CPIN", cmd_cpin, NEED_NONE },
	{ "^CPIN", cmd_hcpin, NEED_NONE },
	{ "+CSQ", cmd_csq, NEED_NONE },
	{ "+CREG", cmd_creg, NEED_NONE },
	{ "+CGREG", cmd_cgreg, NEED_NONE },
	{ "+COPS", cmd_cops, NEED_SIM },
	{ "+CFUN", cmd_cfun, NEED_NONE },
	{ "+CMEE", cmd_cmee, NEED_NONE },
	{ "+CSCS", cmd_cscs, NEED_NONE },
	{ "^CURC", cmd_curc, NEED_NONE },
	{ "^SYSINFO", cmd_sysinfo, NEED_NONE },
	{ "^GETPORTMODE", cmd_getportmode, NEED_NONE },
	{ "^U2DIAG", cmd_u2diag, NEED_NONE },
	{ "+CGDCONT", cmd_cgdcont, NEED_NONE },
	{ "+CGATT", cmd_cgatt, NEED_SIM },
	{ "+CMGF", cmd_cmgf, NEED_NONE },
	{ "+CSMS", cmd_csms, NEED_NONE },
	{ "+CSMP", cmd_csmp, NEED_NONE },
	{ "+CPMS", cmd_cpms, NEED_SIM_SMS },
	{ "+CNMI", cmd_cnmi, NEED_NONE },
	{ "+CSCA", cmd_csca, NEED_SIM_SMS },
	{ "+CMGL", cmd_cmgl, NEED_SIM_SMS },
	{ "+CMGR", cmd_cmgr, NEED_SIM_SMS },
	{ "+CMGD", cmd_cmgd, NEED_SIM_SMS },
	{ "+CMGS", cmd_cmgs, NEED_SIM_SMS },
};

static bool
is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * The next command of a normalised line (upper case and no spaces outside
 * quotes) from *i.  false when the text there is no command at all.
 */
static bool
next_cmd(const char *s, size_t n, size_t *i, struct cmd *c)
{
	size_t k = *i, nl = 0;

	memset(c, 0, sizeof(*c));
	if (strchr("+^$%*#!", s[k]) != NULL) {
		c->name[nl++] = s[k++];
		while (k < n && is_name_char(s[k]) && nl < sizeof(c->name) - 1)
			c->name[nl++] = s[k++];
		if (k < n && is_name_char(s[k]))
			return false;
		if (k + 1 < n && s[k] == '=' && s[k + 1] == '?') {
			c->type = T_TEST;
			k += 2;
		} else if (k < n && s[k] == '=') {
			bool q = false;

			c->type = T_SET;
			c->args = s + ++k;
			while (k < n && (q || s[k] != ';')) {
				if (s[k] == '"')
					q = !q;
				k++;
			}
			c->args_len = (size_t)(s + k - c->args);
		} else if (k < n && s[k] == '?') {
			c->type = T_READ;
			k++;
		}
		if (k < n && s[k] == ';')
			k++;
		*i = k;
		return true;
	}
	if (s[k] == '&') {
		if (k + 1 >= n || !isalpha((unsigned char)s[k + 1]))
			return false;
		c->name[0] = '&';
		c->name[1] = s[k + 1];
		k += 2;
	} else if (isalpha((unsigned char)s[k])) {
		c->name[0] = s[k++];
	} else {
		return false;
	}
	c->args = s + k;
	if (c->name[0] == 'D') {
		k = n;	/* the dial string is the rest of the line */
	} else if (c->name[0] == 'S') {
		while (k < n && isdigit((unsigned char)s[k]))
			k++;
		if (k < n && s[k] == '?') {
			c->type = T_READ;
			k++;
		} else if (k < n && s[k] == '=') {
			c->type = T_SET;
			k++;
			while (k < n && isdigit((unsigned char)s[k]))
				k++;
		}
	} else {
		while (k < n && isdigit((unsigned char)s[k]))
			k++;
	}
	c->args_len = (size_t)(s + k - c->args);
	*i = k;
	return true;
}

static int
run_cmd(struct e1752 *m, int p, const struct cmd *c)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		int r;

		if (strcmp(commands[i].name, c->name) != 0)
			continue;
		if (c->type != T_TEST && (r = sim_check(m, commands[i].need)) != R_OK)
			return r;
		return commands[i].fn(m, p, c);
	}
	return R_NOTSUP;
}

/* Upper case and no spaces or controls outside quotes; from the "AT" on. */
static size_t
normalise(const char *line, size_t len, char *out, size_t outlen)
{
	size_t o = 0;
	bool q = false;

	for (size_t i = 0; i < len && o < outlen - 1; i++) {
		char ch = line[i];

		if (ch == '"')
			q = !q;
		if (!q && (ch == ' ' || (unsigned char)ch < 0x20 || ch == 0x7F))
			continue;
		out[o++] = q ? ch : (char)toupper((unsigned char)ch);
	}
	out[o] = '\0';
	return o;
}

static void
execute_line(struct e1752 *m, int p, const char *line, size_t len)
{
	struct e1752_port *pt = &m->port[p];
	char norm[E1752_LINE_MAX];
	size_t n, i, at;
	int r = R_OK;

	for (at = 0; at + 1 < len; at++)
		if (toupper((unsigned char)line[at]) == 'A' &&
		    toupper((unsigned char)line[at + 1]) == 'T')
			break;
	if (at + 1 >= len)
		return;	/* no "AT": not a command line, no answer */
	memcpy(pt->last, line + at, len - at);
	pt->last[len - at] = '\0';
	n = normalise(line + at + 2, len - at - 2, norm, sizeof(norm));
	i = 0;
	while (i < n) {
		struct cmd c;

		if (norm[i] == ';') {
			i++;
			continue;
		}
		pt->info_lines = 0;
		if (!next_cmd(norm, n, &i, &c)) {
			r = R_NOTSUP;
			break;
		}
		r = run_cmd(m, p, &c);
		if (r != R_OK)
			break;
	}
	final(m, p, r);
}

static void
command_byte(struct e1752 *m, int p, uint8_t b)
{
	struct e1752_port *pt = &m->port[p];

	if (pt->echo)
		out_raw(m, p, (const char *)&b, 1);
	switch (b) {
	case '\r':
		/* Codes held while the host typed go between echo and reply;
		 * those the command itself causes, after its result. */
		flush_urcs(m, p);
		if (pt->line_long)
			final(m, p, R_ERROR);
		else
			execute_line(m, p, pt->line, pt->line_len);
		pt->line_len = 0;
		pt->line_long = false;
		if (port_idle(pt) && !m->cfg.urc_in_reply)
			flush_urcs(m, p);
		return;
	case '\n':
		return;
	case 0x08:
		if (pt->line_len > 0)
			pt->line_len--;
		return;
	case '/':
		if (pt->line_len == 1 && toupper((unsigned char)pt->line[0]) == 'A') {
			char again[E1752_LINE_MAX];

			flush_urcs(m, p);
			memcpy(again, pt->last, sizeof(again));
			execute_line(m, p, again, strlen(again));
			pt->line_len = 0;
			if (port_idle(pt) && !m->cfg.urc_in_reply)
				flush_urcs(m, p);
			return;
		}
		break;
	default:
		break;
	}
	if (pt->line_len == sizeof(pt->line) - 1) {
		pt->line_long = true;
		return;
	}
	pt->line[pt->line_len++] = (char)b;
}

static void
data_bytes(struct e1752 *m, int p, const uint8_t *buf, size_t len)
{
	struct e1752_port *pt = &m->port[p];
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		bool quiet_before = m->now_ms - pt->last_rx_ms >= E1752_GUARD_MS;
		bool quick = m->now_ms - pt->plus_ms < E1752_GUARD_MS;

		if (buf[i] == '+' && ((pt->plus == 0 && quiet_before && i == start) ||
		    (pt->plus > 0 && pt->plus < 3 && quick))) {
			if (i > start && m->cfg.on_data != NULL)
				m->cfg.on_data(m->cfg.arg, buf + start, i - start);
			pt->plus++;
			pt->plus_ms = m->now_ms;
			start = i + 1;
			continue;
		}
		if (pt->plus > 0) {
			if (m->cfg.on_data != NULL)
				m->cfg.on_data(m->cfg.arg, (const uint8_t *)"+++",
				    (size_t)pt->plus);
			pt->plus = 0;
		}
	}
	if (start < len && m->cfg.on_data != NULL)
		m->cfg.on_data(m->cfg.arg, buf + start, len - start);
	m->call_tx += len;
	pt->last_rx_ms = m->now_ms;
}

/* ---- interface ---- */

void
e1752_config_defaults(struct e1752_config *c)
{
	memset(c, 0, sizeof(*c));
	c->nports = 2;
	c->sm_size = 50;
	c->me_size = 23;
	c->rssi = 20;
	c->reg = 1;
	c->rssi_every_ms = 10000;
	c->boot_every_ms = 30000;
	c->flow_every_ms = 2000;
}

static bool
digits_only(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

int
e1752_init(struct e1752 *m, const struct e1752_config *c, int64_t now_ms, char *err,
    size_t errlen)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *c;
	if (c->nports < 1 || c->nports > E1752_PORTS) {
		snprintf(err, errlen, "%d ports: the stick has 1 or 2", c->nports);
		return -1;
	}
	if (c->pin != NULL && !digits_only(c->pin, 4, 8)) {
		snprintf(err, errlen, "PIN '%s': 4 to 8 digits", c->pin);
		return -1;
	}
	if (c->puk != NULL && !digits_only(c->puk, 8, 8)) {
		snprintf(err, errlen, "PUK '%s': 8 digits", c->puk);
		return -1;
	}
	if (c->rssi < 0 || (c->rssi > 31 && c->rssi != 99) || c->reg < 0 || c->reg > 5) {
		snprintf(err, errlen, "signal 0..31 or 99, registration 0..5");
		return -1;
	}
	snprintf(m->pin, sizeof(m->pin), "%s", c->pin != NULL ? c->pin : "");
	snprintf(m->puk, sizeof(m->puk), "%s", c->puk != NULL ? c->puk : "12345678");
	snprintf(m->imei, sizeof(m->imei), "%s", c->imei != NULL ? c->imei : "353142034762610");
	snprintf(m->imsi, sizeof(m->imsi), "%s", c->imsi != NULL ? c->imsi : "001010123456789");
	snprintf(m->smsc, sizeof(m->smsc), "%s", c->smsc != NULL ? c->smsc : "+447785016005");
	m->smsc_toa = m->smsc[0] == '+' ? 145 : 129;
	m->nports = c->nports;
	smstore_init(&m->mem[0], "SM", c->sm_size);
	smstore_init(&m->mem[1], "ME", c->me_size);
	m->rssi = c->rssi;
	m->reg_wanted = c->reg;
	m->boot_key = BOOT_KEY;
	e1752_reset(m, now_ms);
	return 0;
}

void
e1752_reset(struct e1752 *m, int64_t now_ms)
{
	for (int p = 0; p < E1752_PORTS; p++) {
		struct e1752_port *pt = &m->port[p];

		memset(pt, 0, sizeof(*pt));
		port_defaults(m, pt);
		pt->last_rx_ms = now_ms;
	}
	m->now_ms = now_ms;
	m->sim = m->pin[0] != '\0' ? E1752_SIM_PIN : E1752_SIM_READY;
	m->pin_left = 3;
	m->puk_left = 10;
	memset(m->mem_sel, 0, sizeof(m->mem_sel));
	m->cfun = 1;
	m->curc = true;
	m->u2diag = 255;
	m->cops_format = 0;
	m->call_up = false;
	m->hung = false;
	m->apn[0] = '\0';
	m->reg = m->sim == E1752_SIM_READY ? m->reg_wanted : 0;
	m->next_rssi = m->cfg.rssi_every_ms > 0 ? now_ms + m->cfg.rssi_every_ms : 0;
	m->next_boot = m->cfg.boot_every_ms > 0 ? now_ms + m->cfg.boot_every_ms : 0;
}

void
e1752_input(struct e1752 *m, int port, const uint8_t *buf, size_t len, int64_t now_ms)
{
	struct e1752_port *pt;

	if (port < 0 || port >= m->nports || m->hung)
		return;
	pt = &m->port[port];
	m->now_ms = now_ms;
	for (size_t i = 0; i < len; i++) {
		switch (pt->state) {
		case E1752_DATA:
			data_bytes(m, port, buf + i, len - i);
			return;
		case E1752_PROMPT:
			prompt_byte(m, port, buf[i]);
			break;
		default:
			command_byte(m, port, buf[i]);
			break;
		}
	}
	pt->last_rx_ms = now_ms;
}

static void
check_escape(struct e1752 *m, int p)
{
	struct e1752_port *pt = &m->port[p];

	if (pt->state != E1752_DATA || pt->plus != 3 ||
	    m->now_ms - pt->plus_ms < E1752_GUARD_MS)
		return;
	pt->plus = 0;
	pt->state = E1752_CMD;
	pt->online_cmd = true;
	final(m, p, R_OK);
	flush_urcs(m, p);
}

void
e1752_tick(struct e1752 *m, int64_t now_ms)
{
	m->now_ms = now_ms;
	if (m->hung)
		return;
	for (int p = 0; p < m->nports; p++)
		check_escape(m, p);
	if (m->next_rssi != 0 && now_ms >= m->next_rssi)
		urc_rssi(m);
	if (m->next_boot != 0 && now_ms >= m->next_boot) {
		e1752_boot_now(m);
		m->next_boot = now_ms + m->cfg.boot_every_ms;
	}
	if (m->call_up && m->cfg.flow_every_ms > 0 && now_ms >= m->next_flow) {
		int64_t secs = (now_ms - m->call_start_ms) / 1000;

		if (m->curc)
			urc(m, pcui(m),
			    "^DSFLOWRPT:%08llX,%08X,%08X,%016lX,%016lX,0003E800,0003E800",
			    (unsigned long long)secs, 0u, 0u, m->call_tx, m->call_rx);
		m->next_flow = now_ms + m->cfg.flow_every_ms;
	}
	for (int p = 0; p < m->nports; p++)
		if (port_idle(&m->port[p]) && !m->cfg.urc_in_reply)
			flush_urcs(m, p);
}

const char *
e1752_output(const struct e1752 *m, int port, size_t *len)
{
	if (port < 0 || port >= m->nports) {
		*len = 0;
		return "";
	}
	*len = m->port[port].out_len;
	return m->port[port].out;
}

void
e1752_consume(struct e1752 *m, int port, size_t n)
{
	struct e1752_port *pt;

	if (port < 0 || port >= m->nports)
		return;
	pt = &m->port[port];
	if (n > pt->out_len)
		n = pt->out_len;
	memmove(pt->out, pt->out + n, pt->out_len - n);
	pt->out_len -= n;
}

/* Upper-case hex of a valid SMS-DELIVER into out. */
static int
checked_deliver(const char *hex, size_t len, char *out, size_t outlen, char *err,
    size_t errlen)
{
	struct sms_deliver d;

	if (len >= outlen) {
		snprintf(err, errlen, "PDU too long (%zu hex digits)", len);
		return -1;
	}
	if (sms_decode_hex(hex, len, &d, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)toupper((unsigned char)hex[i]);
	out[len] = '\0';
	return 0;
}

int
e1752_store(struct e1752 *m, const char *mem, const char *hex, size_t len, char *err,
    size_t errlen)
{
	char up[SMSTORE_HEX_MAX];
	int k = strcmp(mem, "ME") == 0 ? 1 : 0, index;

	if (checked_deliver(hex, len, up, sizeof(up), err, errlen) < 0)
		return -1;
	index = smstore_add(&m->mem[k], SMSTORE_REC_UNREAD, up, len);
	if (index < 0)
		snprintf(err, errlen, "memory %s full (%d slots)", mem_names[k], m->mem[k].size);
	return index;
}

/* +CMT: the message goes to the host, not to memory. */
static void
route_cmt(struct e1752 *m, int p, const char *hex, size_t len)
{
	struct e1752_port *pt = &m->port[p];
	struct sms_deliver d;
	char scts[32], from[4 * SMS_ADDR_MAX + 1], text[4 * SMS_TEXT_MAX + 1];

	if (pt->cmgf == 0 || sms_decode_hex(hex, len, &d, NULL, 0) < 0) {
		urc(m, p, "+CMT: ,%d\r\n%s", tpdu_length(hex, len), hex);
		return;
	}
	scts_text(&d.scts, scts, sizeof(scts));
	to_charset(pt->cscs, d.from.text, strlen(d.from.text), from, sizeof(from));
	to_charset(d.encoding == SMS_ENC_UCS2 ? CS_UCS2 : pt->cscs, d.text, d.text_len, text,
	    sizeof(text));
	urc(m, p, "+CMT: \"%s\",,\"%s\"\r\n%s", from, scts, text);
}

static void
indicate_cmti(struct e1752 *m, int p, const char *mem, int index)
{
	struct e1752_port *pt = &m->port[p];
	int mode = pt->cnmi[0];

	if (pt->cnmi[1] != 1 && pt->cnmi[1] != 3)
		return;
	if (mode == 0 || (mode == 2 && pt->state == E1752_DATA)) {
		if (pt->n_cmti < E1752_URC_MAX)
			snprintf(pt->cmti[pt->n_cmti++], sizeof(pt->cmti[0]),
			    "+CMTI: \"%s\",%d", mem, index);
		return;
	}
	if (mode == 1 && pt->state == E1752_DATA)
		return;
	urc(m, p, "+CMTI: \"%s\",%d", mem, index);
}

int
e1752_receive(struct e1752 *m, const char *hex, size_t len, char *err, size_t errlen)
{
	char up[SMSTORE_HEX_MAX];
	int k = m->mem_sel[2], index;

	if (m->sim != E1752_SIM_READY || !registered(m)) {
		snprintf(err, errlen, "the stick is not registered: the network keeps the SMS");
		return -1;
	}
	if (checked_deliver(hex, len, up, sizeof(up), err, errlen) < 0)
		return -1;
	for (int p = 0; p < m->nports; p++) {
		if (m->port[p].cnmi[1] == 2 && m->port[p].cnmi[0] != 0) {
			route_cmt(m, p, up, len);
			return -2;
		}
	}
	index = smstore_add(&m->mem[k], SMSTORE_REC_UNREAD, up, len);
	if (index < 0) {
		snprintf(err, errlen, "memory %s full", mem_names[k]);
		return -1;
	}
	for (int p = 0; p < m->nports; p++)
		indicate_cmti(m, p, mem_names[k], index);
	return index;
}

void
e1752_set_signal(struct e1752 *m, int rssi)
{
	if (rssi < 0 || (rssi > 31 && rssi != 99))
		return;
	m->rssi = rssi;
	urc_rssi(m);
}

void
e1752_set_reg(struct e1752 *m, int stat)
{
	if (stat < 0 || stat > 5)
		return;
	m->reg_wanted = stat;
	update_reg(m);
}

void
e1752_drop_carrier(struct e1752 *m)
{
	drop_call(m, -1);
}

void
e1752_boot_now(struct e1752 *m)
{
	if (m->curc)
		urc(m, pcui(m), "^BOOT:%lu,0,0,0,26", m->boot_key);
}

void
e1752_set_hung(struct e1752 *m, bool hung)
{
	m->hung = hung;
}
