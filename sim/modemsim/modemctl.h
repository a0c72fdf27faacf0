/*
 * modemctl: modemsim's run-time commands, as lines of text on its control
 * socket (one command per line, answered "ok ..." or "error: ...").
 *
 * Pure: parsing only; modemsim.c carries the commands out.
 *
 *   sms HEX                   an SMS-DELIVER PDU arrives (hex with the SMSC
 *                             field, as AT+CMGR prints it)
 *   sms-text FROM TEXT        a text arrives from FROM (+digits or digits):
 *                             encoded as SMS-DELIVER, concatenated if long
 *   signal N                  the signal (+CSQ rssi) becomes N, 0..31 or 99
 *   reg STAT                  registration: home, roaming, searching,
 *                             denied, none, unknown, or the +CREG number 0..5
 *   drop                      the data call's carrier drops (NO CARRIER)
 *   hang | unhang             the stick stops answering / answers again
 *   unplug | replug           the stick is pulled (ptys closed, links
 *                             removed) / plugged back (new ptys, settings
 *                             reset, SIM locked again if it has a PIN)
 *   boot                      a ^BOOT code now
 *   urc-in-reply on | off     hold every unsolicited code until the echo
 *                             of the next command line
 *   text-only on | off        firmware without PDU mode: AT+CMGF=0 fails
 *                             from now on, and ports start in text mode
 *                             after a reset (replug, AT&F)
 *   status                    one line of key=value pairs
 *   help                      the list of commands
 */
#ifndef OUTPOST_MODEMCTL_H
#define OUTPOST_MODEMCTL_H

#include <stddef.h>

#define MODEMCTL_LINE_MAX 2048

enum modemctl_op {
	MODEMCTL_SMS,
	MODEMCTL_SMS_TEXT,
	MODEMCTL_SIGNAL,
	MODEMCTL_REG,
	MODEMCTL_DROP,
	MODEMCTL_HANG,
	MODEMCTL_UNHANG,
	MODEMCTL_UNPLUG,
	MODEMCTL_REPLUG,
	MODEMCTL_BOOT,
	MODEMCTL_URC_IN_REPLY,
	MODEMCTL_TEXT_ONLY,
	MODEMCTL_STATUS,
	MODEMCTL_HELP,
};

struct modemctl_cmd {
	enum modemctl_op op;
	int		 n;	/* signal, registration, on (1) / off (0) */
	const char	*arg;	/* PDU hex, or the sender: points into the line */
	size_t		 arg_len;
	const char	*text;	/* sms-text: the rest of the line, as given */
	size_t		 text_len;
};

/* One line without its line end (a trailing CR is ignored).  0, or -1 with
 * the reason in err. */
int modemctl_parse(const char *line, size_t len, struct modemctl_cmd *c, char *err,
    size_t errlen);

extern const char modemctl_help[];

#endif
