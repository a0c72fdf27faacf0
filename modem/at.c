/*
 * at: the AT command engine.  See at.h for the contract.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "at.h"
#include "text.h"

#define CTRL_Z 0x1a
#define ESC 0x1b

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
		bool hit = urc_table[i].exact ? text_equals_ci(line, urc_table[i].prefix)
					      : text_prefix_ci(line, urc_table[i].prefix);
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
		hit = final_table[i].prefix ? text_prefix_ci(line, final_table[i].text)
					    : text_equals_ci(line, final_table[i].text);
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
	while (text_isalnum(p[n]) || p[n] == '_')
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
	return text_prefix_ci(text, "ATD") || text_prefix_ci(text, "ATA") || text_prefix_ci(text, "ATO") ||
	    text_prefix_ci(text, "AT+CGDATA");
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
		if (!text_isxdigit(pdu[i]))
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
	e->prompt_wait = c->pdu[0] != '\0' || text_prefix_ci(c->text, "AT+CMGS") ||
	    text_prefix_ci(c->text, "AT+CMGW");
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
	text_copy_n(c->text, sizeof(c->text), text, strlen(text));
	if (pdu != NULL)
		text_copy_n(c->pdu, sizeof(c->pdu), pdu, strlen(pdu));
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
	for (p++; text_isblank(*p); p++)
		;
	n = text_trimmed_len(p);
	p[n] = '\0';
	r->error_text = p;
	digits = n > 0 && n < 7;
	for (size_t i = 0; digits && i < n; i++)
		digits = text_isdigit(p[i]);
	if (digits)
		r->error_code = strtol(p, NULL, 10);
}

static void
complete(struct at_engine *e, enum at_status st, const char *final)
{
	struct at_cmd c = e->queue[e->head];

	e->reply.status = st;
	text_copy_n(e->reply.final, sizeof(e->reply.final), final, strlen(final));
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
	size_t n = text_trimmed_len(s);

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!text_isxdigit(s[i]))
			return false;
	return true;
}

static bool
is_echo(const struct at_cmd *c, const char *line)
{
	size_t n = text_trimmed_len(line);

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
	text_copy_n(e->urc_head, sizeof(e->urc_head), line, len);
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
	if (c->prefix[0] != '\0' && text_prefix_ci(line, c->prefix)) {
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
		if (e->busy && e->prompt_wait && text_equals_ci(line, ">")) {
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
