/*
 * strbuf: a bounded string builder (see strbuf.h).
 */
#include <string.h>

#include "strbuf.h"

void
strbuf_init(struct strbuf *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = 0;
	b->overflow = false;
	if (cap > 0)
		p[0] = '\0';
}

void
strbuf_add(struct strbuf *b, const void *s, size_t n)
{
	if (b->overflow || b->cap == 0 || n > b->cap - 1 - b->len) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
strbuf_addc(struct strbuf *b, char c)
{
	strbuf_add(b, &c, 1);
}

void
strbuf_adds(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}
