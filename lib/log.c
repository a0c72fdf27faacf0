/*
 * log: syslog or stderr (see log.h).
 *
 * The destination and level are process-wide, like syslog itself; this is
 * the one module that keeps global state on purpose.  Each message is
 * formatted once into a bounded buffer and written with a single call, so
 * lines from a parent and its children do not interleave mid-line.
 */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define LOG_MSGLEN 1024

static const char *log_ident = "outpost";
static int log_to_stderr = 1;
static enum log_level log_max = LOG_LVL_INFO;

void log_init(const char *ident, int to_stderr, enum log_level max_level)
{
	if (ident != NULL)
		log_ident = ident;
	log_to_stderr = to_stderr;
	log_max = max_level;
	if (!to_stderr)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(enum log_level max_level)
{
	log_max = max_level;
}

/* Bytes from the outside world (SMS text, NMEA, config) end up in messages;
 * never let them drive the operator's terminal. */
static void log_sanitize(char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			*s = '?';
	}
}

static int log_priority(enum log_level lvl)
{
	switch (lvl) {
	case LOG_LVL_ERR:
		return LOG_ERR;
	case LOG_LVL_WARN:
		return LOG_WARNING;
	case LOG_LVL_INFO:
		return LOG_INFO;
	default:
		return LOG_DEBUG;
	}
}

__attribute__((format(printf, 3, 0))) static void
log_vlog(enum log_level lvl, int with_errno, const char *fmt, va_list ap)
{
	char msg[LOG_MSGLEN];
	int saved_errno = errno;
	size_t len;

	if (lvl > log_max)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, ": %s", strerror(saved_errno));
	}
	log_sanitize(msg);
	if (log_to_stderr)
		fprintf(stderr, "%s: %s\n", log_ident, msg);
	else
		syslog(log_priority(lvl), "%s", msg);
	errno = saved_errno;
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LVL_WARN, 1, fmt, ap);
	va_end(ap);
}

void log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LVL_WARN, 0, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LVL_INFO, 0, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LVL_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LVL_ERR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LVL_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_note(void *arg, bool warning, const char *msg)
{
	(void)arg;
	if (warning)
		log_warnx("%s", msg);
	else
		log_info("%s", msg);
}
