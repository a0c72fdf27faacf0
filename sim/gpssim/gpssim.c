/*
 * gpssim: an MTK3339 GPS receiver on a pseudo-terminal.
 *
 * The receiver model (mtk.c) decides what the receiver says; this file
 * decides when and how it reaches the host: a burst per fix epoch starting
 * --nmea-delay after the epoch of the system clock (CLOCK_REALTIME, only
 * read), paced at the receiver's speed (10 bits per character), replies to
 * commands slipped in between sentences, and everything garbled when the
 * host listens at another speed, as a real UART would.  While no host has
 * the port open, the bytes are lost, as on a real line.
 *
 * PPS: with --pps-socket, each second edge (while the receiver has a fix)
 * goes to the consumer's Unix datagram socket as a chrony SOCK sample,
 * timestamped with the edge itself (ppsgen.c), sent a few ms after it.
 *
 * Faults for tests, on the --control socket (simctl.h lists them): fix
 * lost, PPS stopped, garbage spliced into a burst, the adapter unplugged
 * and plugged back, a leap second, the week rollover, another burst delay.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "ctlsock.h"
#include "evloop.h"
#include "log.h"
#include "mtk.h"
#include "nmea.h"
#include "ppsgen.h"
#include "refclock.h"
#include "pty.h"
#include "simctl.h"
#include "simmain.h"
#include "tsmath.h"

#define TICK_MS 4           /* pacing granularity: ~4 characters at 9600 */
#define PRESENCE_MS 50      /* how often to look for a host while none is there */
#define MAX_REPLIES 8
#define MAX_CATCHUP_MS 50   /* a late tick sends at most this much at once */
#define CHUNK_MAX 512
#define PPS_WAKE_MS 5       /* after the edge, which the "kernel" has stamped */

struct reply {
	char text[MTK_REPLY_MAX];
	size_t len;
	int new_baud;
	bool restarted;
};

struct tx {
	char burst[MTK_BURST_MAX + NMEA_MAX_LINE + 3 + SIMCTL_GARBAGE_MAX];
	size_t burst_len, burst_pos;
	struct reply reply[MAX_REPLIES];
	int n_replies;
	bool in_reply;              /* sending reply[0] */
	size_t reply_pos;
	double credit;              /* characters the line could have sent by now */
	struct timespec last;
	ev_timer_id tick;
	double garble_acc;          /* host characters owed for garbled input */
	bool fresh;                 /* the burst's first character not yet sent */
	struct timespec fresh_start; /* monotonic: when the line was to start it */
};



struct sim {
	struct ev_loop *loop;
	struct mtk mtk;
	struct tx tx;
	struct nmea_lexer lx;
	int master;                 /* -1: unplugged */
	bool host;                  /* a host has the slave open */
	ev_timer_id presence_timer;
	int64_t delay_ms;           /* after the second edge, at 1 Hz */
	/* How late each burst's first character was whole at the host's end:
	 * the host's calibration sees it as part of the delay (nmea_seen).
	 * Kept as the host keeps its measurements: only bursts a host heard,
	 * not the first after it opened the port (it may have come in
	 * mid-burst), the last REFCLOCK_CAL_WINDOW. */
	double late[REFCLOCK_CAL_WINDOW]; /* s */
	int nlate, late_next;
	bool late_skip;             /* the next burst is the first heard */
	int64_t planned;            /* the epoch (UTC ms) the timer is set for */
	struct timespec planned_start; /* monotonic: when its burst is due */
	ev_timer_id epoch_timer;
	uint32_t junk;              /* random source for garbled bytes */
	char slave[256];
	const char *link;
	const char *pid_file;
	/* PPS on a chrony SOCK socket */
	struct ppsgen pps;
	int pps_fd;                 /* -1: no --pps-socket */
	struct sockaddr_un pps_addr;
	bool pps_on;                /* "pps stop" clears it */
	time_t pps_next;            /* host-clock second of the next edge */
	ev_timer_id pps_timer;
	int pps_errno;              /* last send error reported */
	unsigned long pps_sent;
	/* faults */
	uint8_t garbage[SIMCTL_GARBAGE_MAX];
	size_t garbage_len;         /* to splice into the next burst */
	/* control socket */
	const char *ctl_path;
	struct ctlsock *ctl;
};

static int64_t
now_real_ms(void)
{
	return ts_to_ms(ts_now_real());
}

/* ---- transmit: pacing, garbling, delivery ---- */

static uint8_t
junk_byte(struct sim *s)
{
	uint32_t x = s->junk;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	s->junk = x;
	switch (x % 4) {
	case 0:
		return 0x00;
	case 1:
		return 0xff;
	default:
		return (uint8_t)(0x80 | (x >> 8 & 0x7f));
	}
}

static void host_gone(struct sim *s);

static void
write_host(struct sim *s, const uint8_t *buf, size_t n)
{
	ssize_t w = write(s->master, buf, n);

	if (w < 0 && errno == EIO)
		host_gone(s);
	/* EAGAIN: the host is not reading and the pty is full; a UART would
	 * overrun the same way, so the bytes are lost. */
}

/*
 * n characters sent at the receiver's speed.  A host at another speed sees
 * framing garbage instead: about host/receiver characters per character
 * sent, none of them ASCII.
 */
static void
deliver(struct sim *s, const char *buf, size_t n)
{
	uint8_t junk[CHUNK_MAX * 48]; /* 230400 listening to 4800 */
	int host_baud;
	size_t k = 0;

	if (!s->host || n == 0)
		return;
	host_baud = pty_host_baud(s->master);
	if (host_baud == s->mtk.baud) {
		write_host(s, (const uint8_t *)buf, n);
		return;
	}
	if (host_baud == 0)
		return;
	s->tx.garble_acc += (double)n * host_baud / s->mtk.baud;
	while (s->tx.garble_acc >= 1.0 && k < sizeof(junk)) {
		junk[k++] = junk_byte(s);
		s->tx.garble_acc -= 1.0;
	}
	if (s->tx.garble_acc >= 1.0)
		s->tx.garble_acc = 0;
	if (k > 0)
		write_host(s, junk, k);
}

static bool
tx_idle(const struct tx *t)
{
	return !t->in_reply && t->n_replies == 0 && t->burst_pos >= t->burst_len;
}

static bool
at_line_start(const struct tx *t)
{
	return t->burst_pos == 0 || t->burst_pos >= t->burst_len ||
	    t->burst[t->burst_pos - 1] == '\n';
}

/* reply[0] is on the wire: drop it, and say which speed it switched to. */
static int
reply_done(struct tx *t)
{
	int new_baud = t->reply[0].new_baud;

	memmove(&t->reply[0], &t->reply[1], sizeof(t->reply[0]) * (size_t)(t->n_replies - 1));
	t->n_replies--;
	t->in_reply = false;
	t->reply_pos = 0;
	return new_baud;
}

static void
switch_baud(struct sim *s, int baud)
{
	if (baud == s->mtk.baud)
		return;
	log_info("speed %d -> %d baud", s->mtk.baud, baud);
	s->mtk.baud = baud;
	s->tx.credit = 0;
	s->tx.garble_acc = 0;
}

/*
 * Up to max characters due on the line, into out.  Stops after a reply that
 * changes the speed (*new_baud > 0): what follows goes at the new speed.
 */
static size_t
tx_take(struct tx *t, char *out, size_t max, int *new_baud)
{
	size_t n = 0;

	*new_baud = 0;
	while (n < max) {
		if (!t->in_reply && t->n_replies > 0 && at_line_start(t)) {
			t->in_reply = true;
			if (t->reply[0].restarted)
				t->burst_len = t->burst_pos;
		}
		if (t->in_reply) {
			out[n++] = t->reply[0].text[t->reply_pos++];
			if (t->reply_pos < t->reply[0].len)
				continue;
			*new_baud = reply_done(t);
			if (*new_baud > 0)
				break;
			continue;
		}
		if (t->burst_pos >= t->burst_len)
			break;
		out[n++] = t->burst[t->burst_pos++];
	}
	return n;
}

static void on_tick(void *arg);

/* The chunk that starts a burst, n characters written at now: its first
 * character was whole n - 1 character times before now. */
static void
note_first(struct sim *s, struct timespec now, size_t n)
{
	double ct = 10.0 / s->mtk.baud;

	if (!s->host)
		return;
	if (s->late_skip) {
		s->late_skip = false;
		return;
	}
	s->late[s->late_next] = ts_to_double(ts_sub(now, s->tx.fresh_start)) - (double)n * ct;
	s->late_next = (s->late_next + 1) % REFCLOCK_CAL_WINDOW;
	if (s->nlate < REFCLOCK_CAL_WINDOW)
		s->nlate++;
}

static int64_t epoch_delay(const struct sim *s);

/* The delay the host can have measured: from the edge to the start of the
 * burst's first character, which a host finds by counting back from when
 * it read it (a character time per byte), by the host's own rule
 * (refclock_robust_mean) over the bursts it heard; 0 before any. */
static double
nmea_seen(const struct sim *s)
{
	if (s->nlate == 0)
		return 0;
	return (double)epoch_delay(s) / 1000.0 + refclock_robust_mean(s->late, s->nlate);
}

/* The line starts sending at start (monotonic; now at the latest): the
 * first character is whole at the far end one character time later, so
 * that is when it is written.  A timer that fired late makes the first
 * write carry the characters the line would have sent meanwhile, so the
 * host, counting characters back, still finds the true start. */
static void
tx_kick_at(struct sim *s, struct timespec start)
{
	struct timespec now = ts_now_mono();

	if (s->tx.tick != 0)
		return;
	s->tx.last = ts_cmp(start, now) < 0 ? start : now;
	s->tx.credit = 0;
	s->tx.tick = ev_timer_at(s->loop, ts_add_ns(s->tx.last, 10000000000LL / s->mtk.baud),
	    on_tick, s);
	if (s->tx.tick == 0)
		log_warnx("cannot add the transmit timer");
}

static void
tx_kick(struct sim *s)
{
	tx_kick_at(s, ts_now_mono());
}

static void
on_tick(void *arg)
{
	struct sim *s = arg;
	struct tx *t = &s->tx;
	struct timespec now = ts_now_mono();
	double cps = s->mtk.baud / 10.0;
	char chunk[CHUNK_MAX];

	t->tick = 0;
	t->credit += ts_to_double(ts_sub(now, t->last)) * cps;
	t->last = now;
	if (t->credit > cps * MAX_CATCHUP_MS / 1000.0)
		t->credit = cps * MAX_CATCHUP_MS / 1000.0;
	while (t->credit >= 1.0 && !tx_idle(t)) {
		size_t want = (size_t)t->credit;
		bool first = t->fresh && t->burst_pos == 0 && !t->in_reply && t->n_replies == 0;
		int new_baud;
		size_t n;

		if (want > sizeof(chunk))
			want = sizeof(chunk);
		n = tx_take(t, chunk, want, &new_baud);
		if (n == 0)
			break;
		if (first)
			note_first(s, now, n);
		t->fresh = false;
		t->credit -= (double)n;
		deliver(s, chunk, n);
		if (new_baud > 0)
			switch_baud(s, new_baud);
	}
	if (tx_idle(t)) {
		t->credit = 0;
		return;
	}
	t->tick = ev_timer_add(s->loop, TICK_MS, on_tick, s);
}

static void
queue_reply(struct sim *s, const struct mtk_reply *r)
{
	struct tx *t = &s->tx;
	struct reply *q;

	if (t->n_replies == MAX_REPLIES) {
		log_warnx("reply queue full: PMTK%03d reply lost", r->cmd);
		return;
	}
	q = &t->reply[t->n_replies++];
	memcpy(q->text, r->text, r->len);
	q->len = r->len;
	q->new_baud = r->new_baud;
	q->restarted = r->restarted;
	tx_kick(s);
}

/* Pending garbage goes into the middle of the burst just queued, at a
 * random place: a sentence is cut, as by a bad contact. */
static void
splice_garbage(struct sim *s)
{
	struct tx *t = &s->tx;
	size_t at, n = s->garbage_len;

	if (t->burst_len + n > sizeof(t->burst))
		n = sizeof(t->burst) - t->burst_len;
	at = t->burst_len / 4 + (t->burst_len > 1 ? s->junk % (t->burst_len / 2) : 0);
	memmove(t->burst + at + n, t->burst + at, t->burst_len - at);
	memcpy(t->burst + at, s->garbage, n);
	t->burst_len += n;
	log_info("%zu bytes of garbage spliced into the burst at character %zu", n, at);
	s->garbage_len = 0;
}

/* A new burst: what the line has not started of the previous one is lost
 * (the sentence on the wire is finished). */
static void
queue_burst(struct sim *s, const struct mtk_burst *b, struct timespec start)
{
	struct tx *t = &s->tx;
	size_t keep = 0;

	if (!at_line_start(t)) {
		const char *nl = memchr(t->burst + t->burst_pos, '\n', t->burst_len - t->burst_pos);

		keep = nl != NULL ? (size_t)(nl - (t->burst + t->burst_pos)) + 1 : 0;
		memmove(t->burst, t->burst + t->burst_pos, keep);
	}
	if (t->burst_pos < t->burst_len && t->burst_len - t->burst_pos > keep)
		log_debug("previous burst not finished: %zu characters dropped",
		    t->burst_len - t->burst_pos - keep);
	memcpy(t->burst + keep, b->text, b->len);
	t->burst_len = keep + b->len;
	t->burst_pos = 0;
	t->fresh = keep == 0;
	t->fresh_start = start;
	if (s->garbage_len > 0)
		splice_garbage(s);
	tx_kick_at(s, start);
}

/* ---- fix epochs ---- */

/* The delay after the epoch: --nmea-delay at 1 Hz and slower, the same
 * fraction of the interval at faster rates. */
static int64_t
epoch_delay(const struct sim *s)
{
	if (s->mtk.interval_ms >= 1000)
		return s->delay_ms;
	return s->delay_ms * s->mtk.interval_ms / 1000;
}

static void on_epoch(void *arg);

/* Arm the timer for the first epoch after `after` (UTC ms) whose burst is
 * still to come. */
static void
schedule_epoch(struct sim *s, int64_t after)
{
	int64_t d = epoch_delay(s);
	int64_t now = now_real_ms();
	int64_t from = now - d > after ? now - d : after;
	struct timespec when;

	s->planned = mtk_next_epoch(&s->mtk, from);
	when = ts_add_ns(ts_now_mono(), (s->planned + d - now) * 1000000);
	s->planned_start = when;
	s->epoch_timer = ev_timer_at(s->loop, when, on_epoch, s);
	if (s->epoch_timer == 0)
		fatalx("cannot add the epoch timer");
}

/* The fix interval changed: the planned epoch may not be one any more. */
static void
reschedule_epoch(struct sim *s)
{
	ev_timer_cancel(s->loop, s->epoch_timer);
	schedule_epoch(s, INT64_MIN / 2);
}

static void
on_epoch(void *arg)
{
	struct sim *s = arg;
	int64_t iv = s->mtk.interval_ms;
	int64_t d = epoch_delay(s);
	int64_t now = now_real_ms();
	int64_t epoch = s->planned;
	struct mtk_burst b;

	s->epoch_timer = 0;
	if (now < epoch + d - iv) {
		/* The clock was stepped back: wait for the new time's epoch. */
		schedule_epoch(s, INT64_MIN / 2);
		return;
	}
	if (now > epoch + d + iv) {
		epoch = mtk_next_epoch(&s->mtk, now - d) - iv; /* stepped ahead, or we stalled */
		s->planned_start = ts_now_mono();
	}
	mtk_burst(&s->mtk, epoch, &b);
	log_debug("epoch %lld.%03lld: %d sentences, %zu characters%s", (long long)(epoch / 1000),
	    (long long)(epoch % 1000), b.n_sent, b.len, s->host ? "" : " (nobody listening)");
	if (b.n_dropped > 0)
		log_info("%d sentences do not fit in %zu characters at %d baud: dropped",
		    b.n_dropped, mtk_budget(&s->mtk), s->mtk.baud);
	queue_burst(s, &b, s->planned_start);
	/* Never the same epoch twice, even when the timer fired a hair early. */
	schedule_epoch(s, epoch);
}

/* ---- PPS ---- */

static void on_pps(void *arg);

static void
schedule_pps(struct sim *s)
{
	int64_t at_ms = (int64_t)s->pps_next * 1000 + PPS_WAKE_MS;
	struct timespec when = ts_add_ns(ts_now_mono(), (at_ms - now_real_ms()) * 1000000);

	s->pps_timer = ev_timer_at(s->loop, when, on_pps, s);
	if (s->pps_timer == 0)
		fatalx("cannot add the PPS timer");
}

/* One sample to the consumer's socket.  No socket yet (ENOENT) or nobody
 * bound to it (ECONNREFUSED) is normal while the consumer starts or
 * restarts: the edge is lost, the next one is tried. */
static void
pps_send(struct sim *s, const struct pps_edge *e)
{
	struct pps_sock_sample smp;
	ssize_t n;

	pps_sock_encode(e, &smp);
	n = sendto(s->pps_fd, &smp, sizeof(smp), MSG_DONTWAIT, (struct sockaddr *)&s->pps_addr,
	    sizeof(s->pps_addr));
	if (n == (ssize_t)sizeof(smp)) {
		s->pps_sent++;
		s->pps_errno = 0;
		return;
	}
	if (n >= 0 || errno == ENOENT || errno == ECONNREFUSED || errno == EAGAIN)
		return;
	if (errno != s->pps_errno)
		log_warn("pps: %s", s->pps_addr.sun_path);
	s->pps_errno = errno;
}

static void
on_pps(void *arg)
{
	struct sim *s = arg;
	struct timespec now = ts_now_real();
	struct pps_edge e;
	time_t h;

	s->pps_timer = 0;
	if (now.tv_sec < s->pps_next) {
		/* Early, or the clock was stepped back: wait for the edge. */
		if (now.tv_sec + 1 < s->pps_next)
			s->pps_next = now.tv_sec + 1;
		schedule_pps(s);
		return;
	}
	/* Late by whole seconds (a stall, a step ahead): like an RFC 2783
	 * capture, only the latest edge is there to be read. */
	h = now.tv_sec;
	if (s->pps_on && mtk_has_fix(&s->mtk, (int64_t)h * 1000)) {
		ppsgen_edge(&s->pps, h, mtk_true_second(&s->mtk, h), mtk_leap_pending(&s->mtk, h),
		    &e);
		pps_send(s, &e);
		log_debug("pps: edge %lld sent as %lld.%06ld", (long long)h,
		    (long long)e.local.tv_sec, e.local.tv_nsec / 1000);
	}
	s->pps_next = h + 1;
	schedule_pps(s);
}

static void
pps_open(struct sim *s, const char *path)
{
	memset(&s->pps_addr, 0, sizeof(s->pps_addr));
	s->pps_addr.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(s->pps_addr.sun_path))
		fatalx("--pps-socket: path too long (%zu bytes at most): %s",
		    sizeof(s->pps_addr.sun_path) - 1, path);
	memcpy(s->pps_addr.sun_path, path, strlen(path) + 1);
	s->pps_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->pps_fd < 0)
		fatal("pps: socket");
	s->pps_next = ts_now_real().tv_sec + 1;
	schedule_pps(s);
}

/* ---- receive ---- */

static void
handle_line(struct sim *s, const struct nmea_line *line)
{
	struct mtk_reply r;
	int interval = s->mtk.interval_ms;

	if (line->status != NMEA_LEX_OK) {
		log_debug("ignored from host (%s): %s", nmea_lex_status_str(line->status),
		    line->text);
		return;
	}
	if (mtk_command(&s->mtk, line->text, line->len, now_real_ms(), &r) == 0) {
		log_debug("ignored from host: %s", line->text);
		return;
	}
	if (r.flag >= 0)
		log_info("%s -> PMTK001,%d,%d (%s)", line->text, r.cmd, r.flag,
		    nmea_pmtk_flag_str(r.flag));
	else
		log_info("%s -> answered", line->text);
	queue_reply(s, &r);
	if (s->mtk.interval_ms != interval)
		reschedule_epoch(s);
}

static void
received(struct sim *s, const uint8_t *buf, size_t n)
{
	int host_baud = pty_host_baud(s->master);
	struct nmea_line line;
	size_t pos = 0;

	if (host_baud != s->mtk.baud) {
		/* At the wrong speed the receiver's UART sees framing errors;
		 * whatever command was half received is lost with them. */
		log_debug("%zu bytes from a host at %d baud (receiver at %d): garbage", n,
		    host_baud, s->mtk.baud);
		nmea_lexer_init(&s->lx);
		return;
	}
	while (nmea_lexer_feed(&s->lx, buf, n, &pos, ts_now_mono(), &line) == 1)
		handle_line(s, &line);
}

static void on_read(int fd, short revents, void *arg);

static void
on_presence(void *arg)
{
	struct sim *s = arg;

	s->presence_timer = 0;
	if (!pty_host_present(s->master)) {
		s->presence_timer = ev_timer_add(s->loop, PRESENCE_MS, on_presence, s);
		if (s->presence_timer == 0)
			fatalx("cannot add the presence timer");
		return;
	}
	log_info("host opened %s", s->slave);
	s->host = true;
	s->late_skip = true;
	nmea_lexer_init(&s->lx);
	if (ev_fd_add(s->loop, s->master, POLLIN, on_read, s) < 0)
		fatal("ev_fd_add");
}

static void
host_gone(struct sim *s)
{
	if (!s->host)
		return;
	log_info("host closed %s", s->slave);
	s->host = false;
	ev_fd_del(s->loop, s->master);
	/* What the host left unread is gone with the port. */
	tcflush(s->master, TCIOFLUSH);
	s->presence_timer = ev_timer_add(s->loop, PRESENCE_MS, on_presence, s);
	if (s->presence_timer == 0)
		fatalx("cannot add the presence timer");
}

static void
on_read(int fd, short revents, void *arg)
{
	struct sim *s = arg;
	uint8_t buf[512];
	ssize_t n;

	if ((revents & POLLIN) == 0) {
		if (revents & (POLLHUP | POLLERR | POLLNVAL))
			host_gone(s);
		return;
	}
	n = read(fd, buf, sizeof(buf));
	if (n > 0) {
		received(s, buf, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	host_gone(s);
}

/* ---- setup ---- */

static void
usage(FILE *f)
{
	fprintf(f, "usage: gpssim --pty PATH [--baud N] [--nmea-delay S] [--no-fix] "
		   "[--fix-after S]\n"
		   "              [--lat DEG] [--lon DEG] [--alt M] [--seed N] "
		   "[--pid-file PATH] [-v]\n"
		   "              [--pps-socket PATH] [--pps-offset S] [--pps-jitter S] "
		   "[--no-pps]\n"
		   "              [--control PATH] [--rollover] [--leap-at UNIXTIME]\n");
}

static void
startup_messages(struct sim *s)
{
	struct mtk_reply r;
	int n;

	memset(&r, 0, sizeof(r));
	n = nmea_frame(r.text, sizeof(r.text), "PMTK011,MTKGPS", true);
	if (n > 0)
		r.len = (size_t)n;
	n = nmea_frame(r.text + r.len, sizeof(r.text) - r.len, "PMTK010,001", true);
	if (n > 0)
		r.len += (size_t)n;
	queue_reply(s, &r);
}

/* ---- faults ---- */

/* The adapter is pulled: the host's port goes away with everything queued. */
static int
unplug(struct sim *s, char *err, size_t errlen)
{
	struct tx *t = &s->tx;

	if (s->master < 0) {
		snprintf(err, errlen, "already unplugged");
		return -1;
	}
	if (s->host) {
		ev_fd_del(s->loop, s->master);
		s->host = false;
	}
	ev_timer_cancel(s->loop, s->presence_timer);
	s->presence_timer = 0;
	pty_unlink(s->slave, s->link);
	close(s->master);
	s->master = -1;
	t->burst_len = t->burst_pos = 0;
	t->n_replies = 0;
	t->in_reply = false;
	t->reply_pos = 0;
	log_info("unplugged: %s removed", s->link);
	return 0;
}

/* Plugged back: a new port (another pts number, as a new ttyUSBn would
 * be), the link made again.  The receiver kept its power and settings. */
static int
replug(struct sim *s, char *err, size_t errlen)
{
	if (s->master >= 0) {
		snprintf(err, errlen, "not unplugged");
		return -1;
	}
	s->master = pty_open(s->mtk.baud, s->slave, sizeof(s->slave), err, errlen);
	if (s->master < 0)
		return -1;
	if (pty_link(s->slave, s->link, err, errlen) < 0) {
		close(s->master);
		s->master = -1;
		return -1;
	}
	nmea_lexer_init(&s->lx);
	on_presence(s);
	log_info("replugged: %s -> %s", s->link, s->slave);
	return 0;
}

static void
status_line(struct sim *s, char *out, size_t len)
{
	int64_t now = now_real_ms();
	char leap[32];

	if (s->mtk.leap_at > 0)
		snprintf(leap, sizeof(leap), "%lld", (long long)s->mtk.leap_at);
	else
		snprintf(leap, sizeof(leap), "none");
	snprintf(out, len, "ok fix=%s pps=%s pps_sent=%lu plugged=%s host=%s baud=%d "
	    "interval_ms=%d nmea_delay=%.3f nmea_seen=%.6f rollover=%s leap=%s link=%s "
	    "slave=%s\n",
	    mtk_has_fix(&s->mtk, now) ? "yes" : "no", s->pps_fd < 0 ? "none" :
	    s->pps_on ? "on" : "off", s->pps_sent, s->master >= 0 ? "yes" : "no",
	    s->host ? "yes" : "no", s->mtk.baud, s->mtk.interval_ms, s->delay_ms / 1000.0,
	    nmea_seen(s),
	    s->mtk.rollover ? "on" : "off", leap, s->link, s->master >= 0 ? s->slave : "-");
}

/* Carry out one command; the answer, with its line end, goes into out. */
static void
control_command(void *arg, const char *line, size_t len, char *out, size_t outlen)
{
	struct sim *s = arg;
	struct simctl_cmd c;
	char err[512];
	int64_t now = now_real_ms();

	if (simctl_parse(line, len, &c, err, sizeof(err)) < 0) {
		snprintf(out, outlen, "error: %s\n", err);
		return;
	}
	switch (c.op) {
	case SIMCTL_FIX_LOST:
		s->mtk.fix_lost = true;
		break;
	case SIMCTL_FIX_OK:
		s->mtk.fix_lost = false;
		if (s->mtk.fix_at_ms > now)
			s->mtk.fix_at_ms = now;
		break;
	case SIMCTL_PPS_STOP:
		s->pps_on = false;
		break;
	case SIMCTL_PPS_START:
		s->pps_on = true;
		break;
	case SIMCTL_GARBAGE:
		s->garbage_len = (size_t)c.n;
		simctl_garbage(&s->junk, s->garbage, s->garbage_len);
		break;
	case SIMCTL_UNPLUG:
		if (unplug(s, err, sizeof(err)) < 0) {
			snprintf(out, outlen, "error: %s\n", err);
			return;
		}
		break;
	case SIMCTL_REPLUG:
		if (replug(s, err, sizeof(err)) < 0) {
			snprintf(out, outlen, "error: %s\n", err);
			return;
		}
		break;
	case SIMCTL_LEAP_INSERT:
		mtk_set_leap(&s->mtk, simctl_next_midnight(now / 1000));
		break;
	case SIMCTL_LEAP_INSERT_AT:
		if (c.n * 1000 <= now) {
			snprintf(out, outlen, "error: %lld has passed\n", (long long)c.n);
			return;
		}
		mtk_set_leap(&s->mtk, c.n);
		break;
	case SIMCTL_LEAP_CANCEL:
		s->mtk.leap_at = 0;
		break;
	case SIMCTL_ROLLOVER_ON:
		s->mtk.rollover = true;
		break;
	case SIMCTL_ROLLOVER_OFF:
		s->mtk.rollover = false;
		break;
	case SIMCTL_NMEA_DELAY:
		s->delay_ms = llround(c.seconds * 1000);
		reschedule_epoch(s);
		break;
	case SIMCTL_STATUS:
		status_line(s, out, outlen);
		return;
	case SIMCTL_HELP:
		snprintf(out, outlen, "ok commands:\n%s", simctl_help);
		return;
	}
	log_info("control: %.*s", (int)len, line);
	snprintf(out, outlen, "ok\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pty", required_argument, NULL, 'p' },
		{ "baud", required_argument, NULL, 'b' },
		{ "nmea-delay", required_argument, NULL, 'd' },
		{ "no-fix", no_argument, NULL, 'n' },
		{ "fix-after", required_argument, NULL, 'f' },
		{ "lat", required_argument, NULL, 'a' },
		{ "lon", required_argument, NULL, 'o' },
		{ "alt", required_argument, NULL, 'A' },
		{ "seed", required_argument, NULL, 's' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "pps-socket", required_argument, NULL, 'S' },
		{ "pps-offset", required_argument, NULL, 'O' },
		{ "pps-jitter", required_argument, NULL, 'J' },
		{ "no-pps", no_argument, NULL, 'N' },
		{ "control", required_argument, NULL, 'C' },
		{ "rollover", no_argument, NULL, 'R' },
		{ "leap-at", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct sim sim;
	struct sim *s = &sim;
	struct mtk_params p = { MTK_DEFAULT_BAUD, 51.4779, -0.0015, 46.0, 0, 0 };
	double delay = 0.5, fix_after = 0;
	double pps_offset = 0, pps_jitter = PPSGEN_DEFAULT_JITTER;
	const char *pps_path = NULL;
	bool no_pps = false, rollover = false;
	int64_t leap_at = 0;
	bool no_fix = false, has_fix_after = false;
	int verbose = 0, c;
	char err[1024];

	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			s->link = optarg;
			break;
		case 'b':
			p.baud = (int)sim_num_arg("gpssim", "--baud", optarg, 4800, 115200);
			if (!mtk_baud_valid(p.baud)) {
				fprintf(stderr, "gpssim: --baud: %s is not an MTK speed (4800, "
						"9600, 14400, 19200, 38400, 57600, 115200)\n", optarg);
				return 2;
			}
			break;
		case 'd':
			delay = sim_num_arg("gpssim", "--nmea-delay", optarg, 0.3, 0.95);
			break;
		case 'n':
			no_fix = true;
			break;
		case 'f':
			fix_after = sim_num_arg("gpssim", "--fix-after", optarg, 0, 86400);
			has_fix_after = true;
			break;
		case 'a':
			p.lat = sim_num_arg("gpssim", "--lat", optarg, -90, 90);
			break;
		case 'o':
			p.lon = sim_num_arg("gpssim", "--lon", optarg, -180, 180);
			break;
		case 'A':
			p.alt_m = sim_num_arg("gpssim", "--alt", optarg, -500, 9000);
			break;
		case 's':
			p.seed = (uint32_t)sim_num_arg("gpssim", "--seed", optarg, 0, 4294967295.0);
			break;
		case 'P':
			s->pid_file = optarg;
			break;
		case 'S':
			pps_path = optarg;
			break;
		case 'O':
			pps_offset = sim_num_arg("gpssim", "--pps-offset", optarg, -0.4, 0.4);
			break;
		case 'J':
			pps_jitter = sim_num_arg("gpssim", "--pps-jitter", optarg, 0, 0.1);
			break;
		case 'N':
			no_pps = true;
			break;
		case 'C':
			s->ctl_path = optarg;
			break;
		case 'R':
			rollover = true;
			break;
		case 'L':
			leap_at = (int64_t)sim_num_arg("gpssim", "--leap-at", optarg, 60, 253402300740.0);
			if (leap_at % 60 != 0) {
				fprintf(stderr, "gpssim: --leap-at: %s is not a whole minute "
						"(the second labelled :60)\n", optarg);
				return 2;
			}
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
	if (optind != argc || s->link == NULL) {
		usage(stderr);
		return 2;
	}
	log_init("gpssim", 1, verbose > 1 ? LOG_LVL_DEBUG :
	    verbose ? LOG_LVL_INFO : LOG_LVL_WARN);

	s->delay_ms = llround(delay * 1000);
	if (has_fix_after)
		p.fix_at_ms = now_real_ms() + llround(fix_after * 1000);
	else if (no_fix)
		p.fix_at_ms = MTK_NEVER;
	s->junk = p.seed != 0 ? p.seed ^ 0x9e3779b9u : 0x2545f491u;
	mtk_init(&s->mtk, &p);
	nmea_lexer_init(&s->lx);
	ppsgen_init(&s->pps, pps_offset, pps_jitter, p.seed);
	s->mtk.rollover = rollover;
	if (leap_at > 0)
		mtk_set_leap(&s->mtk, leap_at);
	s->pps_fd = -1;
	s->pps_on = !no_pps;

	s->loop = sim_loop_new();
	s->master = pty_open(p.baud, s->slave, sizeof(s->slave), err, sizeof(err));
	if (s->master < 0 || pty_link(s->slave, s->link, err, sizeof(err)) < 0)
		fatalx("%s", err);
	if (s->pid_file != NULL)
		sim_write_pid_file(s->pid_file);
	log_info("%s -> %s, %d baud, fix %s", s->link, s->slave, s->mtk.baud,
	    p.fix_at_ms == MTK_NEVER ? "never" : has_fix_after ? "later" : "now");

	on_presence(s);
	startup_messages(s);
	schedule_epoch(s, INT64_MIN / 2);
	if (pps_path != NULL)
		pps_open(s, pps_path);
	if (s->ctl_path != NULL) {
		char why[512];

		s->ctl = ctlsock_open(s->loop, s->ctl_path, control_command, s, why, sizeof(why));
		if (s->ctl == NULL)
			fatalx("--control: %s", why);
	}
	if (ev_run(s->loop) < 0)
		log_warn("ev_run");

	ctlsock_close(s->ctl);
	if (s->master >= 0) {
		pty_unlink(s->slave, s->link);
		close(s->master);
	}
	if (s->pid_file != NULL)
		unlink(s->pid_file);
	if (s->pps_fd >= 0)
		close(s->pps_fd);
	ev_free(s->loop);
	return 0;
}
