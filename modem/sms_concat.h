/*
 * sms_concat: reassembly of concatenated SMS (23.040 9.2.3.24.1).  Pure and
 * bounded: no I/O, no allocation, no clock.  The caller passes its own clock
 * value (any monotonic unit: the timeout is in the same unit) with every
 * call.
 *
 * Parts are grouped by (originator, reference, total) and accepted in any
 * order; when the last missing part arrives, the texts are joined in part
 * order and the set is freed.  A part already held is reported as a
 * duplicate and the first copy kept.  A set expires when its first part is
 * older than the timeout, however many parts came since, so a sender
 * trickling parts cannot hold a slot forever.  At most SMS_CONCAT_SETS sets
 * are pending: a new set when all are taken evicts the one whose first part
 * is oldest.  A total above SMS_CONCAT_PARTS is refused, as are part 0,
 * total 0 and part > total.  8-bit and 16-bit references share one number
 * space (the caller passes the value).
 */
#ifndef OUTPOST_SMS_CONCAT_H
#define OUTPOST_SMS_CONCAT_H

#include <stddef.h>
#include <stdint.h>

#include "sms.h"

#define SMS_CONCAT_SETS	 8
#define SMS_CONCAT_PARTS 16
/* Room for a whole message: every part's text, joined, plus a NUL. */
#define SMS_CONCAT_TEXT_MAX (SMS_CONCAT_PARTS * (SMS_TEXT_MAX - 1) + 1)

struct sms_concat_set {
	int		used;
	char		from[SMS_ADDR_MAX];
	unsigned	ref;
	unsigned	total;
	int64_t		first_seen;
	uint32_t	have;	/* bit p-1 set: part p is held */
	size_t		len[SMS_CONCAT_PARTS];
	char		text[SMS_CONCAT_PARTS][SMS_TEXT_MAX];
};

struct sms_concat {
	int64_t			timeout;
	struct sms_concat_set	set[SMS_CONCAT_SETS];
};

enum sms_concat_status {
	SMS_CONCAT_COMPLETE,	/* out holds the whole text, *out_len octets */
	SMS_CONCAT_PENDING,	/* held; parts are missing */
	SMS_CONCAT_DUPLICATE,	/* that part was already held; ignored */
	SMS_CONCAT_REJECTED	/* invalid part/total, too many parts, text or out too small */
};

void sms_concat_init(struct sms_concat *c, int64_t timeout);

/* Frees the sets that have expired at 'now'; returns how many. */
size_t sms_concat_expire(struct sms_concat *c, int64_t now);

/* Sets currently held. */
size_t sms_concat_pending(const struct sms_concat *c);

/*
 * Adds part 'part' of 'total' of message 'ref' from 'from' (NUL-terminated,
 * shorter than SMS_ADDR_MAX), text[0..text_len) with text_len <
 * SMS_TEXT_MAX.  Expires old sets first.  On COMPLETE, out gets the joined
 * text NUL-terminated; outlen of SMS_CONCAT_TEXT_MAX is always enough.
 */
enum sms_concat_status sms_concat_add(struct sms_concat *c, int64_t now, const char *from,
    unsigned ref, unsigned part, unsigned total, const char *text, size_t text_len,
    char *out, size_t outlen, size_t *out_len);

#endif
