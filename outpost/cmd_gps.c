/*
 * cmd_gps: outpost gps sentence|send|configure -- talk to an MTK receiver.
 *
 *   sentence BODY      print "$BODY*CS"
 *   send DEVICE BODY   send one sentence, wait for the receiver's answer
 *   configure DEVICE   find the receiver's speed, select sentences, set the
 *                      fix rate and the speed, and check the result
 *
 * The receiver talks all the time (a burst of NMEA every fix); its answers
 * ($PMTK001 acknowledgements, $PMTK5xx/7xx query replies) come in between.
 * So everything here is "read sentences until the one we wait for arrives or
 * the time is up", and a silence is explained by what did arrive: nothing,
 * garbage (the wrong speed), or NMEA without an answer.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "nmea.h"
#include "outpost.h"
#include "pmtk.h"
#include "serial.h"
#include "tsmath.h"

#define BODY_MAX (NMEA_MAX_LINE - 4) /* '$' + body + '*hh' */
#define FRAME_MAX (NMEA_MAX_LINE + 3)
#define DEFAULT_TIMEOUT 3.0

/* After a speed change is acknowledged, before talking at the new speed. */
static const struct timespec switch_pause = { 0, 250000000 };

/* Where configure looks for a receiver that is not at --from-baud: MTK
 * speeds, the likely ones first. */
static const int probe_bauds[] = { 9600, 57600, 115200, 38400, 19200, 4800 };

/* The sentences an MTK3339 can send, as bits for "seen" and "wanted". */
enum { S_GLL = 1, S_RMC = 2, S_VTG = 4, S_GGA = 8, S_GSA = 16, S_GSV = 32, S_ZDA = 64 };
static const struct {
	const char *name;
	unsigned bit;
} sentence_bits[] = {
	{ "GGA", S_GGA }, { "GSA", S_GSA }, { "GSV", S_GSV }, { "RMC", S_RMC },
	{ "VTG", S_VTG }, { "GLL", S_GLL }, { "ZDA", S_ZDA },
};

struct gps_args {
	const char *pos[3];
	int n_pos;
	int baud, from_baud;        /* 0: not given */
	double timeout;
	const char *sentences;
	double rate_hz;             /* 0: not given */
};

/* An open port and what has been heard on it at the current speed. */
struct link {
	struct serial_port sp;
	const char *dev;
	int baud;
	struct nmea_lexer lx;
	uint8_t buf[512];
	size_t len, pos;
	unsigned long n_bytes;      /* bytes read */
	unsigned long n_valid;      /* sentences with a good checksum */
};

enum wait_result { W_ERROR = -1, W_TIMEOUT = 0, W_ACK, W_REPLY };

/* ---- arguments ---- */

static int
usage(FILE *f)
{
	fprintf(f,
	    "usage: outpost gps sentence BODY\n"
	    "       outpost gps send DEVICE BODY [--baud N] [--timeout S]\n"
	    "       outpost gps configure DEVICE [--baud N] [--sentences LIST] [--rate HZ]\n"
	    "                             [--from-baud N] [--timeout S]\n");
	return f == stdout ? 0 : EXIT_USAGE;
}

static int
bad_arg(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "%s gps: %s '%s': %s\n", outpost_progname, opt, val, want);
	return EXIT_USAGE;
}

static bool
parse_double(const char *s, double lo, double hi, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && isfinite(*v) && *v >= lo && *v <= hi;
}

static bool
parse_baud(const char *s, int *baud)
{
	double v;

	if (!parse_double(s, 1200, 230400, &v) || v != floor(v) || serial_speed((int)v) == 0)
		return false;
	*baud = (int)v;
	return true;
}

static bool
allowed_option(const char *const *allowed, const char *name)
{
	for (; *allowed != NULL; allowed++)
		if (strcmp(*allowed, name) == 0)
			return true;
	return false;
}

/*
 * Positionals and "--opt value" / "--opt=value" in any order; allowed lists
 * the options this subcommand takes (NULL-terminated).
 */
static int
parse_args(int argc, char **argv, const char *const *allowed, int max_pos, struct gps_args *a)
{
	memset(a, 0, sizeof(*a));
	a->timeout = DEFAULT_TIMEOUT;
	for (int i = 0; i < argc; i++) {
		char name[32];
		const char *val, *eq;
		size_t nlen;

		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			if (a->n_pos == max_pos)
				return usage(stderr);
			a->pos[a->n_pos++] = argv[i];
			continue;
		}
		eq = strchr(argv[i], '=');
		nlen = eq != NULL ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (nlen >= sizeof(name))
			return usage(stderr);
		memcpy(name, argv[i], nlen);
		name[nlen] = '\0';
		if (!allowed_option(allowed, name)) {
			fprintf(stderr, "%s gps: unknown option %s\n", outpost_progname, name);
			return usage(stderr);
		}
		if (eq != NULL) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			fprintf(stderr, "%s gps: %s needs a value\n", outpost_progname, name);
			return EXIT_USAGE;
		}
		if (strcmp(name, "--baud") == 0 || strcmp(name, "--from-baud") == 0) {
			int *dst = name[2] == 'b' ? &a->baud : &a->from_baud;

			if (!parse_baud(val, dst))
				return bad_arg(name, val, "not a serial speed (4800, 9600, ... 115200)");
		} else if (strcmp(name, "--timeout") == 0) {
			if (!parse_double(val, 0.1, 3600, &a->timeout))
				return bad_arg(name, val, "seconds from 0.1 to 3600");
		} else if (strcmp(name, "--rate") == 0) {
			if (!parse_double(val, 0.1, 10, &a->rate_hz))
				return bad_arg(name, val, "fixes per second from 0.1 to 10");
		} else if (strcmp(name, "--sentences") == 0) {
			a->sentences = val;
		}
	}
	return 0;
}

/*
 * The body of a sentence as the user typed it: one leading '$' allowed,
 * then printable ASCII without '$' or '*'.  Framed into out (no CR LF).
 * Returns 0, or -1 after saying what is wrong.
 */
static int
frame_user_body(const char *arg, char *out, size_t outlen)
{
	const char *body = arg[0] == '$' ? arg + 1 : arg;
	size_t len = strlen(body);
	const char *why = NULL;

	if (len == 0)
		why = "it is empty";
	else if (len > BODY_MAX)
		why = "it is too long for an NMEA sentence";
	for (size_t i = 0; why == NULL && i < len; i++) {
		unsigned char c = (unsigned char)body[i];

		if (c == '*')
			why = "it holds '*' (give the body only: the checksum is computed)";
		else if (c == '$')
			why = "it holds '$' after the start";
		else if (c == '\r' || c == '\n')
			why = "it holds a line break";
		else if (c < 0x20 || c > 0x7e)
			why = "it holds a byte that is not printable ASCII";
	}
	if (why == NULL && nmea_frame(out, outlen, body, false) < 0)
		why = "it cannot be framed";
	if (why != NULL) {
		fprintf(stderr, "%s gps: not a sentence body: %s\n", outpost_progname, why);
		return -1;
	}
	return 0;
}

/* ---- the port ---- */

static int
link_open(struct link *l, const char *dev, int baud)
{
	struct serial_opts o;
	char err[SERIAL_ERRLEN];

	memset(l, 0, sizeof(*l));
	serial_opts_default(&o);
	o.baud = baud;
	o.uucp_lock = true;
	if (serial_open(&l->sp, dev, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s gps: %s\n", outpost_progname, err);
		return -1;
	}
	l->dev = dev;
	l->baud = baud;
	nmea_lexer_init(&l->lx);
	return 0;
}

/* Listen at another speed; what was received at the old one is dropped. */
static int
link_set_baud(struct link *l, int baud)
{
	char err[SERIAL_ERRLEN];

	if (serial_set_baud(&l->sp, baud, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s gps: %s\n", outpost_progname, err);
		return -1;
	}
	tcflush(l->sp.fd, TCIFLUSH);
	l->baud = baud;
	l->len = l->pos = 0;
	l->n_bytes = l->n_valid = 0;
	nmea_lexer_init(&l->lx);
	return 0;
}

static double
remaining(struct timespec deadline)
{
	return ts_to_double(ts_sub(deadline, ts_now_mono()));
}

static int
link_write(struct link *l, const char *s, size_t n, struct timespec deadline)
{
	size_t done = 0;

	while (done < n) {
		struct pollfd p = { l->sp.fd, POLLOUT, 0 };
		double left = remaining(deadline);
		ssize_t w;

		if (left <= 0) {
			fprintf(stderr, "%s gps: %s: cannot send: the port does not take data\n",
			    outpost_progname, l->dev);
			return -1;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return -1;
		w = write(l->sp.fd, s + done, n - done);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			fprintf(stderr, "%s gps: %s: write: %s\n", outpost_progname, l->dev,
			    strerror(errno));
			return -1;
		}
		if (w > 0)
			done += (size_t)w;
	}
	return 0;
}

/* The next line (good or rejected) before deadline: 1, 0 on timeout, -1 on
 * a device error. */
static int
link_line(struct link *l, struct timespec deadline, struct nmea_line *line)
{
	for (;;) {
		struct pollfd p = { l->sp.fd, POLLIN, 0 };
		double left;
		ssize_t n;

		if (l->pos < l->len &&
		    nmea_lexer_feed(&l->lx, l->buf, l->len, &l->pos, ts_now_mono(), line) == 1) {
			if (line->status == NMEA_LEX_OK)
				l->n_valid++;
			return 1;
		}
		left = remaining(deadline);
		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)(left * 1000) + 1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
			continue;
		n = read(l->sp.fd, l->buf, sizeof(l->buf));
		if (n > 0) {
			l->len = (size_t)n;
			l->pos = 0;
			l->n_bytes += (unsigned long)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (serial_gone((int)n, errno)) {
			fprintf(stderr, "%s gps: %s: the device went away\n", outpost_progname,
			    l->dev);
			return -1;
		}
		fprintf(stderr, "%s gps: %s: read: %s\n", outpost_progname, l->dev,
		    strerror(errno));
		return -1;
	}
}

/* Why nothing useful arrived, in the words of someone at the other end. */
static void
explain_silence(const struct link *l)
{
	if (l->n_bytes == 0)
		fprintf(stderr, "nothing received from %s at %d baud: is the receiver connected "
				"and powered?\n", l->dev, l->baud);
	else if (l->n_valid == 0)
		fprintf(stderr, "no valid NMEA received at %d baud: is the receiver at another "
				"speed?\n", l->baud);
	else
		fprintf(stderr, "the receiver sends NMEA at %d baud but did not answer\n",
		    l->baud);
}

static struct timespec
deadline_after(double seconds)
{
	return ts_add(ts_now_mono(), ts_from_double(seconds));
}

/* The query reply number for cmd (PMTK4xx -> 5xx, 6xx -> 7xx), or -1 when
 * the receiver answers cmd with a PMTK001 acknowledgement only. */
static int
reply_number(int cmd)
{
	if ((cmd >= 400 && cmd <= 499) || (cmd >= 600 && cmd <= 699))
		return cmd + 100;
	return -1;
}

/*
 * Read until the receiver answers command cmd: a PMTK001 for it (W_ACK, flag
 * in *flag) or its query reply (W_REPLY, the line in reply).  Other traffic,
 * acks for other commands included, is skipped.
 */
static enum wait_result
wait_answer(struct link *l, int cmd, struct timespec deadline, int *flag, char *reply,
    size_t replylen)
{
	int want_reply = reply_number(cmd);
	struct nmea_line line;
	struct nmea_msg msg;
	int r;

	while ((r = link_line(l, deadline, &line)) == 1) {
		if (line.status != NMEA_LEX_OK ||
		    nmea_parse(line.text, line.len, &msg, NULL) != NMEA_PARSE_OK)
			continue;
		if (msg.type == NMEA_PMTK_ACK && msg.u.ack.cmd == cmd) {
			*flag = msg.u.ack.flag;
			return W_ACK;
		}
		if (msg.type == NMEA_PMTK_OTHER && want_reply > 0 &&
		    msg.u.pmtk.number == want_reply) {
			snprintf(reply, replylen, "%s", line.text);
			return W_REPLY;
		}
	}
	return r < 0 ? W_ERROR : W_TIMEOUT;
}

/* Send a framed sentence and wait for its answer; *flag -1 for a reply. */
static enum wait_result
command(struct link *l, const char *framed, int cmd, double timeout, int *flag, char *reply,
    size_t replylen)
{
	char line[FRAME_MAX + 2];
	struct timespec deadline = deadline_after(timeout);
	int n = snprintf(line, sizeof(line), "%s\r\n", framed);

	*flag = -1;
	if (n < 0 || (size_t)n >= sizeof(line) || link_write(l, line, (size_t)n, deadline) < 0)
		return W_ERROR;
	return wait_answer(l, cmd, deadline, flag, reply, replylen);
}

/* ---- sentence ---- */

static int
gps_sentence(int argc, char **argv)
{
	struct gps_args a;
	char framed[FRAME_MAX];
	static const char *const allowed[] = { NULL };
	int rc = parse_args(argc, argv, allowed, 1, &a);

	if (rc != 0)
		return rc;
	if (a.n_pos != 1)
		return usage(stderr);
	if (frame_user_body(a.pos[0], framed, sizeof(framed)) < 0)
		return EXIT_USAGE;
	printf("%s\n", framed);
	return 0;
}

/* ---- send ---- */

static const char *const send_options[] = { "--baud", "--timeout", NULL };
static const char *const configure_options[] = { "--baud", "--sentences", "--rate",
	"--from-baud", "--timeout", NULL };

static int
gps_send(int argc, char **argv)
{
	struct gps_args a;
	struct link l;
	char framed[FRAME_MAX], reply[NMEA_MAX_LINE + 1];
	enum wait_result w;
	int rc, cmd, flag;

	rc = parse_args(argc, argv, send_options, 2, &a);
	if (rc != 0)
		return rc;
	if (a.n_pos != 2)
		return usage(stderr);
	if (frame_user_body(a.pos[1], framed, sizeof(framed)) < 0)
		return EXIT_USAGE;
	cmd = pmtk_command_number(framed + 1);
	if (link_open(&l, a.pos[0], a.baud != 0 ? a.baud : 9600) < 0)
		return 1;
	if (cmd < 0) {
		char line[FRAME_MAX + 2];
		int n = snprintf(line, sizeof(line), "%s\r\n", framed);

		rc = link_write(&l, line, (size_t)n, deadline_after(a.timeout));
		if (rc == 0)
			printf("sent %s (not a PMTK command: no acknowledgement expected)\n", framed);
		serial_close(&l.sp);
		return rc == 0 ? 0 : 1;
	}
	w = command(&l, framed, cmd, a.timeout, &flag, reply, sizeof(reply));
	switch (w) {
	case W_ACK:
		printf("PMTK%03d: %s\n", cmd, nmea_pmtk_flag_str(flag));
		rc = flag == 3 ? 0 : 1;
		break;
	case W_REPLY:
		printf("%s\n", reply);
		rc = 0;
		break;
	case W_TIMEOUT:
		fprintf(stderr, "%s gps: no acknowledgement for PMTK%03d from %s within %g s\n",
		    outpost_progname, cmd, l.dev, a.timeout);
		explain_silence(&l);
		rc = 1;
		break;
	default:
		rc = 1;
		break;
	}
	serial_close(&l.sp);
	return rc;
}

/* ---- configure ---- */

/* Valid NMEA at the current speed before the deadline? */
static bool
hears_nmea(struct link *l, double timeout)
{
	struct timespec deadline = deadline_after(timeout);
	struct nmea_line line;
	struct nmea_msg msg;

	while (link_line(l, deadline, &line) == 1)
		if (line.status == NMEA_LEX_OK &&
		    nmea_parse(line.text, line.len, &msg, NULL) == NMEA_PARSE_OK)
			return true;
	return false;
}

static int
find_receiver(struct link *l, int from_baud, double timeout)
{
	printf("listening on %s at %d baud\n", l->dev, from_baud);
	fflush(stdout);
	if (hears_nmea(l, timeout)) {
		printf("  valid NMEA at %d baud\n", from_baud);
		return 0;
	}
	printf("  no valid NMEA at %d baud; trying the other MTK speeds\n", from_baud);
	for (size_t i = 0; i < sizeof(probe_bauds) / sizeof(probe_bauds[0]); i++) {
		if (probe_bauds[i] == from_baud)
			continue;
		printf("  trying %d baud\n", probe_bauds[i]);
		fflush(stdout);
		if (link_set_baud(l, probe_bauds[i]) < 0)
			return -1;
		if (hears_nmea(l, timeout)) {
			printf("  found the receiver at %d baud\n", probe_bauds[i]);
			return 0;
		}
	}
	fprintf(stderr, "%s gps: no valid NMEA from %s at any MTK speed: is the receiver "
			"connected and powered?\n", outpost_progname, l->dev);
	return -1;
}

/* One configuration step: say it, send it, say what the receiver said. */
static int
step(struct link *l, const char *what, const char *body, double timeout)
{
	char framed[FRAME_MAX], reply[NMEA_MAX_LINE + 1];
	int cmd = pmtk_command_number(body);
	enum wait_result w;
	int flag;

	if (nmea_frame(framed, sizeof(framed), body, false) < 0)
		return -1;
	printf("%s (%s): ", what, framed);
	fflush(stdout);
	w = command(l, framed, cmd, timeout, &flag, reply, sizeof(reply));
	if (w == W_ACK) {
		printf("%s\n", nmea_pmtk_flag_str(flag));
		return flag == 3 ? 0 : -1;
	}
	printf("no answer\n");
	if (w == W_TIMEOUT) {
		fprintf(stderr, "%s gps: no acknowledgement for PMTK%03d within %g s\n",
		    outpost_progname, cmd, timeout);
		explain_silence(l);
	}
	return -1;
}

static unsigned
wanted_bits(const struct pmtk_output *o)
{
	return (o->gll > 0 ? S_GLL : 0) | (o->rmc > 0 ? S_RMC : 0) | (o->vtg > 0 ? S_VTG : 0) |
	    (o->gga > 0 ? S_GGA : 0) | (o->gsa > 0 ? S_GSA : 0) | (o->gsv > 0 ? S_GSV : 0) |
	    (o->zda > 0 ? S_ZDA : 0);
}

static void
bits_str(unsigned bits, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(sentence_bits) / sizeof(sentence_bits[0]); i++)
		if ((bits & sentence_bits[i].bit) && n < len)
			n += (size_t)snprintf(out + n, len - n, "%s%s", n ? " " : "",
			    sentence_bits[i].name);
	if (n == 0)
		snprintf(out, len, "none");
}

/* The sentence bit of a standard (non-proprietary) line; 0 for others. */
static unsigned
line_bit(const struct nmea_msg *msg)
{
	if (msg->talker[0] == 'P' && msg->talker[1] == '\0')
		return 0;
	for (size_t i = 0; i < sizeof(sentence_bits) / sizeof(sentence_bits[0]); i++)
		if (strcmp(msg->name, sentence_bits[i].name) == 0)
			return sentence_bits[i].bit;
	return 0;
}

/* The UTC time label a sentence carries, in ms of the day; -1 when none. */
static long
line_label(const struct nmea_msg *msg)
{
	const struct nmea_time *t = NULL;

	if (msg->type == NMEA_RMC)
		t = &msg->u.rmc.time;
	else if (msg->type == NMEA_GGA)
		t = &msg->u.gga.time;
	else if (msg->type == NMEA_GLL)
		t = &msg->u.gll.time;
	else if (msg->type == NMEA_ZDA)
		t = &msg->u.zda.time;
	if (t == NULL || !t->valid)
		return -1;
	return ((t->hour * 60L + t->min) * 60 + t->sec) * 1000 + t->nsec / 1000000;
}

/*
 * Check that the receiver sends valid NMEA at the current speed and, when
 * want is not 0, exactly the wanted sentences.  Sentences are grouped into
 * fix epochs by their time label; the first epoch heard may be a tail sent
 * before the change, so the verdict is on the first whole epoch after it.
 * When no wanted sentence carries a time, everything heard until the
 * deadline is judged instead.
 */
static int
verify(struct link *l, unsigned want, double timeout)
{
	struct timespec deadline = deadline_after(timeout);
	struct nmea_line line;
	struct nmea_msg msg;
	unsigned seen = 0, all = 0;
	long label = -1;
	int epochs = 0;
	bool complete = false;
	char s1[64], s2[64];
	bool timed = (want & (S_RMC | S_GGA | S_GLL | S_ZDA)) != 0;

	printf("checking the output at %d baud: ", l->baud);
	fflush(stdout);
	while (link_line(l, deadline, &line) == 1) {
		long lb;

		if (line.status != NMEA_LEX_OK ||
		    nmea_parse(line.text, line.len, &msg, NULL) != NMEA_PARSE_OK)
			continue;
		if (want == 0) {
			printf("valid NMEA\n");
			return 0;
		}
		lb = line_label(&msg);
		if (lb >= 0 && lb != label) {
			if (epochs == 2) {
				complete = true;
				break;
			}
			label = lb;
			epochs++;
			seen = 0;
		}
		seen |= line_bit(&msg);
		all |= line_bit(&msg);
	}
	if (!complete) {
		if (timed || all == 0) {
			printf("no complete fix epoch\n");
			explain_silence(l);
			return -1;
		}
		seen = all;
	}
	bits_str(seen, s1, sizeof(s1));
	if (seen != want) {
		bits_str(want, s2, sizeof(s2));
		printf("%s\n", s1);
		fprintf(stderr, "%s gps: the receiver sends %s, not the %s asked for\n",
		    outpost_progname, s1, s2);
		return -1;
	}
	printf("%s, as asked\n", s1);
	return 0;
}

static int
switch_baud(struct link *l, int baud, double timeout)
{
	char body[32], what[64];

	if (pmtk_set_baud(body, sizeof(body), baud) < 0) {
		fprintf(stderr, "%s gps: %d baud is not an MTK speed\n", outpost_progname, baud);
		return -1;
	}
	snprintf(what, sizeof(what), "switching the receiver to %d baud", baud);
	if (step(l, what, body, timeout) < 0)
		return -1;
	/* The ack's line end may still be on the wire, and the receiver then
	 * reprograms its UART: a command sent at once at the new speed would
	 * arrive as garbage.  Give it a moment (the input is flushed after). */
	nanosleep(&switch_pause, NULL);
	printf("listening at %d baud\n", baud);
	return link_set_baud(l, baud);
}

static int
set_rate(struct link *l, double hz, double timeout)
{
	char body[32], what[64];
	int ms = (int)lround(1000.0 / hz);

	if (pmtk_set_fix_rate(body, sizeof(body), ms) < 0) {
		fprintf(stderr, "%s gps: %g Hz is not a rate the receiver takes\n",
		    outpost_progname, hz);
		return -1;
	}
	snprintf(what, sizeof(what), "setting %g fix%s per second", hz, hz == 1 ? "" : "es");
	return step(l, what, body, timeout);
}

static int
configure(struct link *l, const struct gps_args *a, const struct pmtk_output *out)
{
	int target = a->baud;
	bool faster = target > l->baud;
	double interval = a->rate_hz > 0 ? 1.0 / a->rate_hz : 1.0;
	char body[FRAME_MAX], what[96];

	if (out != NULL) {
		if (pmtk_set_output(body, sizeof(body), out) < 0)
			return -1;
		snprintf(what, sizeof(what), "selecting the sentences %s", a->sentences);
		if (step(l, what, body, a->timeout) < 0)
			return -1;
	}
	if (target == l->baud) {
		printf("the receiver is already at %d baud\n", target);
		target = 0;
	}
	/* A faster rate may only fit the line at the new speed, and the
	 * receiver refuses a rate its line cannot carry: raise the speed
	 * first, lower it last. */
	if (target != 0 && faster && switch_baud(l, target, a->timeout) < 0)
		return -1;
	if (a->rate_hz > 0 && set_rate(l, a->rate_hz, a->timeout) < 0)
		return -1;
	if (target != 0 && !faster && switch_baud(l, target, a->timeout) < 0)
		return -1;
	return verify(l, out != NULL ? wanted_bits(out) : 0, a->timeout + 2 * interval);
}

static int
gps_configure(int argc, char **argv)
{
	struct gps_args a;
	struct pmtk_output out;
	struct link l;
	bool verified;
	int rc, from;

	rc = parse_args(argc, argv, configure_options, 1, &a);
	if (rc != 0)
		return rc;
	if (a.n_pos != 1)
		return usage(stderr);
	if (a.sentences != NULL && pmtk_output_from_list(a.sentences, &out) < 0)
		return bad_arg("--sentences", a.sentences,
		    "a comma-separated list of GGA GSA GSV RMC VTG GLL ZDA");
	if (a.baud != 0) {
		char body[32];

		if (pmtk_set_baud(body, sizeof(body), a.baud) < 0) {
			fprintf(stderr, "%s gps: --baud %d: not an MTK speed (4800 9600 19200 "
					"38400 57600 115200)\n", outpost_progname, a.baud);
			return EXIT_USAGE;
		}
	}
	from = a.from_baud != 0 ? a.from_baud : 9600;
	if (link_open(&l, a.pos[0], from) < 0)
		return 1;
	verified = find_receiver(&l, from, a.timeout) == 0 &&
	    configure(&l, &a, a.sentences != NULL ? &out : NULL) == 0;
	serial_close(&l.sp);
	if (!verified)
		return 1;
	printf("done: the receiver is configured and verified\n");
	return 0;
}

int
cmd_gps(int argc, char **argv)
{
	if (argc < 1)
		return usage(stderr);
	if (strcmp(argv[0], "sentence") == 0)
		return gps_sentence(argc - 1, argv + 1);
	if (strcmp(argv[0], "send") == 0)
		return gps_send(argc - 1, argv + 1);
	if (strcmp(argv[0], "configure") == 0)
		return gps_configure(argc - 1, argv + 1);
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "help") == 0)
		return usage(stdout);
	fprintf(stderr, "%s gps: unknown subcommand '%s'\n", outpost_progname, argv[0]);
	return usage(stderr);
}
