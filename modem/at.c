/*
 * at: AT command engine and reply parsers.  See at.h for the contract.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "at.h"

#define CTRL_Z 0x1a
#define ESC 0x1b

/* ---- small string helpers ---- */

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
starts_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Length of s without trailing spaces/tabs. */
static size_t
trimmed_len(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && is_space(s[n - 1]))
		n--;
	return n;
}

/* s, trailing blanks ignored, equals word (case-insensitive). */
static bool
equals_ci(const char *s, const char *word)
{
	size_t n = trimmed_len(s);

	return n == strlen(word) && strncasecmp(s, word, n) == 0;
}

/* Bounded copy of n bytes; always NUL-terminates (len > 0). */
static void
copy_n(char *dst, size_t len, const char *src, size_t n)
{
	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- line splitter ---- */

void
at_splitter_init(struct at_splitter *s)
{
	memset(s, 0, sizeof(*s));
}

/* One byte; returns 1 when it ended a non-empty line (left in s->line). */
static int
split_byte(struct at_splitter *s, unsigned char c)
{
	if (c == '\r' || c == '\n')
		return s->len > 0 || s->overlong;
	if ((c < 0x20 && c != '\t') || c == 0x7f) {
		s->n_garbage++;
		return 0;
	}
	if (s->len < AT_LINE_MAX)
		s->line[s->len++] = (char)c;
	else
		s->overlong = true;
	return 0;
}

static void
split_take(struct at_splitter *s, char *out, size_t *out_len, bool *truncated)
{
	memcpy(out, s->line, s->len);
	out[s->len] = '\0';
	*out_len = s->len;
	*truncated = s->overlong;
	if (s->overlong)
		s->n_overlong++;
	s->len = 0;
	s->overlong = false;
}

int
at_splitter_feed(struct at_splitter *s, const void *data, size_t len, size_t *pos, char *out,
    size_t *out_len, bool *truncated)
{
	const unsigned char *d = data;

	while (*pos < len) {
		if (split_byte(s, d[(*pos)++])) {
			split_take(s, out, out_len, truncated);
			return 1;
		}
	}
	return 0;
}

/* ---- tables ---- */

static const struct {
	const char		*prefix;
	enum at_urc_kind	kind;
	bool			exact;	/* the whole line, not a prefix */
	bool			body;	/* a PDU line follows */
} urc_table[] = {
	{ "+CMTI:", AT_URC_CMTI, false, false },
	{ "+CMT:", AT_URC_CMT, false, true },
	{ "+CDSI:", AT_URC_CDSI, false, false },
	{ "+CDS:", AT_URC_CDS, false, true },
	{ "+CREG:", AT_URC_CREG, false, false },
	{ "+CGREG:", AT_URC_CGREG, false, false },
	{ "+CUSD:", AT_URC_CUSD, false, false },
	{ "RING", AT_URC_RING, true, false },
	{ "+CRING:", AT_URC_CRING, false, false },
	{ "+CLIP:", AT_URC_CLIP, false, false },
	{ "NO CARRIER", AT_URC_NO_CARRIER, true, false },
	{ "^RSSI:", AT_URC_RSSI, false, false },
	{ "^MODE:", AT_URC_MODE, false, false },
	{ "^SRVST:", AT_URC_SRVST, false, false },
	{ "^BOOT:", AT_URC_BOOT, false, false },
	{ "^DSFLOWRPT:", AT_URC_DSFLOWRPT, false, false },
	{ "^SIMST:", AT_URC_SIMST, false, false },
	{ "^CEND:", AT_URC_CEND, false, false },
	{ "^CONN:", AT_URC_CONN, false, false },
	{ "^ORIG:", AT_URC_ORIG, false, false },
	{ "^CONF:", AT_URC_CONF, false, false },
	{ "^STIN:", AT_URC_STIN, false, false },
	{ "^SMMEMFULL:", AT_URC_SMMEMFULL, false, false },
	{ "^HCSQ:", AT_URC_HCSQ, false, false },
	{ "^NWTIME:", AT_URC_NWTIME, false, false },
	{ "^CSNR:", AT_URC_CSNR, false, false },
	{ "^RSSILVL:", AT_URC_RSSILVL, false, false },
};

enum at_urc_kind
at_urc_kind(const char *line, bool *body_follows)
{
	*body_follows = false;
	for (size_t i = 0; i < sizeof(urc_table) / sizeof(urc_table[0]); i++) {
		bool hit = urc_table[i].exact ? equals_ci(line, urc_table[i].prefix)
					      : starts_ci(line, urc_table[i].prefix);
		if (hit) {
			*body_follows = urc_table[i].body;
			return urc_table[i].kind;
		}
	}
	return AT_URC_OTHER;
}

const char *
at_urc_name(enum at_urc_kind k)
{
	if (k == AT_URC_OTHER)
		return "other";
	for (size_t i = 0; i < sizeof(urc_table) / sizeof(urc_table[0]); i++)
		if (urc_table[i].kind == k)
			return urc_table[i].prefix;
	return "?";
}

static const struct {
	const char	*text;
	enum at_status	status;
	bool		prefix;	/* the text starts the line */
	bool		dial;	/* final only for ATD/ATA/ATO */
} final_table[] = {
	{ "OK", AT_OK, false, false },
	{ "ERROR", AT_ERROR, false, false },
	{ "+CME ERROR:", AT_CME_ERROR, true, false },
	{ "+CMS ERROR:", AT_CMS_ERROR, true, false },
	{ "COMMAND NOT SUPPORT", AT_NOT_SUPPORTED, false, false },
	{ "TOO MANY PARAMETERS", AT_TOO_MANY_PARAMS, false, false },
	{ "CONNECT", AT_CONNECT, false, true },
	{ "CONNECT ", AT_CONNECT, true, true },
	{ "NO CARRIER", AT_NO_CARRIER, false, true },
	{ "NO DIALTONE", AT_NO_DIALTONE, false, true },
	{ "NO DIAL TONE", AT_NO_DIALTONE, false, true },
	{ "BUSY", AT_BUSY, false, true },
	{ "NO ANSWER", AT_NO_ANSWER, false, true },
};

/* The final status a line stands for, or -1 when it is not final. */
static int
final_status(const char *line, bool dial)
{
	for (size_t i = 0; i < sizeof(final_table) / sizeof(final_table[0]); i++) {
		bool hit;

		if (final_table[i].dial && !dial)
			continue;
		hit = final_table[i].prefix ? starts_ci(line, final_table[i].text)
					    : equals_ci(line, final_table[i].text);
		if (hit)
			return (int)final_table[i].status;
	}
	return -1;
}

const char *
at_status_name(enum at_status st)
{
	static const char *const names[] = {
		[AT_OK] = "OK",
		[AT_ERROR] = "ERROR",
		[AT_CME_ERROR] = "+CME ERROR",
		[AT_CMS_ERROR] = "+CMS ERROR",
		[AT_NOT_SUPPORTED] = "COMMAND NOT SUPPORT",
		[AT_TOO_MANY_PARAMS] = "TOO MANY PARAMETERS",
		[AT_CONNECT] = "CONNECT",
		[AT_NO_CARRIER] = "NO CARRIER",
		[AT_NO_DIALTONE] = "NO DIALTONE",
		[AT_BUSY] = "BUSY",
		[AT_NO_ANSWER] = "NO ANSWER",
		[AT_TIMEOUT] = "timeout",
		[AT_CANCELLED] = "cancelled",
	};

	if ((unsigned)st >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[st];
}

/* 27.007 9.2.1 (the codes SIM and network trouble produce). */
const char *
at_cme_text(long code)
{
	static const struct {
		long		code;
		const char	*text;
	} t[] = {
		{ 0, "phone failure" }, { 3, "operation not allowed" },
		{ 4, "operation not supported" }, { 5, "PH-SIM PIN required" },
		{ 10, "SIM not inserted" }, { 11, "SIM PIN required" },
		{ 12, "SIM PUK required" }, { 13, "SIM failure" }, { 14, "SIM busy" },
		{ 15, "SIM wrong" }, { 16, "incorrect password" }, { 17, "SIM PIN2 required" },
		{ 18, "SIM PUK2 required" }, { 20, "memory full" }, { 21, "invalid index" },
		{ 22, "not found" }, { 23, "memory failure" }, { 30, "no network service" },
		{ 31, "network timeout" }, { 32, "network not allowed - emergency calls only" },
		{ 100, "unknown" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].code == code)
			return t[i].text;
	return NULL;
}

/* 27.005 3.2.5. */
const char *
at_cms_text(long code)
{
	static const struct {
		long		code;
		const char	*text;
	} t[] = {
		{ 300, "ME failure" }, { 301, "SMS service of ME reserved" },
		{ 302, "operation not allowed" }, { 303, "operation not supported" },
		{ 304, "invalid PDU mode parameter" }, { 305, "invalid text mode parameter" },
		{ 310, "SIM not inserted" }, { 311, "SIM PIN required" },
		{ 312, "PH-SIM PIN required" }, { 313, "SIM failure" }, { 314, "SIM busy" },
		{ 315, "SIM wrong" }, { 316, "SIM PUK required" }, { 320, "memory failure" },
		{ 321, "invalid memory index" }, { 322, "memory full" },
		{ 330, "SMSC address unknown" }, { 331, "no network service" },
		{ 332, "network timeout" }, { 340, "no +CNMA acknowledgement expected" },
		{ 500, "unknown error" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].code == code)
			return t[i].text;
	return NULL;
}

/* ---- the engine ---- */

void
at_init(struct at_engine *e, const struct at_hooks *hooks)
{
	memset(e, 0, sizeof(*e));
	if (hooks != NULL)
		e->hooks = *hooks;
	e->dead_after = AT_DEAD_AFTER;
}

/* "+CREG:" for "AT+CREG?", "^SYSINFO:" for "AT^SYSINFO"; "" for "ATE0". */
static void
reply_prefix(const char *text, char *out, size_t len)
{
	const char *p = text + 2;
	size_t n = 1;

	out[0] = '\0';
	if (strchr("+^$%*#", *p) == NULL || *p == '\0')
		return;
	while (is_alnum(p[n]) || p[n] == '_')
		n++;
	if (n == 1 || n + 2 > len)
		return;
	memcpy(out, p, n);
	out[n] = ':';
	out[n + 1] = '\0';
}

static bool
is_dial(const char *text)
{
	return starts_ci(text, "ATD") || starts_ci(text, "ATA") || starts_ci(text, "ATO") ||
	    starts_ci(text, "AT+CGDATA");
}

static bool
valid_text(const char *text)
{
	size_t n = strlen(text);

	if (n < 2 || n > AT_CMD_MAX || strncasecmp(text, "AT", 2) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7e)
			return false;
	return true;
}

static bool
valid_pdu(const char *pdu)
{
	size_t n = strlen(pdu);

	if (n == 0 || n > AT_PDU_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_hex(pdu[i]))
			return false;
	return true;
}

static void
hook_write(struct at_engine *e, const void *data, size_t len)
{
	if (e->hooks.write != NULL)
		e->hooks.write(e->hooks.arg, data, len);
}

static void
start_next(struct at_engine *e)
{
	struct at_cmd *c;
	char out[AT_CMD_MAX + 2];
	size_t n;

	if (e->busy || e->in_hook || e->resetting || e->count == 0)
		return;
	c = &e->queue[e->head];
	e->busy = true;
	e->prompt_wait = c->pdu[0] != '\0' || starts_ci(c->text, "AT+CMGS") ||
	    starts_ci(c->text, "AT+CMGW");
	e->deadline = e->now + c->timeout_ms;
	e->reply.nlines = 0;
	e->reply.used = 0;
	e->reply.truncated = false;
	e->reply.prompted = false;
	n = strlen(c->text);
	memcpy(out, c->text, n);
	out[n++] = '\r';
	hook_write(e, out, n);
}

int
at_send(struct at_engine *e, int64_t now, const char *text, const char *pdu, int64_t timeout_ms,
    int tag, void *arg)
{
	struct at_cmd *c;

	if (e->resetting) {
		errno = ECANCELED;
		return -1;
	}
	if (!valid_text(text) || (pdu != NULL && !valid_pdu(pdu)) || timeout_ms <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (e->count == AT_QUEUE_MAX) {
		errno = ENOBUFS;
		return -1;
	}
	c = &e->queue[(e->head + e->count) % AT_QUEUE_MAX];
	memset(c, 0, sizeof(*c));
	copy_n(c->text, sizeof(c->text), text, strlen(text));
	if (pdu != NULL)
		copy_n(c->pdu, sizeof(c->pdu), pdu, strlen(pdu));
	reply_prefix(c->text, c->prefix, sizeof(c->prefix));
	c->dial = is_dial(text);
	c->timeout_ms = timeout_ms;
	c->tag = tag;
	c->arg = arg;
	e->count++;
	e->now = now;
	start_next(e);
	return 0;
}

void
at_mark_secret(struct at_engine *e)
{
	if (e->count > 0)
		e->queue[(e->head + e->count - 1) % AT_QUEUE_MAX].secret = true;
}

/* The text after "+CME ERROR:", trimmed, and its number if it is one. */
static void
parse_error_text(struct at_reply *r)
{
	char *p = strchr(r->final, ':');
	size_t n;
	bool digits;

	r->error_text = NULL;
	r->error_code = -1;
	if (p == NULL || (r->status != AT_CME_ERROR && r->status != AT_CMS_ERROR))
		return;
	for (p++; is_space(*p); p++)
		;
	n = trimmed_len(p);
	p[n] = '\0';
	r->error_text = p;
	digits = n > 0 && n < 7;
	for (size_t i = 0; digits && i < n; i++)
		digits = is_digit(p[i]);
	if (digits)
		r->error_code = strtol(p, NULL, 10);
}

static void
complete(struct at_engine *e, enum at_status st, const char *final)
{
	struct at_cmd c = e->queue[e->head];

	e->reply.status = st;
	copy_n(e->reply.final, sizeof(e->reply.final), final, strlen(final));
	parse_error_text(&e->reply);
	if (st == AT_TIMEOUT) {
		e->n_timeouts++;
		e->timeouts_in_row++;
	} else if (st != AT_CANCELLED) {
		e->timeouts_in_row = 0;
	}
	e->head = (e->head + 1) % AT_QUEUE_MAX;
	e->count--;
	e->busy = false;
	e->prompt_wait = false;
	e->in_hook = true;
	if (e->hooks.done != NULL)
		e->hooks.done(e->hooks.arg, &c, &e->reply);
	e->in_hook = false;
	start_next(e);
}

static void
add_info(struct at_engine *e, const char *line, size_t len, bool truncated)
{
	struct at_reply *r = &e->reply;

	if (truncated)
		r->truncated = true;
	if (r->nlines == AT_REPLY_LINES || r->used + len + 1 > sizeof(r->buf)) {
		r->truncated = true;
		return;
	}
	r->off[r->nlines++] = (uint16_t)r->used;
	memcpy(r->buf + r->used, line, len);
	r->buf[r->used + len] = '\0';
	r->used += len + 1;
}

static void
deliver_urc(struct at_engine *e, enum at_urc_kind kind, const char *line, const char *body,
    bool truncated)
{
	struct at_urc u = { kind, line, body, truncated };

	e->n_urcs++;
	if (e->hooks.urc == NULL)
		return;
	e->in_hook = true;
	e->hooks.urc(e->hooks.arg, &u);
	e->in_hook = false;
	start_next(e);	/* the hook may have queued a command */
}

static bool
all_hex(const char *s)
{
	size_t n = trimmed_len(s);

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_hex(s[i]))
			return false;
	return true;
}

static bool
is_echo(const struct at_cmd *c, const char *line)
{
	size_t n = trimmed_len(line);

	if (n == strlen(c->text) && strncasecmp(line, c->text, n) == 0)
		return true;
	return c->pdu[0] != '\0' && n == strlen(c->pdu) && strncasecmp(line, c->pdu, n) == 0;
}

/* A URC line: deliver it now, or hold it for its PDU line. */
static void
urc_line(struct at_engine *e, enum at_urc_kind kind, bool body, const char *line, size_t len,
    bool truncated)
{
	if (!body) {
		deliver_urc(e, kind, line, NULL, truncated);
		return;
	}
	copy_n(e->urc_head, sizeof(e->urc_head), line, len);
	e->urc_kind = kind;
	e->urc_truncated = truncated;
	e->pending_body = true;
}

static void
handle_line(struct at_engine *e, const char *line, size_t len, bool truncated)
{
	const struct at_cmd *c = &e->queue[e->head];
	enum at_urc_kind kind;
	bool body;
	int st;

	e->n_lines++;
	if (e->pending_body) {
		e->pending_body = false;
		if (all_hex(line)) {
			deliver_urc(e, e->urc_kind, e->urc_head, line, e->urc_truncated || truncated);
			return;
		}
		/* The PDU never came: report the head alone, then judge this line. */
		deliver_urc(e, e->urc_kind, e->urc_head, NULL, e->urc_truncated);
	}
	if (!e->busy) {
		kind = at_urc_kind(line, &body);
		urc_line(e, kind, body, line, len, truncated);
		return;
	}
	if (is_echo(c, line)) {
		e->n_echo++;
		return;
	}
	if (c->prefix[0] != '\0' && starts_ci(line, c->prefix)) {
		add_info(e, line, len, truncated);
		return;
	}
	kind = at_urc_kind(line, &body);
	if (kind != AT_URC_OTHER && !(kind == AT_URC_NO_CARRIER && c->dial)) {
		urc_line(e, kind, body, line, len, truncated);
		return;
	}
	st = final_status(line, c->dial);
	if (st >= 0) {
		complete(e, (enum at_status)st, line);
		return;
	}
	add_info(e, line, len, truncated);
}

/* "> " arrived while a command waits for it. */
static void
handle_prompt(struct at_engine *e)
{
	const struct at_cmd *c = &e->queue[e->head];
	char out[AT_PDU_MAX + 1];
	size_t n = strlen(c->pdu);

	e->sp.len = 0;
	e->prompt_wait = false;
	e->reply.prompted = true;
	if (n == 0) {
		out[0] = ESC;
		hook_write(e, out, 1);
		return;
	}
	memcpy(out, c->pdu, n);
	out[n++] = CTRL_Z;
	hook_write(e, out, n);
}

void
at_feed(struct at_engine *e, const void *data, size_t len, int64_t now)
{
	const unsigned char *d = data;
	char line[AT_LINE_MAX + 1];

	e->now = now;
	for (size_t i = 0; i < len; i++) {
		size_t n;
		bool truncated;

		if (!split_byte(&e->sp, d[i])) {
			if (e->busy && e->prompt_wait && e->sp.len == 2 &&
			    memcmp(e->sp.line, "> ", 2) == 0)
				handle_prompt(e);
			continue;
		}
		split_take(&e->sp, line, &n, &truncated);
		if (e->busy && e->prompt_wait && equals_ci(line, ">")) {
			handle_prompt(e);
			continue;
		}
		handle_line(e, line, n, truncated);
	}
}

void
at_tick(struct at_engine *e, int64_t now)
{
	e->now = now;
	if (e->busy && now >= e->deadline)
		complete(e, AT_TIMEOUT, "");
	start_next(e);
}

int64_t
at_next_deadline(const struct at_engine *e)
{
	return e->busy ? e->deadline : -1;
}

void
at_reset(struct at_engine *e)
{
	e->resetting = true;
	e->busy = true;	/* complete() pops the head either way */
	while (e->count > 0)
		complete(e, AT_CANCELLED, "");
	e->busy = false;
	e->prompt_wait = false;
	e->pending_body = false;
	e->sp.len = 0;
	e->sp.overlong = false;
	e->timeouts_in_row = 0;
	e->resetting = false;
}

bool
at_busy(const struct at_engine *e)
{
	return e->busy || e->count > 0;
}

size_t
at_queue_room(const struct at_engine *e)
{
	return AT_QUEUE_MAX - e->count;
}

bool
at_unresponsive(const struct at_engine *e)
{
	return e->timeouts_in_row >= (e->dead_after > 0 ? e->dead_after : AT_DEAD_AFTER);
}

const char *
at_reply_line(const struct at_reply *r, size_t i)
{
	if (i >= r->nlines)
		return "";
	return r->buf + r->off[i];
}

void
at_cmd_display(const struct at_cmd *c, char *buf, size_t len)
{
	const char *eq = strchr(c->text, '=');

	if (!c->secret || eq == NULL) {
		snprintf(buf, len, "%s", c->text);
		return;
	}
	snprintf(buf, len, "%.*s****", (int)(eq - c->text + 1), c->text);
}

void
at_reply_describe(const struct at_cmd *c, const struct at_reply *r, char *buf, size_t len)
{
	const char *known = NULL;

	if (r->status == AT_TIMEOUT) {
		snprintf(buf, len, "no answer within %g s", (double)c->timeout_ms / 1000.0);
		return;
	}
	if (r->status == AT_CANCELLED) {
		snprintf(buf, len, "cancelled: the port went away");
		return;
	}
	if (r->error_code >= 0)
		known = r->status == AT_CME_ERROR ? at_cme_text(r->error_code)
						  : at_cms_text(r->error_code);
	if (known != NULL)
		snprintf(buf, len, "%s: %ld (%s)", at_status_name(r->status), r->error_code,
		    known);
	else
		snprintf(buf, len, "%s", r->final);
}

/* ---- field splitting ---- */

int
at_split_fields(const char *line, const char *prefix, struct at_fields *out)
{
	const char *p = line;

	out->n = 0;
	if (prefix != NULL) {
		if (!starts_ci(line, prefix))
			return -1;
		p += strlen(prefix);
	}
	while (is_space(*p))
		p++;
	if (*p == '\0')
		return 0;
	for (;;) {
		struct at_field *f;

		if (out->n == AT_FIELDS_MAX)
			return -1;
		f = &out->f[out->n++];
		while (is_space(*p))
			p++;
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');

			if (q == NULL)
				return -1;
			f->p = p + 1;
			f->len = (size_t)(q - p - 1);
			f->quoted = true;
			for (p = q + 1; is_space(*p); p++)
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
			while (f->len > 0 && is_space(f->p[f->len - 1]))
				f->len--;
			p = q;
		}
		if (*p == '\0')
			return 0;
		p++;	/* the comma */
	}
}

/* A decimal field within [lo, hi]; leading zeros allowed ("002"). */
static bool
field_int(const struct at_field *f, long lo, long hi, int *v)
{
	long x = 0;

	if (f->len == 0 || f->len > 9)
		return false;
	for (size_t i = 0; i < f->len; i++) {
		if (!is_digit(f->p[i]))
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

		if (!is_hex(c))
			return false;
		x = x * 16 + (unsigned long)(is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	*v = x;
	return true;
}

/* Copy a field as text: no control bytes; -1 if it does not fit. */
static int
field_str(const struct at_field *f, char *out, size_t outlen)
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
	if (!field_int(&fl.f[0], 0, 99, &rssi) || !rssi_valid(rssi) ||
	    !field_int(&fl.f[1], 0, 99, &ber) || (ber > 7 && ber != 99))
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
	if (!field_int(&fl.f[0], 0, 99, &rssi) || !rssi_valid(rssi))
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
	if (with_n && !field_int(&fl->f[i++], 0, 5, &out->n))
		return -1;
	if (i >= fl->n || !field_int(&fl->f[i++], 0, 10, &out->stat))
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
	if (i < fl->n && fl->f[i].len > 0 && !field_int(&fl->f[i], 0, 13, &out->act))
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
	if (fl.f[0].quoted || !field_int(&fl.f[0], 0, 4, &out->mode))
		return -1;
	if (fl.n == 1)
		return 0;
	if (!field_int(&fl.f[1], 0, 2, &out->format) || fl.f[2].len == 0 ||
	    field_str(&fl.f[2], out->oper, sizeof(out->oper)) < 0)
		return -1;
	if (fl.n == 4 && !field_int(&fl.f[3], 0, 13, &out->act))
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
		if (!field_int(&fl.f[i], 0, 255, dst[i]))
			return -1;
	if (fl.n > 5 && fl.f[5].len > 0 && !field_int(&fl.f[5], 0, 255, &out->lock))
		return -1;
	if (fl.n > 6 && fl.f[6].len > 0 && !field_int(&fl.f[6], 0, 255, &out->sys_submode))
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
	if (!field_int(&fl.f[0], 0, 255, &out->sys_mode))
		return -1;
	if (fl.n == 2 && !field_int(&fl.f[1], 0, 255, &out->sys_submode))
		return -1;
	return 0;
}

int
at_parse_srvst(const char *line, int *srv_status)
{
	struct at_fields fl;

	if (at_split_fields(line, "^SRVST:", &fl) < 0 || fl.n != 1)
		return -1;
	return field_int(&fl.f[0], 0, 255, srv_status) ? 0 : -1;
}

int
at_parse_simst(const char *line, int *sim_state)
{
	struct at_fields fl;
	int lock;

	if (at_split_fields(line, "^SIMST:", &fl) < 0 || fl.n < 1 || fl.n > 2)
		return -1;
	if (fl.n == 2 && !field_int(&fl.f[1], 0, 255, &lock))
		return -1;
	return field_int(&fl.f[0], 0, 255, sim_state) ? 0 : -1;
}

int
at_parse_boot(const char *line)
{
	struct at_fields fl;
	int v;

	if (at_split_fields(line, "^BOOT:", &fl) < 0 || fl.n < 2)
		return -1;
	for (size_t i = 0; i < fl.n; i++)
		if (!field_int(&fl.f[i], 0, 999999999, &v))
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
	    field_str(&fl.f[0], v, sizeof(v)) < 0 || v[0] == '\0')
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
		    field_str(f, out->m[i].mem, sizeof(out->m[i].mem)) < 0))
			return -1;
		if (per == 3)
			f++;
		if (!field_int(f, 0, 65535, &out->m[i].used) ||
		    !field_int(f + 1, 0, 65535, &out->m[i].total))
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
	if (fl.f[0].len == 0 || field_str(&fl.f[0], out->mem, sizeof(out->mem)) < 0 ||
	    !field_int(&fl.f[1], 0, 65535, &out->index))
		return -1;
	return 0;
}

int
at_parse_cmgs(const char *line, int *mr)
{
	struct at_fields fl;

	if (at_split_fields(line, "+CMGS:", &fl) < 0 || fl.n < 1 || fl.n > 2)
		return -1;
	return field_int(&fl.f[0], 0, 255, mr) ? 0 : -1;
}

int
at_parse_cmgl_pdu(const char *line, struct at_sms_hdr *out)
{
	struct at_fields fl;

	if (at_split_fields(line, "+CMGL:", &fl) < 0 || fl.n < 3 || fl.n > 4)
		return -1;
	if (!field_int(&fl.f[0], 0, 65535, &out->index) ||
	    !field_int(&fl.f[1], 0, 3, &out->stat) ||
	    !field_int(&fl.f[fl.n - 1], 0, 255, &out->length))
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
	if (!field_int(&fl.f[fl.n - 1], 0, 255, &out->length))
		return -1;
	if (fl.n == 1)
		return 0;	/* "+CMGR: 24" */
	st = fl.n >= 3 ? fl.n - 3 : 0;
	if (fl.f[st].len > 0 && !field_int(&fl.f[st], 0, 3, &out->stat))
		return -1;
	return 0;
}

/* Where the hex is in a PDU line: spaces and quotes around it skipped. */
static int
pdu_span(const char *line, size_t *start, size_t *len)
{
	size_t a = 0, b = strlen(line);

	while (a < b && (is_space(line[a]) || line[a] == '"'))
		a++;
	while (b > a && (is_space(line[b - 1]) || line[b - 1] == '"'))
		b--;
	if (a == b)
		return -1;
	for (size_t i = a; i < b; i++)
		if (!is_hex(line[i]))
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

/* The scts-looking quoted field: "13/01/28,14:51:42+08". */
static bool
looks_like_scts(const struct at_field *f)
{
	return f->quoted && memchr(f->p, '/', f->len) != NULL;
}

static int
text_hdr(const struct at_fields *fl, size_t first, struct at_sms_text_hdr *out)
{
	const struct at_field *f = &fl->f[first];
	size_t left = fl->n - first;

	if (left < 2 || !f[0].quoted || field_str(&f[0], out->stat, sizeof(out->stat)) < 0 ||
	    out->stat[0] == '\0' || field_str(&f[1], out->addr, sizeof(out->addr)) < 0)
		return -1;
	out->scts[0] = '\0';
	if (left >= 3 && looks_like_scts(&f[2]))
		return field_str(&f[2], out->scts, sizeof(out->scts));
	if (left >= 4 && looks_like_scts(&f[3]))
		return field_str(&f[3], out->scts, sizeof(out->scts));
	return 0;
}

int
at_parse_cmgl_text(const char *line, struct at_sms_text_hdr *out)
{
	struct at_fields fl;

	memset(out, 0, sizeof(*out));
	if (at_split_fields(line, "+CMGL:", &fl) < 0 || fl.n < 3 ||
	    !field_int(&fl.f[0], 0, 65535, &out->index))
		return -1;
	return text_hdr(&fl, 1, out);
}

int
at_parse_cmgr_text(const char *line, struct at_sms_text_hdr *out)
{
	struct at_fields fl;

	memset(out, 0, sizeof(*out));
	out->index = -1;
	if (at_split_fields(line, "+CMGR:", &fl) < 0)
		return -1;
	return text_hdr(&fl, 0, out);
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
		if (starts_ci(line, "+CMGL:"))
			ok = at_parse_cmgl_pdu(line, &h);
		else if (starts_ci(line, "+CMGR:"))
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
	while (a < b && is_space(tok[a]))
		a++;
	while (b > a && is_space(tok[b - 1]))
		b--;
	nlen = b - a;
	if (nlen == 0 || nlen >= sizeof(name))
		return;
	for (size_t i = a; i < b; i++)
		if (!is_alnum(tok[i]) && tok[i] != '_')
			return;
	{
		struct at_field f = { colon + 1, len - (size_t)(colon + 1 - tok), false };

		while (f.len > 0 && is_space(f.p[0])) {
			f.p++;
			f.len--;
		}
		while (f.len > 0 && is_space(f.p[f.len - 1]))
			f.len--;
		if (!field_int(&f, 0, 255, &iface))
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
	if (!starts_ci(line, "^GETPORTMODE:"))
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

	if (prefix != NULL && starts_ci(p, prefix))
		p += strlen(prefix);
	while (is_space(*p) || *p == '"')
		p++;
	n = strlen(p);
	while (n > 0 && (is_space(p[n - 1]) || p[n - 1] == '"'))
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
		if (!is_digit(out[i]))
			return -1;
	return 0;
}
