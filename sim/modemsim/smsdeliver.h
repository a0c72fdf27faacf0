/*
 * smsdeliver: SMS-DELIVER PDUs for a sender and a UTF-8 text, to play the
 * network in modemsim ("sms-text" on the control socket).
 *
 * Pure.  The text is encoded by the SMS codec (sms_encode_submit: GSM 7-bit
 * or UCS2, concatenated parts with an 8-bit reference when long); each
 * SMS-SUBMIT is then turned into the SMS-DELIVER the recipient's modem
 * would store: the destination becomes the originator, the validity period
 * goes, the service centre time stamp and the SMSC field come in.  Senders
 * are numbers only ("+" and digits, or digits); alphanumeric senders are not
 * supported.
 */
#ifndef OUTPOST_SMSDELIVER_H
#define OUTPOST_SMSDELIVER_H

#include <stddef.h>

#include "sms.h"

#define SMSDELIVER_HEX_MAX (2 * 176 + 1)

struct smsdeliver_pdu {
	char hex[SMSDELIVER_HEX_MAX];	/* upper case, with the SMSC field */
};

/*
 * smsc: the service centre ("+447785016005"; NULL or "" for none, SMSC
 * field 00).  scts: the time stamp to put in.  ref: the concatenation
 * reference.  Fills pdus[0..*n-1]; -1 with a message on error.
 */
int smsdeliver_encode(const char *smsc, const char *from, const char *text, size_t text_len,
    const struct sms_time *scts, unsigned ref, struct smsdeliver_pdu *pdus, size_t max,
    size_t *n, char *err, size_t errlen);

#endif
