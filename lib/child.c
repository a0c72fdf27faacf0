/*
 * child: supervised child processes (see child.h).
 *
 * Between fork() and execve() the child runs only async-signal-safe calls
 * (the daemon may have had other state in flight): memset, sigaction,
 * sigemptyset, sigprocmask, setsid, dup2, fcntl, closefrom (glibc >= 2.34,
 * FreeBSD), execve, write, _exit.  Everything that can
 * fail in a way worth a message (finding the program, pipes, /dev/null) is
 * done in the parent first.  Signals are blocked around fork() so that the
 * evloop handler cannot run in the child and write into the parent's
 * self-pipe before the child has reset the dispositions.
 *
 * Exit detection peeks with waitid(WNOWAIT) first: while the leader is a
 * zombie its pid cannot be reused, so killing what is left of its process
 * group before waitpid() frees the pid can never hit an unrelated process.
 */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include "fdio.h"
#include "text.h"
#include "tsmath.h"

#ifdef NSIG
#define CHILD_NSIG NSIG
#else
#define CHILD_NSIG 65
#endif

#define CHILD_READ_CHUNK 4096
#define CHILD_DRAIN_READS 64	/* at exit: up to 256 KiB still in a pipe */
#define CHILD_GRACE_MAX_MS (24 * 3600 * 1000)

extern char **environ;

struct child_pipe {
	struct child *owner;
	enum child_stream stream;
	int fd;			/* -1 once closed */
	size_t len;		/* bytes of an unfinished line in buf */
	char buf[CHILD_LINE_MAX + 1];
};

struct child {
	struct child_set *set;
	struct child *next;
	pid_t pid;
	child_line_cb on_line;
	child_exit_cb on_exit;
	void *arg;
	struct child_pipe out, err;
	ev_timer_id kill_timer;	/* 0: none pending */
	struct timespec kill_at; /* when kill_timer fires */
	bool term_sent, kill_sent;
	bool reaped;		/* pid no longer ours: never signal it */
};

struct child_set {
	struct ev_loop *loop;
	struct child *head;
	size_t count;
};

/* What the child writes back when it cannot exec. */
struct child_failure {
	int stage;
	int err;
};

enum { STAGE_EXEC, STAGE_SETSID, STAGE_DUP, STAGE_SIGNALS };

static const char *const stage_names[] = { "exec", "setsid", "dup2", "signals" };

/* ---- finding the program ---- */

static int is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int child_find_program(const char *name, const char *path_list, char *out, size_t outlen)
{
	const char *p, *end;
	size_t dlen, nlen;

	if (name == NULL || name[0] == '\0' || out == NULL || outlen == 0) {
		errno = EINVAL;
		return -1;
	}
	nlen = strlen(name);
	if (strchr(name, '/') != NULL) {
		if (name[0] != '/') {
			errno = EINVAL;
			return -1;
		}
		if (nlen >= outlen) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (!is_executable_file(name)) {
			errno = ENOENT;
			return -1;
		}
		memcpy(out, name, nlen + 1);
		return 0;
	}
	for (p = path_list ? path_list : ""; *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		dlen = (size_t)(end - p);
		if (dlen == 0 || p[0] != '/')
			continue;
		if (dlen + 1 + nlen >= outlen)
			continue;
		memcpy(out, p, dlen);
		out[dlen] = '/';
		memcpy(out + dlen + 1, name, nlen + 1);
		if (is_executable_file(out))
			return 0;
	}
	out[0] = '\0';
	errno = ENOENT;
	return -1;
}

/* ---- output: pipes to lines ---- */

static void pipe_emit(struct child_pipe *p, size_t n)
{
	struct child *c = p->owner;
	size_t len = n;

	if (len > 0 && p->buf[len - 1] == '\r')
		len--;
	p->buf[len] = '\0';
	if (c->on_line != NULL)
		c->on_line(c, p->stream, p->buf, len, c->arg);
}

/* Append data to the line buffer, handing over every complete line.  A full
 * buffer is handed over as a piece only once more of the same line comes,
 * so a line of exactly CHILD_LINE_MAX bytes is one line, wherever the reads
 * happened to split it. */
static void pipe_feed(struct child_pipe *p, const char *data, size_t n)
{
	const char *nl;
	size_t take;

	while (n > 0) {
		if (*data == '\n') {
			pipe_emit(p, p->len);
			p->len = 0;
			data++;
			n--;
			continue;
		}
		if (p->len == CHILD_LINE_MAX) {
			pipe_emit(p, p->len);
			p->len = 0;
		}
		nl = memchr(data, '\n', n);
		take = nl ? (size_t)(nl - data) : n;
		if (take > CHILD_LINE_MAX - p->len)
			take = CHILD_LINE_MAX - p->len;
		memcpy(p->buf + p->len, data, take);
		p->len += take;
		data += take;
		n -= take;
	}
}

static void pipe_close(struct child_pipe *p)
{
	if (p->fd < 0)
		return;
	ev_fd_del(p->owner->set->loop, p->fd);
	close(p->fd);
	p->fd = -1;
	if (p->len > 0) {
		pipe_emit(p, p->len);
		p->len = 0;
	}
}

/* One read; 1 when there may be more, 0 at EOF, EAGAIN or error (the pipe
 * is closed unless it was EAGAIN). */
static int pipe_read_once(struct child_pipe *p)
{
	char chunk[CHILD_READ_CHUNK];
	ssize_t n;

	if (p->fd < 0)
		return 0;
	n = read(p->fd, chunk, sizeof(chunk));
	if (n > 0) {
		pipe_feed(p, chunk, (size_t)n);
		return 1;
	}
	if (n == -1 && errno == EINTR)
		return 1;
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	pipe_close(p);
	return 0;
}

static void on_pipe_readable(int fd, short revents, void *arg)
{
	(void)fd;
	(void)revents;
	pipe_read_once(arg);
}

/* At exit: what the child wrote is in the pipe already; take it all. */
static void pipe_drain(struct child_pipe *p)
{
	int i;

	for (i = 0; i < CHILD_DRAIN_READS && pipe_read_once(p); i++)
		;
	pipe_close(p);
}

/* ---- the registry and exit ---- */

static void on_sigchld(int signo, void *arg)
{
	(void)signo;
	child_reap_all(arg);
}

struct child_set *child_set_new(struct ev_loop *loop, char *err, size_t errlen)
{
	struct child_set *set;

	set = calloc(1, sizeof(*set));
	if (set == NULL) {
		text_errf(err, errlen, "child set: %s", strerror(errno));
		return NULL;
	}
	set->loop = loop;
	if (ev_signal(loop, SIGCHLD, on_sigchld, set) == -1) {
		text_errf(err, errlen, "child set: watching SIGCHLD: %s", strerror(errno));
		free(set);
		return NULL;
	}
	return set;
}

size_t child_count(const struct child_set *set)
{
	return set->count;
}

static void set_unlink(struct child_set *set, struct child *c)
{
	struct child **pp;

	for (pp = &set->head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			set->count--;
			return;
		}
	}
}

static void child_release(struct child *c)
{
	if (c->kill_timer != 0)
		ev_timer_cancel(c->set->loop, c->kill_timer);
	c->kill_timer = 0;
}

/* The child has exited (a zombie, not yet reaped): kill the rest of its
 * group, reap it, hand over its output, then its status. */
static void child_finish(struct child *c)
{
	int status = -1;
	pid_t r;

	(void)kill(-c->pid, SIGKILL);
	do
		r = waitpid(c->pid, &status, 0);
	while (r == -1 && errno == EINTR);
	if (r != c->pid)
		status = -1;
	c->reaped = true;
	set_unlink(c->set, c);
	child_release(c);
	pipe_drain(&c->out);
	pipe_drain(&c->err);
	if (c->on_exit != NULL)
		c->on_exit(c, status, c->arg);
	free(c);
}

/* 1 when the child has exited (and is still a zombie), 0 when it runs,
 * -1 when it is gone without us (someone else reaped it). */
static int child_exited(const struct child *c)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
		return errno == ECHILD ? -1 : 0;
	return si.si_pid == c->pid ? 1 : 0;
}

static void child_lost(struct child *c)
{
	c->reaped = true;
	set_unlink(c->set, c);
	child_release(c);
	pipe_drain(&c->out);
	pipe_drain(&c->err);
	if (c->on_exit != NULL)
		c->on_exit(c, -1, c->arg);
	free(c);
}

void child_reap_all(struct child_set *set)
{
	struct child *c;
	int st;

	/* Callbacks may change the list: start over after each one. */
	for (;;) {
		for (c = set->head; c != NULL; c = c->next) {
			st = child_exited(c);
			if (st != 0)
				break;
		}
		if (c == NULL)
			return;
		if (st > 0)
			child_finish(c);
		else
			child_lost(c);
	}
}

void child_set_free(struct child_set *set)
{
	struct child *c;
	int status;

	if (set == NULL)
		return;
	while ((c = set->head) != NULL) {
		set->head = c->next;
		if (c->pid > 1)
			(void)kill(-c->pid, SIGKILL);
		while (waitpid(c->pid, &status, 0) == -1 && errno == EINTR)
			;
		child_release(c);
		c->on_line = NULL;
		pipe_close(&c->out);
		pipe_close(&c->err);
		free(c);
	}
	ev_signal(set->loop, SIGCHLD, NULL, NULL);
	free(set);
}

/* ---- stopping ---- */

static void on_kill_timer(void *arg)
{
	struct child *c = arg;

	c->kill_timer = 0;
	if (c->pid > 1 && !c->reaped && !c->kill_sent) {
		c->kill_sent = true;
		(void)kill(-c->pid, SIGKILL);
	}
}

void child_stop(struct child *c, int64_t grace_ms)
{
	struct timespec at;

	if (c == NULL || c->pid <= 1 || c->reaped || c->kill_sent)
		return;
	if (grace_ms <= 0) {
		child_release(c);
		on_kill_timer(c);
		return;
	}
	if (!c->term_sent) {
		c->term_sent = true;
		(void)kill(-c->pid, SIGTERM);
	}
	if (grace_ms > CHILD_GRACE_MAX_MS)
		grace_ms = CHILD_GRACE_MAX_MS;
	at = ts_add_ns(ts_now_mono(), grace_ms * 1000000);
	if (c->kill_timer != 0 && ts_cmp(c->kill_at, at) <= 0)
		return; /* an earlier SIGKILL is already due */
	child_release(c);
	c->kill_at = at;
	c->kill_timer = ev_timer_at(c->set->loop, at, on_kill_timer, c);
	if (c->kill_timer == 0)
		on_kill_timer(c); /* no timer: do not leave it running */
}

pid_t child_pid(const struct child *c)
{
	return c->pid;
}

/* ---- starting ---- */

static int set_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl == -1 ? -1 : fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Keep fd off 0..2 (a daemon may have closed its standard descriptors),
 * so that the child's dup2 onto 0..2 never overwrites a source. */
static int lift_fd(int *fd)
{
	int nfd;

	if (*fd > 2)
		return set_cloexec(*fd);
	nfd = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (nfd == -1)
		return -1;
	close(*fd);
	*fd = nfd;
	return 0;
}

static int make_pipe(int fds[2])
{
	if (pipe(fds) == -1)
		return -1;
	if (lift_fd(&fds[0]) == -1 || lift_fd(&fds[1]) == -1) {
		int saved = errno;

		close(fds[0]);
		close(fds[1]);
		errno = saved;
		return -1;
	}
	return 0;
}

static void close_pair(int fds[2])
{
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	fds[0] = fds[1] = -1;
}

struct spawn_fds {
	int in;			/* the child's stdin: /dev/null or input_pipe() */
	int out[2], err[2], report[2];
};

static void child_fail(int report_fd, int stage)
{
	struct child_failure f;

	f.stage = stage;
	f.err = errno;
	(void)!write(report_fd, &f, sizeof(f));
	_exit(127);
}

/* In the child, between fork and exec: async-signal-safe calls only. */
static void child_exec(const char *path, char *const argv[], char *const envp[],
    const struct spawn_fds *fds)
{
	struct sigaction sa;
	sigset_t none;
	int report = fds->report[1];
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 1; i < CHILD_NSIG; i++)
		(void)sigaction(i, &sa, NULL); /* SIGKILL, SIGSTOP: EINVAL */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		child_fail(report, STAGE_SIGNALS);
	if (setsid() == -1)
		child_fail(report, STAGE_SETSID);
	if (dup2(fds->in, 0) == -1 || dup2(fds->out[1], 1) == -1 ||
	    dup2(fds->err[1], 2) == -1)
		child_fail(report, STAGE_DUP);
	if (report != 3) {
		if (dup2(report, 3) == -1)
			child_fail(report, STAGE_DUP);
		report = 3;
		if (fcntl(report, F_SETFD, FD_CLOEXEC) == -1)
			child_fail(report, STAGE_DUP);
	}
	closefrom(4);
	execve(path, argv, envp != NULL ? envp : environ);
	child_fail(report, STAGE_EXEC);
}

/* A pipe's read end that holds len bytes of data and then the end. */
static int input_pipe(const void *data, size_t len)
{
	int p[2];
	ssize_t n;
	size_t done = 0;

	if (len > CHILD_INPUT_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (make_pipe(p) == -1)
		return -1;
	/* Non-blocking: should a pipe ever hold less, fail rather than hang. */
	if (set_nonblock(p[1]) == -1)
		goto fail;
	while (done < len) {
		n = write(p[1], (const char *)data + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	close(p[1]);
	return p[0];
fail:
	close_pair(p);
	return -1;
}

static int open_fds(struct spawn_fds *fds, const struct child_opts *opts)
{
	fds->out[0] = fds->out[1] = fds->err[0] = fds->err[1] = -1;
	fds->report[0] = fds->report[1] = -1;
	if (opts != NULL && opts->input != NULL)
		fds->in = input_pipe(opts->input, opts->input_len);
	else
		fds->in = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fds->in == -1 || lift_fd(&fds->in) == -1)
		return -1;
	if (make_pipe(fds->out) == -1 || make_pipe(fds->err) == -1 ||
	    make_pipe(fds->report) == -1)
		return -1;
	if (set_nonblock(fds->out[0]) == -1 || set_nonblock(fds->err[0]) == -1)
		return -1;
	return 0;
}

static void close_fds(struct spawn_fds *fds)
{
	if (fds->in >= 0)
		close(fds->in);
	fds->in = -1;
	close_pair(fds->out);
	close_pair(fds->err);
	close_pair(fds->report);
}

/* Wait for the child's verdict: EOF means execve succeeded. */
static int read_report(int fd, struct child_failure *f)
{
	return fd_read_all(fd, f, sizeof(*f)) == (ssize_t)sizeof(*f) ? -1 : 0;
}

static int resolve(char *const argv[], const struct child_opts *opts, char *path,
    size_t pathlen, char *err, size_t errlen)
{
	const char *search = opts ? opts->search_path : NULL;

	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0') {
		text_errf(err, errlen, "no program to run");
		return -1;
	}
	if (strchr(argv[0], '/') == NULL && search == NULL) {
		text_errf(err, errlen, "%s: not an absolute path", argv[0]);
		return -1;
	}
	if (child_find_program(argv[0], search, path, pathlen) == 0)
		return 0;
	if (errno == EINVAL)
		text_errf(err, errlen, "%s: not an absolute path", argv[0]);
	else if (errno == ENAMETOOLONG)
		text_errf(err, errlen, "%.64s...: name too long", argv[0]);
	else if (strchr(argv[0], '/') != NULL)
		text_errf(err, errlen, "%s: no such executable file", argv[0]);
	else
		text_errf(err, errlen, "%s: not found in %s", argv[0], search);
	return -1;
}

static struct child *child_new(struct child_set *set, pid_t pid, struct spawn_fds *fds,
    const struct child_opts *opts, child_exit_cb on_exit, void *arg)
{
	struct child *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->set = set;
	c->pid = pid;
	c->on_line = opts ? opts->on_line : NULL;
	c->on_exit = on_exit;
	c->arg = arg;
	c->out.owner = c->err.owner = c;
	c->out.stream = CHILD_STDOUT;
	c->err.stream = CHILD_STDERR;
	c->out.fd = c->err.fd = -1;
	if (ev_fd_add(set->loop, fds->out[0], POLLIN, on_pipe_readable, &c->out) == -1) {
		free(c);
		return NULL;
	}
	c->out.fd = fds->out[0];
	fds->out[0] = -1;
	if (ev_fd_add(set->loop, fds->err[0], POLLIN, on_pipe_readable, &c->err) == -1) {
		ev_fd_del(set->loop, c->out.fd);
		fds->out[0] = c->out.fd;
		free(c);
		return NULL;
	}
	c->err.fd = fds->err[0];
	fds->err[0] = -1;
	c->next = set->head;
	set->head = c;
	set->count++;
	return c;
}

struct child *child_spawn(struct child_set *set, char *const argv[], char *const envp[],
    const struct child_opts *opts, child_exit_cb on_exit, void *arg, char *err,
    size_t errlen)
{
	char path[PATH_MAX];
	struct spawn_fds fds;
	struct child_failure f;
	sigset_t all, old;
	struct child *c;
	pid_t pid;
	int status;

	if (set == NULL || on_exit == NULL) {
		text_errf(err, errlen, "child_spawn: no set or exit callback");
		return NULL;
	}
	if (resolve(argv, opts, path, sizeof(path), err, errlen) == -1)
		return NULL;
	if (open_fds(&fds, opts) == -1) {
		text_errf(err, errlen, "%s: pipes: %s", argv[0], strerror(errno));
		close_fds(&fds);
		return NULL;
	}
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		child_exec(path, argv, envp, &fds);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid == -1) {
		text_errf(err, errlen, "%s: fork: %s", argv[0], strerror(errno));
		close_fds(&fds);
		return NULL;
	}
	close(fds.in);
	fds.in = -1;
	close(fds.out[1]);
	close(fds.err[1]);
	close(fds.report[1]);
	fds.out[1] = fds.err[1] = fds.report[1] = -1;
	if (read_report(fds.report[0], &f) == -1) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		if (f.stage == STAGE_EXEC)
			text_errf(err, errlen, "%s: %s", path, strerror(f.err));
		else
			text_errf(err, errlen, "%s: %s: %s", path,
			    stage_names[f.stage >= 0 && f.stage <= STAGE_SIGNALS ? f.stage : 0],
			    strerror(f.err));
		close_fds(&fds);
		return NULL;
	}
	c = child_new(set, pid, &fds, opts, on_exit, arg);
	if (c == NULL) {
		text_errf(err, errlen, "%s: %s", argv[0], strerror(errno));
		(void)kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	close_fds(&fds);
	return c;
}

void child_abandon(struct child *c)
{
	c->on_line = NULL;
	c->on_exit = NULL;
	child_stop(c, 0);
}

void child_status_str(int status, char *buf, size_t len)
{
	if (len == 0)
		return;
	if (status == -1)
		snprintf(buf, len, "gone (status unknown)");
	else if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status 0x%x", (unsigned)status);
}
