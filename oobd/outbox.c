/*
 * outbox: the SMS oobd sends (answers, reports to the owner), at once when
 * the modem is ready, else queued until it is.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "modem.h"
#include "oobd.h"

/* Queued when the modem cannot take it now (unplugged, resetting, lent to
 * PPP); the oldest is dropped, with a log line, when the queue is full. */
static void
queue_sms(struct oobd *d, const char *to, const char *text)
{
	if (d->sms_queued == OOBD_SMS_QUEUE) {
		log_warnx("sms to %s dropped (queue full): %s", d->sms_queue[0].to,
		    d->sms_queue[0].text);
		memmove(&d->sms_queue[0], &d->sms_queue[1],
		    sizeof(d->sms_queue[0]) * (OOBD_SMS_QUEUE - 1));
		d->sms_queued--;
	}
	snprintf(d->sms_queue[d->sms_queued].to, sizeof(d->sms_queue[0].to), "%s", to);
	snprintf(d->sms_queue[d->sms_queued].text, sizeof(d->sms_queue[0].text), "%s", text);
	d->sms_queued++;
	log_info("sms to %s waits for the modem: %s", to, text);
}

void
outbox_send(struct oobd *d, const char *to, const char *text)
{
	char err[256];

	if (d->modem == NULL || to[0] == '\0')
		return;
	if (modem_io_modem(d->modem)->state != MODEM_READY) {
		queue_sms(d, to, text);
		return;
	}
	if (modem_io_send_sms(d->modem, to, text, 0, err, sizeof(err)) == -1)
		log_warnx("sms to %s not sent: %s", to, err);
	else
		log_info("sms to %s: %s", to, text);
}

void
outbox_flush(struct oobd *d)
{
	int n = d->sms_queued;

	d->sms_queued = 0;
	for (int i = 0; i < n; i++)
		outbox_send(d, d->sms_queue[i].to, d->sms_queue[i].text);
}

void
outbox_to_owner(struct oobd *d, const char *text)
{
	outbox_send(d, d->conf.owner[0] ? d->conf.owner : d->requester, text);
}
