/*
 * modem_status: what is known about a modem (identification, SIM, signal,
 * registration, operator, Huawei system information, USB ports, SMS
 * storage), the AT queries that ask for it, and words for people.  Pure: a
 * reply to modem_query_command(q), as the engine hands it over (at.h), goes
 * into a struct modem_status with modem_status_apply(), line by line with
 * the parsers of at_parse.h.  The driver (modem.h) keeps one up to date
 * from its polls and the URCs; tools (outpost modem) use it without the
 * driver.
 */
#ifndef OUTPOST_MODEM_STATUS_H
#define OUTPOST_MODEM_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "at.h"
#include "at_parse.h"

/* What is known about the modem; have_* says which parts are filled. */
struct modem_status {
	char		maker[40], model[40], revision[64], imei[24];
	bool		have_pin;
	enum at_pin	pin;
	bool		have_csq;
	struct at_csq	csq;
	bool		have_creg;
	struct at_creg	creg;
	bool		have_cops;
	struct at_cops	cops;
	bool		have_sysinfo;
	struct at_sysinfo sysinfo;
	bool		have_ports;
	struct at_portmode ports;
	bool		have_cpms;
	struct at_cpms	cpms;
};

enum modem_query {
	MODEM_Q_MAKER,		/* AT+CGMI */
	MODEM_Q_MODEL,		/* AT+CGMM */
	MODEM_Q_REVISION,	/* AT+CGMR */
	MODEM_Q_IMEI,		/* AT+CGSN */
	MODEM_Q_PIN,		/* AT+CPIN? */
	MODEM_Q_CSQ,		/* AT+CSQ */
	MODEM_Q_CREG,		/* AT+CREG? */
	MODEM_Q_COPS,		/* AT+COPS? */
	MODEM_Q_SYSINFO,	/* AT^SYSINFO */
	MODEM_Q_PORTS,		/* AT^GETPORTMODE */
	MODEM_Q_COUNT
};

const char *modem_query_command(enum modem_query q);
/* Fill st from a successful reply to modem_query_command(q): 0, or -1 when
 * the reply is not OK or its lines do not parse. */
int modem_status_apply(struct modem_status *st, enum modem_query q, const struct at_reply *r);
/* "3G (WCDMA, HSDPA)", "2G (GSM, EDGE)", "no service", "unknown". */
void modem_status_network(const struct modem_status *st, char *buf, size_t len);
/* "excellent", "good", "fair", "poor", "very poor", "unknown" for +CSQ rssi. */
const char *modem_signal_words(const struct at_csq *csq);

#endif
