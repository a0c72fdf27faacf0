/*
 * stratumd: set up, drop privileges, run the loop, clean up.
 *
 * stratumd does not fork: run it under systemd (Type=simple) or FreeBSD's
 * daemon(8).  Logs go to syslog, or to stderr with -d.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "privdrop.h"
#include "stratumd.h"
#include "tsmath.h"

#define TICK_MS 1000

static void
usage(void)
{
	fprintf(stderr, "usage: stratumd [-dnvx] [-f file]\n");
	exit(2);
}

static struct timespec
server_now(void *arg)
{
	struct stratumd *sd = arg;
	struct timespec t;

	if (clock_now(sd->clock, &t) == -1)
		t = ts_now_real();
	return t;
}

static void
on_ntp(int fd, short revents, void *arg)
{
	struct stratumd *sd = arg;
	struct ntp_server_state st;

	(void)revents;
	sync_server_state(sd, &st);
	if (ntps_serve(&sd->server, fd, &st, ts_mono_ms()) == -1)
		log_warn("ntp: receive");
}

static void
on_tick(void *arg)
{
	struct stratumd *sd = arg;

	if (sd->have_gps)
		gps_tick(sd);
	sources_tick(sd);
	leap_tick(sd);
	sync_tick(sd);
	web_tick(sd);
	ev_timer_add(sd->ev, TICK_MS, on_tick, sd);
}

static void
on_stop(int signo, void *arg)
{
	struct stratumd *sd = arg;

	log_info("signal %d: stopping", signo);
	ev_break(sd->ev);
}

static void
on_hup(int signo, void *arg)
{
	(void)signo;
	(void)arg;
	/* Statistics files are opened for every line, so rotation needs
	 * nothing from us; say so rather than do something surprising. */
	log_info("SIGHUP: statistics files are reopened on every write; nothing to do");
}

static void
setup_clock(struct stratumd *sd)
{
	struct driftfile drift;
	char path[PATH_MAX];
	bool have_drift;

	if (sd->conf.clock_control) {
		if (clock_sys_open(&sd->clock_sys) == -1)
			fatal("taking control of the system clock (run with -x to serve without)");
		sd->clock = &sd->clock_sys.clock;
	} else {
		clock_ro_init(&sd->clock_ro);
		sd->clock = &sd->clock_ro.clock;
	}
	snprintf(path, sizeof(path), "%s/drift", sd->conf.state_dir);
	have_drift = driftfile_load(path, &drift) == 0;
	if (have_drift)
		log_info("clock: frequency %.3f ppm from %s", drift.freq_ppm, path);
	if (disc_init(&sd->disc, &sd->conf.disc, sd->clock, have_drift ? &drift : NULL) == -1)
		fatal("discipline");
	sd->precision = sync_measure_precision();
	log_info("clock: %s, precision 2^%d s", clock_name(sd->clock), sd->precision);
}

static void
setup_server(struct stratumd *sd)
{
	char err[256];

	if (sd->conf.ratelimit) {
		sd->rl = rl_new(65536, &sd->conf.rl, ((uint64_t)getpid() << 32) ^
		    (uint64_t)ts_now_real().tv_nsec);
		if (sd->rl == NULL)
			fatal("rate limiter");
	}
	if (sd->conf.query_ratelimit) {
		/* Only networks with `allow ... query` get answers worth limiting,
		 * and every other address only a header: a small table will do. */
		sd->query_rl = rl_new(4096, &sd->conf.query_rl, ((uint64_t)getpid() << 32) ^
		    (uint64_t)ts_now_real().tv_nsec ^ 0x9e3779b97f4a7c15u);
		if (sd->query_rl == NULL)
			fatal("rate limiter");
	}
	ntps_init(&sd->server, &sd->conf.acl, sd->rl, server_now, sd);
	sd->server.control = query_answer;
	sd->server.control_arg = sd;
	for (int i = 0; i < sd->conf.nlisten; i++) {
		int fd = ntps_listen(&sd->server, sd->conf.listen[i], sd->conf.port, err,
		    sizeof(err));
		if (fd == -1) {
			/* No IPv6 on this host is no reason not to serve IPv4. */
			if (strcmp(sd->conf.listen[i], "::") == 0 && sd->conf.nlisten > 1) {
				log_warnx("ntp: %s (IPv6 not served)", err);
				continue;
			}
			fatalx("ntp: %s", err);
		}
		if (ev_fd_add(sd->ev, fd, POLLIN, on_ntp, sd) == -1)
			fatal("ntp: event loop");
		log_info("ntp: serving on %s port %u", sd->conf.listen[i], sd->conf.port);
	}
}

int
main(int argc, char **argv)
{
	static struct stratumd sd; /* large (NTP batch buffers): not on the stack */
	char err[CFG_ERRLEN];
	bool check_only = false, no_clock = false;
	enum log_level level = LOG_LVL_INFO;
	int ch;

	sd.conf_path = STRATUMD_CONF;
	while ((ch = getopt(argc, argv, "df:nvx")) != -1) {
		switch (ch) {
		case 'd': sd.foreground = true; break;
		case 'f': sd.conf_path = optarg; break;
		case 'n': check_only = true; break;
		case 'v': level = LOG_LVL_DEBUG; break;
		case 'x': no_clock = true; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("stratumd", sd.foreground || check_only, level);

	conf_defaults(&sd.conf);
	if (conf_load(&sd.conf, sd.conf_path, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (no_clock)
		sd.conf.clock_control = false;
	if (check_only) {
		fprintf(stderr, "%s: configuration OK\n", sd.conf_path);
		return 0;
	}

	sd.started = ts_now_mono();
	sd.last_drift_save = sd.started;
	signal(SIGPIPE, SIG_IGN);
	if ((sd.ev = ev_new()) == NULL)
		fatal("event loop");
	ev_signal(sd.ev, SIGTERM, on_stop, &sd);
	ev_signal(sd.ev, SIGINT, on_stop, &sd);
	ev_signal(sd.ev, SIGHUP, on_hup, &sd);

	setup_clock(&sd);
	leap_init(&sd);
	sd.have_gps = sd.conf.gps_device[0] != '\0';
	if (sd.have_gps && gps_open(&sd) == -1)
		fatalx("cannot start without the receiver");
	setup_server(&sd);
	if (sources_open(&sd) == -1)
		fatalx("ntp: cannot ask upstream servers");
	if (control_open(&sd) == -1 || export_open(&sd) == -1)
		fatalx("cannot start");
	web_open(&sd);
	if (sd.conf.user[0] != '\0' && geteuid() == 0) {
		if (privdrop(sd.conf.user, sd.conf.clock_control, err, sizeof(err)) == -1)
			fatalx("%s", err);
		log_info("running as %s", sd.conf.user);
	}
	ev_timer_add(sd.ev, TICK_MS, on_tick, &sd);
	log_info("started (%s)", sd.conf.clock_control ? "steering the clock" :
	    "clock control off: measuring only");

	if (ev_run(sd.ev) == -1)
		log_warn("event loop");

	sync_save(&sd);
	sources_close(&sd);
	if (sd.have_gps)
		gps_close(&sd);
	control_close(&sd);
	web_close(&sd);
	export_close(&sd);
	ntps_close(&sd.server);
	rl_free(sd.rl);
	rl_free(sd.query_rl);
	ev_free(sd.ev);
	log_info("stopped");
	return 0;
}
