/*
 * console: the console server (see console.h).
 *
 * Shape: a server holds up to CONSOLE_MAX consoles; a console holds its
 * serial port, its log, its listening socket and up to CONSOLE_CLIENTS_MAX
 * clients.  Everything runs from the event loop's callbacks:
 *
 *	line readable	-> log, history, every attached client's queue
 *	line writable	-> the writer's typed bytes go out
 *	client readable	-> HELLO, DATA (writer only), BREAK
 *	client writable	-> its queue drains
 *	timers		-> reopen the line, end a BREAK, sync the log,
 *			   drop a client that never said HELLO
 */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "console_log.h"
#include "jsonw.h"
#include "log.h"
#include "text.h"
#include "tsmath.h"

#define READS_PER_WAKEUP 8
#define MARK_MAX 256

struct console;

struct client {
	struct console *con;
	int fd;
	uid_t uid;
	char who[64];                   /* "uid 1000 (alice)" for marks */
	bool attached;                  /* HELLO accepted */
	bool spy;                       /* asked to be read-only */
	bool stalled;                   /* typing waits for room on the line */
	bool told_readonly;
	bool gone;                      /* dropped; freed from the reap timer */
	struct client *next_gone;
	ev_timer_id hello_timer;
	uint8_t in[CONSOLE_MSG_HDR + CONSOLE_MSG_MAX];
	size_t in_len;
	uint8_t out[CONSOLE_CLIENT_QUEUE];
	size_t out_head, out_len;
	uint64_t dropped;               /* bytes not queued since the last notice */
};

struct console {
	struct console_server *srv;
	const struct console_line_conf *lc;
	char sock_path[CONSOLE_PATH + CONSOLE_NAME_MAX + 8];
	int listen_fd;

	struct serial_port sp;          /* sp.fd -1: line down */
	struct serial_opts opts;
	ev_timer_id reopen_timer;
	int reopen_errno;               /* last reason told, 0 none */
	char down_why[SERIAL_ERRLEN];
	bool breaking;
	ev_timer_id break_timer;
	uint8_t line_out[CONSOLE_LINE_OUT];
	size_t line_out_len;

	struct console_log log;
	ev_timer_id sync_timer;
	bool log_failing;               /* a write failed; said once */

	struct client *clients[CONSOLE_CLIENTS_MAX];
	int nclients;
	struct client *writer;
	struct client *gone;            /* dropped, not freed yet */
	ev_timer_id reap_timer;

	uint64_t bytes_in, bytes_out, dropped_total;
	unsigned long breaks, losses;
};

struct console_server {
	struct ev_loop *loop;
	struct console_conf conf;
	gid_t gid;
	bool have_gid;
	struct console *cons[CONSOLE_MAX];
	int ncons;
};

/* ---- configuration ---- */

void
console_conf_init(struct console_conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "%s", CONSOLE_DIR_DEFAULT);
	snprintf(c->log_dir, sizeof(c->log_dir), "%s", CONSOLE_LOG_DIR_DEFAULT);
	c->log_size = 1024 * 1024;
	c->log_keep = 5;
	c->replay = 50;
}

static int
conf_path(char *dst, size_t len, const char *src, char *err, size_t errlen)
{
	if (src[0] == '\0' || strlen(src) >= len) {
		snprintf(err, errlen, "path empty or longer than %zu bytes", len - 1);
		return -1;
	}
	snprintf(dst, len, "%s", src);
	return 0;
}

/* "1048576", "512K", "1M", "2G" (powers of 1024). */
static int
conf_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	char num[32];
	size_t n = strlen(s);
	uint64_t v, mult = 1;

	if (n > 0 && n < sizeof(num)) {
		switch (s[n - 1]) {
		case 'k': case 'K': mult = 1024; n--; break;
		case 'm': case 'M': mult = 1024 * 1024; n--; break;
		case 'g': case 'G': mult = 1024 * 1024 * 1024; n--; break;
		default: break;
		}
	}
	if (n == 0 || n >= sizeof(num)) {
		snprintf(err, errlen, "'%.40s' is not a size (bytes, or with K, M, G)", s);
		return -1;
	}
	memcpy(num, s, n);
	num[n] = '\0';
	if (cfg_uint(num, 0, UINT64_MAX / (1024 * 1024 * 1024), &v, err, errlen) == -1)
		return -1;
	*out = v * mult;
	return 0;
}

static int
line_option(struct console_line_conf *lc, const char *key, const char *val, char *err,
    size_t errlen)
{
	uint64_t v;

	if (strcasecmp(key, "speed") == 0) {
		if (cfg_uint(val, 1, 4000000, &v, err, errlen) == -1)
			return -1;
		if (serial_speed((int)v) == 0) {
			snprintf(err, errlen, "unsupported speed %s", val);
			return -1;
		}
		lc->baud = (int)v;
	} else if (strcasecmp(key, "parity") == 0) {
		if (strcasecmp(val, "none") == 0)
			lc->parity = SERIAL_PARITY_NONE;
		else if (strcasecmp(val, "even") == 0)
			lc->parity = SERIAL_PARITY_EVEN;
		else if (strcasecmp(val, "odd") == 0)
			lc->parity = SERIAL_PARITY_ODD;
		else
			goto bad;
	} else if (strcasecmp(key, "flow") == 0) {
		if (strcasecmp(val, "none") == 0)
			lc->flow = SERIAL_FLOW_NONE;
		else if (strcasecmp(val, "rtscts") == 0)
			lc->flow = SERIAL_FLOW_RTSCTS;
		else if (strcasecmp(val, "xonxoff") == 0)
			lc->flow = SERIAL_FLOW_XONXOFF;
		else
			goto bad;
	} else if (strcasecmp(key, "bits") == 0) {
		if (cfg_uint(val, 5, 8, &v, err, errlen) == -1)
			return -1;
		lc->databits = (int)v;
	} else if (strcasecmp(key, "stop") == 0) {
		if (cfg_uint(val, 1, 2, &v, err, errlen) == -1)
			return -1;
		lc->stopbits = (int)v;
	} else {
		snprintf(err, errlen, "unknown console option '%.40s' (speed, parity, flow, bits, "
		    "stop)", key);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: '%.40s' is not one of the choices", key, val);
	return -1;
}

static int
conf_console(struct console_conf *c, const struct cfg_line *l, char *err, size_t errlen)
{
	struct console_line_conf lc;
	int i;

	if (l->argc < 3 || (l->argc - 3) % 2 != 0) {
		snprintf(err, errlen, "usage: console NAME DEVICE [speed N] [parity P] [flow F] "
		    "[bits N] [stop N]");
		return -1;
	}
	memset(&lc, 0, sizeof(lc));
	if (!console_name_valid(l->argv[1])) {
		snprintf(err, errlen, "console name '%.40s': use 1 to %d letters, digits, '_', "
		    "'-', '.'", l->argv[1], CONSOLE_NAME_MAX - 1);
		return -1;
	}
	snprintf(lc.name, sizeof(lc.name), "%s", l->argv[1]);
	if (conf_path(lc.device, sizeof(lc.device), l->argv[2], err, errlen) == -1)
		return -1;
	lc.baud = 9600;
	lc.databits = 8;
	lc.stopbits = 1;
	for (i = 3; i + 1 < l->argc; i += 2)
		if (line_option(&lc, l->argv[i], l->argv[i + 1], err, errlen) == -1)
			return -1;
	for (i = 0; i < c->nlines; i++) {
		if (strcmp(c->lines[i].name, lc.name) == 0) {
			snprintf(err, errlen, "console '%s' is defined twice", lc.name);
			return -1;
		}
		if (strcmp(c->lines[i].device, lc.device) == 0) {
			snprintf(err, errlen, "%s is already console '%s'", lc.device,
			    c->lines[i].name);
			return -1;
		}
	}
	if (c->nlines == CONSOLE_MAX) {
		snprintf(err, errlen, "at most %d consoles", CONSOLE_MAX);
		return -1;
	}
	c->lines[c->nlines++] = lc;
	return 0;
}

int
console_conf_directive(struct console_conf *c, const struct cfg_line *l, char *err,
    size_t errlen)
{
	const char *d = l->argv[0], *a = l->argc > 1 ? l->argv[1] : NULL;
	uint64_t v;

	if (strcasecmp(d, "console") == 0)
		return conf_console(c, l, err, errlen);
	if (!text_prefix_ci(d, "console-"))
		return 1;
	if (a == NULL || (l->argc != 2 && strcasecmp(d, "console-dir") != 0)) {
		snprintf(err, errlen, "'%s' takes one argument", d);
		return -1;
	}
	if (strcasecmp(d, "console-dir") == 0)
		return conf_path(c->dir, sizeof(c->dir), a, err, errlen);
	if (strcasecmp(d, "console-log-dir") == 0)
		return conf_path(c->log_dir, sizeof(c->log_dir), a, err, errlen);
	if (strcasecmp(d, "console-lock-dir") == 0)
		return conf_path(c->lock_dir, sizeof(c->lock_dir), a, err, errlen);
	if (strcasecmp(d, "console-group") == 0) {
		if (a[0] == '\0' || strlen(a) >= sizeof(c->group)) {
			snprintf(err, errlen, "group name empty or too long");
			return -1;
		}
		snprintf(c->group, sizeof(c->group), "%s", a);
		return 0;
	}
	if (strcasecmp(d, "console-log-size") == 0)
		return conf_size(a, &c->log_size, err, errlen);
	if (strcasecmp(d, "console-log-keep") == 0) {
		if (cfg_uint(a, 0, 99, &v, err, errlen) == -1)
			return -1;
		c->log_keep = (int)v;
		return 0;
	}
	if (strcasecmp(d, "console-replay") == 0) {
		if (cfg_uint(a, 0, CONSOLE_REPLAY_MAX, &v, err, errlen) == -1)
			return -1;
		c->replay = (unsigned)v;
		return 0;
	}
	snprintf(err, errlen, "unknown console directive '%.40s'", d);
	return -1;
}

/* ---- small helpers ---- */

static struct timespec
wall_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t;
}

static void
cancel(struct console *con, ev_timer_id *t)
{
	if (*t != 0)
		ev_timer_cancel(con->srv->loop, *t);
	*t = 0;
}

static void
framing(const struct console_line_conf *lc, char *out, size_t len)
{
	static const char par[] = { 'N', 'E', 'O' };

	snprintf(out, len, "%d %d%c%d%s", lc->baud, lc->databits, par[lc->parity], lc->stopbits,
	    lc->flow == SERIAL_FLOW_RTSCTS ? " rtscts" :
	    lc->flow == SERIAL_FLOW_XONXOFF ? " xonxoff" : "");
}

static void on_sync(void *arg);

static void
schedule_sync(struct console *con)
{
	if (con->sync_timer == 0 && con->log.dirty)
		con->sync_timer = ev_timer_add(con->srv->loop, CONSOLE_LOG_SYNC_MS, on_sync, con);
}

static void
on_sync(void *arg)
{
	struct console *con = arg;

	con->sync_timer = 0;
	if (console_log_sync(&con->log) == -1)
		log_warn("console %s: fsync %s", con->lc->name, con->log.path);
}

/* A log write's outcome: a failing disk is said once, and again when it heals. */
static void
log_result(struct console *con, int rc)
{
	if (rc == -1 && !con->log_failing)
		log_warn("console %s: cannot write %s", con->lc->name, con->log.path);
	else if (rc == 0 && con->log_failing)
		log_info("console %s: writing %s again", con->lc->name, con->log.path);
	con->log_failing = rc == -1;
	schedule_sync(con);
}

static void
mark(struct console *con, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
mark(struct console *con, const char *fmt, ...)
{
	char text[MARK_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_result(con, console_log_mark(&con->log, text, wall_now()));
}

/* ---- client output ---- */

static void client_drop(struct client *c);

static size_t
queue_room(const struct client *c)
{
	return sizeof(c->out) - c->out_len;
}

/* Append one framed message if it fits; the caller decides what a miss means. */
static bool
queue_msg(struct client *c, uint8_t type, const void *p, size_t len)
{
	size_t end;

	if (CONSOLE_MSG_HDR + len > queue_room(c))
		return false;
	if (c->out_head + c->out_len + CONSOLE_MSG_HDR + len > sizeof(c->out)) {
		memmove(c->out, c->out + c->out_head, c->out_len);
		c->out_head = 0;
	}
	end = c->out_head + c->out_len;
	c->out_len += console_msg_encode(type, p, len, c->out + end, sizeof(c->out) - end);
	return true;
}

/* After a gap, the notice that says how long it was; false while there
 * is no room for it yet (with `more` bytes to follow it). */
static bool
queue_gap_notice(struct client *c, size_t more)
{
	char text[96];

	if (c->dropped == 0)
		return true;
	snprintf(text, sizeof(text), "%llu bytes of output dropped: this client did not keep "
	    "up (the log has them)", (unsigned long long)c->dropped);
	if (2 * CONSOLE_MSG_HDR + strlen(text) + more > queue_room(c))
		return false;
	queue_msg(c, CONSOLE_MSG_NOTICE, text, strlen(text));
	c->dropped = 0;
	return true;
}

/* Send what the socket takes now; POLLOUT for the rest.  -1: client gone. */
static int
client_flush(struct client *c)
{
	if (c->gone)
		return 0;
	for (;;) {
		ssize_t n;

		if (c->out_len == 0 && (c->dropped == 0 || !queue_gap_notice(c, 0)))
			break;
		n = send(c->fd, c->out + c->out_head, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return -1;
		c->out_head += (size_t)n;
		c->out_len -= (size_t)n;
	}
	if (c->out_len == 0)
		c->out_head = 0;
	ev_fd_events(c->con->srv->loop, c->fd,
	    (short)((c->stalled ? 0 : POLLIN) | (c->out_len > 0 ? POLLOUT : 0)));
	return 0;
}

static void
notice(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
notice(struct client *c, const char *fmt, ...)
{
	char text[MARK_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	(void)queue_msg(c, CONSOLE_MSG_NOTICE, text, strlen(text));
}

/* The router's bytes for one client: queued whole, or counted as dropped;
 * a notice says how much was lost once there is room again. */
static void
client_data(struct client *c, const uint8_t *buf, size_t len)
{
	if (!queue_gap_notice(c, len)) {
		c->dropped += len;
		c->con->dropped_total += len;
		return;
	}
	while (len > 0) {
		size_t k = len < CONSOLE_MSG_MAX ? len : CONSOLE_MSG_MAX;

		if (!queue_msg(c, CONSOLE_MSG_DATA, buf, k)) {
			c->dropped += len;
			c->con->dropped_total += len;
			return;
		}
		buf += k;
		len -= k;
	}
}

/* Every attached client: data or a notice, then a flush. */
static void
broadcast(struct console *con, uint8_t type, const void *p, size_t len)
{
	for (int i = con->nclients - 1; i >= 0; i--) {
		struct client *c = con->clients[i];

		if (!c->attached)
			continue;
		if (type == CONSOLE_MSG_DATA)
			client_data(c, p, len);
		else
			(void)queue_msg(c, type, p, len);
		if (client_flush(c) == -1)
			client_drop(c);
	}
}

static void
broadcast_notice(struct console *con, const char *text)
{
	broadcast(con, CONSOLE_MSG_NOTICE, text, strlen(text));
}

/* ---- the line ---- */

static void on_line(int fd, short revents, void *arg);
static void on_reopen(void *arg);
static void client_process(struct client *c);

static short
line_events(const struct console *con)
{
	return (short)(POLLIN | (con->line_out_len > 0 && !con->breaking ? POLLOUT : 0));
}

static void
line_lost(struct console *con, const char *why)
{
	if (con->sp.fd < 0)
		return;
	ev_fd_del(con->srv->loop, con->sp.fd);
	serial_close(&con->sp);
	cancel(con, &con->break_timer);
	con->breaking = false;
	con->line_out_len = 0;
	con->losses++;
	snprintf(con->down_why, sizeof(con->down_why), "%s", why);
	log_warnx("console %s: %s: line lost (%s); waiting for it", con->lc->name,
	    con->lc->device, why);
	mark(con, "line lost: %s", why);
	char text[MARK_MAX];
	snprintf(text, sizeof(text), "line lost (%.100s): waiting for %.100s to come back",
	    why, con->lc->device);
	broadcast_notice(con, text);
	con->reopen_errno = 0;
	if (con->reopen_timer == 0)
		con->reopen_timer = ev_timer_add(con->srv->loop, CONSOLE_REOPEN_MS, on_reopen, con);
}

/* Typed bytes to the line; what it does not take now waits for POLLOUT. */
static void
line_flush(struct console *con)
{
	if (con->sp.fd < 0)
		return;
	while (con->line_out_len > 0 && !con->breaking) {
		ssize_t n = write(con->sp.fd, con->line_out, con->line_out_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			line_lost(con, n < 0 ? strerror(errno) : "write returned 0");
			return;
		}
		memmove(con->line_out, con->line_out + n, con->line_out_len - (size_t)n);
		con->line_out_len -= (size_t)n;
		con->bytes_out += (uint64_t)n;
	}
	ev_fd_events(con->srv->loop, con->sp.fd, line_events(con));
}

/* The line took bytes: the writer's waiting messages may go on. */
static void
writer_resume(struct console *con)
{
	struct client *c = con->writer;

	if (c == NULL || !c->stalled)
		return;
	c->stalled = false;
	client_process(c);
}

static void
line_read(struct console *con)
{
	uint8_t buf[CONSOLE_MSG_MAX];

	for (int i = 0; i < READS_PER_WAKEUP && con->sp.fd >= 0; i++) {
		ssize_t n = read(con->sp.fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			line_lost(con, n == 0 ? "end of file" : strerror(errno));
			return;
		}
		con->bytes_in += (uint64_t)n;
		log_result(con, console_log_data(&con->log, buf, (size_t)n, wall_now()));
		broadcast(con, CONSOLE_MSG_DATA, buf, (size_t)n);
	}
}

static void
on_line(int fd, short revents, void *arg)
{
	struct console *con = arg;

	(void)fd;
	if (revents & (POLLIN | POLLHUP | POLLERR))
		line_read(con);
	if (con->sp.fd >= 0 && (revents & POLLNVAL))
		line_lost(con, "descriptor closed");
	if (con->sp.fd >= 0 && (revents & POLLOUT)) {
		line_flush(con);
		writer_resume(con);
	}
}

static int
line_open(struct console *con, char *err, size_t errlen)
{
	if (serial_open(&con->sp, con->lc->device, &con->opts, err, errlen) == -1)
		return -1;
	if (ev_fd_add(con->srv->loop, con->sp.fd, POLLIN, on_line, con) == -1) {
		int e = errno;

		snprintf(err, errlen, "%.128s: cannot watch it: %s", con->lc->device,
		    strerror(e));
		serial_close(&con->sp);
		errno = e;
		return -1;
	}
	con->down_why[0] = '\0';
	return 0;
}

/* A reason not to open is told once, and again only when it changes;
 * an absent device is what an unplugged adapter is. */
static void
line_open_failed(struct console *con, const char *err, int e)
{
	if (e != con->reopen_errno) {
		if (e == ENOENT)
			log_info("console %s: %s", con->lc->name, err);
		else
			log_warnx("console %s: %s", con->lc->name, err);
		if (con->reopen_errno == 0 && con->losses == 0)
			mark(con, "line down: %s", err);
		snprintf(con->down_why, sizeof(con->down_why), "%s", err);
	}
	con->reopen_errno = e;
	con->reopen_timer = ev_timer_add(con->srv->loop, CONSOLE_REOPEN_MS, on_reopen, con);
}

static void
on_reopen(void *arg)
{
	struct console *con = arg;
	char err[SERIAL_ERRLEN];

	con->reopen_timer = 0;
	if (line_open(con, err, sizeof(err)) == -1) {
		line_open_failed(con, err, errno);
		return;
	}
	con->reopen_errno = 0;
	log_info("console %s: %s is open", con->lc->name, con->lc->device);
	mark(con, "line back");
	broadcast_notice(con, "line back");
}

static void
on_break_end(void *arg)
{
	struct console *con = arg;

	con->break_timer = 0;
	con->breaking = false;
	if (con->sp.fd < 0)
		return;
	if (ioctl(con->sp.fd, TIOCCBRK) == -1)
		log_warn("console %s: ending the BREAK", con->lc->name);
	line_flush(con);
	writer_resume(con);
}

static void
line_break(struct console *con, struct client *c)
{
	if (con->sp.fd < 0) {
		notice(c, "no BREAK: the line is down");
		return;
	}
	if (con->breaking)
		return;
	if (ioctl(con->sp.fd, TIOCSBRK) == -1) {
		notice(c, "BREAK failed: %s", strerror(errno));
		return;
	}
	con->breaking = true;
	con->breaks++;
	con->break_timer = ev_timer_add(con->srv->loop, CONSOLE_BREAK_MS, on_break_end, con);
	ev_fd_events(con->srv->loop, con->sp.fd, line_events(con));
	mark(con, "break sent by %s", c->who);
	notice(c, "BREAK sent");
}

/* ---- clients ---- */

/*
 * A dropped client leaves the loop and the console at once, but its memory
 * lives until the reap timer, so a caller several frames up (a broadcast
 * inside a line loss inside a client's own message) never touches freed
 * memory.  Check c->gone after anything that may drop clients.
 */
static void
on_reap(void *arg)
{
	struct console *con = arg;

	con->reap_timer = 0;
	while (con->gone != NULL) {
		struct client *c = con->gone;

		con->gone = c->next_gone;
		free(c);
	}
}

static void
client_drop(struct client *c)
{
	struct console *con = c->con;

	if (c->gone)
		return;
	if (c->attached) {
		mark(con, "detach %s %s", con->writer == c ? "rw" : "spy", c->who);
		log_info("console %s: %s detached", con->lc->name, c->who);
	}
	c->gone = true;
	cancel(con, &c->hello_timer);
	ev_fd_del(con->srv->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	for (int i = 0; i < con->nclients; i++) {
		if (con->clients[i] == c) {
			con->clients[i] = con->clients[--con->nclients];
			break;
		}
	}
	if (con->writer == c)
		con->writer = NULL;
	c->next_gone = con->gone;
	con->gone = c;
	if (con->reap_timer == 0)
		con->reap_timer = ev_timer_add(con->srv->loop, 0, on_reap, con);
}

/* Say why, best effort, and hang up. */
static void
client_refuse(struct client *c, const char *why)
{
	log_info("console %s: refused %s: %s", c->con->lc->name, c->who, why);
	c->out_len = 0;
	c->out_head = 0;
	notice(c, "%s", why);
	(void)send(c->fd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
	client_drop(c);
}

static void
on_hello_timeout(void *arg)
{
	struct client *c = arg;

	c->hello_timer = 0;
	client_refuse(c, "no hello in time");
}

static void
client_welcome(struct client *c, const struct console_hello *h)
{
	struct console *con = c->con;
	uint8_t tail[CONSOLE_HISTORY];
	char fr[64];
	unsigned lines = h->replay == CONSOLE_REPLAY_DEFAULT ? con->srv->conf.replay : h->replay;
	size_t n;

	if (lines > CONSOLE_REPLAY_MAX)
		lines = CONSOLE_REPLAY_MAX;
	framing(con->lc, fr, sizeof(fr));
	notice(c, "attached to %s (%s %s), %s%s", con->lc->name, con->lc->device, fr,
	    con->writer == c ? "read-write" : "read-only",
	    con->sp.fd >= 0 ? "" : "; the line is down");
	n = console_log_tail(&con->log, lines, tail, sizeof(tail));
	client_data(c, tail, n);
	mark(con, "attach %s %s", con->writer == c ? "rw" : "spy", c->who);
	log_info("console %s: %s attached %s", con->lc->name, c->who,
	    con->writer == c ? "read-write" : "read-only");
}

/* HELLO: check it, give the write role, replay.  -1: the client is gone. */
static int
client_hello(struct client *c, const uint8_t *p, size_t len)
{
	struct console *con = c->con;
	struct console_hello h;
	char err[128], why[160];

	if (console_hello_decode(p, len, &h, err, sizeof(err)) == -1) {
		client_refuse(c, err);
		return -1;
	}
	if (h.name[0] != '\0' && strcmp(h.name, con->lc->name) != 0) {
		snprintf(why, sizeof(why), "this socket serves console '%s', not '%s'",
		    con->lc->name, h.name);
		client_refuse(c, why);
		return -1;
	}
	cancel(con, &c->hello_timer);
	c->attached = true;
	c->spy = h.spy;
	if (!h.spy && con->writer != NULL && h.force) {
		struct client *old = con->writer;

		notice(old, "%s took the line over: you are read-only now", c->who);
		mark(con, "write role taken from %s by %s", old->who, c->who);
		con->writer = NULL;
		if (client_flush(old) == -1)
			client_drop(old);
	}
	if (!h.spy && con->writer == NULL)
		con->writer = c;
	client_welcome(c, &h);
	if (!h.spy && con->writer != c)
		notice(c, "%s has the line: read-only (--force takes it over)",
		    con->writer->who);
	return 0;
}

/* One message from a client; -1 when the client is gone. */
static int
client_message(struct client *c, const struct console_msg *m)
{
	struct console *con = c->con;

	if (!c->attached) {
		if (m->type == CONSOLE_MSG_HELLO)
			return client_hello(c, m->payload, m->len);
		client_refuse(c, "protocol error: expected hello");
		return -1;
	}
	switch (m->type) {
	case CONSOLE_MSG_DATA:
		if (con->writer != c) {
			if (!c->told_readonly)
				notice(c, "read-only: typing is ignored");
			c->told_readonly = true;
			return 0;
		}
		if (con->sp.fd < 0)
			return 0;       /* the line is down; the client was told */
		memcpy(con->line_out + con->line_out_len, m->payload, m->len);
		con->line_out_len += m->len;
		return 0;
	case CONSOLE_MSG_BREAK:
		if (con->writer != c)
			notice(c, "read-only: no BREAK");
		else
			line_break(con, c);
		return 0;
	default:
		client_refuse(c, "protocol error: unexpected message");
		return -1;
	}
}

/* Room on the line for n more typed bytes, pushing out what waits first. */
static bool
line_room(struct console *con, size_t n)
{
	if (n <= sizeof(con->line_out) - con->line_out_len)
		return true;
	line_flush(con);
	return con->sp.fd < 0 || n <= sizeof(con->line_out) - con->line_out_len;
}

/* Work through the messages received so far.  The writer's DATA waits,
 * unread, while the line has no room for it (line_out is then not empty,
 * so POLLOUT or the end of a BREAK brings writer_resume()). */
static void
client_process(struct client *c)
{
	struct console *con = c->con;
	struct console_msg m;
	long n;

	while (!c->gone && (n = console_msg_decode(c->in, c->in_len, &m)) != 0) {
		if (n < 0) {
			client_refuse(c, "protocol error: bad frame");
			return;
		}
		if (m.type == CONSOLE_MSG_DATA && con->writer == c && !line_room(con, m.len)) {
			c->stalled = true;
			break;
		}
		if (c->gone || client_message(c, &m) == -1)
			return;
		memmove(c->in, c->in + n, c->in_len - (size_t)n);
		c->in_len -= (size_t)n;
	}
	if (c->gone)
		return;
	if (con->writer == c && con->line_out_len > 0)
		line_flush(con);
	if (client_flush(c) == -1)
		client_drop(c);
}

static void
on_client(int fd, short revents, void *arg)
{
	struct client *c = arg;

	if (revents & POLLOUT) {
		if (client_flush(c) == -1) {
			client_drop(c);
			return;
		}
	}
	if (c->stalled && (revents & (POLLHUP | POLLERR | POLLNVAL))) {
		client_drop(c);         /* gone with typing the line never took */
		return;
	}
	if ((revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) == 0 || c->stalled)
		return;
	ssize_t n = recv(fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		client_drop(c);
		return;
	}
	c->in_len += (size_t)n;
	client_process(c);
}

static void
client_identify(struct client *c)
{
	struct passwd *pw;

	if (console_peer_uid(c->fd, &c->uid) == -1) {
		snprintf(c->who, sizeof(c->who), "unknown user");
		return;
	}
	pw = getpwuid(c->uid);
	if (pw != NULL)
		snprintf(c->who, sizeof(c->who), "uid %ld (%.32s)", (long)c->uid, pw->pw_name);
	else
		snprintf(c->who, sizeof(c->who), "uid %ld", (long)c->uid);
}

static void
on_accept(int fd, short revents, void *arg)
{
	struct console *con = arg;
	struct client *c;
	int cfd, fl;

	(void)revents;
	cfd = accept(fd, NULL, NULL);
	if (cfd == -1)
		return;
	fl = fcntl(cfd, F_GETFL);
	if (fl == -1 || fcntl(cfd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(cfd, F_SETFD, FD_CLOEXEC) == -1 || (c = calloc(1, sizeof(*c))) == NULL) {
		close(cfd);
		return;
	}
	c->con = con;
	c->fd = cfd;
	client_identify(c);
	if (con->nclients == CONSOLE_CLIENTS_MAX) {
		log_info("console %s: refused %s: too many clients", con->lc->name, c->who);
		notice(c, "too many clients on this console");
		(void)send(cfd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(cfd);
		free(c);
		return;
	}
	if (ev_fd_add(con->srv->loop, cfd, POLLIN, on_client, c) == -1) {
		close(cfd);
		free(c);
		return;
	}
	con->clients[con->nclients++] = c;
	c->hello_timer = ev_timer_add(con->srv->loop, CONSOLE_HELLO_MS, on_hello_timeout, c);
}

/* ---- start and stop ---- */

/* mkdir -p: missing parents 0755, the directory itself `mode` (and the
 * group, when there is one).  An existing directory is left as it is. */
static int
make_dir(const char *path, mode_t mode, const struct console_server *s, char *err,
    size_t errlen)
{
	char buf[CONSOLE_PATH];
	struct stat st;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		snprintf(err, errlen, "%s: not a directory", path);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "mkdir %s: %s", buf, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, mode) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", path, strerror(errno));
		return -1;
	}
	if (s->have_gid && chown(path, (uid_t)-1, s->gid) == -1) {
		snprintf(err, errlen, "chown %s: %s", path, strerror(errno));
		return -1;
	}
	return chmod(path, mode);
}

static int
listen_on(struct console *con, char *err, size_t errlen)
{
	const struct console_server *s = con->srv;
	struct sockaddr_un sun;
	struct stat st;
	mode_t old;
	int fd, r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(con->sock_path, sizeof(con->sock_path), "%s/%s.sock", s->conf.dir,
	    con->lc->name) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", con->sock_path);
		return -1;
	}
	memcpy(sun.sun_path, con->sock_path, strlen(con->sock_path) + 1);
	if (lstat(con->sock_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket", con->sock_path);
			return -1;
		}
		unlink(con->sock_path);     /* left by an oobd that died */
	}
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r == -1 || listen(fd, 8) == -1 ||
	    (s->have_gid && chown(con->sock_path, (uid_t)-1, s->gid) == -1) ||
	    chmod(con->sock_path, s->have_gid ? 0660 : 0600) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    ev_fd_add(s->loop, fd, POLLIN, on_accept, con) == -1) {
		snprintf(err, errlen, "%s: %s", con->sock_path, strerror(errno));
		if (r == 0)
			unlink(con->sock_path);
		close(fd);
		return -1;
	}
	con->listen_fd = fd;
	return 0;
}

static void
console_free(struct console *con)
{
	struct console_server *s = con->srv;

	while (con->nclients > 0) {
		struct client *c = con->clients[0];

		if (c->attached) {
			notice(c, "oobd is stopping");
			(void)client_flush(c);
		}
		client_drop(c);
	}
	cancel(con, &con->reap_timer);
	on_reap(con);
	if (con->listen_fd >= 0) {
		ev_fd_del(s->loop, con->listen_fd);
		close(con->listen_fd);
		unlink(con->sock_path);
	}
	if (con->sp.fd >= 0) {
		if (con->breaking)
			(void)ioctl(con->sp.fd, TIOCCBRK);
		ev_fd_del(s->loop, con->sp.fd);
	}
	serial_close(&con->sp);
	mark(con, "console server stopped");
	cancel(con, &con->reopen_timer);
	cancel(con, &con->break_timer);
	cancel(con, &con->sync_timer);
	console_log_close(&con->log);
	free(con);
}

static struct console *
console_new(struct console_server *s, const struct console_line_conf *lc, char *err,
    size_t errlen)
{
	struct console *con = calloc(1, sizeof(*con));
	char path[CONSOLE_PATH + CONSOLE_NAME_MAX + 8], fr[64], why[SERIAL_ERRLEN];

	if (con == NULL) {
		snprintf(err, errlen, "console %s: %s", lc->name, strerror(errno));
		return NULL;
	}
	con->srv = s;
	con->lc = lc;
	con->listen_fd = -1;
	con->sp.fd = -1;
	console_log_init(&con->log);
	serial_opts_default(&con->opts);
	con->opts.baud = lc->baud;
	con->opts.databits = lc->databits;
	con->opts.stopbits = lc->stopbits;
	con->opts.parity = lc->parity;
	con->opts.flow = lc->flow;
	con->opts.uucp_lock = true;
	con->opts.lock_dir = s->conf.lock_dir[0] != '\0' ? s->conf.lock_dir : NULL;
	snprintf(path, sizeof(path), "%s/%s.log", s->conf.log_dir, lc->name);
	if (console_log_open(&con->log, path, s->conf.log_size, s->conf.log_keep, err,
	    errlen) == -1 || listen_on(con, err, errlen) == -1) {
		console_free(con);
		return NULL;
	}
	framing(lc, fr, sizeof(fr));
	mark(con, "console server started: %s %s", lc->device, fr);
	if (line_open(con, why, sizeof(why)) == -1)
		line_open_failed(con, why, errno);
	else
		log_info("console %s: %s is open (%s)", lc->name, lc->device, fr);
	return con;
}

struct console_server *
console_server_start(struct ev_loop *loop, const struct console_conf *c, char *err,
    size_t errlen)
{
	struct console_server *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(err, errlen, "console server: %s", strerror(errno));
		return NULL;
	}
	s->loop = loop;
	s->conf = *c;
	if (c->nlines == 0)
		return s;
	if (c->group[0] != '\0') {
		struct group *gr = getgrnam(c->group);

		if (gr == NULL) {
			snprintf(err, errlen, "console-group %s: no such group", c->group);
			goto fail;
		}
		s->gid = gr->gr_gid;
		s->have_gid = true;
	}
	if (make_dir(c->dir, 0750, s, err, errlen) == -1 ||
	    make_dir(c->log_dir, 0750, s, err, errlen) == -1)
		goto fail;
	for (int i = 0; i < c->nlines; i++) {
		struct console *con = console_new(s, &s->conf.lines[i], err, errlen);

		if (con == NULL)
			goto fail;
		s->cons[s->ncons++] = con;
	}
	return s;
fail:
	console_server_stop(s);
	return NULL;
}

void
console_server_stop(struct console_server *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < s->ncons; i++)
		console_free(s->cons[i]);
	free(s);
}

int
console_server_count(const struct console_server *s)
{
	return s != NULL ? s->ncons : 0;
}

void
console_server_counts(const struct console_server *s, int i, struct console_counts *c)
{
	const struct console *con = s->cons[i];

	*c = (struct console_counts){
		.name = con->lc->name,
		.device = con->lc->device,
		.line_up = con->sp.fd >= 0,
		.writer = con->writer != NULL,
		.bytes_in = con->bytes_in,
		.bytes_out = con->bytes_out,
		.dropped = con->dropped_total,
		.breaks = con->breaks,
		.losses = con->losses,
	};
	for (int k = 0; k < con->nclients; k++)
		c->viewers += con->clients[k]->attached && con->clients[k] != con->writer;
}

void
console_server_status(const struct console_server *s, struct jsonw *w)
{
	for (int i = 0; i < s->ncons; i++) {
		const struct console *con = s->cons[i];
		struct console_counts c;
		char fr[64];

		console_server_counts(s, i, &c);
		framing(con->lc, fr, sizeof(fr));
		jsonw_begin(w, NULL);
		jsonw_str(w, "name", c.name);
		jsonw_str(w, "device", c.device);
		jsonw_str(w, "framing", fr);
		jsonw_bool(w, "line_up", c.line_up);
		if (!c.line_up)
			jsonw_str(w, "down_why", con->down_why);
		jsonw_bool(w, "writer", c.writer);
		if (c.writer)
			jsonw_str(w, "writer_who", con->writer->who);
		jsonw_int(w, "viewers", c.viewers);
		jsonw_int(w, "bytes_in", (long long)c.bytes_in);
		jsonw_int(w, "bytes_out", (long long)c.bytes_out);
		jsonw_int(w, "breaks", (long long)c.breaks);
		jsonw_int(w, "losses", (long long)c.losses);
		jsonw_int(w, "dropped", (long long)c.dropped);
		jsonw_str(w, "log", con->log.path);
		jsonw_bool(w, "log_ok", con->log.fd >= 0 && !con->log_failing);
		jsonw_str(w, "socket", con->sock_path);
		jsonw_end(w);
	}
}
