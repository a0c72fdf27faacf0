/*
 * jsonw: a small JSON writer into a bounded buffer.  See jsonw.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "text.h"

void
jsonw_init(struct jsonw *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	w->first[0] = true;
	if (cap == 0)
		w->failed = true;
	else
		buf[0] = '\0';
}

static void
put(struct jsonw *w, const char *s, size_t n)
{
	if (w->failed)
		return;
	if (n >= w->cap - w->len) {
		w->failed = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void
putc_(struct jsonw *w, char c)
{
	put(w, &c, 1);
}

static void __attribute__((format(printf, 2, 3)))
putf(struct jsonw *w, const char *fmt, ...)
{
	char tmp[400]; /* %.17f of DBL_MAX fits */
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		w->failed = true;
		return;
	}
	put(w, tmp, (size_t)n);
}

static void
put_string(struct jsonw *w, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;
	uint32_t cp;

	putc_(w, '"');
	while (i < len) {
		if (s[i] == '"' || s[i] == '\\') {
			putc_(w, '\\');
			putc_(w, (char)s[i++]);
		} else if (s[i] < 0x20 || s[i] == 0x7f) {
			putf(w, "\\u%04x", s[i++]);
		} else if ((n = text_utf8_get(s + i, len - i, &cp)) == 0) {
			put(w, "\xef\xbf\xbd", 3);
			i++;
		} else {
			put(w, (const char *)s + i, n);
			i += n;
		}
	}
	putc_(w, '"');
}

/* Comma and key before a member. */
static void
member(struct jsonw *w, const char *key)
{
	if (!w->first[w->depth])
		putc_(w, ',');
	w->first[w->depth] = false;
	if (key != NULL) {
		put_string(w, key, strlen(key));
		putc_(w, ':');
	}
}

static void
open_level(struct jsonw *w, const char *key, char opener, char closer)
{
	member(w, key);
	if (w->depth + 1 >= JSONW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	putc_(w, opener);
	w->depth++;
	w->closer[w->depth] = closer;
	w->first[w->depth] = true;
}

void
jsonw_begin(struct jsonw *w, const char *key)
{
	open_level(w, key, '{', '}');
}

void
jsonw_begin_array(struct jsonw *w, const char *key)
{
	open_level(w, key, '[', ']');
}

void
jsonw_end(struct jsonw *w)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	putc_(w, w->closer[w->depth]);
	w->depth--;
}

void
jsonw_strn(struct jsonw *w, const char *key, const char *s, size_t len)
{
	member(w, key);
	put_string(w, s, len);
}

void
jsonw_str(struct jsonw *w, const char *key, const char *s)
{
	jsonw_strn(w, key, s, strlen(s));
}

void
jsonw_int(struct jsonw *w, const char *key, long long v)
{
	member(w, key);
	putf(w, "%lld", v);
}

void
jsonw_double(struct jsonw *w, const char *key, double v, int decimals)
{
	member(w, key);
	if (!isfinite(v)) {
		put(w, "null", 4);
		return;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 17)
		decimals = 17;
	putf(w, "%.*f", decimals, v);
}

void
jsonw_bool(struct jsonw *w, const char *key, bool v)
{
	member(w, key);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void
jsonw_null(struct jsonw *w, const char *key)
{
	member(w, key);
	put(w, "null", 4);
}

int
jsonw_finish(const struct jsonw *w)
{
	if (w->failed || w->depth != 0 || w->len > (size_t)INT32_MAX)
		return -1;
	return (int)w->len;
}

int
jsonw_finish_line(struct jsonw *w)
{
	int n = jsonw_finish(w);

	if (n < 0 || (size_t)n + 2 > w->cap)
		return -1;
	w->buf[n] = '\n';
	w->buf[n + 1] = '\0';
	w->len = (size_t)n + 1;
	return n + 1;
}
