/*
 * stats: statistics files in ntpd's formats, so existing plotting habits
 * (gnuplot over loopstats.*, ntpviz) keep working.  One file per day, named
 * like ntpd's default file generation set: loopstats.YYYYMMDD.  Each line
 * starts with the Modified Julian Day and the seconds past UTC midnight.
 *
 *   loopstats:  MJD sec offset(s) frequency(ppm) jitter(s) wander(ppm) poll(log2 s)
 *   peerstats:  MJD sec source status(hex) offset(s) delay(s) dispersion(s) jitter(s)
 *   clockstats: MJD sec source timecode   (the receiver's RMC sentence)
 *
 * Every source has peerstats lines, with ntpd's names: the receiver's two
 * halves as 127.127.22.0 (PPS) and 127.127.20.0 (NMEA), servers and peers
 * by address; the status word is ntpd's peer status (mode 6) at the time.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "stratumd.h"
#include "tsmath.h"

#define MJD_UNIX_EPOCH 40587
#define REFCLOCK_ID "127.127.20.0"

static int
mjd_prefix(char *buf, size_t len, struct timespec now)
{
	long days = (long)(now.tv_sec / 86400);
	double sec = (double)(now.tv_sec % 86400) + now.tv_nsec / 1e9;

	return snprintf(buf, len, "%ld %.3f", days + MJD_UNIX_EPOCH, sec);
}

int
stats_format_loop(char *buf, size_t len, struct timespec now, const struct disc_status *st)
{
	char pre[48];

	mjd_prefix(pre, sizeof(pre), now);
	/* offset in ntpd's sign: reference - local */
	return snprintf(buf, len, "%s %.9f %.6f %.9f %.6f %d\n", pre, -st->offset,
	    st->freq_ppm, st->jitter, st->wander_ppm, 4);
}

int
stats_format_peer(char *buf, size_t len, struct timespec now, const char *id, int status,
    double offset, double delay, double dispersion, double jitter)
{
	char pre[48];

	mjd_prefix(pre, sizeof(pre), now);
	return snprintf(buf, len, "%s %s %04x %.9f %.9f %.9f %.9f\n", pre, id, status, offset,
	    delay, dispersion, jitter);
}

static void
append(struct stratumd *sd, const char *kind, struct timespec now, const char *line)
{
	char path[PATH_MAX];
	struct tm tm;

	gmtime_r(&now.tv_sec, &tm);
	if (snprintf(path, sizeof(path), "%s/%s.%04d%02d%02d", sd->conf.stats_dir, kind,
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) >= (int)sizeof(path))
		return;
	FILE *f = fopen(path, "a");
	if (f == NULL) {
		log_warn("stats: %s", path);
		return;
	}
	fputs(line, f);
	fclose(f);
}

void
stats_loop(struct stratumd *sd, const struct disc_status *st)
{
	char line[256];
	struct timespec now = ts_now_real();

	if (!sd->conf.loopstats)
		return;
	stats_format_loop(line, sizeof(line), now, st);
	append(sd, "loopstats", now, line);
}

void
stats_source(struct stratumd *sd, const char *id, int status, double offset, double delay,
    double dispersion, double jitter)
{
	char line[256];
	struct timespec now = ts_now_real();

	if (!sd->conf.peerstats)
		return;
	stats_format_peer(line, sizeof(line), now, id, status, offset, delay, dispersion,
	    jitter);
	append(sd, "peerstats", now, line);
}

void
stats_clock(struct stratumd *sd, const char *sentence)
{
	char line[NMEA_MAX_LINE + 64], pre[48];
	struct timespec now = ts_now_real();

	if (!sd->conf.clockstats)
		return;
	mjd_prefix(pre, sizeof(pre), now);
	snprintf(line, sizeof(line), "%s %s %s\n", pre, REFCLOCK_ID, sentence);
	append(sd, "clockstats", now, line);
}
