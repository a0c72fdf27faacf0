/*
 * session: what oobd is doing about the link, as a pure state machine.
 *
 * An activation ("UP [minutes]") runs attempts until the tunnel is up:
 *
 *   IDLE -> LINK     the link command (pppd, or what the config says) runs;
 *                    waiting for its interface to have an address
 *        -> CHECK    routes to the relay, names resolved over the link, and
 *                    the relay reached through that interface
 *        -> TUNNEL   ssh runs; waiting for the remote forward
 *        -> UP       the forward is established; the session lasts until
 *                    its end time, a DOWN, or failure
 *
 * A step that fails or overruns its deadline (the tunnel has its own, in
 * tunnel.h) ends the attempt: everything is torn down (STOPPING) and, if
 * fewer than `retries` attempts were made, the next one starts after a
 * back-off (WAIT).  The budget is fresh every time UP is reached, so a link
 * that drops during a long session is brought back, and a session's end time
 * bounds everything.  A DOWN, the end time, or the last failed attempt tear
 * down and then report DOWN or FAILED with the reason.  An UP while active
 * moves the end time; an UP while stopping starts again once torn down.
 *
 * The machine never does anything itself: it calls the ops (start the link,
 * start the check, start the tunnel, tear everything down, report) and the
 * daemon tells it what happened.  Times are monotonic milliseconds, passed
 * in; session_deadline() says when session_tick() must run next, and the
 * deadline op says so each time that changes, so no owner has to ask
 * after every event (and none can forget to).
 */
#ifndef OUTPOST_SESSION_H
#define OUTPOST_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SESSION_REASON_MAX	160

enum session_state {
	SESS_IDLE = 0,
	SESS_LINK,
	SESS_CHECK,
	SESS_TUNNEL,
	SESS_UP,
	SESS_STOPPING,
	SESS_WAIT
};

enum session_report {
	SESS_REPORT_UP,		/* the tunnel is up (again) */
	SESS_REPORT_DOWN,	/* torn down as asked or at the end time; reason */
	SESS_REPORT_FAILED,	/* gave up after the last attempt; reason */
	SESS_REPORT_RETRY,	/* an attempt failed, another follows; reason */
	SESS_REPORT_STATE	/* any transition (for the log and the state file) */
};

struct session_conf {
	int	retries;		/* attempts per activation (>= 1) */
	int64_t	link_timeout_ms;	/* LINK: interface up with an address */
	int64_t	check_timeout_ms;	/* CHECK: relay reached over the link */
	int64_t	retry_backoff_ms;	/* WAIT before attempt n: n-1 times this */
	int64_t	default_ms;		/* session length when UP gives none */
	int64_t	max_ms;			/* UP minutes beyond this are cut */
};

struct session_ops {
	int	(*start_link)(void *arg, char *why, size_t whylen);	/* 0 or -1 */
	int	(*start_check)(void *arg, char *why, size_t whylen);
	int	(*start_tunnel)(void *arg, char *why, size_t whylen);
	void	(*teardown)(void *arg);		/* then session_torn_down() */
	void	(*report)(void *arg, enum session_report what, const char *reason);
	/* When session_tick() must run next (-1: never): told once per
	 * change, after the call that changed it, and after every
	 * session_tick() (the owner's timer has fired, and may have fired a
	 * little early). */
	void	(*deadline)(void *arg, int64_t at);
	void	*arg;
};

struct session {
	struct session_conf	conf;
	struct session_ops	ops;
	enum session_state	state;
	int			attempt;	/* 1-based, in this budget */
	int64_t			step_deadline;	/* -1: none */
	int64_t			end_at;		/* session end; -1 when idle */
	int64_t			retry_at;	/* WAIT until; -1 */
	int64_t			up_since;	/* -1: not up */
	bool			retry_after_stop;
	bool			up_after_stop;	/* an UP came while stopping */
	int64_t			up_after_stop_ms;
	enum session_report	final;		/* DOWN or FAILED, once torn down */
	int64_t			told;		/* the deadline ops.deadline last had */
	char			reason[SESSION_REASON_MAX];
};

void session_init(struct session *s, const struct session_conf *conf,
    const struct session_ops *ops);
const char *session_state_name(enum session_state st);
bool session_active(const struct session *s);	/* not IDLE */

/* The owner asked.  length_ms 0: the default; longer than max: cut to max
 * (*granted_ms says what was granted). */
void session_up(struct session *s, int64_t now, int64_t length_ms, int64_t *granted_ms);
void session_down(struct session *s, int64_t now, const char *reason);

/* What happened. */
void session_link_ready(struct session *s, int64_t now);
void session_link_lost(struct session *s, int64_t now, const char *why);
void session_check_done(struct session *s, int64_t now, bool ok, const char *why);
void session_tunnel_up(struct session *s, int64_t now);
void session_tunnel_restarting(struct session *s, int64_t now, const char *why);
void session_tunnel_failed(struct session *s, int64_t now, const char *why);
void session_torn_down(struct session *s, int64_t now);

void session_tick(struct session *s, int64_t now);
int64_t session_deadline(const struct session *s);	/* -1: none */

#endif
