/*
 * at_parse: pure parsers of the modem replies a driver needs.
 *
 * One reply line in (NUL-terminated, as the engine
 * delivers it, leading "\r\n" already gone), a struct out; 0 on success, -1
 * when the line is not that reply.  Any bytes are safe; numbers are range
 * checked; quoted fields may hold commas.  They are tested on strings
 * captured from real modems (Huawei E1752/E160G/E173, Sierra, Sony
 * Ericsson, gammu's and python-gsmmodem's transcripts).  SMS in text mode
 * (headers, whole messages) are read with sms_text.h, which builds on the
 * fields here.
 */
#ifndef OUTPOST_AT_PARSE_H
#define OUTPOST_AT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "at.h" /* struct at_reply, for listing SMS from a reply */

#define AT_FIELDS_MAX 24

/* Comma-separated fields after "<prefix>:" with quotes removed (a quoted
 * field may hold commas); spaces around fields trimmed. */
struct at_field {
	const char	*p;
	size_t		len;
	bool		quoted;
};
struct at_fields {
	size_t		n;
	struct at_field	f[AT_FIELDS_MAX];
};
/* The text after the first ':' of line (or all of it when there is no
 * prefix, prefix NULL).  -1 if prefix does not match (case-insensitive), a
 * quote is unterminated or there are more than AT_FIELDS_MAX fields. */
int at_split_fields(const char *line, const char *prefix, struct at_fields *out);
/* A decimal field within [lo, hi] into *v, leading zeros allowed ("002");
 * false if it is not one. */
bool at_field_int(const struct at_field *f, long lo, long hi, int *v);
/* Copy a field as text: no control bytes; -1 if it does not fit (with its NUL). */
int at_field_str(const struct at_field *f, char *out, size_t outlen);

/* The first information line of a reply starting with prefix (any case), or
 * NULL. */
const char *at_find_line(const struct at_reply *r, const char *prefix);

/* +CSQ: <rssi>,<ber>.  dBm = -113 + 2 * rssi for 0..31; 99 unknown. */
struct at_csq {
	int	rssi;		/* 0..31, 99 */
	int	ber;		/* 0..7, 99 */
	bool	known;		/* rssi != 99 */
	int	dbm;		/* -113..-51 when known */
};
int at_parse_csq(const char *line, struct at_csq *out);
/* ^RSSI: <rssi> (Huawei URC, same scale) */
int at_parse_rssi(const char *line, struct at_csq *out);
int at_rssi_dbm(int rssi);	/* -113..-51, or 0 for 99/out of range */

/* +CREG: solicited (answer to AT+CREG?: n,stat[,lac,ci[,act]]) or
 * unsolicited (stat[,lac,ci[,act]]).  lac/ci are hex, quoted or not. */
struct at_creg {
	int		n;		/* -1 in a URC */
	int		stat;		/* 0..10 */
	bool		has_loc;
	unsigned long	lac, ci;
	int		act;		/* -1 absent */
};
int at_parse_creg(const char *line, bool solicited, struct at_creg *out);
/* "not registered", "registered, home network", "searching", "registration
 * denied", "unknown", "registered, roaming", ... */
const char *at_creg_stat_name(int stat);
bool at_creg_registered(int stat);	/* home or roaming (incl. SMS-only/CSFB) */

/* +COPS: <mode>[,<format>,"<oper>"[,<act>]] */
struct at_cops {
	int	mode;
	int	format;		/* -1: no operator (not registered) */
	char	oper[64];
	int	act;		/* -1 absent; 0 GSM, 2 UTRAN, 7 E-UTRAN, ... */
};
int at_parse_cops(const char *line, struct at_cops *out);
const char *at_act_name(int act);	/* "GSM", "UMTS", "HSDPA", "LTE", ... */

/* ^SYSINFO: srv_status,srv_domain,roam,sys_mode,sim_state[,lock[,sys_submode]] */
struct at_sysinfo {
	int	srv_status;	/* 0 none, 1 restricted, 2 valid, 3 restr. regional, 4 power saving */
	int	srv_domain;	/* 0 none, 1 CS, 2 PS, 3 CS+PS, 4 searching */
	int	roam;		/* 0/1 */
	int	sys_mode;	/* 0 none, 3 GSM, 5 WCDMA, 7 GSM/WCDMA, ... */
	int	sim_state;	/* 1 valid, 255 none, ... */
	int	lock;		/* -1 absent */
	int	sys_submode;	/* -1 absent */
};
int at_parse_sysinfo(const char *line, struct at_sysinfo *out);
/* ^MODE: sys_mode[,sys_submode] (URC) into the same fields; others -1. */
int at_parse_mode(const char *line, struct at_sysinfo *out);
/* ^SRVST: srv_status */
int at_parse_srvst(const char *line, int *srv_status);
/* ^SIMST: sim_state[,lock] */
int at_parse_simst(const char *line, int *sim_state);
const char *at_sys_mode_name(int sys_mode);	/* "GSM", "WCDMA", "no service", ... */
const char *at_sys_submode_name(int sub);	/* "EDGE", "HSDPA", "HSPA+", ... or NULL */
const char *at_sys_mode_generation(int sys_mode, int sub);	/* "2G", "3G", "4G", NULL */
const char *at_srv_status_name(int st);
const char *at_sim_state_name(int st);

/* ^BOOT: <id>,<n>,<n>,<n>,<n> (Huawei keepalive): only checked. */
int at_parse_boot(const char *line);

/* +CPIN: READY | SIM PIN | SIM PUK | ... */
enum at_pin {
	AT_PIN_READY = 0,
	AT_PIN_SIM_PIN,
	AT_PIN_SIM_PUK,
	AT_PIN_SIM_PIN2,
	AT_PIN_SIM_PUK2,
	AT_PIN_PH_SIM,		/* phone-to-SIM lock */
	AT_PIN_NET,		/* network personalisation */
	AT_PIN_OTHER
};
int at_parse_cpin(const char *line, enum at_pin *out);
const char *at_pin_name(enum at_pin p);

/* +CPMS: "SM",used,total,... (AT+CPMS?) or used,total,... (AT+CPMS=) */
struct at_cpms {
	size_t	n;			/* storages given, 1..3 */
	struct {
		char	mem[8];		/* "" in the answer to AT+CPMS= */
		int	used, total;
	} m[3];
};
int at_parse_cpms(const char *line, struct at_cpms *out);

/* +CMTI: "SM",<index> */
struct at_cmti {
	char	mem[8];
	int	index;		/* >= 0: Huawei counts from 0 */
};
int at_parse_cmti(const char *line, struct at_cmti *out);

/* +CMGS: <mr> */
int at_parse_cmgs(const char *line, int *mr);

/*
 * SMS headers in PDU mode:
 *   +CMGL: <index>,<stat>,[<alpha>],<length>
 *   +CMGR: <stat>,[<alpha>],<length>    ("+CMGR:" with or without a space;
 *   "+CMGR: <stat>,<length>", "+CMGR: <length>", an empty stat and a
 *   stray leading number are seen too: stat and length are taken from the
 *   end, stat -1 when absent)
 * The next line holds the PDU.
 */
struct at_sms_hdr {
	int	index;		/* -1 for +CMGR */
	int	stat;		/* 0 unread, 1 read, 2 unsent, 3 sent; -1 absent */
	int	length;		/* TPDU octets */
};
int at_parse_cmgl_pdu(const char *line, struct at_sms_hdr *out);
int at_parse_cmgr_pdu(const char *line, struct at_sms_hdr *out);
/* The PDU line: hex digits, tolerating surrounding spaces and a stray '"'
 * after the hex (a real modem's quirk).  Copies the hex into out. */
int at_parse_pdu_line(const char *line, char *out, size_t outlen, size_t *hexlen);

/* One stored SMS in an AT+CMGL / AT+CMGR reply in PDU mode. */
struct at_sms_entry {
	int		index;		/* -1 for +CMGR */
	int		stat;
	int		length;
	const char	*pdu;		/* into the reply (stray '"' not included) */
	size_t		pdu_len;
};
/*
 * Walk a reply: *i starts at 0.  Returns 1 with the next entry, 0 at the
 * end; a header without a valid PDU line after it is skipped and counted in
 * *bad (may be NULL).  The PDU is not decoded here (sms_decode_hex()).
 */
int at_sms_list_next(const struct at_reply *r, size_t *i, struct at_sms_entry *e, size_t *bad);

/*
 * ^GETPORTMODE: TYPE: WCDMA: huawei,MDM:0,PCUI:2,DIAG:1,...  (names differ
 * by firmware: "modem", "3g_modem", "pcui", "ndis", "ncm", "mass", ...)
 */
enum at_port_role {
	AT_PORT_OTHER = 0,
	AT_PORT_MODEM,		/* PPP data port */
	AT_PORT_PCUI,		/* AT control port */
	AT_PORT_DIAG,
	AT_PORT_NET,		/* NDIS / NCM / ECM / RNDIS */
	AT_PORT_CDROM,
	AT_PORT_SD,		/* mass storage */
	AT_PORT_GPS,
	AT_PORT_BT,
	AT_PORT_SHELL
};
#define AT_PORTS_MAX 12
struct at_portmode {
	size_t	n;
	struct {
		enum at_port_role role;
		char	name[16];	/* as the modem spells it */
		int	iface;		/* USB interface number */
	} p[AT_PORTS_MAX];
};
int at_parse_getportmode(const char *line, struct at_portmode *out);
const char *at_port_role_name(enum at_port_role r);	/* "modem", "PC UI", ... */
/* The interface of the first port with that role, or -1. */
int at_portmode_find(const struct at_portmode *pm, enum at_port_role r);

/*
 * A plain identification line (AT+CGMI/CGMM/CGMR/CGSN): leading "+CGMM:"
 * style prefix (given, may be NULL) dropped, quotes and spaces trimmed.
 * -1 if the result is empty or holds a control byte.
 */
int at_parse_ident(const char *line, const char *prefix, char *out, size_t outlen);
/* IMEI: 14..17 digits after the same clean-up ("+CGSN: " or not). */
int at_parse_imei(const char *line, char *out, size_t outlen);

#endif
