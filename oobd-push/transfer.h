/*
 * transfer: one push request (push_wire.h) over HTTP(S) with libcurl, with
 * its retries, for oobd-push.  The helper has nothing else to do, so this
 * blocks: the daemon's loop is in another process.
 *
 * Each attempt is a POST of the request's body with its headers, bounded by
 * timeout_ms (connecting by half of it, at least 1 s).  An attempt that got
 * no answer (connect failure, timeout, TLS error), or got HTTP 429 or 5xx,
 * is tried again after retry_delay_ms, doubled each time, at most 30 s, up
 * to `retries` more times; any other answer is final.  Success is a 2xx
 * answer.  Redirects are not followed (a 3xx fails, naming the new
 * location), TLS peers and host names are verified, proxies from the
 * environment are ignored, no connection is kept, and an answer longer
 * than 64 KiB fails.  The route: "interface" sends through that interface
 * only (SO_BINDTODEVICE: CAP_NET_RAW before Linux 5.7), "source" from that
 * local address; "resolve" addresses stand for the URL's host (curl's
 * CURLOPT_RESOLVE), so the system resolver is not asked.
 */
#ifndef OUTPOST_PUSH_TRANSFER_H
#define OUTPOST_PUSH_TRANSFER_H

#include "push_wire.h"

#define PUSH_BODY_ABORT		65536
#define PUSH_BACKOFF_MAX_MS	30000

/* curl_global_init; 0, or -1 when libcurl cannot start. */
int push_transfer_init(void);
/* Run the request to its end; the outcome goes to res (always filled in). */
void push_transfer(const struct push_request *rq, struct push_result *res);

#endif
