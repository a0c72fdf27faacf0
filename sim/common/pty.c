/*
 * pty: the pseudo-terminal gpssim plays a serial port on (see pty.h).
 */
/* glibc declares posix_openpt, grantpt, unlockpt and ptsname only for XSI. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "pty.h"
#include "serial.h"

static const int host_bauds[] = { 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200,
	230400 };

/* cfmakeraw() is not POSIX; this is what it does, spelled out. */
static void
make_raw(struct termios *t)
{
	t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL |
	    IXON);
	t->c_oflag &= ~(tcflag_t)OPOST;
	t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	t->c_cflag |= CS8 | CLOCAL | CREAD;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
}

static int
fail(int fd, char *err, size_t errlen, const char *what)
{
	int saved = errno;

	snprintf(err, errlen, "%s: %s", what, strerror(saved));
	if (fd >= 0)
		close(fd);
	errno = saved;
	return -1;
}

int
pty_open(int baud, char *slave, size_t slave_len, char *err, size_t errlen)
{
	struct termios t;
	speed_t speed = (speed_t)serial_speed(baud);
	const char *name;
	int m, s;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0)
		return fail(-1, err, errlen, "posix_openpt");
	if (fcntl(m, F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK) < 0)
		return fail(m, err, errlen, "fcntl");
	if (grantpt(m) < 0 || unlockpt(m) < 0)
		return fail(m, err, errlen, "grantpt/unlockpt");
	name = ptsname(m);
	if (name == NULL)
		return fail(m, err, errlen, "ptsname");
	if ((size_t)snprintf(slave, slave_len, "%s", name) >= slave_len) {
		errno = ENAMETOOLONG;
		return fail(m, err, errlen, "ptsname");
	}
	if (tcgetattr(m, &t) < 0)
		return fail(m, err, errlen, "tcgetattr");
	make_raw(&t);
	if (speed != 0 && (cfsetispeed(&t, speed) < 0 || cfsetospeed(&t, speed) < 0))
		return fail(m, err, errlen, "cfsetspeed");
	if (tcsetattr(m, TCSANOW, &t) < 0)
		return fail(m, err, errlen, "tcsetattr");
	/* Until a slave has been opened once, the master never reports POLLHUP,
	 * and "nobody is listening" could not be told from "listening". */
	s = open(slave, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (s < 0)
		return fail(m, err, errlen, slave);
	close(s);
	return m;
}

bool
pty_host_present(int master)
{
	struct pollfd p = { master, POLLIN, 0 };

	if (poll(&p, 1, 0) < 0)
		return true;
	return (p.revents & POLLHUP) == 0;
}

int
pty_host_baud(int master)
{
	struct termios t;
	speed_t sp;

	if (tcgetattr(master, &t) < 0)
		return 0;
	sp = cfgetospeed(&t);
	for (size_t i = 0; i < sizeof(host_bauds) / sizeof(host_bauds[0]); i++)
		if ((speed_t)serial_speed(host_bauds[i]) == sp)
			return host_bauds[i];
	return 0;
}

int
pty_link(const char *slave, const char *link, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(link, &st) == 0) {
		if (!S_ISLNK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a symbolic link: "
			    "not replacing it", link);
			return -1;
		}
		if (unlink(link) < 0) {
			snprintf(err, errlen, "unlink %s: %s", link, strerror(errno));
			return -1;
		}
	}
	if (symlink(slave, link) < 0) {
		snprintf(err, errlen, "symlink %s -> %s: %s", link, slave, strerror(errno));
		return -1;
	}
	return 0;
}

void
pty_unlink(const char *slave, const char *link)
{
	char target[PATH_MAX];
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n < 0)
		return;
	target[n] = '\0';
	if (strcmp(target, slave) == 0)
		unlink(link);
}
