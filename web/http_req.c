/*
 * http_req: an HTTP/1.x request head, judged line by line; see http_req.h.
 */
#include <stdbool.h>
#include <string.h>

#include "http_req.h"
#include "text.h"

/* A line of the head, without its CRLF or LF. */
struct line {
	const char *p;
	size_t len;
};

static enum http_parse
refuse(struct http_request *req, int status, const char *why)
{
	req->status = status;
	req->why = why;
	return HTTP_PARSE_ERROR;
}

/* RFC 9110 section 5.6.2: the characters of a token. */
static bool
is_tchar(unsigned char c)
{
	return text_isalnum((char)c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static size_t
token_len(const char *p, size_t len)
{
	size_t n = 0;

	while (n < len && is_tchar((unsigned char)p[n]))
		n++;
	return n;
}

static bool
equals_ci(const char *p, size_t len, const char *word)
{
	return strlen(word) == len && text_prefix_ci(p, word);
}

/* The next line from *pos: 1 with *ln set, 0 when it has not ended yet, -1
 * for a CR that does not end it. */
static int
next_line(const char *buf, size_t len, size_t *pos, struct line *ln)
{
	const char *start = buf + *pos, *lf = memchr(start, '\n', len - *pos);
	size_t n;

	if (lf == NULL)
		return 0;
	n = (size_t)(lf - start);
	if (n > 0 && start[n - 1] == '\r')
		n--;
	if (memchr(start, '\r', n) != NULL)
		return -1;
	ln->p = start;
	ln->len = n;
	*pos += (size_t)(lf - start) + 1;
	return 1;
}

/* Split the target into path and query; the absolute form keeps its path. */
static enum http_parse
take_target(const char *t, size_t n, struct http_request *req)
{
	const char *q;
	size_t skip = 0;

	if (n == 0)
		return refuse(req, 400, "empty request target");
	if (n >= HTTP_TARGET_MAX)
		return refuse(req, 414, "request target too long");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x21 || (unsigned char)t[i] > 0x7e || t[i] == '#')
			return refuse(req, 400, "bad character in the request target");
	if (n > 0 && t[0] != '/') {
		const char *sep = memchr(t, ':', n);

		if (sep == NULL || (size_t)(sep - t) + 3 > n || memcmp(sep, "://", 3) != 0 ||
		    !(equals_ci(t, (size_t)(sep - t), "http") ||
			equals_ci(t, (size_t)(sep - t), "https")))
			return refuse(req, 400, "request target neither a path nor an http URI");
		skip = (size_t)(sep - t) + 3;
		while (skip < n && t[skip] != '/' && t[skip] != '?')
			skip++;
	}
	t += skip;
	n -= skip;
	q = memchr(t, '?', n);
	if (t == q || n == 0) {		/* http://host or http://host?q */
		req->path[0] = '/';
		req->path[1] = '\0';
	} else {
		text_copy_n(req->path, sizeof(req->path), t, q ? (size_t)(q - t) : n);
	}
	if (q != NULL)
		text_copy_n(req->query, sizeof(req->query), q + 1, n - (size_t)(q - t) - 1);
	return HTTP_PARSE_MORE;
}

/* "HTTP/" DIGIT "." DIGIT */
static enum http_parse
take_version(const char *v, size_t n, struct http_request *req)
{
	if (n != 8 || memcmp(v, "HTTP/", 5) != 0 || !text_isdigit(v[5]) || v[6] != '.' ||
	    !text_isdigit(v[7]))
		return refuse(req, 400, "bad HTTP version");
	if (v[5] != '1')
		return refuse(req, 505, "HTTP version not supported");
	req->version_minor = v[7] == '0' ? 0 : 1;	/* 1.2 and on read as 1.1 */
	return HTTP_PARSE_MORE;
}

/* method SP request-target SP HTTP-version */
static enum http_parse
take_request_line(const struct line *ln, struct http_request *req)
{
	const char *sp1, *sp2;
	size_t mlen = token_len(ln->p, ln->len);
	enum http_parse r;

	if (mlen == 0 || mlen == ln->len || ln->p[mlen] != ' ')
		return refuse(req, 400, "bad request line");
	sp1 = ln->p + mlen;
	sp2 = memchr(sp1 + 1, ' ', ln->len - mlen - 1);
	if (sp2 == NULL)
		return refuse(req, 400, "bad request line");
	if ((r = take_version(sp2 + 1, ln->len - (size_t)(sp2 + 1 - ln->p), req)) != HTTP_PARSE_MORE)
		return r;
	if (mlen == 3 && memcmp(ln->p, "GET", 3) == 0)	/* methods are case-sensitive */
		req->method = HTTP_GET;
	else if (mlen == 4 && memcmp(ln->p, "HEAD", 4) == 0)
		req->method = HTTP_HEAD;
	else
		return refuse(req, 405, "method not allowed");
	return take_target(sp1 + 1, (size_t)(sp2 - sp1 - 1), req);
}

/* What the fields said that matters here. */
struct fields {
	int count, hosts;
};

static enum http_parse
take_content_length(const char *v, size_t n, struct http_request *req)
{
	bool zero = true;

	if (n == 0)
		return refuse(req, 400, "bad Content-Length");
	for (size_t i = 0; i < n; i++) {
		if (!text_isdigit(v[i]))
			return refuse(req, 400, "bad Content-Length");
		zero = zero && v[i] == '0';
	}
	return zero ? HTTP_PARSE_MORE : refuse(req, 413, "a request body");
}

/* field-name ":" OWS field-value OWS */
static enum http_parse
take_field(const struct line *ln, struct fields *f, struct http_request *req)
{
	size_t nlen = token_len(ln->p, ln->len), i, end;

	if (++f->count > HTTP_FIELDS_MAX)
		return refuse(req, 431, "too many header fields");
	if (ln->p[0] == ' ' || ln->p[0] == '\t')
		return refuse(req, 400, "folded header field");
	if (nlen == 0 || nlen == ln->len || ln->p[nlen] != ':')
		return refuse(req, 400, "bad header field name");
	for (i = nlen + 1; i < ln->len && (ln->p[i] == ' ' || ln->p[i] == '\t'); i++)
		;
	for (end = ln->len; end > i && (ln->p[end - 1] == ' ' || ln->p[end - 1] == '\t'); end--)
		;
	for (size_t k = i; k < end; k++) {
		unsigned char c = (unsigned char)ln->p[k];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return refuse(req, 400, "control character in a header field");
	}
	if (equals_ci(ln->p, nlen, "host"))
		f->hosts++;
	else if (equals_ci(ln->p, nlen, "transfer-encoding"))
		return refuse(req, 501, "Transfer-Encoding");
	else if (equals_ci(ln->p, nlen, "content-length"))
		return take_content_length(ln->p + i, end - i, req);
	return HTTP_PARSE_MORE;
}

/* The head did not end within what was received. */
static enum http_parse
not_ended(size_t len, bool request_line_seen, struct http_request *req)
{
	if (len < HTTP_REQ_MAX)
		return HTTP_PARSE_MORE;
	if (!request_line_seen)
		return refuse(req, 414, "request line too long");
	return refuse(req, 431, "request head too long");
}

enum http_parse
http_req_parse(const char *buf, size_t len, struct http_request *req)
{
	struct fields f = { 0, 0 };
	struct line ln;
	size_t pos = 0;
	bool first = true;
	enum http_parse r;
	int got;

	memset(req, 0, sizeof(*req));
	if (len > HTTP_REQ_MAX)
		len = HTTP_REQ_MAX;
	while ((got = next_line(buf, len, &pos, &ln)) > 0) {
		if (first && ln.len == 0)
			continue;	/* RFC 9112 2.2: empty lines before it */
		if (first) {
			if ((r = take_request_line(&ln, req)) != HTTP_PARSE_MORE)
				return r;
			first = false;
			continue;
		}
		if (ln.len == 0) {
			if (f.hosts > 1 || (req->version_minor >= 1 && f.hosts == 0))
				return refuse(req, 400, "not exactly one Host field");
			req->head_len = pos;
			return HTTP_PARSE_DONE;
		}
		if ((r = take_field(&ln, &f, req)) != HTTP_PARSE_MORE)
			return r;
	}
	if (got < 0)
		return refuse(req, 400, "a bare CR");
	return not_ended(len, !first, req);
}

const char *
http_status_text(int status)
{
	static const struct {
		int status;
		const char *text;
	} t[] = {
		{ 200, "OK" },
		{ 400, "Bad Request" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 408, "Request Timeout" },
		{ 413, "Content Too Large" },
		{ 414, "URI Too Long" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" },
		{ 501, "Not Implemented" },
		{ 503, "Service Unavailable" },
		{ 505, "HTTP Version Not Supported" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].status == status)
			return t[i].text;
	return "Error";
}
