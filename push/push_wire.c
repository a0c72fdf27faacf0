/*
 * push_wire: the request to oobd-push and its result line (push_wire.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>		/* explicit_bzero on FreeBSD */
#include <sys/socket.h>		/* AF_INET, AF_INET6: FreeBSD's arpa/inet.h does not bring them */

#include "push_wire.h"
#include "text.h"

#define PUSH_MAGIC	"oobd-push 1"

/* ---- Encoding ---- */

static bool
line_clean(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

bool
push_addr_valid(const char *a)
{
	unsigned char bin[16];

	return inet_pton(AF_INET, a, bin) == 1 || inet_pton(AF_INET6, a, bin) == 1;
}

bool
push_ifname_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < PUSH_IFNAME_MAX && strpbrk(s, "!:/ \t") == NULL && line_clean(s);
}

static bool
request_valid(const struct push_request *r)
{
	struct notify_url u;
	char err[160];

	if (r->http.url[0] == '\0' || !line_clean(r->http.url) ||
	    notify_url_parse(r->http.url, &u, err, sizeof(err)) == -1 ||
	    r->http.nheaders < 0 || r->http.nheaders > NOTIFY_HEADERS_MAX ||
	    r->http.body_len > NOTIFY_BODY_MAX || r->nresolve < 0 ||
	    r->nresolve > PUSH_RESOLVE_MAX || r->timeout_ms < 1 ||
	    r->timeout_ms > PUSH_TIMEOUT_MAX_MS || r->retries < 0 ||
	    r->retries > PUSH_RETRIES_MAX || r->retry_delay_ms < 1 ||
	    r->retry_delay_ms > PUSH_DELAY_MAX_MS)
		return false;
	if (r->interface[0] != '\0' &&
	    (r->source[0] != '\0' || !push_ifname_valid(r->interface)))
		return false;
	if (r->source[0] != '\0' && !push_addr_valid(r->source))
		return false;
	for (int i = 0; i < r->nresolve; i++)
		if (!push_addr_valid(r->resolve[i]))
			return false;
	for (int i = 0; i < r->http.nheaders; i++)
		if (!line_clean(r->http.headers[i]) || strchr(r->http.headers[i], ':') == NULL)
			return false;
	return true;
}

struct out {
	char *buf;
	size_t cap, len;
	bool full;
};

static void
put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One line into the buffer, which needs no room for a NUL. */
static void
put(struct out *o, const char *fmt, ...)
{
	char line[NOTIFY_URL_MAX + NOTIFY_HEADER_LEN];
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) || (size_t)n > o->cap - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, line, (size_t)n);
	o->len += (size_t)n;
}

long
push_request_encode(const struct push_request *r, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0, cap == 0 };

	if (!request_valid(r)) {
		errno = EINVAL;
		return -1;
	}
	put(&o, "%s\nurl %s\n", PUSH_MAGIC, r->http.url);
	if (r->interface[0] != '\0')
		put(&o, "interface %s\n", r->interface);
	if (r->source[0] != '\0')
		put(&o, "source %s\n", r->source);
	for (int i = 0; i < r->nresolve; i++)
		put(&o, "resolve %s\n", r->resolve[i]);
	put(&o, "timeout-ms %lld\nretries %d\nretry-delay-ms %lld\n", (long long)r->timeout_ms,
	    r->retries, (long long)r->retry_delay_ms);
	for (int i = 0; i < r->http.nheaders; i++)
		put(&o, "header %s\n", r->http.headers[i]);
	put(&o, "body %zu\n", r->http.body_len);
	if (o.full || o.cap - o.len < r->http.body_len) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(o.buf + o.len, r->http.body, r->http.body_len);
	return (long)(o.len + r->http.body_len);
}

/* ---- Decoding ---- */

struct cursor {
	const char *p;
	size_t left;
};

/* The next line (without '\n', NUL-terminated in line): 0, or -1 when there
 * is none, it is too long, or it holds a control character or NUL. */
static int
next_line(struct cursor *c, char *line, size_t linelen)
{
	const char *nl = memchr(c->p, '\n', c->left);
	size_t n;

	if (nl == NULL)
		return -1;
	n = (size_t)(nl - c->p);
	if (n >= linelen)
		return -1;
	memcpy(line, c->p, n);
	line[n] = '\0';
	if (strlen(line) != n || !line_clean(line))
		return -1;
	c->p += n + 1;
	c->left -= n + 1;
	return 0;
}

/* "KEY VALUE": the value when line starts with key and a space, else NULL. */
static const char *
value_of(const char *line, const char *key)
{
	size_t k = strlen(key);

	return strncmp(line, key, k) == 0 && line[k] == ' ' ? line + k + 1 : NULL;
}

/* Decimal digits only, at most 9 of them, within lo..hi. */
static int
number(const char *s, long lo, long hi, long *out)
{
	long v = 0;
	size_t n = 0;

	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		if (n == 9)
			return -1;
		v = v * 10 + (s[n] - '0');
	}
	if (n == 0 || s[n] != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int
copy_value(char *dst, size_t len, const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n >= len)
		return -1;
	memcpy(dst, v, n + 1);
	return 0;
}

static int
decode_numbers(struct cursor *c, char *line, size_t linelen, struct push_request *r,
    const char **what)
{
	const char *v;
	long n;

	*what = "timeout-ms";
	if ((v = value_of(line, "timeout-ms")) == NULL ||
	    number(v, 1, PUSH_TIMEOUT_MAX_MS, &n) == -1)
		return -1;
	r->timeout_ms = n;
	*what = "retries";
	if (next_line(c, line, linelen) == -1 || (v = value_of(line, "retries")) == NULL ||
	    number(v, 0, PUSH_RETRIES_MAX, &n) == -1)
		return -1;
	r->retries = (int)n;
	*what = "retry-delay-ms";
	if (next_line(c, line, linelen) == -1 ||
	    (v = value_of(line, "retry-delay-ms")) == NULL ||
	    number(v, 1, PUSH_DELAY_MAX_MS, &n) == -1)
		return -1;
	r->retry_delay_ms = n;
	return 0;
}

int
push_request_decode(const char *buf, size_t len, struct push_request *r, char *err,
    size_t errlen)
{
	struct cursor c = { buf, len };
	char line[NOTIFY_HEADER_LEN + 16];
	const char *v, *what = "the first line";
	struct notify_url u;
	long n;

	memset(r, 0, sizeof(*r));
	if (next_line(&c, line, sizeof(line)) == -1 || strcmp(line, PUSH_MAGIC) != 0)
		goto bad;
	what = "url";
	if (next_line(&c, line, sizeof(line)) == -1 || (v = value_of(line, "url")) == NULL ||
	    copy_value(r->http.url, sizeof(r->http.url), v) == -1 ||
	    notify_url_parse(r->http.url, &u, err, errlen) == -1)
		goto bad;
	what = "the route";
	if (next_line(&c, line, sizeof(line)) == -1)
		goto bad;
	if ((v = value_of(line, "interface")) != NULL) {
		if (copy_value(r->interface, sizeof(r->interface), v) == -1 ||
		    !push_ifname_valid(r->interface) || next_line(&c, line, sizeof(line)) == -1)
			goto bad;
	} else if ((v = value_of(line, "source")) != NULL) {
		if (copy_value(r->source, sizeof(r->source), v) == -1 ||
		    !push_addr_valid(r->source) || next_line(&c, line, sizeof(line)) == -1)
			goto bad;
	}
	what = "resolve";
	while ((v = value_of(line, "resolve")) != NULL) {
		if (r->nresolve == PUSH_RESOLVE_MAX ||
		    copy_value(r->resolve[r->nresolve], PUSH_ADDR_MAX, v) == -1 ||
		    !push_addr_valid(r->resolve[r->nresolve]) ||
		    next_line(&c, line, sizeof(line)) == -1)
			goto bad;
		r->nresolve++;
	}
	if (decode_numbers(&c, line, sizeof(line), r, &what) == -1)
		goto bad;
	what = "header";
	if (next_line(&c, line, sizeof(line)) == -1)
		goto bad;
	while ((v = value_of(line, "header")) != NULL) {
		if (r->http.nheaders == NOTIFY_HEADERS_MAX || strchr(v, ':') == NULL ||
		    copy_value(r->http.headers[r->http.nheaders], NOTIFY_HEADER_LEN, v) == -1 ||
		    next_line(&c, line, sizeof(line)) == -1)
			goto bad;
		r->http.nheaders++;
	}
	what = "body";
	if ((v = value_of(line, "body")) == NULL || number(v, 0, NOTIFY_BODY_MAX, &n) == -1 ||
	    (size_t)n != c.left)
		goto bad;
	memcpy(r->http.body, c.p, c.left);
	r->http.body_len = c.left;
	return 0;
bad:
	text_errf(err, errlen, "bad request: %s", what);
	explicit_bzero(line, sizeof(line));
	return -1;
}

/* ---- The result line ---- */

size_t
push_result_format(const struct push_result *r, char *out, size_t outlen)
{
	char why[PUSH_WHY_MAX], line[PUSH_RESULT_MAX];
	size_t n = 0;
	int len;

	if (outlen == 0)
		return 0;
	for (const char *s = r->why; *s != '\0' && n + 1 < sizeof(why); s++)
		why[n++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	why[n] = '\0';
	if (r->ok)
		len = snprintf(line, sizeof(line), "ok %ld %d\n", r->http_status, r->attempts);
	else
		len = snprintf(line, sizeof(line), "fail %ld %d %s\n", r->http_status,
		    r->attempts, why[0] != '\0' ? why : "(no reason given)");
	if (len < 0 || outlen < 2) {
		out[0] = '\0';
		return 0;
	}
	n = (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1;
	if (n > outlen - 1)
		n = outlen - 1;		/* cut the reason, keep the end of line */
	memcpy(out, line, n);
	out[n - 1] = '\n';
	out[n] = '\0';
	return n;
}

int
push_result_parse(const char *line, size_t len, struct push_result *r)
{
	char buf[PUSH_RESULT_MAX], *p, *sp;
	long status, attempts;
	size_t n;

	memset(r, 0, sizeof(*r));
	if (len >= sizeof(buf) || memchr(line, '\0', len) != NULL)
		return -1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			return -1;
	if (strncmp(buf, "ok ", 3) == 0) {
		r->ok = true;
		p = buf + 3;
	} else if (strncmp(buf, "fail ", 5) == 0) {
		p = buf + 5;
	} else {
		return -1;
	}
	if ((sp = strchr(p, ' ')) == NULL)
		return -1;
	*sp = '\0';
	if (number(p, 0, 999, &status) == -1)
		return -1;
	p = sp + 1;
	sp = strchr(p, ' ');
	if (r->ok != (sp == NULL))
		return -1;
	if (sp != NULL)
		*sp = '\0';
	if (number(p, 0, PUSH_RETRIES_MAX + 1, &attempts) == -1)
		return -1;
	r->http_status = status;
	r->attempts = (int)attempts;
	if (sp != NULL) {
		n = strlen(sp + 1);
		if (n == 0 || n >= sizeof(r->why))
			return -1;
		memcpy(r->why, sp + 1, n + 1);
	}
	return 0;
}
