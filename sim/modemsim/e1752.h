/*
 * e1752: the AT dialect of a Huawei E1752 3G USB stick (firmware
 * 11.126), as modemsim plays it.  Pure: bytes from the host in, bytes for
 * the host out, per port; time comes in as monotonic milliseconds from the
 * caller; submitted PDUs and data-mode bytes leave through callbacks.  No
 * I/O, no clock, no allocation.
 *
 * Ports.  One (a single-port stick) or two: port 0 is the modem port (the
 * one that dials), port 1 the PC UI port.  Each port has its own command
 * settings (E, V, +CMEE, +CMGF, +CSCS, +CSMP, +CNMI,
 * +CREG n), as each ttyUSB of
 * the real stick has; the SIM, its message memories, the radio and the call
 * are shared.
 *
 * Command lines follow V.250: "AT" (any case) up to CR; LF is ignored,
 * backspace erases, spaces outside quotes do not count, anything before
 * "AT" (gammu's ESC) is ignored, and a line without "AT" gets no answer;
 * "A/" repeats the last line.  Several commands may share a line (ATE0V1,
 * AT+CMEE=1;+CREG=2): they run in order and the first failure ends the line.
 * Echo (ATE1, the default) sends back every byte as it arrives.
 *
 * Replies use the stick's framing: information lines "\r\n<text>\r\n" then
 * "\r\n<result>\r\n" (V1), or "<text>\r\n" and "<digit>\r" (V0).  Results:
 * OK, ERROR, CONNECT, NO CARRIER, and two of Huawei's own: "COMMAND NOT
 * SUPPORT" for any command the firmware does not know (whatever +CMEE says),
 * and "+CME ERROR: <n>" / "+CMS ERROR: <n>" (+CMEE=1), the same with the
 * error's text (+CMEE=2), or plain ERROR (+CMEE=0, the default).
 *
 * Quirks kept on purpose, because clients must cope with them:
 * - SMS slots count from 0; AT+CMGR of an empty slot in range answers a bare
 *   OK; AT+CMGD of an empty slot is OK; out of range is +CMS ERROR: 321.
 * - Unsolicited codes: ^RSSI:<n>, ^MODE:<sys>,<sub>, ^BOOT:..., ^DSFLOWRPT
 *   (no space after the colon) go to the PC UI port (port 0 of a single-port
 *   stick) while AT^CURC=1 (the default); +CMTI and +CREG go to every port
 *   whose +CNMI / +CREG settings ask for them.  A code due while the host is
 *   in the middle of a command line, at the "> " prompt or in data mode is
 *   held and sent right after the echo of the next line (between echo and
 *   reply, as the stick does); with urc_in_reply set, every code is held so.
 * - The unsolicited +CREG with n=2 reads "+CREG: 1, 00E6, 00ABE001" (no
 *   quotes, a space after each comma), as an E1752 was logged sending it;
 *   the AT+CREG? answer is the standard quoted form.
 * - The default character set is "IRA"; +CNMI starts at 0,0,0,0,0 (no
 *   indications until the host asks); the memories are "SM" (the SIM, 50
 *   slots by default) and "ME" (23).
 *
 * SIM PIN: with a PIN configured, +CPIN? says SIM PIN and the SIM commands
 * fail (+CME ERROR: 11, +CMS ERROR: 311) until AT+CPIN=<pin>; three wrong
 * PINs give SIM PUK (AT+CPIN=<puk>,<new pin>).  The stick registers once the
 * SIM is ready.
 *
 * SMS: PDU mode (AT+CMGF=0, default) and text mode for +CMGL, +CMGR, +CMGS.
 * AT+CMGS answers "\r\n> " and collects the PDU (hex) or text up to Ctrl-Z;
 * ESC cancels (OK).  A PDU must be hex, an SMS-SUBMIT, and exactly
 * <length> octets after its SMSC field, else +CMS ERROR: 304.  A text is
 * encoded as one SMS-SUBMIT with the SMS codec, its alphabet chosen from
 * its characters (AT+CSMP is kept and shown, but its DCS not used).  With
 * AT+CSCS="UCS2" texts, senders and the number of AT+CMGS="<da>" are hex of
 * UTF-16BE (a plain number is taken too).  With text_only set (modemsim
 * --text-only) the firmware has no PDU mode: every port starts in text
 * mode, AT+CMGF=0 fails with +CMS ERROR: 303 (plain ERROR under +CMEE=0)
 * and AT+CMGF=? answers (1); changing it at run time takes effect at the
 * next AT+CMGF=0 and reset.  Accepted PDUs go to
 * on_submit, and "+CMGS: <mr>" counts from 0.  Received messages
 * (e1752_receive) are stored in the receive memory (+CPMS third) with +CMTI,
 * or routed as +CMT when +CNMI mt=2.
 *
 * Data: ATD*99# (modem port only, registered) answers CONNECT and the port
 * carries data: bytes go to on_data.  It returns to command mode with
 * "+++" between one-second guard times (OK; ATO resumes, ATH hangs up), or
 * with NO CARRIER when the call drops: ATH on the other port,
 * e1752_drop_carrier(), or losing the network.
 */
#ifndef OUTPOST_E1752_H
#define OUTPOST_E1752_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smstore.h"

#define E1752_PORTS	 2
#define E1752_MODEM	 0
#define E1752_PCUI	 1
#define E1752_LINE_MAX	 560	/* a command line */
#define E1752_PROMPT_MAX 1024	/* what follows "> " */
#define E1752_OUT_MAX	 65536	/* per port, not yet taken by the caller */
#define E1752_URC_MAX	 16	/* held unsolicited codes per port */
#define E1752_URC_LEN	 400	/* a +CMT with its PDU */
#define E1752_GUARD_MS	 1000	/* S12 = 50 (1 s) around "+++" */
#define E1752_STR_MAX	 32

struct e1752_config {
	int		 nports;	/* 1 or 2 */
	const char	*pin;		/* NULL: no PIN asked */
	const char	*puk;		/* NULL: "12345678" */
	const char	*imei, *imsi, *smsc;	/* NULL: defaults */
	int		 sm_size, me_size;
	int		 rssi;		/* 0..31, 99 = unknown */
	int		 reg;		/* +CREG <stat> once the SIM is ready: 1 home, 5 roaming... */
	int64_t		 rssi_every_ms;	/* ^RSSI period; 0: only when the signal changes */
	int64_t		 boot_every_ms;	/* ^BOOT period; 0: never */
	int64_t		 flow_every_ms;	/* ^DSFLOWRPT period during a call; 0: never */
	bool		 urc_in_reply;
	bool		 text_only;	/* firmware without PDU mode: see above */
	void		(*on_submit)(void *arg, const char *hex, size_t len);
	void		(*on_data)(void *arg, const uint8_t *buf, size_t len);
	void		*arg;
};

enum e1752_port_state { E1752_CMD, E1752_PROMPT, E1752_DATA };
enum e1752_sim_state { E1752_SIM_READY, E1752_SIM_PIN, E1752_SIM_PUK };

struct e1752_port {
	enum e1752_port_state state;
	/* settings (AT&F / ATZ restore them) */
	bool	echo, verbose, quiet;
	int	cmee, cmgf, cscs, creg_n, cgreg_n;
	int	cnmi[5];
	int	csmp[4];	/* +CSMP fo, vp, pid, dcs */
	/* the command line being received */
	char	line[E1752_LINE_MAX];
	size_t	line_len;
	bool	line_long;	/* overflowed: answered ERROR at CR */
	char	last[E1752_LINE_MAX];	/* for A/ */
	/* after "> " */
	bool	prompt_text;	/* text mode: prompt_da holds the number */
	int	prompt_tpdu;	/* PDU mode: <length> */
	char	prompt_da[E1752_STR_MAX];
	char	prompt[E1752_PROMPT_MAX];
	size_t	prompt_len;
	bool	prompt_long;
	/* data mode and "+++" */
	bool	online_cmd;	/* call up, port escaped to command mode */
	int64_t	last_rx_ms;
	int	plus;		/* '+' seen after a guard time */
	int64_t	plus_ms;	/* when the last one came */
	/* held unsolicited codes and +CMTI indexes (+CNMI mode 0/2) */
	char	urc[E1752_URC_MAX][E1752_URC_LEN];
	int	n_urc;
	char	cmti[E1752_URC_MAX][32];
	int	n_cmti;
	int	info_lines;	/* of the command being answered */
	/* bytes for the host */
	char	out[E1752_OUT_MAX];
	size_t	out_len;
	unsigned long out_lost;
};

struct e1752 {
	struct e1752_config cfg;
	char	pin[E1752_STR_MAX], puk[E1752_STR_MAX];
	char	imei[E1752_STR_MAX], imsi[E1752_STR_MAX];
	char	smsc[E1752_STR_MAX];
	int	smsc_toa;
	char	apn[64];
	struct e1752_port port[E1752_PORTS];
	int	nports;
	/* SIM */
	enum e1752_sim_state sim;
	int	pin_left, puk_left;
	struct smstore mem[2];	/* SM, ME */
	int	mem_sel[3];	/* +CPMS <mem1>,<mem2>,<mem3>: index into mem */
	int	mr;
	/* radio */
	int	cfun;
	int	rssi;
	int	reg_wanted;	/* what the network would give: control socket */
	int	reg;		/* what +CREG says now */
	int	cops_format;
	bool	curc;
	int	u2diag;
	/* the data call */
	bool	call_up;
	int64_t	call_start_ms;
	unsigned long call_tx, call_rx;
	/* faults and timers */
	bool	hung;
	int64_t	now_ms;
	int64_t	next_rssi, next_boot, next_flow;
	unsigned long boot_key;
};

/* Fill c with the defaults: two ports, no PIN, 50 + 23 slots, signal 20,
 * registered at home, ^RSSI every 10 s, ^BOOT every 30 s, ^DSFLOWRPT every
 * 2 s, no callbacks. */
void e1752_config_defaults(struct e1752_config *c);

/* Power on with c (copied).  -1 with a message for a bad configuration. */
int e1752_init(struct e1752 *m, const struct e1752_config *c, int64_t now_ms, char *err,
    size_t errlen);

/* The stick was unplugged and plugged back: every setting back to its
 * default, the SIM locked again if it has a PIN, the call gone; the
 * messages stay (they are on the SIM). */
void e1752_reset(struct e1752 *m, int64_t now_ms);

/* Bytes from the host on a port. */
void e1752_input(struct e1752 *m, int port, const uint8_t *buf, size_t len, int64_t now_ms);

/* Let time pass: periodic codes, the guard time after "+++". */
void e1752_tick(struct e1752 *m, int64_t now_ms);

/* What is waiting for the host on a port; e1752_consume() drops the first
 * n bytes once written. */
const char *e1752_output(const struct e1752 *m, int port, size_t *len);
void e1752_consume(struct e1752 *m, int port, size_t n);

/* Store a PDU (SMSC field included, as AT+CMGR prints it) in memory "SM" or
 * "ME" without telling anyone: the preloaded inbox.  The slot, or -1. */
int e1752_store(struct e1752 *m, const char *mem, const char *hex, size_t len, char *err,
    size_t errlen);

/* An SMS-DELIVER arrives from the network: stored in the receive memory and
 * announced (+CMTI), or routed to the host (+CMT).  The slot, -2 when routed
 * without storing, -1 on error (not a DELIVER, memory full, no SIM). */
int e1752_receive(struct e1752 *m, const char *hex, size_t len, char *err, size_t errlen);

/* The network side, as the control socket changes it. */
void e1752_set_signal(struct e1752 *m, int rssi);
void e1752_set_reg(struct e1752 *m, int stat);
void e1752_drop_carrier(struct e1752 *m);
void e1752_boot_now(struct e1752 *m);
void e1752_set_hung(struct e1752 *m, bool hung);

#endif
