/*
 * ntp_answer: one request in, one answer (or none) out.
 */
#include <string.h>

#include "ntp_answer.h"

enum ntp_answer_kind
ntp_answer(const struct ntp_packet *req, const struct ntp_server_state *st,
    bool rate_limited, struct timespec rx, struct timespec tx, struct ntp_packet *resp)
{
	memset(resp, 0, sizeof(*resp));
	if (req->mode != NTP_MODE_CLIENT && req->mode != NTP_MODE_SYM_ACTIVE)
		return NTP_ANSWER_DROP;

	resp->version = req->version;
	resp->mode = req->mode == NTP_MODE_CLIENT ? NTP_MODE_SERVER : NTP_MODE_SYM_PASSIVE;
	resp->poll = req->poll;
	resp->precision = st->precision;
	resp->origin = req->transmit;
	resp->receive = ntp_ts_from_timespec(rx);
	resp->transmit = ntp_ts_from_timespec(tx);

	if (rate_limited) {
		/* The origin lets the client match it to its request (and so
		 * trust it); the receive and transmit times are the real ones,
		 * but LI 3 and stratum 0 say not to use them (RFC 5905 7.4). */
		resp->leap = NTP_LEAP_UNSYNC;
		resp->stratum = 0;
		resp->refid = ntp_refid_ascii("RATE");
		return NTP_ANSWER_KOD_RATE;
	}
	if (!st->synchronised) {
		resp->leap = NTP_LEAP_UNSYNC;
		resp->stratum = 16;
		resp->refid = st->refid;
		resp->root_dispersion = ntp_short_from_double(st->root_dispersion);
		return NTP_ANSWER_REPLY;
	}
	resp->leap = (uint8_t)st->leap;
	resp->stratum = st->stratum;
	resp->refid = st->refid;
	resp->root_delay = ntp_short_from_double(st->root_delay);
	resp->root_dispersion = ntp_short_from_double(st->root_dispersion);
	resp->reference = ntp_ts_from_timespec(st->reference);
	return NTP_ANSWER_REPLY;
}
