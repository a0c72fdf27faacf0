/*
 * Unit tests for lib/evloop: timers, fds, signals, and callbacks that
 * change the loop while it dispatches.  Timing asserts are "not before";
 * a loaded machine may always be late.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "evloop.h"
#include "tsmath.h"

struct rec {
	struct ev_loop *loop;
	int order[16];
	struct timespec at[16];
	int n;
};

struct tmr {
	struct rec *rec;
	int tag;
};

static void on_timer(void *arg)
{
	struct tmr *t = arg;
	struct rec *r = t->rec;

	if (r->n < 16) {
		r->order[r->n] = t->tag;
		r->at[r->n] = ts_now_mono();
	}
	r->n++;
}

static void test_timers_in_order(void **state)
{
	struct rec r = { 0 };
	struct tmr t[4];
	struct timespec start;
	static const int64_t delay[4] = { 60, 20, 40, 20 };
	int i;

	(void)state;
	r.loop = ev_new();
	assert_non_null(r.loop);
	start = ts_now_mono();
	for (i = 0; i < 4; i++) {
		t[i].rec = &r;
		t[i].tag = i;
		assert_true(ev_timer_add(r.loop, delay[i], on_timer, &t[i]) != 0);
	}
	assert_int_equal(ev_run(r.loop), 0); /* returns once no timer is left */
	assert_int_equal(r.n, 4);
	/* Equal delays fire in creation order. */
	assert_int_equal(r.order[0], 1);
	assert_int_equal(r.order[1], 3);
	assert_int_equal(r.order[2], 2);
	assert_int_equal(r.order[3], 0);
	for (i = 0; i < 4; i++) {
		int64_t waited = ts_to_ns(ts_sub(r.at[i], start));

		assert_true(waited >= delay[r.order[i]] * 1000000);
	}
	ev_free(r.loop);
}

static void test_timer_at_absolute(void **state)
{
	struct rec r = { 0 };
	struct tmr t = { &r, 7 };
	struct timespec when;

	(void)state;
	r.loop = ev_new();
	when = ts_add_ns(ts_now_mono(), 30 * 1000000LL);
	assert_true(ev_timer_at(r.loop, when, on_timer, &t) != 0);
	/* Not due yet: a zero wait runs nothing. */
	assert_int_equal(ev_run_once(r.loop, 0), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(ev_run(r.loop), 0);
	assert_int_equal(r.n, 1);
	assert_true(ts_cmp(r.at[0], when) >= 0);
	ev_free(r.loop);
}

static void test_timer_cancel(void **state)
{
	struct rec r = { 0 };
	struct tmr a = { &r, 1 }, b = { &r, 2 };
	ev_timer_id ida;

	(void)state;
	r.loop = ev_new();
	ida = ev_timer_add(r.loop, 10, on_timer, &a);
	assert_true(ev_timer_add(r.loop, 20, on_timer, &b) != 0);
	ev_timer_cancel(r.loop, ida);
	ev_timer_cancel(r.loop, ida); /* twice: no-op */
	ev_timer_cancel(r.loop, 0);
	ev_timer_cancel(r.loop, 12345);
	assert_int_equal(ev_run(r.loop), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.order[0], 2);
	ev_free(r.loop);
}

/* A timer that cancels a second one that is due in the same round. */
struct cancel_ctx {
	struct ev_loop *loop;
	ev_timer_id victim;
	int fired_first, fired_victim;
};

static void cancel_first(void *arg)
{
	struct cancel_ctx *c = arg;

	c->fired_first++;
	ev_timer_cancel(c->loop, c->victim);
}

static void cancel_victim(void *arg)
{
	struct cancel_ctx *c = arg;

	c->fired_victim++;
}

static void test_timer_cancels_other_due(void **state)
{
	struct cancel_ctx c = { 0 };

	(void)state;
	c.loop = ev_new();
	assert_true(ev_timer_add(c.loop, 5, cancel_first, &c) != 0);
	c.victim = ev_timer_add(c.loop, 5, cancel_victim, &c);
	usleep(20000); /* both are due before the loop looks */
	assert_int_equal(ev_run_once(c.loop, 0), 1);
	assert_int_equal(c.fired_first, 1);
	assert_int_equal(c.fired_victim, 0);
	assert_int_equal(ev_run(c.loop), 0);
	assert_int_equal(c.fired_victim, 0);
	ev_free(c.loop);
}

/* A timer re-arming itself for a time already past must not starve the
 * loop: it fires again in the next round, not in this one. */
struct rearm_ctx {
	struct ev_loop *loop;
	int fired;
};

static void rearm(void *arg)
{
	struct rearm_ctx *c = arg;

	struct timespec second = { 1, 0 };

	if (++c->fired < 3)
		assert_true(ev_timer_at(c->loop, ts_sub(ts_now_mono(), second), rearm, c) != 0);
}

static void test_timer_rearm_self(void **state)
{
	struct rearm_ctx c = { 0 };

	(void)state;
	c.loop = ev_new();
	assert_true(ev_timer_add(c.loop, 0, rearm, &c) != 0);
	assert_int_equal(ev_run_once(c.loop, 0), 1);
	assert_int_equal(c.fired, 1);
	assert_int_equal(ev_run_once(c.loop, 0), 1);
	assert_int_equal(c.fired, 2);
	assert_int_equal(ev_run(c.loop), 0);
	assert_int_equal(c.fired, 3);
	ev_free(c.loop);
}

struct fd_ctx {
	struct ev_loop *loop;
	int calls;
	int last_fd;
	short last_revents;
	char byte;
	int del_fds[2];         /* removed by the first callback, -1: none */
	int reuse_fd;           /* re-registered with on_fd_stale, -1: none */
	int reuse_src;
	int stale_calls;
};

static void on_fd_stale(int fd, short revents, void *arg)
{
	struct fd_ctx *c = arg;

	(void)fd;
	(void)revents;
	c->stale_calls++;
}

static void on_fd(int fd, short revents, void *arg)
{
	struct fd_ctx *c = arg;
	int i;

	c->calls++;
	c->last_fd = fd;
	c->last_revents = revents;
	if (revents & POLLIN)
		assert_int_equal(read(fd, &c->byte, 1), 1);
	for (i = 0; i < 2; i++)
		if (c->del_fds[i] >= 0)
			ev_fd_del(c->loop, c->del_fds[i]);
	c->del_fds[0] = c->del_fds[1] = -1;
	if (c->reuse_fd >= 0) {
		/* The same fd number, now a different file, with a new callback. */
		assert_int_equal(dup2(c->reuse_src, c->reuse_fd), c->reuse_fd);
		assert_int_equal(ev_fd_add(c->loop, c->reuse_fd, POLLIN, on_fd_stale, c), 0);
		c->reuse_fd = -1;
	}
}

static void fd_ctx_init(struct fd_ctx *c, struct ev_loop *loop)
{
	memset(c, 0, sizeof(*c));
	c->loop = loop;
	c->del_fds[0] = c->del_fds[1] = -1;
	c->reuse_fd = -1;
	c->last_fd = -1;
}

static void test_fd_ready(void **state)
{
	struct ev_loop *loop = ev_new();
	struct fd_ctx c;
	int p[2];

	(void)state;
	fd_ctx_init(&c, loop);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(ev_fd_add(loop, p[0], POLLIN, on_fd, &c), 0);
	assert_int_equal(ev_run_once(loop, 0), 0); /* nothing to read yet */
	assert_int_equal(c.calls, 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(ev_run_once(loop, 1000), 1);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.last_fd, p[0]);
	assert_true(c.last_revents & POLLIN);
	assert_int_equal(c.byte, 'x');

	/* Events switched off: readable data is not reported. */
	assert_int_equal(write(p[1], "y", 1), 1);
	assert_int_equal(ev_fd_events(loop, p[0], 0), 0);
	assert_int_equal(ev_run_once(loop, 0), 0);
	assert_int_equal(ev_fd_events(loop, p[0], POLLIN), 0);
	assert_int_equal(ev_run_once(loop, 1000), 1);
	assert_int_equal(c.byte, 'y');
	assert_int_equal(ev_fd_events(loop, 12345, POLLIN), -1);
	assert_int_equal(errno, ENOENT);

	ev_fd_del(loop, p[0]);
	assert_int_equal(write(p[1], "z", 1), 1);
	assert_int_equal(ev_run_once(loop, 0), 0);
	assert_int_equal(c.calls, 2);
	assert_int_equal(ev_run(loop), 0); /* nothing registered: returns */
	close(p[0]);
	close(p[1]);
	ev_free(loop);
}

static void test_fd_callback_removes_itself_and_other(void **state)
{
	struct ev_loop *loop = ev_new();
	struct fd_ctx c;
	int a[2], b[2];

	(void)state;
	fd_ctx_init(&c, loop);
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	assert_int_equal(ev_fd_add(loop, a[0], POLLIN, on_fd, &c), 0);
	assert_int_equal(ev_fd_add(loop, b[0], POLLIN, on_fd, &c), 0);
	assert_int_equal(write(a[1], "1", 1), 1);
	assert_int_equal(write(b[1], "2", 1), 1);
	/* Whichever runs first removes both: the other must not run. */
	c.del_fds[0] = a[0];
	c.del_fds[1] = b[0];
	assert_int_equal(ev_run_once(loop, 1000), 1);
	assert_int_equal(c.calls, 1);
	assert_int_equal(ev_run_once(loop, 0), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(ev_run(loop), 0); /* nothing left */
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	ev_free(loop);
}

static void test_fd_reused_number_not_dispatched_stale(void **state)
{
	struct ev_loop *loop = ev_new();
	struct fd_ctx c;
	int a[2], b[2], quiet[2];

	(void)state;
	fd_ctx_init(&c, loop);
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	assert_int_equal(pipe(quiet), 0);
	assert_int_equal(ev_fd_add(loop, a[0], POLLIN, on_fd, &c), 0);
	assert_int_equal(ev_fd_add(loop, b[0], POLLIN, on_fd, &c), 0);
	assert_int_equal(write(a[1], "1", 1), 1);
	assert_int_equal(write(b[1], "2", 1), 1);
	/* The first callback drops both, then b[0] becomes a quiet pipe with a
	 * new callback; the old readiness of b[0] must not reach it. If b's
	 * callback runs first it re-registers b[0] itself: same rule. */
	c.del_fds[0] = a[0];
	c.del_fds[1] = b[0];
	c.reuse_fd = b[0];
	c.reuse_src = quiet[0];
	assert_int_equal(ev_run_once(loop, 1000), 1);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.stale_calls, 0);
	/* And it does run when its own file becomes readable. */
	assert_int_equal(write(quiet[1], "q", 1), 1);
	assert_int_equal(ev_run_once(loop, 1000), 1);
	assert_int_equal(c.stale_calls, 1);
	ev_fd_del(loop, b[0]);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	close(quiet[0]);
	close(quiet[1]);
	ev_free(loop);
}

struct sig_ctx {
	struct ev_loop *loop;
	int signo;
	int calls;
};

static void on_signal(int signo, void *arg)
{
	struct sig_ctx *c = arg;

	c->signo = signo;
	c->calls++;
	ev_break(c->loop);
}

static int prev_handler_hits;

static void prev_handler(int signo)
{
	(void)signo;
	prev_handler_hits++;
}

static void test_signal(void **state)
{
	struct sig_ctx c = { 0 };
	struct sigaction sa, now;
	struct ev_loop *other;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = prev_handler;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);

	c.loop = ev_new();
	assert_int_equal(ev_signal(c.loop, SIGUSR1, on_signal, &c), 0);
	/* Signals belong to one loop at a time. */
	other = ev_new();
	assert_int_equal(ev_signal(other, SIGUSR2, on_signal, &c), -1);
	assert_int_equal(errno, EBUSY);
	ev_free(other);

	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(c.calls, 0); /* not from the handler itself */
	/* ev_run stays in the loop for the signal (registered), breaks in cb */
	assert_int_equal(ev_run(c.loop), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.signo, SIGUSR1);
	assert_int_equal(prev_handler_hits, 0);

	/* Two raises before the loop looks coalesce into one callback. */
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(ev_run_once(c.loop, 1000), 1);
	assert_int_equal(c.calls, 2);
	assert_int_equal(ev_run_once(c.loop, 0), 0);

	ev_free(c.loop);
	assert_int_equal(sigaction(SIGUSR1, NULL, &now), 0);
	assert_ptr_equal(now.sa_handler, prev_handler);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(prev_handler_hits, 1);

	/* Another loop may take signals once the first is gone. */
	other = ev_new();
	assert_int_equal(ev_signal(other, SIGUSR2, on_signal, &c), 0);
	assert_int_equal(ev_signal(other, SIGUSR2, NULL, NULL), 0);
	assert_int_equal(ev_signal(other, 0, on_signal, &c), -1);
	assert_int_equal(ev_run(other), 0); /* nothing registered any more */
	ev_free(other);
	signal(SIGUSR1, SIG_DFL);
}

struct break_ctx {
	struct ev_loop *loop;
	int late_fired;
};

static void do_break(void *arg)
{
	struct break_ctx *c = arg;

	ev_break(c->loop);
}

static void late(void *arg)
{
	struct break_ctx *c = arg;

	c->late_fired++;
}

static void test_break(void **state)
{
	struct break_ctx c = { 0 };
	struct timespec start;

	(void)state;
	c.loop = ev_new();
	assert_true(ev_timer_add(c.loop, 10, do_break, &c) != 0);
	assert_true(ev_timer_add(c.loop, 60 * 60 * 1000, late, &c) != 0);
	start = ts_now_mono();
	assert_int_equal(ev_run(c.loop), 0);
	assert_int_equal(c.late_fired, 0);
	assert_true(ts_to_ns(ts_sub(ts_now_mono(), start)) >= 10 * 1000000LL);
	ev_free(c.loop); /* frees the pending timer too (ASan checks) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_in_order),
		cmocka_unit_test(test_timer_at_absolute),
		cmocka_unit_test(test_timer_cancel),
		cmocka_unit_test(test_timer_cancels_other_due),
		cmocka_unit_test(test_timer_rearm_self),
		cmocka_unit_test(test_fd_ready),
		cmocka_unit_test(test_fd_callback_removes_itself_and_other),
		cmocka_unit_test(test_fd_reused_number_not_dispatched_stale),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_break),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
