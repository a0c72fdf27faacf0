/*
 * leapfile: the IERS/NIST leap-seconds.list (Debian's tzdata installs it as
 * /usr/share/zoneinfo/leap-seconds.list, FreeBSD's as
 * /var/db/ntpd.leap-seconds.list), so that a receiver whose PPS says
 * nothing of leaps still learns of one, and what it means now.
 *
 * The file: '#' starts a comment, except "#$ NTPTIME" (last update), "#@
 * NTPTIME" (expiry) and "#h W W W W W" (SHA-1 of the update, expiry and
 * data digits, five hex words); data lines are "NTPTIME TAI-UTC [# ...]",
 * NTPTIME the second (NTP era 0) from which TAI-UTC holds.  So a line
 * 3692217600 37 says that the leap second 2016-12-31T23:59:60Z took
 * TAI-UTC from 36 to 37.
 *
 * leapfile_parse checks every line, the order, the steps of exactly one
 * second, and the hash when there is one (a file without "#h" is taken, as
 * ntpd does; a wrong hash is refused).  It and leapfile_at are pure (no
 * I/O, no clock); leapfile_load reads the file.
 */
#ifndef OUTPOST_LEAPFILE_H
#define OUTPOST_LEAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LEAPFILE_MAX_ENTRIES 64
#define LEAPFILE_MAX_BYTES 65536

struct leap_entry {
	int64_t when;    /* Unix seconds from which tai_utc holds */
	int tai_utc;
};

struct leapfile {
	struct leap_entry entry[LEAPFILE_MAX_ENTRIES];
	int n;
	int64_t updated;   /* Unix seconds: the "#$" line, 0 if none */
	int64_t expires;   /* Unix seconds: the "#@" line */
	bool hashed;       /* a "#h" line was there and matched */
};

/* 0, or -1 with "line N: what" in err (line 0: the file as a whole). */
int leapfile_parse(const char *buf, size_t len, struct leapfile *lf, char *err, size_t errlen);

enum leap_kind { LEAP_NONE = 0, LEAP_INSERT = 1, LEAP_DELETE = 2 };

struct leap_now {
	enum leap_kind kind;   /* a leap at the end of this UTC month */
	int64_t at;            /* Unix seconds just after it, when kind != LEAP_NONE */
	int tai_utc;           /* TAI-UTC now */
	bool expired;          /* now is past the file's expiry */
};

/* Read and parse path: 0, or -1 with "PATH:LINE: what" (or the system's
 * error) in err. */
int leapfile_load(const char *path, struct leapfile *lf, char *err, size_t errlen);

/* What the file says at Unix time now.  A leap is announced from the
 * start of the UTC month at whose end it falls, as NTP's LI announces it. */
void leapfile_at(const struct leapfile *lf, int64_t now, struct leap_now *out);

/* True in the last day before a leap at `at`: when a kernel is armed
 * (Linux and FreeBSD insert or delete at the next UTC midnight). */
bool leap_arm_due(int64_t at, int64_t now);
/* Unix second at which the UTC month after the one holding now begins:
 * when a leap that sources announce now takes effect. */
int64_t leap_month_end(int64_t now);

#endif
