/*
 * simctl: gpssim's run-time commands, as lines of text on its control
 * socket (one command per line, answered "ok ..." or "error: ...").
 *
 * Pure: parsing, and the bytes of injected garbage.  gpssim.c carries the
 * commands out.
 *
 *   fix lost | fix ok          the receiver loses / regains its fix (NMEA
 *                              status V and no PPS while lost)
 *   pps stop | pps start       the PPS output stops / resumes (NMEA goes on)
 *   garbage N                  N random bytes (1..SIMCTL_GARBAGE_MAX: NULs,
 *                              stray '$', high-bit bytes, line ends) spliced
 *                              into the middle of the next burst
 *   unplug | replug            the adapter is pulled (pty closed, link
 *                              removed) / plugged back (new pty, new link)
 *   leap insert                a leap second at the next UTC midnight
 *   leap insert-at UNIXTIME    a leap second labelled hh:mm:60 at that
 *                              second (a multiple of 60, in the future)
 *   leap cancel
 *   rollover on | off          dates 1024 weeks in the past (or not)
 *   nmea-delay S               burst delay after the epoch, 0.3..0.95 s
 *   status                     one line of key=value pairs
 *   help                       the list of commands
 */
#ifndef OUTPOST_SIMCTL_H
#define OUTPOST_SIMCTL_H

#include <stddef.h>
#include <stdint.h>

#define SIMCTL_LINE_MAX 128
#define SIMCTL_GARBAGE_MAX 1024

enum simctl_op {
	SIMCTL_FIX_LOST,
	SIMCTL_FIX_OK,
	SIMCTL_PPS_STOP,
	SIMCTL_PPS_START,
	SIMCTL_GARBAGE,
	SIMCTL_UNPLUG,
	SIMCTL_REPLUG,
	SIMCTL_LEAP_INSERT,         /* at the next UTC midnight */
	SIMCTL_LEAP_INSERT_AT,
	SIMCTL_LEAP_CANCEL,
	SIMCTL_ROLLOVER_ON,
	SIMCTL_ROLLOVER_OFF,
	SIMCTL_NMEA_DELAY,
	SIMCTL_STATUS,
	SIMCTL_HELP,
};

struct simctl_cmd {
	enum simctl_op op;
	int64_t n;                  /* garbage bytes; leap second (Unix time) */
	double seconds;             /* nmea-delay */
};

/* One line without its line end (a trailing CR is ignored).  0, or -1 with
 * the reason in err. */
int simctl_parse(const char *line, size_t len, struct simctl_cmd *c, char *err,
    size_t errlen);

/* The Unix time of the first UTC midnight strictly after now. */
int64_t simctl_next_midnight(int64_t now);

/* n bytes of line noise like a receiver's cold boot or a bad contact:
 * mostly NUL, 0xFF and high-bit bytes, with stray '$', digits, commas and
 * line ends.  At least one NUL and one '$' when n >= 2. */
void simctl_garbage(uint32_t *rng, uint8_t *buf, size_t n);

/* The command list, one per line. */
extern const char simctl_help[];

#endif
