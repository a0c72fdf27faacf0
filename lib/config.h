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
 * directives: either handlers with their argument counts (struct
 * cfg_directive), or a typed table (struct cfg_field, below) that also
 * checks and stores the values of the simple ones.  Every error carries
 * the file and line: "stratumd.conf:12: unknown directive 'refclok'".
 * Lines are bounded (CFG_MAX_LINE), so are arguments (CFG_MAX_ARGS) and
 * include depth.
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

/*
 * Typed tables.  Most directives take one value for one member of the
 * program's configuration struct (the ctx given to the parser): an entry
 * names the member (CFG_AT), the kind of value and its range, and the
 * parser checks and stores it with the messages of the value helpers
 * below ("oobd.conf:7: value 11 out of range 0..10"; for durations
 * "oobd.conf:7: '10s' is out of range (60 s to 604800 s)").  A refused
 * value leaves the member as it was; a directive given again stores its
 * new value over the old one.  These types take exactly 1 argument.  The
 * few directives with a grammar of their own are CFG_CUSTOM entries, a
 * handler (given the whole ctx) and its argument counts as in a
 * cfg_directive table; a module's own cfg_directive table joins as one
 * CFG_TABLE entry.  Entries read:
 *
 *	{ "port", CFG_UINT16, CFG_AT(struct conf, port), 1, 65535 },
 *	{ "apn", CFG_STRING, CFG_AT(struct conf, apn), .check = apn_word },
 *	{ "relay", CFG_CUSTOM, 1, 2, .handler = d_relay },
 *	{ "console", CFG_TABLE, .table = console_directives },
 *	{ .name = NULL },
 */
enum cfg_type {
	CFG_CUSTOM,                 /* handler, min_args..max_args arguments */
	CFG_TABLE,                  /* the directives of table; name only labels it */
	CFG_STRING,                 /* char[size]; check, if set, may refuse it first */
	CFG_BOOL,                   /* bool, as cfg_bool() */
	CFG_INT,                    /* int: digits, min..max (0 <= min), as cfg_uint() */
	CFG_UINT16,                 /* uint16_t: the same */
	CFG_DOUBLE,                 /* double: min..max, as cfg_double() */
	CFG_DURATION,               /* int64_t ms: as cfg_duration_ms(), min..max ms */
};

/* Return 0 if s may be stored; -1 with a message in err if not. */
typedef int (*cfg_check)(const char *s, char *err, size_t errlen);

struct cfg_field {
	const char *name;
	enum cfg_type type;
	int min_args, max_args;     /* CFG_CUSTOM; as in struct cfg_directive */
	cfg_handler handler;        /* CFG_CUSTOM; NULL: accepted and ignored */
	size_t offset, size;        /* the member of ctx's struct: use CFG_AT */
	double min, max;            /* numbers; exact for integers below 2^53 */
	cfg_check check;            /* CFG_STRING */
	const struct cfg_directive *table; /* CFG_TABLE */
};

/* Where a value goes.  The parser refuses (as an error on the line) an
 * entry whose member's size does not fit its type. */
#define CFG_AT(type, member) .offset = offsetof(type, member), .size = sizeof(((type *)0)->member)

/* As cfg_parse_file() and cfg_parse_buffer(), with a typed table (which
 * ends with an entry whose name is NULL). */
int cfg_parse_fields_file(const char *path, const struct cfg_field *table, void *ctx, char *err,
    size_t errlen);
int cfg_parse_fields_buffer(const char *name, const char *buf, size_t len,
    const struct cfg_field *table, void *ctx, char *err, size_t errlen);

/* Value helpers: 0 on success, -1 with a message in err. */
int cfg_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err, size_t errlen);
int cfg_double(const char *s, double min, double max, double *out, char *err, size_t errlen);
int cfg_bool(const char *s, bool *out, char *err, size_t errlen); /* yes/no on/off true/false 1/0 */
/* A copy of s into dst (len bytes with the NUL), or "too long". */
int cfg_string(const char *s, char *dst, size_t len, char *err, size_t errlen);
/* Durations: "30", "30s", "5m", "2h", "1d", "250ms" -> milliseconds. */
int cfg_duration_ms(const char *s, int64_t *out, char *err, size_t errlen);

#endif
