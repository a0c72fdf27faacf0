/*
 * leap: the leap second stratumd announces (LI in every answer) and, when
 * it steers the clock, arms in the kernel.
 *
 * The leapfile, while it has not expired, is the authority: a leap it
 * lists is announced from the start of its month, and nothing else is.
 * Without one, or once it has expired, the sources are asked
 * (sources_leap: the PPS source's announcement, or the servers' majority),
 * and a leap the expired file still lists is announced too.  The file is
 * read again when it changes (tzdata updates it), looked at hourly.
 */
#include <sys/stat.h>
#include <string.h>
#include <time.h>

#include "leapfile.h"
#include "log.h"
#include "stratumd.h"
#include "tsmath.h"

#define RECHECK_S 3600.0

static void
log_file_state(const struct stratumd_leap *lp, const char *path, int64_t now)
{
	struct leap_now ln;
	char exp[32];
	time_t t = (time_t)lp->file.expires;
	struct tm tm;

	leapfile_at(&lp->file, now, &ln);
	strftime(exp, sizeof(exp), "%Y-%m-%d", gmtime_r(&t, &tm));
	if (ln.expired)
		log_warnx("leapfile %s expired on %s: leap seconds after it come only from "
		    "the sources (update tzdata)", path, exp);
	else
		log_info("leapfile %s: TAI-UTC %d s, good until %s%s", path, ln.tai_utc, exp,
		    lp->file.hashed ? "" : " (it has no hash line)");
}

static void
load(struct stratumd *sd, int64_t now)
{
	struct stratumd_leap *lp = &sd->leap;
	const char *path = sd->conf.leapfile;
	struct leapfile lf;
	struct stat st;
	char err[CONF_PATH + 128];

	lp->next_check = sources_now() + RECHECK_S;
	if (stat(path, &st) == -1) {
		log_warn("leapfile %s (the one read before stays in use)", path);
		return;
	}
	if (lp->have_file && st.st_mtime == lp->mtime)
		return;
	if (leapfile_load(path, &lf, err, sizeof(err)) == -1) {
		log_warnx("leapfile %s (the one read before stays in use)", err);
		lp->mtime = st.st_mtime;
		return;
	}
	lp->file = lf;
	lp->have_file = true;
	lp->mtime = st.st_mtime;
	log_file_state(lp, path, now);
}

static int64_t
unix_now(struct stratumd *sd)
{
	struct timespec now;

	clock_now(sd->clock, &now);
	return (int64_t)now.tv_sec;
}

void
leap_init(struct stratumd *sd)
{
	memset(&sd->leap, 0, sizeof(sd->leap));
	if (sd->conf.leapfile[0] != '\0')
		load(sd, unix_now(sd));
}

/* What to announce at now, and when it takes effect. */
static enum ntp_leap
decide(struct stratumd *sd, int64_t now, int64_t *at)
{
	struct leap_now ln;

	*at = leap_month_end(now);
	if (!sd->leap.have_file)
		return sources_leap(sd);
	leapfile_at(&sd->leap.file, now, &ln);
	if (ln.kind != LEAP_NONE) {
		*at = ln.at;
		return ln.kind == LEAP_INSERT ? NTP_LEAP_ADD : NTP_LEAP_DEL;
	}
	return ln.expired ? sources_leap(sd) : NTP_LEAP_NONE;
}

static const char *
leap_name(enum ntp_leap l)
{
	return l == NTP_LEAP_ADD ? "insert" : l == NTP_LEAP_DEL ? "delete" : "none";
}

/* The kernel inserts or deletes at the next UTC midnight: armed only in
 * the leap's last day, disarmed otherwise. */
static void
arm(struct stratumd *sd, enum ntp_leap l, int64_t at, int64_t now)
{
	enum clock_leap want = CLOCK_LEAP_NONE;

	if (l != NTP_LEAP_NONE && leap_arm_due(at, now))
		want = l == NTP_LEAP_ADD ? CLOCK_LEAP_INSERT : CLOCK_LEAP_DELETE;
	if (want == sd->leap.armed)
		return;
	if (clock_set_leap(sd->clock, want) == -1) {
		log_warn("clock: arming the leap second (%s)", leap_name(l));
		return;
	}
	sd->leap.armed = want;
	if (!sd->conf.clock_control)
		return;
	if (want != CLOCK_LEAP_NONE)
		log_info("clock: the kernel will %s a second at the end of this UTC day",
		    leap_name(l));
	else
		log_info("clock: no leap second armed in the kernel");
}

void
leap_tick(struct stratumd *sd)
{
	int64_t now = unix_now(sd), at;
	enum ntp_leap l;

	if (sd->conf.leapfile[0] != '\0' && sources_now() >= sd->leap.next_check)
		load(sd, now);
	l = decide(sd, now, &at);
	if (l != sd->leap.announced)
		log_info("leap second: %s announced%s", leap_name(l),
		    l == NTP_LEAP_NONE ? "" : " for the end of this month");
	sd->leap.announced = l;
	sd->leap.at = at;
	arm(sd, l, at, now);
}

void
leap_json(const struct stratumd *sd, struct jsonw *w)
{
	const struct stratumd_leap *lp = &sd->leap;
	struct leap_now ln;
	struct timespec now;

	clock_now(sd->clock, &now);
	jsonw_begin(w, "leap");
	jsonw_str(w, "announced", leap_name(lp->announced));
	jsonw_int(w, "at", lp->announced != NTP_LEAP_NONE ? (long long)lp->at : 0);
	/* due: in the leap's last day; armed: and so set in the kernel. */
	jsonw_bool(w, "due", lp->armed != CLOCK_LEAP_NONE);
	jsonw_bool(w, "armed", lp->armed != CLOCK_LEAP_NONE && sd->conf.clock_control);
	jsonw_str(w, "leapfile", sd->conf.leapfile);
	if (lp->have_file) {
		leapfile_at(&lp->file, (int64_t)now.tv_sec, &ln);
		jsonw_int(w, "tai_utc", ln.tai_utc);
		jsonw_int(w, "expires", (long long)lp->file.expires);
		jsonw_bool(w, "expired", ln.expired);
	}
	jsonw_end(w);
}

enum ntp_leap
leap_announced(const struct stratumd *sd)
{
	return sd->leap.announced;
}
