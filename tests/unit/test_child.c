/*
 * Unit tests for lib/child: real children (/bin/sh scripts chosen by the
 * test, /bin/true, /bin/false), driven by a real event loop.  What is
 * checked is what a daemon relies on: spawn errors reported by the parent,
 * lines split and tagged right, every line before the exit callback, one
 * exit callback per child, SIGTERM then SIGKILL to the whole group, no
 * inherited descriptors or ignored signals.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "evloop.h"
#include "tsmath.h"

#define MAX_KEPT 64

struct rec {
	struct ev_loop *loop;
	struct child_set *set;
	struct child *child;
	char lines[MAX_KEPT][CHILD_LINE_MAX + 1];
	size_t lens[MAX_KEPT];
	enum child_stream streams[MAX_KEPT];
	int nlines;			/* all lines, kept or not */
	int nout, nerr;
	int numbered_next;		/* "lineN" seen in order up to here */
	bool numbered_ok;
	int exits;
	int status;
	int lines_at_exit;
	struct timespec exit_at;
	int stop_on_line;		/* child_stop(grace) on this line (1-based) */
	int64_t stop_grace;
};

static void on_line(struct child *c, enum child_stream s, const char *line, size_t len, void *arg)
{
	struct rec *r = arg;
	char want[32];

	assert_ptr_equal(c, r->child);
	assert_true(len <= CHILD_LINE_MAX);
	assert_int_equal(line[len], '\0');
	if (r->nlines < MAX_KEPT) {
		memcpy(r->lines[r->nlines], line, len + 1);
		r->lens[r->nlines] = len;
		r->streams[r->nlines] = s;
	}
	r->nlines++;
	if (s == CHILD_STDOUT)
		r->nout++;
	else
		r->nerr++;
	snprintf(want, sizeof(want), "line%d", r->numbered_next);
	if (strcmp(line, want) == 0)
		r->numbered_next++;
	else
		r->numbered_ok = false;
	if (r->stop_on_line == r->nlines)
		child_stop(c, r->stop_grace);
}

static void on_exit_cb(struct child *c, int status, void *arg)
{
	struct rec *r = arg;

	assert_ptr_equal(c, r->child);
	r->exits++;
	r->status = status;
	r->lines_at_exit = r->nlines;
	r->exit_at = ts_now_mono();
	r->child = NULL;
}

static struct rec *rec_new(void)
{
	struct rec *r = calloc(1, sizeof(*r));
	char err[CHILD_ERRLEN];

	assert_non_null(r);
	r->loop = ev_new();
	assert_non_null(r->loop);
	r->set = child_set_new(r->loop, err, sizeof(err));
	assert_non_null(r->set);
	r->numbered_ok = true;
	return r;
}

static void rec_free(struct rec *r)
{
	child_set_free(r->set);
	ev_free(r->loop);
	free(r);
}

/* Each test gets its own loop and set, freed even when the test fails
 * (only one loop may own signals at a time). */
static int setup(void **state)
{
	*state = rec_new();
	return 0;
}

static int teardown(void **state)
{
	rec_free(*state);
	return 0;
}

static const struct child_opts opts_lines = { .on_line = on_line };

static struct child *spawn_sh(struct rec *r, const char *script)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	char err[CHILD_ERRLEN];

	r->child = child_spawn(r->set, argv, NULL, &opts_lines, on_exit_cb, r, err, sizeof(err));
	if (r->child == NULL)
		fail_msg("spawn: %s", err);
	return r->child;
}

/* Run the loop until the child's exit callback ran; fail after limit_ms. */
static void run_until_exit(struct rec *r, int64_t limit_ms)
{
	struct timespec end = ts_add_ns(ts_now_mono(), limit_ms * 1000000);

	while (r->exits == 0) {
		assert_true(ts_cmp(ts_now_mono(), end) < 0);
		assert_true(ev_run_once(r->loop, 50) >= 0);
	}
}

static void run_until_lines(struct rec *r, int n, int64_t limit_ms)
{
	struct timespec end = ts_add_ns(ts_now_mono(), limit_ms * 1000000);

	while (r->nlines < n) {
		assert_true(ts_cmp(ts_now_mono(), end) < 0);
		assert_true(ev_run_once(r->loop, 50) >= 0);
	}
}

static void test_true_false(void **state)
{
	struct rec *r = *state;
	char *t[] = { "/bin/true", NULL };
	char *f[] = { "/bin/false", NULL };
	char err[CHILD_ERRLEN];

	r->child = child_spawn(r->set, t, NULL, NULL, on_exit_cb, r, err, sizeof(err));
	assert_non_null(r->child);
	assert_int_equal(child_count(r->set), 1);
	run_until_exit(r, 5000);
	assert_true(WIFEXITED(r->status));
	assert_int_equal(WEXITSTATUS(r->status), 0);
	assert_int_equal(r->nlines, 0);
	assert_int_equal(child_count(r->set), 0);

	r->exits = 0;
	r->child = child_spawn(r->set, f, NULL, NULL, on_exit_cb, r, err, sizeof(err));
	assert_non_null(r->child);
	run_until_exit(r, 5000);
	assert_true(WIFEXITED(r->status));
	assert_int_equal(WEXITSTATUS(r->status), 1);
}

static void test_spawn_errors_reported_by_parent(void **state)
{
	struct rec *r = *state;
	char *missing[] = { "/nonexistent/prog", NULL };
	char *bare[] = { "nosuchprog-outpost", NULL };
	char *relative[] = { "./prog", NULL };
	char *empty[] = { NULL };
	struct child_opts search = { .search_path = "/usr/bin:/bin", .on_line = on_line };
	char err[CHILD_ERRLEN];

	assert_null(child_spawn(r->set, missing, NULL, NULL, on_exit_cb, r, err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/prog: no such executable file");
	assert_null(child_spawn(r->set, bare, NULL, &search, on_exit_cb, r, err, sizeof(err)));
	assert_string_equal(err, "nosuchprog-outpost: not found in /usr/bin:/bin");
	/* A bare name without a search path is refused, not looked up. */
	assert_null(child_spawn(r->set, bare, NULL, NULL, on_exit_cb, r, err, sizeof(err)));
	assert_string_equal(err, "nosuchprog-outpost: not an absolute path");
	assert_null(child_spawn(r->set, relative, NULL, &search, on_exit_cb, r, err, sizeof(err)));
	assert_string_equal(err, "./prog: not an absolute path");
	assert_null(child_spawn(r->set, empty, NULL, NULL, on_exit_cb, r, err, sizeof(err)));
	assert_int_equal(child_count(r->set), 0);
	assert_int_equal(r->exits, 0); /* a failed spawn never calls back */
}

/* An executable file that execve() refuses: the errno comes back from the
 * child through the close-on-exec pipe, not as an exit status 127. */
static void test_exec_failure_errno(void **state)
{
	struct rec *r = *state;
	char path[] = "/tmp/test_child.XXXXXX";
	char *argv[] = { path, NULL };
	char err[CHILD_ERRLEN], want[CHILD_ERRLEN];
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x7f\x01garbage", 9), 9);
	close(fd);
	assert_int_equal(chmod(path, 0700), 0);
	assert_null(child_spawn(r->set, argv, NULL, NULL, on_exit_cb, r, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOEXEC));
	assert_string_equal(err, want);
	assert_int_equal(r->exits, 0);
	unlink(path);
}

static void test_search_path(void **state)
{
	struct rec *r = *state;
	char *argv[] = { "sh", "-c", "echo found", NULL };
	struct child_opts search = { .search_path = "relative/dir::/nonexistent:/bin:/usr/bin",
		.on_line = on_line };
	char err[CHILD_ERRLEN], out[64];

	r->child = child_spawn(r->set, argv, NULL, &search, on_exit_cb, r, err, sizeof(err));
	assert_non_null(r->child);
	run_until_exit(r, 5000);
	assert_int_equal(r->nlines, 1);
	assert_string_equal(r->lines[0], "found");

	assert_int_equal(child_find_program("sh", "/nonexistent:/bin", out, sizeof(out)), 0);
	assert_string_equal(out, "/bin/sh");
	assert_int_equal(child_find_program("/bin/sh", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "/bin/sh");
	assert_int_equal(child_find_program("sh", "bin", out, sizeof(out)), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(child_find_program("sh", "/bin", out, 7), -1); /* "/bin/sh" needs 8 */
	assert_int_equal(child_find_program("", "/bin", out, sizeof(out)), -1);
	assert_int_equal(errno, EINVAL);
	/* A directory is not a program. */
	assert_int_equal(child_find_program("bin", "/", out, sizeof(out)), -1);
}

static void test_stdout_stderr_tagged(void **state)
{
	struct rec *r = *state;

	spawn_sh(r, "echo out1; echo err1 >&2; printf 'crlf\\r\\n'; printf 'no newline'");
	run_until_exit(r, 5000);
	assert_int_equal(r->nlines, 4);
	assert_int_equal(r->nout, 3);
	assert_int_equal(r->nerr, 1);
	/* Order across the two pipes is not defined; within one it is. */
	for (int i = 0; i < 4; i++) {
		if (strcmp(r->lines[i], "err1") == 0)
			assert_int_equal(r->streams[i], CHILD_STDERR);
		else
			assert_int_equal(r->streams[i], CHILD_STDOUT);
	}
	{
		int o = 0;
		const char *want[] = { "out1", "crlf", "no newline" };

		for (int i = 0; i < 4; i++)
			if (r->streams[i] == CHILD_STDOUT)
				assert_string_equal(r->lines[i], want[o++]);
	}
	assert_true(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0);
}

static void test_many_lines_all_before_exit(void **state)
{
	struct rec *r = *state;

	/* 20000 lines (~190 KB): several pipe-fulls, and the child exits the
	 * moment the last is written, so the tail is still in the pipe. */
	spawn_sh(r, "i=0; while [ $i -lt 20000 ]; do echo line$i; i=$((i+1)); done");
	run_until_exit(r, 60000);
	assert_int_equal(r->lines_at_exit, 20000);
	assert_int_equal(r->nlines, 20000);
	assert_true(r->numbered_ok);
	assert_int_equal(r->numbered_next, 20000);
}

/* The child has exited before the loop read anything: its output is all
 * in the pipes (26 KB, under a pipe's capacity) and must all come out before
 * the exit callback, not be lost with the pipes. */
static void test_output_flushed_before_exit(void **state)
{
	struct rec *r = *state;
	siginfo_t si;

	spawn_sh(r, "i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done; echo tail >&2");
	memset(&si, 0, sizeof(si));
	/* Wait for the exit without reaping: the set must still see it. */
	assert_int_equal(waitid(P_PID, (id_t)child_pid(r->child), &si, WEXITED | WNOWAIT), 0);
	run_until_exit(r, 5000);
	assert_int_equal(r->lines_at_exit, 3001);
	assert_int_equal(r->nout, 3000);
	assert_int_equal(r->nerr, 1);
	assert_true(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0);
}

static void test_long_line_split(void **state)
{
	struct rec *r = *state;
	size_t i;

	assert_int_equal(CHILD_LINE_MAX, 1024);
	/* 2500 'x': pieces of 1024, 1024 and 452.  Exactly 1024 'y': one line.
	 * 2048 'z': two pieces and no empty line after them.  Then "end". */
	spawn_sh(r, "i=0; while [ $i -lt 250 ]; do printf xxxxxxxxxx; i=$((i+1)); done; echo;"
		    "i=0; while [ $i -lt 128 ]; do printf yyyyyyyy; i=$((i+1)); done; echo;"
		    "i=0; while [ $i -lt 256 ]; do printf zzzzzzzz; i=$((i+1)); done; echo;"
		    "echo end");
	run_until_exit(r, 10000);
	assert_int_equal(r->nlines, 7);
	assert_int_equal(r->lens[0], 1024);
	assert_int_equal(r->lens[1], 1024);
	assert_int_equal(r->lens[2], 452);
	for (i = 0; i < r->lens[2]; i++)
		assert_int_equal(r->lines[2][i], 'x');
	assert_int_equal(r->lens[3], 1024);
	assert_int_equal(r->lines[3][0], 'y');
	assert_int_equal(r->lines[3][1023], 'y');
	assert_int_equal(r->lens[4], 1024);
	assert_int_equal(r->lines[4][0], 'z');
	assert_int_equal(r->lens[5], 1024);
	assert_int_equal(r->lines[5][1023], 'z');
	assert_string_equal(r->lines[6], "end");
}

/* Several children ending together (one SIGCHLD may stand for many). */
static void count_exit(struct child *c, int status, void *arg)
{
	int *n = arg;

	(void)c;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 5);
	(*n)++;
}

static void test_many_children(void **state)
{
	struct rec *r = *state;
	char *argv[] = { "/bin/sh", "-c", "sleep 0.2; exit 5", NULL };
	char err[CHILD_ERRLEN];
	struct timespec end = ts_add_ns(ts_now_mono(), 10000000000LL);
	int i, n = 0;

	for (i = 0; i < 8; i++)
		assert_non_null(child_spawn(r->set, argv, NULL, NULL, count_exit, &n, err,
		    sizeof(err)));
	assert_int_equal(child_count(r->set), 8);
	while (n < 8 && ts_cmp(ts_now_mono(), end) < 0)
		ev_run_once(r->loop, 50);
	assert_int_equal(n, 8);
	assert_int_equal(child_count(r->set), 0);
}

static void test_stdin_is_devnull_and_env(void **state)
{
	struct rec *r = *state;
	char *argv[] = { "/usr/bin/env", NULL };
	char *envp[] = { "FOO=bar baz", "X=1", NULL };
	char err[CHILD_ERRLEN];

	r->child = child_spawn(r->set, argv, envp, &opts_lines, on_exit_cb, r, err, sizeof(err));
	assert_non_null(r->child);
	run_until_exit(r, 5000);
	/* Exactly the environment given, nothing of ours. */
	assert_int_equal(r->nlines, 2);
	assert_string_equal(r->lines[0], "FOO=bar baz");
	assert_string_equal(r->lines[1], "X=1");

	/* cat sees end of file at once: stdin is /dev/null, not our terminal. */
	r->exits = r->nlines = 0;
	spawn_sh(r, "cat; echo done");
	run_until_exit(r, 5000);
	assert_int_equal(r->nlines, 1);
	assert_string_equal(r->lines[0], "done");
}

/* A descriptor the daemon forgot to mark close-on-exec does not reach the
 * child, and a SIGPIPE the daemon ignores is back to the default there. */
static void test_fds_closed_signals_reset(void **state)
{
	struct rec *r = *state;
	struct sigaction ign, old;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(dup2(p[1], 7), 7); /* no FD_CLOEXEC */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGPIPE, &ign, &old), 0);
	/* yes | head: yes dies of SIGPIPE silently when the default holds; with
	 * SIGPIPE ignored it would complain about EPIPE on stderr. */
	spawn_sh(r, "if { true >&7; } 2>/dev/null; then echo fd7-open; else echo fd7-closed; fi;"
		    "yes | head -n 1");
	run_until_exit(r, 5000);
	sigaction(SIGPIPE, &old, NULL);
	close(7);
	close(p[0]);
	close(p[1]);
	assert_int_equal(r->nlines, 2);
	assert_string_equal(r->lines[0], "fd7-closed");
	assert_string_equal(r->lines[1], "y");
	assert_int_equal(r->nerr, 0);
}

static void test_own_process_group(void **state)
{
	struct rec *r = *state;
	pid_t pid;

	spawn_sh(r, "read x <&-; sleep 5");
	pid = child_pid(r->child);
	assert_true(pid > 1);
	assert_int_equal(getpgid(pid), pid);
	assert_int_equal(getsid(pid), pid);
	child_stop(r->child, 1000);
	run_until_exit(r, 5000);
}

static void test_stop_sigterm(void **state)
{
	struct rec *r = *state;
	struct timespec start;

	spawn_sh(r, "echo ready; exec sleep 30");
	run_until_lines(r, 1, 5000);
	start = ts_now_mono();
	child_stop(r->child, 5000);
	run_until_exit(r, 4000);
	assert_true(WIFSIGNALED(r->status));
	assert_int_equal(WTERMSIG(r->status), SIGTERM);
	assert_true(ts_to_ns(ts_sub(r->exit_at, start)) < 4000000000LL);
	/* The SIGKILL timer went with the child: nothing fires later. */
	assert_int_equal(ev_run_once(r->loop, 100), 0);
	assert_int_equal(r->exits, 1);
}

static void test_stop_escalates_to_sigkill(void **state)
{
	struct rec *r = *state;
	struct timespec start;
	int64_t waited;

	/* The shell and its sleeps ignore SIGTERM (ignored signals are
	 * inherited); only SIGKILL ends them. */
	spawn_sh(r, "trap '' TERM; echo ready; while :; do sleep 0.05; done");
	run_until_lines(r, 1, 5000);
	start = ts_now_mono();
	child_stop(r->child, 300);
	child_stop(r->child, 2000); /* later deadline: ignored, never delays */
	run_until_exit(r, 5000);
	waited = ts_to_ns(ts_sub(r->exit_at, start)) / 1000000;
	assert_true(WIFSIGNALED(r->status));
	assert_int_equal(WTERMSIG(r->status), SIGKILL);
	assert_true(waited >= 300);
	assert_true(waited < 1900);
	assert_int_equal(r->exits, 1);
}

static void test_stop_twice_exit_once(void **state)
{
	struct rec *r = *state;

	/* child_stop from inside the line callback, then again, then at once. */
	r->stop_on_line = 1;
	r->stop_grace = 1000;
	spawn_sh(r, "echo ready; exec sleep 30");
	run_until_lines(r, 1, 5000);
	child_stop(r->child, 0);
	run_until_exit(r, 5000);
	assert_int_equal(r->exits, 1);
	assert_int_equal(ev_run_once(r->loop, 200), 0);
	assert_int_equal(r->exits, 1);
}

/* Wait for a FIFO's writer to send a byte, then return its read end. */
static int fifo_open(const char *dir, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	return fd;
}

/* 1 when every writer of the FIFO has gone (EOF), within limit_ms. */
static int fifo_wait_eof(int fd, int limit_ms)
{
	char b[16];
	ssize_t n;
	int waited;

	for (waited = 0; waited < limit_ms; waited += 20) {
		n = read(fd, b, sizeof(b));
		if (n == 0)
			return 1;
		usleep(20000);
	}
	return 0;
}

static void wait_fifo_byte(int fd)
{
	char b;
	int i;

	for (i = 0; i < 250; i++) {
		if (read(fd, &b, 1) == 1)
			return;
		usleep(20000);
	}
	fail_msg("grandchild never wrote to the fifo");
}

/* A grandchild (here: a background sleep holding a FIFO open) goes with
 * the group when the child is stopped. */
static void test_stop_kills_grandchild(void **state)
{
	struct rec *r = *state;
	char dir[] = "/tmp/test_child.XXXXXX", path[64], script[256];
	int fd;

	assert_non_null(mkdtemp(dir));
	fd = fifo_open(dir, path, sizeof(path));
	snprintf(script, sizeof(script), "(echo x; exec sleep 30) >%s & echo started; wait", path);
	spawn_sh(r, script);
	wait_fifo_byte(fd);
	child_stop(r->child, 2000);
	run_until_exit(r, 5000);
	assert_true(fifo_wait_eof(fd, 3000));
	close(fd);
	unlink(path);
	rmdir(dir);
}

/* A child that exits on its own leaving a background process behind: the
 * group does not outlive its leader. */
static void test_leftover_group_killed_at_exit(void **state)
{
	struct rec *r = *state;
	char dir[] = "/tmp/test_child.XXXXXX", path[64], script[256];
	int fd;

	assert_non_null(mkdtemp(dir));
	fd = fifo_open(dir, path, sizeof(path));
	snprintf(script, sizeof(script),
	    "(echo x; exec sleep 30) >%s & sleep 0.3; exit 3", path);
	spawn_sh(r, script);
	wait_fifo_byte(fd);
	run_until_exit(r, 5000);
	assert_true(WIFEXITED(r->status));
	assert_int_equal(WEXITSTATUS(r->status), 3);
	assert_true(fifo_wait_eof(fd, 3000));
	close(fd);
	unlink(path);
	rmdir(dir);
}

/* An exit callback that starts the next child (a supervisor's restart). */
struct restart {
	struct rec *r;
	int runs;
};

static void on_exit_restart(struct child *c, int status, void *arg)
{
	struct restart *rs = arg;
	char *argv[] = { "/bin/sh", "-c", "exit 7", NULL };
	char err[CHILD_ERRLEN];

	(void)c;
	assert_true(WIFEXITED(status));
	rs->runs++;
	if (rs->runs < 3)
		assert_non_null(child_spawn(rs->r->set, argv, NULL, NULL, on_exit_restart, rs, err,
		    sizeof(err)));
	else
		rs->r->exits = 1;
}

static void test_restart_from_exit_callback(void **state)
{
	struct rec *r = *state;
	struct restart rs = { r, 0 };
	char *argv[] = { "/bin/true", NULL };
	char err[CHILD_ERRLEN];

	assert_non_null(child_spawn(r->set, argv, NULL, NULL, on_exit_restart, &rs, err,
	    sizeof(err)));
	run_until_exit(r, 10000);
	assert_int_equal(rs.runs, 3);
	assert_int_equal(child_count(r->set), 0);
}

/* Shutting the set down with a child running kills it, without callbacks. */
static void test_set_free_kills(void **state)
{
	struct rec *r = *state;
	pid_t pid;

	spawn_sh(r, "trap '' TERM; exec sleep 30");
	pid = child_pid(r->child);
	child_set_free(r->set);
	r->set = NULL;
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(r->exits, 0);
}

static void test_status_str(void **state)
{
	char buf[64];

	(void)state;
	child_status_str(3 << 8, buf, sizeof(buf));
	assert_string_equal(buf, "exited with status 3");
	child_status_str(SIGKILL, buf, sizeof(buf));
	assert_true(strncmp(buf, "killed by signal 9 (", 20) == 0);
	child_status_str(-1, buf, sizeof(buf));
	assert_string_equal(buf, "gone (status unknown)");
	child_status_str(0, buf, 5);
	assert_string_equal(buf, "exit");
}

/* Start /bin/sh -c script with input on its stdin; NULL with the message
 * in err when child_spawn() refuses. */
static struct child *spawn_sh_input(struct rec *r, const char *script, const void *input,
    size_t len, char *err, size_t errlen)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct child_opts o = { .on_line = on_line, .input = input, .input_len = len };

	r->child = child_spawn(r->set, argv, NULL, &o, on_exit_cb, r, err, errlen);
	return r->child;
}

static void test_input_lines(void **state)
{
	struct rec *r = *state;
	static const char in[] = "line one\nline two\n";
	char err[CHILD_ERRLEN];

	if (spawn_sh_input(r, "cat; echo done", in, sizeof(in) - 1, err, sizeof(err)) == NULL)
		fail_msg("spawn: %s", err);
	run_until_exit(r, 5000);
	assert_int_equal(r->nlines, 3);
	assert_int_equal(r->nout, 3);
	assert_string_equal(r->lines[0], "line one");
	assert_string_equal(r->lines[1], "line two");
	assert_string_equal(r->lines[2], "done"); /* cat saw end of file */
	assert_true(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0);
}

/* The most input there may be reaches the child whole, and spawn does not
 * wait for the child to read it. */
static void test_input_max(void **state)
{
	struct rec *r = *state;
	char *in = malloc(CHILD_INPUT_MAX);
	char err[CHILD_ERRLEN], *end;
	long n;

	assert_non_null(in);
	for (size_t i = 0; i < CHILD_INPUT_MAX; i++)
		in[i] = (char)(i % 251);	/* NULs and newlines too */
	r->child = spawn_sh_input(r, "wc -c", in, CHILD_INPUT_MAX, err, sizeof(err));
	free(in);
	if (r->child == NULL)
		fail_msg("spawn: %s", err);
	run_until_exit(r, 5000);
	assert_int_equal(r->nlines, 1);
	n = strtol(r->lines[0], &end, 10);	/* BSD wc pads with blanks */
	assert_int_equal(*end, '\0');
	assert_int_equal(n, CHILD_INPUT_MAX);
	assert_true(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0);
}

static void test_input_too_long(void **state)
{
	struct rec *r = *state;
	char *in = calloc(1, CHILD_INPUT_MAX + 1);
	char err[CHILD_ERRLEN];
	struct child *c;

	assert_non_null(in);
	err[0] = '\0';
	c = spawn_sh_input(r, "cat", in, CHILD_INPUT_MAX + 1, err, sizeof(err));
	free(in);
	assert_null(c);
	assert_true(err[0] != '\0');
	assert_int_equal(child_count(r->set), 0);
	assert_int_equal(ev_run_once(r->loop, 100), 0);
	assert_int_equal(r->exits, 0);
}

/* An abandoned child is killed at once and reaped quietly: no callback,
 * ever, and nothing left of it. */
static void test_abandon(void **state)
{
	struct rec *r = *state;
	struct timespec end;
	pid_t pid;

	spawn_sh(r, "echo ready; sleep 30");
	run_until_lines(r, 1, 5000);
	pid = child_pid(r->child);
	assert_true(pid > 1);
	child_abandon(r->child);
	r->child = NULL;
	/* Well before the sleep could end on its own. */
	end = ts_add_ns(ts_now_mono(), 5000000000LL);
	while (child_count(r->set) > 0) {
		assert_true(ts_cmp(ts_now_mono(), end) < 0);
		assert_true(ev_run_once(r->loop, 50) >= 0);
	}
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(ev_run_once(r->loop, 100), 0);
	assert_int_equal(r->exits, 0);
	assert_int_equal(r->nlines, 1);
}

#define T(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_true_false),
		T(test_spawn_errors_reported_by_parent),
		T(test_exec_failure_errno),
		T(test_search_path),
		T(test_stdout_stderr_tagged),
		T(test_many_lines_all_before_exit),
		T(test_output_flushed_before_exit),
		T(test_long_line_split),
		T(test_many_children),
		T(test_stdin_is_devnull_and_env),
		T(test_fds_closed_signals_reset),
		T(test_own_process_group),
		T(test_stop_sigterm),
		T(test_stop_escalates_to_sigkill),
		T(test_stop_twice_exit_once),
		T(test_stop_kills_grandchild),
		T(test_leftover_group_killed_at_exit),
		T(test_restart_from_exit_callback),
		T(test_set_free_kills),
		cmocka_unit_test(test_status_str),
		T(test_input_lines),
		T(test_input_max),
		T(test_input_too_long),
		T(test_abandon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
