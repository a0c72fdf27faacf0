/*
 * privdrop: give up root once everything privileged is open.
 *
 * The checklist, in order (OpenBSD ntpd's, adapted): look up the user;
 * set the supplementary groups to the user's own (so group `dialout` can
 * still reopen a serial port after an unplug); setgid, setuid; and verify
 * that root cannot be regained.  A daemon that steers the clock keeps just
 * that one right: on Linux CAP_SYS_TIME (privdrop_linux.c: PR_SET_KEEPCAPS
 * and capset(2), no libcap); on FreeBSD the mac_ntpd(4) policy grants it to
 * the ntpd user instead, so nothing is kept (privdrop_freebsd.c).
 *
 * Errors: -1 with a message in err; the daemon must then exit, not carry
 * on as root.
 */
#ifndef OUTPOST_PRIVDROP_H
#define OUTPOST_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>

int privdrop(const char *user, bool keep_clock, char *err, size_t errlen);

/* Platform part: prepare to keep the clock right across setuid (before),
 * and take it back (after). */
int privdrop_keep_clock_before(char *err, size_t errlen);
int privdrop_keep_clock_after(char *err, size_t errlen);

#endif
