/*
 * Unit tests for console/console: the console server in an event loop, with a
 * pseudo-terminal playing the router (the test holds the master; the
 * server opens the slave through a symbolic link, as udev names a USB
 * adapter) and clients speaking console_proto over the real sockets.
 *
 * What a user would notice: the log has what the router said, stamped,
 * with marks; a client sees the replay and the live output and its typing
 * reaches the router; one writer, any number of viewers; BREAK; the line
 * lost and back; a client that does not read, or a router that does not
 * read, holds nobody up.
 */
#define _XOPEN_SOURCE 700       /* posix_openpt and friends */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "config.h"
#include "console.h"
#include "console_proto.h"
#include "evloop.h"
#include "jsonw.h"
#include "log.h"
#include "tsmath.h"

struct fix {
	char dir[64];
	char dev[128];          /* symlink to the pty slave */
	char slave[64];
	int master;             /* -1: unplugged */
	char log[160];
	char sock[160];
	struct ev_loop *loop;
	struct console_conf conf;
	struct console_server *srv;
};

struct tclient {
	int fd;
	bool closed;
	uint8_t in[CONSOLE_MSG_HDR + CONSOLE_MSG_MAX];
	size_t in_len;
	char *data;             /* DATA received, NUL-terminated */
	size_t data_len, data_cap;
	char notes[8192];       /* NOTICEs received, one per line */
	size_t notes_len;
};

/* ---- the router's end ---- */

static void
plug(struct fix *f)
{
	struct termios t;
	const char *name;

	f->master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(f->master >= 0);
	assert_int_equal(grantpt(f->master), 0);
	assert_int_equal(unlockpt(f->master), 0);
	name = ptsname(f->master);
	assert_non_null(name);
	snprintf(f->slave, sizeof(f->slave), "%s", name);
	assert_int_equal(fcntl(f->master, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(tcgetattr(f->master, &t), 0);
	cfmakeraw(&t);
	assert_int_equal(tcsetattr(f->master, TCSANOW, &t), 0);
	unlink(f->dev);
	assert_int_equal(symlink(f->slave, f->dev), 0);
}

static void
unplug(struct fix *f)
{
	unlink(f->dev);
	close(f->master);
	f->master = -1;
}

static void
pump(struct fix *f, int ms)
{
	struct timespec end = ts_add_ns(ts_now_mono(), (int64_t)ms * 1000000);

	do
		ev_run_once(f->loop, 5);
	while (ts_cmp(ts_now_mono(), end) < 0);
}

static void
router_says(struct fix *f, const char *s)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		ssize_t n = write(f->master, s + off, len - off);

		if (n > 0)
			off += (size_t)n;
		else
			pump(f, 1);
	}
	pump(f, 20);
}

/* What the router received so far (appended to buf). */
static size_t
router_heard(struct fix *f, char *buf, size_t len)
{
	size_t got = strlen(buf);
	ssize_t n;

	pump(f, 20);
	while (got + 1 < len && (n = read(f->master, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	return got;
}

/* ---- files ---- */

static char *
slurp(const char *path)
{
	static char buf[4 * 1024 * 1024];
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

static bool
log_has(struct fix *f, const char *needle)
{
	return strstr(slurp(f->log), needle) != NULL;
}

/* ---- clients ---- */

static void
tc_read(struct tclient *c)
{
	struct console_msg m;
	ssize_t n;
	long k;

	while (!c->closed) {
		n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			c->closed = true;
			break;
		}
		c->in_len += (size_t)n;
		while ((k = console_msg_decode(c->in, c->in_len, &m)) > 0) {
			if (m.type == CONSOLE_MSG_DATA) {
				if (c->data_len + m.len + 1 > c->data_cap) {
					c->data_cap = (c->data_len + m.len + 1) * 2;
					c->data = realloc(c->data, c->data_cap);
					assert_non_null(c->data);
				}
				memcpy(c->data + c->data_len, m.payload, m.len);
				c->data_len += m.len;
				c->data[c->data_len] = '\0';
			} else if (m.type == CONSOLE_MSG_NOTICE) {
				int w = snprintf(c->notes + c->notes_len,
				    sizeof(c->notes) - c->notes_len, "%.*s\n", (int)m.len,
				    (const char *)m.payload);
				if (w > 0 && (size_t)w < sizeof(c->notes) - c->notes_len)
					c->notes_len += (size_t)w;
			} else {
				fail_msg("server sent message type %c", m.type);
			}
			memmove(c->in, c->in + k, c->in_len - (size_t)k);
			c->in_len -= (size_t)k;
		}
		assert_true(k == 0);
	}
}

/* Run the loop until the client got needle (in data or notices). */
static bool
tc_wait(struct fix *f, struct tclient *c, const char *needle, int ms)
{
	struct timespec end = ts_add_ns(ts_now_mono(), (int64_t)ms * 1000000);

	do {
		ev_run_once(f->loop, 5);
		tc_read(c);
		if ((c->data != NULL && strstr(c->data, needle) != NULL) ||
		    strstr(c->notes, needle) != NULL)
			return true;
	} while (ts_cmp(ts_now_mono(), end) < 0);
	return false;
}

static void
tc_send(struct tclient *c, uint8_t type, const void *p, size_t len)
{
	uint8_t buf[CONSOLE_MSG_HDR + CONSOLE_MSG_MAX];
	size_t n = console_msg_encode(type, p, len, buf, sizeof(buf));

	assert_true(n > 0);
	assert_int_equal(send(c->fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
}

static int
tc_socket(struct fix *f)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_true(strlen(f->sock) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, f->sock, strlen(f->sock) + 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static struct tclient *
tc_attach(struct fix *f, const char *name, bool spy, bool force, unsigned replay)
{
	struct tclient *c = calloc(1, sizeof(*c));
	struct console_hello h = { 0 };
	uint8_t p[64];
	size_t n;

	assert_non_null(c);
	c->fd = tc_socket(f);
	h.spy = spy;
	h.force = force;
	h.replay = replay;
	snprintf(h.name, sizeof(h.name), "%s", name);
	n = console_hello_encode(&h, p, sizeof(p));
	assert_true(n > 0);
	tc_send(c, CONSOLE_MSG_HELLO, p, n);
	return c;
}

static void
tc_free(struct tclient *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c->data);
	free(c);
}

/* ---- the server ---- */

static int
on_directive(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	return console_conf_directive(ctx, l, err, errlen) == 0 ? 0 : -1;
}

static const struct cfg_directive table[] = {
	CONSOLE_CFG_DIRECTIVES(on_directive),
	{ NULL, 0, 0, NULL },
};

static int
parse(struct console_conf *c, const char *text, char *err, size_t errlen)
{
	console_conf_init(c);
	return cfg_parse_buffer("oobd.conf", text, strlen(text), table, c, err, errlen);
}

/* A fixture with one console "router" on a pty; extra config lines after. */
static struct fix *
fix_new(const char *extra, bool plugged)
{
	struct fix *f = calloc(1, sizeof(*f));
	char text[2048], err[CFG_ERRLEN], path[128];

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_console.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->dev, sizeof(f->dev), "%s/ttyUSB0", f->dir);
	snprintf(f->log, sizeof(f->log), "%s/log/router.log", f->dir);
	snprintf(f->sock, sizeof(f->sock), "%s/run/router.sock", f->dir);
	snprintf(path, sizeof(path), "%s/lock", f->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	f->master = -1;
	if (plugged)
		plug(f);
	snprintf(text, sizeof(text),
	    "console router %s speed 57600\n"
	    "console-dir %s/run\n"
	    "console-log-dir %s/log\n"
	    "console-lock-dir %s/lock\n"
	    "%s", f->dev, f->dir, f->dir, f->dir, extra);
	if (parse(&f->conf, text, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	f->loop = ev_new();
	assert_non_null(f->loop);
	f->srv = console_server_start(f->loop, &f->conf, err, sizeof(err));
	if (f->srv == NULL)
		fail_msg("%s", err);
	return f;
}

static void
fix_free(struct fix *f)
{
	char cmd[128];

	console_server_stop(f->srv);
	ev_free(f->loop);
	if (f->master >= 0)
		close(f->master);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
}

static const char *
status(struct fix *f)
{
	static char buf[4096];
	struct jsonw w;

	jsonw_init(&w, buf, sizeof(buf));
	jsonw_begin_array(&w, NULL);
	console_server_status(f->srv, &w);
	jsonw_end(&w);
	assert_true(jsonw_finish(&w) > 0);
	return buf;
}

/* ---- tests ---- */

static void
test_conf(void **state)
{
	static const struct {
		const char *text;
		const char *err;        /* NULL: accepted */
	} cases[] = {
		{ "console r /dev/ttyUSB0\n", NULL },
		{ "console r /dev/x speed 57600 parity even flow rtscts bits 7 stop 2\n", NULL },
		{ "CONSOLE r /dev/x Speed 115200 PARITY odd flow xonxoff\n", NULL },
		{ "console r /dev/x speed 12345\n", "unsupported speed 12345" },
		{ "console r\n", "needs 2 to 12 arguments" },
		{ "console ../x /dev/x\n", "console name '../x'" },
		{ "console r /dev/x speed\n", "usage: console NAME DEVICE" },
		{ "console r /dev/x colour blue\n", "unknown console option 'colour'" },
		{ "console r /dev/x parity mark\n", "parity: 'mark' is not one of" },
		{ "console r /dev/x bits 9\n", "oobd.conf:1:" },
		{ "console r /dev/x\nconsole r /dev/y\n", "console 'r' is defined twice" },
		{ "console r /dev/x\nconsole s /dev/x\n", "/dev/x is already console 'r'" },
		{ "console-log-size 1X\n", "not a number" },
		{ "console-log-size K\n", "is not a size" },
		{ "console-log-keep 100\n", "oobd.conf:1:" },
		{ "console-replay 1001\n", "oobd.conf:1:" },
		{ "console-group a b\n", "needs 1 argument" },
		{ "console-dir ''\n", "path empty" },
		{ "console-bogus x\n", "unknown directive 'console-bogus'" },
	};
	struct console_conf c;
	char err[CFG_ERRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(&c, cases[i].text, err, sizeof(err));

		if (cases[i].err == NULL && rc != 0)
			fail_msg("'%s' refused: %s", cases[i].text, err);
		if (cases[i].err != NULL && (rc == 0 || strstr(err, cases[i].err) == NULL))
			fail_msg("'%s': expected error '%s', got %s", cases[i].text, cases[i].err,
			    rc == 0 ? "success" : err);
	}

	/* Defaults, and the values of the accepted ones. */
	assert_int_equal(parse(&c, "console r /dev/ttyUSB0\n", err, sizeof(err)), 0);
	assert_int_equal(c.nlines, 1);
	assert_int_equal(c.lines[0].baud, 9600);
	assert_int_equal(c.lines[0].databits, 8);
	assert_int_equal(c.lines[0].stopbits, 1);
	assert_int_equal(c.lines[0].parity, SERIAL_PARITY_NONE);
	assert_int_equal(c.lines[0].flow, SERIAL_FLOW_NONE);
	assert_string_equal(c.dir, "/var/run/outpost/console");
	assert_string_equal(c.log_dir, "/var/log/outpost");
	assert_int_equal(c.log_size, 1024 * 1024);
	assert_int_equal(c.log_keep, 5);
	assert_int_equal(c.replay, 50);
	assert_int_equal(parse(&c, "console r /dev/x speed 57600 parity even flow rtscts "
	    "bits 7 stop 2\nconsole-log-size 2k\nconsole-log-keep 0\nconsole-replay 0\n"
	    "console-group dialout\n", err, sizeof(err)), 0);
	assert_int_equal(c.lines[0].baud, 57600);
	assert_int_equal(c.lines[0].databits, 7);
	assert_int_equal(c.lines[0].stopbits, 2);
	assert_int_equal(c.lines[0].parity, SERIAL_PARITY_EVEN);
	assert_int_equal(c.lines[0].flow, SERIAL_FLOW_RTSCTS);
	assert_int_equal(c.log_size, 2048);
	assert_int_equal(c.log_keep, 0);
	assert_int_equal(c.replay, 0);
	assert_string_equal(c.group, "dialout");
	assert_int_equal(parse(&c, "console-log-size 0\n", err, sizeof(err)), 0);
	assert_int_equal(c.log_size, 0);

	/* Not ours: 1, untouched. */
	{
		struct cfg_line l = { "f", 1, 2, { "gps", "/dev/ttyS0", NULL } };

		assert_int_equal(console_conf_directive(&c, &l, err, sizeof(err)), 1);
	}
}

static void
test_attach_log_and_type(void **state)
{
	struct fix *f = fix_new("console-replay 2\n", true);
	struct tclient *c;
	char heard[256] = "";
	const char *log;

	(void)state;
	router_says(f, "U-Boot 2024.01\r\nStarting kernel\r\nrouter login: ");
	/* Nobody attached: it is in the log all the same, stamped. */
	assert_true(log_has(f, "[-- console server started: "));
	assert_true(log_has(f, "Z U-Boot 2024.01\r\n"));
	assert_true(log_has(f, "Z Starting kernel\r\n"));
	assert_true(log_has(f, "Z router login: "));

	c = tc_attach(f, "router", false, false, CONSOLE_REPLAY_DEFAULT);
	assert_true(tc_wait(f, c, "attached to router", 2000));
	assert_non_null(strstr(c->notes, "read-write"));
	assert_non_null(strstr(c->notes, "57600 8N1"));
	/* The replay: the last two lines (the prompt counts as one). */
	assert_true(tc_wait(f, c, "router login: ", 2000));
	assert_string_equal(c->data, "Starting kernel\r\nrouter login: ");
	assert_true(log_has(f, "[-- attach rw uid "));

	tc_send(c, CONSOLE_MSG_DATA, "root\r", 5);
	router_heard(f, heard, sizeof(heard));
	assert_string_equal(heard, "root\r");
	router_says(f, "root\r\nPassword: ");
	assert_true(tc_wait(f, c, "Password: ", 2000));
	assert_string_equal(c->data, "Starting kernel\r\nrouter login: root\r\nPassword: ");

	tc_free(c);
	pump(f, 50);
	log = slurp(f->log);
	assert_non_null(strstr(log, "Z root\r\n"));
	assert_non_null(strstr(log, "[-- detach rw uid "));
	assert_non_null(strstr(status(f), "\"bytes_out\":5"));
	fix_free(f);
}

static void
test_replay_asked_for(void **state)
{
	struct fix *f = fix_new("", true);
	struct tclient *c;

	(void)state;
	router_says(f, "a\r\nb\r\nc\r\nd\r\n");
	c = tc_attach(f, "", true, false, 3);    /* empty name: this socket's console */
	assert_true(tc_wait(f, c, "d\r\n", 2000));
	assert_string_equal(c->data, "b\r\nc\r\nd\r\n");
	tc_free(c);
	c = tc_attach(f, "router", true, false, 0);
	assert_true(tc_wait(f, c, "attached to router", 2000));
	pump(f, 50);
	tc_read(c);
	assert_null(c->data);
	tc_free(c);
	fix_free(f);
}

static void
test_one_writer_many_viewers(void **state)
{
	struct fix *f = fix_new("", true);
	struct tclient *a, *b, *c, *d;
	char heard[256] = "";

	(void)state;
	a = tc_attach(f, "router", false, false, 0);
	assert_true(tc_wait(f, a, "read-write", 2000));
	b = tc_attach(f, "router", true, false, 0);
	assert_true(tc_wait(f, b, "read-only", 2000));
	c = tc_attach(f, "router", false, false, 0);
	assert_true(tc_wait(f, c, "has the line: read-only (--force takes it over)", 2000));

	/* Only the writer's typing reaches the router. */
	tc_send(b, CONSOLE_MSG_DATA, "spy\r", 4);
	tc_send(c, CONSOLE_MSG_DATA, "second\r", 7);
	tc_send(a, CONSOLE_MSG_DATA, "show\r", 5);
	assert_true(tc_wait(f, b, "read-only: typing is ignored", 2000));
	assert_true(tc_wait(f, c, "read-only: typing is ignored", 2000));
	router_heard(f, heard, sizeof(heard));
	assert_string_equal(heard, "show\r");

	/* Everybody sees the router. */
	router_says(f, "uptime 3 days\r\n");
	assert_true(tc_wait(f, a, "uptime 3 days", 2000));
	assert_true(tc_wait(f, b, "uptime 3 days", 2000));
	assert_true(tc_wait(f, c, "uptime 3 days", 2000));
	assert_true(log_has(f, "[-- attach spy uid "));

	/* --force takes the line over; the old writer is told and ignored. */
	d = tc_attach(f, "router", false, true, 0);
	assert_true(tc_wait(f, d, "read-write", 2000));
	assert_true(tc_wait(f, a, "took the line over: you are read-only now", 2000));
	assert_true(log_has(f, "[-- write role taken from uid "));
	tc_send(a, CONSOLE_MSG_DATA, "old\r", 4);
	tc_send(d, CONSOLE_MSG_DATA, "new\r", 4);
	heard[0] = '\0';
	assert_true(tc_wait(f, a, "read-only: typing is ignored", 2000));
	router_heard(f, heard, sizeof(heard));
	assert_string_equal(heard, "new\r");

	/* The writer leaves: the role is free for the next one who asks. */
	tc_free(d);
	pump(f, 50);
	assert_non_null(strstr(status(f), "\"writer\":false"));
	assert_non_null(strstr(status(f), "\"viewers\":3"));
	tc_free(a);
	tc_free(b);
	tc_free(c);
	fix_free(f);
}

static void
test_break(void **state)
{
	struct fix *f = fix_new("", true);
	struct tclient *w, *s;
	char heard[64] = "";

	(void)state;
	w = tc_attach(f, "router", false, false, 0);
	s = tc_attach(f, "router", true, false, 0);
	assert_true(tc_wait(f, w, "read-write", 2000));
	assert_true(tc_wait(f, s, "read-only", 2000));
	tc_send(s, CONSOLE_MSG_BREAK, NULL, 0);
	assert_true(tc_wait(f, s, "read-only: no BREAK", 2000));
	tc_send(w, CONSOLE_MSG_BREAK, NULL, 0);
	assert_true(tc_wait(f, w, "BREAK sent", 2000));
	assert_true(log_has(f, "[-- break sent by uid "));
	assert_non_null(strstr(status(f), "\"breaks\":1"));
	/* Typing during the break goes out after it. */
	tc_send(w, CONSOLE_MSG_DATA, "x", 1);
	pump(f, CONSOLE_BREAK_MS + 100);
	router_heard(f, heard, sizeof(heard));
	assert_string_equal(heard, "x");
	tc_free(w);
	tc_free(s);
	fix_free(f);
}

static void
test_unplug_and_replug(void **state)
{
	struct fix *f = fix_new("", true);
	struct tclient *c;
	char heard[64] = "";

	(void)state;
	c = tc_attach(f, "router", false, false, 0);
	assert_true(tc_wait(f, c, "read-write", 2000));
	router_says(f, "before\r\n");
	unplug(f);
	assert_true(tc_wait(f, c, "line lost (", 2000));
	assert_true(log_has(f, "[-- line lost: "));
	assert_non_null(strstr(status(f), "\"line_up\":false"));
	tc_send(c, CONSOLE_MSG_DATA, "lost\r", 5);      /* nowhere to go: dropped */
	pump(f, 1500);                                  /* a few tries at an absent device */
	assert_null(strstr(c->notes, "line back"));

	plug(f);
	assert_true(tc_wait(f, c, "line back", 3000));
	assert_true(log_has(f, "[-- line back --]"));
	assert_non_null(strstr(status(f), "\"line_up\":true"));
	assert_non_null(strstr(status(f), "\"losses\":1"));
	router_says(f, "after\r\n");
	assert_true(tc_wait(f, c, "after\r\n", 2000));
	tc_send(c, CONSOLE_MSG_DATA, "again\r", 6);
	router_heard(f, heard, sizeof(heard));
	assert_string_equal(heard, "again\r");
	tc_free(c);
	fix_free(f);
}

static void
test_absent_then_locked_then_free(void **state)
{
	struct fix *f = fix_new("", false);
	struct tclient *c;
	char lock[160], pid[16], err[256];
	int fd;

	(void)state;
	assert_non_null(strstr(status(f), "\"line_up\":false"));
	assert_non_null(strstr(status(f), "No such file"));
	assert_true(log_has(f, "[-- line down: "));
	c = tc_attach(f, "router", false, false, 0);
	assert_true(tc_wait(f, c, "the line is down", 2000));

	/* The adapter appears, but cu(1) (here: our parent) holds its lock. */
	plug(f);
	snprintf(lock, sizeof(lock), "%s/lock/LCK..%s", f->dir, strrchr(f->slave, '/') + 1);
	fd = open(lock, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	snprintf(pid, sizeof(pid), "%10ld\n", (long)getppid());
	assert_int_equal(write(fd, pid, strlen(pid)), (ssize_t)strlen(pid));
	close(fd);
	pump(f, 1500);
	snprintf(err, sizeof(err), "locked by process %ld", (long)getppid());
	assert_non_null(strstr(status(f), err));
	assert_null(strstr(c->notes, "line back"));

	unlink(lock);
	assert_true(tc_wait(f, c, "line back", 3000));
	router_says(f, "hello\r\n");
	assert_true(tc_wait(f, c, "hello\r\n", 2000));
	tc_free(c);
	fix_free(f);
}

/* Flood lines, 64 bytes each, numbered. */
static void
flood_line(char *out, int i)
{
	snprintf(out, 65, "flood %06u .................................................\r\n",
	    (unsigned)i % 1000000u);
}

static void
test_slow_client_holds_nobody_up(void **state)
{
	enum { LINES = 16384 };         /* 1 MiB */
	struct fix *f = fix_new("console-log-size 0\n", true);
	struct tclient *fast, *slow;
	static char all[LINES * 64 + 1];
	char line[65];
	int rcvbuf = 4096;
	size_t off = 0, len;

	(void)state;
	fast = tc_attach(f, "router", true, false, 0);
	slow = tc_attach(f, "router", true, false, 0);
	assert_int_equal(setsockopt(slow->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)),
	    0);
	assert_true(tc_wait(f, fast, "read-only", 2000));
	pump(f, 50);            /* the slow one's welcome is queued; it never reads */

	for (int i = 0; i < LINES; i++) {
		flood_line(line, i);
		memcpy(all + (size_t)i * 64, line, 64);
	}
	len = (size_t)LINES * 64;
	while (off < len) {
		ssize_t n = write(f->master, all + off, len - off > 4096 ? 4096 : len - off);

		if (n > 0)
			off += (size_t)n;
		ev_run_once(f->loop, 1);
		tc_read(fast);
	}
	assert_true(tc_wait(f, fast, "flood 016383", 5000));
	/* The fast viewer got every byte, in order; so did the log. */
	assert_int_equal(fast->data_len, len);
	assert_memory_equal(fast->data, all, len);
	assert_true(log_has(f, "Z flood 016383 ...."));
	assert_true(log_has(f, "Z flood 000000 ...."));

	/* The slow one lost some, and is told so when it reads again. */
	assert_null(strstr(status(f), "\"dropped\":0,"));
	assert_true(tc_wait(f, slow, "bytes of output dropped: this client did not keep up",
	    5000));
	assert_true(slow->data_len < len);
	/* Caught up, it gets what comes next. */
	router_says(f, "later\r\n");
	assert_true(tc_wait(f, slow, "later\r\n", 5000));
	assert_memory_equal(slow->data, all, 64);       /* what it did get began at the start */
	tc_free(fast);
	tc_free(slow);
	fix_free(f);
}

static void
test_router_not_reading_holds_nobody_up(void **state)
{
	struct fix *f = fix_new("", true);
	struct tclient *w, *s;
	static char typed[200 * 1024], heard[sizeof(typed) + 1];
	size_t off = 0, got = 0;
	int fl;

	(void)state;
	w = tc_attach(f, "router", false, false, 0);
	s = tc_attach(f, "router", true, false, 0);
	assert_true(tc_wait(f, w, "read-write", 2000));
	for (size_t i = 0; i < sizeof(typed); i++)
		typed[i] = (char)('a' + i % 26);
	/* The writer pastes 200 KiB at a router that does not read: the
	 * server stops taking it, the client's socket fills, nobody waits. */
	fl = fcntl(w->fd, F_GETFL);
	fcntl(w->fd, F_SETFL, fl | O_NONBLOCK);
	while (off < sizeof(typed)) {
		uint8_t buf[CONSOLE_MSG_HDR + 1024];
		size_t n = console_msg_encode(CONSOLE_MSG_DATA, typed + off, 1024, buf,
		    sizeof(buf));
		ssize_t k = send(w->fd, buf, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EAGAIN)
			break;
		assert_int_equal(k, (ssize_t)n);
		off += 1024;
		ev_run_once(f->loop, 0);
	}
	assert_true(off < sizeof(typed));       /* it did fill up */
	router_says(f, "still talking\r\n");
	assert_true(tc_wait(f, s, "still talking", 2000));
	assert_true(log_has(f, "Z still talking"));

	/* The router reads at last: everything typed arrives, in order. */
	while (got < sizeof(typed)) {
		ssize_t n;

		if (off < sizeof(typed)) {
			uint8_t buf[CONSOLE_MSG_HDR + 1024];
			size_t m = console_msg_encode(CONSOLE_MSG_DATA, typed + off, 1024, buf,
			    sizeof(buf));

			n = send(w->fd, buf, m, MSG_NOSIGNAL);
			if (n == (ssize_t)m)
				off += 1024;
			else
				assert_true(n < 0 && errno == EAGAIN);  /* frames go whole */
		}
		ev_run_once(f->loop, 1);
		n = read(f->master, heard + got, sizeof(typed) - got);
		if (n > 0)
			got += (size_t)n;
		tc_read(s);
	}
	assert_memory_equal(heard, typed, sizeof(typed));
	tc_free(w);
	tc_free(s);
	fix_free(f);
}

static void
test_bad_clients(void **state)
{
	struct fix *f = fix_new("", true);
	struct tclient *c, *many[CONSOLE_CLIENTS_MAX + 1];
	int fd;

	(void)state;
	/* Not the protocol at all: that connection ends, nothing else. */
	fd = tc_socket(f);
	assert_int_equal(write(fd, "status\n", 7), 7);
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->fd = fd;
	assert_true(tc_wait(f, c, "protocol error", 2000));
	pump(f, 50);
	tc_read(c);
	assert_true(c->closed);
	tc_free(c);

	/* The wrong console. */
	c = tc_attach(f, "switch", false, false, 0);
	assert_true(tc_wait(f, c, "this socket serves console 'router', not 'switch'", 2000));
	pump(f, 50);
	tc_read(c);
	assert_true(c->closed);
	tc_free(c);

	/* Too many. */
	for (int i = 0; i < CONSOLE_CLIENTS_MAX; i++) {
		many[i] = tc_attach(f, "router", true, false, 0);
		assert_true(tc_wait(f, many[i], "attached", 2000));
	}
	many[CONSOLE_CLIENTS_MAX] = tc_attach(f, "router", true, false, 0);
	assert_true(tc_wait(f, many[CONSOLE_CLIENTS_MAX], "too many clients", 2000));
	for (int i = 0; i <= CONSOLE_CLIENTS_MAX; i++)
		tc_free(many[i]);
	pump(f, 50);

	/* The server still serves. */
	c = tc_attach(f, "router", false, false, 0);
	assert_true(tc_wait(f, c, "read-write", 2000));
	router_says(f, "fine\r\n");
	assert_true(tc_wait(f, c, "fine\r\n", 2000));
	tc_free(c);
	fix_free(f);
}

static void
test_socket_permissions(void **state)
{
	struct group *gr = getgrgid(getgid());
	struct fix *f;
	struct stat st;
	char extra[128], run[128], err[256], path[160];
	struct console_conf conf;
	struct ev_loop *loop;

	(void)state;
	assert_non_null(gr);
	snprintf(extra, sizeof(extra), "console-group %s\n", gr->gr_name);
	f = fix_new(extra, true);
	assert_int_equal(stat(f->sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_int_equal(st.st_gid, gr->gr_gid);
	snprintf(run, sizeof(run), "%s/run", f->dir);
	assert_int_equal(stat(run, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);

	/* A second server cannot take a name that is a file. */
	console_server_stop(f->srv);
	f->srv = NULL;
	assert_int_equal(stat(f->sock, &st), -1);       /* removed at stop */
	snprintf(path, sizeof(path), "%s", f->sock);
	assert_int_equal(close(open(path, O_WRONLY | O_CREAT, 0600)), 0);
	conf = f->conf;
	loop = ev_new();
	assert_null(console_server_start(loop, &conf, err, sizeof(err)));
	assert_non_null(strstr(err, "exists and is not a socket"));
	unlink(path);
	snprintf(conf.group, sizeof(conf.group), "no-such-group-here");
	assert_null(console_server_start(loop, &conf, err, sizeof(err)));
	assert_non_null(strstr(err, "no-such-group-here"));
	/* No group: owner only. */
	conf.group[0] = '\0';
	f->srv = console_server_start(loop, &conf, err, sizeof(err));
	assert_non_null(f->srv);
	assert_int_equal(stat(f->sock, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	console_server_stop(f->srv);
	f->srv = NULL;
	ev_free(loop);
	fix_free(f);
}

static void
test_nothing_configured(void **state)
{
	struct console_conf c;
	struct console_server *s;
	struct ev_loop *loop = ev_new();
	char err[128], buf[64];
	struct jsonw w;

	(void)state;
	console_conf_init(&c);
	snprintf(c.dir, sizeof(c.dir), "/nonexistent/never/created");
	s = console_server_start(loop, &c, err, sizeof(err));
	assert_non_null(s);
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_begin_array(&w, NULL);
	console_server_status(s, &w);
	jsonw_end(&w);
	assert_true(jsonw_finish(&w) > 0);
	assert_string_equal(buf, "[]");
	console_server_stop(s);
	console_server_stop(NULL);
	ev_free(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_attach_log_and_type),
		cmocka_unit_test(test_replay_asked_for),
		cmocka_unit_test(test_one_writer_many_viewers),
		cmocka_unit_test(test_break),
		cmocka_unit_test(test_unplug_and_replug),
		cmocka_unit_test(test_absent_then_locked_then_free),
		cmocka_unit_test(test_slow_client_holds_nobody_up),
		cmocka_unit_test(test_router_not_reading_holds_nobody_up),
		cmocka_unit_test(test_bad_clients),
		cmocka_unit_test(test_socket_permissions),
		cmocka_unit_test(test_nothing_configured),
	};

	log_init("test_oobd_console", 1, LOG_LVL_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
