/*
 * modemsim: a Huawei E1752 3G USB stick on pseudo-terminals.
 *
 * The dialect (e1752.c) decides what the stick says; this file gives it
 * its ports (one pty per --pty, with a symbolic link at the path given, as
 * udev gives /dev/ttyUSBn), its clock (CLOCK_MONOTONIC, ticked every
 * TICK_MS), the preloaded inbox, the outbox file every submitted PDU is
 * appended to, and the control socket through which a test plays the
 * network (SMS arriving, signal, registration, carrier) and the user
 * (unplugging the stick).  While no host has a port open, what the stick
 * says on it is lost, as on a real line.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "e1752.h"
#include "ctlsock.h"
#include "evloop.h"
#include "log.h"
#include "modemctl.h"
#include "pty.h"
#include "simmain.h"
#include "smsdeliver.h"
#include "tsmath.h"

#define TICK_MS	     20
#define MAX_PARTS    16
#define INBOX_LINE   1024

struct port_io {
	struct sim *sim;
	int	    index;
	int	    master;	/* -1: unplugged */
	bool	    host;
	char	    slave[256];
	const char *link;
};

struct sim {
	struct ev_loop *loop;
	struct e1752	m;
	struct port_io	io[E1752_PORTS];
	int		nports;
	bool		plugged;
	const char     *outbox;
	unsigned long	sent;
	FILE	       *data_log;
	FILE	       *trace;
	unsigned	ref;
	const char     *ctl_path;
	struct ctlsock *ctl;
};

/* ---- trace: what crossed each port, as host_sequences records it ---- */

static void
trace(struct sim *s, int port, const char *dir, const uint8_t *buf, size_t n)
{
	if (s->trace == NULL || n == 0)
		return;
	fprintf(s->trace, "%d %s '", port, dir);
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\r')
			fputs("\\r", s->trace);
		else if (buf[i] == '\n')
			fputs("\\n", s->trace);
		else if (buf[i] == '\\' || buf[i] == '\'')
			fprintf(s->trace, "\\%c", buf[i]);
		else if (buf[i] < 0x20 || buf[i] >= 0x7F)
			fprintf(s->trace, "\\x%02x", buf[i]);
		else
			fputc(buf[i], s->trace);
	}
	fputs("'\n", s->trace);
	fflush(s->trace);
}

/* ---- the ports ---- */

static void host_gone(struct port_io *io);

/* What the stick has to say goes out; what the pty cannot take now stays
 * queued in the dialect and goes on the next tick. */
static void
drain(struct sim *s)
{
	for (int p = 0; p < s->nports; p++) {
		struct port_io *io = &s->io[p];
		size_t len;
		const char *out = e1752_output(&s->m, p, &len);
		ssize_t w;

		if (len == 0)
			continue;
		if (io->master < 0 || !io->host) {
			e1752_consume(&s->m, p, len);
			continue;
		}
		w = write(io->master, out, len);
		if (w < 0 && errno == EIO) {
			host_gone(io);
			continue;
		}
		if (w <= 0)
			continue;
		trace(s, p, ">>", (const uint8_t *)out, (size_t)w);
		e1752_consume(&s->m, p, (size_t)w);
	}
}

static void on_read(int fd, short revents, void *arg);

static void
look_for_host(struct port_io *io)
{
	if (io->host || io->master < 0 || !pty_host_present(io->master))
		return;
	log_info("host opened %s", io->link);
	io->host = true;
	if (ev_fd_add(io->sim->loop, io->master, POLLIN, on_read, io) < 0)
		fatal("ev_fd_add");
}

static void
host_gone(struct port_io *io)
{
	if (!io->host)
		return;
	log_info("host closed %s", io->link);
	io->host = false;
	ev_fd_del(io->sim->loop, io->master);
	tcflush(io->master, TCIOFLUSH);
}

static void
on_read(int fd, short revents, void *arg)
{
	struct port_io *io = arg;
	struct sim *s = io->sim;
	uint8_t buf[1024];
	ssize_t n;

	if ((revents & POLLIN) == 0) {
		if (revents & (POLLHUP | POLLERR | POLLNVAL))
			host_gone(io);
		return;
	}
	n = read(fd, buf, sizeof(buf));
	if (n > 0) {
		trace(s, io->index, "<<", buf, (size_t)n);
		e1752_input(&s->m, io->index, buf, (size_t)n, ts_mono_ms());
		drain(s);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	host_gone(io);
}

static void
on_tick(void *arg)
{
	struct sim *s = arg;

	for (int p = 0; p < s->nports; p++)
		look_for_host(&s->io[p]);
	if (s->plugged)
		e1752_tick(&s->m, ts_mono_ms());
	drain(s);
	if (ev_timer_add(s->loop, TICK_MS, on_tick, s) == 0)
		fatalx("cannot add the tick timer");
}

static int
plug(struct sim *s, char *err, size_t errlen)
{
	for (int p = 0; p < s->nports; p++) {
		struct port_io *io = &s->io[p];

		io->master = pty_open(115200, io->slave, sizeof(io->slave), err, errlen);
		if (io->master < 0)
			return -1;
		if (pty_link(io->slave, io->link, err, errlen) < 0)
			return -1;
		log_info("%s -> %s (%s port)", io->link, io->slave,
		    s->nports == 1 ? "only" : p == E1752_MODEM ? "modem" : "PC UI");
	}
	s->plugged = true;
	return 0;
}

static void
unplug(struct sim *s)
{
	for (int p = 0; p < s->nports; p++) {
		struct port_io *io = &s->io[p];

		if (io->master < 0)
			continue;
		host_gone(io);
		pty_unlink(io->slave, io->link);
		close(io->master);
		io->master = -1;
		e1752_consume(&s->m, p, SIZE_MAX);
	}
	s->plugged = false;
}

/* ---- files ---- */

static void
on_submit(void *arg, const char *hex, size_t len)
{
	struct sim *s = arg;
	FILE *f;

	s->sent++;
	log_info("SMS submitted: %.*s", (int)len, hex);
	if (s->outbox == NULL)
		return;
	f = fopen(s->outbox, "a");
	if (f == NULL) {
		log_warn("%s", s->outbox);
		return;
	}
	fprintf(f, "%.*s\n", (int)len, hex);
	if (fclose(f) != 0)
		log_warn("%s", s->outbox);
}

static void
on_data(void *arg, const uint8_t *buf, size_t len)
{
	struct sim *s = arg;

	if (s->data_log == NULL)
		return;
	fwrite(buf, 1, len, s->data_log);
	fflush(s->data_log);
}

static void
load_inbox(struct sim *s, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[INBOX_LINE], err[256];
	int lineno = 0, n = 0;

	if (f == NULL)
		fatal("%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len = strcspn(line, " \t\r\n");

		lineno++;
		if (len == 0 || line[0] == '#')
			continue;
		if (e1752_store(&s->m, "SM", line, len, err, sizeof(err)) < 0)
			fatalx("%s:%d: %s", path, lineno, err);
		n++;
	}
	fclose(f);
	log_info("%s: %d messages stored in SM", path, n);
}

/* ---- control ---- */

static void
sms_text(struct sim *s, const struct modemctl_cmd *c, char *out, size_t outlen)
{
	struct smsdeliver_pdu pdus[MAX_PARTS];
	char from[64], err[256];
	struct sms_time t;
	struct tm tm;
	time_t now = time(NULL);
	size_t n;

	if (c->arg_len >= sizeof(from)) {
		snprintf(out, outlen, "error: sender too long\n");
		return;
	}
	memcpy(from, c->arg, c->arg_len);
	from[c->arg_len] = '\0';
	gmtime_r(&now, &tm);
	t = (struct sms_time){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec, 0 };
	if (smsdeliver_encode(s->m.smsc, from, c->text, c->text_len, &t, s->ref++ & 0xFF, pdus,
	    MAX_PARTS, &n, err, sizeof(err)) < 0) {
		snprintf(out, outlen, "error: %s\n", err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int index = e1752_receive(&s->m, pdus[i].hex, strlen(pdus[i].hex), err,
		    sizeof(err));

		if (index == -1) {
			snprintf(out, outlen, "error: part %zu: %s\n", i + 1, err);
			return;
		}
	}
	snprintf(out, outlen, "ok %zu part%s\n", n, n == 1 ? "" : "s");
}

static void
status_line(struct sim *s, char *out, size_t len)
{
	static const char *const sims[] = { "READY", "SIM PIN", "SIM PUK" };
	const struct e1752 *m = &s->m;

	snprintf(out, len, "ok plugged=%s hung=%s ports=%d host0=%s host1=%s sim=\"%s\" reg=%d "
	    "rssi=%d call=%s sm=%d/%d me=%d/%d sent=%lu text_only=%s link0=%s slave0=%s\n",
	    s->plugged ? "yes" : "no", m->hung ? "yes" : "no", s->nports,
	    s->io[0].host ? "yes" : "no", s->nports > 1 && s->io[1].host ? "yes" : "no",
	    sims[m->sim], m->reg, m->rssi, m->call_up ? "up" : "down",
	    smstore_used(&m->mem[0]), m->mem[0].size, smstore_used(&m->mem[1]), m->mem[1].size,
	    s->sent, m->cfg.text_only ? "yes" : "no", s->io[0].link,
	    s->io[0].master >= 0 ? s->io[0].slave : "-");
}

static void
control_command(void *arg, const char *line, size_t len, char *out, size_t outlen)
{
	struct sim *s = arg;
	struct modemctl_cmd c;
	char err[512];
	int index;

	if (modemctl_parse(line, len, &c, err, sizeof(err)) < 0) {
		snprintf(out, outlen, "error: %s\n", err);
		return;
	}
	if (!s->plugged && c.op != MODEMCTL_REPLUG && c.op != MODEMCTL_STATUS &&
	    c.op != MODEMCTL_HELP) {
		snprintf(out, outlen, "error: unplugged\n");
		return;
	}
	log_info("control: %.*s", (int)(len > 80 ? 80 : len), line);
	switch (c.op) {
	case MODEMCTL_SMS:
		index = e1752_receive(&s->m, c.arg, c.arg_len, err, sizeof(err));
		if (index == -1)
			snprintf(out, outlen, "error: %s\n", err);
		else if (index == -2)
			snprintf(out, outlen, "ok routed\n");
		else
			snprintf(out, outlen, "ok %d\n", index);
		break;
	case MODEMCTL_SMS_TEXT:
		sms_text(s, &c, out, outlen);
		break;
	case MODEMCTL_SIGNAL:
		e1752_set_signal(&s->m, c.n);
		break;
	case MODEMCTL_REG:
		e1752_set_reg(&s->m, c.n);
		break;
	case MODEMCTL_DROP:
		e1752_drop_carrier(&s->m);
		break;
	case MODEMCTL_HANG:
		e1752_set_hung(&s->m, true);
		break;
	case MODEMCTL_UNHANG:
		e1752_set_hung(&s->m, false);
		break;
	case MODEMCTL_UNPLUG:
		unplug(s);
		break;
	case MODEMCTL_REPLUG:
		if (s->plugged) {
			snprintf(out, outlen, "error: not unplugged\n");
			return;
		}
		e1752_reset(&s->m, ts_mono_ms());
		if (plug(s, err, sizeof(err)) < 0) {
			unplug(s);
			snprintf(out, outlen, "error: %s\n", err);
			return;
		}
		break;
	case MODEMCTL_BOOT:
		e1752_boot_now(&s->m);
		break;
	case MODEMCTL_URC_IN_REPLY:
		s->m.cfg.urc_in_reply = c.n == 1;
		break;
	case MODEMCTL_TEXT_ONLY:
		s->m.cfg.text_only = c.n == 1;
		break;
	case MODEMCTL_STATUS:
		status_line(s, out, outlen);
		return;
	case MODEMCTL_HELP:
		snprintf(out, outlen, "ok commands:\n%s", modemctl_help);
		return;
	}
	drain(s);
	if (c.op != MODEMCTL_SMS && c.op != MODEMCTL_SMS_TEXT)
		snprintf(out, outlen, "ok\n");
}

/* ---- setup ---- */

static void
usage(FILE *f)
{
	fprintf(f, "usage: modemsim --pty PATH [--pty PATH] [--inbox FILE] [--outbox FILE] "
		   "[--control SOCKET]\n"
		   "                [--pin PIN] [--puk PUK] [--signal N] [--reg STAT] "
		   "[--sm-size N]\n"
		   "                [--rssi-every S] [--boot-every S] [--flow-every S] "
		   "[--urc-in-reply]\n"
		   "                [--text-only] [--data-log FILE] [--trace FILE] [-v]\n");
}

static FILE *
open_append(const char *path)
{
	FILE *f = fopen(path, "a");

	if (f == NULL)
		fatal("%s", path);
	return f;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pty", required_argument, NULL, 'p' },
		{ "inbox", required_argument, NULL, 'i' },
		{ "outbox", required_argument, NULL, 'o' },
		{ "control", required_argument, NULL, 'C' },
		{ "pin", required_argument, NULL, 'P' },
		{ "puk", required_argument, NULL, 'K' },
		{ "signal", required_argument, NULL, 's' },
		{ "reg", required_argument, NULL, 'r' },
		{ "sm-size", required_argument, NULL, 'S' },
		{ "rssi-every", required_argument, NULL, 'R' },
		{ "boot-every", required_argument, NULL, 'B' },
		{ "flow-every", required_argument, NULL, 'F' },
		{ "urc-in-reply", no_argument, NULL, 'u' },
		{ "text-only", no_argument, NULL, 'T' },
		{ "data-log", required_argument, NULL, 'd' },
		{ "trace", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct sim sim;
	struct sim *s = &sim;
	struct e1752_config cfg;
	const char *inbox = NULL;
	int verbose = 0, c;
	char err[1024];

	e1752_config_defaults(&cfg);
	cfg.nports = 0;
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (cfg.nports == E1752_PORTS) {
				fprintf(stderr, "modemsim: at most %d --pty\n", E1752_PORTS);
				return 2;
			}
			s->io[cfg.nports++].link = optarg;
			break;
		case 'i':
			inbox = optarg;
			break;
		case 'o':
			s->outbox = optarg;
			break;
		case 'C':
			s->ctl_path = optarg;
			break;
		case 'P':
			cfg.pin = optarg;
			break;
		case 'K':
			cfg.puk = optarg;
			break;
		case 's':
			cfg.rssi = (int)sim_int_arg("modemsim", "--signal", optarg, 0, 99);
			break;
		case 'r':
			cfg.reg = (int)sim_int_arg("modemsim", "--reg", optarg, 0, 5);
			break;
		case 'S':
			cfg.sm_size = (int)sim_int_arg("modemsim", "--sm-size", optarg, 1, SMSTORE_SLOTS_MAX);
			break;
		case 'R':
			cfg.rssi_every_ms = sim_int_arg("modemsim", "--rssi-every", optarg, 0, 86400) * 1000;
			break;
		case 'B':
			cfg.boot_every_ms = sim_int_arg("modemsim", "--boot-every", optarg, 0, 86400) * 1000;
			break;
		case 'F':
			cfg.flow_every_ms = sim_int_arg("modemsim", "--flow-every", optarg, 0, 86400) * 1000;
			break;
		case 'u':
			cfg.urc_in_reply = true;
			break;
		case 'T':
			cfg.text_only = true;
			break;
		case 'd':
			s->data_log = open_append(optarg);
			break;
		case 't':
			s->trace = open_append(optarg);
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || cfg.nports == 0) {
		usage(stderr);
		return 2;
	}
	log_init("modemsim", 1, verbose > 1 ? LOG_LVL_DEBUG :
	    verbose ? LOG_LVL_INFO : LOG_LVL_WARN);

	s->nports = cfg.nports;
	cfg.on_submit = on_submit;
	cfg.on_data = on_data;
	cfg.arg = s;
	if (e1752_init(&s->m, &cfg, ts_mono_ms(), err, sizeof(err)) < 0)
		fatalx("%s", err);
	if (inbox != NULL)
		load_inbox(s, inbox);
	for (int p = 0; p < E1752_PORTS; p++) {
		s->io[p].sim = s;
		s->io[p].index = p;
		s->io[p].master = -1;
	}

	s->loop = sim_loop_new();
	if (plug(s, err, sizeof(err)) < 0) {
		unplug(s);
		fatalx("%s", err);
	}
	if (s->ctl_path != NULL) {
		char why[512];

		s->ctl = ctlsock_open(s->loop, s->ctl_path, control_command, s, why, sizeof(why));
		if (s->ctl == NULL)
			fatalx("--control: %s", why);
	}
	on_tick(s);
	if (ev_run(s->loop) < 0)
		log_warn("ev_run");

	ctlsock_close(s->ctl);
	unplug(s);
	if (s->data_log != NULL)
		fclose(s->data_log);
	if (s->trace != NULL)
		fclose(s->trace);
	ev_free(s->loop);
	return 0;
}
