/*
 * evloop: poll(2) loop with monotonic timers and self-pipe signals
 * (see evloop.h).
 *
 * Registrations live in small arrays that callbacks may change at any time.
 * Each iteration polls a snapshot of the fd table; before a ready fd's
 * callback runs, its registration is looked up again and must carry the
 * same serial number as when the snapshot was taken, so an fd removed (or
 * closed and reused for something else) by an earlier callback in the same
 * round is never dispatched.  Timers are kept sorted by (expiry, id); only
 * timers that existed when the round started fire in it, so a callback that
 * re-arms itself with delay 0 cannot starve the loop.
 */
#include "evloop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsmath.h"

#ifdef NSIG
#define EV_NSIG NSIG
#else
#define EV_NSIG 65
#endif

struct ev_fdreg {
	int fd;
	short events;
	uint64_t serial;
	ev_fd_cb cb;
	void *arg;
};

struct ev_timer {
	struct timespec when;
	ev_timer_id id;
	ev_timer_cb cb;
	void *arg;
};

struct ev_sigreg {
	bool installed;
	struct sigaction old;
	ev_signal_cb cb;
	void *arg;
};

struct ev_loop {
	struct ev_fdreg *fds;
	size_t nfds, capfds;
	uint64_t next_serial;

	/* The snapshot polled this round; serials[i] belongs to pfds[i], and
	 * serial 0 marks the signal pipe. */
	struct pollfd *pfds;
	uint64_t *serials;
	size_t cappfds;

	struct ev_timer *timers; /* sorted, soonest first */
	size_t ntimers, captimers;
	ev_timer_id next_timer;

	struct ev_sigreg sigs[EV_NSIG];
	int nsigs;
	int sigpipe[2];

	bool stop;
};

/* Signal handlers can only reach globals: one loop owns them at a time. */
static volatile sig_atomic_t ev_sig_pending[EV_NSIG];
static volatile sig_atomic_t ev_sig_wfd = -1;
static struct ev_loop *ev_sig_owner;

static void ev_sig_handler(int signo)
{
	int saved_errno = errno;
	char b = 0;

	if (signo > 0 && signo < EV_NSIG)
		ev_sig_pending[signo] = 1;
	if (ev_sig_wfd >= 0)
		(void)!write(ev_sig_wfd, &b, 1);
	errno = saved_errno;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / elem) {
		errno = ENOMEM;
		return -1;
	}
	p = realloc(*arr, ncap * elem);
	if (p == NULL)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

struct ev_loop *ev_new(void)
{
	struct ev_loop *loop;

	loop = calloc(1, sizeof(*loop));
	if (loop == NULL)
		return NULL;
	loop->next_serial = 1;
	loop->next_timer = 1;
	loop->sigpipe[0] = loop->sigpipe[1] = -1;
	return loop;
}

static void ev_sig_restore_all(struct ev_loop *loop)
{
	int i;

	for (i = 1; i < EV_NSIG; i++) {
		if (!loop->sigs[i].installed)
			continue;
		sigaction(i, &loop->sigs[i].old, NULL);
		loop->sigs[i].installed = false;
		ev_sig_pending[i] = 0;
	}
	loop->nsigs = 0;
}

void ev_free(struct ev_loop *loop)
{
	if (loop == NULL)
		return;
	ev_sig_restore_all(loop);
	if (ev_sig_owner == loop) {
		ev_sig_wfd = -1;
		ev_sig_owner = NULL;
	}
	if (loop->sigpipe[0] >= 0) {
		close(loop->sigpipe[0]);
		close(loop->sigpipe[1]);
	}
	free(loop->fds);
	free(loop->pfds);
	free(loop->serials);
	free(loop->timers);
	free(loop);
}

static struct ev_fdreg *ev_fd_find(struct ev_loop *loop, int fd)
{
	size_t i;

	for (i = 0; i < loop->nfds; i++)
		if (loop->fds[i].fd == fd)
			return &loop->fds[i];
	return NULL;
}

int ev_fd_add(struct ev_loop *loop, int fd, short events, ev_fd_cb cb, void *arg)
{
	struct ev_fdreg *r;

	if (fd < 0 || cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	r = ev_fd_find(loop, fd);
	if (r == NULL) {
		if (grow((void **)&loop->fds, &loop->capfds, loop->nfds + 1, sizeof(*r)) == -1)
			return -1;
		r = &loop->fds[loop->nfds++];
	}
	r->fd = fd;
	r->events = events;
	r->serial = loop->next_serial++;
	r->cb = cb;
	r->arg = arg;
	return 0;
}

int ev_fd_events(struct ev_loop *loop, int fd, short events)
{
	struct ev_fdreg *r = ev_fd_find(loop, fd);

	if (r == NULL) {
		errno = ENOENT;
		return -1;
	}
	r->events = events;
	return 0;
}

void ev_fd_del(struct ev_loop *loop, int fd)
{
	struct ev_fdreg *r = ev_fd_find(loop, fd);

	if (r == NULL)
		return;
	*r = loop->fds[--loop->nfds];
}

/* Index where a timer due at `when` with a new (largest) id goes. */
static size_t ev_timer_slot(struct ev_loop *loop, struct timespec when)
{
	size_t lo = 0, hi = loop->ntimers, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ts_cmp(loop->timers[mid].when, when) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

ev_timer_id ev_timer_at(struct ev_loop *loop, struct timespec when, ev_timer_cb cb, void *arg)
{
	struct ev_timer *t;
	size_t i;

	if (cb == NULL)
		return 0;
	if (grow((void **)&loop->timers, &loop->captimers, loop->ntimers + 1, sizeof(*t)) == -1)
		return 0;
	when = ts_normalize(when);
	i = ev_timer_slot(loop, when);
	memmove(&loop->timers[i + 1], &loop->timers[i], (loop->ntimers - i) * sizeof(*t));
	loop->ntimers++;
	t = &loop->timers[i];
	t->when = when;
	t->id = loop->next_timer++;
	t->cb = cb;
	t->arg = arg;
	return t->id;
}

ev_timer_id ev_timer_add(struct ev_loop *loop, int64_t delay_ms, ev_timer_cb cb, void *arg)
{
	int64_t ns;

	if (delay_ms < 0)
		delay_ms = 0;
	ns = delay_ms > INT64_MAX / 1000000 ? INT64_MAX : delay_ms * 1000000;
	return ev_timer_at(loop, ts_add_ns(ts_now_mono(), ns), cb, arg);
}

static void ev_timer_remove(struct ev_loop *loop, size_t i)
{
	loop->ntimers--;
	memmove(&loop->timers[i], &loop->timers[i + 1],
	    (loop->ntimers - i) * sizeof(loop->timers[0]));
}

void ev_timer_cancel(struct ev_loop *loop, ev_timer_id id)
{
	size_t i;

	for (i = 0; i < loop->ntimers; i++) {
		if (loop->timers[i].id == id) {
			ev_timer_remove(loop, i);
			return;
		}
	}
}

static int ev_set_pipe_flags(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	fl = fcntl(fd, F_GETFD);
	if (fl == -1 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1)
		return -1;
	return 0;
}

static int ev_sig_setup(struct ev_loop *loop)
{
	if (ev_sig_owner != NULL && ev_sig_owner != loop) {
		errno = EBUSY;
		return -1;
	}
	if (loop->sigpipe[0] >= 0)
		return 0;
	if (pipe(loop->sigpipe) == -1)
		return -1;
	if (ev_set_pipe_flags(loop->sigpipe[0]) == -1 ||
	    ev_set_pipe_flags(loop->sigpipe[1]) == -1) {
		int saved_errno = errno;

		close(loop->sigpipe[0]);
		close(loop->sigpipe[1]);
		loop->sigpipe[0] = loop->sigpipe[1] = -1;
		errno = saved_errno;
		return -1;
	}
	ev_sig_owner = loop;
	ev_sig_wfd = loop->sigpipe[1];
	return 0;
}

int ev_signal(struct ev_loop *loop, int signo, ev_signal_cb cb, void *arg)
{
	struct ev_sigreg *s;
	struct sigaction sa;

	if (signo <= 0 || signo >= EV_NSIG) {
		errno = EINVAL;
		return -1;
	}
	s = &loop->sigs[signo];
	if (cb == NULL) {
		if (s->installed) {
			sigaction(signo, &s->old, NULL);
			s->installed = false;
			ev_sig_pending[signo] = 0;
			loop->nsigs--;
		}
		return 0;
	}
	if (ev_sig_setup(loop) == -1)
		return -1;
	if (!s->installed) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = ev_sig_handler;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		if (sigaction(signo, &sa, &s->old) == -1)
			return -1;
		s->installed = true;
		loop->nsigs++;
	}
	s->cb = cb;
	s->arg = arg;
	return 0;
}

static void ev_sig_drain(struct ev_loop *loop)
{
	char buf[64];

	while (read(loop->sigpipe[0], buf, sizeof(buf)) > 0)
		;
}

static bool ev_sig_any_pending(const struct ev_loop *loop)
{
	int i;

	if (loop->nsigs == 0)
		return false;
	for (i = 1; i < EV_NSIG; i++)
		if (ev_sig_pending[i] && loop->sigs[i].installed)
			return true;
	return false;
}

static int ev_sig_dispatch(struct ev_loop *loop)
{
	struct ev_sigreg *s;
	int i, n = 0;

	for (i = 1; i < EV_NSIG; i++) {
		s = &loop->sigs[i];
		if (!ev_sig_pending[i] || !s->installed)
			continue;
		ev_sig_pending[i] = 0;
		s->cb(i, s->arg);
		n++;
	}
	return n;
}

/* Copy the fd table (plus the signal pipe) into the poll array. */
static int ev_snapshot(struct ev_loop *loop, size_t *npfds)
{
	size_t n = loop->nfds + 1, cap, i;

	cap = loop->cappfds;
	if (grow((void **)&loop->pfds, &cap, n, sizeof(*loop->pfds)) == -1)
		return -1;
	if (cap != loop->cappfds) {
		uint64_t *p = realloc(loop->serials, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		loop->serials = p;
		loop->cappfds = cap;
	}
	for (i = 0; i < loop->nfds; i++) {
		loop->pfds[i].fd = loop->fds[i].fd;
		loop->pfds[i].events = loop->fds[i].events;
		loop->pfds[i].revents = 0;
		loop->serials[i] = loop->fds[i].serial;
	}
	if (loop->sigpipe[0] >= 0) {
		loop->pfds[i].fd = loop->sigpipe[0];
		loop->pfds[i].events = POLLIN;
		loop->pfds[i].revents = 0;
		loop->serials[i] = 0;
		i++;
	}
	*npfds = i;
	return 0;
}

/* Milliseconds poll may sleep: the caller's bound, cut to the next timer
 * and rounded up so we never wake just before it is due. */
static int ev_timeout(struct ev_loop *loop, int max_wait_ms)
{
	int64_t ns, ms;

	if (ev_sig_any_pending(loop))
		return 0;
	if (loop->ntimers == 0)
		return max_wait_ms;
	ns = ts_to_ns(ts_sub(loop->timers[0].when, ts_now_mono()));
	if (ns <= 0)
		return 0;
	ms = ns / 1000000 + (ns % 1000000 != 0);
	if (ms > INT_MAX)
		ms = INT_MAX;
	if (max_wait_ms >= 0 && max_wait_ms < ms)
		return max_wait_ms;
	return (int)ms;
}

static int ev_fd_dispatch(struct ev_loop *loop, size_t npfds)
{
	struct ev_fdreg *r;
	size_t i;
	int n = 0;

	for (i = 0; i < npfds; i++) {
		struct pollfd *p = &loop->pfds[i];

		if (p->revents == 0)
			continue;
		if (loop->serials[i] == 0) {
			ev_sig_drain(loop);
			continue;
		}
		r = ev_fd_find(loop, p->fd);
		if (r == NULL || r->serial != loop->serials[i])
			continue;
		r->cb(p->fd, p->revents, r->arg);
		n++;
	}
	return n;
}

static int ev_timer_dispatch(struct ev_loop *loop)
{
	struct timespec now = ts_now_mono();
	ev_timer_id cutoff = loop->next_timer;
	struct ev_timer t;
	size_t i;
	int n = 0;

	for (;;) {
		for (i = 0; i < loop->ntimers; i++) {
			if (ts_cmp(loop->timers[i].when, now) > 0)
				return n;
			if (loop->timers[i].id < cutoff)
				break;
		}
		if (i == loop->ntimers)
			return n;
		t = loop->timers[i];
		ev_timer_remove(loop, i);
		t.cb(t.arg);
		n++;
	}
}

int ev_run_once(struct ev_loop *loop, int max_wait_ms)
{
	size_t npfds;
	int rc, n;

	if (ev_snapshot(loop, &npfds) == -1)
		return -1;
	rc = poll(loop->pfds, (nfds_t)npfds, ev_timeout(loop, max_wait_ms));
	if (rc == -1) {
		if (errno != EINTR)
			return -1;
		npfds = 0;
	}
	n = ev_fd_dispatch(loop, npfds);
	n += ev_sig_dispatch(loop);
	n += ev_timer_dispatch(loop);
	return n;
}

int ev_run(struct ev_loop *loop)
{
	loop->stop = false;
	while (!loop->stop) {
		if (loop->nfds == 0 && loop->ntimers == 0 && loop->nsigs == 0)
			break;
		if (ev_run_once(loop, -1) == -1)
			return -1;
	}
	loop->stop = false;
	return 0;
}

void ev_break(struct ev_loop *loop)
{
	loop->stop = true;
}
