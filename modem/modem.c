/*
 * modem: the modem driver as a state machine over the AT engine.  See
 * modem.h for the contract.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "modem.h"
#include "secretfile.h"
#include "sms_text.h"

/* What a queued command is for (at_cmd.tag); at_cmd.arg carries details. */
enum op { OP_INIT, OP_QUERY, OP_LIST, OP_READ, OP_DELETE, OP_SEND, OP_CSMP, OP_RESET };

enum step {
	S_ECHO,
	S_CMEE,
	S_CPIN_Q,
	S_CPIN_SET,
	S_CPIN_CHECK,
	S_CURC,
	S_CMGF,
	S_CPMS,
	S_CNMI,
	S_CNMI_NO_REPORTS,
	S_PORTS,
	S_CMGF_TEXT,	/* PDU mode refused: text mode, */
	S_CSCS,		/* in UCS2 */
};

static const char *const step_cmd[] = {
	[S_ECHO] = "ATE0",
	[S_CMEE] = "AT+CMEE=2",
	[S_CPIN_Q] = "AT+CPIN?",
	[S_CPIN_SET] = NULL,	/* built with the PIN */
	[S_CPIN_CHECK] = "AT+CPIN?",
	[S_CURC] = "AT^CURC=1",
	[S_CMGF] = "AT+CMGF=0",
	[S_CPMS] = "AT+CPMS=\"SM\",\"SM\",\"SM\"",
	[S_CNMI] = "AT+CNMI=2,1,0,2,0",
	[S_CNMI_NO_REPORTS] = "AT+CNMI=2,1,0,0,0",
	[S_PORTS] = "AT^GETPORTMODE",
	[S_CMGF_TEXT] = "AT+CMGF=1",
	[S_CSCS] = "AT+CSCS=\"UCS2\"",
};

/* ---- events and messages ---- */

static void
emit(struct modem *m, const struct modem_event *ev)
{
	if (m->io.event != NULL)
		m->io.event(m->io.arg, ev);
}

static void
emit_msg(struct modem *m, enum modem_event_kind kind)
{
	struct modem_event ev = { .kind = kind, .msg = m->msg, .index = -1 };

	emit(m, &ev);
}

/* "<device>: <command>: <what the modem said>" into m->msg. */
static void
describe_failure(struct modem *m, const struct at_cmd *c, const struct at_reply *r,
    const char *extra)
{
	char cmd[AT_CMD_MAX + 1], what[256];

	at_cmd_display(c, cmd, sizeof(cmd));
	at_reply_describe(c, r, what, sizeof(what));
	snprintf(m->msg, sizeof(m->msg), "%s: %s: %s%s", m->device, cmd, what,
	    extra != NULL ? extra : "");
}

static void
init_failed(struct modem *m)
{
	m->state = MODEM_FAILED;
	m->retry_at = -1;
	emit_msg(m, MODEM_EV_FAILED);
}

/* ---- sending commands ---- */

static int64_t
now_of(const struct modem *m)
{
	return m->at.now;
}

static int
queue(struct modem *m, const char *text, const char *pdu, int64_t timeout, enum op op, void *arg)
{
	if (at_send(&m->at, now_of(m), text, pdu, timeout, (int)op, arg) == 0)
		return 0;
	snprintf(m->msg, sizeof(m->msg), "%s: %s: cannot queue the command: %s", m->device,
	    text, strerror(errno));
	emit_msg(m, MODEM_EV_WARNING);
	return -1;
}

static bool
port_free(const struct modem *m)
{
	return m->state == MODEM_READY && !(m->cfg.single_port && m->link_up);
}

static void
send_step(struct modem *m)
{
	char cmd[AT_CMD_MAX + 1];

	if (m->step == S_CPIN_SET) {
		snprintf(cmd, sizeof(cmd), "AT+CPIN=\"%s\"", m->pin);
		if (queue(m, cmd, NULL, m->cfg.cmd_timeout_ms, OP_INIT, NULL) == 0)
			at_mark_secret(&m->at);
		explicit_bzero(cmd, sizeof(cmd));
		return;
	}
	queue(m, step_cmd[m->step], NULL, m->cfg.cmd_timeout_ms, OP_INIT, NULL);
}

static void
goto_step(struct modem *m, enum step s)
{
	m->step = (int)s;
	m->retries = 0;
	send_step(m);
}

/* Ask the same again later (SIM busy, slow start); fail after too many. */
static void
retry_step(struct modem *m, const struct at_cmd *c, const struct at_reply *r)
{
	if (++m->retries > MODEM_RETRIES) {
		describe_failure(m, c, r, " (gave up after retrying)");
		init_failed(m);
		return;
	}
	m->retry_at = now_of(m) + MODEM_RETRY_MS;
}

static void maybe_sweep(struct modem *m);

static void
poll_status(struct modem *m)
{
	static const enum modem_query q[] = { MODEM_Q_CSQ, MODEM_Q_CREG, MODEM_Q_COPS,
		MODEM_Q_SYSINFO };

	if (at_queue_room(&m->at) < sizeof(q) / sizeof(q[0]))
		return;
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		queue(m, modem_query_command(q[i]), NULL, m->cfg.cmd_timeout_ms, OP_QUERY,
		    (void *)(uintptr_t)q[i]);
}

static void
init_ready(struct modem *m)
{
	struct modem_event ev = { .kind = MODEM_EV_READY, .index = -1 };

	m->state = MODEM_READY;
	emit(m, &ev);
	if (m->state != MODEM_READY)
		return;	/* the hook closed or restarted us */
	poll_status(m);
	m->sweep_wanted = true;
	maybe_sweep(m);
}

/* ---- the init sequence ---- */

static bool
sim_busy(const struct at_reply *r)
{
	return (r->status == AT_CME_ERROR && (r->error_code == 14 ||
	    (r->error_text != NULL && strcasecmp(r->error_text, "SIM busy") == 0))) ||
	    (r->status == AT_CMS_ERROR && r->error_code == 314);
}

static void
pin_state(struct modem *m, const struct at_cmd *c, const struct at_reply *r)
{
	if (modem_status_apply(&m->st, MODEM_Q_PIN, r) < 0) {
		describe_failure(m, c, r, ": no +CPIN: answer in the reply");
		init_failed(m);
		return;
	}
	switch (m->st.pin) {
	case AT_PIN_READY:
		goto_step(m, S_CURC);
		return;
	case AT_PIN_SIM_PIN:
		if (m->step == S_CPIN_CHECK || m->pin_sent) {
			retry_step(m, c, r);	/* the modem is still taking it */
			return;
		}
		if (m->pin[0] == '\0') {
			snprintf(m->msg, sizeof(m->msg),
			    "%s: the SIM needs its PIN and none is configured", m->device);
			init_failed(m);
			return;
		}
		goto_step(m, S_CPIN_SET);
		return;
	case AT_PIN_SIM_PUK:
		snprintf(m->msg, sizeof(m->msg),
		    "%s: the SIM is blocked and needs its PUK: unblock it in a phone", m->device);
		init_failed(m);
		return;
	default:
		snprintf(m->msg, sizeof(m->msg), "%s: the SIM is %s", m->device,
		    at_pin_name(m->st.pin));
		init_failed(m);
		return;
	}
}

static void
apply_cpms(struct modem *m, const struct at_reply *r)
{
	const char *l = at_find_line(r, "+CPMS:");

	if (l != NULL && at_parse_cpms(l, &m->st.cpms) == 0)
		m->st.have_cpms = true;
}

/* AT+CMGF=0 refused: say so, then try text mode. */
static void
text_fallback(struct modem *m, const struct at_cmd *c, const struct at_reply *r)
{
	describe_failure(m, c, r, ": no PDU mode; SMS in text mode (AT+CMGF=1, UCS2) "
	    "instead: long messages arrive in parts, and are sent as separate messages");
	m->text_mode = true;
	emit_msg(m, MODEM_EV_WARNING);
	if (m->state == MODEM_INITIALIZING && m->step == S_CMGF)	/* unless the hook restarted */
		goto_step(m, S_CMGF_TEXT);
}

static void
init_done(struct modem *m, const struct at_cmd *c, const struct at_reply *r)
{
	bool ok = r->status == AT_OK;

	if (r->status == AT_TIMEOUT || (sim_busy(r) && m->step != S_CPIN_SET)) {
		retry_step(m, c, r);
		return;
	}
	switch (m->step) {
	case S_CMEE:
	case S_CURC:
		goto_step(m, (enum step)(m->step + 1));	/* optional */
		return;
	case S_CPIN_Q:
	case S_CPIN_CHECK:
		if (ok)
			pin_state(m, c, r);
		break;
	case S_CPIN_SET:
		m->pin_sent = true;
		if (ok)
			goto_step(m, S_CPIN_CHECK);
		else
			describe_failure(m, c, r,
			    "; not trying again: a few wrong PINs block the SIM");
		break;
	case S_CPMS:
		if (ok) {
			apply_cpms(m, r);
			goto_step(m, S_CNMI);
		}
		break;
	case S_CMGF:
		if (ok)
			goto_step(m, S_CPMS);
		else
			text_fallback(m, c, r);
		return;
	case S_CMGF_TEXT:
		if (ok) {
			goto_step(m, S_CSCS);
			return;
		}
		describe_failure(m, c, r, " (after AT+CMGF=0 was refused too): no SMS mode left");
		break;
	case S_CSCS:
		if (ok) {
			goto_step(m, S_CPMS);
			return;
		}
		describe_failure(m, c, r, ": text mode is read only in UCS2, where no SMS can "
		    "fake the lines of a reply");
		break;
	case S_CNMI:
		goto_step(m, ok ? S_PORTS : S_CNMI_NO_REPORTS);
		return;
	case S_PORTS:
		if (ok)
			modem_status_apply(&m->st, MODEM_Q_PORTS, r);
		init_ready(m);
		return;
	default:	/* S_ECHO, S_CNMI_NO_REPORTS */
		if (ok)
			goto_step(m, m->step == S_CNMI_NO_REPORTS ? S_PORTS
								  : (enum step)(m->step + 1));
		break;
	}
	if (ok || m->state != MODEM_INITIALIZING)
		return;
	if (m->step != S_CPIN_SET && m->step != S_CMGF_TEXT && m->step != S_CSCS)
		describe_failure(m, c, r, NULL);
	init_failed(m);
}

/* ---- stored messages ---- */

static bool
being_deleted(const struct modem *m, int index)
{
	for (size_t i = 0; i < m->ndeleting; i++)
		if (m->deleting[i] == index)
			return true;
	return false;
}

static void
forget_delete(struct modem *m, int index)
{
	for (size_t i = 0; i < m->ndeleting; i++) {
		if (m->deleting[i] == index) {
			m->deleting[i] = m->deleting[--m->ndeleting];
			return;
		}
	}
}

static void
delete_index(struct modem *m, int index)
{
	char cmd[32];

	if (being_deleted(m, index) || m->ndeleting == AT_QUEUE_MAX)
		return;
	snprintf(cmd, sizeof(cmd), "AT+CMGD=%d", index);
	if (queue(m, cmd, NULL, m->cfg.cmd_timeout_ms, OP_DELETE, (void *)(intptr_t)index) == 0)
		m->deleting[m->ndeleting++] = index;
}

/* Hand one stored message over (m->sms, or why it does not decode), then
 * delete it from the SIM. */
static void
hand_over(struct modem *m, int index, bool decoded, const char *err)
{
	struct modem_event ev = { .index = index };

	if (decoded) {
		ev.kind = MODEM_EV_SMS;
		ev.sms = &m->sms;
	} else {
		snprintf(m->msg, sizeof(m->msg), "%s: the SMS at index %d does not decode: %s",
		    m->device, index, err);
		ev.kind = MODEM_EV_SMS_BAD;
		ev.msg = m->msg;
	}
	emit(m, &ev);
	if (m->state == MODEM_READY)
		delete_index(m, index);
}

static void
take_pdus(struct modem *m, const struct at_reply *r, int read_index, size_t *bad)
{
	struct at_sms_entry e;
	size_t i = 0;
	char err[200];

	while (at_sms_list_next(r, &i, &e, bad) == 1 && m->state == MODEM_READY) {
		int index = e.index >= 0 ? e.index : read_index;

		if (index < 0 || being_deleted(m, index))
			continue;
		if (at_queue_room(&m->at) == 0) {
			m->sweep_wanted = true;	/* the rest after the deletions */
			break;
		}
		hand_over(m, index, sms_decode_hex(e.pdu, e.pdu_len, &m->sms, err,
		    sizeof(err)) == 0, err);
	}
}

/*
 * Text mode.  A reply that lost lines (too long for the engine) may have
 * lost a message's text or header: then only messages with their one text
 * line and another message after them are taken; the rest on a later
 * sweep, once deletions made the list shorter.
 */
static void
take_texts(struct modem *m, const struct at_reply *r, int read_index, size_t *bad)
{
	struct sms_text_entry e;
	size_t i = 0;
	char err[200];

	while (sms_text_next(r, &i, &e, bad) == 1 && m->state == MODEM_READY) {
		int index = e.hdr.index >= 0 ? e.hdr.index : read_index;

		if (index < 0 || being_deleted(m, index))
			continue;
		if (r->truncated && (e.text_lines != 1 || i >= r->nlines))
			continue;	/* swept again: r->truncated */
		if (at_queue_room(&m->at) == 0) {
			m->sweep_wanted = true;
			break;
		}
		hand_over(m, index, sms_text_decode(r, &e, &m->sms, err, sizeof(err)) == 0,
		    err);
	}
}

/* An AT+CMGL or AT+CMGR reply: every message in it. */
static void
take_reply(struct modem *m, const struct at_reply *r, int read_index)
{
	size_t bad = 0;

	if (m->text_mode)
		take_texts(m, r, read_index, &bad);
	else
		take_pdus(m, r, read_index, &bad);
	if (r->truncated)
		m->sweep_wanted = true;
	if (bad > 0) {
		snprintf(m->msg, sizeof(m->msg), "%s: %zu stored message(s) without a readable %s",
		    m->device, bad, m->text_mode ? "text-mode header" : "PDU");
		emit_msg(m, MODEM_EV_WARNING);
	}
}

static void
maybe_sweep(struct modem *m)
{
	if (!m->sweep_wanted || m->sweep_queued || !port_free(m) || m->ndeleting > 0 ||
	    at_queue_room(&m->at) == 0)
		return;
	if (queue(m, m->text_mode ? "AT+CMGL=\"ALL\"" : "AT+CMGL=4", NULL, m->cfg.cmd_timeout_ms,
	    OP_LIST, NULL) == 0) {
		m->sweep_queued = true;
		m->sweep_wanted = false;
	}
}

static void
read_index(struct modem *m, int index)
{
	char cmd[32];

	if (being_deleted(m, index))
		return;
	if (!port_free(m) || at_queue_room(&m->at) < 2) {
		m->sweep_wanted = true;
		return;
	}
	snprintf(cmd, sizeof(cmd), "AT+CMGR=%d", index);
	queue(m, cmd, NULL, m->cfg.cmd_timeout_ms, OP_READ, (void *)(intptr_t)index);
}

/* ---- sending ---- */

static void
send_done(struct modem *m, struct modem_send_job *j, const struct at_cmd *c,
    const struct at_reply *r)
{
	struct modem_event ev = { .kind = MODEM_EV_SENT, .index = -1 };
	const char *l;
	int mr;

	j->done++;
	if (r->status == AT_OK && (l = at_find_line(r, "+CMGS:")) != NULL &&
	    at_parse_cmgs(l, &mr) == 0)
		j->mr = mr;
	else if (r->status == AT_OK)
		j->mr = -1;
	if (r->status != AT_OK && !j->failed) {
		char cmd[AT_CMD_MAX + 1], what[256];

		j->failed = true;
		at_cmd_display(c, cmd, sizeof(cmd));
		at_reply_describe(c, r, what, sizeof(what));
		snprintf(j->msg, sizeof(j->msg), "%s: %s: %s (part %zu of %zu)", m->device, cmd,
		    what, j->done, j->parts);
	}
	if (j->done < j->parts)
		return;
	ev.tag = j->tag;
	ev.ok = !j->failed;
	ev.mr = j->mr;
	ev.msg = j->failed ? j->msg : NULL;
	j->used = false;
	emit(m, &ev);
}

static struct modem_send_job *
free_job(struct modem *m)
{
	for (size_t i = 0; i < MODEM_SEND_JOBS; i++)
		if (!m->jobs[i].used)
			return &m->jobs[i];
	return NULL;
}

/* ---- sending in text mode ---- */

/*
 * AT+CSMP sets the alphabet (DCS 0: the modem turns the UCS2 it is given
 * into GSM 7-bit; 8: UCS2) and a validity of one day for every message
 * after it; then each part goes as AT+CMGS="<number>" with its UCS2 hex
 * after the prompt.
 */
static int
send_text_mode(struct modem *m, struct modem_send_job *j, const char *number, const char *text,
    int tag, char *err, size_t errlen)
{
	char parts[MODEM_SEND_PARTS][AT_PDU_MAX + 1], cmd[AT_CMD_MAX + 1], why[MODEM_MSG_MAX];
	struct sms_text_submit sub;
	size_t n;

	if (sms_text_encode(number, text, parts, MODEM_SEND_PARTS, &sub, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", m->device, why);
		return -1;
	}
	n = sub.nparts;
	if (at_queue_room(&m->at) < n + 1) {
		snprintf(err, errlen, "%s: the command queue is full", m->device);
		return -1;
	}
	memset(j, 0, sizeof(*j));
	j->used = true;
	j->tag = tag;
	j->parts = n;
	snprintf(cmd, sizeof(cmd), "AT+CSMP=17,167,0,%d", sub.dcs);
	at_send(&m->at, now_of(m), cmd, NULL, m->cfg.cmd_timeout_ms, OP_CSMP, j);
	snprintf(cmd, sizeof(cmd), "AT+CMGS=\"%s\"", sub.da);
	for (size_t i = 0; i < n; i++) {
		if (at_send(&m->at, now_of(m), cmd, parts[i], m->cfg.send_timeout_ms, OP_SEND,
		    j) < 0) {
			j->parts = i;	/* cannot happen: room was checked */
			break;
		}
	}
	return 0;
}

int
modem_send_sms(struct modem *m, int64_t now, const char *number, const char *text, int tag,
    char *err, size_t errlen)
{
	struct sms_submit_pdu pdus[MODEM_SEND_PARTS];
	struct sms_submit_opts opts = { .ref = m->next_ref, .validity = -1 };
	struct modem_send_job *j;
	size_t n;

	m->at.now = now;
	if (!port_free(m)) {
		snprintf(err, errlen, "%s: cannot send an SMS now: %s", m->device,
		    m->state != MODEM_READY ? "the modem is not ready"
					    : "the data link has the only port");
		return -1;
	}
	if ((j = free_job(m)) == NULL) {
		snprintf(err, errlen, "%s: too many SMS being sent", m->device);
		return -1;
	}
	if (m->text_mode)
		return send_text_mode(m, j, number, text, tag, err, errlen);
	if (sms_encode_submit(number, text, strlen(text), &opts, pdus, MODEM_SEND_PARTS, &n, err,
	    errlen) < 0)
		return -1;
	if (at_queue_room(&m->at) < n) {
		snprintf(err, errlen, "%s: the command queue is full", m->device);
		return -1;
	}
	m->next_ref++;
	memset(j, 0, sizeof(*j));
	j->used = true;
	j->tag = tag;
	j->parts = n;
	for (size_t i = 0; i < n; i++) {
		char cmd[32];

		snprintf(cmd, sizeof(cmd), "AT+CMGS=%zu", pdus[i].tpdu_len);
		if (at_send(&m->at, now, cmd, pdus[i].hex, m->cfg.send_timeout_ms, OP_SEND, j) < 0) {
			j->parts = i;	/* cannot happen: room was checked */
			break;
		}
	}
	return 0;
}

/* ---- the engine's hooks ---- */

static void
urc_status(struct modem *m)
{
	struct modem_event ev = { .kind = MODEM_EV_STATUS, .index = -1 };

	emit(m, &ev);
}

static void
on_urc(void *arg, const struct at_urc *u)
{
	struct modem *m = arg;
	struct at_cmti cmti;
	struct at_sysinfo si;
	int v;

	switch (u->kind) {
	case AT_URC_CMTI:
		if (at_parse_cmti(u->line, &cmti) == 0 && m->state == MODEM_READY)
			read_index(m, cmti.index);
		return;
	case AT_URC_RSSI:
		if (at_parse_rssi(u->line, &m->st.csq) == 0) {
			m->st.have_csq = true;
			urc_status(m);
		}
		return;
	case AT_URC_MODE:
		if (at_parse_mode(u->line, &si) == 0) {
			m->st.sysinfo.sys_mode = si.sys_mode;
			m->st.sysinfo.sys_submode = si.sys_submode;
			urc_status(m);
		}
		return;
	case AT_URC_SRVST:
		if (at_parse_srvst(u->line, &v) == 0) {
			m->st.sysinfo.srv_status = v;
			urc_status(m);
		}
		return;
	case AT_URC_SIMST:
		if (at_parse_simst(u->line, &v) == 0) {
			m->st.sysinfo.sim_state = v;
			urc_status(m);
		}
		return;
	case AT_URC_CREG:
		if (at_parse_creg(u->line, false, &m->st.creg) == 0) {
			m->st.have_creg = true;
			urc_status(m);
		}
		return;
	case AT_URC_SMMEMFULL:
		snprintf(m->msg, sizeof(m->msg), "%s: the SIM's SMS storage is full", m->device);
		emit_msg(m, MODEM_EV_WARNING);
		m->sweep_wanted = true;
		maybe_sweep(m);
		return;
	default:
		return;	/* ^BOOT, ^DSFLOWRPT, call progress: nothing to do */
	}
}

static void
query_done(struct modem *m, enum modem_query q, const struct at_reply *r)
{
	modem_status_apply(&m->st, q, r);
	if (q == MODEM_Q_SYSINFO)
		urc_status(m);
}

static void
on_done(void *arg, const struct at_cmd *c, const struct at_reply *r)
{
	struct modem *m = arg;

	if (r->status == AT_TIMEOUT && at_unresponsive(&m->at) && !m->unresponsive_told) {
		m->unresponsive_told = true;
		snprintf(m->msg, sizeof(m->msg), "%s: the modem stopped answering (%s: no answer)",
		    m->device, c->secret ? "AT+CPIN" : c->text);
		emit_msg(m, MODEM_EV_UNRESPONSIVE);
	} else if (r->status != AT_TIMEOUT) {
		m->unresponsive_told = false;
	}
	if (c->tag == OP_SEND) {
		send_done(m, c->arg, c, r);
		return;
	}
	if (r->status == AT_CANCELLED)
		return;
	switch ((enum op)c->tag) {
	case OP_INIT:
		if (m->state == MODEM_INITIALIZING)
			init_done(m, c, r);
		return;
	case OP_QUERY:
		query_done(m, (enum modem_query)(uintptr_t)c->arg, r);
		return;
	case OP_LIST:
		m->sweep_queued = false;
		if (r->status == AT_OK) {
			take_reply(m, r, -1);
		} else {
			describe_failure(m, c, r, NULL);
			emit_msg(m, MODEM_EV_WARNING);
		}
		break;
	case OP_READ:
		if (r->status == AT_OK)
			take_reply(m, r, (int)(intptr_t)c->arg);
		break;
	case OP_CSMP:
		if (r->status != AT_OK) {
			describe_failure(m, c, r, ": the SMS may arrive in the wrong alphabet");
			emit_msg(m, MODEM_EV_WARNING);
		}
		break;
	case OP_DELETE:
		forget_delete(m, (int)(intptr_t)c->arg);
		if (r->status != AT_OK) {
			describe_failure(m, c, r, NULL);
			emit_msg(m, MODEM_EV_WARNING);
		}
		break;
	default:
		return;
	}
	maybe_sweep(m);
}

static void
on_write(void *arg, const void *data, size_t len)
{
	struct modem *m = arg;

	if (m->io.write != NULL)
		m->io.write(m->io.arg, data, len);
}

/* ---- public ---- */

void
modem_init(struct modem *m, const struct modem_config *cfg, const struct modem_io *io)
{
	struct at_hooks h = { on_write, on_done, on_urc, m };

	memset(m, 0, sizeof(*m));
	if (cfg != NULL)
		m->cfg = *cfg;
	if (io != NULL)
		m->io = *io;
	snprintf(m->device, sizeof(m->device), "%s",
	    m->cfg.device != NULL ? m->cfg.device : "modem");
	if (m->cfg.pin != NULL)
		snprintf(m->pin, sizeof(m->pin), "%s", m->cfg.pin);
	m->cfg.device = m->device;
	m->cfg.pin = NULL;	/* the copy is ours; the caller may wipe theirs */
	if (m->cfg.cmd_timeout_ms <= 0)
		m->cfg.cmd_timeout_ms = MODEM_CMD_TIMEOUT_MS;
	if (m->cfg.send_timeout_ms <= 0)
		m->cfg.send_timeout_ms = MODEM_SEND_TIMEOUT_MS;
	m->retry_at = -1;
	at_init(&m->at, &h);
}

void
modem_start(struct modem *m, int64_t now)
{
	m->at.now = now;
	if (at_busy(&m->at))
		at_reset(&m->at);
	m->state = MODEM_INITIALIZING;
	m->text_mode = false;	/* maybe another modem now: PDU mode first */
	m->pin_sent = false;
	m->retry_at = -1;
	m->sweep_wanted = m->sweep_queued = false;
	m->ndeleting = 0;
	m->unresponsive_told = false;
	goto_step(m, S_ECHO);
}

void
modem_feed(struct modem *m, const void *data, size_t len, int64_t now)
{
	at_feed(&m->at, data, len, now);
}

void
modem_tick(struct modem *m, int64_t now)
{
	at_tick(&m->at, now);
	if (m->retry_at >= 0 && now >= m->retry_at && m->state == MODEM_INITIALIZING) {
		m->retry_at = -1;
		send_step(m);
	}
}

int64_t
modem_next_deadline(const struct modem *m)
{
	int64_t a = at_next_deadline(&m->at), b = m->retry_at;

	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

int
modem_poll_status(struct modem *m, int64_t now)
{
	m->at.now = now;
	if (!port_free(m))
		return -1;
	poll_status(m);
	return 0;
}

int
modem_read_sms(struct modem *m, int64_t now)
{
	m->at.now = now;
	m->sweep_wanted = true;
	if (!port_free(m))
		return -1;
	maybe_sweep(m);
	return 0;
}

void
modem_set_link(struct modem *m, bool up, int64_t now)
{
	m->at.now = now;
	m->link_up = up;
	if (up || !m->cfg.single_port)
		return;
	m->sweep_wanted = true;	/* no +CMTI could reach us meanwhile */
	maybe_sweep(m);
}

bool
modem_idle(const struct modem *m)
{
	return !at_busy(&m->at);
}

int
modem_hard_reset(struct modem *m, int64_t now)
{
	m->at.now = now;
	if (m->state == MODEM_CLOSED)
		return -1;
	return queue(m, "AT+CFUN=1,1", NULL, m->cfg.cmd_timeout_ms, OP_RESET, NULL);
}

void
modem_closed(struct modem *m)
{
	m->state = MODEM_CLOSED;
	m->retry_at = -1;
	at_reset(&m->at);
	m->sweep_wanted = m->sweep_queued = false;
	m->ndeleting = 0;
	snprintf(m->msg, sizeof(m->msg),
	    "%s: the modem went away (unplugged or reset); waiting for it to come back",
	    m->device);
	emit_msg(m, MODEM_EV_GONE);
}

/* ---- the PIN file: the one function here doing I/O ---- */

int
modem_read_pin_file(const char *path, char *pin, size_t pinlen, char *err, size_t errlen)
{
	char buf[SECRETFILE_MAX];
	int len = secretfile_read(path, buf, sizeof(buf), err, errlen);

	if (len < 0)
		return -1;
	if (len < 4 || len > 8 || (size_t)len >= pinlen ||
	    strspn(buf, "0123456789") != (size_t)len) {
		explicit_bzero(buf, sizeof(buf));
		snprintf(err, errlen, "%s: does not hold a PIN (4 to 8 digits on one line)", path);
		return -1;
	}
	memcpy(pin, buf, (size_t)len + 1);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}
