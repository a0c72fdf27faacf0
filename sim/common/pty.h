/*
 * pty: the pseudo-terminals the simulators play serial ports on.
 *
 * The master side is the receiver's UART; the slave side is what the host
 * opens, like /dev/ttyS0.  The host's termios (speed, raw mode) lives on the
 * slave, and tcgetattr() on the master returns it, which is how the
 * simulator learns the speed the host listens at.
 */
#ifndef OUTPOST_PTY_H
#define OUTPOST_PTY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Open a master (non-blocking, close-on-exec), grant and unlock its slave,
 * put the slave in raw mode at baud, and write its path into slave.  The
 * slave is opened and closed once, so that the master reports POLLHUP until a
 * host opens it (see pty_host_present).  Returns the master fd, or -1 with a
 * message in err.
 */
int pty_open(int baud, char *slave, size_t slave_len, char *err, size_t errlen);

/* True while some process has the slave open. */
bool pty_host_present(int master);

/* The speed the host set on the slave, in baud; 0 when unknown or B0. */
int pty_host_baud(int master);

/* Make link a symbolic link to slave, replacing an old link there (never
 * any other kind of file).  -1 with a message in err. */
int pty_link(const char *slave, const char *link, char *err, size_t errlen);
/* Remove link, but only while it still points at slave: another simulator
 * may have taken the name over. */
void pty_unlink(const char *slave, const char *link);

#endif
