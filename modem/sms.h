/*
 * sms: the SMS codec (3GPP TS 23.040 PDUs, TS 23.038 alphabets).  Pure
 * logic: bytes in, structs out; no I/O, no clock, no allocation, no output.
 *
 * Decoding.  sms_decode_hex() takes a PDU exactly as the modem prints it
 * after +CMGR:/+CMGL: in PDU mode (AT+CMGF=0): hex, either case, WITH the
 * leading SMSC field (length octet 00 when there is none).  sms_decode()
 * takes the same as raw octets.  Only SMS-DELIVER is accepted; SUBMIT,
 * STATUS-REPORT and the reserved type are rejected as "not an SMS-DELIVER".
 * The bytes come from the air, so they are the attacker's: every length is
 * checked against the octets present, and any inconsistency fails the whole
 * PDU with a message in err naming what is wrong ("user data shorter than
 * UDL: 10 of 11 septets").  There are no partial results.  Octets after the
 * user data are ignored (modems pad stored records with FF).
 *
 * Choices where the standards leave room or real decoders disagree:
 * - Originator: TON 1 gives "+" and digits, TON 5 the GSM 7-bit packed name
 *   (floor(semi-octets * 4 / 7) septets), any other TON the digits as they
 *   are.  Semi-octets A B C D E are "*#abc"; F is the filler: an F among the
 *   originator's counted digits is an error, while in the SMSC address
 *   (octet-counted, informational only) every F is skipped.  At most 20
 *   digits (23.040 9.1.2.5).
 * - SCTS: every semi-octet must be a decimal digit and every field in range.
 *   Years 00-89 are 2000-2089 and 90-99 are 1990-1999 (SMS dates from
 *   1992; node-pdu agrees, gammu 1.42 prints 2089 for 99).  The zone is
 *   signed quarter hours east of UTC, as received (0..79).
 * - DCS: compressed text (general group bit 5) is rejected; the reserved
 *   alphabet (bits 3-2 = 11) and the reserved groups 1000-1011 are GSM
 *   7-bit, as 23.038 4 tells a receiver; group 1111 ignores its reserved
 *   bit 3 (0xFB is GSM 7-bit class 3).  Message-waiting groups 1100/1101
 *   are GSM 7-bit, 1110 UCS2.
 * - GSM 7-bit: ESC followed by a code absent from the extension table shows
 *   the default-table character of that code (23.038 6.2.1.1); an ESC that
 *   ends the text or precedes another ESC shows as a space.
 * - UCS2 is read as UTF-16BE: surrogate pairs are joined, a lone surrogate
 *   becomes U+FFFD; an odd number of octets is an error.
 * - 8-bit data is given as upper-case hex of the octets after the UDH.
 * - UDH: IEI 00 (8-bit ref) and 08 (16-bit ref) give the concatenation
 *   info (the last one wins, as 23.040 9.2.3.24 says); an IE of the wrong
 *   length or with part 0, total 0 or part > total is ignored; others are
 *   skipped.  An IE running past the header is an error.
 * - The text may contain U+0000 (UCS2 0000): text_len, not the NUL, is the
 *   length.
 *
 * Encoding.  sms_encode_submit() builds SMS-SUBMIT PDUs for a number and a
 * UTF-8 text: GSM 7-bit when every character is in the default or extension
 * table, else UCS2 (UTF-16BE).  A text that does not fit in one PDU (160
 * septets, 70 UTF-16 units) is split into concatenated parts with an 8-bit
 * reference UDH (153 septets, 67 units each), never splitting an escape
 * sequence or a surrogate pair.  The SMSC field is 00 (use the SIM's SMSC);
 * TP-MR is 00 (the modem assigns it).  Each PDU comes with the TPDU length
 * AT+CMGS=<length> wants (octets, SMSC field excluded).
 *
 * Every function returns 0 on success and -1 on error with a NUL-terminated
 * message in err (errlen may be 0 to discard it).
 */
#ifndef OUTPOST_SMS_H
#define OUTPOST_SMS_H

#include <stddef.h>
#include <stdint.h>

#define SMS_ADDR_MAX	  48	/* 11 alphanumeric septets as UTF-8, or 20 digits */
#define SMS_TEXT_MAX	  640	/* 160 septets or 70 units as UTF-8; 140 octets as hex */
#define SMS_UD_MAX	  140	/* user data octets */
#define SMS_PDU_MAX	  200	/* octets accepted by the decoder (with SMSC and padding) */
#define SMS_SUBMIT_MAX	  160	/* octets of an encoded SUBMIT, SMSC field included */
#define SMS_SUBMIT_HEX_MAX (2 * SMS_SUBMIT_MAX + 1)
#define SMS_MAX_PARTS	  255	/* an 8-bit concatenation count */

enum sms_encoding { SMS_ENC_GSM7, SMS_ENC_8BIT, SMS_ENC_UCS2 };

/* Type of number, bits 6-4 of the type-of-address octet. */
enum sms_ton {
	SMS_TON_UNKNOWN = 0,
	SMS_TON_INTERNATIONAL = 1,
	SMS_TON_NATIONAL = 2,
	SMS_TON_NETWORK = 3,
	SMS_TON_SUBSCRIBER = 4,
	SMS_TON_ALPHANUMERIC = 5,
	SMS_TON_ABBREVIATED = 6,
	SMS_TON_RESERVED = 7
};

struct sms_address {
	char	text[SMS_ADDR_MAX];	/* "+27821234567", "2781188", "sipgate"; "" if none */
	uint8_t	toa;			/* type-of-address octet as received */
};

/* Service centre time stamp as sent: local time of the SC plus its zone. */
struct sms_time {
	int	year;		/* 1990..2089, see the top comment */
	int	month, day, hour, minute, second;
	int	tz_quarters;	/* quarter hours east of UTC, -79..79 */
};

struct sms_concat_info {
	int		present;	/* the PDU is one part of a concatenated message */
	int		ref16;		/* the reference came from IEI 08 */
	unsigned	ref;		/* 0..255, or 0..65535 when ref16 */
	unsigned	part;		/* 1..total */
	unsigned	total;		/* 1..255 */
};

struct sms_deliver {
	struct sms_address	smsc;
	struct sms_address	from;
	uint8_t			first_octet;
	uint8_t			pid;
	uint8_t			dcs;
	enum sms_encoding	encoding;
	int			msg_class;	/* 0..3, or -1 when the DCS gives none */
	struct sms_time		scts;
	struct sms_concat_info	concat;
	/* UTF-8 text of this part (UDH excluded), or upper-case hex for 8-bit. */
	char			text[SMS_TEXT_MAX];
	size_t			text_len;
};

int sms_decode(const uint8_t *pdu, size_t len, struct sms_deliver *out, char *err,
    size_t errlen);
int sms_decode_hex(const char *hex, size_t hexlen, struct sms_deliver *out, char *err,
    size_t errlen);

/* "2013-03-08T15:02:16+02:00"; returns -1 if buf is too small. */
int sms_time_iso8601(const struct sms_time *t, char *buf, size_t len);

/* "international", "national", "alphanumeric", ... for a type-of-address octet. */
const char *sms_ton_name(uint8_t toa);
/* "gsm7", "8bit", "ucs2". */
const char *sms_encoding_name(enum sms_encoding enc);

/*
 * Septets the UTF-8 text costs in GSM 7-bit (extension characters cost 2),
 * or -1 when a character is outside both tables or the UTF-8 is invalid.
 */
long sms_gsm7_septets(const char *text, size_t len);

struct sms_submit_opts {
	uint8_t	ref;		/* concatenation reference; the caller varies it per message */
	int	validity;	/* TP-VP relative format octet 0..255, or -1 for none */
	int	status_report;	/* set TP-SRR */
};

struct sms_submit_pdu {
	char	hex[SMS_SUBMIT_HEX_MAX];	/* upper-case, with the 00 SMSC field */
	size_t	tpdu_len;			/* for AT+CMGS=: octets after the SMSC field */
};

/*
 * number: "+" and digits (international, TOA 91) or digits (unknown, TOA
 * 81); '*' and '#' are allowed; 1..20 of them.  text: UTF-8, text_len
 * octets.  opts may be NULL (ref 0, no validity, no status report).  Fills
 * pdus[0..*npdus-1]; fails if the text needs more than max_pdus parts.
 */
int sms_encode_submit(const char *number, const char *text, size_t text_len,
    const struct sms_submit_opts *opts, struct sms_submit_pdu *pdus, size_t max_pdus,
    size_t *npdus, char *err, size_t errlen);

#endif
