/*
 * cmd_modem: outpost modem at|info|modem-only|watch -- talk to a USB modem's AT port.
 *
 *   at DEVICE COMMAND    send one command, print the reply lines and the
 *                        final result (what people do with cu -l)
 *   info DEVICE          identity, SIM, signal, registration, operator,
 *                        2G/3G and port roles, in words
 *   modem-only DEVICE    AT^U2DIAG=0: the stick stops presenting its
 *                        CD-ROM and SD card (after a confirmation)
 *   watch DEVICE         run the driver (modem/modem_io.h) as oobd will:
 *                        one line per event, each SMS as JSON, until a
 *                        signal or --seconds; the SMS are then deleted
 *
 * at, info and modem-only drive the AT engine (modem/at.h) directly: the
 * port is opened raw and locked, every byte read goes to at_feed(), the
 * clock to at_tick().  Unsolicited codes (^RSSI, ^BOOT, ...) are shown on
 * stderr, marked.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "at.h"
#include "evloop.h"
#include "jsonw.h"
#include "modem.h"
#include "modem_io.h"
#include "outpost.h"
#include "serial.h"
#include "sms.h"
#include "tsmath.h"

#define DEFAULT_TIMEOUT 5.0
#define MODEM_BAUD 115200	/* USB modems ignore it; ptys too */

struct modem_args {
	const char	*pos[3];
	int		n_pos;
	double		timeout;
	bool		yes;
};

/* One open AT port and what the engine reported. */
struct port {
	struct serial_port	sp;
	const char		*dev;
	struct at_engine	at;
	bool			gone;
	bool			print_lines;	/* `at`: reply lines to stdout */
	size_t			answered;	/* commands that got a final result */
	/* the last completed command */
	enum at_status		status;
	char			what[256];
	char			cmd[AT_CMD_MAX + 1];
	/* `info`: what the modem told, and why a query failed */
	struct modem_status	st;
	char			why[MODEM_Q_COUNT][256];
};

static int
usage(FILE *f)
{
	fprintf(f, "usage: outpost modem at DEVICE COMMAND [--timeout S]\n"
		   "       outpost modem info DEVICE [--timeout S]\n"
		   "       outpost modem modem-only DEVICE [--yes] [--timeout S]\n"
		   "       outpost modem watch DEVICE [--pin-file F] [--seconds N] [--json]\n"
		   "                           [--timeout S] [--poll S]\n");
	return f == stdout ? 0 : EXIT_USAGE;
}

static int
parse_args(int argc, char **argv, int max_pos, bool allow_yes, struct modem_args *a)
{
	memset(a, 0, sizeof(*a));
	a->timeout = DEFAULT_TIMEOUT;
	for (int i = 0; i < argc; i++) {
		const char *val;
		char *end;

		if (strcmp(argv[i], "--yes") == 0 && allow_yes) {
			a->yes = true;
			continue;
		}
		if (strncmp(argv[i], "--timeout", 9) == 0 &&
		    (argv[i][9] == '\0' || argv[i][9] == '=')) {
			if (argv[i][9] == '=')
				val = argv[i] + 10;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return usage(stderr);
			errno = 0;
			a->timeout = strtod(val, &end);
			if (errno != 0 || end == val || *end != '\0' || !isfinite(a->timeout) ||
			    a->timeout < 0.1 || a->timeout > 600) {
				fprintf(stderr, "%s modem: --timeout '%s': seconds from 0.1 to 600\n",
				    outpost_progname, val);
				return EXIT_USAGE;
			}
			continue;
		}
		if (strncmp(argv[i], "--", 2) == 0) {
			fprintf(stderr, "%s modem: unknown option %s\n", outpost_progname, argv[i]);
			return usage(stderr);
		}
		if (a->n_pos == max_pos)
			return usage(stderr);
		a->pos[a->n_pos++] = argv[i];
	}
	return a->n_pos == max_pos ? 0 : usage(stderr);
}

/* ---- the port ---- */

static void
port_write(void *arg, const void *data, size_t len)
{
	struct port *p = arg;
	const char *d = data;
	size_t done = 0;
	int64_t give_up = ts_mono_ms() + 2000;

	while (done < len && !p->gone && ts_mono_ms() < give_up) {
		struct pollfd pfd = { p->sp.fd, POLLOUT, 0 };
		ssize_t w;

		if (poll(&pfd, 1, 100) < 0 && errno != EINTR)
			break;
		w = write(p->sp.fd, d + done, len - done);
		if (w > 0)
			done += (size_t)w;
		else if (w < 0 && errno != EAGAIN && errno != EINTR)
			break;
	}
	/* a short write shows up as a timeout: the engine does not retry */
}

static void
port_done(void *arg, const struct at_cmd *c, const struct at_reply *r)
{
	struct port *p = arg;

	p->status = r->status;
	at_cmd_display(c, p->cmd, sizeof(p->cmd));
	at_reply_describe(c, r, p->what, sizeof(p->what));
	if (r->status != AT_TIMEOUT && r->status != AT_CANCELLED)
		p->answered++;
	if (p->print_lines) {
		for (size_t i = 0; i < r->nlines; i++)
			printf("%s\n", at_reply_line(r, i));
		if (r->final[0] != '\0')
			printf("%s\n", r->final);
		if (r->truncated)
			fprintf(stderr, "%s modem: %s: the reply was longer than shown\n",
			    outpost_progname, p->dev);
		return;
	}
	if (c->tag >= 0 && c->tag < MODEM_Q_COUNT &&
	    modem_status_apply(&p->st, (enum modem_query)c->tag, r) < 0)
		snprintf(p->why[c->tag], sizeof(p->why[0]), "%s", p->what);
}

static void
port_urc(void *arg, const struct at_urc *u)
{
	struct port *p = arg;

	fprintf(stderr, "%s modem: %s: (unsolicited) %s%s%s\n", outpost_progname, p->dev,
	    u->line, u->body != NULL ? " " : "", u->body != NULL ? u->body : "");
}

static int
port_open(struct port *p, const char *dev)
{
	struct serial_opts o;
	struct at_hooks h = { port_write, port_done, port_urc, p };
	char err[SERIAL_ERRLEN];

	memset(p, 0, sizeof(*p));
	serial_opts_default(&o);
	o.baud = MODEM_BAUD;
	o.uucp_lock = true;
	if (serial_open(&p->sp, dev, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s modem: %s\n", outpost_progname, err);
		return -1;
	}
	p->dev = dev;
	tcflush(p->sp.fd, TCIFLUSH);	/* old URCs and answers nobody read */
	at_init(&p->at, &h);
	return 0;
}

/* Run until every queued command completed; -1 if the device went away. */
static int
port_run(struct port *p)
{
	uint8_t buf[512];

	while (at_busy(&p->at)) {
		int64_t deadline = at_next_deadline(&p->at), wait = deadline - ts_mono_ms();
		struct pollfd pfd = { p->sp.fd, POLLIN, 0 };
		ssize_t n;

		if (wait < 0)
			wait = 0;
		if (poll(&pfd, 1, (int)wait + 1) < 0 && errno != EINTR)
			return -1;
		if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
			n = read(p->sp.fd, buf, sizeof(buf));
			if (n > 0) {
				at_feed(&p->at, buf, (size_t)n, ts_mono_ms());
			} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				if (serial_gone((int)n, errno)) {
					fprintf(stderr, "%s modem: %s: the device went away\n",
					    outpost_progname, p->dev);
					p->gone = true;
					at_reset(&p->at);
					return -1;
				}
			}
		}
		at_tick(&p->at, ts_mono_ms());
	}
	return 0;
}

static int
port_send(struct port *p, const char *cmd, double timeout, int tag)
{
	if (at_send(&p->at, ts_mono_ms(), cmd, NULL, (int64_t)(timeout * 1000), tag, NULL) < 0) {
		fprintf(stderr, "%s modem: %s: cannot send '%s': %s\n", outpost_progname, p->dev,
		    cmd, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- at ---- */

static bool
valid_command(const char *cmd)
{
	size_t n = strlen(cmd);

	if (n < 2 || n > AT_CMD_MAX || strncasecmp(cmd, "AT", 2) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)cmd[i] < 0x20 || (unsigned char)cmd[i] > 0x7e)
			return false;
	return true;
}

static int
cmd_at(int argc, char **argv)
{
	struct modem_args a;
	struct port *p;
	int rc;

	if ((rc = parse_args(argc, argv, 2, false, &a)) != 0)
		return rc;
	if (!valid_command(a.pos[1])) {
		fprintf(stderr, "%s modem: '%s': a command starts with AT and holds printable "
				"ASCII only (at most %d characters)\n",
		    outpost_progname, a.pos[1], AT_CMD_MAX);
		return EXIT_USAGE;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL || port_open(p, a.pos[0]) < 0) {
		free(p);
		return 1;
	}
	p->print_lines = true;
	rc = 1;
	if (port_send(p, a.pos[1], a.timeout, -1) == 0 && port_run(p) == 0) {
		if (p->status == AT_OK)
			rc = 0;
		else
			fprintf(stderr, "%s modem: %s: %s: %s\n", outpost_progname, p->dev, p->cmd,
			    p->what);
	}
	fflush(stdout);
	serial_close(&p->sp);
	free(p);
	return rc;
}

/* ---- info ---- */

static void
line(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
line(const char *label, const char *fmt, ...)
{
	va_list ap;

	printf("%-14s", label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char *
why(const struct port *p, enum modem_query q)
{
	return p->why[q][0] != '\0' ? p->why[q] : "no answer";
}

static void
print_ident(const struct port *p, const char *label, const char *value, enum modem_query q)
{
	if (value[0] != '\0')
		line(label, "%s", value);
	else
		line(label, "unknown (%s: %s)", modem_query_command(q), why(p, q));
}

static void
print_ports(const struct port *p)
{
	const struct at_portmode *pm = &p->st.ports;
	char buf[512];
	size_t n = 0;

	if (!p->st.have_ports) {
		line("ports:", "not reported (AT^GETPORTMODE: %s)", why(p, MODEM_Q_PORTS));
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < pm->n && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s on interface %d",
		    i > 0 ? ", " : "", at_port_role_name(pm->p[i].role), pm->p[i].iface);
	line("ports:", "%s", buf);
}

static void
print_info(const struct port *p)
{
	const struct modem_status *st = &p->st;
	char net[64];

	line("device:", "%s", p->dev);
	print_ident(p, "manufacturer:", st->maker, MODEM_Q_MAKER);
	print_ident(p, "model:", st->model, MODEM_Q_MODEL);
	print_ident(p, "revision:", st->revision, MODEM_Q_REVISION);
	print_ident(p, "IMEI:", st->imei, MODEM_Q_IMEI);
	if (st->have_pin)
		line("SIM:", "%s", at_pin_name(st->pin));
	else
		line("SIM:", "not usable (AT+CPIN?: %s)", why(p, MODEM_Q_PIN));
	if (st->have_csq && st->csq.known)
		line("signal:", "%d dBm, %s (+CSQ %d)", st->csq.dbm, modem_signal_words(&st->csq),
		    st->csq.rssi);
	else if (st->have_csq)
		line("signal:", "none measured (+CSQ 99)");
	else
		line("signal:", "unknown (AT+CSQ: %s)", why(p, MODEM_Q_CSQ));
	if (st->have_creg)
		line("registration:", "%s", at_creg_stat_name(st->creg.stat));
	else
		line("registration:", "unknown (AT+CREG?: %s)", why(p, MODEM_Q_CREG));
	if (st->have_cops && st->cops.format >= 0)
		line("operator:", "%s", st->cops.oper);
	else if (st->have_cops)
		line("operator:", "none");
	else
		line("operator:", "unknown (AT+COPS?: %s)", why(p, MODEM_Q_COPS));
	modem_status_network(st, net, sizeof(net));
	line("network:", "%s", net);
	print_ports(p);
}

static int
cmd_info(int argc, char **argv)
{
	struct modem_args a;
	struct port *p;
	int rc;

	if ((rc = parse_args(argc, argv, 1, false, &a)) != 0)
		return rc;
	if ((p = calloc(1, sizeof(*p))) == NULL || port_open(p, a.pos[0]) < 0) {
		free(p);
		return 1;
	}
	rc = 1;
	for (int q = 0; q < MODEM_Q_COUNT; q++)
		if (port_send(p, modem_query_command((enum modem_query)q), a.timeout, q) < 0)
			goto out;
	if (port_run(p) < 0)
		goto out;
	if (p->answered == 0) {
		fprintf(stderr, "%s modem: %s: no answer to any command: is it the AT (PC UI) "
				"port, and is the modem on?\n",
		    outpost_progname, p->dev);
		goto out;
	}
	print_info(p);
	rc = 0;
out:
	fflush(stdout);
	serial_close(&p->sp);
	free(p);
	return rc;
}

/* ---- modem-only ---- */

static bool
confirmed(const char *dev)
{
	char answer[16];

	fprintf(stderr, "Send AT^U2DIAG=0 to %s? [yes/no] ", dev);
	if (fgets(answer, sizeof(answer), stdin) == NULL)
		return false;
	answer[strcspn(answer, "\r\n")] = '\0';
	return strcasecmp(answer, "yes") == 0 || strcasecmp(answer, "y") == 0;
}

static int
cmd_modem_only(int argc, char **argv)
{
	struct modem_args a;
	struct port *p;
	int rc;

	if ((rc = parse_args(argc, argv, 1, true, &a)) != 0)
		return rc;
	fprintf(stderr,
	    "This sends AT^U2DIAG=0 to %s.  A Huawei stick then stops presenting its\n"
	    "virtual CD-ROM (the driver installer) and its SD card reader, so that it comes\n"
	    "up as a modem right away, without usb_modeswitch.  The setting is kept in the\n"
	    "stick and takes effect the next time it starts (unplug it and plug it back).\n"
	    "AT^U2DIAG=255 brings the CD-ROM and the card reader back on most sticks.\n",
	    a.pos[0]);
	if (!a.yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "%s modem: not a terminal: give --yes to go ahead\n",
			    outpost_progname);
			return EXIT_USAGE;
		}
		if (!confirmed(a.pos[0])) {
			fprintf(stderr, "%s modem: nothing sent\n", outpost_progname);
			return 1;
		}
	}
	if ((p = calloc(1, sizeof(*p))) == NULL || port_open(p, a.pos[0]) < 0) {
		free(p);
		return 1;
	}
	rc = 1;
	if (port_send(p, "AT^U2DIAG=0", a.timeout, -1) == 0 && port_run(p) == 0) {
		if (p->status == AT_OK) {
			printf("%s: modem only from its next start\n", p->dev);
			rc = 0;
		} else {
			fprintf(stderr, "%s modem: %s: %s: %s\n", outpost_progname, p->dev, p->cmd,
			    p->what);
		}
	}
	fflush(stdout);
	serial_close(&p->sp);
	free(p);
	return rc;
}

/* ---- watch ---- */

#define WATCH_POLL_DEFAULT	30.0	/* seconds between status polls */

struct watch_args {
	const char	*dev;
	const char	*pin_file;
	double		seconds;	/* 0: until a signal */
	double		timeout;
	double		poll;
	bool		json;
};

struct watch {
	struct ev_loop		*loop;
	struct modem_io_port	*port;
	const char		*dev;
	bool			json;
	bool			ever_ready;
	bool			failed_early;	/* init failed before the first ready */
	char			status[512];	/* the last status line printed */
};

/* A number of seconds in lo..hi from an option's value. */
static int
seconds_value(const char *opt, const char *val, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(val, &end);
	if (errno != 0 || end == val || *end != '\0' || !isfinite(*out) || *out < lo ||
	    *out > hi) {
		fprintf(stderr, "%s modem watch: %s '%s': seconds from %g to %g\n",
		    outpost_progname, opt, val, lo, hi);
		return EXIT_USAGE;
	}
	return 0;
}

static int
parse_watch_args(int argc, char **argv, struct watch_args *a)
{
	memset(a, 0, sizeof(*a));
	a->timeout = DEFAULT_TIMEOUT;
	a->poll = WATCH_POLL_DEFAULT;
	for (int i = 0; i < argc; i++) {
		bool missing = false;
		const char *v;
		int rc = 0;

		if (strcmp(argv[i], "--json") == 0) {
			a->json = true;
			continue;
		}
		if ((v = outpost_option(argc, argv, &i, "--pin-file", &missing)) != NULL) {
			a->pin_file = v;
			continue;
		}
		if ((v = outpost_option(argc, argv, &i, "--seconds", &missing)) != NULL)
			rc = seconds_value("--seconds", v, 0.1, 31536000, &a->seconds);
		else if ((v = outpost_option(argc, argv, &i, "--timeout", &missing)) != NULL)
			rc = seconds_value("--timeout", v, 0.1, 600, &a->timeout);
		else if ((v = outpost_option(argc, argv, &i, "--poll", &missing)) != NULL)
			rc = seconds_value("--poll", v, 1, 86400, &a->poll);
		if (rc != 0)
			return rc;
		if (v != NULL)
			continue;
		if (missing || strncmp(argv[i], "--", 2) == 0 || a->dev != NULL) {
			if (!missing && strncmp(argv[i], "--", 2) == 0)
				fprintf(stderr, "%s modem: unknown option %s\n", outpost_progname,
				    argv[i]);
			return usage(stderr);
		}
		a->dev = argv[i];
	}
	return a->dev != NULL ? 0 : usage(stderr);
}

static void
watch_print(const char *line)
{
	puts(line);
	fflush(stdout);
}

/* "<kind>: <message>", or {"event":kind,"device":dev,"message":msg}. */
static void
watch_say(struct watch *w, const char *kind, const char *msg)
{
	char buf[MODEM_MSG_MAX + 128];
	struct jsonw j;

	if (!w->json) {
		snprintf(buf, sizeof(buf), "%s: %s", kind, msg != NULL ? msg : w->dev);
		watch_print(buf);
		return;
	}
	jsonw_init(&j, buf, sizeof(buf));
	jsonw_begin(&j, NULL);
	jsonw_str(&j, "event", kind);
	jsonw_str(&j, "device", w->dev);
	if (msg != NULL)
		jsonw_str(&j, "message", msg);
	jsonw_end(&j);
	if (jsonw_finish(&j) >= 0)
		watch_print(buf);
}

/* Signal, registration, operator and network in words. */
static void
status_words(const struct modem_status *st, char *buf, size_t len)
{
	char sig[64], net[64];
	const char *oper = "unknown";

	if (!st->have_csq)
		snprintf(sig, sizeof(sig), "signal unknown");
	else if (!st->csq.known)
		snprintf(sig, sizeof(sig), "no signal");
	else
		snprintf(sig, sizeof(sig), "signal %d dBm (%s)", st->csq.dbm,
		    modem_signal_words(&st->csq));
	if (st->have_cops)
		oper = st->cops.format >= 0 ? st->cops.oper : "none";
	modem_status_network(st, net, sizeof(net));
	snprintf(buf, len, "%s, %s, operator %s, network %s", sig,
	    st->have_creg ? at_creg_stat_name(st->creg.stat) : "registration unknown", oper, net);
}

static void
watch_status(struct watch *w, const struct modem_status *st)
{
	char words[sizeof(w->status)], buf[1024], net[64];
	struct jsonw j;

	status_words(st, words, sizeof(words));
	if (strcmp(words, w->status) == 0)
		return;	/* polls repeat; only changes are news */
	snprintf(w->status, sizeof(w->status), "%s", words);
	if (!w->json) {
		snprintf(buf, sizeof(buf), "status: %s: %s", w->dev, words);
		watch_print(buf);
		return;
	}
	modem_status_network(st, net, sizeof(net));
	jsonw_init(&j, buf, sizeof(buf));
	jsonw_begin(&j, NULL);
	jsonw_str(&j, "event", "status");
	jsonw_str(&j, "device", w->dev);
	if (st->have_csq && st->csq.known)
		jsonw_int(&j, "signal_dbm", st->csq.dbm);
	else
		jsonw_null(&j, "signal_dbm");
	jsonw_str(&j, "signal", st->have_csq ? modem_signal_words(&st->csq) : "unknown");
	jsonw_str(&j, "registration",
	    st->have_creg ? at_creg_stat_name(st->creg.stat) : "unknown");
	if (st->have_cops && st->cops.format >= 0)
		jsonw_str(&j, "operator", st->cops.oper);
	else
		jsonw_null(&j, "operator");
	jsonw_str(&j, "network", net);
	jsonw_end(&j);
	if (jsonw_finish(&j) >= 0)
		watch_print(buf);
}

/* The SMS as `outpost sms decode` prints it, or inside an event object. */
static void
watch_sms(struct watch *w, const struct modem_event *ev)
{
	char buf[4 * SMS_TEXT_MAX + 1024], why[128];
	struct jsonw j;
	int rc;

	jsonw_init(&j, buf, sizeof(buf));
	if (w->json) {
		jsonw_begin(&j, NULL);
		jsonw_str(&j, "event", "sms");
		jsonw_str(&j, "device", w->dev);
		jsonw_int(&j, "index", ev->index);
		rc = sms_json_write(&j, "sms", ev->sms);
		jsonw_end(&j);
	} else {
		rc = sms_json_write(&j, NULL, ev->sms);
	}
	if (rc == 0 && jsonw_finish(&j) >= 0) {
		watch_print(buf);
		return;
	}
	snprintf(why, sizeof(why), "%s: message %d: cannot show it (bad time stamp)", w->dev,
	    ev->index);
	watch_say(w, "sms-bad", why);
}

static const char *const watch_event_names[] = {
	[MODEM_EV_READY] = "ready",
	[MODEM_EV_FAILED] = "failed",
	[MODEM_EV_STATUS] = "status",
	[MODEM_EV_SMS] = "sms",
	[MODEM_EV_SMS_BAD] = "sms-bad",
	[MODEM_EV_SENT] = "sent",
	[MODEM_EV_UNRESPONSIVE] = "unresponsive",
	[MODEM_EV_GONE] = "gone",
	[MODEM_EV_WARNING] = "warning",
};

static void
watch_event(void *arg, const struct modem_event *ev)
{
	struct watch *w = arg;

	switch (ev->kind) {
	case MODEM_EV_STATUS:
		if (w->port != NULL)
			watch_status(w, &modem_io_modem(w->port)->st);
		return;
	case MODEM_EV_SMS:
		watch_sms(w, ev);
		return;
	case MODEM_EV_READY:
		w->ever_ready = true;
		w->status[0] = '\0';	/* say it again after a restart */
		break;
	case MODEM_EV_FAILED:
		if (!w->ever_ready) {
			w->failed_early = true;
			ev_break(w->loop);
		}
		break;
	default:
		break;
	}
	if ((size_t)ev->kind < sizeof(watch_event_names) / sizeof(watch_event_names[0]))
		watch_say(w, watch_event_names[ev->kind], ev->msg);
}

static void
watch_notice(void *arg, enum modem_io_notice n, const char *msg)
{
	static const char *const names[] = {
		[MODEM_IO_RESET] = "reset",
		[MODEM_IO_REOPENED] = "reopened",
		[MODEM_IO_WARNING] = "warning",
	};

	watch_say(arg, names[n], msg);
}

static void
watch_stop(void *arg)
{
	ev_break(arg);
}

static void
watch_signal(int signo, void *arg)
{
	(void)signo;
	ev_break(arg);
}

static int
cmd_watch(int argc, char **argv)
{
	struct watch_args a;
	struct watch w;
	struct modem_io_opts o;
	struct modem_io_hooks h = { watch_event, watch_notice, &w };
	struct modem_io_port *p;
	char err[SERIAL_ERRLEN + MODEM_MSG_MAX];
	int rc;

	if ((rc = parse_watch_args(argc, argv, &a)) != 0)
		return rc;
	memset(&w, 0, sizeof(w));
	w.dev = a.dev;
	w.json = a.json;
	if ((w.loop = ev_new()) == NULL) {
		fprintf(stderr, "%s modem: %s\n", outpost_progname, strerror(errno));
		return 1;
	}
	memset(&o, 0, sizeof(o));
	o.device = a.dev;
	o.pin_file = a.pin_file;
	o.cmd_timeout_ms = (int64_t)(a.timeout * 1000);
	o.status_every_ms = (int64_t)(a.poll * 1000);
	rc = 1;
	if (ev_signal(w.loop, SIGINT, watch_signal, w.loop) < 0 ||
	    ev_signal(w.loop, SIGTERM, watch_signal, w.loop) < 0 ||
	    (a.seconds > 0 &&
		ev_timer_add(w.loop, (int64_t)(a.seconds * 1000), watch_stop, w.loop) == 0)) {
		fprintf(stderr, "%s modem: %s\n", outpost_progname, strerror(errno));
		goto out;
	}
	if ((p = modem_io_open(w.loop, &o, &h, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s modem: %s\n", outpost_progname, err);
		goto out;
	}
	w.port = p;
	if (ev_run(w.loop) < 0)
		fprintf(stderr, "%s modem: %s\n", outpost_progname, strerror(errno));
	else if (w.ever_ready)
		rc = 0;
	else if (!w.failed_early)
		fprintf(stderr, "%s modem: %s: the modem never got ready\n", outpost_progname,
		    a.dev);
	modem_io_close(p);
out:
	ev_free(w.loop);
	return rc;
}

int
cmd_modem(int argc, char **argv)
{
	if (argc < 1)
		return usage(stderr);
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "help") == 0)
		return usage(stdout);
	if (strcmp(argv[0], "at") == 0)
		return cmd_at(argc - 1, argv + 1);
	if (strcmp(argv[0], "info") == 0)
		return cmd_info(argc - 1, argv + 1);
	if (strcmp(argv[0], "modem-only") == 0)
		return cmd_modem_only(argc - 1, argv + 1);
	if (strcmp(argv[0], "watch") == 0)
		return cmd_watch(argc - 1, argv + 1);
	fprintf(stderr, "%s modem: unknown subcommand '%s'\n", outpost_progname, argv[0]);
	return usage(stderr);
}
