/*
 * at: the AT command engine for one modem port.  No I/O and no clock: the caller feeds the bytes it
 * read with at_feed(), gives the time with every call (milliseconds of any
 * monotonic clock), calls at_tick() by at_next_deadline(), and supplies a
 * write hook the engine calls with bytes for the modem.
 *
 * Lines.  The modem frames everything as "\r\n<text>\r\n"; gammu sends its
 * commands ending in "\r" alone and some captures hold bare "\n", so CR, LF
 * and CR LF all end a line and empty lines are dropped.  NUL and other C0
 * control bytes are dropped (counted in at_engine.sp.n_garbage); bytes >= 0x80
 * are kept (operator names, text-mode SMS).  A line longer than AT_LINE_MAX
 * is cut to AT_LINE_MAX bytes and marked truncated; the rest of it is
 * counted and dropped.  The one thing without a line end is the "> " prompt
 * of AT+CMGS, recognised only while a command waits for it.
 *
 * Which line is what.  With a command in flight, a line is, in this order:
 *   - its echo (the command text again, any case: ATE1 or a modem that
 *     ignores ATE0), skipped;
 *   - an information line when it starts with the command's own reply
 *     prefix ("+CREG:" for AT+CREG?, "^SYSINFO:" for AT^SYSINFO), even if
 *     the same prefix is also unsolicited (a +CREG: 2,1 answering AT+CREG?
 *     is not a URC);
 *   - an unsolicited result code when it matches the one URC table
 *     (at_urc_kind());
 *   - a final result code: OK, ERROR, +CME ERROR: <text|number>,
 *     +CMS ERROR: <text|number>, COMMAND NOT SUPPORT (Huawei),
 *     TOO MANY PARAMETERS (Huawei); CONNECT [speed], NO CARRIER, BUSY,
 *     NO ANSWER, NO DIALTONE only for ATD/ATA/ATO (outside a call
 *     NO CARRIER is unsolicited);
 *   - otherwise an information line for the command.
 * Without a command in flight every line goes to the URC hook (kind
 * AT_URC_OTHER when not in the table).  +CMT: and +CDS: carry the PDU on a
 * second line, which is delivered with them as the URC's body.
 *
 * Commands.  at_send() queues a command (AT_QUEUE_MAX at most); one is in
 * flight at a time, written as "<text>\r".  A command with a PDU (AT+CMGS)
 * waits for "> ", then the engine writes the PDU and Ctrl-Z (0x1A); a
 * command without a PDU that gets a prompt is cancelled with ESC (0x1B), so
 * the modem never waits for text nobody will send.  Each command has its
 * own timeout from the moment it is written; when it expires the command
 * completes with AT_TIMEOUT.  After AT_DEAD_AFTER (or at_engine.dead_after)
 * timeouts in a row, with no final result in between, at_unresponsive() is
 * true: the modem has stopped answering, and the caller resets it
 * (AT+CFUN=1,1) or closes and reopens the port.  A late answer to a command
 * that timed out cannot be told from the answer to the next one; the
 * caller treats a timeout as "state unknown".
 *
 * Replies.  The done hook gets the command and its reply: the final status,
 * the final line, the error text or number of +CME/+CMS ERROR, and the
 * information lines in order (AT_REPLY_LINES lines, AT_REPLY_BYTES bytes at
 * most; more sets 'truncated').  The reply is valid during the hook only.
 * Hooks may call at_send() (the next command goes out when the hook
 * returns), but not at_feed() or at_tick().
 *
 * Replies are parsed with at_parse.h.
 */
#ifndef OUTPOST_AT_H
#define OUTPOST_AT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AT_LINE_MAX	1024	/* a text-mode SMS line; a PDU line is <= 352 hex */
#define AT_CMD_MAX	128	/* command text, without the CR */
#define AT_PDU_MAX	400	/* PDU hex for AT+CMGS (SMS_SUBMIT_HEX_MAX fits) */
#define AT_REPLY_LINES	128	/* information lines kept per reply */
#define AT_REPLY_BYTES	16384	/* their bytes, NULs included */
#define AT_QUEUE_MAX	16
#define AT_DEAD_AFTER	3	/* timeouts in a row before at_unresponsive() */

enum at_status {
	AT_OK = 0,
	AT_ERROR,		/* plain ERROR */
	AT_CME_ERROR,		/* +CME ERROR: (equipment, SIM) */
	AT_CMS_ERROR,		/* +CMS ERROR: (SMS) */
	AT_NOT_SUPPORTED,	/* COMMAND NOT SUPPORT (Huawei) */
	AT_TOO_MANY_PARAMS,	/* TOO MANY PARAMETERS (Huawei) */
	AT_CONNECT,		/* CONNECT [speed]: the port is now in data mode */
	AT_NO_CARRIER,
	AT_NO_DIALTONE,
	AT_BUSY,
	AT_NO_ANSWER,
	AT_TIMEOUT,		/* no final result in time */
	AT_CANCELLED		/* at_reset(): the port went away */
};

struct at_reply {
	enum at_status	status;
	char		final[AT_LINE_MAX + 1];	/* the final line; "" for TIMEOUT/CANCELLED */
	/* +CME/+CMS ERROR: the text after the colon, trimmed ("SIM not inserted",
	 * "10"); error_code is its value when it is a number, else -1. */
	const char	*error_text;
	long		error_code;
	bool		prompted;	/* a "> " prompt was seen */
	bool		truncated;	/* lines were dropped or cut */
	size_t		nlines;
	uint16_t	off[AT_REPLY_LINES];	/* line i starts at buf + off[i] */
	size_t		used;			/* bytes of buf in use */
	char		buf[AT_REPLY_BYTES];
};

struct at_cmd {
	char		text[AT_CMD_MAX + 1];
	char		pdu[AT_PDU_MAX + 1];	/* "" when none */
	char		prefix[24];		/* its own reply prefix, "+CREG:"; "" */
	bool		dial;			/* ATD/ATA/ATO: call results are final */
	bool		secret;			/* do not show the text (AT+CPIN=) */
	int64_t		timeout_ms;
	int		tag;			/* for the caller */
	void		*arg;			/* for the caller */
};

enum at_urc_kind {
	AT_URC_OTHER = 0,	/* a line outside any command, not in the table */
	AT_URC_CMTI,		/* +CMTI: "SM",3  new SMS stored */
	AT_URC_CMT,		/* +CMT: ,24 + PDU line */
	AT_URC_CDSI,		/* +CDSI: status report stored */
	AT_URC_CDS,		/* +CDS: 25 + PDU line */
	AT_URC_CREG,		/* +CREG: stat[,lac,ci[,act]] */
	AT_URC_CGREG,
	AT_URC_CUSD,
	AT_URC_RING,
	AT_URC_CRING,
	AT_URC_CLIP,
	AT_URC_NO_CARRIER,	/* outside a dial command */
	AT_URC_RSSI,		/* ^RSSI: n */
	AT_URC_MODE,		/* ^MODE: sys_mode,sys_submode */
	AT_URC_SRVST,		/* ^SRVST: srv_status */
	AT_URC_BOOT,		/* ^BOOT: ... (keepalive) */
	AT_URC_DSFLOWRPT,	/* ^DSFLOWRPT: data counters */
	AT_URC_SIMST,		/* ^SIMST: sim_state[,lock] */
	AT_URC_CEND,		/* ^CEND: call ended */
	AT_URC_CONN,		/* ^CONN: call connected */
	AT_URC_ORIG,		/* ^ORIG: call originated */
	AT_URC_CONF,		/* ^CONF: ringback */
	AT_URC_STIN,		/* ^STIN: SIM toolkit */
	AT_URC_SMMEMFULL,	/* ^SMMEMFULL: SMS storage full */
	AT_URC_HCSQ,		/* ^HCSQ: signal (newer Huawei) */
	AT_URC_NWTIME,		/* ^NWTIME: network time */
	AT_URC_CSNR,		/* ^CSNR: RSCP/EcIo */
	AT_URC_RSSILVL		/* ^RSSILVL: */
};

struct at_urc {
	enum at_urc_kind kind;
	const char	*line;		/* NUL-terminated */
	const char	*body;		/* +CMT/+CDS: the PDU line; else NULL */
	bool		truncated;
};

struct at_hooks {
	/* Bytes for the modem; the engine does not retry: a short or failed
	 * write shows up later as a timeout. */
	void	(*write)(void *arg, const void *data, size_t len);
	void	(*done)(void *arg, const struct at_cmd *cmd, const struct at_reply *r);
	void	(*urc)(void *arg, const struct at_urc *u);
	void	*arg;
};

enum at_phase { AT_IDLE = 0, AT_WAIT_FINAL, AT_WAIT_PROMPT, AT_WAIT_URC_BODY };

struct at_splitter {
	char	line[AT_LINE_MAX + 1];
	size_t	len;
	bool	overlong;
	unsigned long n_garbage;	/* control bytes dropped */
	unsigned long n_overlong;	/* lines cut */
};

struct at_engine {
	struct at_hooks	hooks;
	int		dead_after;	/* default AT_DEAD_AFTER */

	/* counters */
	unsigned long	n_lines, n_urcs, n_echo, n_timeouts;

	/* private */
	struct at_splitter sp;
	bool		pending_body;	/* the next line belongs to urc_head */
	char		urc_head[AT_LINE_MAX + 1];
	enum at_urc_kind urc_kind;
	bool		urc_truncated;

	bool		busy;		/* queue[head] is in flight */
	bool		prompt_wait;
	bool		in_hook;
	bool		resetting;
	int64_t		now;
	int64_t		deadline;
	int		timeouts_in_row;
	struct at_cmd	queue[AT_QUEUE_MAX];
	size_t		head, count;
	struct at_reply	reply;
};

void at_init(struct at_engine *e, const struct at_hooks *hooks);

/*
 * Queue a command ("AT+CSQ", no CR).  pdu: NULL, or the hex for AT+CMGS.
 * timeout_ms > 0.  The text must be printable ASCII, start with "AT" (any
 * case) and fit AT_CMD_MAX; the PDU hex digits only.  Returns 0, or -1 with
 * errno EINVAL (bad text) or ENOBUFS (queue full).
 */
int at_send(struct at_engine *e, int64_t now, const char *text, const char *pdu,
    int64_t timeout_ms, int tag, void *arg);
/* Mark the last queued command as secret: shown as "AT+CPIN=****". */
void at_mark_secret(struct at_engine *e);

/* Bytes read from the port. */
void at_feed(struct at_engine *e, const void *data, size_t len, int64_t now);
/* Expire the command in flight if its time is up. */
void at_tick(struct at_engine *e, int64_t now);
/* When at_tick() must run next, or -1 when nothing waits. */
int64_t at_next_deadline(const struct at_engine *e);

/* The port went away: every queued command completes with AT_CANCELLED,
 * the partial line is dropped, the timeout count is cleared. */
void at_reset(struct at_engine *e);

bool at_busy(const struct at_engine *e);	/* a command in flight or queued */
size_t at_queue_room(const struct at_engine *e);	/* commands at_send() still takes */
bool at_unresponsive(const struct at_engine *e);

/* Line i of a reply (i < r->nlines). */
const char *at_reply_line(const struct at_reply *r, size_t i);

/* The command as it may be shown: secrets masked ("AT+CPIN=****"). */
void at_cmd_display(const struct at_cmd *c, char *buf, size_t len);
/* "OK", "+CME ERROR: 10 (SIM not inserted)", "no answer within 5 s", ... */
void at_reply_describe(const struct at_cmd *c, const struct at_reply *r, char *buf, size_t len);
const char *at_status_name(enum at_status st);

/* 27.007 9.2 / 27.005 3.2.5 numeric error texts; NULL when unknown. */
const char *at_cme_text(long code);
const char *at_cms_text(long code);

/* The URC table: the kind of a line ("+CMTI: ..." -> AT_URC_CMTI), or
 * AT_URC_OTHER.  *body_follows: the PDU comes on the next line. */
enum at_urc_kind at_urc_kind(const char *line, bool *body_follows);
const char *at_urc_name(enum at_urc_kind k);

/* ---- the line splitter alone (the engine uses the same code) ---- */

void at_splitter_init(struct at_splitter *s);
/*
 * Feed bytes [*pos, len).  Returns 1 when a non-empty line is complete in
 * out (NUL-terminated, *out_len bytes, *truncated when cut), with *pos past
 * it; 0 when all was consumed.  out must have AT_LINE_MAX + 1 bytes.
 */
int at_splitter_feed(struct at_splitter *s, const void *data, size_t len, size_t *pos,
    char *out, size_t *out_len, bool *truncated);

#endif
