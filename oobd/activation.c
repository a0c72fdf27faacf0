/*
 * activation: what an SMS may make oobd do.  Strangers are ignored before
 * their text is even parsed; a command counts only with a one-time code
 * that auth.h accepts, and the auth state is on disk before the command
 * runs, so a crash cannot make a code work twice.  Refusals get no answer
 * (the sender may be spoofed, and an answer would help a guesser); STATUS
 * and a DOWN with nothing up are answered by SMS.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "modem.h"
#include "notify.h"
#include "oobd.h"
#include "smscmd.h"
#include "tsmath.h"

static void
auth_save(struct oobd *d)
{
	char path[PATH_MAX], err[256];

	if (!d->auth.dirty)
		return;
	snprintf(path, sizeof(path), "%s/auth.state", d->conf.state_dir);
	if (auth_state_save(&d->auth, path, err, sizeof(err)) == -1)
		log_warnx("auth: %s", err);
}

static void
alert_lockout(struct oobd *d, int64_t now)
{
	int64_t until;
	char text[160];

	if (!auth_locked(&d->auth, now, &until))
		return;
	snprintf(text, sizeof(text), "Too many wrong codes: SMS commands refused for %lld min.",
	    (long long)((until - now + 59) / 60));
	log_warnx("auth: %s", text);
	if (d->notifier != NULL)
		notify_send(d->notifier, "failed", "OOBM lockout", text, NULL);
}

static void
run_command(struct oobd *d, const char *from, const struct smscmd *cmd)
{
	char text[200];
	int64_t granted;

	switch (cmd->verb) {
	case SMSCMD_UP:
		snprintf(d->requester, sizeof(d->requester), "%.*s", (int)sizeof(d->requester) - 1, from);
		session_up(&d->session, ts_mono_ms(), (int64_t)cmd->minutes * 60000, &granted);
		log_info("UP from %s: session of %lld min", from, (long long)(granted / 60000));
		break;
	case SMSCMD_DOWN:
		if (!session_active(&d->session)) {
			outbox_send(d, from, "OOBM link is already down.");
			break;
		}
		snprintf(text, sizeof(text), "DOWN by SMS from %s", from);
		session_down(&d->session, ts_mono_ms(), text);
		break;
	case SMSCMD_STATUS:
		activation_status_text(d, text, sizeof(text));
		outbox_send(d, from, text);
		break;
	}
}

const char *
sms_refusal_name(enum sms_refusal r)
{
	static const char *const names[SMS_REFUSED_COUNT] = {
		[SMS_REFUSED_NOT_PLAIN] = "not_plain_text",
		[SMS_REFUSED_COMMAND] = "not_a_command",
		[SMS_REFUSED_LOCKED] = "locked",
		[SMS_REFUSED_BAD_CODE] = "bad_code",
		[SMS_REFUSED_REPLAY] = "replay",
		[SMS_REFUSED_MALFORMED_CODE] = "malformed_code",
		[SMS_REFUSED_AUTH_ERROR] = "auth_error",
		[SMS_REFUSED_UNSAVED] = "state_unsaved",
	};

	return (unsigned)r < SMS_REFUSED_COUNT ? names[r] : "?";
}

static void
refused(struct oobd *d, enum sms_refusal why)
{
	d->sms_refused++;
	d->counts.sms_refused[why]++;
}

static enum sms_refusal
refusal_of(enum auth_result r)
{
	switch (r) {
	case AUTH_LOCKED:
		return SMS_REFUSED_LOCKED;
	case AUTH_BAD_CODE:
		return SMS_REFUSED_BAD_CODE;
	case AUTH_REPLAY:
		return SMS_REFUSED_REPLAY;
	case AUTH_MALFORMED:
		return SMS_REFUSED_MALFORMED_CODE;
	case AUTH_OK:
	case AUTH_UNKNOWN_SENDER:
	case AUTH_ERROR:
		break;
	}
	return SMS_REFUSED_AUTH_ERROR;
}

void
activation_on_sms(struct oobd *d, const struct sms_deliver *sms)
{
	const char *from = sms->from.text;
	struct smscmd cmd;
	char err[200];
	int64_t step, now = (int64_t)time(NULL);

	d->sms_received++;
	if (!auth_sender_allowed(&d->auth, from)) {
		log_info("sms from %s ignored: not an allowed sender", from[0] ? from : "(none)");
		d->sms_ignored++;
		return;
	}
	if (sms->concat.present || sms->encoding == SMS_ENC_8BIT) {
		log_warnx("sms from %s refused: a command is one plain text message", from);
		refused(d, SMS_REFUSED_NOT_PLAIN);
		return;
	}
	if (smscmd_parse(sms->text, sms->text_len, &cmd, err, sizeof(err)) != SMSCMD_OK) {
		log_warnx("sms from %s refused: %s", from, err);
		refused(d, SMS_REFUSED_COMMAND);
		return;
	}
	bool was_locked = auth_locked(&d->auth, now, NULL);
	enum auth_result r = auth_check(&d->auth, from, cmd.code, now, &step);
	auth_save(d);
	if (r != AUTH_OK) {
		log_warnx("sms from %s: %s refused: %s", from, smscmd_verb_name(cmd.verb),
		    auth_result_name(r));
		refused(d, refusal_of(r));
		if (!was_locked)
			alert_lockout(d, now);
		return;
	}
	if (d->auth.dirty) {
		log_warnx("sms from %s: %s not run: the auth state could not be saved", from,
		    smscmd_verb_name(cmd.verb));
		refused(d, SMS_REFUSED_UNSAVED);
		return;
	}
	d->sms_accepted++;
	log_info("sms from %s: %s accepted", from, smscmd_verb_name(cmd.verb));
	run_command(d, from, &cmd);
}

static void
duration_words(int64_t ms, char *buf, size_t len)
{
	int64_t min = ms / 60000;

	if (min < 120)
		snprintf(buf, len, "%lld min", (long long)min);
	else if (min < 48 * 60)
		snprintf(buf, len, "%lld h", (long long)(min / 60));
	else
		snprintf(buf, len, "%lld d", (long long)(min / 1440));
}

/* One SMS worth: session, link, modem, daemon. */
void
activation_status_text(struct oobd *d, char *buf, size_t len)
{
	const struct session *s = &d->session;
	int64_t now = ts_mono_ms();
	char up[24], left[24], link[96], net[48], age[24];
	size_t n;

	if (s->state == SESS_UP) {
		duration_words(now - s->up_since, up, sizeof(up));
		duration_words(s->end_at - now, left, sizeof(left));
		n = (size_t)snprintf(buf, len, "OOBM up %s, %s left", up, left);
	} else {
		n = (size_t)snprintf(buf, len, "OOBM %s", session_state_name(s->state));
	}
	if (n < len && session_active(s) && uplink_describe(d->uplink, link, sizeof(link)) == 0)
		n += (size_t)snprintf(buf + n, len - n, "; %s", link);
	if (n < len && d->modem != NULL) {
		const struct modem *m = modem_io_modem(d->modem);
		modem_status_network(&m->st, net, sizeof(net));
		n += (size_t)snprintf(buf + n, len - n, "; signal %s, %s%s%s",
		    m->st.have_csq ? modem_signal_words(&m->st.csq) : "unknown",
		    m->st.have_cops ? m->st.cops.oper : "", m->st.have_cops ? ", " : "", net);
	}
	duration_words(now - d->started_ms, age, sizeof(age));
	if (n < len)
		snprintf(buf + n, len - n, "; oobd up %s", age);
}

/* Senders, secret and limits from c; the state (last step, failures,
 * lockout) is kept, so a reload cannot reopen replay or end a lockout. */
int
activation_load_auth(struct oobd *d, const struct oobd_conf *c)
{
	static struct auth a;	/* holds a key: wiped below, not left on the stack */
	uint8_t key[TOTP_KEY_MAX];
	size_t keylen;
	char err[256];
	int rc = -1;

	auth_init(&a);
	a.conf.max_failures = c->auth_max_failures;
	a.conf.failure_window_s = c->auth_failure_window_ms / 1000;
	a.conf.lockout_s = c->auth_lockout_ms / 1000;
	a.conf.window_back = c->otp_window;
	if (totp_read_secret_file(c->otp_secret_file, key, sizeof(key), &keylen, err,
	    sizeof(err)) == -1 || auth_set_key(&a, key, keylen, err, sizeof(err)) == -1) {
		log_warnx("otp: %s", err);
		goto out;
	}
	for (int i = 0; i < c->nsenders; i++) {
		if (auth_allow_sender(&a, c->senders[i], err, sizeof(err)) == -1) {
			log_warnx("allow-sender: %s", err);
			goto out;
		}
	}
	a.state = d->auth.state;
	a.dirty = d->auth.dirty;
	auth_wipe(&d->auth);
	d->auth = a;
	rc = 0;
out:
	explicit_bzero(key, sizeof(key));
	auth_wipe(&a);
	return rc;
}
