/*
 * oobd: set up, run the loop, clean up.
 *
 * oobd does not fork: run it under systemd (Type=simple) or FreeBSD's
 * daemon(8).  Logs go to syslog, or to stderr with -d.  It stays root:
 * it starts pppd, adds host routes and binds sockets to the cellular
 * interface.  Nothing it receives from the network or by SMS reaches a
 * shell: children are started with execve and argument vectors built from
 * the configuration only.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "oobd.h"
#include "tsmath.h"

static void
usage(void)
{
	fprintf(stderr, "usage: oobd [-dnv] [-f file]\n");
	exit(2);
}

/* ---- the session's ops, all built here ---- */

static void
on_session_timer(void *arg)
{
	struct oobd *d = arg;

	d->session_timer = 0;
	session_tick(&d->session, ts_mono_ms());
}

/* The session says when it must next be ticked. */
static void
op_deadline(void *arg, int64_t at)
{
	struct oobd *d = arg;
	int64_t now = ts_mono_ms();

	ev_timer_cancel(d->ev, d->session_timer);
	d->session_timer = 0;
	if (at != -1)
		d->session_timer = ev_timer_add(d->ev, at > now ? at - now : 0,
		    on_session_timer, d);
}

static int
op_start_link(void *arg, char *why, size_t whylen)
{
	return uplink_start_link(((struct oobd *)arg)->uplink, why, whylen);
}

static int
op_start_check(void *arg, char *why, size_t whylen)
{
	return uplink_start_check(((struct oobd *)arg)->uplink, why, whylen);
}

static int
op_start_tunnel(void *arg, char *why, size_t whylen)
{
	return uplink_start_tunnel(((struct oobd *)arg)->uplink, why, whylen);
}

static void
op_teardown(void *arg)
{
	uplink_teardown(((struct oobd *)arg)->uplink);
}

static void
op_report(void *arg, enum session_report what, const char *reason)
{
	report_session(arg, what, reason);
}

static const struct session_ops session_ops = {
	.start_link = op_start_link,
	.start_check = op_start_check,
	.start_tunnel = op_start_tunnel,
	.teardown = op_teardown,
	.report = op_report,
	.deadline = op_deadline,
};

static void
on_modem_event(void *arg, const struct modem_event *ev)
{
	struct oobd *d = arg;

	switch (ev->kind) {
	case MODEM_EV_SMS:
		activation_on_sms(d, ev->sms);
		break;
	case MODEM_EV_READY:
		log_info("modem: ready");
		outbox_flush(d);
		break;
	case MODEM_EV_SENT:
		if (!ev->ok)
			log_warnx("modem: %s", ev->msg ? ev->msg : "an SMS was not sent");
		break;
	case MODEM_EV_STATUS:
		break;
	case MODEM_EV_GONE:
		if (d->modem_lent) {
			log_info("modem: the port is the link's until it is down");
			break;
		}
		log_warnx("modem: %s", ev->msg ? ev->msg : "gone");
		break;
	case MODEM_EV_FAILED:
	case MODEM_EV_SMS_BAD:
	case MODEM_EV_UNRESPONSIVE:
	case MODEM_EV_WARNING:
		log_warnx("modem: %s", ev->msg ? ev->msg : "trouble");
		break;
	}
}

static void
on_modem_notice(void *arg, enum modem_io_notice n, const char *msg)
{
	(void)arg;
	if (n == MODEM_IO_REOPENED)
		log_info("modem: %s", msg);
	else
		log_warnx("modem: %s", msg);
}

static void
on_notify_result(const struct notify_result *r, void *arg)
{
	struct oobd *d = arg;

	if (r->ok) {
		d->counts.pushes_sent++;
		log_info("notify: %s %s: sent to %s", r->kind, r->event, r->host);
	} else {
		d->counts.pushes_failed++;
		log_warnx("notify: %s %s: %s", r->kind, r->event, r->error);
	}
}

static void
on_stop(int signo, void *arg)
{
	struct oobd *d = arg;

	log_info("signal %d: stopping", signo);
	ev_break(d->ev);
}

/* SIGHUP: what can change without dropping a session or a console does;
 * the rest needs a restart, and the log says so. */
static void
on_hup(int signo, void *arg)
{
	struct oobd *d = arg;
	static struct oobd_conf nc;	/* large */
	char err[CFG_ERRLEN];

	(void)signo;
	conf_defaults(&nc);
	if (conf_load(&nc, d->conf_path, err, sizeof(err)) == -1) {
		log_warnx("SIGHUP: %s; keeping the old configuration", err);
		notify_conf_clear(&nc.notify);
		return;
	}
	if (activation_load_auth(d, &nc) == -1)
		log_warnx("SIGHUP: keeping the old senders and secret");
	d->session.conf = nc.session;
	memcpy(d->conf.owner, nc.owner, sizeof(nc.owner));
	struct notifier *n = notify_new(d->ev, d->children, &nc.notify, err, sizeof(err));
	if (n == NULL) {
		log_warnx("SIGHUP: notify: %s; keeping the old targets", err);
	} else {
		notify_free(d->notifier);
		d->notifier = n;
		notify_on_result(n, on_notify_result, d);
	}
	notify_conf_clear(&nc.notify);
	log_info("SIGHUP: senders, codes, owner, session limits and push targets reloaded; "
	    "modem, link, tunnel and console settings need a restart");
}

static void
setup_auth(struct oobd *d)
{
	char path[PATH_MAX], err[CFG_ERRLEN];

	auth_init(&d->auth);
	if (activation_load_auth(d, &d->conf) == -1)
		exit(1);
	snprintf(path, sizeof(path), "%s/auth.state", d->conf.state_dir);
	if (auth_state_load(&d->auth, path, err, sizeof(err)) == -1)
		fatalx("%s (move it away to start afresh: codes could then be replayed)", err);
}

static void
setup_modem(struct oobd *d)
{
	struct modem_io_opts opts = {
		.device = d->conf.modem_port,
		.pin_file = d->conf.modem_pin_file[0] ? d->conf.modem_pin_file : NULL,
		.status_every_ms = d->conf.modem_status_ms,
	};
	struct modem_io_hooks hooks = { on_modem_event, on_modem_notice, d };
	char err[256];

	d->modem = modem_io_open(d->ev, &opts, &hooks, err, sizeof(err));
	if (d->modem == NULL)
		fatalx("modem: %s", err);
}

static void
setup(struct oobd *d)
{
	char err[CFG_ERRLEN];

	if (mkdir(d->conf.state_dir, 0700) == -1 && errno != EEXIST)
		fatal("%s", d->conf.state_dir);
	if (mkdir(d->conf.run_dir, 0700) == -1 && errno != EEXIST)
		fatal("%s", d->conf.run_dir);
	setup_auth(d);
	if ((d->children = child_set_new(d->ev, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if ((d->uplink = uplink_new(d, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	struct session_ops ops = session_ops;
	ops.arg = d;
	session_init(&d->session, &d->conf.session, &ops);
	if ((d->notifier = notify_new(d->ev, d->children, &d->conf.notify, err,
	    sizeof(err))) == NULL)
		fatalx("notify: %s", err);
	notify_on_result(d->notifier, on_notify_result, d);
	if ((d->consoles = console_server_start(d->ev, &d->conf.console, err,
	    sizeof(err))) == NULL)
		fatalx("console: %s", err);
	if (control_open(d, err, sizeof(err)) == -1)
		fatalx("control: %s", err);
	web_open(d);
	setup_modem(d);
}

int
main(int argc, char **argv)
{
	static struct oobd d;	/* large: not on the stack */
	char err[CFG_ERRLEN];
	bool check_only = false;
	enum log_level level = LOG_LVL_INFO;
	int ch;

	d.conf_path = OOBD_CONF;
	while ((ch = getopt(argc, argv, "df:nv")) != -1) {
		switch (ch) {
		case 'd': d.foreground = true; break;
		case 'f': d.conf_path = optarg; break;
		case 'n': check_only = true; break;
		case 'v': level = LOG_LVL_DEBUG; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("oobd", d.foreground || check_only, level);

	conf_defaults(&d.conf);
	if (conf_load(&d.conf, d.conf_path, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (check_only) {
		fprintf(stderr, "%s: configuration OK\n", d.conf_path);
		return 0;
	}

	d.started_ms = ts_mono_ms();
	signal(SIGPIPE, SIG_IGN);
	if ((d.ev = ev_new()) == NULL)
		fatal("event loop");
	ev_signal(d.ev, SIGTERM, on_stop, &d);
	ev_signal(d.ev, SIGINT, on_stop, &d);
	ev_signal(d.ev, SIGHUP, on_hup, &d);
	setup(&d);
	report_restore(&d);
	log_info("started: modem %s, relay %s, %d allowed sender%s", d.conf.modem_port,
	    d.conf.relay_host, d.conf.nsenders, d.conf.nsenders == 1 ? "" : "s");

	if (ev_run(d.ev) == -1)
		log_warn("event loop");

	uplink_free(d.uplink);		/* stops the tunnel and the link */
	modem_io_close(d.modem);
	web_close(&d);
	control_close(&d);
	console_server_stop(d.consoles);
	notify_free(d.notifier);	/* kills the pushes still going */
	child_set_free(d.children);
	notify_conf_clear(&d.conf.notify);
	auth_wipe(&d.auth);
	ev_free(d.ev);
	log_info("stopped");
	return 0;
}
