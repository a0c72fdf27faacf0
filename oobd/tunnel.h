/*
 * tunnel: the reverse SSH tunnel's pure parts: the ssh command line, what
 * ssh's stderr says, and the supervision state machine.  No I/O here: the
 * daemon runs ssh with child.h and feeds what happens back in.
 *
 * Command line.  tunnel_build_argv() turns a tunnel_conf into
 *
 *   ssh -N -T -F none -v -o BatchMode=yes -o ExitOnForwardFailure=yes
 *       -o StrictHostKeyChecking=yes -o UserKnownHostsFile=FILE
 *       -o GlobalKnownHostsFile=/dev/null -o UpdateHostKeys=no
 *       -o CheckHostIP=no -o IdentitiesOnly=yes -o IdentityAgent=none
 *       -o IdentityFile=KEY -o PreferredAuthentications=publickey
 *       -o ServerAliveInterval=15 -o ServerAliveCountMax=3
 *       -o ConnectTimeout=20 -o ConnectionAttempts=1 -o ControlMaster=no
 *       -o ControlPath=none -o PermitLocalCommand=no -o ForwardAgent=no
 *       -o ForwardX11=no -o EscapeChar=none [-o BindInterface=IF]
 *       [-o HostKeyAlias=NAME] [-b ADDR]
 *       -p PORT -l USER -R [BIND:]PORT:HOST:PORT -- RELAY
 *
 * -F none: no ssh_config of anyone's changes what runs.  The relay's key
 * is pinned: only the given known_hosts file counts and nothing writes to
 * it.  -v makes ssh say when the relay confirmed the forward (OpenSSH 9.2:
 * "debug1: remote forward success for: listen ..."); without it ssh says
 * nothing on success.  No ClearAllForwardings: it would clear our -R too.
 * Every value is checked first, so that none can become an option or
 * change meaning for ssh: hosts, users and interface names are plain
 * words that cannot start with '-', paths are absolute and free of
 * spaces, quotes, '%' and '$' (ssh expands %-tokens and ${VAR} in paths).
 *
 * stderr.  tunnel_classify() sorts one line of ssh's stderr (outside input:
 * any bytes, any length) into a tunnel_event.  Text the relay chose
 * ("debug1: Remote: ...", its banner) can only ever classify as OTHER or as
 * the relay refusing the forward, never as success.  tunnel_summary() makes
 * one human line for logs and SMS ("relay 10.0.0.1:22 refused the
 * connection").
 *
 * Supervision.  struct tunnel_sup keeps one ssh running.  Calls carry the
 * time (monotonic ms) and return actions (TUNNEL_DO_*) that the caller
 * performs: spawn ssh, kill it (child_stop), report.
 *
 *   IDLE --start--> STARTING --FORWARD_OK--> UP
 *   STARTING --no FORWARD_OK by start_timeout--> kill, then as an exit
 *   STARTING/UP --ssh exits--> BACKOFF (1 s, 2 s, 4 s ... backoff_max)
 *                              --> STARTING (spawn again)
 *                           or FAILED after max_failures in a row,
 *                              or at once when retrying cannot help
 *                              (host key mismatch, identity file missing)
 *   UP for stable_ms: the failure count and the back-off start over.
 *   any --stop--> STOPPING (kill) --exit--> IDLE
 *
 * REPORT_UP comes each time the forward is confirmed, REPORT_DOWN each
 * time an UP tunnel ends (it will be retried unless REPORT_FAILED comes
 * with it), REPORT_FAILED once when it gives up; tunnel_sup_error() then
 * says why: the first classified error of the last attempt (ssh's most
 * specific line comes first: "host key has changed" before "Host key
 * verification failed"), or how ssh ended when it said nothing useful.
 */
#ifndef OUTPOST_TUNNEL_H
#define OUTPOST_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TUNNEL_SSH_PATH		"/usr/bin/ssh"
#define TUNNEL_ARGV_MAX		64
#define TUNNEL_ARGBUF		4096
#define TUNNEL_ERRLEN		256
#define TUNNEL_SUMMARY_MAX	256
#define TUNNEL_LINE_MAX		1024	/* longer lines: only the start counts */

struct tunnel_conf {
	const char *ssh_path;		/* NULL: TUNNEL_SSH_PATH; or a bare name */
	const char *relay_host;		/* name or address */
	/* NULL, or the relay's name when relay_host is the address it was
	 * found at: the pinned key is looked up under this name */
	const char *host_key_alias;
	int relay_port;			/* 0: 22 */
	const char *user;		/* on the relay */
	const char *identity_file;	/* absolute */
	const char *known_hosts_file;	/* absolute: the relay's pinned key */
	const char *remote_bind;	/* NULL or "": the relay's default (loopback) */
	int remote_port;		/* where the relay listens for the owner */
	const char *local_target;	/* NULL: "localhost:22"; "HOST:PORT", "[V6]:PORT" */
	int alive_interval_s;		/* 0: 15 */
	int alive_count;		/* 0: 3 */
	int connect_timeout_s;		/* 0: 20 */
	const char *bind_interface;	/* NULL: none; else BindInterface=IF */
	const char *bind_address;	/* NULL: none; else -b ADDR */
};

/* The argument vector and the strings it points into.  Points into itself:
 * do not copy it; build it where it is used. */
struct tunnel_argv {
	char *argv[TUNNEL_ARGV_MAX];	/* NULL-terminated */
	int argc;
	char buf[TUNNEL_ARGBUF];
	size_t used;
};

/* 0, or -1 with a message naming the bad setting. */
int tunnel_conf_check(const struct tunnel_conf *tc, char *err, size_t errlen);
int tunnel_build_argv(const struct tunnel_conf *tc, struct tunnel_argv *out, char *err,
    size_t errlen);
/* How long ssh may take to confirm the forward: connect timeout + 10 s. */
int64_t tunnel_start_timeout_ms(const struct tunnel_conf *tc);

/* ---- ssh's stderr ---- */

enum tunnel_kind {
	TUNNEL_OTHER = 0,
	TUNNEL_FORWARD_OK,	/* the relay listens for us */
	TUNNEL_AUTH_FAILED,	/* our key refused, or unusable */
	TUNNEL_HOSTKEY_FAILED,	/* the relay's key is not the pinned one */
	TUNNEL_FORWARD_FAILED,	/* the relay would not listen on the port */
	TUNNEL_CONNECT_FAILED,	/* no connection, or it was lost */
	TUNNEL_SERVER_TIMEOUT	/* keepalives unanswered */
};

enum tunnel_why {
	TUNNEL_WHY_NONE = 0,
	/* TUNNEL_CONNECT_FAILED */
	TUNNEL_WHY_REFUSED,
	TUNNEL_WHY_TIMED_OUT,
	TUNNEL_WHY_NO_ROUTE,
	TUNNEL_WHY_NET_UNREACHABLE,
	TUNNEL_WHY_NAME,		/* the relay's name does not resolve */
	TUNNEL_WHY_BANNER,		/* connected, but no SSH banner in time */
	TUNNEL_WHY_CLOSED,		/* closed by the relay before we were in */
	TUNNEL_WHY_RESET,
	TUNNEL_WHY_LOST,		/* an established connection went away */
	TUNNEL_WHY_CONNECT_OTHER,
	/* TUNNEL_HOSTKEY_FAILED */
	TUNNEL_WHY_KEY_CHANGED,
	TUNNEL_WHY_KEY_UNKNOWN,
	TUNNEL_WHY_KEY_FAILED,
	/* TUNNEL_AUTH_FAILED */
	TUNNEL_WHY_DENIED,
	TUNNEL_WHY_NO_IDENTITY,		/* the identity file is missing */
	TUNNEL_WHY_BAD_IDENTITY,	/* unreadable, bad mode or format */
	/* TUNNEL_FORWARD_FAILED */
	TUNNEL_WHY_FWD_REFUSED,		/* the relay's policy said no */
	TUNNEL_WHY_FWD_FAILED,		/* could not listen (port in use?) */
	/* set by the supervisor (kind TUNNEL_OTHER) */
	TUNNEL_WHY_START_TIMEOUT,	/* no FORWARD_OK in time */
	TUNNEL_WHY_EXITED,		/* ssh ended without a useful line */
	TUNNEL_WHY_SPAWN		/* ssh could not be started */
};

struct tunnel_event {
	enum tunnel_kind kind;
	enum tunnel_why why;
	int port;	/* FORWARD_*: the listen port on the relay; 0 unknown */
	int status;	/* TUNNEL_WHY_EXITED: the wait status */
};

/* Classify one line (without its end of line).  Fills *ev and returns its
 * kind; never reads past len. */
enum tunnel_kind tunnel_classify(const char *line, size_t len, struct tunnel_event *ev);
/* One line for a human.  Returns what snprintf would. */
int tunnel_summary(const struct tunnel_conf *tc, const struct tunnel_event *ev, char *buf,
    size_t len);
const char *tunnel_kind_name(enum tunnel_kind k);	/* "FORWARD_OK" ... */

/* ---- supervision ---- */

#define TUNNEL_DO_SPAWN		0x01u	/* start ssh (tunnel_build_argv) */
#define TUNNEL_DO_KILL		0x02u	/* stop it (child_stop with a grace) */
#define TUNNEL_DO_REPORT_UP	0x04u	/* the forward is established */
#define TUNNEL_DO_REPORT_DOWN	0x08u	/* an established tunnel ended */
#define TUNNEL_DO_REPORT_FAILED	0x10u	/* given up: see tunnel_sup_error() */

enum tunnel_state {
	TUNNEL_IDLE = 0,
	TUNNEL_STARTING,
	TUNNEL_UP,
	TUNNEL_BACKOFF,
	TUNNEL_STOPPING,
	TUNNEL_FAILED
};

struct tunnel_sup_conf {
	int64_t start_timeout_ms;	/* 0: 30000 (see tunnel_start_timeout_ms) */
	int64_t backoff_min_ms;		/* 0: 1000 */
	int64_t backoff_max_ms;		/* 0: 60000 */
	int64_t stable_ms;		/* 0: 60000 */
	int max_failures;		/* 0: 3 */
	int remote_port;		/* nonzero: FORWARD_OK must be for it */
};

struct tunnel_sup {
	struct tunnel_sup_conf conf;
	enum tunnel_state state;
	bool running;			/* an ssh is alive (spawned, not exited) */
	bool kill_sent;
	bool start_after_stop;		/* start came while STOPPING */
	bool stable;			/* this UP lasted stable_ms */
	int failures;			/* attempts in a row that failed */
	int attempts;			/* spawns since tunnel_sup_start() */
	int64_t backoff_ms;		/* the next wait */
	int64_t deadline;		/* -1: none */
	int64_t up_since;		/* -1: not up */
	struct tunnel_event attempt_err;	/* first error of this attempt */
	struct tunnel_event last_err;	/* how the last attempt ended */
};

void tunnel_sup_init(struct tunnel_sup *s, const struct tunnel_sup_conf *conf);
unsigned tunnel_sup_start(struct tunnel_sup *s, int64_t now);
unsigned tunnel_sup_stop(struct tunnel_sup *s, int64_t now);
/* A classified stderr line of the running ssh. */
unsigned tunnel_sup_event(struct tunnel_sup *s, int64_t now, const struct tunnel_event *ev);
/* The running ssh exited (wait status, or -1). */
unsigned tunnel_sup_exited(struct tunnel_sup *s, int64_t now, int status);
/* A TUNNEL_DO_SPAWN could not be done (argv or child_spawn failed). */
unsigned tunnel_sup_spawn_failed(struct tunnel_sup *s, int64_t now);
unsigned tunnel_sup_tick(struct tunnel_sup *s, int64_t now);
int64_t tunnel_sup_deadline(const struct tunnel_sup *s);	/* -1: none */
const struct tunnel_event *tunnel_sup_error(const struct tunnel_sup *s);
const char *tunnel_state_name(enum tunnel_state st);

#endif
