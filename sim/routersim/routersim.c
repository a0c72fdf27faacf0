/*
 * routersim: a router's serial console on a pseudo-terminal.
 *
 * The dialect (router.c) decides what the router says; this file gives it
 * its port (a pty with a symbolic link at --pty, as udev names a USB-serial
 * adapter /dev/ttyUSB0), and the control socket through which a test plays
 * the power switch (boot, panic), the router's own chatter (say, flood)
 * and the cable (unplug, replug).  The router is switched on when a host
 * first opens the port, so its boot log is there for whoever listens;
 * while no host has the port open, what the router says is lost, as on a
 * real line.  Unplugging removes the pty and the link (the host's reads
 * fail, as when a USB adapter leaves the bus); the router keeps running.
 *
 * A BREAK from the host cannot be seen here: Linux pseudo-terminals accept
 * TIOCSBRK and tcsendbreak() and do nothing with them, and the master side
 * gets no byte, flag or packet-mode event for them.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ctlsock.h"
#include "evloop.h"
#include "log.h"
#include "pty.h"
#include "router.h"
#include "simmain.h"
#include "serial.h"

#define TICK_MS 20
#define FLOOD_MAX 100000

struct sim {
	struct ev_loop *loop;
	struct router r;
	const char *link;
	char slave[256];
	int baud;
	int master;                     /* -1: unplugged */
	bool host;                      /* the host has the port open */
	bool powered;                   /* booted once */
	struct ctlsock *ctl;
};

/* ---- the port ---- */

static void on_master(int fd, short revents, void *arg);

static void
host_gone(struct sim *s)
{
	if (!s->host)
		return;
	log_info("host closed %s", s->link);
	s->host = false;
	ev_fd_del(s->loop, s->master);
	tcflush(s->master, TCIOFLUSH);
}

/* Say what the router has to say; what the pty does not take waits. */
static void
drain(struct sim *s)
{
	size_t len;
	const uint8_t *out = router_output(&s->r, &len);

	if (s->master < 0 || !s->host) {
		router_consume(&s->r, len);
		return;
	}
	while (len > 0) {
		ssize_t w = write(s->master, out, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EIO) {
			host_gone(s);
			router_consume(&s->r, len);
			return;
		}
		if (w <= 0)
			break;
		router_consume(&s->r, (size_t)w);
		out = router_output(&s->r, &len);
	}
	ev_fd_events(s->loop, s->master, (short)(POLLIN | (len > 0 ? POLLOUT : 0)));
}

static void
on_master(int fd, short revents, void *arg)
{
	struct sim *s = arg;
	uint8_t buf[1024];
	ssize_t n;

	if (revents & POLLOUT)
		drain(s);
	if (!s->host || (revents & (POLLIN | POLLHUP | POLLERR)) == 0)
		return;
	n = read(fd, buf, sizeof(buf));
	if (n > 0) {
		router_input(&s->r, buf, (size_t)n);
		drain(s);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	host_gone(s);
}

static void
look_for_host(struct sim *s)
{
	if (s->host || s->master < 0 || !pty_host_present(s->master))
		return;
	log_info("host opened %s", s->link);
	s->host = true;
	if (ev_fd_add(s->loop, s->master, POLLIN, on_master, s) < 0)
		fatal("ev_fd_add");
	if (!s->powered) {
		s->powered = true;
		router_boot(&s->r);
	}
}

static void
on_tick(void *arg)
{
	struct sim *s = arg;

	look_for_host(s);
	drain(s);
	if (ev_timer_add(s->loop, TICK_MS, on_tick, s) == 0)
		fatalx("cannot add the tick timer");
}

static int
plug(struct sim *s, char *err, size_t errlen)
{
	s->master = pty_open(s->baud, s->slave, sizeof(s->slave), err, errlen);
	if (s->master < 0)
		return -1;
	if (pty_link(s->slave, s->link, err, errlen) < 0) {
		close(s->master);
		s->master = -1;
		return -1;
	}
	log_info("%s -> %s", s->link, s->slave);
	return 0;
}

static void
unplug(struct sim *s)
{
	if (s->master < 0)
		return;
	host_gone(s);
	pty_unlink(s->slave, s->link);
	close(s->master);
	s->master = -1;
}

/* ---- control ---- */

static const char help[] =
    "  status            plugged, host, boots, logins, state, last line typed\n"
    "  boot              power-cycle: the boot log and a login prompt\n"
    "  panic             a kernel panic, then a reboot\n"
    "  say TEXT          the router prints TEXT on a line\n"
    "  flood N           the router prints N numbered 64-byte lines at once\n"
    "  unplug | replug   pull the USB-serial adapter out, put it back\n";

static void
status_line(struct sim *s, char *out, size_t len)
{
	static const char *const states[] = { "login", "password", "shell" };

	snprintf(out, len, "ok plugged=%s host=%s boots=%u logins=%u state=%s received=%lu "
	    "lost=%lu last=\"%.100s\" slave=%s\n", s->master >= 0 ? "yes" : "no",
	    s->host ? "yes" : "no", s->r.boots, s->r.logins, states[s->r.state], s->r.received,
	    s->r.lost, s->r.last_line, s->master >= 0 ? s->slave : "-");
}

static bool
word(const char *line, size_t len, const char *w, const char **arg)
{
	size_t n = strlen(w);

	if (len < n || strncmp(line, w, n) != 0 || (len > n && line[n] != ' '))
		return false;
	*arg = len > n ? line + n + 1 : line + n;
	return true;
}

static void
control_command(void *arg, const char *line, size_t len, char *out, size_t outlen)
{
	struct sim *s = arg;
	char text[512], err[512];
	const char *a;

	log_info("control: %.*s", (int)(len > 80 ? 80 : len), line);
	snprintf(out, outlen, "ok\n");
	if (word(line, len, "status", &a)) {
		status_line(s, out, outlen);
	} else if (word(line, len, "help", &a)) {
		snprintf(out, outlen, "ok commands:\n%s", help);
	} else if (word(line, len, "boot", &a)) {
		s->powered = true;
		router_boot(&s->r);
	} else if (word(line, len, "panic", &a)) {
		router_panic(&s->r);
	} else if (word(line, len, "say", &a)) {
		snprintf(text, sizeof(text), "%.*s", (int)(len - (size_t)(a - line)), a);
		router_say(&s->r, text);
	} else if (word(line, len, "flood", &a)) {
		char *end;
		long n = strtol(a, &end, 10);

		if (end == a || (size_t)(end - line) != len || n < 1 || n > FLOOD_MAX)
			snprintf(out, outlen, "error: flood N, N from 1 to %d\n", FLOOD_MAX);
		else
			router_flood(&s->r, (unsigned)n);
	} else if (word(line, len, "unplug", &a)) {
		if (s->master < 0)
			snprintf(out, outlen, "error: already unplugged\n");
		unplug(s);
	} else if (word(line, len, "replug", &a)) {
		if (s->master >= 0)
			snprintf(out, outlen, "error: not unplugged\n");
		else if (plug(s, err, sizeof(err)) < 0)
			snprintf(out, outlen, "error: %s\n", err);
	} else {
		snprintf(out, outlen, "error: unknown command; try help\n");
	}
	drain(s);
}

/* ---- setup ---- */

static void
usage(FILE *f)
{
	fprintf(f, "usage: routersim --pty PATH [--control SOCKET] [--hostname NAME] "
	    "[--baud N] [-v]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pty", required_argument, NULL, 'p' },
		{ "control", required_argument, NULL, 'C' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "baud", required_argument, NULL, 'b' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct sim sim;
	struct sim *s = &sim;
	const char *ctl_path = NULL, *hostname = "router";
	char err[512];
	int verbose = 0, c;

	s->baud = 57600;
	s->master = -1;
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'p': s->link = optarg; break;
		case 'C': ctl_path = optarg; break;
		case 'H': hostname = optarg; break;
		case 'b':
			s->baud = atoi(optarg);
			if (serial_speed(s->baud) == 0) {
				fprintf(stderr, "routersim: --baud: unsupported speed '%s'\n", optarg);
				return 2;
			}
			break;
		case 'v': verbose++; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || s->link == NULL) {
		usage(stderr);
		return 2;
	}
	log_init("routersim", 1, verbose > 1 ? LOG_LVL_DEBUG :
	    verbose ? LOG_LVL_INFO : LOG_LVL_WARN);
	if (router_init(&s->r, hostname) < 0)
		fatal("router");

	s->loop = sim_loop_new();
	if (plug(s, err, sizeof(err)) < 0)
		fatalx("%s", err);
	if (ctl_path != NULL) {
		s->ctl = ctlsock_open(s->loop, ctl_path, control_command, s, err, sizeof(err));
		if (s->ctl == NULL)
			fatalx("--control: %s", err);
	}
	on_tick(s);
	if (ev_run(s->loop) < 0)
		log_warn("ev_run");

	ctlsock_close(s->ctl);
	unplug(s);
	router_free(&s->r);
	ev_free(s->loop);
	return 0;
}
