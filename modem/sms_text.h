/*
 * sms_text: the SMS codec of text mode (AT+CMGF=1), both directions, for a
 * modem that refuses PDU mode.  Pure: reply lines in, messages out; a text
 * in, what AT+CMGS sends out.  The driver (modem.h) uses it under
 * AT+CSCS="UCS2", the only character set in which a sender cannot fake the
 * lines of a reply (see modem.h, "Text mode").
 *
 * Reading: the +CMGL/+CMGR text-mode headers, the entries of a reply (a
 * header and its text lines), the time stamp, UCS2 hex as the modem shows
 * it, and a whole entry as the struct sms_deliver that PDU mode would have
 * given (sms.h).  Writing: the number and the text as the UCS2 hex of one
 * or more single SMS, and the alphabet for AT+CSMP.  Any bytes are safe;
 * errors come back as -1 (with a message where there is an err argument).
 */
#ifndef OUTPOST_SMS_TEXT_H
#define OUTPOST_SMS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "at.h"  /* struct at_reply, AT_PDU_MAX */
#include "sms.h" /* struct sms_deliver, struct sms_time */

/*
 * SMS headers in text mode; the text follows on one or more lines.  One
 * reply line in (as the engine delivers it), 0 or -1 when the line is not
 * that header.  Fields as the modem shows them: with AT+CSCS="UCS2" the
 * address (and on some modems the status) is hex of UTF-16BE, so they are
 * sized for that.  The address must be quoted: a status report's header
 * has a number there (<fo>) and is refused.
 *   +CMGL: <index>,<stat>,<oa>,[<alpha>],[<scts>][,<tooa>,<length>]
 *   +CMGR: <stat>,<oa>,[<alpha>],<scts>[,<tooa>,<fo>,<pid>,<dcs>,...]
 */
struct sms_text_hdr {
	int	index;		/* -1 for +CMGR */
	char	stat[48];	/* "REC UNREAD", "STO UNSENT", ... */
	char	addr[100];	/* "+4477...", or 21 UCS2 characters as hex */
	char	scts[32];	/* "13/01/28,14:51:42+08", or "" */
};
int sms_text_parse_cmgl(const char *line, struct sms_text_hdr *out);
int sms_text_parse_cmgr(const char *line, struct sms_text_hdr *out);

/*
 * A text-mode time stamp, "yy/MM/dd,hh:mm:ss+zz" with the zone in signed
 * quarter hours (27.005 <scts>).  Also taken: a four-digit year and one-digit
 * fields without a zone ("2009/8/18,19:11:45", Motorola), zone 0 then.
 * Two-digit years as sms.h reads them (00-89: 2000s).  Every field is range
 * checked (zone -79..79); -1 otherwise.
 */
int sms_text_parse_scts(const char *s, struct sms_time *out);

/*
 * UCS2 as AT+CSCS="UCS2" shows it: 4 hex digits per UTF-16BE unit, to
 * UTF-8; surrogate pairs joined, a lone surrogate becomes U+FFFD, U+0000 is
 * kept (the length counts it).  -1 if len is not a multiple of 4, a digit is
 * not hex, or the result and a NUL do not fit in outlen.
 */
int sms_text_ucs2_to_utf8(const char *hex, size_t len, char *out, size_t outlen,
    size_t *outlen_used);

/*
 * One stored SMS in an AT+CMGL / AT+CMGR reply in text mode: its header,
 * then its text on the lines up to the next header (no line when the text
 * is empty: the engine drops empty lines).  Walk a reply as with
 * at_sms_list_next() (at_parse.h): *i starts at 0; 1 with the next entry, 0
 * at the end.  A +CMGL:/+CMGR: line that is not a text-mode header is
 * counted in *bad (may be NULL) and skipped with the lines after it.
 * A text line that reads like a header cannot be told from one, and a text
 * line "OK" ends the reply early: in any character set but UCS2 the sender
 * of an SMS controls line structure.  Read text mode in UCS2, where every
 * text is hex.
 */
struct sms_text_entry {
	struct sms_text_hdr hdr;
	size_t	text_line;	/* the first text line of the reply */
	size_t	text_lines;	/* 0: an empty text */
};
int sms_text_next(const struct at_reply *r, size_t *i, struct sms_text_entry *e, size_t *bad);

/*
 * A text-mode entry read with AT+CSCS="UCS2", as the SMS-DELIVER that
 * sms_decode_hex() would have given, as far as text mode tells:
 *   from     UCS2 hex decoded; a modem that leaves the number as it is (only
 *            digits, not UCS2 of ASCII) is taken as it is.  toa guessed:
 *            91 for "+digits", 81 for digits, D0 (alphanumeric) otherwise.
 *   scts     from the header (sms_text_parse_scts()).
 *   text     UCS2 hex decoded (the text lines joined).  Hex that is not
 *            UCS2 (an odd number of octets: 8-bit data) is kept as hex,
 *            encoding 8BIT.
 *   encoding GSM7 when every character is in the GSM tables, else UCS2: a
 *            guess from the characters (dcs 00 or 08), as text mode does not
 *            show the DCS.
 * Not known in text mode, left empty or zero: the SMSC, pid, first octet,
 * message class and the user data header, so concat.present is 0: parts of
 * a long message arrive as separate texts (some modems even show the header
 * octets in the text).  -1 with a message in err for a message that was
 * not received (STO SENT / STO UNSENT), a missing or bad time stamp, an
 * address or text that is neither UCS2 hex nor plain, or a text too long.
 */
int sms_text_decode(const struct at_reply *r, const struct sms_text_entry *e,
    struct sms_deliver *out, char *err, size_t errlen);

/*
 * Sending under AT+CSCS="UCS2": what AT+CSMP=17,167,0,<dcs> and each
 * AT+CMGS="<da>" with its part after the prompt carry.
 */
struct sms_text_submit {
	char	da[4 * 21 + 1];	/* the number as UCS2 hex */
	int	dcs;		/* 0: every character is in the GSM tables; 8: UCS2 */
	size_t	nparts;		/* parts[0..nparts-1] */
};
/*
 * number: "+" and 1 to 20 of digits, '*', '#' (as sms_encode_submit() takes
 * them).  text: UTF-8, not empty, cut into the UCS2 hex of separate single
 * SMS (no concatenation header): each at most 160 septets when dcs is 0 or
 * 70 UTF-16 units when 8, and never more than AT_PDU_MAX hex digits (what
 * the engine sends after the prompt: 100 UTF-16 units); a character (a
 * surrogate pair) is never cut.  0, or -1 with a message in err (not a
 * number, an empty text, not UTF-8, more than max parts).
 */
int sms_text_encode(const char *number, const char *text, char (*parts)[AT_PDU_MAX + 1],
    size_t max, struct sms_text_submit *out, char *err, size_t errlen);

#endif
