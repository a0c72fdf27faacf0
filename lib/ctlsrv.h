/*
 * ctlsrv: a daemon's control socket.  A Unix stream socket where each
 * connection sends one request line ("status\n") and gets one answer, after
 * which the daemon closes it.  A client that does not send its request
 * within CTLSRV_TIMEOUT_MS is dropped, and answers are sent without waiting
 * (a client that cannot take one at once loses the rest), so nobody can hold
 * the daemon up.  The socket is mode 0660; with a group it is given to that
 * group: members may ask, others may not.
 */
#ifndef OUTPOST_CTLSRV_H
#define OUTPOST_CTLSRV_H

#include <stddef.h>

#include "evloop.h"

#define CTLSRV_TIMEOUT_MS	1000
#define CTLSRV_REQ_MAX		128	/* longer requests are cut here */
#define CTLSRV_REPLY_MAX	32768

/* Write the daemon's status into out, ending in a newline; return its
 * length, or -1 when it does not fit. */
typedef int (*ctlsrv_status_fn)(void *arg, char *out, size_t outlen);

struct ctlsrv;

/* Listen on path (an old socket there is replaced).  group NULL or "":
 * leave the group alone.  NULL with a message in err on failure. */
struct ctlsrv *ctlsrv_open(struct ev_loop *loop, const char *path, const char *group,
    ctlsrv_status_fn status, void *arg, char *err, size_t errlen);
/* Stop listening, drop waiting clients, remove the socket file. */
void ctlsrv_close(struct ctlsrv *srv);

#endif
