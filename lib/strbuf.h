/*
 * strbuf: a bounded string builder over a caller's buffer.  The text is
 * NUL-terminated after every call; a piece that does not fit whole is not
 * added, and sets overflow, after which nothing more is added: a caller
 * checks overflow once at the end instead of after every piece.
 */
#ifndef OUTPOST_STRBUF_H
#define OUTPOST_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *p;
	size_t cap;                 /* bytes of p, the NUL's included */
	size_t len;
	bool overflow;
};

/* With cap 0 (no room even for the NUL) every add overflows. */
void strbuf_init(struct strbuf *b, char *p, size_t cap);
void strbuf_add(struct strbuf *b, const void *s, size_t n);
void strbuf_addc(struct strbuf *b, char c);
void strbuf_adds(struct strbuf *b, const char *s);

#endif
