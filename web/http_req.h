/*
 * http_req: the head of an HTTP/1.x request (RFC 9112), as a daemon's
 * metrics endpoint and status page need it: the method, the target's path
 * and query, the version, and nothing else kept.
 *
 * Strict and small on purpose.  Only GET and HEAD are served (any other
 * method is 405); a request has no body (Content-Length other than 0 is 413,
 * Transfer-Encoding is 501); an HTTP/1.1 request carries exactly one Host
 * field (400 otherwise); the request line and the fields together fit in
 * HTTP_REQ_MAX bytes (431 otherwise, 414 when the target alone is too long),
 * with at most HTTP_FIELDS_MAX fields.  A field line that begins with a
 * blank (obsolete folding), a blank before a field's colon, a control
 * character in a value, a bare CR: 400, never guessed at.  Lines end in
 * CRLF or a bare LF (RFC 9112 section 2.2 lets a server take either), and
 * empty lines before the request line are skipped.  A target in absolute
 * form (http://host/path) is reduced to its path, as section 3.2.2 asks.
 *
 * The parser is pure: it takes the bytes received so far, from the first,
 * and says whether the head is complete, incomplete, or wrong.  Called again
 * with more bytes it starts over; heads are small.  A line already complete
 * is judged at once, so a wrong request is refused before it ends.
 */
#ifndef OUTPOST_HTTP_REQ_H
#define OUTPOST_HTTP_REQ_H

#include <stddef.h>

#define HTTP_REQ_MAX	 4096	/* bytes: request line and fields */
#define HTTP_TARGET_MAX	 512	/* bytes of the request target, NUL included */
#define HTTP_FIELDS_MAX	 32

enum http_method { HTTP_GET, HTTP_HEAD };

enum http_parse {
	HTTP_PARSE_MORE,	/* no error yet, the head has not ended */
	HTTP_PARSE_DONE,	/* req filled; head_len bytes were the head */
	HTTP_PARSE_ERROR,	/* req->status says which: 400, 405, 413, ... */
};

struct http_request {
	enum http_method method;
	int version_minor;		/* HTTP/1.0 or HTTP/1.1 */
	char path[HTTP_TARGET_MAX];	/* from '/' up to '?', as sent */
	char query[HTTP_TARGET_MAX];	/* after '?', "" without one */
	size_t head_len;		/* on DONE: through the empty line */
	int status;			/* on ERROR: the status to answer */
	const char *why;		/* on ERROR: for the log, static text */
};

enum http_parse http_req_parse(const char *buf, size_t len, struct http_request *req);

/* "Not Found" for 404 and so on; "Error" for a status it does not know. */
const char *http_status_text(int status);

#endif
