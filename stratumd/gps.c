/*
 * gps: the receiver's serial line and its PPS, into the refclock.
 *
 * Every read() of the serial port is timestamped with the local clock; a
 * sentence's first byte is placed rx_tail characters earlier at the line's
 * speed (10 bits per character).  PPS edges come from an RFC 2783 device,
 * polled, or from chrony SOCK datagrams.  When the serial device goes away
 * it is reopened every second until it comes back.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "stratumd.h"
#include "tsmath.h"

/* The date outpost was last released: labels more than 512 weeks before it
 * are a GPS week rollover.  Good until 2035. */
#define STRATUMD_PIVOT 1767225600 /* 2026-01-01 */
#define PPS_POLL_MS 50
#define REOPEN_MS 1000

static void on_serial(int fd, short revents, void *arg);

static void
send_pmtk(struct stratumd *sd, const char *body)
{
	char line[128];
	int n = nmea_frame(line, sizeof(line), body, true);

	if (n < 0) {
		log_warnx("gps: cannot frame '%s'", body);
		return;
	}
	if (write(sd->gps.port.fd, line, (size_t)n) != n)
		log_warn("gps: %s: writing %s", sd->conf.gps_device, body);
	else
		log_info("gps: sent %.*s", n - 2, line);
}

/* Receiver set-up from the config: the same sequence as outpost gps
 * configure, without waiting for the acknowledgements (they are logged when
 * they arrive); the baud switch goes last. */
static void
configure_receiver(struct stratumd *sd)
{
	const struct stratumd_conf *c = &sd->conf;
	char body[96], err[SERIAL_ERRLEN];

	if (c->gps_set_sentences && pmtk_set_output(body, sizeof(body), &c->gps_sentences) > 0)
		send_pmtk(sd, body);
	if (c->gps_rate_ms > 0 && pmtk_set_fix_rate(body, sizeof(body), c->gps_rate_ms) > 0)
		send_pmtk(sd, body);
	if (c->gps_new_baud > 0 && c->gps_new_baud != sd->gps.port.opts.baud &&
	    pmtk_set_baud(body, sizeof(body), c->gps_new_baud) > 0) {
		send_pmtk(sd, body);
		tcdrain(sd->gps.port.fd);
		/* The receiver answers at the old speed and then switches; give
		 * it the time an MTK needs before we follow. */
		usleep(100000);
		if (serial_set_baud(&sd->gps.port, c->gps_new_baud, err, sizeof(err)) == -1)
			log_warnx("gps: %s", err);
		else
			log_info("gps: %s now at %d baud", c->gps_device, c->gps_new_baud);
	}
}

/* quiet: while waiting for an unplugged device, do not log each attempt. */
static int
open_serial(struct stratumd *sd, bool quiet)
{
	struct serial_opts o;
	char err[SERIAL_ERRLEN];

	serial_opts_default(&o);
	o.baud = sd->conf.gps_baud;
	o.uucp_lock = true;
	if (serial_open(&sd->gps.port, sd->conf.gps_device, &o, err, sizeof(err)) == -1) {
		if (!quiet || errno != ENOENT)
			log_warnx("gps: %s", err);
		return -1;
	}
	if (ev_fd_add(sd->ev, sd->gps.port.fd, POLLIN, on_serial, sd) == -1) {
		log_warn("gps: event loop");
		serial_close(&sd->gps.port);
		return -1;
	}
	sd->gps.open = true;
	nmea_lexer_init(&sd->gps.lexer);
	refclock_restart(&sd->gps.rc);
	log_info("gps: %s open at %d baud", sd->conf.gps_device, sd->gps.port.opts.baud);
	return 0;
}

static void
serial_lost(struct stratumd *sd, const char *why)
{
	log_warnx("gps: %s: %s; reopening every %d ms", sd->conf.gps_device, why, REOPEN_MS);
	ev_fd_del(sd->ev, sd->gps.port.fd);
	serial_close(&sd->gps.port);
	sd->gps.open = false;
}

static void
note_fix(struct stratumd_gps *g, const struct nmea_msg *m)
{
	if (m->type == NMEA_GGA) {
		g->quality = m->u.gga.quality;
		if (m->u.gga.sats >= 0)
			g->sats = m->u.gga.sats;
	} else if (m->type == NMEA_RMC) {
		g->fix_status = m->u.rmc.status;
	} else if (m->type == NMEA_PMTK_ACK) {
		log_info("gps: receiver says PMTK%03d %s", m->u.ack.cmd,
		    nmea_pmtk_flag_str(m->u.ack.flag));
	}
}

static void
handle_line(struct stratumd *sd, const struct nmea_line *line)
{
	struct stratumd_gps *g = &sd->gps;
	struct nmea_msg msg;
	struct refclock_sample smp;
	const char *why;

	if (line->status != NMEA_LEX_OK) {
		g->nmea_rejected++;
		log_debug("gps: line %lu: %s", line->lineno, nmea_lex_status_str(line->status));
		return;
	}
	if (nmea_parse(line->text, line->len, &msg, &why) != NMEA_PARSE_OK) {
		g->nmea_rejected++;
		log_debug("gps: bad %s in %s", why ? why : "field", line->text);
		return;
	}
	g->nmea_sentences++;
	g->last_nmea = ts_now_mono();
	note_fix(g, &msg);
	if (msg.type == NMEA_RMC) {
		stats_clock(sd, line->text);
		snprintf(g->timecode, sizeof(g->timecode), "%s", line->text);
	}
	/* Place the first byte: the chunk's read time minus the characters
	 * that followed it in that chunk. */
	double char_time = 10.0 / sd->gps.port.opts.baud;
	struct timespec first = ts_sub(line->rx_time,
	    ts_from_double((double)line->rx_tail * char_time));
	if (refclock_nmea(&g->rc, &msg, first, &smp))
		sources_refclock_sample(sd, &smp);
}

static void
on_serial(int fd, short revents, void *arg)
{
	struct stratumd *sd = arg;
	uint8_t buf[512];
	struct nmea_line line;
	struct timespec now;

	(void)revents;
	ssize_t n = read(fd, buf, sizeof(buf));
	int e = errno;
	if (clock_now(sd->clock, &now) == -1)
		now = ts_now_real();
	if (n <= 0) {
		if (n < 0 && (e == EAGAIN || e == EINTR))
			return;
		if (serial_gone((int)n, e)) {
			serial_lost(sd, n == 0 ? "hung up" : strerror(e));
			return;
		}
		log_warnx("gps: %s: read: %s", sd->conf.gps_device, strerror(e));
		return;
	}
	size_t pos = 0;
	while (nmea_lexer_feed(&sd->gps.lexer, buf, (size_t)n, &pos, now, &line) == 1)
		handle_line(sd, &line);
}

static void
pps_edge(struct stratumd *sd, const struct pps_edge *e)
{
	struct refclock_sample smp;

	sd->gps.pps_edges++;
	sd->gps.last_pps = ts_now_mono();
	sd->gps.leap = e->leap;
	if (refclock_pps(&sd->gps.rc, e->local, &smp))
		sources_refclock_sample(sd, &smp);
}

static void
on_pps_socket(int fd, short revents, void *arg)
{
	struct stratumd *sd = arg;
	struct pps_sock_sample buf;
	struct pps_edge e;

	(void)revents;
	for (;;) {
		ssize_t n = recv(fd, &buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return;
		if (pps_sock_decode(&buf, (size_t)n, &e) == -1) {
			log_debug("pps: dropped a %zd-byte datagram that is not a sample", n);
			continue;
		}
		if (e.pulse)
			pps_edge(sd, &e);
	}
}

static int
open_pps_socket(struct stratumd *sd)
{
	struct sockaddr_un sun;
	const char *path = sd->conf.pps_socket;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("pps: socket path too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("pps: socket");
		return -1;
	}
	unlink(path); /* a socket left by a previous run */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("pps: %s", path);
		close(fd);
		return -1;
	}
	if (ev_fd_add(sd->ev, fd, POLLIN, on_pps_socket, sd) == -1) {
		close(fd);
		return -1;
	}
	sd->gps.pps_sock_fd = fd;
	log_info("pps: chrony SOCK samples on %s", path);
	return 0;
}

static void
poll_pps_device(void *arg)
{
	struct stratumd *sd = arg;
	struct pps_edge e;

	if (sd->gps.pps_dev == NULL)
		return;
	int r = pps_dev_fetch(sd->gps.pps_dev, &e);
	if (r == 1)
		pps_edge(sd, &e);
	else if (r == -1)
		log_warn("pps: %s", sd->conf.pps_device);
	ev_timer_add(sd->ev, PPS_POLL_MS, poll_pps_device, sd);
}

int
gps_open(struct stratumd *sd)
{
	struct stratumd_gps *g = &sd->gps;
	struct refclock_conf rcc = { .pivot = STRATUMD_PIVOT };
	char err[256];
	double delay;

	g->port.fd = -1;
	g->pps_sock_fd = -1;
	g->sats = -1;
	refclock_init(&g->rc, &rcc);
	if (sd->conf.nmea_delay > 0) {
		refclock_seed_delay(&g->rc, sd->conf.nmea_delay);
	} else if (state_load_delay(sd->conf.state_dir, &delay) == 0) {
		refclock_seed_delay(&g->rc, delay);
		g->delay_saved = delay;
		log_info("gps: NMEA delay %.6f s from the last calibration", delay);
	}
	if (open_serial(sd, false) == -1)
		return -1;
	if (sd->conf.gps_configure)
		configure_receiver(sd);
	if (sd->conf.pps_socket[0] != '\0' && open_pps_socket(sd) == -1)
		return -1;
	if (sd->conf.pps_device[0] != '\0') {
		if (pps_dev_open(sd->conf.pps_device, &g->pps_dev, err, sizeof(err)) == -1) {
			log_warnx("pps: %s", err);
			return -1;
		}
		log_info("pps: RFC 2783 device %s", sd->conf.pps_device);
		ev_timer_add(sd->ev, PPS_POLL_MS, poll_pps_device, sd);
	}
	return 0;
}

void
gps_close(struct stratumd *sd)
{
	if (sd->gps.open) {
		ev_fd_del(sd->ev, sd->gps.port.fd);
		serial_close(&sd->gps.port);
		sd->gps.open = false;
	}
	if (sd->gps.pps_sock_fd != -1) {
		ev_fd_del(sd->ev, sd->gps.pps_sock_fd);
		close(sd->gps.pps_sock_fd);
		unlink(sd->conf.pps_socket);
		sd->gps.pps_sock_fd = -1;
	}
	pps_dev_close(sd->gps.pps_dev);
	sd->gps.pps_dev = NULL;
}

/* Once a second: reopen a lost device; save a calibration that moved. */
void
gps_tick(struct stratumd *sd)
{
	struct stratumd_gps *g = &sd->gps;
	double delay;

	if (!g->open && open_serial(sd, true) == 0)
		log_info("gps: %s is back", sd->conf.gps_device);
	if (refclock_delay(&g->rc, &delay) && fabs(delay - g->delay_saved) > 0.0005 &&
	    g->rc.ncal >= g->rc.conf.min_cal) {
		if (state_save_delay(sd->conf.state_dir, delay) == 0) {
			log_info("gps: NMEA delay calibrated to %.6f s (saved)", delay);
			g->delay_saved = delay;
		} else {
			log_warn("gps: saving the NMEA delay in %s", sd->conf.state_dir);
			g->delay_saved = delay; /* do not retry every second */
		}
	}
}
