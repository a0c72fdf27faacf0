/*
 * ctlsock: the simulators' control socket.  A Unix stream socket at a path
 * (an old socket there is replaced, any other file refused), up to
 * CTLSOCK_CLIENTS connections at once, one command per line (LF or CR LF),
 * one answer per command, written by the simulator's command function with
 * its own line end.  A line longer than CTLSOCK_LINE ends the connection; answers
 * are at most CTLSOCK_ANSWER bytes.
 */
#ifndef OUTPOST_CTLSOCK_H
#define OUTPOST_CTLSOCK_H

#include <stddef.h>

#include "evloop.h"

#define CTLSOCK_CLIENTS 8
#define CTLSOCK_LINE 2048
#define CTLSOCK_ANSWER 2048

typedef void (*ctlsock_cmd)(void *arg, const char *line, size_t len, char *out, size_t outlen);

struct ctlsock;

/* NULL with a message in err on failure. */
struct ctlsock *ctlsock_open(struct ev_loop *loop, const char *path, ctlsock_cmd cmd, void *arg,
    char *err, size_t errlen);
/* Close every connection and the socket, and remove it; NULL is a no-op. */
void ctlsock_close(struct ctlsock *cs);

#endif
