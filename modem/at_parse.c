/*
 * at_parse: pure parsers of modem replies.  See at_parse.h for the contract.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "at_parse.h"
#include "text.h"

/* ---- field splitting ---- */

int
at_split_fields(const char *line, const char *prefix, struct at_fields *out)
{
	const char *p = line;

	out->n = 0;
	if (prefix != NULL) {
		if (!text_prefix_ci(line, prefix))
			return -1;
		p += strlen(prefix);
	}
	while (text_isblank(*p))
		p++;
	if (*p == '\0')
		return 0;
	for (;;) {
		struct at_field *f;

		if (out->n == AT_FIELDS_MAX)
			return -1;
		f = &out->f[out->n++];
		while (text_isblank(*p))
			p++;
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');

			if (q == NULL)
				return -1;
			f->p = p + 1;
			f->len = (size_t)(q - p - 1);
			f->quoted = true;
			for (p = q + 1; text_isblank(*p); p++)
				;
			if (*p != ',' && *p != '\0')
				return -1;
		} else {
			const char *q = p;

			while (*q != ',' && *q != '\0')
				q++;
			f->p = p;
			f->len = (size_t)(q - p);
			f->quoted = false;
			while (f->len > 0 && text_isblank(f->p[f->len - 1]))
				f->len--;
			p = q;
		}
		if (*p == '\0')
			return 0;
		p++;	/* the comma */
	}
}

bool
at_field_int(const struct at_field *f, long lo, long hi, int *v)
{
	long x = 0;

	if (f->len == 0 || f->len > 9)
		return false;
	for (size_t i = 0; i < f->len; i++) {
		if (!text_isdigit(f->p[i]))
			return false;
		x = x * 10 + (f->p[i] - '0');
	}
	if (x < lo || x > hi)
		return false;
	*v = (int)x;
	return true;
}

static bool
field_hex(const struct at_field *f, unsigned long *v)
{
	unsigned long x = 0;

	if (f->len == 0 || f->len > 8)
		return false;
	for (size_t i = 0; i < f->len; i++) {
		char c = f->p[i];

		if (!text_isxdigit(c))
			return false;
		x = x * 16 + (unsigned long)(text_isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	*v = x;
	return true;
}

int
at_field_str(const struct at_field *f, char *out, size_t outlen)
{
	if (f->len >= outlen)
		return -1;
	for (size_t i = 0; i < f->len; i++)
		if ((unsigned char)f->p[i] < 0x20 || f->p[i] == 0x7f)
			return -1;
	memcpy(out, f->p, f->len);
	out[f->len] = '\0';
	return 0;
}

const char *
at_find_line(const struct at_reply *r, const char *prefix)
{
	for (size_t i = 0; i < r->nlines; i++)
		if (strncasecmp(at_reply_line(r, i), prefix, strlen(prefix)) == 0)
			return at_reply_line(r, i);
	return NULL;
}

/* ---- signal ---- */

int
at_rssi_dbm(int rssi)
{
	if (rssi < 0 || rssi > 31)
		return 0;
	return -113 + 2 * rssi;
}

static int
rssi_fill(int rssi, int ber, struct at_csq *out)
{
	out->rssi = rssi;
	out->ber = ber;
	out->known = rssi != 99;
	out->dbm = at_rssi_dbm(rssi);
	return 0;
}

static bool
rssi_valid(int v)
{
	return (v >= 0 && v <= 31) || v == 99;
}

int
at_parse_csq(const char *line, struct at_csq *out)
{
	struct at_fields fl;
	int rssi, ber;

	if (at_split_fields(line, "+CSQ:", &fl) < 0 || fl.n != 2)
		return -1;
	if (!at_field_int(&fl.f[0], 0, 99, &rssi) || !rssi_valid(rssi) ||
	    !at_field_int(&fl.f[1], 0, 99, &ber) || (ber > 7 && ber != 99))
		return -1;
	return rssi_fill(rssi, ber, out);
}

int
at_parse_rssi(const char *line, struct at_csq *out)
{
	struct at_fields fl;
	int rssi;

	if (at_split_fields(line, "^RSSI:", &fl) < 0 || fl.n != 1)
		return -1;
	if (!at_field_int(&fl.f[0], 0, 99, &rssi) || !rssi_valid(rssi))
		return -1;
	return rssi_fill(rssi, 99, out);
}

/* ---- registration ---- */

static int
creg_fields(const struct at_fields *fl, bool with_n, struct at_creg *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	out->n = -1;
	out->act = -1;
	if (with_n && !at_field_int(&fl->f[i++], 0, 5, &out->n))
		return -1;
	if (i >= fl->n || !at_field_int(&fl->f[i++], 0, 10, &out->stat))
		return -1;
	if (i == fl->n)
		return 0;
	if (fl->n - i < 2)
		return -1;
	if (fl->f[i].len == 0 && fl->f[i + 1].len == 0 && i + 2 == fl->n)
		return 0;	/* "+CREG: 2,," (Novatel, searching) */
	if (!field_hex(&fl->f[i], &out->lac) || !field_hex(&fl->f[i + 1], &out->ci))
		return -1;
	out->has_loc = true;
	i += 2;
	if (i < fl->n && fl->f[i].len > 0 && !at_field_int(&fl->f[i], 0, 13, &out->act))
		return -1;
	return 0;
}

/*
 * A URC has no <n>, but some modems (Sony Ericsson MD400) send it anyway:
 * quoted lac,ci in the 3rd and 4th field, or fields that only make sense
 * with <n> in front, mean the solicited form.
 */
int
at_parse_creg(const char *line, bool solicited, struct at_creg *out)
{
	struct at_fields fl;

	memset(out, 0, sizeof(*out));
	if (at_split_fields(line, "+CREG:", &fl) < 0 || fl.n == 0 || fl.n > 7)
		return -1;
	if (solicited)
		return creg_fields(&fl, true, out);
	if (fl.n >= 4 && fl.f[2].quoted && fl.f[3].quoted)
		return creg_fields(&fl, true, out);
	if (creg_fields(&fl, false, out) == 0)
		return 0;
	return fl.n >= 4 ? creg_fields(&fl, true, out) : -1;
}

const char *
at_creg_stat_name(int stat)
{
	static const char *const names[] = {
		"not registered, not searching",
		"registered, home network",
		"not registered, searching",
		"registration denied",
		"unknown",
		"registered, roaming",
		"registered for SMS only, home network",
		"registered for SMS only, roaming",
		"emergency calls only",
		"registered for CSFB not preferred, home network",
		"registered for CSFB not preferred, roaming",
	};

	if (stat < 0 || (size_t)stat >= sizeof(names) / sizeof(names[0]))
		return "invalid";
	return names[stat];
}

bool
at_creg_registered(int stat)
{
	return stat == 1 || stat == 5 || stat == 6 || stat == 7 || stat == 9 || stat == 10;
}

int
at_parse_cops(const char *line, struct at_cops *out)
{
	struct at_fields fl;

	memset(out, 0, sizeof(*out));
	out->format = -1;
	out->act = -1;
	if (at_split_fields(line, "+COPS:", &fl) < 0 || fl.n == 0 || fl.n > 4 || fl.n == 2)
		return -1;
	if (fl.f[0].quoted || !at_field_int(&fl.f[0], 0, 4, &out->mode))
		return -1;
	if (fl.n == 1)
		return 0;
	if (!at_field_int(&fl.f[1], 0, 2, &out->format) || fl.f[2].len == 0 ||
	    at_field_str(&fl.f[2], out->oper, sizeof(out->oper)) < 0)
		return -1;
	if (fl.n == 4 && !at_field_int(&fl.f[3], 0, 13, &out->act))
		return -1;
	return 0;
}

const char *
at_act_name(int act)
{
	static const char *const names[] = {
		"GSM", "GSM Compact", "UMTS", "EDGE", "HSDPA", "HSUPA", "HSPA", "LTE",
		"EC-GSM-IoT", "NB-IoT", "LTE (5GCN)", "NR (5GCN)", "NG-RAN", "LTE+NR",
	};

	if (act < 0 || (size_t)act >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[act];
}

/* ---- Huawei system information ---- */

static void
sysinfo_clear(struct at_sysinfo *out)
{
	out->srv_status = out->srv_domain = out->roam = out->sys_mode = -1;
	out->sim_state = out->lock = out->sys_submode = -1;
}

int
at_parse_sysinfo(const char *line, struct at_sysinfo *out)
{
	struct at_fields fl;
	int *dst[5] = { &out->srv_status, &out->srv_domain, &out->roam, &out->sys_mode,
		&out->sim_state };

	sysinfo_clear(out);
	if (at_split_fields(line, "^SYSINFO:", &fl) < 0 || fl.n < 5 || fl.n > 7)
		return -1;
	for (size_t i = 0; i < 5; i++)
		if (!at_field_int(&fl.f[i], 0, 255, dst[i]))
			return -1;
	if (fl.n > 5 && fl.f[5].len > 0 && !at_field_int(&fl.f[5], 0, 255, &out->lock))
		return -1;
	if (fl.n > 6 && fl.f[6].len > 0 && !at_field_int(&fl.f[6], 0, 255, &out->sys_submode))
		return -1;
	return 0;
}

int
at_parse_mode(const char *line, struct at_sysinfo *out)
{
	struct at_fields fl;

	sysinfo_clear(out);
	if (at_split_fields(line, "^MODE:", &fl) < 0 || fl.n < 1 || fl.n > 2)
		return -1;
	if (!at_field_int(&fl.f[0], 0, 255, &out->sys_mode))
		return -1;
	if (fl.n == 2 && !at_field_int(&fl.f[1], 0, 255, &out->sys_submode))
		return -1;
	return 0;
}

int
at_parse_srvst(const char *line, int *srv_status)
{
	struct at_fields fl;

	if (at_split_fields(line, "^SRVST:", &fl) < 0 || fl.n != 1)
		return -1;
	return at_field_int(&fl.f[0], 0, 255, srv_status) ? 0 : -1;
}

int
at_parse_simst(const char *line, int *sim_state)
{
	struct at_fields fl;
	int lock;

	if (at_split_fields(line, "^SIMST:", &fl) < 0 || fl.n < 1 || fl.n > 2)
		return -1;
	if (fl.n == 2 && !at_field_int(&fl.f[1], 0, 255, &lock))
		return -1;
	return at_field_int(&fl.f[0], 0, 255, sim_state) ? 0 : -1;
}

int
at_parse_boot(const char *line)
{
	struct at_fields fl;
	int v;

	if (at_split_fields(line, "^BOOT:", &fl) < 0 || fl.n < 2)
		return -1;
	for (size_t i = 0; i < fl.n; i++)
		if (!at_field_int(&fl.f[i], 0, 999999999, &v))
			return -1;
	return 0;
}

const char *
at_sys_mode_name(int m)
{
	switch (m) {
	case 0: return "no service";
	case 1: return "AMPS";
	case 2: return "CDMA";
	case 3: return "GSM";
	case 4: return "HDR";
	case 5: return "WCDMA";
	case 6: return "GPS";
	case 7: return "GSM/WCDMA";
	case 8: return "CDMA/HDR";
	case 15: return "TD-SCDMA";
	default: return "unknown";
	}
}

const char *
at_sys_submode_name(int s)
{
	switch (s) {
	case 0: return "no service";
	case 1: return "GSM";
	case 2: return "GPRS";
	case 3: return "EDGE";
	case 4: return "WCDMA";
	case 5: return "HSDPA";
	case 6: return "HSUPA";
	case 7: return "HSDPA+HSUPA";
	case 8: return "TD-SCDMA";
	case 9: return "HSPA+";
	case 17: return "HSPA+ (64QAM)";
	case 18: return "HSPA+ (MIMO)";
	default: return NULL;
	}
}

const char *
at_sys_mode_generation(int m, int sub)
{
	if (sub >= 1 && sub <= 3)
		return "2G";
	if ((sub >= 4 && sub <= 9) || sub == 17 || sub == 18)
		return "3G";
	switch (m) {
	case 3: return "2G";
	case 5: case 15: return "3G";
	case 7: return "2G/3G";
	default: return NULL;
	}
}

const char *
at_srv_status_name(int st)
{
	switch (st) {
	case 0: return "no service";
	case 1: return "restricted service";
	case 2: return "valid service";
	case 3: return "restricted regional service";
	case 4: return "power saving";
	default: return "unknown";
	}
}

const char *
at_sim_state_name(int st)
{
	switch (st) {
	case 0: return "invalid SIM";
	case 1: return "valid SIM";
	case 2: return "SIM invalid for circuit-switched service";
	case 3: return "SIM invalid for packet-switched service";
	case 4: return "SIM invalid for both services";
	case 240: return "ROM SIM";
	case 255: return "no SIM";
	default: return "unknown";
	}
}

/* ---- SIM ---- */

int
at_parse_cpin(const char *line, enum at_pin *out)
{
	static const struct {
		const char	*text;
		enum at_pin	pin;
	} t[] = {
		{ "READY", AT_PIN_READY }, { "SIM PIN", AT_PIN_SIM_PIN },
		{ "SIM PUK", AT_PIN_SIM_PUK }, { "SIM PIN2", AT_PIN_SIM_PIN2 },
		{ "SIM PUK2", AT_PIN_SIM_PUK2 }, { "PH-SIM PIN", AT_PIN_PH_SIM },
		{ "PH-NET PIN", AT_PIN_NET },
	};
	struct at_fields fl;
	char v[32];

	if (at_split_fields(line, "+CPIN:", &fl) < 0 || fl.n != 1 ||
	    at_field_str(&fl.f[0], v, sizeof(v)) < 0 || v[0] == '\0')
		return -1;
	*out = AT_PIN_OTHER;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcasecmp(v, t[i].text) == 0)
			*out = t[i].pin;
	return 0;
}

const char *
at_pin_name(enum at_pin p)
{
	switch (p) {
	case AT_PIN_READY: return "ready";
	case AT_PIN_SIM_PIN: return "waiting for the SIM PIN";
	case AT_PIN_SIM_PUK: return "blocked: waiting for the PUK";
	case AT_PIN_SIM_PIN2: return "waiting for PIN2";
	case AT_PIN_SIM_PUK2: return "waiting for PUK2";
	case AT_PIN_PH_SIM: return "locked to another SIM (PH-SIM PIN)";
	case AT_PIN_NET: return "network locked (PH-NET PIN)";
	default: return "in an unknown PIN state";
	}
}

/* ---- SMS ---- */

int
at_parse_cpms(const char *line, struct at_cpms *out)
{
	struct at_fields fl;
	size_t per, i;

	memset(out, 0, sizeof(*out));
	if (at_split_fields(line, "+CPMS:", &fl) < 0 || fl.n == 0)
		return -1;
	per = fl.f[0].quoted ? 3 : 2;
	if (fl.n % per != 0 || fl.n / per > 3)
		return -1;
	out->n = fl.n / per;
	for (i = 0; i < out->n; i++) {
		const struct at_field *f = &fl.f[i * per];

		if (per == 3 && (!f->quoted || f->len == 0 ||
		    at_field_str(f, out->m[i].mem, sizeof(out->m[i].mem)) < 0))
			return -1;
		if (per == 3)
			f++;
		if (!at_field_int(f, 0, 65535, &out->m[i].used) ||
		    !at_field_int(f + 1, 0, 65535, &out->m[i].total))
			return -1;
	}
	return 0;
}

int
at_parse_cmti(const char *line, struct at_cmti *out)
{
	struct at_fields fl;

	memset(out, 0, sizeof(*out));
	if (at_split_fields(line, "+CMTI:", &fl) < 0 || fl.n != 2)
		return -1;
	if (fl.f[0].len == 0 || at_field_str(&fl.f[0], out->mem, sizeof(out->mem)) < 0 ||
	    !at_field_int(&fl.f[1], 0, 65535, &out->index))
		return -1;
	return 0;
}

int
at_parse_cmgs(const char *line, int *mr)
{
	struct at_fields fl;

	if (at_split_fields(line, "+CMGS:", &fl) < 0 || fl.n < 1 || fl.n > 2)
		return -1;
	return at_field_int(&fl.f[0], 0, 255, mr) ? 0 : -1;
}

int
at_parse_cmgl_pdu(const char *line, struct at_sms_hdr *out)
{
	struct at_fields fl;

	if (at_split_fields(line, "+CMGL:", &fl) < 0 || fl.n < 3 || fl.n > 4)
		return -1;
	if (!at_field_int(&fl.f[0], 0, 65535, &out->index) ||
	    !at_field_int(&fl.f[1], 0, 3, &out->stat) ||
	    !at_field_int(&fl.f[fl.n - 1], 0, 255, &out->length))
		return -1;
	return 0;
}

int
at_parse_cmgr_pdu(const char *line, struct at_sms_hdr *out)
{
	struct at_fields fl;
	size_t st;

	if (at_split_fields(line, "+CMGR:", &fl) < 0 || fl.n < 1 || fl.n > 4)
		return -1;
	out->index = -1;
	out->stat = -1;
	if (!at_field_int(&fl.f[fl.n - 1], 0, 255, &out->length))
		return -1;
	if (fl.n == 1)
		return 0;	/* "+CMGR: 24" */
	st = fl.n >= 3 ? fl.n - 3 : 0;
	if (fl.f[st].len > 0 && !at_field_int(&fl.f[st], 0, 3, &out->stat))
		return -1;
	return 0;
}

/* Where the hex is in a PDU line: spaces and quotes around it skipped. */
static int
pdu_span(const char *line, size_t *start, size_t *len)
{
	size_t a = 0, b = strlen(line);

	while (a < b && (text_isblank(line[a]) || line[a] == '"'))
		a++;
	while (b > a && (text_isblank(line[b - 1]) || line[b - 1] == '"'))
		b--;
	if (a == b)
		return -1;
	for (size_t i = a; i < b; i++)
		if (!text_isxdigit(line[i]))
			return -1;
	*start = a;
	*len = b - a;
	return 0;
}

int
at_parse_pdu_line(const char *line, char *out, size_t outlen, size_t *hexlen)
{
	size_t a, n;

	if (pdu_span(line, &a, &n) < 0 || n >= outlen)
		return -1;
	memcpy(out, line + a, n);
	out[n] = '\0';
	*hexlen = n;
	return 0;
}

int
at_sms_list_next(const struct at_reply *r, size_t *i, struct at_sms_entry *e, size_t *bad)
{
	while (*i < r->nlines) {
		const char *line = at_reply_line(r, *i);
		struct at_sms_hdr h;
		size_t a, n;
		int ok;

		(*i)++;
		if (text_prefix_ci(line, "+CMGL:"))
			ok = at_parse_cmgl_pdu(line, &h);
		else if (text_prefix_ci(line, "+CMGR:"))
			ok = at_parse_cmgr_pdu(line, &h);
		else
			continue;
		if (ok < 0 || *i >= r->nlines || pdu_span(at_reply_line(r, *i), &a, &n) < 0) {
			if (bad != NULL)
				(*bad)++;
			continue;
		}
		line = at_reply_line(r, (*i)++);
		e->index = h.index;
		e->stat = h.stat;
		e->length = h.length;
		e->pdu = line + a;
		e->pdu_len = n;
		return 1;
	}
	return 0;
}

/* ---- ports ---- */

static enum at_port_role
port_role(const char *name)
{
	static const struct {
		const char		*name;
		enum at_port_role	role;
	} t[] = {
		{ "MDM", AT_PORT_MODEM }, { "MODEM", AT_PORT_MODEM },
		{ "3G_MODEM", AT_PORT_MODEM }, { "PCUI", AT_PORT_PCUI },
		{ "DIAG", AT_PORT_DIAG }, { "3G_DIAG", AT_PORT_DIAG },
		{ "4G_DIAG", AT_PORT_DIAG }, { "NDIS", AT_PORT_NET }, { "NCM", AT_PORT_NET },
		{ "ECM", AT_PORT_NET }, { "RNDIS", AT_PORT_NET }, { "CDROM", AT_PORT_CDROM },
		{ "SD", AT_PORT_SD }, { "MASS", AT_PORT_SD }, { "MASS_TWO", AT_PORT_SD },
		{ "GPS", AT_PORT_GPS }, { "BT", AT_PORT_BT }, { "C_SHELL", AT_PORT_SHELL },
		{ "A_SHELL", AT_PORT_SHELL },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcasecmp(name, t[i].name) == 0)
			return t[i].role;
	return AT_PORT_OTHER;
}

/* One "NAME:number" token of ^GETPORTMODE into pm; others ignored. */
static void
port_token(const char *tok, size_t len, struct at_portmode *pm)
{
	const char *colon = NULL;
	size_t a = 0, b, nlen;
	char name[16];
	int iface = 0;

	for (size_t i = 0; i < len; i++)
		if (tok[i] == ':')
			colon = tok + i;
	if (colon == NULL || pm->n == AT_PORTS_MAX)
		return;
	b = (size_t)(colon - tok);
	while (a < b && text_isblank(tok[a]))
		a++;
	while (b > a && text_isblank(tok[b - 1]))
		b--;
	nlen = b - a;
	if (nlen == 0 || nlen >= sizeof(name))
		return;
	for (size_t i = a; i < b; i++)
		if (!text_isalnum(tok[i]) && tok[i] != '_')
			return;
	{
		struct at_field f = { colon + 1, len - (size_t)(colon + 1 - tok), false };

		while (f.len > 0 && text_isblank(f.p[0])) {
			f.p++;
			f.len--;
		}
		while (f.len > 0 && text_isblank(f.p[f.len - 1]))
			f.len--;
		if (!at_field_int(&f, 0, 255, &iface))
			return;
	}
	memcpy(name, tok + a, nlen);
	name[nlen] = '\0';
	pm->p[pm->n].role = port_role(name);
	memcpy(pm->p[pm->n].name, name, nlen + 1);
	pm->p[pm->n].iface = iface;
	pm->n++;
}

int
at_parse_getportmode(const char *line, struct at_portmode *out)
{
	const char *p;

	memset(out, 0, sizeof(*out));
	if (!text_prefix_ci(line, "^GETPORTMODE:"))
		return -1;
	p = line + strlen("^GETPORTMODE:");
	while (*p != '\0') {
		const char *q = strchr(p, ',');
		size_t len = q != NULL ? (size_t)(q - p) : strlen(p);

		port_token(p, len, out);
		p += len;
		if (*p == ',')
			p++;
	}
	return out->n > 0 ? 0 : -1;
}

const char *
at_port_role_name(enum at_port_role r)
{
	switch (r) {
	case AT_PORT_MODEM: return "modem (PPP data)";
	case AT_PORT_PCUI: return "PC UI (AT control)";
	case AT_PORT_DIAG: return "diagnostics";
	case AT_PORT_NET: return "network interface";
	case AT_PORT_CDROM: return "CD-ROM";
	case AT_PORT_SD: return "SD card / storage";
	case AT_PORT_GPS: return "GPS";
	case AT_PORT_BT: return "Bluetooth";
	case AT_PORT_SHELL: return "shell";
	default: return "other";
	}
}

int
at_portmode_find(const struct at_portmode *pm, enum at_port_role r)
{
	for (size_t i = 0; i < pm->n; i++)
		if (pm->p[i].role == r)
			return pm->p[i].iface;
	return -1;
}

/* ---- identification ---- */

int
at_parse_ident(const char *line, const char *prefix, char *out, size_t outlen)
{
	const char *p = line;
	size_t n;

	if (prefix != NULL && text_prefix_ci(p, prefix))
		p += strlen(prefix);
	while (text_isblank(*p) || *p == '"')
		p++;
	n = strlen(p);
	while (n > 0 && (text_isblank(p[n - 1]) || p[n - 1] == '"'))
		n--;
	if (n == 0 || n >= outlen)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int
at_parse_imei(const char *line, char *out, size_t outlen)
{
	size_t n;

	if (at_parse_ident(line, "+CGSN:", out, outlen) < 0)
		return -1;
	n = strlen(out);
	if (n < 14 || n > 17)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!text_isdigit(out[i]))
			return -1;
	return 0;
}
