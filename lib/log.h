/*
 * log: the daemons' and tools' single way to say something.
 *
 * Messages go to syslog (daemons) or to stderr (foreground, tools, tests).
 * Library code never calls these: it returns errors, and the program that
 * called it decides what to say.  Only main programs and daemon glue log.
 */
#ifndef OUTPOST_LOG_H
#define OUTPOST_LOG_H

#include <stdbool.h>

#include <stdarg.h>

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* ident: program name; to_stderr: 1 for stderr, 0 for syslog(LOG_DAEMON). */
void log_init(const char *ident, int to_stderr, enum log_level max_level);
void log_set_level(enum log_level max_level);

/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For a library's note callback (exporter.h): msg as a warning or as
 * information; arg is unused. */
void log_note(void *arg, bool warning, const char *msg);
/* fatal: log at error level (with strerror for fatal) and exit(1). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
