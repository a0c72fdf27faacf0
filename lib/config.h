/*
 * config: configuration files in the style of sshd_config and chrony.conf.
 *
 *   # comment                     (also after a directive: `port 123 # ntp`)
 *   directive arg1 "arg two" 'x'  (double quotes allow \" \\ escapes)
 *   include conf.d/[a-z]?*.conf   (glob(3) patterns, one or more;
 *                                  relative to the including file)
 *
 * '#' starts a comment only at the start of a word ("a#b" is one word).
 * Inside double quotes any other backslash is literal; single quotes take
 * everything literally; quoted and plain parts touching form one word.
 * A pattern with wildcards may match nothing; a plain include name must
 * exist.  Includes nest at most CFG_MAX_DEPTH deep and a file that (directly
 * or not) includes itself is an error.  Only regular files are read, and at
 * most 1 MiB of each.  A table entry named "include" replaces the built-in
 * one (a program that wants no includes rejects it there).
 *
 * A directive name is case-insensitive.  The parser splits lines into
 * directives and hands each to the program through a table of known
 * directives with their argument counts; it never interprets values itself
 * beyond the cfg_*() helpers below.  Every error carries the file and line:
 * "stratumd.conf:12: unknown directive 'refclok'".  Lines are bounded
 * (CFG_MAX_LINE), so are arguments (CFG_MAX_ARGS) and include depth.
 */
#ifndef OUTPOST_CONFIG_H
#define OUTPOST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CFG_MAX_LINE 1024
#define CFG_MAX_ARGS 16
#define CFG_MAX_DEPTH 8
#define CFG_ERRLEN 512

struct cfg_line {
	const char *file;           /* as named by the user or the include */
	int line;                   /* 1-based */
	int argc;                   /* argv[0] is the directive */
	char *argv[CFG_MAX_ARGS + 2]; /* directive, arguments, NULL */
};

/*
 * Return 0 to accept; -1 to reject, having written a message (without the
 * file:line prefix, which the parser adds) to err.
 */
typedef int (*cfg_handler)(void *ctx, const struct cfg_line *line, char *err, size_t errlen);

struct cfg_directive {
	const char *name;
	int min_args;               /* not counting the directive itself */
	int max_args;               /* -1: up to CFG_MAX_ARGS */
	cfg_handler handler;
};

/* A table ends with an entry whose name is NULL.  On error returns -1 and
 * err holds "file:line: message"; processing stops at the first error. */
int cfg_parse_file(const char *path, const struct cfg_directive *table, void *ctx,
    char *err, size_t errlen);
/* Same for text already in memory (tests, fuzzing); `name` plays the file. */
int cfg_parse_buffer(const char *name, const char *buf, size_t len,
    const struct cfg_directive *table, void *ctx, char *err, size_t errlen);

/* Value helpers: 0 on success, -1 with a message in err. */
int cfg_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err, size_t errlen);
int cfg_double(const char *s, double min, double max, double *out, char *err, size_t errlen);
int cfg_bool(const char *s, bool *out, char *err, size_t errlen); /* yes/no on/off true/false 1/0 */
/* A copy of s into dst (len bytes with the NUL), or "too long". */
int cfg_string(const char *s, char *dst, size_t len, char *err, size_t errlen);
/* Durations: "30", "30s", "5m", "2h", "1d", "250ms" -> milliseconds. */
int cfg_duration_ms(const char *s, int64_t *out, char *err, size_t errlen);

#endif
