/*
 * metrics: what stratumd shows Prometheus, in the text format (promtext.h).
 *
 * Where chrony_exporter has a name for the same meaning, it is used, with
 * its labels and its signs, so that dashboards made for chrony work: the
 * chrony_tracking_* gauges, chrony_sources_* per source (source_address,
 * source_name; offsets positive when the local clock is ahead, as chronyc
 * shows them), chrony_serverstats_* counters.  What chrony has no name for
 * (the receiver, PPS and NMEA, the NMEA delay calibration, selection, the
 * discipline's state, KoD and refusals) is under stratumd_.
 */
#include <math.h>		/* NAN: a macro, no libm */
#include <stdio.h>
#include <string.h>

#include "promtext.h"
#include "stratumd.h"
#include "tsmath.h"

/* chrony's words for a source's state, from ntpq's tally and the reach. */
static const char *
chrony_state(const struct source_view *v)
{
	if (v->tally == '*' || v->tally == 'o')
		return "sync";
	if (v->tally == 'x')
		return "falseticker";
	if (v->reach == 0)
		return "unreach";
	switch (v->tally) {
	case '+':
	case '#':
		return "candidate";
	case '-':
	case '.':
		return "outlier";
	}
	return "jittery";	/* ' ': found unfit with answers coming: chronyc's '~' */
}

/* A server's address; the refid for the receiver's two, which have none. */
static const char *
source_address(const struct source_view *v)
{
	if (v->src->kind == SOURCE_PPS)
		return "PPS";
	if (v->src->kind == SOURCE_NMEA)
		return "GPS";
	return v->src->addr_text;
}

static const char *
chrony_mode(const struct source_view *v)
{
	if (v->src->kind != SOURCE_NTP)
		return "ref";
	return strcmp(v->kind, "peer") == 0 ? "peer" : "client";
}

static void
tracking(struct stratumd *sd, struct strbuf *b, const struct disc_status *st,
    const struct ntp_server_state *ns)
{
	const struct source *steer = sources_steering(sd);
	char refid[32], refhex[16];
	struct prom_label info[3];

	sync_refid_text(ns, refid, sizeof(refid));
	snprintf(refhex, sizeof(refhex), "%08X", ns->refid);
	info[0] = (struct prom_label){ "tracking_address", steer ? steer->addr_text : "" };
	info[1] = (struct prom_label){ "tracking_name", steer ? steer->name : "" };
	info[2] = (struct prom_label){ "tracking_refid", refhex };
	prom_family(b, "chrony_tracking_info", PROM_GAUGE, "What the clock follows (refid in hex).");
	prom_gauge(b, "chrony_tracking_info", info, 3, 1);
	prom_single_gauge(b, "chrony_tracking_last_offset_seconds",
	    "Offset of the local clock at the last update (positive: ahead).", st->offset);
	prom_single_gauge(b, "chrony_tracking_rms_offset_seconds",
	    "RMS of the recent offsets about the fitted line.", st->jitter);
	prom_single_gauge(b, "chrony_tracking_reference_timestamp_seconds",
	    "When the clock was last corrected (Unix time).", ts_to_double(ns->reference));
	prom_single_gauge(b, "chrony_tracking_remote_reference",
	    "1 while a source steers the clock, 0 in holdover or unsynchronised.",
	    steer != NULL ? 1 : 0);
	prom_single_gauge(b, "chrony_tracking_stratum", "The stratum clients are told.",
	    ns->synchronised ? ns->stratum : 16);
	prom_single_gauge(b, "chrony_tracking_root_delay_seconds",
	    "Root delay clients are told.", ns->root_delay);
	prom_single_gauge(b, "chrony_tracking_root_dispersion_seconds",
	    "Root dispersion clients are told.", ns->root_dispersion);
}

/* One chrony_sources_* family, a sample per source. */
static void
per_source(struct stratumd *sd, struct strbuf *b, const char *name, const char *help,
    double (*value)(const struct source_view *))
{
	struct source_view v;

	prom_family(b, name, PROM_GAUGE, help);
	for (int i = 0; i < sd->sources.n; i++) {
		sources_view(sd, i, &v);
		const struct prom_label l[2] = { { "source_address", source_address(&v) },
			{ "source_name", v.src->name } };
		prom_gauge(b, name, l, 2, value(&v));
	}
}

static double
v_age(const struct source_view *v)
{
	return v->when;
}

static double
v_offset(const struct source_view *v)
{
	return -v->offset;	/* chronyc's sign: positive when the local clock is ahead */
}

static double
v_error(const struct source_view *v)
{
	return v->delay / 2 + v->dispersion;
}

static double
v_poll(const struct source_view *v)
{
	return v->poll;
}

static double
v_stratum(const struct source_view *v)
{
	return v->stratum;
}

static double
v_reach(const struct source_view *v)
{
	return v->reach;
}

static double
v_jitter(const struct source_view *v)
{
	return v->jitter;
}

static void
sources(struct stratumd *sd, struct strbuf *b)
{
	struct source_view v;

	per_source(sd, b, "chrony_sources_last_sample_age_seconds",
	    "Seconds since the source's last good sample (-1: none).", v_age);
	per_source(sd, b, "chrony_sources_last_sample_offset_seconds",
	    "The source's offset (positive: the local clock is ahead of it).", v_offset);
	per_source(sd, b, "chrony_sources_last_sample_error_margin_seconds",
	    "Half the source's delay plus its dispersion.", v_error);
	per_source(sd, b, "chrony_sources_polling_interval_seconds",
	    "The source's polling interval.", v_poll);
	per_source(sd, b, "chrony_sources_stratum", "The source's stratum (0: the receiver).",
	    v_stratum);
	prom_family(b, "chrony_sources_state_info", PROM_GAUGE,
	    "The source's state in selection and its mode.");
	for (int i = 0; i < sd->sources.n; i++) {
		sources_view(sd, i, &v);
		const struct prom_label l[4] = { { "source_address", source_address(&v) },
			{ "source_name", v.src->name }, { "source_state", chrony_state(&v) },
			{ "source_mode", chrony_mode(&v) } };
		prom_gauge(b, "chrony_sources_state_info", l, 4, 1);
	}
	per_source(sd, b, "stratumd_source_reach", "The source's reach register (0 to 255).",
	    v_reach);
	per_source(sd, b, "stratumd_source_jitter_seconds", "The source's jitter.", v_jitter);
}

static void
serverstats(struct stratumd *sd, struct strbuf *b)
{
	const struct ntps_stats *s = &sd->server.stats;

	prom_single_counter(b, "chrony_serverstats_ntp_packets_received_total",
	    "NTP requests received.", s->received);
	prom_single_counter(b, "chrony_serverstats_ntp_packets_dropped_total",
	    "NTP requests dropped by the rate limit.", s->rate_dropped);
	prom_single_counter(b, "chrony_serverstats_command_packets_received_total",
	    "Mode 6 (ntpq) requests received.", s->control);
	prom_single_counter(b, "chrony_serverstats_command_packets_dropped_total",
	    "Mode 6 requests dropped by query-ratelimit.", sd->query_limited);
	prom_single_counter(b, "stratumd_ntp_replies_total", "NTP answers sent.", s->replied);
	prom_single_counter(b, "stratumd_ntp_kod_sent_total", "Kiss-o'-death answers (RATE) sent.",
	    s->kod_sent);
	prom_single_counter(b, "stratumd_ntp_denied_total", "Requests refused by the access list.",
	    s->denied);
	prom_single_counter(b, "stratumd_ntp_malformed_total", "Packets that were not NTP.", s->malformed);
}

static double
age_s(struct timespec then, bool valid)
{
	return valid ? ts_to_double(ts_sub(ts_now_mono(), then)) : -1;
}

static void
receiver(struct stratumd *sd, struct strbuf *b)
{
	const struct stratumd_gps *g = &sd->gps;
	double delay;
	bool calibrated = refclock_delay(&g->rc, &delay);

	prom_single_gauge(b, "stratumd_gps_open", "1 while the receiver's serial port is open.",
	    g->open);
	prom_single_gauge(b, "stratumd_gps_fix_valid", "1 while RMC says the fix is valid (A).",
	    g->fix_status == 'A');
	prom_single_gauge(b, "stratumd_gps_fix_quality", "GGA's fix quality (0: none).",
	    g->quality);
	prom_single_gauge(b, "stratumd_gps_satellites", "Satellites in use (GGA; -1 unknown).",
	    g->sats);
	prom_single_counter(b, "stratumd_nmea_sentences_total", "NMEA sentences accepted.",
	    g->nmea_sentences);
	prom_single_counter(b, "stratumd_nmea_rejected_total", "NMEA sentences rejected.", g->nmea_rejected);
	prom_single_gauge(b, "stratumd_nmea_last_sentence_age_seconds",
	    "Seconds since the last NMEA sentence (-1: none).",
	    age_s(g->last_nmea, g->nmea_sentences > 0));
	prom_single_gauge(b, "stratumd_nmea_delay_seconds",
	    "The calibrated delay from the second to its NMEA burst (NaN: not yet).",
	    calibrated ? delay : NAN);
	prom_single_gauge(b, "stratumd_nmea_delay_measurements",
	    "PPS-timed measurements in the calibration.", g->rc.ncal);
	prom_single_counter(b, "stratumd_pps_edges_total", "PPS edges received.", g->pps_edges);
	prom_single_counter(b, "stratumd_pps_used_total", "PPS edges that became samples.",
	    g->rc.n_pps_used);
	prom_single_counter(b, "stratumd_pps_unlocked_total", "PPS edges without a second to number them.",
	    g->rc.n_pps_unlocked);
	prom_single_gauge(b, "stratumd_pps_last_edge_age_seconds",
	    "Seconds since the last PPS edge (-1: none).", age_s(g->last_pps, g->pps_edges > 0));
}

static void
discipline(struct stratumd *sd, struct strbuf *b, const struct disc_status *st,
    const struct ntp_server_state *ns)
{
	const struct stratumd_sources *ss = &sd->sources;
	const struct prom_label state[1] = { { "state", disc_state_name(st->state) } };

	prom_family(b, "stratumd_clock_state_info", PROM_GAUGE,
	    "The discipline's state: startup, locked, holdover, unsynchronised.");
	prom_gauge(b, "stratumd_clock_state_info", state, 1, 1);
	prom_single_gauge(b, "stratumd_synchronised", "1 while clients are told we are synchronised.",
	    ns->synchronised);
	prom_single_gauge(b, "stratumd_clock_frequency_ratio",
	    "The frequency correction in force (1e-6 is 1 ppm).", st->freq_ppm * 1e-6);
	prom_single_gauge(b, "stratumd_clock_frequency_error_ratio",
	    "Standard error of the frequency correction.", st->skew_ppm * 1e-6);
	prom_single_gauge(b, "stratumd_clock_wander_ratio",
	    "RMS of the frequency's changes between updates (ntpd's clk_wander).",
	    st->wander_ppm * 1e-6);
	prom_single_gauge(b, "stratumd_clock_error_bound_seconds",
	    "Error bound of the offset, grown since the last update.", st->error);
	prom_single_counter(b, "stratumd_clock_updates_total", "Samples the discipline accepted.", st->updates);
	prom_single_counter(b, "stratumd_clock_outliers_total", "Samples it set aside as outliers.",
	    st->outliers);
	prom_single_counter(b, "stratumd_clock_steps_total", "Steps of the clock.", st->steps);
	prom_single_gauge(b, "stratumd_leap_status",
	    "Leap indicator clients are told: 0 none, 1 insert, 2 delete, 3 unsynchronised.",
	    ns->leap);
	prom_single_gauge(b, "stratumd_selection_sources", "Sources configured or found.", ss->n);
	prom_single_gauge(b, "stratumd_selection_fit_sources", "Sources fit for selection.",
	    ss->sel.nfit);
	prom_single_gauge(b, "stratumd_selection_truechimers", "Sources that agree.",
	    ss->sel.ntrue);
	prom_single_gauge(b, "stratumd_selection_survivors", "Sources that survived clustering.",
	    ss->sel.nsurvivors);
	prom_single_gauge(b, "stratumd_uptime_seconds", "Seconds since stratumd started.",
	    age_s(sd->started, true));
}

int
metrics_text(struct stratumd *sd, struct strbuf *b)
{
	struct disc_status st;
	struct ntp_server_state ns;
	struct timespec now;

	clock_now(sd->clock, &now);
	disc_status(&sd->disc, now, &st);
	sync_server_state(sd, &ns);
	tracking(sd, b, &st, &ns);
	sources(sd, b);
	serverstats(sd, b);
	receiver(sd, b);
	discipline(sd, b, &st, &ns);
	return b->overflow ? -1 : 0;
}
