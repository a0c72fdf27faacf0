/*
 * serial: serial ports as the appliances need them.
 *
 * Raw 8-bit ports (cfmakeraw) at any standard speed from 1200 to 230400 baud,
 * opened exclusively (TIOCEXCL) and, when asked, guarded by a UUCP lock file
 * (LCK..<name> holding the owner's PID as ten ASCII digits and a newline), so
 * that cu(1), gpsd or gammu and outpost do not fight over a port.  <name> is
 * the last component of the device's real path, so /dev/gps0 -> ttyAMA0 locks
 * LCK..ttyAMA0 like every other program does.  Stale locks (owner no longer
 * running, or content that is not a PID) are removed; a lock holding our own
 * PID counts as ours.  The lock directory is platform specific
 * (serial_linux.c, serial_freebsd.c).
 *
 * Reads wait for at least one byte (VMIN 1, VTIME 0); on a non-blocking port
 * an empty read fails with EAGAIN, so a 0-byte read always means hangup.
 *
 * A port whose device disappears (USB adapter unplugged: read returns 0 or
 * fails with EIO/ENXIO/ENODEV) is closed with serial_close() and later reopened
 * with serial_reopen(), which fails with ENOENT until the device is back.
 *
 * Errors: -1 with errno set, and a message naming the device in err.
 */
#ifndef OUTPOST_SERIAL_H
#define OUTPOST_SERIAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SERIAL_ERRLEN 256

enum serial_parity { SERIAL_PARITY_NONE, SERIAL_PARITY_EVEN, SERIAL_PARITY_ODD };
enum serial_flow { SERIAL_FLOW_NONE, SERIAL_FLOW_RTSCTS, SERIAL_FLOW_XONXOFF };

struct serial_opts {
	int baud;                   /* e.g. 9600, 57600, 115200 */
	int databits;               /* 5..8; 0 means 8 */
	int stopbits;               /* 1 or 2; 0 means 1 */
	enum serial_parity parity;
	enum serial_flow flow;
	bool uucp_lock;             /* take a UUCP lock file */
	const char *lock_dir;       /* NULL: serial_lock_dir(); must outlive the port */
	bool blocking;              /* default is O_NONBLOCK */
};

struct serial_port {
	int fd;                     /* -1 when closed */
	char path[PATH_MAX];
	char lock_path[PATH_MAX];   /* "" when no lock is held */
	struct serial_opts opts;
};

/* Fill opts with 9600 8N1, no flow control, no lock, non-blocking. */
void serial_opts_default(struct serial_opts *opts);

/* termios speed constant for a baud rate; 0 when the rate is not supported. */
unsigned long serial_speed(int baud);

/* The pure part of serial_open(): turn a port's current settings (from
 * tcgetattr) into raw mode with opts' speed, framing and flow control.
 * -1 with EINVAL for an unsupported speed.  Exposed so that tests can see
 * what pseudo-terminals do not keep (Linux ptys force CS8, no parity). */
struct termios;
int serial_termios(struct termios *t, const struct serial_opts *opts);

int serial_open(struct serial_port *sp, const char *path,
    const struct serial_opts *opts, char *err, size_t errlen);
/* Change speed in place (output drained first). */
int serial_set_baud(struct serial_port *sp, int baud, char *err, size_t errlen);
/* Close the fd and release the lock; safe to call twice, and after a failed
 * serial_open() (which leaves fd -1). */
void serial_close(struct serial_port *sp);
/* Open again with the saved path and options. */
int serial_reopen(struct serial_port *sp, char *err, size_t errlen);
/* Send a break (~0.25-0.5 s of zero bits). */
int serial_send_break(struct serial_port *sp);
/* True when errno (after read/write) or a 0-byte read means the device went away. */
bool serial_gone(int read_result, int saved_errno);

/* UUCP locking on its own (the console server and tools use it too).
 * Returns 0 and fills lock_path, or -1 with errno EBUSY (and *owner set)
 * when a running process holds it. */
int serial_lock(const char *lock_dir, const char *dev_path, char *lock_path,
    size_t len, pid_t *owner);
void serial_unlock(const char *lock_path);

/* Platform part: the UUCP lock directory (serial_linux.c, serial_freebsd.c). */
const char *serial_lock_dir(void);

#endif
