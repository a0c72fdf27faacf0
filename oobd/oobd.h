/*
 * oobd: the out-of-band management daemon.
 *
 * One header for the daemon, as stratumd.h: the configuration, the
 * daemon's context (the only mutable state there is), then one prototype
 * section per source file.
 *
 * Data flow: modem URC +CMTI -> SMS read and decoded (modem/) -> command
 * parsed (smscmd.h) -> sender allowlist, one-time code, replay and lockout
 * (auth.h) -> UP/DOWN/STATUS -> the session state machine (session.h),
 * which asks this glue to start the link command and watch for its
 * interface (link.h), check that the relay is reached over it, start the
 * supervised ssh tunnel (tunnel.h), and report: pushes (notify.h) and SMS
 * to the owner.  The console server (console.h) runs beside all this and
 * shares nothing with it but the loop.
 */
#ifndef OUTPOST_OOBD_H
#define OUTPOST_OOBD_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "auth.h"
#include "console.h"
#include "ctlsrv.h"
#include "evloop.h"
#include "modem_io.h"
#include "notify.h"
#include "session.h"
#include "totp.h"

#define OOBD_CONF "/etc/outpost/oobd.conf"
#define OOBD_CONF_PATH 256
#define OOBD_MAX_SENDERS 16
#define OOBD_NUMBER_MAX 24
#define OOBD_LINK_ARGS 16
#define OOBD_SMS_QUEUE 4

enum oobd_link_kind { LINK_PPP, LINK_COMMAND };

struct oobd_conf {
	/* modem */
	char modem_port[OOBD_CONF_PATH];	/* AT (PC UI) port */
	char modem_pin_file[OOBD_CONF_PATH];
	bool single_port;
	int64_t modem_status_ms;
	/* activation */
	char otp_secret_file[OOBD_CONF_PATH];
	int otp_window;				/* steps accepted late */
	char senders[OOBD_MAX_SENDERS][OOBD_NUMBER_MAX];
	int nsenders;
	char owner[OOBD_NUMBER_MAX];		/* "": whoever activated */
	int auth_max_failures;
	int64_t auth_failure_window_ms;
	int64_t auth_lockout_ms;
	struct session_conf session;
	/* link */
	enum oobd_link_kind link_kind;
	char link_argv[OOBD_LINK_ARGS][OOBD_CONF_PATH];
	int link_argc;
	char link_ifname[32];
	char link_gateway[64];			/* "": the interface's peer */
	char link_dns[64];			/* "": names must be addresses */
	char ppp_device[OOBD_CONF_PATH];	/* the modem's data port */
	char apn[64];
	char dial_number[32];
	/* relay and tunnel */
	char relay_host[256];
	uint16_t relay_port;
	char relay_user[64];
	char tunnel_bind[64];			/* remote bind address; "" none */
	uint16_t tunnel_port;
	char tunnel_target[128];		/* host:port on this side */
	char ssh_path[OOBD_CONF_PATH];
	char ssh_key[OOBD_CONF_PATH];
	char ssh_known_hosts[OOBD_CONF_PATH];
	int64_t ssh_alive_ms;
	int64_t ssh_connect_timeout_ms;
	/* metrics (web.c) */
	char metrics_listen[64];		/* "ADDR:PORT"; "" no HTTP */
	char metrics_textfile[OOBD_CONF_PATH];	/* for node_exporter; "" none */
	double metrics_interval;		/* s between textfile writes */
	/* files and sockets */
	char state_dir[OOBD_CONF_PATH];
	char run_dir[OOBD_CONF_PATH];
	char control_path[OOBD_CONF_PATH];
	char control_group[64];
	/* the other modules' own sections */
	struct notify_conf notify;
	struct console_conf console;
};

/* Why an SMS from an allowed sender was refused (the metrics' reasons). */
enum sms_refusal {
	SMS_REFUSED_NOT_PLAIN,		/* multipart or 8-bit */
	SMS_REFUSED_COMMAND,		/* not a command */
	SMS_REFUSED_LOCKED,		/* codes locked after failures */
	SMS_REFUSED_BAD_CODE,
	SMS_REFUSED_REPLAY,
	SMS_REFUSED_MALFORMED_CODE,
	SMS_REFUSED_AUTH_ERROR,		/* no key, bad window */
	SMS_REFUSED_UNSAVED,		/* the auth state could not be saved */
	SMS_REFUSED_COUNT
};
const char *sms_refusal_name(enum sms_refusal r);

/* What happened since oobd started, for the metrics (metrics.c). */
struct oobd_counts {
	unsigned long sms_refused[SMS_REFUSED_COUNT];
	unsigned long session_changes;		/* state transitions */
	unsigned long sessions_up, sessions_failed, session_retries;
	unsigned long tunnel_starts, tunnel_restarts;
	unsigned long pushes_sent, pushes_failed;
	uint64_t link_rx_bytes, link_tx_bytes;	/* of the links gone down */
};

struct oobd_uplink;		/* uplink.c: link, routes, check, tunnel */
struct exporter;
struct jsonw;

struct oobd {
	struct oobd_conf conf;
	const char *conf_path;
	bool foreground;
	struct ev_loop *ev;
	struct child_set *children;		/* every child: link, ssh, pushes */
	struct ctlsrv *control;
	struct modem_io_port *modem;
	struct auth auth;
	struct session session;
	ev_timer_id session_timer;
	struct oobd_uplink *uplink;
	struct notifier *notifier;
	struct console_server *consoles;
	char requester[OOBD_NUMBER_MAX];	/* who asked for the session */
	bool modem_lent;			/* single port: PPP has it */
	struct {
		char to[OOBD_NUMBER_MAX];
		char text[200];
	} sms_queue[OOBD_SMS_QUEUE];		/* waiting for the modem */
	int sms_queued;
	int64_t started_ms;			/* monotonic */
	unsigned long sms_received, sms_ignored, sms_refused, sms_accepted;
	struct oobd_counts counts;
	struct exporter *exporter;		/* web.c; NULL: no metrics asked for */
	ev_timer_id web_timer;
};

/* conf.c */
void conf_defaults(struct oobd_conf *c);
int conf_load(struct oobd_conf *c, const char *path, char *err, size_t errlen);
int conf_parse_buffer(struct oobd_conf *c, const char *name, const char *buf, size_t len,
    char *err, size_t errlen);

/* uplink.c: the session's hands: link command, routes, check, tunnel */
struct oobd_uplink *uplink_new(struct oobd *d, char *err, size_t errlen);
void uplink_free(struct oobd_uplink *u);	/* stops everything it started */
/* The session's ops start_link, start_check, start_tunnel and teardown
 * (session.h), for the ops main.c builds. */
int uplink_start_link(struct oobd_uplink *u, char *why, size_t whylen);
int uplink_start_check(struct oobd_uplink *u, char *why, size_t whylen);
int uplink_start_tunnel(struct oobd_uplink *u, char *why, size_t whylen);
void uplink_teardown(struct oobd_uplink *u);
/* "cell0 10.64.0.2, rx 1.2 MB tx 0.3 MB": 0, or -1 when no link is up. */
int uplink_describe(const struct oobd_uplink *u, char *buf, size_t len);
/* "ssh -p 31337 relay.example.org" */
void uplink_tunnel_words(const struct oobd_uplink *u, char *buf, size_t len);
/* How pushes leave: over the link while it is up; NULL: the default route. */
const struct notify_route *uplink_route(const struct oobd_uplink *u);
void uplink_status_json(const struct oobd_uplink *u, struct jsonw *w);

/* activation.c: SMS in, commands to the session, SMS out */
void activation_on_sms(struct oobd *d, const struct sms_deliver *sms);
void activation_status_text(struct oobd *d, char *buf, size_t len);
/* Senders, secret and limits from c (at start and on SIGHUP): 0, or -1
 * after logging why, with d->auth unchanged. */
int activation_load_auth(struct oobd *d, const struct oobd_conf *c);

/* outbox.c: SMS out, at once when the modem is ready, else queued (the
 * oldest dropped, logged, when the queue is full) */
void outbox_send(struct oobd *d, const char *to, const char *text);
void outbox_to_owner(struct oobd *d, const char *text);	/* owner, or who asked */
/* SMS that waited for the modem (unplugged, or lent to PPP) go out now. */
void outbox_flush(struct oobd *d);

/* report.c: what the session reports, to the log, the owner and the state file */
void report_session(struct oobd *d, enum session_report what, const char *reason);
void report_restore(struct oobd *d);

/* control.c */
/* The link's bytes now (0 when none is up). */
void uplink_link_bytes(const struct oobd_uplink *u, uint64_t *rx, uint64_t *tx);

/* metrics.c: Prometheus text (promtext.h) into b. */
struct strbuf;
void metrics_text(struct oobd *d, struct strbuf *b);
/* web.c: /metrics and the textfile (exporter.h). */
void web_open(struct oobd *d);
void web_close(struct oobd *d);

int control_open(struct oobd *d, char *err, size_t errlen);
void control_close(struct oobd *d);
int control_status_json(struct oobd *d, char *buf, size_t len);

#endif
