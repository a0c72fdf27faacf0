/*
 * ppp: the configuration of the cellular data link's PPP daemon, as text.
 *
 * oobd does not speak PPP: it runs pppd (Linux) or ppp(8) (FreeBSD) and
 * supervises it (child.h).  This module turns a struct ppp_conf into what
 * those programs read, so that nothing of the system's own PPP setup
 * (/etc/ppp/peers, a "provider" file) is needed or touched:
 *
 *   Linux    a peers file and a chat script, run as
 *            /usr/sbin/pppd file DIR/oobd.peers nodetach
 *   FreeBSD  a ppp.conf section, run as /usr/sbin/ppp -foreground LABEL;
 *            ppp(8) reads only /etc/ppp/ppp.conf, which must hold the line
 *            "!include DIR/ppp.conf" once (to say in oobd(8)).
 *
 * What the link is like, on both:
 *   - pppd stays in the foreground (nodetach, logfd 2: its log goes to
 *     the daemon through stderr), dials once (maxfail 1, nopersist;
 *     ppp: set redial 0 1, set reconnect 0 0): oobd does the retrying.
 *   - no default route (nodefaultroute; ppp.conf has no "add default"):
 *     the home uplink keeps it; oobd adds host routes through the link.
 *   - the peer's DNS servers only when usepeerdns is set: on Debian
 *     pppd's ip-up hook then rewrites /etc/resolv.conf for the whole box,
 *     so the default leaves them alone (oobd asks its own DNS over the
 *     link).
 *   - LCP echo every lcp_echo_interval s; down after lcp_echo_failure
 *     unanswered (ppp(8) has a fixed count).
 *   - noauth (the carrier does not authenticate to us); user/password are
 *     for the carrier, when it asks (often any or none).
 *
 * The chat script: ABORT on BUSY, NO CARRIER, NO DIALTONE, NO ANSWER and
 * ERROR; "ATZ", "ATE0", AT+CGDCONT=<cid>,"IP","<apn>", the extra init
 * strings, then ATD<number> and CONNECT.  Values are checked so that no
 * configuration can inject chat, pppd, ppp or shell syntax (pppd runs its
 * connect line through /bin/sh): APN letters, digits and ".-_"; number
 * digits and "*#+"; init strings printable ASCII starting with "AT",
 * without spaces, quotes ' or backslashes (a '"' is fine, '^' is sent
 * literally: chat would read it as a control character otherwise); paths
 * absolute with letters, digits and "/._-"; user and password printable,
 * without spaces, quotes or backslashes.
 *
 * Files are written 0600 (a password may be in them), through a temporary
 * name and rename, into a directory that only its owner may write.
 */
#ifndef OUTPOST_PPP_H
#define OUTPOST_PPP_H

#include <stdbool.h>
#include <stddef.h>

#define PPP_PPPD_PATH		"/usr/sbin/pppd"
#define PPP_CHAT_PATH		"/usr/sbin/chat"
#define PPP_FREEBSD_PATH	"/usr/sbin/ppp"
#define PPP_PEERS_NAME		"oobd.peers"
#define PPP_CHAT_NAME		"oobd.chat"
#define PPP_FREEBSD_NAME	"ppp.conf"
#define PPP_INIT_MAX		8
#define PPP_TEXT_MAX		4096
#define PPP_ARGV_MAX		8
#define PPP_ERRLEN		256

struct ppp_conf {
	const char *device;		/* the modem's data port, e.g. /dev/ttyUSB0 */
	int speed;			/* 0: 115200 */
	const char *apn;		/* required */
	const char *number;		/* NULL: "*99#" */
	int cid;			/* PDP context for AT+CGDCONT; 0: 1 */
	const char *init[PPP_INIT_MAX];	/* extra AT commands, after the defaults */
	int ninit;
	const char *user;		/* NULL or "": none */
	const char *password;		/* NULL or "": none */
	const char *ifname;		/* NULL: the system's name (ppp0, tun0) */
	int lcp_echo_interval;		/* 0: 10 s */
	int lcp_echo_failure;		/* 0: 3 */
	bool usepeerdns;		/* see above: off unless wanted */
	bool lock;			/* UUCP lock on the device (pppd "lock") */
	const char *label;		/* linkname / ppp.conf label; NULL: "oobd" */
};

/* The argument vector and its strings; points into itself: do not copy. */
struct ppp_argv {
	char *argv[PPP_ARGV_MAX];	/* NULL-terminated */
	int argc;
	char buf[1024];
	size_t used;
};

/* 0, or -1 with a message naming the bad setting. */
int ppp_conf_check(const struct ppp_conf *pc, char *err, size_t errlen);

/* Text into buf (NUL-terminated): 0, or -1 with a message when a value is
 * bad or the text does not fit. */
int ppp_chat_text(const struct ppp_conf *pc, char *buf, size_t len, char *err, size_t errlen);
/* chat_file: where the chat script will be (absolute). */
int ppp_peers_text(const struct ppp_conf *pc, const char *chat_file, char *buf, size_t len,
    char *err, size_t errlen);
int ppp_freebsd_text(const struct ppp_conf *pc, char *buf, size_t len, char *err,
    size_t errlen);

int ppp_pppd_argv(const char *peers_file, struct ppp_argv *out, char *err, size_t errlen);
int ppp_freebsd_argv(const struct ppp_conf *pc, struct ppp_argv *out, char *err,
    size_t errlen);

/* Write text to dir/name, mode 0600, replacing it atomically.  dir must be
 * an absolute, plain path (as above) to a directory that neither group nor
 * others may write.  path (may be NULL) gets dir/name. */
int ppp_write_file(const char *dir, const char *name, const char *text, char *path,
    size_t pathlen, char *err, size_t errlen);

/* The platform's whole job (ppp_linux.c, ppp_freebsd.c): write the files
 * into dir and build the command to run. */
int ppp_prepare(const struct ppp_conf *pc, const char *dir, struct ppp_argv *out, char *err,
    size_t errlen);

#endif
