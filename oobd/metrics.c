/*
 * metrics: what oobd shows Prometheus, in the text format (promtext.h),
 * under oobd_: the session (its state, time up, changes, attempts), SMS
 * received, ignored, accepted and refused by reason, the code lock-out, the
 * cellular link's bytes, tunnel starts and restarts, pushes, the modem
 * (signal, registration, the network's generation), and the consoles.
 * What an owner wants to see before anything breaks: that the modem has
 * signal and the SIM is registered, and that an activation worked.
 */
#include <math.h>		/* NAN: a macro, no libm */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "console.h"
#include "modem.h"
#include "modem_io.h"
#include "oobd.h"
#include "promtext.h"
#include "tsmath.h"

static void
session(struct oobd *d, struct strbuf *b, int64_t now)
{
	const struct session *s = &d->session;
	const struct prom_label state[1] = { { "state", session_state_name(s->state) } };

	prom_family(b, "oobd_session_state_info", PROM_GAUGE,
	    "The session's state: idle, link, check, tunnel, up, stopping, wait.");
	prom_gauge(b, "oobd_session_state_info", state, 1, 1);
	prom_single_gauge(b, "oobd_session_up_seconds", "Seconds the session has been up (0: not up).",
	    s->up_since != -1 ? (double)(now - s->up_since) / 1000 : 0);
	prom_single_gauge(b, "oobd_session_attempt", "The attempt in progress (0: idle).",
	    session_active(s) ? s->attempt : 0);
	prom_single_counter(b, "oobd_session_changes_total", "Changes of the session's state.",
	    d->counts.session_changes);
	prom_single_counter(b, "oobd_sessions_up_total", "Times the tunnel came up.", d->counts.sessions_up);
	prom_single_counter(b, "oobd_sessions_failed_total", "Activations given up after the last attempt.",
	    d->counts.sessions_failed);
	prom_single_counter(b, "oobd_session_retries_total", "Attempts that failed and were tried again.",
	    d->counts.session_retries);
}

static void
sms(struct oobd *d, struct strbuf *b)
{
	int64_t until = 0;
	bool locked = auth_locked(&d->auth, (int64_t)time(NULL), &until);

	prom_single_counter(b, "oobd_sms_received_total", "SMS read from the modem.", d->sms_received);
	prom_single_counter(b, "oobd_sms_ignored_total", "SMS from senders not allowed.", d->sms_ignored);
	prom_single_counter(b, "oobd_sms_accepted_total", "Commands accepted.", d->sms_accepted);
	prom_family(b, "oobd_sms_refused_total", PROM_COUNTER,
	    "SMS from allowed senders refused, by reason.");
	for (int r = 0; r < SMS_REFUSED_COUNT; r++) {
		const struct prom_label l[1] = { { "reason", sms_refusal_name(r) } };

		prom_counter(b, "oobd_sms_refused_total", l, 1, d->counts.sms_refused[r]);
	}
	prom_single_gauge(b, "oobd_auth_locked", "1 while one-time codes are locked after failures.", locked);
	prom_single_gauge(b, "oobd_auth_locked_until_seconds", "When the lock-out ends (Unix time; 0: none).",
	    locked ? (double)until : 0);
}

static void
uplink(struct oobd *d, struct strbuf *b)
{
	uint64_t rx, tx;

	uplink_link_bytes(d->uplink, &rx, &tx);
	prom_single_counter(b, "oobd_link_receive_bytes_total", "Bytes received over the cellular link.",
	    d->counts.link_rx_bytes + rx);
	prom_single_counter(b, "oobd_link_transmit_bytes_total", "Bytes sent over the cellular link.",
	    d->counts.link_tx_bytes + tx);
	prom_single_counter(b, "oobd_tunnel_starts_total", "Reverse SSH tunnels started.",
	    d->counts.tunnel_starts);
	prom_single_counter(b, "oobd_tunnel_restarts_total", "Tunnels that went down and were restarted.",
	    d->counts.tunnel_restarts);
	prom_single_counter(b, "oobd_pushes_sent_total", "Push notifications delivered.",
	    d->counts.pushes_sent);
	prom_single_counter(b, "oobd_pushes_failed_total", "Push notifications that failed.",
	    d->counts.pushes_failed);
}

/* CREG's registered states: home (1) and roaming (5). */
static bool
registered(const struct modem_status *st)
{
	return st->have_creg && (st->creg.stat == 1 || st->creg.stat == 5);
}

static void
modem(struct oobd *d, struct strbuf *b)
{
	const struct modem *m = d->modem != NULL ? modem_io_modem(d->modem) : NULL;
	const struct modem_status *st = m != NULL ? &m->st : NULL;
	const char *gen = st != NULL && st->have_sysinfo ?
	    at_sys_mode_generation(st->sysinfo.sys_mode, st->sysinfo.sys_submode) : NULL;
	bool known = st != NULL && st->have_csq && st->csq.known;
	const struct prom_label net[1] = { { "generation", gen != NULL ? gen : "none" } };

	prom_single_gauge(b, "oobd_modem_open", "1 while the modem's AT port is open.",
	    d->modem != NULL && modem_io_is_open(d->modem));
	prom_single_gauge(b, "oobd_modem_signal_rssi", "+CSQ's signal, 0 to 31 (NaN: unknown).",
	    known ? st->csq.rssi : NAN);
	prom_single_gauge(b, "oobd_modem_signal_dbm", "The signal in dBm (NaN: unknown).",
	    known ? st->csq.dbm : NAN);
	prom_single_gauge(b, "oobd_modem_registered", "1 while registered (home or roaming).",
	    st != NULL && registered(st));
	prom_single_gauge(b, "oobd_modem_roaming", "1 while registered roaming.",
	    st != NULL && st->have_creg && st->creg.stat == 5);
	prom_family(b, "oobd_modem_network_info", PROM_GAUGE,
	    "The network's generation (2G, 3G, 4G; none without service).");
	prom_gauge(b, "oobd_modem_network_info", net, 1, 1);
}

static void
consoles(struct oobd *d, struct strbuf *b)
{
	static const struct {
		const char *name, *help;
		enum prom_type type;
	} fam[] = {
		{ "oobd_console_line_up", "1 while the console's serial line is open.", PROM_GAUGE },
		{ "oobd_console_writer", "1 while someone has the console read-write.", PROM_GAUGE },
		{ "oobd_console_viewers", "Read-only viewers attached.", PROM_GAUGE },
		{ "oobd_console_receive_bytes_total", "Bytes from the router's console.",
		    PROM_COUNTER },
		{ "oobd_console_transmit_bytes_total", "Bytes typed to it.", PROM_COUNTER },
		{ "oobd_console_dropped_bytes_total", "Bytes slow clients missed.", PROM_COUNTER },
	};
	struct console_counts c;
	int n = console_server_count(d->consoles);

	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		prom_family(b, fam[f].name, fam[f].type, fam[f].help);
		for (int i = 0; i < n; i++) {
			console_server_counts(d->consoles, i, &c);
			const struct prom_label l[2] = { { "console", c.name }, { "device", c.device } };
			const double g[] = { c.line_up, c.writer, c.viewers };
			const uint64_t k[] = { c.bytes_in, c.bytes_out, c.dropped };

			if (f < 3)
				prom_gauge(b, fam[f].name, l, 2, g[f]);
			else
				prom_counter(b, fam[f].name, l, 2, k[f - 3]);
		}
	}
}

void
metrics_text(struct oobd *d, struct strbuf *b)
{
	int64_t now = ts_mono_ms();

	prom_single_gauge(b, "oobd_uptime_seconds", "Seconds since oobd started.",
	    (double)(now - d->started_ms) / 1000);
	session(d, b, now);
	sms(d, b);
	uplink(d, b);
	modem(d, b);
	consoles(d, b);
}
