/*
 * httpsrv: a small HTTP/1.x server on a daemon's event loop, for what the
 * daemon shows of itself (Prometheus metrics, a status page).  Not a web
 * server: one listening address, GET and HEAD only (http_req.h judges the
 * request), one request per connection, answered whole and then closed.
 *
 * Nobody can hold the daemon up through it: at most HTTPSRV_CLIENTS_MAX
 * connections at a time (one more is closed at once and counted as busy),
 * each given timeout_ms from its accept to the last byte of its answer (a
 * slower one is dropped and counted), no blocking call anywhere.  The
 * handler runs from the loop once a request head is complete and builds the
 * whole answer at once, into a buffer of HTTPSRV_BODY_MAX bytes; an answer
 * that does not fit becomes a 500.  Refused requests are answered by the
 * server itself with their status and a one-line text body.
 *
 * Every answer says Connection: close, Cache-Control: no-store and
 * X-Content-Type-Options: nosniff, and carries a Content-Security-Policy
 * that lets a page load nothing from anywhere (inline style only), so a
 * status page can hold SVG drawn by the daemon and no script.
 *
 * Addresses are numeric: "127.0.0.1:9123", "[::1]:9123", "0.0.0.0:9123".
 * Which address to listen on is the caller's decision (localhost by
 * default in both daemons' configurations).
 */
#ifndef OUTPOST_HTTPSRV_H
#define OUTPOST_HTTPSRV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "evloop.h"
#include "http_req.h"
#include "strbuf.h"

#define HTTPSRV_CLIENTS_MAX 8
#define HTTPSRV_TIMEOUT_MS  5000	/* the daemons' default */
#define HTTPSRV_BODY_MAX    (512 * 1024)
#define HTTPSRV_ADDR_MAX    64		/* "[v6]:port" and its NUL */

/* What the handler fills in: status (200 unless it says otherwise), the
 * type of the body, and the body itself (HEAD requests are answered
 * without it, with the same length). */
struct httpsrv_reply {
	int status;
	const char *content_type;	/* static text; "text/plain; charset=utf-8" by default */
	struct strbuf body;
};

typedef void (*httpsrv_handler)(void *arg, const struct http_request *req,
    struct httpsrv_reply *reply);

struct httpsrv_conf {
	const char *addr;
	int timeout_ms;
	httpsrv_handler handler;
	void *arg;
};

struct httpsrv_stats {
	uint64_t answered;	/* answers sent whole, any status */
	uint64_t refused;	/* requests the server refused (4xx, 5xx of its own) */
	uint64_t timeouts;	/* clients dropped for slowness */
	uint64_t busy;		/* connections closed at once: all slots taken */
};

struct httpsrv;

/* Parse "ADDR:PORT" or "[ADDR6]:PORT" (numeric; port 0 lets the kernel
 * choose, for tests: a daemon's configuration asks for 1 and up).  0, or
 * -1 with a message naming what is wrong. */
int httpsrv_parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen,
    char *err, size_t errlen);

/* Listen on conf->addr.  NULL with a message in err on failure. */
struct httpsrv *httpsrv_open(struct ev_loop *loop, const struct httpsrv_conf *conf, char *err,
    size_t errlen);
/* Stop listening and drop every client. */
void httpsrv_close(struct httpsrv *srv);
/* The port listened on, or -1. */
int httpsrv_port(const struct httpsrv *srv);
void httpsrv_get_stats(const struct httpsrv *srv, struct httpsrv_stats *st);

#endif
