/*
 * session: the activation state machine (see session.h).
 */
#include <stdio.h>
#include <string.h>

#include "session.h"

static const char *const state_names[] = {
	[SESS_IDLE] = "idle",
	[SESS_LINK] = "link starting",
	[SESS_CHECK] = "checking the link",
	[SESS_TUNNEL] = "tunnel starting",
	[SESS_UP] = "up",
	[SESS_STOPPING] = "stopping",
	[SESS_WAIT] = "waiting to retry",
};

const char *
session_state_name(enum session_state st)
{
	if ((size_t)st < sizeof(state_names) / sizeof(state_names[0]) && state_names[st])
		return state_names[st];
	return "?";
}

void
session_init(struct session *s, const struct session_conf *conf, const struct session_ops *ops)
{
	memset(s, 0, sizeof(*s));
	s->conf = *conf;
	if (s->conf.retries < 1)
		s->conf.retries = 1;
	s->ops = *ops;
	s->state = SESS_IDLE;
	s->step_deadline = s->end_at = s->retry_at = s->up_since = -1;
	s->told = -1;
}

bool
session_active(const struct session *s)
{
	return s->state != SESS_IDLE;
}

static void
set_reason(struct session *s, const char *why)
{
	snprintf(s->reason, sizeof(s->reason), "%s", why != NULL ? why : "");
}

static void
enter(struct session *s, enum session_state st, int64_t deadline)
{
	s->state = st;
	s->step_deadline = deadline;
	s->ops.report(s->ops.arg, SESS_REPORT_STATE, session_state_name(st));
}

static void fail_attempt(struct session *s, int64_t now, const char *why);

static void
start_attempt(struct session *s, int64_t now)
{
	char why[SESSION_REASON_MAX] = "";

	s->attempt++;
	s->retry_at = -1;
	enter(s, SESS_LINK, now + s->conf.link_timeout_ms);
	if (s->ops.start_link(s->ops.arg, why, sizeof(why)) == -1)
		fail_attempt(s, now, why);
}

static void
stop(struct session *s, bool retry)
{
	s->retry_after_stop = retry;
	s->up_since = -1;
	enter(s, SESS_STOPPING, -1);
	s->ops.teardown(s->ops.arg);
}

/* End the session for good: DOWN or FAILED is reported once torn down. */
static void
finish(struct session *s, enum session_report final, const char *why)
{
	set_reason(s, why);
	s->final = final;
	s->end_at = -1;
	if (s->state == SESS_STOPPING) {	/* between attempts: stay down */
		s->retry_after_stop = false;
		return;
	}
	if (s->state == SESS_WAIT) {
		enter(s, SESS_IDLE, -1);
		s->ops.report(s->ops.arg, final, s->reason);
		return;
	}
	stop(s, false);
}

static void
fail_attempt(struct session *s, int64_t now, const char *why)
{
	(void)now;
	if (s->attempt >= s->conf.retries) {
		char msg[SESSION_REASON_MAX];
		snprintf(msg, sizeof(msg), "%s (%d attempt%s)", why, s->attempt,
		    s->attempt == 1 ? "" : "s");
		finish(s, SESS_REPORT_FAILED, msg);
		return;
	}
	set_reason(s, why);
	s->ops.report(s->ops.arg, SESS_REPORT_RETRY, s->reason);
	stop(s, true);
}

static void
on_up(struct session *s, int64_t now, int64_t length_ms, int64_t *granted_ms)
{
	if (length_ms <= 0)
		length_ms = s->conf.default_ms;
	if (length_ms > s->conf.max_ms)
		length_ms = s->conf.max_ms;
	if (granted_ms != NULL)
		*granted_ms = length_ms;
	if (s->state == SESS_IDLE) {
		s->end_at = now + length_ms;
		s->attempt = 0;
		start_attempt(s, now);
	} else if (s->state == SESS_STOPPING && s->end_at == -1) {
		/* on its way down for good: come back up once torn down */
		s->up_after_stop = true;
		s->up_after_stop_ms = length_ms;
	} else {
		s->end_at = now + length_ms;
	}
}

static void
on_down(struct session *s, int64_t now, const char *reason)
{
	(void)now;
	s->up_after_stop = false;
	if (s->state == SESS_IDLE)
		return;
	if (s->state == SESS_STOPPING && s->end_at == -1)
		return;		/* already going down */
	finish(s, SESS_REPORT_DOWN, reason);
}

static void
on_link_ready(struct session *s, int64_t now)
{
	char why[SESSION_REASON_MAX] = "";

	if (s->state != SESS_LINK)
		return;
	enter(s, SESS_CHECK, now + s->conf.check_timeout_ms);
	if (s->ops.start_check(s->ops.arg, why, sizeof(why)) == -1)
		fail_attempt(s, now, why);
}

static void
on_check_done(struct session *s, int64_t now, bool ok, const char *why)
{
	char err[SESSION_REASON_MAX] = "";

	if (s->state != SESS_CHECK)
		return;
	if (!ok) {
		fail_attempt(s, now, why);
		return;
	}
	enter(s, SESS_TUNNEL, -1);	/* the tunnel keeps its own deadline */
	if (s->ops.start_tunnel(s->ops.arg, err, sizeof(err)) == -1)
		fail_attempt(s, now, err);
}

static void
on_tunnel_up(struct session *s, int64_t now)
{
	if (s->state != SESS_TUNNEL)
		return;
	s->attempt = 0;		/* a fresh budget for the next trouble */
	s->up_since = now;
	enter(s, SESS_UP, -1);
	s->ops.report(s->ops.arg, SESS_REPORT_UP, "");
}

static void
on_tunnel_restarting(struct session *s, int64_t now, const char *why)
{
	(void)why;
	if (s->state != SESS_UP)
		return;
	s->up_since = -1;
	(void)now;
	enter(s, SESS_TUNNEL, -1);
}

static bool
running(const struct session *s)
{
	return s->state == SESS_LINK || s->state == SESS_CHECK || s->state == SESS_TUNNEL ||
	    s->state == SESS_UP;
}

static void
on_tunnel_failed(struct session *s, int64_t now, const char *why)
{
	if (s->state == SESS_TUNNEL || s->state == SESS_UP)
		fail_attempt(s, now, why);
}

static void
on_link_lost(struct session *s, int64_t now, const char *why)
{
	if (running(s))
		fail_attempt(s, now, why);
}

static void
on_torn_down(struct session *s, int64_t now)
{
	if (s->state != SESS_STOPPING)
		return;
	if (s->retry_after_stop) {
		s->retry_after_stop = false;
		s->retry_at = now + (int64_t)(s->attempt > 1 ? s->attempt : 1) *
		    s->conf.retry_backoff_ms;
		enter(s, SESS_WAIT, -1);
		return;
	}
	enter(s, SESS_IDLE, -1);
	s->ops.report(s->ops.arg, s->final, s->reason);
	if (s->up_after_stop && s->state == SESS_IDLE) {
		s->up_after_stop = false;
		on_up(s, now, s->up_after_stop_ms, NULL);
	}
}

static void
on_tick(struct session *s, int64_t now)
{
	if (s->end_at != -1 && now >= s->end_at && s->state != SESS_STOPPING) {
		finish(s, SESS_REPORT_DOWN, "the session's time is up");
		return;
	}
	if (s->state == SESS_WAIT && now >= s->retry_at) {
		start_attempt(s, now);
		return;
	}
	if (s->step_deadline != -1 && now >= s->step_deadline) {
		char why[SESSION_REASON_MAX];
		snprintf(why, sizeof(why), "%s: no progress within %lld s",
		    session_state_name(s->state),
		    (long long)((s->state == SESS_LINK ? s->conf.link_timeout_ms :
		    s->conf.check_timeout_ms) / 1000));
		fail_attempt(s, now, why);
	}
}

static int64_t
earliest(int64_t a, int64_t b)
{
	if (a == -1)
		return b;
	if (b == -1)
		return a;
	return a < b ? a : b;
}

int64_t
session_deadline(const struct session *s)
{
	int64_t d = s->step_deadline;

	if (s->state != SESS_STOPPING)
		d = earliest(d, s->end_at);
	if (s->state == SESS_WAIT)
		d = earliest(d, s->retry_at);
	return d;
}

static void
tell_always(struct session *s)
{
	s->told = session_deadline(s);
	if (s->ops.deadline != NULL)
		s->ops.deadline(s->ops.arg, s->told);
}

static void
tell(struct session *s)
{
	if (session_deadline(s) != s->told)
		tell_always(s);
}

/* The events: each tells the owner when its deadline moved. */
void
session_up(struct session *s, int64_t now, int64_t length_ms, int64_t *granted_ms)
{
	on_up(s, now, length_ms, granted_ms);
	tell(s);
}

void
session_down(struct session *s, int64_t now, const char *reason)
{
	on_down(s, now, reason);
	tell(s);
}

void
session_link_ready(struct session *s, int64_t now)
{
	on_link_ready(s, now);
	tell(s);
}

void
session_check_done(struct session *s, int64_t now, bool ok, const char *why)
{
	on_check_done(s, now, ok, why);
	tell(s);
}

void
session_tunnel_up(struct session *s, int64_t now)
{
	on_tunnel_up(s, now);
	tell(s);
}

void
session_tunnel_restarting(struct session *s, int64_t now, const char *why)
{
	on_tunnel_restarting(s, now, why);
	tell(s);
}

void
session_tunnel_failed(struct session *s, int64_t now, const char *why)
{
	on_tunnel_failed(s, now, why);
	tell(s);
}

void
session_link_lost(struct session *s, int64_t now, const char *why)
{
	on_link_lost(s, now, why);
	tell(s);
}

void
session_torn_down(struct session *s, int64_t now)
{
	on_torn_down(s, now);
	tell(s);
}

/* The owner's timer has fired: it needs the deadline again even when it
 * has not moved (a timer that fired a hair early). */
void
session_tick(struct session *s, int64_t now)
{
	on_tick(s, now);
	tell_always(s);
}
