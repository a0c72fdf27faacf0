/*
 * report: what the session says happened goes to the log, to the owner
 * (push notifications, and SMS when the link goes down or activation
 * fails), and to the state file, so that a restarted oobd picks up a
 * session that was meant to be up (and nothing else).
 *
 * The state file (statedir/session) is "key value" lines, written
 * atomically:  active 1 / until UNIX-SECONDS / requester +4479...
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "atomicfile.h"
#include "log.h"
#include "notify.h"
#include "oobd.h"
#include "tsmath.h"

#define STATE_MAX 512

static void
save_state(struct oobd *d)
{
	const struct session *s = &d->session;
	char text[STATE_MAX], path[PATH_MAX], err[PATH_MAX + 64];
	int64_t until = 0;

	if (session_active(s) && s->end_at != -1)
		until = (int64_t)time(NULL) + (s->end_at - ts_mono_ms()) / 1000;
	snprintf(text, sizeof(text), "active %d\nuntil %lld\nrequester %s\n",
	    until != 0, (long long)until, d->requester[0] ? d->requester : "-");
	snprintf(path, sizeof(path), "%s/session", d->conf.state_dir);
	if (atomicfile_write(path, text, strlen(text), 0600, err, sizeof(err)) == -1)
		log_warnx("cannot save the session state: %s", err);
}

/* A restart in the middle of a session brings the link back for what is
 * left of it; a session that ended meanwhile stays down. */
void
report_restore(struct oobd *d)
{
	char path[PATH_MAX], text[STATE_MAX], who[OOBD_NUMBER_MAX] = "";
	long long until = 0;
	int active = 0;

	snprintf(path, sizeof(path), "%s/session", d->conf.state_dir);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (sscanf(text, "active %d\nuntil %lld\nrequester %23s", &active, &until, who) != 3) {
		log_warnx("%s: not a session state file; ignored", path);
		return;
	}
	int64_t left = (int64_t)until - (int64_t)time(NULL);
	if (!active || left < 60)
		return;
	if (strcmp(who, "-") != 0)
		snprintf(d->requester, sizeof(d->requester), "%s", who);
	log_info("session: restarting it for the %lld min it had left", (long long)left / 60);
	session_up(&d->session, ts_mono_ms(), left * 1000, NULL);
}

static void
push(struct oobd *d, const char *event, const char *title, const char *text)
{
	if (d->notifier == NULL)
		return;
	if (notify_send(d->notifier, event, title, text, uplink_route(d->uplink)) == -1)
		log_warnx("notify: %s: nothing sent", event);
}

void
report_session(struct oobd *d, enum session_report what, const char *reason)
{
	char text[320], tunnel[160];

	switch (what) {
	case SESS_REPORT_STATE:
		log_info("session: %s", reason);
		d->counts.session_changes++;
		save_state(d);
		break;
	case SESS_REPORT_UP:
		d->counts.sessions_up++;
		uplink_tunnel_words(d->uplink, tunnel, sizeof(tunnel));
		snprintf(text, sizeof(text), "OOBM link up: %s", tunnel);
		log_info("%s", text);
		push(d, "up", "OOBM link up", text);
		break;
	case SESS_REPORT_RETRY:
		d->counts.session_retries++;
		log_warnx("session: attempt %d failed: %s; trying again", d->session.attempt,
		    reason);
		break;
	case SESS_REPORT_DOWN:
		snprintf(text, sizeof(text), "OOBM link is down: %s", reason);
		log_info("%s", text);
		outbox_to_owner(d, text);
		push(d, "down", "OOBM link down", text);
		break;
	case SESS_REPORT_FAILED:
		d->counts.sessions_failed++;
		snprintf(text, sizeof(text), "OOBM activation failed: %s", reason);
		log_warnx("%s", text);
		outbox_to_owner(d, text);
		push(d, "failed", "OOBM activation failed", text);
		break;
	}
}
