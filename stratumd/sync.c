/*
 * sync: what steers (sources.c decides) into the discipline loop, and the
 * loop's state out to everything that reports it (NTP answers, status,
 * statistics).
 *
 * The server says stratum 1 and refid PPS or GPS while the receiver
 * steers, stratum N+1 and refid the server's address (an IPv6 one hashed,
 * see ntp_refid_from_addr) while an upstream server does (its root delay
 * and dispersion added to ours), LI 3 and stratum 16 when the loop is
 * neither locked nor in holdover.  Its root dispersion grows with the
 * loop's error bound in holdover.
 */
#include <stdio.h>
#include <string.h>

#include "fpmath.h"
#include "log.h"
#include "stratumd.h"
#include "tsmath.h"

#define PPS_ERROR 1e-6       /* a GPIO PPS edge's timestamping error, s */
#define NMEA_ERROR 2e-3      /* an NMEA burst start's, s */
#define DRIFT_SAVE_S 3600

void
sync_reference(const struct stratumd *sd, const struct source *s, struct sync_ref *r)
{
	r->valid = true;
	if (s->kind != SOURCE_NTP) {
		r->stratum = 1;
		r->refid = ntp_refid_ascii(s->kind == SOURCE_PPS ? "PPS" : "GPS");
		r->root_delay = 0;
		r->root_disp = 0;
		return;
	}
	const struct assoc *a = &s->assoc;
	r->stratum = (uint8_t)(a->stratum + 1 > 15 ? 15 : a->stratum + 1);
	r->refid = ntp_refid_from_addr(&s->addr);
	r->root_delay = a->rootdelay + a->filter.delay;
	r->root_disp = a->rootdisp + a->filter.disp + sd->sources.sel.jitter;
}

void
sync_update(struct stratumd *sd, const struct disc_sample *ls, const char *source)
{
	struct disc_status st;
	struct timespec now;
	const struct source *s = sources_steering(sd);

	/* What the steering source says of its reference serves the answers
	 * made while it steers and in the holdover after it. */
	if (s != NULL)
		sync_reference(sd, s, &sd->ref);
	clock_now(sd->clock, &now);
	disc_status(&sd->disc, now, &st);
	enum disc_state before = st.state;
	enum disc_result r = disc_update(&sd->disc, ls);
	if (r == DISC_STEPPED)
		log_info("sync: clock stepped by %.6f s", -ls->offset);
	else if (r == DISC_CLOCK_ERROR)
		log_warn("sync: adjusting the clock");
	clock_now(sd->clock, &now);
	disc_status(&sd->disc, now, &st);
	if (st.state != before)
		log_info("sync: %s -> %s (offset %.9f s, %s)", disc_state_name(before),
		    disc_state_name(st.state), st.offset, source);
	stats_loop(sd, &st);
}

void
sync_sample(struct stratumd *sd, const struct refclock_sample *s)
{
	struct disc_sample ls;

	sd->gps.last_offset = s->offset;
	sd->gps.have_sample = true;
	/* Only what steers our clock goes out: a chronyd fed the ~1 ms NMEA
	 * samples between PPS samples would filter them as one noisy source. */
	export_sample(sd, s);
	ls.when = s->local;
	ls.offset = -s->offset; /* the loop wants local - reference */
	ls.error = s->pps ? PPS_ERROR : NMEA_ERROR;
	sync_update(sd, &ls, s->pps ? "PPS" : "NMEA");
}

void
sync_refid_text(const struct ntp_server_state *st, char *buf, size_t len)
{
	uint32_t r = st->refid;

	if (st->stratum <= 1 || st->stratum >= 16) {
		char t[5] = { (char)(r >> 24), (char)(r >> 16), (char)(r >> 8), (char)r, 0 };
		for (int i = 0; i < 4; i++)
			if (t[i] != 0 && (t[i] < 0x20 || t[i] > 0x7e))
				t[i] = '.';
		snprintf(buf, len, "%s", t);
		return;
	}
	snprintf(buf, len, "%u.%u.%u.%u", r >> 24, r >> 16 & 0xff, r >> 8 & 0xff, r & 0xff);
}

void
sync_server_state(struct stratumd *sd, struct ntp_server_state *ns)
{
	struct disc_status st;
	struct timespec now;
	const struct sync_ref *r = &sd->ref;

	clock_now(sd->clock, &now);
	disc_status(&sd->disc, now, &st);
	memset(ns, 0, sizeof(*ns));
	ns->precision = sd->precision;
	ns->synchronised = r->valid && (st.state == DISC_LOCKED || st.state == DISC_HOLDOVER);
	ns->stratum = r->valid ? r->stratum : 16;
	ns->refid = r->valid ? r->refid : ntp_refid_ascii("INIT");
	ns->root_delay = r->root_delay;
	ns->root_dispersion = r->root_disp + st.error + fp_pow2(sd->precision);
	if (st.since_update >= 0)
		ns->reference = ts_sub(now, ts_from_double(st.since_update));
	ns->leap = leap_announced(sd);
}

static void
save_drift(struct stratumd *sd)
{
	struct driftfile d;
	char path[PATH_MAX];

	disc_drift(&sd->disc, &d);
	snprintf(path, sizeof(path), "%s/drift", sd->conf.state_dir);
	if (driftfile_save(path, &d) == -1)
		log_warn("sync: saving %s", path);
	sd->last_drift_save = ts_now_mono();
}

/* Once a second. */
void
sync_tick(struct stratumd *sd)
{
	if (sd->disc.have_sample &&
	    ts_to_double(ts_sub(ts_now_mono(), sd->last_drift_save)) >= DRIFT_SAVE_S)
		save_drift(sd);
}

void
sync_save(struct stratumd *sd)
{
	if (sd->disc.have_sample)
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
	int p = fp_ceil_log2(best);
	return (int8_t)(p < -30 ? -30 : p);
}
