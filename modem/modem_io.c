/*
 * modem_io: the modem driver on a port, in an event loop.  See modem_io.h.
 *
 * Nothing is done to the driver or the port from inside the driver's hooks
 * (the AT engine forbids feeding or ticking from them, and closing the port
 * under it would be worse): what they ask for is noted and done by the
 * "later" timer, which fires in the loop's next round.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "at.h"
#include "evloop.h"
#include "modem.h"
#include "modem_io.h"
#include "serial.h"
#include "tsmath.h"

#define READS_PER_WAKEUP 8

struct modem_io_port {
	struct ev_loop		*loop;
	struct modem_io_hooks	hooks;
	struct serial_port	sp;
	struct modem		m;
	char			device[128];	/* for messages */
	int64_t			status_every_ms;

	ev_timer_id		tick_timer;
	int64_t			tick_at;	/* -1: tick_timer not armed */
	ev_timer_id		later_timer;
	ev_timer_id		reopen_timer;
	ev_timer_id		grace_timer;
	ev_timer_id		poll_timer;

	bool			lost;		/* a write failed: close the port */
	bool			unresponsive;	/* MODEM_EV_UNRESPONSIVE to act on */
	bool			reset_tried;	/* since the modem was last ready */
	bool			resetting;	/* the reset is queued or in flight */
	bool			lent;		/* closed while PPP has the port */
	int			reopen_errno;	/* last one reported */

	uint8_t			out[MODEM_IO_OUT_MAX];
	size_t			out_len;
	char			msg[MODEM_MSG_MAX];
};

static void rearm(struct modem_io_port *p);
static void port_lost(struct modem_io_port *p);

static void
notice(struct modem_io_port *p, enum modem_io_notice n)
{
	if (p->hooks.notice != NULL)
		p->hooks.notice(p->hooks.arg, n, p->msg);
}

static void
cancel(struct modem_io_port *p, ev_timer_id *t)
{
	if (*t != 0)
		ev_timer_cancel(p->loop, *t);
	*t = 0;
}

/* ---- writing ---- */

/* Write what is buffered; -1 when the port failed. */
static int
flush_out(struct modem_io_port *p)
{
	while (p->out_len > 0) {
		ssize_t w = write(p->sp.fd, p->out, p->out_len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w <= 0)
			return -1;
		memmove(p->out, p->out + w, p->out_len - (size_t)w);
		p->out_len -= (size_t)w;
	}
	ev_fd_events(p->loop, p->sp.fd, p->out_len > 0 ? POLLIN | POLLOUT : POLLIN);
	return 0;
}

static void schedule_later(struct modem_io_port *p);

static void
drv_write(void *arg, const void *data, size_t len)
{
	struct modem_io_port *p = arg;
	size_t room = sizeof(p->out) - p->out_len;

	if (p->sp.fd < 0 || p->lost)
		return;
	if (len > room)
		len = room;	/* the command's timeout will tell */
	memcpy(p->out + p->out_len, data, len);
	p->out_len += len;
	if (flush_out(p) < 0) {
		p->lost = true;
		schedule_later(p);
	}
}

/* ---- the driver's events ---- */

static void
drv_event(void *arg, const struct modem_event *ev)
{
	struct modem_io_port *p = arg;

	switch (ev->kind) {
	case MODEM_EV_READY:
		p->reset_tried = false;
		break;
	case MODEM_EV_UNRESPONSIVE:
		p->unresponsive = true;
		schedule_later(p);
		break;
	default:
		break;
	}
	if (p->hooks.event != NULL)
		p->hooks.event(p->hooks.arg, ev);
}

/* ---- timers ---- */

static void
on_tick(void *arg)
{
	struct modem_io_port *p = arg;

	p->tick_timer = 0;
	p->tick_at = -1;
	modem_tick(&p->m, ts_mono_ms());
	rearm(p);
}

static void
on_grace(void *arg)
{
	struct modem_io_port *p = arg;

	p->grace_timer = 0;
	p->resetting = false;
	if (p->sp.fd < 0)
		return;
	if (at_unresponsive(&p->m.at)) {
		snprintf(p->msg, sizeof(p->msg),
		    "%s: no answer after the reset: closing the port to open it again",
		    p->device);
		notice(p, MODEM_IO_WARNING);
		port_lost(p);
		return;
	}
	/* It answered and stayed: whatever it was set to is gone. */
	modem_start(&p->m, ts_mono_ms());
	rearm(p);
}

/* The one timer follows the driver's deadline; a reset's grace starts when
 * the driver has nothing left in flight. */
static void
rearm(struct modem_io_port *p)
{
	int64_t at = modem_next_deadline(&p->m), now = ts_mono_ms();

	if (p->resetting && p->grace_timer == 0 && modem_idle(&p->m) && p->sp.fd >= 0)
		p->grace_timer = ev_timer_add(p->loop, MODEM_IO_RESET_GRACE_MS, on_grace, p);
	if (at == p->tick_at)
		return;
	cancel(p, &p->tick_timer);
	p->tick_at = -1;
	if (at < 0)
		return;
	p->tick_timer = ev_timer_add(p->loop, at > now ? at - now : 0, on_tick, p);
	if (p->tick_timer != 0)
		p->tick_at = at;
}

static void
recover(struct modem_io_port *p)
{
	if (p->sp.fd < 0)
		return;
	if (!p->reset_tried && modem_hard_reset(&p->m, ts_mono_ms()) == 0) {
		p->reset_tried = true;
		p->resetting = true;
		snprintf(p->msg, sizeof(p->msg), "%s: resetting the modem (AT+CFUN=1,1)",
		    p->device);
		notice(p, MODEM_IO_RESET);
		rearm(p);
		return;
	}
	snprintf(p->msg, sizeof(p->msg),
	    "%s: the modem still does not answer: closing the port to open it again", p->device);
	notice(p, MODEM_IO_WARNING);
	port_lost(p);
}

static void
on_later(void *arg)
{
	struct modem_io_port *p = arg;

	p->later_timer = 0;
	if (p->lost) {
		port_lost(p);
		return;
	}
	if (p->unresponsive) {
		p->unresponsive = false;
		recover(p);
	}
}

static void
schedule_later(struct modem_io_port *p)
{
	if (p->later_timer == 0)
		p->later_timer = ev_timer_add(p->loop, 0, on_later, p);
}

static void
on_poll(void *arg)
{
	struct modem_io_port *p = arg;

	p->poll_timer = ev_timer_add(p->loop, p->status_every_ms, on_poll, p);
	if (p->sp.fd < 0 || p->resetting || p->m.state != MODEM_READY || !modem_idle(&p->m))
		return;
	modem_poll_status(&p->m, ts_mono_ms());
	rearm(p);
}

/* ---- reading, losing and finding the port ---- */

static void
on_readable(int fd, short revents, void *arg)
{
	struct modem_io_port *p = arg;
	uint8_t buf[512];

	if ((revents & POLLOUT) != 0 && flush_out(p) < 0) {
		port_lost(p);
		return;
	}
	if ((revents & (POLLIN | POLLHUP | POLLERR)) == 0)
		return;
	for (int i = 0; i < READS_PER_WAKEUP; i++) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			modem_feed(&p->m, buf, (size_t)n, ts_mono_ms());
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		/* 0 bytes, EIO/ENXIO/ENODEV (serial_gone()) or worse: the port
		 * is of no use until opened again either way. */
		port_lost(p);
		return;
	}
	rearm(p);
}

static void on_reopen(void *arg);

static void
port_lost(struct modem_io_port *p)
{
	if (p->sp.fd >= 0)
		ev_fd_del(p->loop, p->sp.fd);
	serial_close(&p->sp);
	p->out_len = 0;
	p->lost = false;
	p->unresponsive = false;
	p->resetting = false;
	cancel(p, &p->grace_timer);
	cancel(p, &p->tick_timer);
	p->tick_at = -1;
	modem_closed(&p->m);
	if (p->reopen_timer == 0 && !p->lent)
		p->reopen_timer = ev_timer_add(p->loop, MODEM_IO_REOPEN_MS, on_reopen, p);
}

/* The fd is open: watch it, forget old chatter, start the driver. */
static int
attach(struct modem_io_port *p)
{
	if (ev_fd_add(p->loop, p->sp.fd, POLLIN, on_readable, p) < 0)
		return -1;
	tcflush(p->sp.fd, TCIFLUSH);
	p->reopen_errno = 0;
	modem_start(&p->m, ts_mono_ms());
	rearm(p);
	return 0;
}

static void
on_reopen(void *arg)
{
	struct modem_io_port *p = arg;
	char err[SERIAL_ERRLEN];
	int e;

	p->reopen_timer = 0;
	if (serial_reopen(&p->sp, err, sizeof(err)) == 0) {
		if (attach(p) == 0) {
			snprintf(p->msg, sizeof(p->msg), "%s: the port is open again", p->device);
			notice(p, MODEM_IO_REOPENED);
			return;
		}
		e = errno;
		snprintf(err, sizeof(err), "%s: cannot watch the port: %s", p->device,
		    strerror(e));
		serial_close(&p->sp);
		errno = e;
	}
	e = errno;
	/* Absent is what an unplugged stick is; other reasons (locked, no
	 * permission) are told once each. */
	if (e != ENOENT && e != p->reopen_errno) {
		snprintf(p->msg, sizeof(p->msg), "cannot open the port again: %s", err);
		notice(p, MODEM_IO_WARNING);
	}
	p->reopen_errno = e;
	p->reopen_timer = ev_timer_add(p->loop, MODEM_IO_REOPEN_MS, on_reopen, p);
}

/* ---- public ---- */

static int
load_pin(const struct modem_io_opts *o, char *pin, size_t len, char *err, size_t errlen)
{
	pin[0] = '\0';
	if (o->pin_file == NULL || o->pin_file[0] == '\0')
		return 0;
	return modem_read_pin_file(o->pin_file, pin, len, err, errlen);
}

struct modem_io_port *
modem_io_open(struct ev_loop *loop, const struct modem_io_opts *opts,
    const struct modem_io_hooks *hooks, char *err, size_t errlen)
{
	struct modem_io_port *p;
	struct modem_config mc;
	struct modem_io mio;
	struct serial_opts so;
	char pin[MODEM_PIN_MAX];

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "%s: %s", opts->device, strerror(errno));
		return NULL;
	}
	if (load_pin(opts, pin, sizeof(pin), err, errlen) < 0) {
		free(p);
		return NULL;
	}
	p->loop = loop;
	p->hooks = *hooks;
	p->sp.fd = -1;
	p->tick_at = -1;
	p->status_every_ms = opts->status_every_ms;
	snprintf(p->device, sizeof(p->device), "%s", opts->device);
	memset(&mc, 0, sizeof(mc));
	mc.device = opts->device;
	mc.pin = pin;
	mc.cmd_timeout_ms = opts->cmd_timeout_ms;
	mio = (struct modem_io){ drv_write, drv_event, p };
	modem_init(&p->m, &mc, &mio);
	explicit_bzero(pin, sizeof(pin));

	serial_opts_default(&so);
	so.baud = MODEM_IO_BAUD;
	so.uucp_lock = true;
	so.lock_dir = opts->lock_dir;
	if (serial_open(&p->sp, opts->device, &so, err, errlen) < 0)
		goto fail;
	if (attach(p) < 0) {
		snprintf(err, errlen, "%s: cannot watch the port: %s", p->device, strerror(errno));
		goto fail;
	}
	if (p->status_every_ms > 0)
		p->poll_timer = ev_timer_add(loop, p->status_every_ms, on_poll, p);
	return p;
fail:
	serial_close(&p->sp);
	explicit_bzero(&p->m, sizeof(p->m));
	free(p);
	return NULL;
}

void
modem_io_close(struct modem_io_port *p)
{
	if (p == NULL)
		return;
	if (p->sp.fd >= 0)
		ev_fd_del(p->loop, p->sp.fd);
	serial_close(&p->sp);
	cancel(p, &p->tick_timer);
	cancel(p, &p->later_timer);
	cancel(p, &p->reopen_timer);
	cancel(p, &p->grace_timer);
	cancel(p, &p->poll_timer);
	explicit_bzero(&p->m, sizeof(p->m));	/* the PIN */
	free(p);
}

const struct modem *
modem_io_modem(const struct modem_io_port *p)
{
	return &p->m;
}

bool
modem_io_is_open(const struct modem_io_port *p)
{
	return p->sp.fd >= 0;
}

void
modem_io_lend(struct modem_io_port *p, bool lend)
{
	if (lend == p->lent)
		return;
	if (lend) {
		p->lent = true;
		cancel(p, &p->reopen_timer);
		cancel(p, &p->later_timer);
		port_lost(p);
		return;
	}
	p->lent = false;
	if (p->reopen_timer == 0)
		p->reopen_timer = ev_timer_add(p->loop, 0, on_reopen, p);
}

int
modem_io_send_sms(struct modem_io_port *p, const char *number, const char *text, int tag,
    char *err, size_t errlen)
{
	int rc = modem_send_sms(&p->m, ts_mono_ms(), number, text, tag, err, errlen);

	rearm(p);
	return rc;
}
