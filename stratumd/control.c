/*
 * control: the control socket (ctlsrv.h) answers `status` with one JSON
 * object, what `outpost status` shows.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ctlsrv.h"
#include "jsonw.h"
#include "log.h"
#include "stratumd.h"
#include "tsmath.h"

static int
status_json(void *arg, char *out, size_t outlen)
{
	return control_status_json(arg, out, outlen);
}

int
control_open(struct stratumd *sd)
{
	char err[256];

	sd->control = ctlsrv_open(sd->ev, sd->conf.control_path, sd->conf.control_group,
	    status_json, sd, err, sizeof(err));
	if (sd->control == NULL) {
		log_warnx("control: %s", err);
		return -1;
	}
	return 0;
}

void
control_close(struct stratumd *sd)
{
	ctlsrv_close(sd->control);
	sd->control = NULL;
}

static double
age(struct timespec mono_then, bool valid)
{
	return valid ? ts_to_double(ts_sub(ts_now_mono(), mono_then)) : -1;
}

/* The receiver disagrees with the servers that agree among themselves. */
static bool
gps_falseticker(const struct stratumd *sd)
{
	for (int i = 0; i < sd->sources.n; i++)
		if (sd->sources.src[i].kind != SOURCE_NTP &&
		    sd->sources.src[i].sel.tally == SEL_FALSETICK)
			return true;
	return false;
}

int
control_status_json(struct stratumd *sd, char *buf, size_t len)
{
	struct jsonw w;
	struct disc_status st;
	struct ntp_server_state ns;
	struct timespec now;
	const struct stratumd_gps *g = &sd->gps;
	double delay;
	char refid[32];

	clock_now(sd->clock, &now);
	disc_status(&sd->disc, now, &st);
	sync_server_state(sd, &ns);
	sync_refid_text(&ns, refid, sizeof(refid));

	jsonw_init(&w, buf, len);
	jsonw_begin(&w, NULL);
	jsonw_str(&w, "daemon", "stratumd");
	jsonw_double(&w, "uptime", age(sd->started, true), 0);
	jsonw_begin(&w, "sync");
	jsonw_str(&w, "state", disc_state_name(st.state));
	jsonw_bool(&w, "synchronised", ns.synchronised);
	jsonw_int(&w, "stratum", ns.synchronised ? ns.stratum : 16);
	jsonw_str(&w, "refid", refid);
	jsonw_int(&w, "leap", ns.leap);
	jsonw_double(&w, "offset", st.offset, 9);
	jsonw_double(&w, "jitter", st.jitter, 9);
	jsonw_double(&w, "frequency_ppm", st.freq_ppm, 3);
	jsonw_double(&w, "skew_ppm", st.skew_ppm, 3);
	jsonw_double(&w, "wander_ppm", st.wander_ppm, 6);
	jsonw_double(&w, "error", st.error, 9);
	jsonw_double(&w, "since_update", st.since_update, 1);
	jsonw_int(&w, "updates", (long long)st.updates);
	jsonw_int(&w, "outliers", (long long)st.outliers);
	jsonw_int(&w, "steps", (long long)st.steps);
	jsonw_bool(&w, "clock_control", sd->conf.clock_control);
	jsonw_end(&w);
	const struct source *steer = sources_steering(sd);
	const struct stratumd_sources *ss = &sd->sources;
	jsonw_begin(&w, "selection");
	jsonw_str(&w, "status", ss->gate_open ? sel_status_name(ss->sel.status) : "starting");
	jsonw_str(&w, "following", steer != NULL ? steer->name : "");
	jsonw_str(&w, "following_address", steer != NULL ? steer->addr_text : "");
	jsonw_int(&w, "sources", ss->n);
	jsonw_int(&w, "fit", ss->sel.nfit);
	jsonw_int(&w, "agree", ss->sel.ntrue);
	jsonw_int(&w, "survivors", ss->sel.nsurvivors);
	jsonw_double(&w, "offset", ss->sel.status == SEL_OK ? ss->sel.offset : 0, 9);
	jsonw_double(&w, "jitter", ss->sel.jitter, 9);
	jsonw_bool(&w, "gps_falseticker", gps_falseticker(sd));
	jsonw_end(&w);
	leap_json(sd, &w);
	sources_peers_json(sd, &w);
	jsonw_begin(&w, "gps");
	jsonw_str(&w, "device", sd->conf.gps_device);
	jsonw_bool(&w, "open", g->open);
	jsonw_int(&w, "baud", g->port.opts.baud);
	if (g->fix_status)
		jsonw_strn(&w, "status", &g->fix_status, 1);
	jsonw_int(&w, "quality", g->quality);
	jsonw_int(&w, "sats", g->sats);
	jsonw_int(&w, "sentences", (long long)g->nmea_sentences);
	jsonw_int(&w, "rejected", (long long)g->nmea_rejected);
	jsonw_double(&w, "last_age", age(g->last_nmea, g->nmea_sentences > 0), 1);
	jsonw_end(&w);
	jsonw_begin(&w, "pps");
	jsonw_str(&w, "source", sd->conf.pps_device[0] ? sd->conf.pps_device :
	    sd->conf.pps_socket[0] ? sd->conf.pps_socket : "none");
	jsonw_int(&w, "edges", (long long)g->pps_edges);
	jsonw_int(&w, "used", (long long)g->rc.n_pps_used);
	jsonw_int(&w, "unlocked", (long long)g->rc.n_pps_unlocked);
	jsonw_bool(&w, "in_use", steer != NULL && steer->kind == SOURCE_PPS);
	jsonw_double(&w, "last_age", age(g->last_pps, g->pps_edges > 0), 1);
	jsonw_end(&w);
	jsonw_begin(&w, "nmea_delay");
	jsonw_bool(&w, "calibrated", refclock_delay(&g->rc, &delay));
	if (refclock_delay(&g->rc, &delay))
		jsonw_double(&w, "seconds", delay, 6);
	jsonw_int(&w, "measurements", g->rc.ncal);
	jsonw_bool(&w, "seeded", g->rc.delay_seeded);
	jsonw_end(&w);
	jsonw_begin(&w, "server");
	jsonw_int(&w, "received", (long long)sd->server.stats.received);
	jsonw_int(&w, "replied", (long long)sd->server.stats.replied);
	jsonw_int(&w, "kod", (long long)sd->server.stats.kod_sent);
	jsonw_int(&w, "denied", (long long)sd->server.stats.denied);
	jsonw_int(&w, "malformed", (long long)sd->server.stats.malformed);
	jsonw_int(&w, "not_request", (long long)sd->server.stats.not_request);
	jsonw_int(&w, "rate_dropped", (long long)sd->server.stats.rate_dropped);
	jsonw_int(&w, "queries", (long long)sd->server.stats.control);
	jsonw_int(&w, "queries_limited", (long long)sd->query_limited);
	jsonw_end(&w);
	jsonw_end(&w);
	return jsonw_finish_line(&w);
}
