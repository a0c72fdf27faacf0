/*
 * modem_status: the status queries and what their replies say.  See
 * modem_status.h for the contract.
 */
#include <stdio.h>
#include <string.h>

#include "modem_status.h"

static const char *const query_cmd[MODEM_Q_COUNT] = {
	[MODEM_Q_MAKER] = "AT+CGMI",
	[MODEM_Q_MODEL] = "AT+CGMM",
	[MODEM_Q_REVISION] = "AT+CGMR",
	[MODEM_Q_IMEI] = "AT+CGSN",
	[MODEM_Q_PIN] = "AT+CPIN?",
	[MODEM_Q_CSQ] = "AT+CSQ",
	[MODEM_Q_CREG] = "AT+CREG?",
	[MODEM_Q_COPS] = "AT+COPS?",
	[MODEM_Q_SYSINFO] = "AT^SYSINFO",
	[MODEM_Q_PORTS] = "AT^GETPORTMODE",
};

const char *
modem_query_command(enum modem_query q)
{
	if ((unsigned)q >= MODEM_Q_COUNT)
		return NULL;
	return query_cmd[q];
}

/* ---- replies into the status ---- */

static int
apply_ident(const struct at_reply *r, const char *prefix, char *out, size_t len)
{
	if (r->nlines == 0)
		return -1;
	return at_parse_ident(at_reply_line(r, 0), prefix, out, len);
}

int
modem_status_apply(struct modem_status *st, enum modem_query q, const struct at_reply *r)
{
	const char *l;
	int rc = -1;

	if (r->status != AT_OK)
		return -1;
	switch (q) {
	case MODEM_Q_MAKER:
		return apply_ident(r, "+CGMI:", st->maker, sizeof(st->maker));
	case MODEM_Q_MODEL:
		return apply_ident(r, "+CGMM:", st->model, sizeof(st->model));
	case MODEM_Q_REVISION:
		return apply_ident(r, "+CGMR:", st->revision, sizeof(st->revision));
	case MODEM_Q_IMEI:
		return r->nlines == 0 ? -1 : at_parse_imei(at_reply_line(r, 0), st->imei,
		    sizeof(st->imei));
	case MODEM_Q_PIN:
		if ((l = at_find_line(r, "+CPIN:")) != NULL &&
		    (rc = at_parse_cpin(l, &st->pin)) == 0)
			st->have_pin = true;
		return rc;
	case MODEM_Q_CSQ:
		if ((l = at_find_line(r, "+CSQ:")) != NULL && (rc = at_parse_csq(l, &st->csq)) == 0)
			st->have_csq = true;
		return rc;
	case MODEM_Q_CREG:
		if ((l = at_find_line(r, "+CREG:")) != NULL &&
		    (rc = at_parse_creg(l, true, &st->creg)) == 0)
			st->have_creg = true;
		return rc;
	case MODEM_Q_COPS:
		if ((l = at_find_line(r, "+COPS:")) != NULL &&
		    (rc = at_parse_cops(l, &st->cops)) == 0)
			st->have_cops = true;
		return rc;
	case MODEM_Q_SYSINFO:
		if ((l = at_find_line(r, "^SYSINFO:")) != NULL &&
		    (rc = at_parse_sysinfo(l, &st->sysinfo)) == 0)
			st->have_sysinfo = true;
		return rc;
	case MODEM_Q_PORTS:
		if ((l = at_find_line(r, "^GETPORTMODE:")) != NULL &&
		    (rc = at_parse_getportmode(l, &st->ports)) == 0)
			st->have_ports = true;
		return rc;
	default:
		return -1;
	}
}

/* ---- words for people ---- */

static const char *
act_generation(int act)
{
	if (act == 0 || act == 1 || act == 3 || act == 8)
		return "2G";
	if (act == 2 || (act >= 4 && act <= 6))
		return "3G";
	if (act == 7 || act == 9 || act == 10)
		return "4G";
	if (act >= 11)
		return "5G";
	return NULL;
}

void
modem_status_network(const struct modem_status *st, char *buf, size_t len)
{
	const struct at_sysinfo *si = &st->sysinfo;

	if (st->have_sysinfo) {
		const char *gen = at_sys_mode_generation(si->sys_mode, si->sys_submode);
		const char *sub = at_sys_submode_name(si->sys_submode);

		if (si->srv_status == 0 || si->sys_mode == 0 || gen == NULL) {
			snprintf(buf, len, "no service");
			return;
		}
		if (sub != NULL && strcmp(sub, at_sys_mode_name(si->sys_mode)) != 0)
			snprintf(buf, len, "%s (%s, %s)", gen, at_sys_mode_name(si->sys_mode), sub);
		else
			snprintf(buf, len, "%s (%s)", gen, at_sys_mode_name(si->sys_mode));
		return;
	}
	if (st->have_cops && st->cops.act >= 0 && act_generation(st->cops.act) != NULL) {
		snprintf(buf, len, "%s (%s)", act_generation(st->cops.act),
		    at_act_name(st->cops.act));
		return;
	}
	snprintf(buf, len, "unknown");
}

const char *
modem_signal_words(const struct at_csq *csq)
{
	if (!csq->known)
		return "unknown";
	if (csq->rssi >= 20)
		return "excellent";
	if (csq->rssi >= 15)
		return "good";
	if (csq->rssi >= 10)
		return "fair";
	if (csq->rssi >= 5)
		return "poor";
	return "very poor";
}
