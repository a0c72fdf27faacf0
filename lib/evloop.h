/*
 * evloop: one poll(2) loop per program, with monotonic timers and signals.
 *
 * Everything a daemon does happens in callbacks run from ev_run(): file
 * descriptors that became ready, timers that expired, signals that arrived.
 * Signal handlers only set a flag and write one byte to a self-pipe; the
 * callback registered with ev_signal() runs later, from the loop, where it
 * may do anything.  Timers use CLOCK_MONOTONIC, so a clock step never fires
 * or delays them.  Callbacks may add or remove any fd or timer, including
 * their own.  Not thread-safe; one loop per process (signals are global).
 */
#ifndef OUTPOST_EVLOOP_H
#define OUTPOST_EVLOOP_H

#include <stdint.h>
#include <time.h>

struct ev_loop;

typedef void (*ev_fd_cb)(int fd, short revents, void *arg);
typedef void (*ev_timer_cb)(void *arg);
typedef void (*ev_signal_cb)(int signo, void *arg);

/* A timer handle; 0 is never a valid timer. */
typedef uint64_t ev_timer_id;

struct ev_loop *ev_new(void);          /* NULL with errno on failure */
void ev_free(struct ev_loop *loop);    /* also restores signal handlers;
                                          not from inside a callback */

/* Watch fd for events (POLLIN/POLLOUT).  One registration per fd; adding
 * an fd twice replaces the first.  -1 with errno on failure. */
int ev_fd_add(struct ev_loop *loop, int fd, short events, ev_fd_cb cb, void *arg);
int ev_fd_events(struct ev_loop *loop, int fd, short events);
void ev_fd_del(struct ev_loop *loop, int fd);

/* One-shot timer after `delay_ms` (>= 0) milliseconds, or at an absolute
 * CLOCK_MONOTONIC time.  Returns 0 on allocation failure. */
ev_timer_id ev_timer_add(struct ev_loop *loop, int64_t delay_ms, ev_timer_cb cb, void *arg);
ev_timer_id ev_timer_at(struct ev_loop *loop, struct timespec when, ev_timer_cb cb, void *arg);
void ev_timer_cancel(struct ev_loop *loop, ev_timer_id id); /* unknown id: no-op */

/* Deliver signo to cb from the loop; cb NULL stops that and restores the
 * disposition the signal had before.  Only one loop may watch signals at a
 * time (EBUSY otherwise).  -1 with errno on failure. */
int ev_signal(struct ev_loop *loop, int signo, ev_signal_cb cb, void *arg);

/* Run until ev_break() is called or nothing is left to wait for (no fd,
 * no timer, no signal registered).  Timers due in the same round fire in
 * order of expiry, ties in order of creation; a timer added by a callback
 * fires in a later round even if already due.
 * Returns 0, or -1 with errno if poll(2) failed other than with EINTR. */
int ev_run(struct ev_loop *loop);
/* One iteration: wait at most max_wait_ms (-1: until something happens),
 * dispatch, return the number of callbacks run (tests drive loops this way). */
int ev_run_once(struct ev_loop *loop, int max_wait_ms);
void ev_break(struct ev_loop *loop);

#endif
