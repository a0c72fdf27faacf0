/*
 * control: the control socket (ctlsrv.h) answers `status` with one JSON
 * object, what `outpost status` shows for oobd.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jsonw.h"
#include "log.h"
#include "oobd.h"
#include "tsmath.h"

static int
status_json(void *arg, char *out, size_t outlen)
{
	return control_status_json(arg, out, outlen);
}

int
control_open(struct oobd *d, char *err, size_t errlen)
{
	d->control = ctlsrv_open(d->ev, d->conf.control_path, d->conf.control_group,
	    status_json, d, err, errlen);
	return d->control == NULL ? -1 : 0;
}

void
control_close(struct oobd *d)
{
	ctlsrv_close(d->control);
	d->control = NULL;
}

static void
session_json(struct oobd *d, struct jsonw *w, int64_t now)
{
	const struct session *s = &d->session;
	int64_t until;

	jsonw_begin(w, "session");
	jsonw_str(w, "state", session_state_name(s->state));
	jsonw_bool(w, "active", session_active(s));
	jsonw_int(w, "attempt", s->attempt);
	if (s->end_at != -1)
		jsonw_int(w, "ends_in", (s->end_at - now) / 1000);
	if (s->up_since != -1)
		jsonw_int(w, "up_for", (now - s->up_since) / 1000);
	jsonw_str(w, "requester", d->requester);
	jsonw_str(w, "last_reason", s->reason);
	jsonw_end(w);
	jsonw_begin(w, "sms");
	jsonw_int(w, "received", (long long)d->sms_received);
	jsonw_int(w, "ignored", (long long)d->sms_ignored);
	jsonw_int(w, "refused", (long long)d->sms_refused);
	jsonw_int(w, "accepted", (long long)d->sms_accepted);
	jsonw_bool(w, "locked", auth_locked(&d->auth, (int64_t)time(NULL), &until));
	jsonw_end(w);
}

static void
modem_json(struct oobd *d, struct jsonw *w)
{
	char net[48];

	jsonw_begin(w, "modem");
	jsonw_str(w, "device", d->conf.modem_port);
	jsonw_bool(w, "open", d->modem != NULL && modem_io_is_open(d->modem));
	if (d->modem != NULL) {
		const struct modem *m = modem_io_modem(d->modem);
		static const char *const states[] = { "closed", "initializing", "ready",
			"failed" };
		jsonw_str(w, "state", states[m->state]);
		if (m->st.have_csq) {
			jsonw_int(w, "rssi", m->st.csq.rssi);
			jsonw_str(w, "signal", modem_signal_words(&m->st.csq));
		}
		if (m->st.have_cops)
			jsonw_str(w, "operator", m->st.cops.oper);
		modem_status_network(&m->st, net, sizeof(net));
		jsonw_str(w, "network", net);
	}
	jsonw_end(w);
}

int
control_status_json(struct oobd *d, char *buf, size_t len)
{
	struct jsonw w;
	int64_t now = ts_mono_ms();

	jsonw_init(&w, buf, len);
	jsonw_begin(&w, NULL);
	jsonw_str(&w, "daemon", "oobd");
	jsonw_int(&w, "uptime", (now - d->started_ms) / 1000);
	session_json(d, &w, now);
	uplink_status_json(d->uplink, &w);
	modem_json(d, &w);
	jsonw_begin_array(&w, "consoles");
	console_server_status(d->consoles, &w);
	jsonw_end(&w);
	jsonw_end(&w);
	return jsonw_finish_line(&w);
}
