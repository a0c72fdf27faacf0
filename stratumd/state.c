/*
 * state: small text files in the state directory (NMEA calibration), written
 * atomically (temporary file, fsync, rename) so a power cut leaves the old
 * value or the new one, never half of either.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "stratumd.h"

int
state_save_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX], err[PATH_MAX + 64];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return atomicfile_write(path, text, strlen(text), 0644, err, sizeof(err));
}

int
state_load_text(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* nmea-delay: one number, seconds, "0.512345\n". */
int
state_load_delay(const char *dir, double *delay)
{
	char buf[64], *end;

	if (state_load_text(dir, "nmea-delay", buf, sizeof(buf)) == -1)
		return -1;
	double v = strtod(buf, &end);
	if (end == buf || (*end != '\n' && *end != '\0') || !(v > 0 && v < 1)) {
		errno = EINVAL;
		return -1;
	}
	*delay = v;
	return 0;
}

int
state_save_delay(const char *dir, double delay)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.6f\n", delay);
	return state_save_text(dir, "nmea-delay", buf);
}
