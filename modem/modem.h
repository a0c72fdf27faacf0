/*
 * modem: the driver of a Huawei E1752-class USB modem's AT port, as a pure
 * state machine on top of the AT engine (at.h).  The I/O glue opens the
 * port, feeds what it reads to modem_feed(), calls modem_tick() by
 * modem_next_deadline(), and writes what the io.write hook hands it; every
 * call carries the time (milliseconds, any monotonic clock).  What happens
 * comes back through the io.event hook, with messages that name the device
 * and the AT command ("/dev/ttyUSB2: AT+CPIN?: +CME ERROR: SIM not inserted").
 *
 * Start.  modem_start() runs the init sequence, in order:
 *   ATE0                      echo off (the engine copes with echo anyway)
 *   AT+CMEE=2                 errors as text (optional)
 *   AT+CPIN?                  READY: go on.  SIM PIN: enter the configured
 *   AT+CPIN=<pin>             PIN once, then ask again until READY (SIM busy
 *                             is retried).  SIM PUK, a PIN needed but none
 *                             configured, or a PIN refused: MODEM_EV_FAILED,
 *                             and the driver never sends a PIN again by
 *                             itself (a few wrong PINs block the SIM): only
 *                             a new modem_start() does.
 *   AT^CURC=1                 Huawei periodic URCs on (optional)
 *   AT+CMGF=0                 PDU mode.  Refused (ERROR, +CMS ERROR,
 *                             COMMAND NOT SUPPORT): MODEM_EV_WARNING, and
 *   AT+CMGF=1                 text mode instead (see "Text mode"), in
 *   AT+CSCS="UCS2"            UCS2; either refused: MODEM_EV_FAILED
 *   AT+CPMS="SM","SM","SM"    messages on the SIM
 *   AT+CNMI=2,1,0,2,0         new SMS announced as +CMTI (no polling); on
 *                             ERROR, AT+CNMI=2,1,0,0,0 (no status reports)
 *   AT^GETPORTMODE            port roles, where supported (optional)
 * then MODEM_EV_READY, a status poll, and one sweep of the SIM (messages
 * that came while nobody listened).  A required step that fails ends in
 * MODEM_EV_FAILED; "optional" steps may fail (other vendors).
 *
 * SMS.  A sweep lists the SIM in PDU mode (AT+CMGL=4); a +CMTI reads that
 * one index (AT+CMGR=<i>).  Each stored message is decoded (sms.h) and
 * handed over as MODEM_EV_SMS (or MODEM_EV_SMS_BAD when it does not decode:
 * SUBMIT copies, status reports, garbage), and deleted (AT+CMGD=<i>) after
 * the event hook returned: the hook must have taken what it needs.  Indexes
 * are the modem's, and Huawei counts from 0.  Parts of concatenated
 * messages are handed over one by one, with their concatenation info
 * (oobd refuses them: a command is one plain message).  modem_send_sms() encodes a text (as many parts as
 * needed, at most MODEM_SEND_PARTS) and sends each with AT+CMGS=<len>, the
 * PDU after the "> " prompt; MODEM_EV_SENT reports the outcome of the whole
 * message once every part is done (a failed part does not stop the others).
 *
 * Text mode, for a modem that refuses PDU mode (m->text_mode).  The same
 * events, as far as text mode tells (sms_text_decode() in sms_text.h):
 * a sweep is AT+CMGL="ALL", a +CMTI still reads AT+CMGR=<i>, and each
 * message comes as MODEM_EV_SMS with the sender, the time stamp with its
 * zone and the text; its SMSC, PID, class and user data header are not
 * shown in text mode, so parts of a long message come as separate texts
 * without concatenation info, and the
 * encoding is a guess from the characters.  Messages that were not
 * received (STO SENT/UNSENT) are MODEM_EV_SMS_BAD, and deleted, as in PDU
 * mode.  Why UCS2 only: in any other character set the text of an SMS is
 * copied into the reply as it is, so a sender could write a line that
 * reads as another message's header (with a sender of their choosing) or
 * as the final OK; in UCS2 every text is hex.  A modem that takes neither
 * PDU mode nor UCS2 is not used.  modem_send_sms() then sends AT+CSMP=
 * 17,167,0,<dcs> (DCS 0 when every character is in the GSM tables, else 8
 * for UCS2; validity one day) and each part as AT+CMGS="<number in UCS2>"
 * with the UCS2 hex after the prompt.  Parts are separate single messages
 * (no concatenation header; the recipient may see them in any order) of at
 * most 100 GSM characters (AT_PDU_MAX hex digits per command) or 70 UCS2
 * ones, MODEM_SEND_PARTS at most; an empty text cannot be sent (the
 * encoding is sms_text_encode()'s).
 *
 * Status.  modem_poll_status() asks AT+CSQ, AT+CREG?, AT+COPS?, AT^SYSINFO
 * and reports MODEM_EV_STATUS after the last; ^RSSI, ^MODE, ^SRVST, ^SIMST
 * and +CREG URCs update the same fields as they come.  The same parsing is
 * available without the driver (modem_status.h), for tools.
 *
 * Single-port mode (no PC UI port: the one port carries both AT and PPP).
 * modem_set_link(m, true) tells the driver the port now carries PPP: no
 * command is sent, a send is refused, and a sweep is remembered and run
 * when modem_set_link(m, false) hands the port back (no +CMTI can arrive
 * meanwhile, so a sweep always runs then).  The glue dials only when
 * modem_idle(), and feeds nothing from the port while PPP has it.
 *
 * Failure.  When commands time out AT_DEAD_AFTER times in a row the driver
 * reports MODEM_EV_UNRESPONSIVE once; the glue resets the modem
 * (modem_hard_reset(): AT+CFUN=1,1) or closes and reopens the port.  When
 * the port goes away (unplugged) the glue calls modem_closed(), which
 * cancels everything and reports MODEM_EV_GONE; after reopening it calls
 * modem_start() again.
 *
 * modem_read_pin_file() is the one function here doing I/O.
 */
#ifndef OUTPOST_MODEM_H
#define OUTPOST_MODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "at.h"
#include "modem_status.h"
#include "sms.h"

#define MODEM_MSG_MAX		640
#define MODEM_PIN_MAX		9	/* 4..8 digits and a NUL */
#define MODEM_SEND_PARTS	6
#define MODEM_SEND_JOBS		4
#define MODEM_CMD_TIMEOUT_MS	5000
#define MODEM_SEND_TIMEOUT_MS	60000	/* AT+CMGS waits for the network */
#define MODEM_RETRY_MS		1000	/* SIM busy: ask again after */
#define MODEM_RETRIES		10

struct modem_config {
	const char	*device;	/* for messages; "modem" if NULL */
	const char	*pin;		/* NULL or "": none configured */
	bool		single_port;
	int64_t		cmd_timeout_ms;	/* 0: MODEM_CMD_TIMEOUT_MS */
	int64_t		send_timeout_ms; /* 0: MODEM_SEND_TIMEOUT_MS */
};

enum modem_state { MODEM_CLOSED = 0, MODEM_INITIALIZING, MODEM_READY, MODEM_FAILED };

enum modem_event_kind {
	MODEM_EV_READY,		/* init sequence done */
	MODEM_EV_FAILED,	/* init failed; msg says why */
	MODEM_EV_STATUS,	/* status fields changed */
	MODEM_EV_SMS,		/* sms, stored at index */
	MODEM_EV_SMS_BAD,	/* a stored message that does not decode (msg); deleted */
	MODEM_EV_SENT,		/* a send finished: ok, mr, tag; msg when !ok */
	MODEM_EV_UNRESPONSIVE,	/* the modem stopped answering */
	MODEM_EV_GONE,		/* modem_closed(): the port went away */
	MODEM_EV_WARNING	/* worth a log line (msg) */
};

struct modem_event {
	enum modem_event_kind	kind;
	const char		*msg;	/* NULL or a sentence naming device and command */
	const struct sms_deliver *sms;
	int			index;	/* MODEM_EV_SMS(_BAD): where it was stored */
	int			tag;	/* MODEM_EV_SENT: the caller's tag */
	bool			ok;
	int			mr;	/* MODEM_EV_SENT: message reference of the last part */
};

struct modem_io {
	void	(*write)(void *arg, const void *data, size_t len);
	void	(*event)(void *arg, const struct modem_event *ev);
	void	*arg;
};

struct modem_send_job {
	bool	used;
	int	tag;
	size_t	parts, done;
	bool	failed;
	int	mr;
	char	msg[MODEM_MSG_MAX];
};

struct modem {
	struct modem_config	cfg;
	struct modem_io		io;
	struct at_engine	at;
	enum modem_state	state;
	struct modem_status	st;
	bool			link_up;
	bool			text_mode;	/* PDU mode refused: SMS in text mode */

	/* private */
	char			device[64];
	char			pin[MODEM_PIN_MAX];
	int			step;		/* init step */
	int			retries;
	int64_t			retry_at;	/* -1: none */
	bool			pin_sent;
	bool			sweep_wanted;	/* run when the port is free */
	bool			sweep_queued;
	bool			unresponsive_told;
	int			deleting[AT_QUEUE_MAX];	/* indexes with AT+CMGD queued */
	size_t			ndeleting;
	uint8_t			next_ref;
	struct modem_send_job	jobs[MODEM_SEND_JOBS];
	struct sms_deliver	sms;
	char			msg[MODEM_MSG_MAX];
};

/* cfg strings are copied. */
void modem_init(struct modem *m, const struct modem_config *cfg, const struct modem_io *io);
void modem_start(struct modem *m, int64_t now);

void modem_feed(struct modem *m, const void *data, size_t len, int64_t now);
void modem_tick(struct modem *m, int64_t now);
int64_t modem_next_deadline(const struct modem *m);	/* -1: none */

/* Queue a status poll / a sweep of the SIM: 0, or -1 when not READY or the
 * port is busy with PPP (the sweep is then remembered). */
int modem_poll_status(struct modem *m, int64_t now);
int modem_read_sms(struct modem *m, int64_t now);
/* 0 and MODEM_EV_SENT later, or -1 with a message in err (not ready, link
 * up on a single port, too long, bad number, too many sends pending). */
int modem_send_sms(struct modem *m, int64_t now, const char *number, const char *text, int tag,
    char *err, size_t errlen);

void modem_set_link(struct modem *m, bool up, int64_t now);
bool modem_idle(const struct modem *m);	/* nothing queued or in flight */
/* AT+CFUN=1,1: the modem restarts and its port disappears for a while. */
int modem_hard_reset(struct modem *m, int64_t now);
void modem_closed(struct modem *m);

/*
 * Read a SIM PIN from a file that only its owner may read: a regular file
 * (not a symlink) owned by root or by the effective user, with no group or
 * other permission bits, holding 4 to 8 digits and an optional newline.
 * 0, or -1 with a message naming the file and what to fix.
 */
int modem_read_pin_file(const char *path, char *pin, size_t pinlen, char *err, size_t errlen);

#endif
