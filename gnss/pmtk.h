/*
 * pmtk: command bodies for MediaTek (MTK3339 class) receivers.
 *
 * Each builder writes the body only ("PMTK251,57600"); nmea_frame() adds
 * '$', the checksum and CR LF.  They return the body length, or -1 if an
 * argument is outside what the receiver accepts or the body does not fit.
 * Reference: the MTK NMEA packet manual (PMTK_A11), as the Adafruit
 * Ultimate GPS documents it.
 */
#ifndef OUTPOST_PMTK_H
#define OUTPOST_PMTK_H

#include <stdbool.h>
#include <stddef.h>

/* PMTK314 output selection: one rate divisor per sentence (0 = off,
 * 1 = every fix, 2..5 = every Nth fix).  The command has 19 fields in MTK
 * order: GLL RMC VTG GGA GSA GSV, then GRS GST and fields reserved or
 * unsupported on MT3339 (sent as 0), ZDA at index 17, MCHN ($PMTKCHN
 * channel status) at index 18. */
struct pmtk_output {
	int gll, rmc, vtg, gga, gsa, gsv, zda, mchn;
};

int pmtk_set_baud(char *out, size_t len, int baud);           /* PMTK251: 4800..115200, 0 = default */
int pmtk_set_output(char *out, size_t len, const struct pmtk_output *o); /* PMTK314 */
int pmtk_default_output(char *out, size_t len);               /* PMTK314,-1 */
int pmtk_set_fix_rate(char *out, size_t len, int interval_ms); /* PMTK220: 100..10000 */
int pmtk_set_fix_interval(char *out, size_t len, int interval_ms); /* PMTK300: 200..10000 */
/* PMTK225: 0 normal, 4 perpetual backup, 8 AlwaysLocate standby, 9 AlwaysLocate
 * backup (the periodic modes 1, 2 need more arguments and are refused) */
int pmtk_set_mode(char *out, size_t len, int mode);
int pmtk_restart(char *out, size_t len, int kind);            /* 101 hot, 102 warm, 103 cold, 104 full cold */

/* Parse "--sentences RMC,ZDA,GGA" (comma-separated, any case: GLL RMC VTG
 * GGA GSA GSV ZDA MCHN) into an output selection (each listed sentence at
 * divisor 1, the rest 0).  -1 on an unknown or empty name. */
int pmtk_output_from_list(const char *list, struct pmtk_output *o);

/* The command number a body (or framed "$PMTK...") carries:
 * "PMTK251,57600" -> 251; -1 if none. */
int pmtk_command_number(const char *body);

#endif
