/*
 * notify: push notifications ("link up", "link down", failures, status) to
 * Pushover, ntfy and generic webhooks over HTTPS, from inside the daemon's
 * poll loop (evloop.h), without ever blocking it.  The targets'
 * configuration and the requests are notify_build.h's.
 *
 * Sending.  Each push to each target is one run of the helper program,
 * oobd-push (push_wire.h says what goes to it on stdin and what comes back;
 * oobd-push/transfer.h how it sends and retries), so the daemon maps no
 * HTTP or TLS library.  notify_send() builds every target's request, starts one
 * helper per target and returns at once; each target succeeds or fails on
 * its own, and its outcome comes back once, through the result callback,
 * from the loop.  A helper that outlives its own timeouts and backoffs by
 * NOTIFY_HELPER_SLACK_MS is stopped, and the push fails.  notify_free()
 * kills the helpers still running, at once.
 *
 * Routes.  Over the cellular link while home is down, a push must leave
 * by the cellular interface, and so must its DNS: a route names the
 * interface (Linux: SO_BINDTODEVICE) or a local source address, and the
 * addresses the daemon resolved for the targets' hosts over that link
 * (notify_conf_endpoints() lists which).  A host with no address in the
 * route is resolved by the system resolver.  The helper gives up root for
 * notify-user before it sends anything (the request holds all it needs, so
 * it opens no file but the CA certificates).  Binding to an interface
 * (SO_BINDTODEVICE) needs no privilege since Linux 5.7; before that, set
 * notify-user root.  A source address needs no privilege but a policy
 * route that sends its packets out of the right interface.
 *
 * Callbacks run from ev_run(), never from inside notify_send().
 */
#ifndef OUTPOST_NOTIFY_H
#define OUTPOST_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "child.h"
#include "evloop.h"
#include "notify_build.h"

#define NOTIFY_MAX_INFLIGHT	32	/* target transfers at once */
#define NOTIFY_HELPER_SLACK_MS	5000

/* How a send leaves the box; NULL means the default route and resolver. */
struct notify_resolve {
	const char *host;	/* as in the target's URL, any case */
	unsigned port;		/* 0: whatever port the URL uses */
	const char *addr;	/* numeric IPv4 or IPv6 address */
};
struct notify_route {
	const char *interface;	/* "ppp0": leave through this interface, or NULL */
	const char *source;	/* numeric local address to send from, or NULL;
				   not both interface and source */
	const struct notify_resolve *resolve;
	size_t nresolve;	/* at most 16 */
};

struct notify_result {
	int send_id;		/* what notify_send() returned */
	const char *event;
	int target;		/* index in the conf's targets */
	const char *kind;	/* "pushover", "ntfy", "webhook" */
	const char *host;	/* the URL's host */
	bool ok;
	long http_status;	/* of the last answer; 0 when none came */
	int attempts;
	const char *error;	/* "" when ok */
	int pending;		/* targets of the same send still going */
};
typedef void (*notify_result_cb)(const struct notify_result *r, void *arg);

struct notifier;

/* Copies the conf (reading its secrets if notify_conf_load_secrets() has
 * not), so the caller may clear its own; checks that the helper can be run
 * when there is a target.  Helpers are children in set (the daemon's one
 * registry, on loop).  NULL with a message in err. */
struct notifier *notify_new(struct ev_loop *loop, struct child_set *set,
    const struct notify_conf *c, char *err, size_t errlen);
/* Where the results go (none: they are dropped). */
void notify_on_result(struct notifier *n, notify_result_cb cb, void *arg);
/*
 * Push one message to every target.  event: "up", "down", "failed" or
 * "status"; title NULL or "" means "HOST: EVENT".  Returns the send's id
 * (1, 2, ...), which its results carry; 0 when no target is configured
 * (no result follows); -1 with errno EINVAL (bad event, text or route),
 * EBUSY (NOTIFY_MAX_INFLIGHT transfers already going), ENOMEM or EAGAIN
 * (a helper could not be started), in which case no target gets a result
 * and the helpers already started are killed.
 */
int notify_send(struct notifier *n, const char *event, const char *title, const char *text,
    const struct notify_route *route);
/* Transfers still going (retries waiting included). */
int notify_busy(const struct notifier *n);
/* Kills the helpers still running, without results.  May be called from
 * the result callback (it then takes effect when the callback returns). */
void notify_free(struct notifier *n);

#endif
