/*
 * driftfile: format and strict parse of the drift file, and its atomic
 * replacement on disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "clock.h"
#include "driftfile.h"
#include "fdio.h"

static int
valid(const struct driftfile *d)
{
	return isfinite(d->freq_ppm) && fabs(d->freq_ppm) <= CLOCK_MAX_FREQ_PPM &&
	    isfinite(d->skew_ppm) && d->skew_ppm >= 0.0 && d->skew_ppm <= DRIFTFILE_MAX_SKEW_PPM;
}

int
driftfile_format(char *buf, size_t len, const struct driftfile *d)
{
	int n;

	if (!valid(d)) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(buf, len, "%.6f %.6f\n", d->freq_ppm, d->skew_ppm);
	if (n < 0 || (size_t)n >= len) {
		errno = ENOSPC;
		return -1;
	}
	return n;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t
skip_digits(const char *s, size_t i, size_t len)
{
	while (i < len && is_digit(s[i]))
		i++;
	return i;
}

/*
 * Length of the plain decimal number at s[0..len), or 0 if there is none:
 * [+-] digits [. digits] [e [+-] digits], with a digit on one side of the
 * point at least.  strtod() alone would also take "nan", "inf" and hex.
 */
static size_t
number_len(const char *s, size_t len)
{
	size_t i = 0, d0, e;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	d0 = i;
	i = skip_digits(s, i, len);
	if (i < len && s[i] == '.') {
		if (i == d0 && (i + 1 >= len || !is_digit(s[i + 1])))
			return 0;
		i = skip_digits(s, i + 1, len);
	} else if (i == d0) {
		return 0;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		e = i + 1;
		if (e < len && (s[e] == '+' || s[e] == '-'))
			e++;
		if (e >= len || !is_digit(s[e]))
			return 0;
		i = skip_digits(s, e, len);
	}
	return i;
}

/* Parse one number at *pos, moving *pos past it; -1 if there is none. */
static int
take_number(const char *buf, size_t len, size_t *pos, double *out)
{
	char tmp[DRIFTFILE_MAX + 1];
	size_t n = number_len(buf + *pos, len - *pos);
	char *end;

	if (n == 0 || n > DRIFTFILE_MAX)
		return -1;
	memcpy(tmp, buf + *pos, n);
	tmp[n] = '\0';
	errno = 0;
	*out = strtod(tmp, &end);
	if (end != tmp + n || errno == ERANGE)
		return -1;
	*pos += n;
	return 0;
}

static size_t
skip_blanks(const char *buf, size_t len, size_t i)
{
	while (i < len && is_blank(buf[i]))
		i++;
	return i;
}

int
driftfile_parse(const char *buf, size_t len, struct driftfile *d)
{
	struct driftfile r = { 0.0, DRIFTFILE_DEFAULT_SKEW_PPM };
	size_t i;

	if (len > DRIFTFILE_MAX)
		goto bad;
	i = skip_blanks(buf, len, 0);
	if (take_number(buf, len, &i, &r.freq_ppm) < 0)
		goto bad;
	/* The skew, if any, on the same line. */
	if (i < len && (buf[i] == ' ' || buf[i] == '\t')) {
		while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		if (i < len && !is_blank(buf[i]) && take_number(buf, len, &i, &r.skew_ppm) < 0)
			goto bad;
	}
	if (skip_blanks(buf, len, i) != len || !valid(&r))
		goto bad;
	*d = r;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
driftfile_load(const char *path, struct driftfile *d)
{
	char buf[DRIFTFILE_MAX + 1];
	ssize_t got;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((got = fd_read_all(fd, buf, sizeof(buf))) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	return driftfile_parse(buf, (size_t)got, d);
}

int
driftfile_save(const char *path, const struct driftfile *d)
{
	char text[DRIFTFILE_MAX], err[PATH_MAX + 64];
	int n;

	if ((n = driftfile_format(text, sizeof(text), d)) < 0)
		return -1;
	return atomicfile_write(path, text, (size_t)n, 0644, err, sizeof(err));
}
