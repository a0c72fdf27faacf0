/*
 * serial: termios setup and UUCP lock files (see serial.h).
 *
 * The open is done non-blocking so that a port whose carrier-detect line is
 * low does not hang us in open(2); the descriptor is switched to blocking
 * mode afterwards when the caller asked for it.  Lock files are made whole
 * in a temporary file and then link(2)ed into place, so another program
 * never sees a half-written PID.
 */
#include "serial.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* Attempts to take a lock whose stale owner we remove in between. */
#define SERIAL_LOCK_TRIES 5

void serial_opts_default(struct serial_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->baud = 9600;
	opts->databits = 8;
	opts->stopbits = 1;
	opts->parity = SERIAL_PARITY_NONE;
	opts->flow = SERIAL_FLOW_NONE;
}

unsigned long serial_speed(int baud)
{
	static const struct {
		int baud;
		speed_t speed;
	} speeds[] = {
		{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
		{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
		{ 115200, B115200 }, { 230400, B230400 },
	};
	size_t i;

	for (i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].baud == baud)
			return (unsigned long)speeds[i].speed;
	return 0;
}

static int serial_fail(const char *path, int e, char *err, size_t errlen, const char *what)
{
	if (what != NULL)
		snprintf(err, errlen, "%s: %s: %s", path, what, strerror(e));
	else
		snprintf(err, errlen, "%s: %s", path, strerror(e));
	errno = e;
	return -1;
}

static int serial_check_opts(const char *path, const struct serial_opts *o, char *err,
    size_t errlen)
{
	if (serial_speed(o->baud) == 0) {
		snprintf(err, errlen, "%s: unsupported speed %d", path, o->baud);
		errno = EINVAL;
		return -1;
	}
	if (o->databits != 0 && (o->databits < 5 || o->databits > 8)) {
		snprintf(err, errlen, "%s: unsupported data bits %d", path, o->databits);
		errno = EINVAL;
		return -1;
	}
	if (o->stopbits != 0 && o->stopbits != 1 && o->stopbits != 2) {
		snprintf(err, errlen, "%s: unsupported stop bits %d", path, o->stopbits);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static tcflag_t serial_csize(int databits)
{
	switch (databits) {
	case 5:
		return CS5;
	case 6:
		return CS6;
	case 7:
		return CS7;
	default:
		return CS8;
	}
}

int serial_termios(struct termios *t, const struct serial_opts *o)
{
	speed_t speed = (speed_t)serial_speed(o->baud);

	if (speed == 0) {
		errno = EINVAL;
		return -1;
	}
	cfmakeraw(t);
	t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	t->c_cflag |= CLOCAL | CREAD | serial_csize(o->databits);
	if (o->stopbits == 2)
		t->c_cflag |= CSTOPB;
	if (o->parity != SERIAL_PARITY_NONE) {
		t->c_cflag |= PARENB;
		t->c_iflag |= INPCK;
		if (o->parity == SERIAL_PARITY_ODD)
			t->c_cflag |= PARODD;
	}
	t->c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	if (o->flow == SERIAL_FLOW_RTSCTS)
		t->c_cflag |= CRTSCTS;
	else if (o->flow == SERIAL_FLOW_XONXOFF)
		t->c_iflag |= IXON | IXOFF;
	/* VMIN 1 even for non-blocking ports: with VMIN 0 an empty read
	 * returns 0 instead of EAGAIN, which looks like an unplugged device. */
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
	if (cfsetispeed(t, speed) == -1 || cfsetospeed(t, speed) == -1)
		return -1;
	return 0;
}

static int serial_setup_fd(int fd, const char *path, const struct serial_opts *o, char *err,
    size_t errlen)
{
	struct termios t;
	int fl;

	if (ioctl(fd, TIOCEXCL) == -1)
		return serial_fail(path, errno, err, errlen, NULL);
	if (tcgetattr(fd, &t) == -1)
		return serial_fail(path, errno, err, errlen, NULL);
	if (serial_termios(&t, o) == -1 || tcsetattr(fd, TCSANOW, &t) == -1)
		return serial_fail(path, errno, err, errlen, NULL);
	/* tcsetattr succeeds if any change took; a driver that ignored the
	 * speed would give us garbage bytes later, so check now. */
	if (tcgetattr(fd, &t) == -1)
		return serial_fail(path, errno, err, errlen, NULL);
	if (cfgetospeed(&t) != (speed_t)serial_speed(o->baud)) {
		snprintf(err, errlen, "%s: unsupported speed %d", path, o->baud);
		errno = EINVAL;
		return -1;
	}
	tcflush(fd, TCIOFLUSH);
	if (o->blocking) {
		fl = fcntl(fd, F_GETFL);
		if (fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
			return serial_fail(path, errno, err, errlen, NULL);
	}
	return 0;
}

int serial_open(struct serial_port *sp, const char *path, const struct serial_opts *opts,
    char *err, size_t errlen)
{
	struct serial_opts o;
	const char *dir;
	pid_t owner = 0;
	int fd, e;

	sp->fd = -1;
	sp->lock_path[0] = '\0';
	if (opts != NULL)
		o = *opts;
	else
		serial_opts_default(&o);
	if (strlen(path) >= sizeof(sp->path)) {
		snprintf(err, errlen, "%.64s...: path too long", path);
		errno = ENAMETOOLONG;
		return -1;
	}
	if (serial_check_opts(path, &o, err, errlen) == -1)
		return -1;
	if (o.uucp_lock) {
		dir = o.lock_dir != NULL ? o.lock_dir : serial_lock_dir();
		if (serial_lock(dir, path, sp->lock_path, sizeof(sp->lock_path), &owner) == -1) {
			e = errno;
			sp->lock_path[0] = '\0';
			if (e == EBUSY && owner == 0) {
				snprintf(err, errlen, "%s: lock file keeps changing", path);
				errno = EBUSY;
				return -1;
			}
			if (e == EBUSY) {
				snprintf(err, errlen, "%s: locked by process %ld", path, (long)owner);
				errno = EBUSY;
				return -1;
			}
			if (e == ENOENT && access(path, F_OK) == -1)
				return serial_fail(path, e, err, errlen, NULL);
			return serial_fail(path, e, err, errlen, "lock file");
		}
	}
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		e = errno;
		serial_unlock(sp->lock_path);
		sp->lock_path[0] = '\0';
		return serial_fail(path, e, err, errlen, NULL);
	}
	if (serial_setup_fd(fd, path, &o, err, errlen) == -1) {
		e = errno;
		close(fd);
		serial_unlock(sp->lock_path);
		sp->lock_path[0] = '\0';
		errno = e;
		return -1;
	}
	if (path != sp->path)
		snprintf(sp->path, sizeof(sp->path), "%s", path);
	sp->opts = o;
	sp->fd = fd;
	return 0;
}

int serial_set_baud(struct serial_port *sp, int baud, char *err, size_t errlen)
{
	speed_t speed = (speed_t)serial_speed(baud);
	struct termios t;

	if (speed == 0) {
		snprintf(err, errlen, "%s: unsupported speed %d", sp->path, baud);
		errno = EINVAL;
		return -1;
	}
	if (sp->fd < 0)
		return serial_fail(sp->path, EBADF, err, errlen, NULL);
	/* Bytes still queued at the old speed would be garbled at the new one. */
	if (tcdrain(sp->fd) == -1 || tcgetattr(sp->fd, &t) == -1)
		return serial_fail(sp->path, errno, err, errlen, NULL);
	cfsetispeed(&t, speed);
	cfsetospeed(&t, speed);
	if (tcsetattr(sp->fd, TCSADRAIN, &t) == -1)
		return serial_fail(sp->path, errno, err, errlen, NULL);
	sp->opts.baud = baud;
	return 0;
}

void serial_close(struct serial_port *sp)
{
	if (sp->fd >= 0) {
		/* A pty (or a port someone else still has open) keeps the
		 * exclusive flag after our close; do not leave it behind. */
		(void)ioctl(sp->fd, TIOCNXCL);
		close(sp->fd);
	}
	sp->fd = -1;
	if (sp->lock_path[0] != '\0')
		serial_unlock(sp->lock_path);
	sp->lock_path[0] = '\0';
}

int serial_reopen(struct serial_port *sp, char *err, size_t errlen)
{
	char path[sizeof(sp->path)];
	struct serial_opts o = sp->opts;

	memcpy(path, sp->path, sizeof(path));
	serial_close(sp);
	return serial_open(sp, path, &o, err, errlen);
}

int serial_send_break(struct serial_port *sp)
{
	if (sp->fd < 0) {
		errno = EBADF;
		return -1;
	}
	return tcsendbreak(sp->fd, 0);
}

bool serial_gone(int read_result, int saved_errno)
{
	if (read_result == 0)
		return true;
	if (read_result > 0)
		return false;
	return saved_errno == EIO || saved_errno == ENXIO || saved_errno == ENODEV;
}

/*
 * UUCP locks.
 */

/* The owner's PID from a lock file: 0 when the content is not a PID (a
 * lock nobody can own, so stale), -1 with errno when it cannot be read. */
static pid_t serial_lock_owner(const char *lock_path)
{
	char buf[32], *end;
	ssize_t n;
	long v;
	int fd;

	fd = open(lock_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (end == buf || errno != 0 || v <= 0 || v > INT_MAX)
		return 0;
	while (*end == ' ' || *end == '\n')
		end++;
	if (*end != '\0')
		return 0;
	return (pid_t)v;
}

/* Write our PID into a fresh temporary file in dir; its name goes to tmp. */
static int serial_lock_tmp(const char *dir, char *tmp, size_t len)
{
	char pid[16];
	int fd, n, e;

	if ((size_t)snprintf(tmp, len, "%s/LTMP.XXXXXX", dir) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd == -1)
		return -1;
	n = snprintf(pid, sizeof(pid), "%10ld\n", (long)getpid());
	/* Others read the PID to decide whether we are alive. */
	if (fchmod(fd, 0644) == -1 || write(fd, pid, (size_t)n) != n) {
		e = errno ? errno : EIO;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) == -1) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

int serial_lock(const char *lock_dir, const char *dev_path, char *lock_path, size_t len,
    pid_t *owner)
{
	char real[PATH_MAX], tmp[PATH_MAX];
	const char *base;
	pid_t pid;
	int i, e;

	if (owner != NULL)
		*owner = 0;
	/* /dev/gps0 -> ttyAMA0: lock the device other programs know it by. */
	if (realpath(dev_path, real) == NULL)
		return -1;
	base = strrchr(real, '/');
	base = base != NULL ? base + 1 : real;
	if (*base == '\0') {
		errno = EINVAL;
		return -1;
	}
	if ((size_t)snprintf(lock_path, len, "%s/LCK..%s", lock_dir, base) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (serial_lock_tmp(lock_dir, tmp, sizeof(tmp)) == -1)
		return -1;
	for (i = 0; i < SERIAL_LOCK_TRIES; i++) {
		if (link(tmp, lock_path) == 0) {
			unlink(tmp);
			return 0;
		}
		if (errno != EEXIST)
			break;
		pid = serial_lock_owner(lock_path);
		if (pid == -1 && errno == ENOENT)
			continue; /* released meanwhile */
		if (pid == -1)
			break;
		if (pid == getpid()) {
			unlink(tmp);
			return 0; /* ours already, e.g. from a reopen */
		}
		if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)) {
			unlink(tmp);
			if (owner != NULL)
				*owner = pid;
			errno = EBUSY;
			return -1;
		}
		/* Dead owner or garbage: nobody holds it. */
		if (unlink(lock_path) == -1 && errno != ENOENT)
			break;
	}
	e = i == SERIAL_LOCK_TRIES ? EBUSY : errno;
	unlink(tmp);
	errno = e;
	return -1;
}

void serial_unlock(const char *lock_path)
{
	/* Never remove a lock that another process took over from us. */
	if (lock_path[0] != '\0' && serial_lock_owner(lock_path) == getpid())
		unlink(lock_path);
}
