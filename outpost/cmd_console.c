/*
 * outpost console [--spy] [--force] [--replay N] [--dir D] [NAME]: attach
 * this terminal to a router's serial console, as oobd serves it
 * (console_proto.h over NAME.sock), in the manner of cu(1).
 *
 * The terminal is raw while attached, so every key (^C, ^Z, ^]) goes to
 * the router; the escapes of console_esc.h are the way out.  It is put
 * back on every way out: ~., the server going away, SIGTERM, SIGHUP,
 * SIGINT, an error, and exit() from anywhere (atexit).  The router's bytes
 * go to stdout untouched; what oobd and this command have to say goes to
 * stderr in brackets.
 *
 * Without a terminal (a pipe or a file on stdin) nothing is made raw; the
 * escapes still work after a CR or LF, and the end of the input only stops
 * the typing: the output is shown until the server ends or a signal comes
 * (end a script with "\r~." to leave).
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "console_esc.h"
#include "console_proto.h"
#include "evloop.h"
#include "outpost.h"

#define TO_SERVER_MAX (16 * 1024)
#define READ_CHUNK 1024

struct attach {
	struct ev_loop *loop;
	int sock;
	bool tty;                       /* stdin is a terminal, now raw */
	bool typing;                    /* stdin is watched */
	bool stdin_done;                /* stdin ended */
	struct console_esc esc;
	uint8_t to_server[TO_SERVER_MAX];
	size_t to_len;
	uint8_t from[CONSOLE_MSG_HDR + CONSOLE_MSG_MAX];
	size_t from_len;
	int status;
};

/* The terminal as it was: the atexit handler needs it, so it is a global. */
static struct termios saved_tty;
static bool tty_raw;

static void
tty_restore(void)
{
	if (tty_raw)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	tty_raw = false;
}

static int
tty_make_raw(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_tty) == -1)
		return -1;
	t = saved_tty;
	cfmakeraw(&t);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == -1)
		return -1;
	tty_raw = true;
	return 0;
}

/* A line for the person, on stderr: "[text]", CR LF while raw. */
static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fprintf(stderr, tty_raw ? "\r\n[%s]\r\n" : "[%s]\n", text);
}

static int
usage(void)
{
	fprintf(stderr, "usage: outpost console [--spy] [--force] [--replay N] [--dir DIR] "
	    "[NAME]\n");
	return EXIT_USAGE;
}

/* ---- finding the socket ---- */

static int
path_in(const char *dir, const char *name, char *out, size_t len)
{
	if ((size_t)snprintf(out, len, "%s/%s.sock", dir, name) >= len) {
		fprintf(stderr, "outpost console: %s: path too long\n", dir);
		return -1;
	}
	return 0;
}

/* NAME given: DIR/NAME.sock.  Not given: the only *.sock in DIR. */
static int
socket_path(const char *dir, const char *name, char *out, size_t len)
{
	char found[CONSOLE_NAME_MAX] = "", one[CONSOLE_NAME_MAX] = "", names[512] = "";
	struct dirent *de;
	int n = 0;
	DIR *d;

	if (name != NULL) {
		if (!console_name_valid(name)) {
			fprintf(stderr, "outpost console: '%s' is not a console name\n", name);
			return -1;
		}
		return path_in(dir, name, out, len);
	}
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "outpost console: %s: %s (is oobd serving a console?)\n", dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l <= 5 || l - 5 >= sizeof(found) || strcmp(de->d_name + l - 5, ".sock") != 0)
			continue;
		snprintf(found, sizeof(found), "%.*s", (int)(l - 5), de->d_name);
		if (console_name_valid(found)) {
			n++;
			memcpy(one, found, sizeof(one));
			snprintf(names + strlen(names), sizeof(names) - strlen(names), " %s", found);
		}
	}
	closedir(d);
	if (n == 1)
		return path_in(dir, one, out, len);
	if (n == 0)
		fprintf(stderr, "outpost console: no console in %s (is oobd serving one?)\n", dir);
	else
		fprintf(stderr, "outpost console: several consoles, name one:%s\n", names);
	return -1;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "outpost console: %s: path too long\n", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		int e = errno;

		fprintf(stderr, "outpost console: %s: %s%s\n", path, strerror(e),
		    e == EACCES ? " (only the console group may attach)" :
		    e == ENOENT || e == ECONNREFUSED ? " (is oobd running?)" : "");
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* ---- to the server ---- */

static void on_stdin(int fd, short revents, void *arg);

static void
stop(struct attach *a, int status)
{
	a->status = status;
	ev_break(a->loop);
}

/* Watch stdin only while what one read can make fits in what waits for
 * the server: READ_CHUNK + 1 bytes of data and, at worst ("~#~#~#..."),
 * a 3-byte header for every byte read. */
static void
watch_stdin(struct attach *a)
{
	bool want = !a->stdin_done &&
	    TO_SERVER_MAX - a->to_len >= 4 * (CONSOLE_MSG_HDR + READ_CHUNK);

	if (want && !a->typing)
		a->typing = ev_fd_add(a->loop, STDIN_FILENO, POLLIN, on_stdin, a) == 0;
	else if (!want && a->typing) {
		ev_fd_del(a->loop, STDIN_FILENO);
		a->typing = false;
	}
}

static void
server_flush(struct attach *a)
{
	while (a->to_len > 0) {
		ssize_t n = send(a->sock, a->to_server, a->to_len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			say("connection to oobd lost: %s", strerror(errno));
			stop(a, 1);
			return;
		}
		memmove(a->to_server, a->to_server + n, a->to_len - (size_t)n);
		a->to_len -= (size_t)n;
	}
	ev_fd_events(a->loop, a->sock, (short)(POLLIN | (a->to_len > 0 ? POLLOUT : 0)));
	watch_stdin(a);
}

static void
server_send(struct attach *a, uint8_t type, const void *p, size_t len)
{
	a->to_len += console_msg_encode(type, p, len, a->to_server + a->to_len,
	    sizeof(a->to_server) - a->to_len);
}

/* ---- from the person ---- */

static void
typed(struct attach *a, const uint8_t *buf, size_t len)
{
	uint8_t out[READ_CHUNK + 1];

	while (len > 0) {
		enum console_esc_action act;
		size_t n, used = console_esc_feed(&a->esc, buf, len, out, &n, &act);

		if (n > 0)
			server_send(a, CONSOLE_MSG_DATA, out, n);
		buf += used;
		len -= used;
		switch (act) {
		case CONSOLE_ESC_DETACH:
			say("detached");
			stop(a, 0);
			return;
		case CONSOLE_ESC_BREAK:
			server_send(a, CONSOLE_MSG_BREAK, NULL, 0);
			break;
		case CONSOLE_ESC_HELP:
			fputs(console_esc_help, stderr);
			break;
		case CONSOLE_ESC_NONE:
			break;
		}
	}
}

static void
on_stdin(int fd, short revents, void *arg)
{
	struct attach *a = arg;
	uint8_t buf[READ_CHUNK];
	ssize_t n;

	(void)revents;
	n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		a->stdin_done = true;
		watch_stdin(a);
		if (a->tty) {           /* the terminal itself went away */
			stop(a, 1);
			return;
		}
		server_flush(a);
		return;
	}
	typed(a, buf, (size_t)n);
	server_flush(a);
}

/* ---- from the server ---- */

static int
write_all(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len > 0) {
		ssize_t n = write(fd, c, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { fd, POLLOUT, 0 };

			(void)poll(&pfd, 1, 1000);
			continue;
		}
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
on_server(int fd, short revents, void *arg)
{
	struct attach *a = arg;
	struct console_msg m;
	ssize_t n;
	long k;

	if (revents & POLLOUT)
		server_flush(a);
	if ((revents & (POLLIN | POLLHUP | POLLERR)) == 0)
		return;
	n = recv(fd, a->from + a->from_len, sizeof(a->from) - a->from_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		say("connection closed by oobd");
		stop(a, 1);
		return;
	}
	a->from_len += (size_t)n;
	while ((k = console_msg_decode(a->from, a->from_len, &m)) > 0) {
		if (m.type == CONSOLE_MSG_DATA && write_all(STDOUT_FILENO, m.payload, m.len) == -1) {
			stop(a, 1);
			return;
		}
		if (m.type == CONSOLE_MSG_NOTICE)
			say("%.*s", (int)m.len, (const char *)m.payload);
		memmove(a->from, a->from + k, a->from_len - (size_t)k);
		a->from_len -= (size_t)k;
	}
	if (k < 0) {
		say("oobd sent something that is not the console protocol");
		stop(a, 1);
	}
}

static void
on_signal(int signo, void *arg)
{
	struct attach *a = arg;

	say("signal %d: detaching", signo);
	stop(a, 128 + signo);
}

/* ---- the command ---- */

static int
parse_args(int argc, char **argv, struct console_hello *h, const char **dir,
    const char **name)
{
	char *end;
	long v;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--spy") == 0) {
			h->spy = true;
		} else if (strcmp(argv[i], "--force") == 0) {
			h->force = true;
		} else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			*dir = argv[++i];
		} else if (strcmp(argv[i], "--replay") == 0 && i + 1 < argc) {
			errno = 0;
			v = strtol(argv[++i], &end, 10);
			if (errno != 0 || *end != '\0' || end == argv[i] || v < 0 ||
			    v >= CONSOLE_REPLAY_DEFAULT) {
				fprintf(stderr, "outpost console: --replay: '%s' is not a number "
				    "of lines\n", argv[i]);
				return -1;
			}
			h->replay = (unsigned)v;
		} else if (argv[i][0] != '-' && *name == NULL) {
			*name = argv[i];
		} else {
			return -1;
		}
	}
	if (h->spy && h->force) {
		fprintf(stderr, "outpost console: --spy and --force do not go together\n");
		return -1;
	}
	return 0;
}

static int
attach_run(struct attach *a, const struct console_hello *h)
{
	uint8_t p[64];
	size_t n = console_hello_encode(h, p, sizeof(p));

	server_send(a, CONSOLE_MSG_HELLO, p, n);
	if (ev_fd_add(a->loop, a->sock, POLLIN, on_server, a) == -1 ||
	    ev_signal(a->loop, SIGTERM, on_signal, a) == -1 ||
	    ev_signal(a->loop, SIGHUP, on_signal, a) == -1 ||
	    ev_signal(a->loop, SIGINT, on_signal, a) == -1) {
		fprintf(stderr, "outpost console: event loop: %s\n", strerror(errno));
		return 1;
	}
	if (a->tty) {
		if (tty_make_raw() == -1) {
			fprintf(stderr, "outpost console: terminal: %s\n", strerror(errno));
			return 1;
		}
		say("attaching to %s; ~. detaches, ~? for help", h->name[0] ? h->name :
		    "the console");
	}
	server_flush(a);
	if (ev_run(a->loop) == -1 && a->status < 0) {
		say("event loop: %s", strerror(errno));
		return 1;
	}
	/* What was typed before ~. still goes (a second at most). */
	for (int i = 0; i < 10 && a->to_len > 0 && a->status == 0; i++) {
		struct pollfd pfd = { a->sock, POLLOUT, 0 };

		if (poll(&pfd, 1, 100) == 1)
			server_flush(a);
	}
	return a->status < 0 ? 1 : a->status;
}

int
cmd_console(int argc, char **argv)
{
	static struct attach a;         /* 20 KiB of buffers */
	struct console_hello h = { .replay = CONSOLE_REPLAY_DEFAULT };
	const char *dir = CONSOLE_DIR_DEFAULT, *name = NULL;
	char path[512];
	int status;

	if (parse_args(argc, argv, &h, &dir, &name) == -1)
		return usage();
	if (socket_path(dir, name, path, sizeof(path)) == -1)
		return 1;
	if (name != NULL)
		snprintf(h.name, sizeof(h.name), "%s", name);
	memset(&a, 0, sizeof(a));
	a.status = -1;
	a.tty = isatty(STDIN_FILENO) == 1;
	console_esc_init(&a.esc);
	signal(SIGPIPE, SIG_IGN);
	if ((a.sock = connect_to(path)) == -1)
		return 1;
	if ((a.loop = ev_new()) == NULL) {
		fprintf(stderr, "outpost console: %s\n", strerror(errno));
		close(a.sock);
		return 1;
	}
	atexit(tty_restore);
	status = attach_run(&a, &h);
	tty_restore();
	ev_free(a.loop);
	close(a.sock);
	return status;
}
