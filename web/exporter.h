/*
 * exporter: a daemon's metrics where Prometheus reads them, the two ways
 * people run: over HTTP at /metrics (httpsrv.h), and as a file for
 * node_exporter's textfile collector, replaced whole every interval
 * (atomicfile_write_nosync: a reader sees the old file or the new one).
 * The daemon gives a function that writes the metrics (promtext.h); this
 * module serves and writes them.
 *
 * Nothing here stops a daemon: a port already taken (a chrony_exporter
 * still running, say) is tried again every EXPORTER_RETRY_S, a textfile
 * that cannot be written again at the next interval.  What happens is told
 * to the daemon through its note function, once per change (the port is
 * taken, then served; the file fails, then is written again), for its log:
 * "metrics-listen 127.0.0.1:9123: Address already in use" and the like.
 */
#ifndef OUTPOST_EXPORTER_H
#define OUTPOST_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>

#include "evloop.h"
#include "strbuf.h"

#define EXPORTER_RETRY_S 10

struct exporter_conf {
	const char *listen;             /* "ADDR:PORT"; "" or NULL: no HTTP */
	const char *textfile;           /* "" or NULL: none */
	double interval_s;              /* between textfile writes */
	/* Write the metrics into b; the buffer's overflow says it failed. */
	void (*build)(void *arg, struct strbuf *b);
	/* A change worth a line in the log: warning or not, and what. */
	void (*note)(void *arg, bool warning, const char *msg);
	void *arg;
};

struct exporter;

/* Start serving (at once if the port is free, else later).  NULL only when
 * out of memory. */
struct exporter *exporter_new(struct ev_loop *loop, const struct exporter_conf *conf);
/* Called from the daemon's regular tick: listen again if due, write the
 * textfile if due.  now: monotonic seconds. */
void exporter_tick(struct exporter *e, double now);
void exporter_free(struct exporter *e);

/* A cfg_check for a `metrics-listen` value: numeric ADDR:PORT, port 1 and
 * up.  0, or -1 with a message. */
int exporter_check_listen(const char *s, char *err, size_t errlen);

#endif
