/*
 * console_log: the console's log file and history (see console_log.h).
 *
 * The file is written through a small staging buffer so that a burst of
 * short lines costs a few write(2)s, not one per stamp.  The size check for
 * rotation happens before each write, so a file ends at most one read's
 * worth of bytes past max_size.
 */
#include "console_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAGE_MAX 8192

struct stage {
	struct console_log *l;
	char buf[STAGE_MAX];
	size_t len;
	int err;                /* first errno, 0 when all went well */
};

void
console_log_init(struct console_log *l)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}

static int
open_file(struct console_log *l)
{
	struct stat st = { 0 };

	l->fd = open(l->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (l->fd == -1)
		return -1;
	if (fstat(l->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		int e = S_ISREG(st.st_mode) ? errno : EINVAL;

		close(l->fd);
		l->fd = -1;
		errno = e;
		return -1;
	}
	l->size = (uint64_t)st.st_size;
	l->mid_line = false;
	/* A file that ends mid-line (oobd stopped there) gets its line ended
	 * (read-write only for this look at the last byte). */
	if (st.st_size > 0) {
		char last;

		if (pread(l->fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
			l->mid_line = true;
	}
	return 0;
}

int
console_log_open(struct console_log *l, const char *path, uint64_t max_size, int keep,
    char *err, size_t errlen)
{
	console_log_close(l);
	if (strlen(path) >= sizeof(l->path)) {
		snprintf(err, errlen, "%s: path too long", path);
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(l->path, sizeof(l->path), "%s", path);
	l->max_size = max_size;
	l->keep = keep;
	errno = 0;
	if (open_file(l) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void
console_log_close(struct console_log *l)
{
	if (l->fd >= 0) {
		console_log_sync(l);
		close(l->fd);
	}
	l->fd = -1;
}

int
console_log_sync(struct console_log *l)
{
	if (l->fd < 0 || !l->dirty)
		return 0;
	l->dirty = false;
	return fsync(l->fd);
}

size_t
console_log_stamp(char *out, size_t cap, struct timespec now)
{
	struct tm tm;
	time_t t = now.tv_sec;
	int n;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	n = snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* ---- rotation ---- */

static void
numbered(char *out, size_t len, const char *path, int k)
{
	snprintf(out, len, "%s.%d", path, k);
}

static int
rotate(struct console_log *l)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	int k;

	console_log_sync(l);
	close(l->fd);
	l->fd = -1;
	if (l->keep <= 0) {
		unlink(l->path);
	} else {
		numbered(to, sizeof(to), l->path, l->keep);
		unlink(to);
		for (k = l->keep; k > 1; k--) {
			numbered(from, sizeof(from), l->path, k - 1);
			numbered(to, sizeof(to), l->path, k);
			(void)rename(from, to);     /* a gap in the numbers is no error */
		}
		numbered(to, sizeof(to), l->path, 1);
		if (rename(l->path, to) == -1)
			unlink(l->path);
	}
	return open_file(l);
}

/* ---- writing ---- */

static void
stage_flush(struct stage *s)
{
	struct console_log *l = s->l;
	size_t off = 0;

	while (off < s->len && l->fd >= 0 && s->err == 0) {
		ssize_t n = write(l->fd, s->buf + off, s->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->err = n < 0 ? errno : EIO;
			break;
		}
		off += (size_t)n;
		l->size += (uint64_t)n;
		l->dirty = true;
	}
	s->len = 0;
}

static void
stage_put(struct stage *s, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		size_t room = sizeof(s->buf) - s->len, k = n < room ? n : room;

		memcpy(s->buf + s->len, c, k);
		s->len += k;
		c += k;
		n -= k;
		if (s->len == sizeof(s->buf))
			stage_flush(s);
	}
}

/* Before a line starts: rotate if due, then the stamp. */
static void
stage_line_start(struct stage *s, struct timespec now)
{
	struct console_log *l = s->l;
	char stamp[CONSOLE_STAMP_LEN + 8];
	size_t n;

	if (l->max_size > 0 && l->size + s->len >= l->max_size) {
		stage_flush(s);
		if (rotate(l) == -1 && s->err == 0)
			s->err = errno;
	}
	n = console_log_stamp(stamp, sizeof(stamp), now);
	stage_put(s, stamp, n);
}

static int
stage_done(struct stage *s)
{
	stage_flush(s);
	if (s->err != 0) {
		errno = s->err;
		return -1;
	}
	return 0;
}

static void
hist_add(struct console_log *l, const uint8_t *buf, size_t len)
{
	if (len >= CONSOLE_HISTORY) {
		memcpy(l->hist, buf + len - CONSOLE_HISTORY, CONSOLE_HISTORY);
		l->hist_start = 0;
		l->hist_len = CONSOLE_HISTORY;
		return;
	}
	for (size_t i = 0; i < len; i++) {
		size_t end = (l->hist_start + l->hist_len) % CONSOLE_HISTORY;

		l->hist[end] = buf[i];
		if (l->hist_len < CONSOLE_HISTORY)
			l->hist_len++;
		else
			l->hist_start = (l->hist_start + 1) % CONSOLE_HISTORY;
	}
}

int
console_log_data(struct console_log *l, const uint8_t *buf, size_t len, struct timespec now)
{
	struct stage s;

	hist_add(l, buf, len);
	if (l->fd < 0 || len == 0)
		return 0;
	s.l = l;
	s.len = 0;
	s.err = 0;
	while (len > 0) {
		const uint8_t *nl = memchr(buf, '\n', len);
		size_t seg = nl != NULL ? (size_t)(nl - buf) + 1 : len;

		if (!l->mid_line)
			stage_line_start(&s, now);
		stage_put(&s, buf, seg);
		l->mid_line = nl == NULL;
		buf += seg;
		len -= seg;
	}
	return stage_done(&s);
}

int
console_log_mark(struct console_log *l, const char *text, struct timespec now)
{
	struct stage s;

	if (l->fd < 0)
		return 0;
	s.l = l;
	s.len = 0;
	s.err = 0;
	if (l->mid_line)
		stage_put(&s, "\n", 1);
	stage_line_start(&s, now);
	stage_put(&s, "[-- ", 4);
	stage_put(&s, text, strlen(text));
	stage_put(&s, " --]\n", 5);
	l->mid_line = false;
	return stage_done(&s);
}

/* ---- history ---- */

static uint8_t
hist_at(const struct console_log *l, size_t i)
{
	return l->hist[(l->hist_start + i) % CONSOLE_HISTORY];
}

size_t
console_log_tail(const struct console_log *l, unsigned lines, uint8_t *out, size_t cap)
{
	size_t from = 0, i, n;
	unsigned seen = 0;

	if (lines == 0 || l->hist_len == 0)
		return 0;
	/* Walk back over line ends; the one that ends the history does not
	 * start a line.  Stop at the end that comes before the first line
	 * wanted. */
	for (i = l->hist_len - 1; i > 0; i--) {
		if (hist_at(l, i - 1) == '\n' && ++seen == lines) {
			from = i;
			break;
		}
	}
	if (l->hist_len - from > cap)
		from = l->hist_len - cap;
	n = l->hist_len - from;
	for (i = 0; i < n; i++)
		out[i] = hist_at(l, from + i);
	return n;
}
