/*
 * Unit tests for lib/serial, with a pseudo-terminal standing in for the
 * port: termios settings, bytes in both directions, exclusive open, UUCP
 * lock files (held, stale, garbage, released) and unplug/replug through a
 * symlink.  Lock files go to a temporary directory, never /var/lock.
 */
/* glibc declares posix_openpt() & co. only for XSI; elsewhere they are
 * visible by default, and defining this would hide BSD names. */
#if defined(__linux__) && !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "serial.h"

/* Small fixed sizes, so the compiler can see every snprintf fits. */
#define TEST_PATHLEN 512
static char tmpdir[200];

struct pty {
	int master;
	char slave[64];
};

static void pty_open(struct pty *p)
{
	const char *name;

	p->master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(p->master >= 0);
	assert_int_equal(grantpt(p->master), 0);
	assert_int_equal(unlockpt(p->master), 0);
	name = ptsname(p->master);
	assert_non_null(name);
	assert_true(strlen(name) < sizeof(p->slave));
	snprintf(p->slave, sizeof(p->slave), "%s", name);
}

static void pty_close(struct pty *p)
{
	if (p->master >= 0)
		close(p->master);
	p->master = -1;
}

static void tmp_path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", tmpdir, name);
}

static void lock_opts(struct serial_opts *o)
{
	serial_opts_default(o);
	o->uucp_lock = true;
	o->lock_dir = tmpdir;
}

/* Path of the lock file for a device, as serial_lock() names it. */
static void lock_file_for(const char *dev, char *out, size_t len)
{
	char real[PATH_MAX];
	const char *base;

	assert_non_null(realpath(dev, real));
	base = strrchr(real, '/') + 1;
	snprintf(out, len, "%s/LCK..%.100s", tmpdir, base);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

static void read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

static void assert_lock_holder(const char *lockfile, pid_t pid)
{
	char got[64], want[64];

	read_file(lockfile, got, sizeof(got));
	snprintf(want, sizeof(want), "%10d\n", (int)pid);
	assert_string_equal(got, want);
}

/* Read exactly len bytes from a non-blocking fd within a few seconds. */
static void read_all(int fd, char *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		assert_true(poll(&pfd, 1, 5000) == 1);
		n = read(fd, buf + got, len - got);
		if (n == -1 && errno == EAGAIN)
			continue;
		assert_true(n > 0);
		got += (size_t)n;
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/outpost-serial.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[sizeof(tmpdir) + 32];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_speed_table(void **state)
{
	(void)state;
	assert_true(serial_speed(1200) == B1200);
	assert_true(serial_speed(9600) == B9600);
	assert_true(serial_speed(57600) == B57600);
	assert_true(serial_speed(115200) == B115200);
	assert_true(serial_speed(230400) == B230400);
	assert_true(serial_speed(12345) == 0);
	assert_true(serial_speed(0) == 0);
	assert_true(serial_speed(-9600) == 0);
}

static void test_open_raw_9600(void **state)
{
	struct serial_port sp;
	struct serial_opts o;
	struct termios t;
	char err[SERIAL_ERRLEN];
	struct pty p;

	(void)state;
	pty_open(&p);
	serial_opts_default(&o);
	assert_int_equal(serial_open(&sp, p.slave, &o, err, sizeof(err)), 0);
	assert_string_equal(sp.path, p.slave);
	assert_string_equal(sp.lock_path, "");
	assert_int_equal(tcgetattr(sp.fd, &t), 0);
	assert_true(cfgetospeed(&t) == B9600);
	assert_true(cfgetispeed(&t) == B9600);
	assert_int_equal(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN), 0);
	assert_int_equal(t.c_oflag & OPOST, 0);
	assert_int_equal(t.c_iflag & (ICRNL | INLCR | IGNCR | ISTRIP | IXON), 0);
	assert_true((t.c_cflag & CSIZE) == CS8);
	assert_int_equal(t.c_cflag & (PARENB | PARODD | CSTOPB | CRTSCTS), 0);
	assert_int_equal(t.c_cflag & (CLOCAL | CREAD), CLOCAL | CREAD);
	/* VMIN 1 also when non-blocking: an empty read must be EAGAIN, not 0. */
	assert_int_equal(t.c_cc[VMIN], 1);
	assert_int_equal(t.c_cc[VTIME], 0);
	assert_true(fcntl(sp.fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(sp.fd, F_GETFD) & FD_CLOEXEC);
	serial_close(&sp);
	assert_int_equal(sp.fd, -1);
	serial_close(&sp); /* twice is fine */
	pty_close(&p);
}

static void test_open_57600_odd_2stop_blocking(void **state)
{
	struct serial_port sp;
	struct serial_opts o;
	struct termios t;
	char err[SERIAL_ERRLEN];
	struct pty p;

	(void)state;
	pty_open(&p);
	serial_opts_default(&o);
	o.baud = 57600;
	o.parity = SERIAL_PARITY_ODD;
	o.stopbits = 2;
	o.flow = SERIAL_FLOW_RTSCTS;
	o.blocking = true;
	assert_int_equal(serial_open(&sp, p.slave, &o, err, sizeof(err)), 0);
	assert_int_equal(tcgetattr(sp.fd, &t), 0);
	assert_true(cfgetospeed(&t) == B57600);
	assert_true(cfgetispeed(&t) == B57600);
	/* A pty keeps these; it forces CS8 and drops PARENB (checked on
	 * serial_termios() below instead). */
	assert_true(t.c_cflag & PARODD);
	assert_true(t.c_cflag & CSTOPB);
	assert_true(t.c_cflag & CRTSCTS);
	assert_int_equal(t.c_cc[VMIN], 1);
	assert_int_equal(t.c_cc[VTIME], 0);
	assert_false(fcntl(sp.fd, F_GETFL) & O_NONBLOCK);

	/* Speed changes in place. */
	assert_int_equal(serial_set_baud(&sp, 115200, err, sizeof(err)), 0);
	assert_int_equal(tcgetattr(sp.fd, &t), 0);
	assert_true(cfgetospeed(&t) == B115200);
	assert_int_equal(sp.opts.baud, 115200);
	assert_int_equal(serial_set_baud(&sp, 12345, err, sizeof(err)), -1);
	assert_int_equal(errno, EINVAL);
	{
		char want[1024];

		snprintf(want, sizeof(want), "%s: unsupported speed 12345", p.slave);
		assert_string_equal(err, want);
	}
	assert_int_equal(tcgetattr(sp.fd, &t), 0);
	assert_true(cfgetospeed(&t) == B115200);

	/* Break: ptys accept it (and ignore it). */
	assert_int_equal(serial_send_break(&sp), 0);
	serial_close(&sp);
	assert_int_equal(serial_send_break(&sp), -1);
	assert_int_equal(errno, EBADF);
	pty_close(&p);
}

static void test_termios_framing(void **state)
{
	static const struct {
		int databits, stopbits;
		enum serial_parity parity;
		enum serial_flow flow;
		tcflag_t csize, cset, cclear, iset, iclear;
	} cases[] = {
		{ 0, 0, SERIAL_PARITY_NONE, SERIAL_FLOW_NONE, CS8, CLOCAL | CREAD,
		    PARENB | CSTOPB | CRTSCTS, 0, IXON | IXOFF | INPCK },
		{ 7, 1, SERIAL_PARITY_EVEN, SERIAL_FLOW_NONE, CS7, PARENB, PARODD | CSTOPB, INPCK,
		    IXON },
		{ 8, 2, SERIAL_PARITY_ODD, SERIAL_FLOW_XONXOFF, CS8, PARENB | PARODD | CSTOPB,
		    CRTSCTS, IXON | IXOFF | INPCK, 0 },
		{ 5, 1, SERIAL_PARITY_NONE, SERIAL_FLOW_RTSCTS, CS5, CRTSCTS, PARENB, 0, IXON },
	};
	struct serial_opts o;
	struct termios t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Start from a cooked terminal with every flag we clear set. */
		memset(&t, 0, sizeof(t));
		t.c_cflag = PARENB | PARODD | CSTOPB | CRTSCTS | CS8;
		t.c_iflag = IXON | IXOFF | ICRNL;
		t.c_lflag = ICANON | ECHO | ISIG;
		t.c_oflag = OPOST;
		serial_opts_default(&o);
		o.baud = 57600;
		o.databits = cases[i].databits;
		o.stopbits = cases[i].stopbits;
		o.parity = cases[i].parity;
		o.flow = cases[i].flow;
		assert_int_equal(serial_termios(&t, &o), 0);
		assert_true((t.c_cflag & CSIZE) == cases[i].csize);
		assert_int_equal(t.c_cflag & cases[i].cset, cases[i].cset);
		assert_int_equal(t.c_cflag & cases[i].cclear, 0);
		assert_int_equal(t.c_iflag & cases[i].iset, cases[i].iset);
		assert_int_equal(t.c_iflag & cases[i].iclear, 0);
		assert_int_equal(t.c_lflag & (ICANON | ECHO | ISIG), 0);
		assert_int_equal(t.c_oflag & OPOST, 0);
		assert_true(cfgetospeed(&t) == B57600);
	}
	o.baud = 300;
	assert_int_equal(serial_termios(&t, &o), -1);
	assert_int_equal(errno, EINVAL);
}

static void test_bytes_both_ways(void **state)
{
	static const char gps[] = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n";
	static const char cmd[] = "$PMTK220,1000*1F\r\n";
	struct serial_port sp;
	char err[SERIAL_ERRLEN], buf[128];
	struct pty p;

	(void)state;
	pty_open(&p);
	assert_int_equal(serial_open(&sp, p.slave, NULL, err, sizeof(err)), 0);
	/* Nothing yet: non-blocking read says so instead of waiting. */
	assert_int_equal(read(sp.fd, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EAGAIN);

	assert_int_equal(write(p.master, gps, sizeof(gps) - 1), (ssize_t)sizeof(gps) - 1);
	read_all(sp.fd, buf, sizeof(gps) - 1);
	assert_memory_equal(buf, gps, sizeof(gps) - 1); /* raw: \r\n untouched */

	assert_int_equal(write(sp.fd, cmd, sizeof(cmd) - 1), (ssize_t)sizeof(cmd) - 1);
	read_all(p.master, buf, sizeof(cmd) - 1);
	assert_memory_equal(buf, cmd, sizeof(cmd) - 1);
	serial_close(&sp);
	pty_close(&p);
}

/* Exit status of a child that, as nobody, opens path: 0 opened, 1 EBUSY,
 * 2 other error, 3 could not drop privileges. */
static int open_as_nobody(const char *path)
{
	pid_t pid;
	int st, fd;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(3);
		fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0)
			_exit(0);
		_exit(errno == EBUSY ? 1 : 2);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void test_exclusive_open(void **state)
{
	struct serial_port sp;
	char err[SERIAL_ERRLEN];
	struct pty p;
	int fd;

	(void)state;
	pty_open(&p);
	assert_int_equal(serial_open(&sp, p.slave, NULL, err, sizeof(err)), 0);
	if (geteuid() != 0) {
		fd = open(p.slave, O_RDWR | O_NOCTTY | O_NONBLOCK);
		assert_int_equal(fd, -1);
		assert_int_equal(errno, EBUSY);
	} else {
		/* TIOCEXCL does not stop root: try as an ordinary user, who
		 * may otherwise open the device. */
		assert_int_equal(chmod(p.slave, 0666), 0);
		assert_int_equal(open_as_nobody(p.slave), 1);
		serial_close(&sp);
		assert_int_equal(open_as_nobody(p.slave), 0);
	}
	serial_close(&sp);
	pty_close(&p);
}

/* A child that takes the lock and holds it until its pipe is closed. */
static pid_t spawn_lock_holder(const char *dev, int *release)
{
	int ready[2], hold[2];
	char lp[PATH_MAX], c;
	pid_t pid;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pid_t owner;

		close(ready[0]);
		close(hold[1]);
		if (serial_lock(tmpdir, dev, lp, sizeof(lp), &owner) == -1)
			_exit(1);
		(void)!write(ready[1], "k", 1);
		(void)!read(hold[0], &c, 1);
		serial_unlock(lp);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	*release = hold[1];
	return pid;
}

static void test_lock_held_by_other_process(void **state)
{
	struct serial_port sp;
	struct serial_opts o;
	char err[SERIAL_ERRLEN], want[1024], lockfile[TEST_PATHLEN];
	struct pty p;
	pid_t child;
	int release, st;

	(void)state;
	pty_open(&p);
	lock_opts(&o);
	lock_file_for(p.slave, lockfile, sizeof(lockfile));
	child = spawn_lock_holder(p.slave, &release);
	assert_lock_holder(lockfile, child);

	assert_int_equal(serial_open(&sp, p.slave, &o, err, sizeof(err)), -1);
	assert_int_equal(errno, EBUSY);
	snprintf(want, sizeof(want), "%s: locked by process %d", p.slave, (int)child);
	assert_string_equal(err, want);
	assert_int_equal(sp.fd, -1);
	assert_lock_holder(lockfile, child); /* the loser left it alone */

	close(release);
	assert_int_equal(waitpid(child, &st, 0), child);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(access(lockfile, F_OK), -1); /* released on exit */

	assert_int_equal(serial_open(&sp, p.slave, &o, err, sizeof(err)), 0);
	assert_string_equal(sp.lock_path, lockfile);
	assert_lock_holder(lockfile, getpid());
	serial_close(&sp);
	assert_int_equal(access(lockfile, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	pty_close(&p);
}

static pid_t dead_pid(void)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return pid;
}

static void test_stale_and_garbage_locks(void **state)
{
	char stale[32];
	const char *contents[] = { stale, "garbage\n", "", "  -1\n", "1234x\n" };
	struct serial_port sp;
	struct serial_opts o;
	char err[SERIAL_ERRLEN], lockfile[TEST_PATHLEN];
	struct pty p;
	size_t i;

	(void)state;
	snprintf(stale, sizeof(stale), "%10d\n", (int)dead_pid());
	pty_open(&p);
	lock_opts(&o);
	lock_file_for(p.slave, lockfile, sizeof(lockfile));
	for (i = 0; i < sizeof(contents) / sizeof(contents[0]); i++) {
		write_file(lockfile, contents[i]);
		if (serial_open(&sp, p.slave, &o, err, sizeof(err)) != 0)
			fail_msg("lock '%s': %s", contents[i], err);
		assert_lock_holder(lockfile, getpid());
		serial_close(&sp);
		assert_int_equal(access(lockfile, F_OK), -1);
	}
	/* A lock we no longer own is not removed by our close. */
	assert_int_equal(serial_open(&sp, p.slave, &o, err, sizeof(err)), 0);
	snprintf(stale, sizeof(stale), "%10d\n", (int)getppid());
	write_file(lockfile, stale);
	serial_close(&sp);
	assert_int_equal(access(lockfile, F_OK), 0);
	unlink(lockfile);
	/* No temporary files left behind in the lock directory. */
	{
		char cmd[sizeof(tmpdir) + 64];

		snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s')\"", tmpdir);
		assert_int_equal(system(cmd), 0);
	}
	pty_close(&p);
}

static void test_unplug_and_replug(void **state)
{
	struct serial_port sp;
	struct serial_opts o;
	char err[SERIAL_ERRLEN], want[1024], link_path[TEST_PATHLEN], lockfile[TEST_PATHLEN];
	char buf[16];
	struct pty p, q;
	ssize_t n;

	(void)state;
	pty_open(&p);
	tmp_path(link_path, sizeof(link_path), "gps0");
	assert_int_equal(symlink(p.slave, link_path), 0);
	lock_opts(&o);
	assert_int_equal(serial_open(&sp, link_path, &o, err, sizeof(err)), 0);
	/* The lock names the real device, not the symlink. */
	lock_file_for(p.slave, lockfile, sizeof(lockfile));
	assert_string_equal(sp.lock_path, lockfile);
	assert_lock_holder(lockfile, getpid());

	/* Unplug: the other side goes away. */
	pty_close(&p);
	n = read(sp.fd, buf, sizeof(buf));
	assert_true(serial_gone((int)n, errno));
	serial_close(&sp);
	assert_int_equal(access(lockfile, F_OK), -1);
	assert_int_equal(unlink(link_path), 0);

	assert_int_equal(serial_reopen(&sp, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", link_path);
	assert_string_equal(err, want);
	assert_int_equal(sp.fd, -1);

	/* Replug: a new device behind the same name. */
	pty_open(&q);
	assert_int_equal(symlink(q.slave, link_path), 0);
	assert_int_equal(serial_reopen(&sp, err, sizeof(err)), 0);
	assert_string_equal(sp.path, link_path);
	assert_true(sp.opts.uucp_lock);
	lock_file_for(q.slave, lockfile, sizeof(lockfile));
	assert_lock_holder(lockfile, getpid());
	assert_int_equal(write(q.master, "ok", 2), 2);
	read_all(sp.fd, buf, 2);
	assert_memory_equal(buf, "ok", 2);
	serial_close(&sp);
	unlink(link_path);
	pty_close(&q);
}

static void test_gone_classification(void **state)
{
	(void)state;
	assert_true(serial_gone(0, 0));
	assert_true(serial_gone(-1, EIO));
	assert_true(serial_gone(-1, ENXIO));
	assert_true(serial_gone(-1, ENODEV));
	assert_false(serial_gone(-1, EAGAIN));
	assert_false(serial_gone(-1, EINTR));
	assert_false(serial_gone(5, 0));
}

static void test_open_errors(void **state)
{
	struct serial_port sp;
	struct serial_opts o;
	char err[SERIAL_ERRLEN], want[1024], path[TEST_PATHLEN];
	struct pty p;

	(void)state;
	serial_opts_default(&o);
	assert_int_equal(serial_open(&sp, "/nonexistent/ttyUSB0", &o, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, "/nonexistent/ttyUSB0: No such file or directory");
	serial_close(&sp); /* after a failed open: harmless */

	o.uucp_lock = true;
	o.lock_dir = tmpdir;
	assert_int_equal(serial_open(&sp, "/nonexistent/ttyUSB0", &o, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, "/nonexistent/ttyUSB0: No such file or directory");

	pty_open(&p);
	serial_opts_default(&o);
	o.baud = 12345;
	assert_int_equal(serial_open(&sp, p.slave, &o, err, sizeof(err)), -1);
	assert_int_equal(errno, EINVAL);
	snprintf(want, sizeof(want), "%s: unsupported speed 12345", p.slave);
	assert_string_equal(err, want);

	serial_opts_default(&o);
	o.databits = 9;
	assert_int_equal(serial_open(&sp, p.slave, &o, err, sizeof(err)), -1);
	assert_int_equal(errno, EINVAL);

	/* Not a terminal at all: refused, and its lock is not kept. */
	tmp_path(path, sizeof(path), "not-a-tty");
	write_file(path, "");
	lock_opts(&o);
	assert_int_equal(serial_open(&sp, path, &o, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOTTY);
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOTTY));
	assert_string_equal(err, want);
	assert_string_equal(sp.lock_path, "");
	tmp_path(path, sizeof(path), "LCK..not-a-tty");
	assert_int_equal(access(path, F_OK), -1);
	tmp_path(path, sizeof(path), "not-a-tty");
	unlink(path);

	/* A lock directory that does not exist. */
	lock_opts(&o);
	o.lock_dir = "/nonexistent/lock";
	assert_int_equal(serial_open(&sp, p.slave, &o, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: lock file: No such file or directory", p.slave);
	assert_string_equal(err, want);
	pty_close(&p);
}

static void test_lock_dir_platform(void **state)
{
	(void)state;
#if defined(__linux__)
	assert_string_equal(serial_lock_dir(), "/var/lock");
#elif defined(__FreeBSD__)
	assert_string_equal(serial_lock_dir(), "/var/spool/lock");
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_speed_table),
		cmocka_unit_test(test_open_raw_9600),
		cmocka_unit_test(test_open_57600_odd_2stop_blocking),
		cmocka_unit_test(test_termios_framing),
		cmocka_unit_test(test_bytes_both_ways),
		cmocka_unit_test(test_exclusive_open),
		cmocka_unit_test(test_lock_held_by_other_process),
		cmocka_unit_test(test_stale_and_garbage_locks),
		cmocka_unit_test(test_unplug_and_replug),
		cmocka_unit_test(test_gone_classification),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_lock_dir_platform),
	};

	/* A child's failed assertion must not leave the parent waiting. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
