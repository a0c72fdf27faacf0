/*
 * control: a Unix stream socket that answers `status` with one JSON object
 * (what `outpost status` shows).  One request per connection; a client
 * that does not send its request within a second is dropped, so nobody can
 * hold the daemon up.  The socket is mode 0660, owned by the configured
 * group: members may ask, others may not.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "jsonw.h"
#include "log.h"
#include "stratumd.h"
#include "tsmath.h"

#define CONTROL_TIMEOUT_MS 1000

struct control_client {
	struct stratumd *sd;
	int fd;
	ev_timer_id timer;
	char req[64];
	size_t len;
};

static void
client_done(struct control_client *c)
{
	ev_timer_cancel(c->sd->ev, c->timer);
	ev_fd_del(c->sd->ev, c->fd);
	close(c->fd);
	free(c);
}

static void
client_timeout(void *arg)
{
	struct control_client *c = arg;

	c->timer = 0;
	client_done(c);
}

static void
reply(struct control_client *c, const char *text)
{
	size_t len = strlen(text), off = 0;

	/* The answer is small; a client that cannot take it at once loses it. */
	while (off < len) {
		ssize_t n = send(c->fd, text + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
}

static void
on_client(int fd, short revents, void *arg)
{
	struct control_client *c = arg;
	char out[4096];

	(void)revents;
	ssize_t n = recv(fd, c->req + c->len, sizeof(c->req) - 1 - c->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_done(c);
		return;
	}
	c->len += (size_t)n;
	c->req[c->len] = '\0';
	char *nl = strchr(c->req, '\n');
	if (nl == NULL && c->len < sizeof(c->req) - 1)
		return;
	if (nl != NULL)
		*nl = '\0';
	if (strcmp(c->req, "status") == 0 && control_status_json(c->sd, out, sizeof(out)) >= 0)
		reply(c, out);
	else
		reply(c, "{\"error\":\"unknown request; try: status\"}\n");
	client_done(c);
}

static void
on_accept(int fd, short revents, void *arg)
{
	struct stratumd *sd = arg;

	(void)revents;
	int cfd = accept(fd, NULL, NULL);
	if (cfd == -1)
		return;
	struct control_client *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(cfd);
		return;
	}
	c->sd = sd;
	c->fd = cfd;
	if (ev_fd_add(sd->ev, cfd, POLLIN, on_client, c) == -1) {
		close(cfd);
		free(c);
		return;
	}
	c->timer = ev_timer_add(sd->ev, CONTROL_TIMEOUT_MS, client_timeout, c);
}

int
control_open(struct stratumd *sd)
{
	struct sockaddr_un sun;
	const char *path = sd->conf.control_path;

	sd->control_fd = -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("control: socket path too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		log_warn("control: socket");
		return -1;
	}
	unlink(path);
	mode_t old = umask(0117);
	int r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r == -1 || listen(fd, 8) == -1) {
		log_warn("control: %s", path);
		close(fd);
		return -1;
	}
	if (sd->conf.control_group[0] != '\0') {
		struct group *gr = getgrnam(sd->conf.control_group);
		if (gr == NULL || chown(path, (uid_t)-1, gr->gr_gid) == -1) {
			log_warnx("control: %s: cannot give it to group %s", path,
			    sd->conf.control_group);
			close(fd);
			return -1;
		}
	}
	if (ev_fd_add(sd->ev, fd, POLLIN, on_accept, sd) == -1) {
		close(fd);
		return -1;
	}
	sd->control_fd = fd;
	return 0;
}

void
control_close(struct stratumd *sd)
{
	if (sd->control_fd == -1)
		return;
	ev_fd_del(sd->ev, sd->control_fd);
	close(sd->control_fd);
	unlink(sd->conf.control_path);
	sd->control_fd = -1;
}

static double
age(struct timespec mono_then, bool valid)
{
	return valid ? ts_to_double(ts_sub(ts_now_mono(), mono_then)) : -1;
}

int
control_status_json(struct stratumd *sd, char *buf, size_t len)
{
	struct jsonw w;
	struct loop_status st;
	struct ntp_server_state ns;
	struct timespec now;
	const struct stratumd_gps *g = &sd->gps;
	double delay;
	char refid[5];

	clock_now(sd->clock, &now);
	loop_status(&sd->loop, now, &st);
	sync_server_state(sd, &ns);
	memcpy(refid, &(uint32_t){ htonl(ns.refid) }, 4);
	refid[4] = '\0';

	jsonw_init(&w, buf, len);
	jsonw_begin(&w, NULL);
	jsonw_str(&w, "daemon", "stratumd");
	jsonw_double(&w, "uptime", age(sd->started, true), 0);
	jsonw_begin(&w, "sync");
	jsonw_str(&w, "state", loop_state_name(st.state));
	jsonw_bool(&w, "synchronised", ns.synchronised);
	jsonw_int(&w, "stratum", ns.synchronised ? ns.stratum : 16);
	jsonw_str(&w, "refid", refid);
	jsonw_int(&w, "leap", ns.leap);
	jsonw_double(&w, "offset", st.offset, 9);
	jsonw_double(&w, "jitter", st.jitter, 9);
	jsonw_double(&w, "frequency_ppm", st.freq_ppm, 3);
	jsonw_double(&w, "skew_ppm", st.skew_ppm, 3);
	jsonw_double(&w, "error", st.error, 9);
	jsonw_double(&w, "since_update", st.since_update, 1);
	jsonw_int(&w, "updates", (long long)st.updates);
	jsonw_int(&w, "outliers", (long long)st.outliers);
	jsonw_int(&w, "steps", (long long)st.steps);
	jsonw_bool(&w, "clock_control", sd->conf.clock_control);
	jsonw_end(&w);
	jsonw_begin(&w, "gps");
	jsonw_str(&w, "device", sd->conf.gps_device);
	jsonw_bool(&w, "open", g->open);
	jsonw_int(&w, "baud", g->port.opts.baud);
	if (g->fix_status)
		jsonw_strn(&w, "status", &g->fix_status, 1);
	jsonw_int(&w, "quality", g->quality);
	jsonw_int(&w, "sats", g->sats);
	jsonw_int(&w, "sentences", (long long)g->nmea_sentences);
	jsonw_int(&w, "rejected", (long long)g->nmea_rejected);
	jsonw_double(&w, "last_age", age(g->last_nmea, g->nmea_sentences > 0), 1);
	jsonw_end(&w);
	jsonw_begin(&w, "pps");
	jsonw_str(&w, "source", sd->conf.pps_device[0] ? sd->conf.pps_device :
	    sd->conf.pps_socket[0] ? sd->conf.pps_socket : "none");
	jsonw_int(&w, "edges", (long long)g->pps_edges);
	jsonw_int(&w, "used", (long long)g->rc.n_pps_used);
	jsonw_int(&w, "unlocked", (long long)g->rc.n_pps_unlocked);
	jsonw_bool(&w, "in_use", g->use_pps);
	jsonw_double(&w, "last_age", age(g->last_pps, g->pps_edges > 0), 1);
	jsonw_end(&w);
	jsonw_begin(&w, "nmea_delay");
	jsonw_bool(&w, "calibrated", refclock_delay(&g->rc, &delay));
	if (refclock_delay(&g->rc, &delay))
		jsonw_double(&w, "seconds", delay, 6);
	jsonw_int(&w, "measurements", g->rc.ncal);
	jsonw_bool(&w, "seeded", g->rc.delay_seeded);
	jsonw_end(&w);
	jsonw_begin(&w, "server");
	jsonw_int(&w, "received", (long long)sd->server.stats.received);
	jsonw_int(&w, "replied", (long long)sd->server.stats.replied);
	jsonw_int(&w, "kod", (long long)sd->server.stats.kod_sent);
	jsonw_int(&w, "denied", (long long)sd->server.stats.denied);
	jsonw_int(&w, "malformed", (long long)sd->server.stats.malformed);
	jsonw_int(&w, "not_request", (long long)sd->server.stats.not_request);
	jsonw_int(&w, "rate_dropped", (long long)sd->server.stats.rate_dropped);
	jsonw_end(&w);
	jsonw_end(&w);
	int n = jsonw_finish(&w);
	if (n < 0 || (size_t)n + 2 > len)
		return -1;
	buf[n] = '\n';
	buf[n + 1] = '\0';
	return n + 1;
}
