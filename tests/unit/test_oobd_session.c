/*
 * session: an activation walks LINK -> CHECK -> TUNNEL -> UP; failures
 * retry a bounded number of times and then report FAILED; DOWN and the end
 * time tear down and report DOWN; nothing is started twice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "session.h"

#define MIN 60000

/* The ops record what the machine asked for, as one line of letters:
 * L start link, C start check, T start tunnel, X teardown, and the
 * reports U (up), D (down), F (failed), R (retry). */
struct rec {
	char calls[256];
	char last_reason[SESSION_REASON_MAX];
	bool fail_link_start;
	int64_t told;		/* the last deadline the session told */
	int tells, repeats;	/* how often; how often with no change */
};

static void
add(struct rec *r, char c)
{
	size_t n = strlen(r->calls);

	if (n + 1 < sizeof(r->calls)) {
		r->calls[n] = c;
		r->calls[n + 1] = '\0';
	}
}

static int
op_link(void *arg, char *why, size_t len)
{
	struct rec *r = arg;

	add(r, 'L');
	if (r->fail_link_start) {
		snprintf(why, len, "pppd: not found");
		return -1;
	}
	return 0;
}

static int op_check(void *arg, char *w, size_t l) { (void)w; (void)l; add(arg, 'C'); return 0; }
static int op_tunnel(void *arg, char *w, size_t l) { (void)w; (void)l; add(arg, 'T'); return 0; }
static void op_teardown(void *arg) { add(arg, 'X'); }

static void
op_report(void *arg, enum session_report what, const char *reason)
{
	struct rec *r = arg;
	static const char letter[] = { 'U', 'D', 'F', 'R' };

	if (what == SESS_REPORT_STATE)
		return;
	add(r, letter[what]);
	snprintf(r->last_reason, sizeof(r->last_reason), "%s", reason);
}

static void
op_deadline(void *arg, int64_t at)
{
	struct rec *r = arg;

	r->repeats += at == r->told;
	r->told = at;
	r->tells++;
}

static const struct session_conf conf = {
	.retries = 3, .link_timeout_ms = 60000, .check_timeout_ms = 30000,
	.retry_backoff_ms = 5000, .default_ms = 60 * MIN, .max_ms = 240 * MIN,
};

static void
setup(struct session *s, struct rec *r)
{
	struct session_ops ops = { .start_link = op_link, .start_check = op_check,
		.start_tunnel = op_tunnel, .teardown = op_teardown, .report = op_report,
		.deadline = op_deadline, .arg = r };

	memset(r, 0, sizeof(*r));
	r->told = -1;
	session_init(s, &conf, &ops);
}

static void
bring_up(struct session *s, int64_t t)
{
	session_link_ready(s, t);
	session_check_done(s, t, true, NULL);
	session_tunnel_up(s, t);
}

static void
test_up_then_down_by_sms(void **state)
{
	struct session s;
	struct rec r;
	int64_t granted;

	(void)state;
	setup(&s, &r);
	session_up(&s, 0, 30 * MIN, &granted);
	assert_int_equal(granted, 30 * MIN);
	assert_int_equal(s.state, SESS_LINK);
	bring_up(&s, 1000);
	assert_int_equal(s.state, SESS_UP);
	assert_string_equal(r.calls, "LCTU");
	session_down(&s, 2000, "DOWN by SMS");
	assert_int_equal(s.state, SESS_STOPPING);
	session_down(&s, 2001, "DOWN by SMS");	/* a second DOWN changes nothing */
	session_torn_down(&s, 3000);
	assert_int_equal(s.state, SESS_IDLE);
	assert_string_equal(r.calls, "LCTUXD");
	assert_string_equal(r.last_reason, "DOWN by SMS");
	assert_int_equal(session_deadline(&s), -1);
}

static void
test_session_ends_at_its_time(void **state)
{
	struct session s;
	struct rec r;

	(void)state;
	setup(&s, &r);
	session_up(&s, 0, 0, NULL);		/* the default: 60 min */
	bring_up(&s, 1000);
	assert_int_equal(session_deadline(&s), 60 * MIN);
	session_tick(&s, 60 * MIN - 1);
	assert_int_equal(s.state, SESS_UP);
	session_tick(&s, 60 * MIN);
	assert_int_equal(s.state, SESS_STOPPING);
	session_torn_down(&s, 60 * MIN + 500);
	assert_string_equal(r.calls, "LCTUXD");
	assert_string_equal(r.last_reason, "the session's time is up");
}

static void
test_length_cut_to_max_and_extended(void **state)
{
	struct session s;
	struct rec r;
	int64_t granted;

	(void)state;
	setup(&s, &r);
	session_up(&s, 0, 10000 * MIN, &granted);
	assert_int_equal(granted, 240 * MIN);
	bring_up(&s, 10);
	session_up(&s, 100 * MIN, 30 * MIN, &granted);	/* UP again: a new end time */
	assert_int_equal(session_deadline(&s), 130 * MIN);
	assert_string_equal(r.calls, "LCTU");		/* nothing restarted */
}

/* The owner never asks for the deadline: after every event the deadline
 * op has told it the one session_deadline() gives, and only changes. */
#define TOLD(s, r) assert_int_equal((r).told, session_deadline(&(s)))

static void
test_deadline_told_after_every_change(void **state)
{
	struct session s;
	struct rec r;
	int64_t t = 1000;

	(void)state;
	setup(&s, &r);
	session_up(&s, t, 0, NULL);
	TOLD(s, r);
	assert_int_equal(r.told, t + 60000);     /* the link's step deadline */
	session_link_ready(&s, t += 500);
	TOLD(s, r);
	session_check_done(&s, t += 500, true, NULL);
	TOLD(s, r);
	assert_int_equal(r.told, 1000 + 60 * MIN); /* only the session's end now */
	session_tunnel_up(&s, t += 500);
	TOLD(s, r);
	session_up(&s, t, 90 * MIN, NULL);        /* a new end time */
	TOLD(s, r);
	session_link_lost(&s, t += 500, "gone");  /* stopping: no deadline */
	TOLD(s, r);
	assert_int_equal(r.told, -1);
	session_torn_down(&s, t += 500);          /* the retry's back-off */
	TOLD(s, r);
	assert_int_equal(r.told, t + 5000);
	session_tick(&s, t += 5000);              /* the next attempt */
	TOLD(s, r);
	assert_int_equal(r.told, t + 60000);
	session_down(&s, t += 10, "DOWN by SMS");
	TOLD(s, r);
	session_torn_down(&s, t += 10);
	TOLD(s, r);
	assert_int_equal(r.told, -1);
	assert_string_equal(r.calls, "LCTURXLXD");
	assert_true(r.tells >= 8);
	/* Only the tick (whose timer is spent) repeats an unchanged one. */
	assert_int_equal(r.repeats, 0);
	session_up(&s, t, 0, NULL);
	int tells = r.tells;
	session_tick(&s, r.told - 1);             /* a timer a hair early */
	assert_int_equal(r.tells, tells + 1);
	assert_int_equal(r.repeats, 1);
	TOLD(s, r);
}

static void
test_link_timeout_retries_then_fails(void **state)
{
	struct session s;
	struct rec r;
	int64_t t = 0;

	(void)state;
	setup(&s, &r);
	session_up(&s, t, 0, NULL);
	for (int attempt = 1; attempt <= 3; attempt++) {
		assert_int_equal(s.state, SESS_LINK);
		assert_int_equal(session_deadline(&s), t + 60000);
		t += 60000;
		session_tick(&s, t);
		assert_int_equal(s.state, SESS_STOPPING);
		session_torn_down(&s, t);
		if (attempt < 3) {
			assert_int_equal(s.state, SESS_WAIT);
			/* back-off grows with the attempt */
			assert_int_equal(session_deadline(&s), t + attempt * 5000);
			t += attempt * 5000;
			session_tick(&s, t);
		}
	}
	assert_int_equal(s.state, SESS_IDLE);
	assert_string_equal(r.calls, "LRXLRXLXF");
	assert_string_equal(r.last_reason, "link starting: no progress within 60 s (3 attempts)");
}

static void
test_check_failure_and_start_failure(void **state)
{
	struct session s;
	struct rec r;

	(void)state;
	setup(&s, &r);
	session_up(&s, 0, 0, NULL);
	session_link_ready(&s, 100);
	session_check_done(&s, 200, false, "relay 10.0.0.1:22: connection refused over cell0");
	assert_int_equal(s.state, SESS_STOPPING);
	session_torn_down(&s, 300);
	session_tick(&s, 300 + 5000);
	assert_int_equal(s.state, SESS_LINK);
	assert_string_equal(r.calls, "LCRXL");

	setup(&s, &r);
	r.fail_link_start = true;
	session_up(&s, 0, 0, NULL);
	for (int i = 0; i < 3 && s.state != SESS_IDLE; i++) {
		session_torn_down(&s, i * 100000);
		session_tick(&s, i * 100000 + 50000);
	}
	assert_int_equal(s.state, SESS_IDLE);
	assert_string_equal(r.last_reason, "pppd: not found (3 attempts)");
}

static void
test_link_drop_while_up_brings_it_back(void **state)
{
	struct session s;
	struct rec r;

	(void)state;
	setup(&s, &r);
	session_up(&s, 0, 0, NULL);
	bring_up(&s, 10);
	session_link_lost(&s, 20 * MIN, "pppd exited (status 16)");
	session_torn_down(&s, 20 * MIN);
	session_tick(&s, 20 * MIN + 5000);
	bring_up(&s, 21 * MIN);
	assert_int_equal(s.state, SESS_UP);
	assert_string_equal(r.calls, "LCTURXLCTU");
	/* the budget was fresh after the UP: three attempts after a drop */
	for (int i = 0; i < 3; i++) {
		session_link_lost(&s, 22 * MIN, "gone");
		session_torn_down(&s, 22 * MIN);
		session_tick(&s, 30 * MIN);
		session_link_ready(&s, 30 * MIN);
	}
	assert_int_equal(s.state, SESS_CHECK);
	assert_int_equal(s.attempt, 3);
	session_check_done(&s, 31 * MIN, false, "no");
	session_torn_down(&s, 31 * MIN);
	assert_int_equal(s.state, SESS_IDLE);
	assert_int_equal(r.calls[strlen(r.calls) - 1], 'F');
}

static void
test_tunnel_restart_and_failure(void **state)
{
	struct session s;
	struct rec r;

	(void)state;
	setup(&s, &r);
	session_up(&s, 0, 0, NULL);
	bring_up(&s, 10);
	session_tunnel_restarting(&s, 100, "ssh exited");
	assert_int_equal(s.state, SESS_TUNNEL);
	session_tunnel_up(&s, 200);
	assert_int_equal(s.state, SESS_UP);
	session_tunnel_failed(&s, 300, "relay refused");
	assert_int_equal(s.state, SESS_STOPPING);
	assert_string_equal(r.calls, "LCTUURX");
}

static void
test_down_while_waiting_and_up_while_stopping(void **state)
{
	struct session s;
	struct rec r;

	(void)state;
	setup(&s, &r);
	session_up(&s, 0, 0, NULL);
	session_link_lost(&s, 10, "link command exited");
	session_torn_down(&s, 20);
	assert_int_equal(s.state, SESS_WAIT);
	session_down(&s, 30, "DOWN by SMS");
	assert_int_equal(s.state, SESS_IDLE);
	assert_string_equal(r.calls, "LRXD");

	setup(&s, &r);
	session_up(&s, 0, 0, NULL);
	bring_up(&s, 10);
	session_down(&s, 100, "DOWN by SMS");
	session_up(&s, 110, 5 * MIN, NULL);	/* changed their mind */
	assert_int_equal(s.state, SESS_STOPPING);
	session_torn_down(&s, 120);
	assert_int_equal(s.state, SESS_LINK);
	assert_int_equal(session_deadline(&s), 120 + 60000);
	assert_string_equal(r.calls, "LCTUXDL");

	/* DOWN while stopping between attempts: stays down, no retry */
	setup(&s, &r);
	session_up(&s, 0, 0, NULL);
	session_link_lost(&s, 10, "gone");
	session_down(&s, 15, "DOWN by SMS");
	session_torn_down(&s, 20);
	assert_int_equal(s.state, SESS_IDLE);
	assert_string_equal(r.calls, "LRXD");
}

static void
test_stale_events_ignored(void **state)
{
	struct session s;
	struct rec r;

	(void)state;
	setup(&s, &r);
	session_link_ready(&s, 0);
	session_check_done(&s, 0, true, NULL);
	session_tunnel_up(&s, 0);
	session_link_lost(&s, 0, "x");
	session_torn_down(&s, 0);
	session_tick(&s, 1000000);
	session_down(&s, 0, "DOWN");
	assert_int_equal(s.state, SESS_IDLE);
	assert_string_equal(r.calls, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_up_then_down_by_sms),
		cmocka_unit_test(test_deadline_told_after_every_change),
		cmocka_unit_test(test_session_ends_at_its_time),
		cmocka_unit_test(test_length_cut_to_max_and_extended),
		cmocka_unit_test(test_link_timeout_retries_then_fails),
		cmocka_unit_test(test_check_failure_and_start_failure),
		cmocka_unit_test(test_link_drop_while_up_brings_it_back),
		cmocka_unit_test(test_tunnel_restart_and_failure),
		cmocka_unit_test(test_down_while_waiting_and_up_while_stopping),
		cmocka_unit_test(test_stale_events_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
