/*
 * mtk: the receiver model behind gpssim, an MTK3339 (Adafruit Ultimate GPS,
 * GlobalTop PA6H, firmware AXN_2.31) as its UART shows it.
 *
 * Pure: no I/O and no clock reads.  Times are UTC milliseconds since the
 * Unix epoch, given by the caller; the random source is seeded by the
 * caller, so one seed and one sequence of times give one output.
 *
 * The model knows what the host can change with PMTK commands (speed,
 * sentence selection, fix interval, power mode, restarts), whether it has a
 * fix, where it is, and which satellites it sees.  It answers one command
 * line at a time with the bytes the receiver would send back, and builds the
 * NMEA burst of one fix epoch.  How and when those bytes travel (pacing at
 * the baud rate, the delay after the second, garbling at a wrong speed) is
 * gpssim.c's business.
 *
 * Commands, as the MTK NMEA packet manual describes them (PMTK_A11):
 *   a line with a bad or missing checksum is ignored, as is anything that is
 *   not "$PMTKnnn..." (the receiver answers only packets it could frame);
 *   replies are "$PMTK001,nnn,flag": 0 invalid arguments, 1 unsupported
 *   command, 2 valid but failed, 3 succeeded.
 *   000 test; 101..104 hot/warm/cold/full-cold restart (ack, then the
 *   "$PMTK011,MTKGPS" and "$PMTK010,001" startup messages; the fix is lost
 *   for the datasheet's time to first fix; 104 also restores the default
 *   output and rate); 220 and 300 fix interval 100..10000 ms (failed when
 *   one burst of the selected sentences does not fit in one interval at the
 *   current speed); 225 power mode (0, 8, 9, or 1/2 with four periods:
 *   recorded, the output does not change); 251 speed (0 = 9600, 4800, 9600,
 *   14400, 19200, 38400, 57600, 115200: the ack goes out at the old speed,
 *   then the caller switches); 314 output divisors 0..5 per sentence
 *   (17 to 19 fields, or -1 for the default); queries 400 -> 500,
 *   414 -> 514, 605 -> 705 are answered without an ack.  Messages only a
 *   receiver sends (001, 010, 011, 5xx, 7xx) are ignored, so an echoing
 *   terminal cannot start a loop.  Every other number: unsupported.
 *
 * Faults a test can set at any time (gpssim's control socket): the fix
 * lost (a receiver that had one says V/0 until the fix is back), the GPS
 * week-number rollover (dates 1024 weeks in the past, time of day right),
 * and an inserted leap second.
 *
 * Leap second: leap_at is the host-clock (POSIX) second U, a multiple of 60,
 * that the receiver labels hh:mm:60 (the minute before U).  The host clock
 * here is the simulator's truth and does not leap, so from U on the
 * receiver's UTC is one second behind it, as a real receiver is behind a
 * clock that did not insert the second.  POSIX numbers 23:59:60 like
 * 23:59:59 (the kernel repeats that second): the true POSIX second of the
 * edge at host second h is h, or h - 1 from U on.
 *
 * Bursts: GGA, GSA, GSV, RMC, VTG, GLL, ZDA in that order, each when its
 * divisor selects the epoch (the Nth fix counted from the Unix epoch, so GSV
 * at divisor 5 comes every 5 s at 1 Hz).  Like the real chip at 9600 baud
 * with too many sentences, a burst carries at most what the line can send in
 * one fix interval (baud / 10 bytes per second): the sentences after the
 * first one that does not fit are dropped and counted.
 */
#ifndef OUTPOST_MTK_H
#define OUTPOST_MTK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "pmtk.h"

#define MTK_DEFAULT_BAUD 9600
#define MTK_DEFAULT_INTERVAL_MS 1000
#define MTK_MAX_SATS 12
#define MTK_REPLY_MAX 512
#define MTK_BURST_MAX 2048
#define MTK_NEVER INT64_MAX

/* What the receiver reports as its firmware (PMTK605 -> PMTK705). */
#define MTK_FIRMWARE "AXN_2.31_3339_13101700,5870,PA6H,1.0"

struct mtk_params {
	int baud;                   /* initial speed; 0: MTK_DEFAULT_BAUD */
	double lat, lon;            /* degrees, N and E positive */
	double alt_m;               /* above mean sea level */
	int64_t fix_at_ms;          /* first fix from this UTC time; MTK_NEVER: none */
	uint32_t seed;              /* 0 is replaced by a fixed non-zero seed */
};

struct mtk_sat {
	int prn, elev, azim, snr;   /* snr 0: in view, not tracked */
};

struct mtk {
	int baud;
	struct pmtk_output out;     /* PMTK314 divisors */
	int interval_ms;            /* PMTK220/300 */
	int mode;                   /* PMTK225 */
	int64_t fix_at_ms;
	bool fix_lost;              /* forced: no fix whatever fix_at_ms says */
	bool rollover;              /* dates 1024 weeks early */
	int64_t leap_at;            /* host second labelled :60; 0: none */
	double lat, lon, alt_m;
	uint32_t rng;
	int n_sats, n_used;
	struct mtk_sat sat[MTK_MAX_SATS];
};

struct mtk_reply {
	char text[MTK_REPLY_MAX];   /* framed lines, CR LF after each */
	size_t len;
	int cmd;                    /* the command number */
	int flag;                   /* the ack flag sent; -1 when no ack */
	int new_baud;               /* > 0: switch to it once text is sent */
	bool restarted;             /* queued output is lost */
};

struct mtk_burst {
	char text[MTK_BURST_MAX];   /* framed sentences, CR LF after each */
	size_t len;
	int n_sent;                 /* sentences in text */
	int n_dropped;              /* selected but did not fit */
};

void mtk_init(struct mtk *m, const struct mtk_params *p);

/*
 * One line from the host, "$PMTK...*hh" without CR LF, received at now_ms.
 * Returns 1 when the receiver answers (*r filled), 0 when it ignores the line.
 */
int mtk_command(struct mtk *m, const char *line, size_t len, int64_t now_ms,
    struct mtk_reply *r);

/* The first fix epoch strictly after after_ms (epochs are multiples of the
 * fix interval since the Unix epoch). */
int64_t mtk_next_epoch(const struct mtk *m, int64_t after_ms);

/* The burst for the fix epoch epoch_ms; advances the random source. */
void mtk_burst(struct mtk *m, int64_t epoch_ms, struct mtk_burst *b);

/* Bytes the line carries in one fix interval at the current speed. */
size_t mtk_budget(const struct mtk *m);

bool mtk_has_fix(const struct mtk *m, int64_t now_ms);

/*
 * The receiver's label of the host-clock time t_ms (UTC ms): its time of day
 * and date as the receiver writes them in NMEA, with the leap second's
 * second 60 and the rollover's date.  *tm_out gets the broken-down fields
 * (tm_sec may be 60, tm_year counts from 1900); *ms the milliseconds.
 */
void mtk_label(const struct mtk *m, int64_t t_ms, struct tm *tm_out, int *ms);

/* The true POSIX second of the PPS edge at host second h (see leap_at). */
int64_t mtk_true_second(const struct mtk *m, int64_t h);

/* The leap indicator a receiver announcing leap_at reports at host second
 * h: 1 (insert) until the leap second, then 0. */
int mtk_leap_pending(const struct mtk *m, int64_t h);

/* Set a leap second at U (a multiple of 60, see leap_at); 0 cancels.
 * -1 when U is not a minute boundary. */
int mtk_set_leap(struct mtk *m, int64_t u);

/* A speed PMTK251 accepts (0 excluded). */
bool mtk_baud_valid(int baud);

/* The factory output selection: RMC VTG GGA GSA every fix, GSV every 5th. */
void mtk_default_output(struct pmtk_output *o);

#endif
