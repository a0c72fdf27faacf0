/*
 * driftfile: the clock's frequency correction kept across restarts, so the
 * loop starts close to the right frequency instead of learning it again.
 *
 * The content is one line, "<freq> <skew>\n": the frequency correction
 * applied to the clock in ppm (the kernel's sign: + makes the clock run
 * faster; ntpd's drift file holds the same number, so an ntpd file is read
 * too) and the loop's estimate of that value's standard error in ppm.
 *
 * driftfile_parse() takes bytes from disk: anything but a line of one or two
 * plain decimal numbers (optional sign, digits, fraction, exponent;
 * surrounding blanks) is rejected, as is a frequency beyond +-500 ppm, a
 * negative skew or more than DRIFTFILE_MAX bytes.  A missing skew reads as
 * DRIFTFILE_DEFAULT_SKEW_PPM.  Numbers are written and read in the C locale's
 * format ('.' decimal point); the daemon does not change LC_NUMERIC.
 *
 * driftfile_save() replaces the file atomically (temporary file in the same
 * directory, fsync, rename), so a crash leaves the old content or the new.
 */
#ifndef OUTPOST_DRIFTFILE_H
#define OUTPOST_DRIFTFILE_H

#include <stddef.h>

#define DRIFTFILE_MAX 128
#define DRIFTFILE_DEFAULT_SKEW_PPM 1.0
#define DRIFTFILE_MAX_SKEW_PPM 1000.0

struct driftfile {
	double freq_ppm;
	double skew_ppm;
};

/* Characters written (without NUL), or -1 (EINVAL, ENOSPC) if it does not fit or is invalid. */
int driftfile_format(char *buf, size_t len, const struct driftfile *d);
/* 0, or -1 with errno EINVAL. *d is only written on success. */
int driftfile_parse(const char *buf, size_t len, struct driftfile *d);

/* File I/O: 0, or -1 with errno set (EINVAL: the content was rejected). */
int driftfile_load(const char *path, struct driftfile *d);
int driftfile_save(const char *path, const struct driftfile *d);

#endif
