/*
 * jsonw: write one JSON value (usually one object per output line) into a
 * caller's buffer.
 *
 * The writer never writes past the buffer: when something does not fit it
 * remembers the overflow and jsonw_finish() fails, so a caller prints
 * either a whole, valid object or nothing.  Strings are escaped: '"' and
 * '\' with a backslash, control characters (and DEL) as \u00XX, valid UTF-8
 * passed through, and every byte that is not part of valid UTF-8 replaced by
 * U+FFFD, so any input bytes give valid JSON.  Non-finite doubles are null.
 *
 * Members take a key; inside an array, pass key NULL.  Usage:
 *
 *	char buf[1024];
 *	struct jsonw w;
 *	jsonw_init(&w, buf, sizeof(buf));
 *	jsonw_begin(&w, NULL);
 *	jsonw_str(&w, "type", "RMC");
 *	jsonw_double(&w, "lat", 44.068843333, 9);
 *	jsonw_end(&w);
 *	if (jsonw_finish(&w) >= 0)
 *		puts(buf);
 */
#ifndef OUTPOST_JSONW_H
#define OUTPOST_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#define JSONW_MAX_DEPTH 16

struct jsonw {
	char *buf;
	size_t cap;
	size_t len;
	bool failed;            /* overflow, too deep, or unbalanced */
	int depth;
	char closer[JSONW_MAX_DEPTH]; /* '}' or ']' per open level */
	bool first[JSONW_MAX_DEPTH];  /* no member written yet at this level */
};

/* buf must hold at least 1 byte; it is kept NUL-terminated. */
void jsonw_init(struct jsonw *w, char *buf, size_t cap);

/* Open an object / array as member key (NULL at top level or in an array). */
void jsonw_begin(struct jsonw *w, const char *key);
void jsonw_begin_array(struct jsonw *w, const char *key);
/* Close the innermost open object or array. */
void jsonw_end(struct jsonw *w);

void jsonw_str(struct jsonw *w, const char *key, const char *s);
void jsonw_strn(struct jsonw *w, const char *key, const char *s, size_t len);
void jsonw_int(struct jsonw *w, const char *key, long long v);
/* Fixed-point with the given decimals (0..17), e.g. 9 for degrees. */
void jsonw_double(struct jsonw *w, const char *key, double v, int decimals);
void jsonw_bool(struct jsonw *w, const char *key, bool v);
void jsonw_null(struct jsonw *w, const char *key);

/* Length of the finished text (NUL-terminated in buf), or -1 if anything
 * did not fit or objects/arrays are left open. */
int jsonw_finish(const struct jsonw *w);
/* The same, with a newline added after the text (one object per line, as
 * the control sockets answer): its length with the newline, or -1. */
int jsonw_finish_line(struct jsonw *w);

#endif
