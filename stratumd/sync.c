/*
 * sync: reference samples into the discipline loop, and the loop's state
 * out to everything that reports it (NTP answers, status, statistics).
 *
 * PPS samples steer the loop whenever edges arrive; NMEA-only samples only
 * when no edge was seen for PPS_STALE_S seconds (their ~1 ms noise would
 * only disturb a PPS-locked loop).  The server says stratum 1 and refid
 * PPS or GPS while the loop is locked or in holdover, LI 3 and stratum 16
 * otherwise; its root dispersion is the loop's error bound, which grows
 * in holdover.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "stratumd.h"
#include "tsmath.h"

#define PPS_STALE_S 3.0
#define PPS_ERROR 1e-6       /* a GPIO PPS edge's timestamping error, s */
#define NMEA_ERROR 2e-3      /* an NMEA burst start's, s */
#define DRIFT_SAVE_S 3600

static bool
pps_fresh(const struct stratumd *sd)
{
	if (sd->gps.pps_edges == 0)
		return false;
	return ts_to_double(ts_sub(ts_now_mono(), sd->gps.last_pps)) < PPS_STALE_S;
}

void
sync_sample(struct stratumd *sd, const struct refclock_sample *s)
{
	struct loop_sample ls;
	struct loop_status st;
	struct timespec now;

	sd->gps.last_offset = s->offset;
	sd->gps.have_sample = true;
	if (s->pps)
		sd->gps.use_pps = true;
	else if (pps_fresh(sd))
		return;
	else
		sd->gps.use_pps = false;
	/* Only what steers our clock goes out: a chronyd fed the ~1 ms NMEA
	 * samples between PPS samples would filter them as one noisy source. */
	export_sample(sd, s);

	ls.when = s->local;
	ls.offset = -s->offset; /* the loop wants local - reference */
	ls.error = s->pps ? PPS_ERROR : NMEA_ERROR;
	clock_now(sd->clock, &now);
	loop_status(&sd->loop, now, &st);
	enum loop_state before = st.state;
	enum loop_result r = loop_update(&sd->loop, &ls);
	if (r == LOOP_STEPPED)
		log_info("sync: clock stepped by %.6f s", s->offset);
	else if (r == LOOP_CLOCK_ERROR)
		log_warn("sync: adjusting the clock");
	clock_now(sd->clock, &now);
	loop_status(&sd->loop, now, &st);
	if (st.state != before)
		log_info("sync: %s -> %s (offset %.9f s, %s)", loop_state_name(before),
		    loop_state_name(st.state), st.offset, s->pps ? "PPS" : "NMEA");
	stats_peer(sd, s, st.jitter);
	stats_loop(sd, &st);
}

void
sync_server_state(struct stratumd *sd, struct ntp_server_state *ns)
{
	struct loop_status st;
	struct timespec now;

	clock_now(sd->clock, &now);
	loop_status(&sd->loop, now, &st);
	memset(ns, 0, sizeof(*ns));
	ns->precision = sd->precision;
	ns->refid = ntp_refid_ascii(sd->gps.use_pps ? "PPS" : "GPS");
	ns->synchronised = st.state == LOOP_LOCKED || st.state == LOOP_HOLDOVER;
	ns->stratum = 1;
	ns->root_delay = 0;
	ns->root_dispersion = st.error + ldexp(1.0, sd->precision);
	if (st.since_update >= 0)
		ns->reference = ts_sub(now, ts_from_double(st.since_update));
	/* A leap second announced with the pulses (chrony SOCK's leap field;
	 * NMEA has no way to say it) is passed on to the clients. */
	ns->leap = !sd->gps.use_pps ? NTP_LEAP_NONE : sd->gps.leap == 1 ? NTP_LEAP_ADD :
	    sd->gps.leap == 2 ? NTP_LEAP_DEL : NTP_LEAP_NONE;
}

static void
save_drift(struct stratumd *sd)
{
	struct driftfile d;
	char path[PATH_MAX];

	loop_drift(&sd->loop, &d);
	snprintf(path, sizeof(path), "%s/drift", sd->conf.state_dir);
	if (driftfile_save(path, &d) == -1)
		log_warn("sync: saving %s", path);
	sd->last_drift_save = ts_now_mono();
}

/* Once a second. */
void
sync_tick(struct stratumd *sd)
{
	if (sd->gps.use_pps && !pps_fresh(sd)) {
		log_warnx("pps: no edge for %.0f s; NMEA alone now", PPS_STALE_S);
		sd->gps.use_pps = false;
	}
	if (sd->loop.have_sample &&
	    ts_to_double(ts_sub(ts_now_mono(), sd->last_drift_save)) >= DRIFT_SAVE_S)
		save_drift(sd);
}

void
sync_save(struct stratumd *sd)
{
	if (sd->loop.have_sample)
		save_drift(sd);
}

/* The clock's resolution as NTP's precision: log2 of the smallest step
 * seen between consecutive readings. */
int8_t
sync_measure_precision(void)
{
	double best = 1.0;

	for (int i = 0; i < 200; i++) {
		struct timespec a = ts_now_real(), b;
		do
			b = ts_now_real();
		while (ts_cmp(a, b) == 0);
		double d = ts_to_double(ts_sub(b, a));
		if (d > 0 && d < best)
			best = d;
	}
	int p = (int)ceil(log2(best));
	return (int8_t)(p < -30 ? -30 : p);
}
