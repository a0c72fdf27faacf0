/*
 * modem_io: the I/O glue that runs the modem driver (modem.h) on a real
 * port, inside an event loop (evloop.h).  The driver decides what to say;
 * this module owns the file descriptor, the clock and the recovery.
 *
 * Port.  modem_io_open() opens the AT port raw, exclusively and under a
 * UUCP lock (serial.h), drops what the modem said before anyone listened,
 * watches the fd and runs modem_start().  Every byte read goes to
 * modem_feed(); one timer, re-armed after every call into the driver,
 * runs modem_tick() at modem_next_deadline().
 *
 * Writes.  What the driver hands over is written at once; the part the
 * port does not take (a non-blocking tty that is full) waits in a small
 * buffer (MODEM_IO_OUT_MAX, more than the longest command plus PDU) and
 * goes out when the fd is writable.  The loop never blocks on the modem.
 * Bytes that do not fit are dropped: a modem that has not taken a whole
 * command is not answering, and the command's timeout says so.
 *
 * Going away.  A read that ends (0 bytes) or fails as serial_gone() says,
 * or a write that fails, closes the port and calls modem_closed() (the
 * driver reports MODEM_EV_GONE); then serial_reopen() is tried every
 * MODEM_IO_REOPEN_MS until the device is back, and modem_start() runs
 * again (MODEM_IO_REOPENED).
 *
 * Not answering.  On MODEM_EV_UNRESPONSIVE the modem is reset once
 * (modem_hard_reset(), MODEM_IO_RESET).  A real stick then leaves the USB
 * bus, which is the "going away" above.  If the port is still there
 * MODEM_IO_RESET_GRACE_MS after the reset completed: when the modem
 * answered it, it is started again (modem_start()); when it did not, the
 * port is closed and reopened (MODEM_IO_WARNING says so).  Further
 * MODEM_EV_UNRESPONSIVE before the modem is ready again close and reopen
 * the port without another reset.
 *
 * Status.  With status_every_ms, modem_poll_status() runs that often while
 * the modem is ready and idle: it keeps status fresh, and it is what finds
 * out that a quiet modem stopped answering.
 *
 * Events.  The driver's events reach the hooks' event function unchanged;
 * the glue's own news comes through the notice function, with a message
 * naming the device.  Hooks run from inside the loop and may call
 * ev_break() or modem_io_send_sms(), but not modem_io_close().
 *
 * No global state; any number of ports may share one loop.
 */
#ifndef OUTPOST_MODEM_IO_H
#define OUTPOST_MODEM_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evloop.h"
#include "modem.h"

#define MODEM_IO_REOPEN_MS	1000
#define MODEM_IO_RESET_GRACE_MS	3000	/* a stick leaves the bus ~1 s after the reset */
#define MODEM_IO_OUT_MAX	1024	/* AT_CMD_MAX + AT_PDU_MAX and their ends fit */
#define MODEM_IO_BAUD		115200	/* USB sticks ignore it */

enum modem_io_notice {
	MODEM_IO_RESET,		/* modem_hard_reset() sent */
	MODEM_IO_REOPENED,	/* the port is open again; init runs */
	MODEM_IO_WARNING	/* the glue closes the port on purpose, or cannot reopen it */
};

struct modem_io_hooks {
	void	(*event)(void *arg, const struct modem_event *ev);
	void	(*notice)(void *arg, enum modem_io_notice n, const char *msg);
	void	*arg;
};

struct modem_io_opts {
	const char	*device;	/* the AT (PC UI) port */
	const char	*pin_file;	/* NULL: no PIN (modem_read_pin_file()) */
	int64_t		cmd_timeout_ms;	/* 0: MODEM_CMD_TIMEOUT_MS */
	int64_t		status_every_ms; /* 0: no periodic status poll */
	const char	*lock_dir;	/* NULL: serial_lock_dir() */
};

struct modem_io_port;

/* Open the port and start the driver.  NULL with a message in err when the
 * PIN file is unusable or the port cannot be opened. */
struct modem_io_port *modem_io_open(struct ev_loop *loop, const struct modem_io_opts *opts,
    const struct modem_io_hooks *hooks, char *err, size_t errlen);
/* Close the port and release everything; not from inside a hook. */
void modem_io_close(struct modem_io_port *p);

/* The driver's state and status, for reading. */
const struct modem *modem_io_modem(const struct modem_io_port *p);
bool modem_io_is_open(const struct modem_io_port *p);

/*
 * Single-port sticks, where PPP needs the one port: lend it (the port is
 * closed, its lock released, MODEM_EV_GONE reported, nothing reopened) and
 * take it back when the link is down (opened again at once and the driver
 * started: messages that came meanwhile are read by its sweep).
 */
void modem_io_lend(struct modem_io_port *p, bool lend);

/* modem_send_sms() with the clock and the timer taken care of. */
int modem_io_send_sms(struct modem_io_port *p, const char *number, const char *text, int tag,
    char *err, size_t errlen);

#endif
