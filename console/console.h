/*
 * console: the router console server.  It holds the router's serial
 * console (a USB-serial cable) open all the time, keeps what the router
 * says in a log file even while nobody watches, and lets `outpost console`
 * attach a terminal to it.
 *
 * oobd hosts it and shares three things with it: its event loop (the
 * server adds its fds and timers to it), the console directives in
 * oobd.conf (CONSOLE_CFG_DIRECTIVES below) and a "consoles" section of its
 * status (console_server_status).  Nothing else of oobd's is used here.
 * The client half is console_proto.h (the framing on the socket) and
 * console_esc.h (the typed escapes), which `outpost console` uses.
 *
 * Lines.  Each `console` directive names a serial device, opened raw,
 * exclusively (TIOCEXCL) and under a UUCP lock file (serial.h), so that cu(1)
 * and oobd never share a line.  The fd is non-blocking and read from oobd's
 * single poll loop; nothing here ever waits for the line.  A line that
 * cannot be opened at start, or goes away (USB adapter unplugged: read
 * returns 0 or EIO/ENXIO/ENODEV, or a write fails), is tried again every
 * CONSOLE_REOPEN_MS until it is back; the log gets "[-- line lost: why --]"
 * and "[-- line back --]".
 *
 * Log.  Every byte from the router goes to <console-log-dir>/NAME.log with a
 * timestamp at each line start, marks for attach/detach/break/line events,
 * rotation by size and an fsync every CONSOLE_LOG_SYNC_MS while there is
 * something new (console_log.h).  The last lines are also kept in memory for
 * the replay a client gets when it attaches.
 *
 * Clients.  Each console has a Unix stream socket <console-dir>/NAME.sock,
 * mode 0660 owned by console-group (0600 without one), so the members of
 * that group may attach and others may not; the directory is created 0750.
 * A client speaks console_proto.h.  At most one client holds the line for
 * writing; others (--spy, or a second writer) only see.  A writer that says
 * FORCE takes the role over and the old writer is told it is now read-only.
 * A client that does not send its HELLO within CONSOLE_HELLO_MS is dropped.
 *
 * Slow clients.  What a client has not read yet waits in a queue of
 * CONSOLE_CLIENT_QUEUE bytes.  When the queue is full, the router's output
 * for that client is dropped, never delayed: the line, the log and the
 * other clients go on.  When the client catches up it first gets a notice
 * "N bytes of output dropped" (the log file has everything).  A writer's
 * typing that the line cannot take yet (flow control, a slow baud rate) is
 * left in the client's socket: the client waits, nothing is lost.
 *
 * BREAK.  Sent as TIOCSBRK, a CONSOLE_BREAK_MS timer, TIOCCBRK, so the loop
 * does not sleep in tcsendbreak(); marked in the log.  (A pseudo-terminal
 * accepts the ioctls but does nothing with them.)
 *
 * Messages for oobd's own log go through log.h.
 */
#ifndef OUTPOST_CONSOLE_H
#define OUTPOST_CONSOLE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "console_proto.h"
#include "evloop.h"
#include "serial.h"

#define CONSOLE_MAX 8                   /* consoles per oobd */
#define CONSOLE_PATH 256                /* longest path in the configuration */
#define CONSOLE_CLIENTS_MAX 16          /* clients per console */
#define CONSOLE_CLIENT_QUEUE (64 * 1024)
#define CONSOLE_LINE_OUT 8192           /* typed bytes waiting for the line */
#define CONSOLE_REOPEN_MS 1000
#define CONSOLE_HELLO_MS 10000
#define CONSOLE_BREAK_MS 300
#define CONSOLE_REPLAY_MAX 1000         /* lines; the history holds 32 KiB */

#define CONSOLE_LOG_DIR_DEFAULT "/var/log/outpost"

struct console_line_conf {
	char name[CONSOLE_NAME_MAX];
	char device[CONSOLE_PATH];
	int baud;                       /* default 9600, as most routers */
	int databits;                   /* 5..8 */
	int stopbits;                   /* 1 or 2 */
	enum serial_parity parity;
	enum serial_flow flow;
};

struct console_conf {
	struct console_line_conf lines[CONSOLE_MAX];
	int nlines;
	char dir[CONSOLE_PATH];         /* sockets NAME.sock */
	char group[64];                 /* "" : owner only */
	char log_dir[CONSOLE_PATH];     /* logs NAME.log */
	char lock_dir[CONSOLE_PATH];    /* "" : serial_lock_dir() */
	uint64_t log_size;              /* bytes before rotation; 0: never */
	int log_keep;                   /* rotated files kept */
	unsigned replay;                /* lines replayed by default */
};

/*
 * The directives, for oobd.conf's table (name, min and max arguments):
 *
 *	console NAME DEVICE [speed N] [parity none|even|odd]
 *	        [flow none|rtscts|xonxoff] [bits 5..8] [stop 1|2]
 *	console-dir PATH   console-group GROUP   console-log-dir PATH
 *	console-log-size SIZE (bytes, or with K, M, G; 0: no rotation)
 *	console-log-keep N   console-replay LINES   console-lock-dir PATH
 *
 * handler is a cfg_handler that calls console_conf_directive().
 */
#define CONSOLE_CFG_DIRECTIVES(handler)                                                       \
	{ "console", 2, 12, handler }, { "console-dir", 1, 1, handler },                     \
	    { "console-group", 1, 1, handler }, { "console-log-dir", 1, 1, handler },          \
	    { "console-log-size", 1, 1, handler }, { "console-log-keep", 1, 1, handler },      \
	    { "console-replay", 1, 1, handler }, { "console-lock-dir", 1, 1, handler }

void console_conf_init(struct console_conf *c);
/* One directive whose name starts with "console": 0 accepted, -1 refused
 * (message in err, without file:line, which the parser adds), 1 not a
 * console directive. */
int console_conf_directive(struct console_conf *c, const struct cfg_line *l, char *err,
    size_t errlen);

struct console_server;
struct jsonw;

/* Create the directories, sockets and log files and start opening the
 * lines (a line that is absent is waited for, not an error).  NULL with a
 * message in err when a directory, socket, log file or the group is
 * unusable.  With no console configured: a server that does nothing. */
struct console_server *console_server_start(struct ev_loop *loop, const struct console_conf *c,
    char *err, size_t errlen);
/* Tell clients, close everything, remove the sockets; NULL is a no-op.
 * Not from inside one of the server's callbacks. */
void console_server_stop(struct console_server *s);
/* One JSON object per console, each with key NULL: call it inside an array
 * (jsonw_begin_array(w, "consoles")). */
void console_server_status(const struct console_server *s, struct jsonw *w);

/* What the metrics show of console i, 0 .. console_server_count() - 1;
 * the strings are the server's. */
struct console_counts {
	const char *name, *device;
	bool line_up, writer;
	int viewers;
	uint64_t bytes_in, bytes_out, dropped;
	unsigned long breaks, losses;
};
int console_server_count(const struct console_server *s);
void console_server_counts(const struct console_server *s, int i, struct console_counts *c);

/* Platform part (console_linux.c, console_freebsd.c): the user on the other
 * end of a Unix socket.  -1 with errno when it cannot be told. */
int console_peer_uid(int fd, uid_t *uid);

#endif
