/*
 * notify_build: the pure half of oobd's push notifications, shared by the
 * daemon (notify.h, which sends) and its helper oobd-push (which takes the
 * finished request, push_wire.h): the configuration of the targets, their
 * URLs, and each target's HTTP request.  Nothing here runs a program or
 * touches the event loop; notify_conf_load_secrets() is its one reader of
 * files.
 *
 * Configuration (oobd.conf; the daemon's parser hands these lines to
 * notify_conf_directive(), which answers 1 for any other directive):
 *
 *   notify pushover TOKEN_FILE USER_KEY_FILE   app token and user key
 *   notify pushover-url URL                    default NOTIFY_PUSHOVER_URL;
 *                                              tests point it at a local server
 *   notify ntfy URL [TOKEN_FILE]               https://ntfy.sh/TOPIC; the token,
 *                                              if any, is sent as a bearer token
 *   notify webhook URL                         POST of a JSON object
 *   notify-timeout DURATION                    per attempt (default 20s)
 *   notify-retries N                           after the first try (default 2)
 *   notify-helper PATH                         the helper program (default
 *                                              OOBD_PUSH_HELPER)
 *   notify-user NAME                           who the helper runs as when
 *                                              oobd is root (default nobody;
 *                                              root: it stays root)
 *
 * For a cfg_directive table: "notify" takes 2..3 arguments, "notify-timeout",
 * "notify-retries", "notify-helper" and "notify-user" 1.  Secrets are never
 * in the configuration, only the names of files holding them (secretfile.h: owner root or the effective
 * user, mode 600 or 400).  The directive handler touches no file (so it is
 * pure and fuzzed); notify_conf_load_secrets() reads them, and the daemon
 * calls it right after parsing so that a config check (-n) reports a bad
 * file with the file:line of its directive.  URLs must be https://, or
 * http:// for local endpoints and tests; the request goes out with exactly
 * the scheme its URL names.
 *
 * Message bodies (notify_build_request(), pure, for tests):
 *   pushover  form fields token, user, title, message, timestamp, and
 *             priority=1 for "down" and "failed"
 *   ntfy      body = text; headers Title, Tags (an emoji name and
 *             "outpost"), Priority: high for "down" and "failed",
 *             Authorization: Bearer TOKEN when a token file is given
 *   webhook   {"event":..,"host":..,"title":..,"text":..,"time":"ISO 8601 UTC"}
 * Titles are cut to NOTIFY_TITLE_MAX bytes and texts to NOTIFY_TEXT_MAX
 * (Pushover's limits), at a character boundary; bytes that are not UTF-8
 * become '?', control characters become spaces (texts keep newlines and
 * tabs), so no header or field can be split or forged by what the text
 * says.
 *
 * Errors name the target and the URL's host, never a secret:
 *   "pushover: api.pushover.net: HTTP 400: user identifier is invalid"
 *   "ntfy: ntfy.sh: Operation timed out after 20000 milliseconds ... (after 3 attempts)"
 */
#ifndef OUTPOST_NOTIFY_BUILD_H
#define OUTPOST_NOTIFY_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"

#ifndef OOBD_PUSH_HELPER
#define OOBD_PUSH_HELPER	"/usr/local/libexec/outpost/oobd-push"
#endif

#define NOTIFY_PUSHOVER_URL	"https://api.pushover.net/1/messages.json"

#define NOTIFY_MAX_TARGETS	8
#define NOTIFY_URL_MAX		512
#define NOTIFY_PATH_MAX		256
#define NOTIFY_USER_MAX		64
#define NOTIFY_SECRET_MAX	256	/* bytes of a token or key, with the NUL */
#define NOTIFY_HOST_MAX		256
#define NOTIFY_TITLE_MAX	250	/* bytes */
#define NOTIFY_TEXT_MAX		1024	/* bytes */
#define NOTIFY_HEADERS_MAX	6
#define NOTIFY_HEADER_LEN	(NOTIFY_SECRET_MAX + NOTIFY_TITLE_MAX + 32)
#define NOTIFY_BODY_MAX		8192
#define NOTIFY_ERR_MAX		512
#define NOTIFY_RESP_KEEP	1024

#define NOTIFY_TIMEOUT_MS	20000
#define NOTIFY_RETRIES		2
#define NOTIFY_RETRY_DELAY_MS	1000
#define NOTIFY_BACKOFF_MAX_MS	30000	/* the longest wait between attempts */

enum notify_kind {
	NOTIFY_PUSHOVER,
	NOTIFY_NTFY,
	NOTIFY_WEBHOOK,
};

struct notify_target {
	enum notify_kind kind;
	char url[NOTIFY_URL_MAX];	/* ntfy, webhook; Pushover's is the conf's */
	char token_file[NOTIFY_PATH_MAX]; /* Pushover app token; ntfy bearer ("" none) */
	char user_file[NOTIFY_PATH_MAX];  /* Pushover user key */
	char where[96];			/* "oobd.conf:12", for errors about the files */
	char token[NOTIFY_SECRET_MAX];	/* read by notify_conf_load_secrets() */
	char user[NOTIFY_SECRET_MAX];
};

struct notify_conf {
	struct notify_target targets[NOTIFY_MAX_TARGETS];
	int ntargets;
	char pushover_url[NOTIFY_URL_MAX];
	int64_t timeout_ms;		/* per attempt */
	int retries;			/* attempts after the first */
	int64_t retry_delay_ms;		/* first backoff (no directive; tests shorten it) */
	char host[NOTIFY_HOST_MAX];	/* this box's name in messages; "" = gethostname() */
	char helper[NOTIFY_PATH_MAX];	/* oobd-push */
	char user[NOTIFY_USER_MAX];	/* it runs as this user ("root": as oobd) */
	bool secrets_loaded;
};

/* Defaults: no target, Pushover's URL, 20 s, 2 retries, 1 s backoff,
 * OOBD_PUSH_HELPER run as nobody. */
void notify_conf_init(struct notify_conf *c);
/* 0 taken, -1 refused (message in err, without file:line), 1 not a notify
 * directive. */
int notify_conf_directive(struct notify_conf *c, const struct cfg_line *l, char *err,
    size_t errlen);
/* Read every target's secret files.  0, or -1 with
 * "oobd.conf:12: /etc/oobd/pushover.token: group or others may access it ...". */
int notify_conf_load_secrets(struct notify_conf *c, char *err, size_t errlen);
/* Wipe the secrets (and everything else) from a conf no longer needed. */
void notify_conf_clear(struct notify_conf *c);

/* A host the targets talk to, for the daemon to resolve over a route. */
struct notify_endpoint {
	char host[NOTIFY_HOST_MAX];
	unsigned port;
};
/* The distinct (host, port) pairs of the targets whose host is a name (IP
 * literals need no resolving), at most max of them; returns their number. */
int notify_conf_endpoints(const struct notify_conf *c, struct notify_endpoint *out, int max);

const char *notify_kind_name(enum notify_kind k);
bool notify_event_valid(const char *event);

struct notify_url {
	bool https;
	bool literal;			/* host is an IP address */
	char host[NOTIFY_HOST_MAX];	/* without [] for IPv6 */
	unsigned port;			/* explicit or the scheme's */
	bool has_path;			/* more than "/" after the host */
};
/* 0, or -1 with a message: http(s)://[user@]host[:port][/path...], no
 * spaces or control characters, shorter than NOTIFY_URL_MAX. */
int notify_url_parse(const char *url, struct notify_url *u, char *err, size_t errlen);
/* The URL a target posts to (Pushover's comes from the conf). */
const char *notify_target_url(const struct notify_conf *c, const struct notify_target *t);

struct notify_message {
	const char *event;
	const char *title;		/* already defaulted */
	const char *text;
	const char *host;
	time_t time;
};
struct notify_request {
	char url[NOTIFY_URL_MAX];
	char headers[NOTIFY_HEADERS_MAX][NOTIFY_HEADER_LEN]; /* "Name: value" */
	int nheaders;
	char body[NOTIFY_BODY_MAX];
	size_t body_len;
};
/* The HTTP POST for one target: 0, or -1 with a message (too long). */
int notify_build_request(const struct notify_conf *c, const struct notify_target *t,
    const struct notify_message *m, struct notify_request *req, char *err, size_t errlen);
/* What an error answer says, in one line of at most outlen-1 printable
 * ASCII bytes: the first of "errors":["..."], "error":"...", "message":"..."
 * in a JSON answer, else the first line of the body; "" when nothing. */
void notify_response_summary(const char *body, size_t len, char *out, size_t outlen);

#endif
