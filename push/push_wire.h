/*
 * push_wire: what oobd and its push helper, oobd-push(8), say to each other.
 *
 * The daemon links no HTTP or TLS library: each push to each target is one
 * run of the helper, which gets the finished request on stdin and prints
 * one result line on stdout (notify.h is the daemon's side, oobd-push/
 * the helper's).  Secrets travel in the request, so never in argv or the
 * environment, where other users could read them.
 *
 * The request is text lines, then the body:
 *
 *   oobd-push 1
 *   url https://api.pushover.net/1/messages.json
 *   interface ppp0              or: source 10.64.0.1   (optional, not both)
 *   resolve 203.0.113.7         the URL's host's addresses (0..16 lines);
 *                               none: the system's resolver
 *   timeout-ms 20000            per attempt, 1..600000
 *   retries 2                   attempts after the first, 0..10
 *   retry-delay-ms 1000         first backoff, 1..60000
 *   header Title: link up       0..NOTIFY_HEADERS_MAX lines
 *   body 123                    the body's length, then exactly that many
 *                               bytes, which end the request
 *
 * Lines end with '\n' and hold no other control character; keywords come in
 * this order, each at most once except resolve and header.  The result is
 * one line:
 *
 *   ok HTTP-STATUS ATTEMPTS
 *   fail HTTP-STATUS ATTEMPTS WHY       (HTTP-STATUS 0: no answer came)
 *
 * WHY is printable ASCII, without the target's name (the daemon adds it).
 * Decoders check every bound and never read past len; they are fuzzed.
 */
#ifndef OUTPOST_PUSH_WIRE_H
#define OUTPOST_PUSH_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notify_build.h"

#define PUSH_REQUEST_MAX	16384	/* fits CHILD_INPUT_MAX */
#define PUSH_RESOLVE_MAX	16
#define PUSH_ADDR_MAX		46	/* INET6_ADDRSTRLEN */
#define PUSH_IFNAME_MAX		16	/* IF_NAMESIZE */
#define PUSH_WHY_MAX		400
#define PUSH_RESULT_MAX		(PUSH_WHY_MAX + 64)
#define PUSH_TIMEOUT_MAX_MS	600000
#define PUSH_RETRIES_MAX	10
#define PUSH_DELAY_MAX_MS	60000

struct push_request {
	struct notify_request http;	/* url, headers, body */
	char interface[PUSH_IFNAME_MAX];	/* "" none */
	char source[PUSH_ADDR_MAX];		/* "" none */
	char resolve[PUSH_RESOLVE_MAX][PUSH_ADDR_MAX];
	int nresolve;
	int64_t timeout_ms;
	int retries;
	int64_t retry_delay_ms;
};

struct push_result {
	bool ok;
	long http_status;
	int attempts;
	char why[PUSH_WHY_MAX];		/* "" when ok */
};

/* The request as bytes in buf: its length, or -1 (errno EINVAL for a field
 * the decoder would refuse, EMSGSIZE when it does not fit). */
long push_request_encode(const struct push_request *r, char *buf, size_t cap);
/* 0, or -1 with a message in err. */
int push_request_decode(const char *buf, size_t len, struct push_request *r, char *err,
    size_t errlen);

/* A numeric IPv4 or IPv6 address; an interface name the request can carry
 * (no '!', ':', '/' or blank, shorter than PUSH_IFNAME_MAX). */
bool push_addr_valid(const char *a);
bool push_ifname_valid(const char *s);

/* The result line with its '\n'; why is cleaned to printable ASCII and cut
 * to fit.  Returns the line's length. */
size_t push_result_format(const struct push_result *r, char *out, size_t outlen);
/* A result line without its '\n'.  0, or -1 when it is not one. */
int push_result_parse(const char *line, size_t len, struct push_result *r);

#endif
