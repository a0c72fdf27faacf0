/*
 * Fuzz web/http_req: any bytes as what a client sent so far.  Checks what
 * the contract promises: a complete head lies within what was given and
 * within HTTP_REQ_MAX, its path begins with '/' and holds only visible
 * ASCII, path and query are terminated within their arrays; a refusal
 * carries one of the statuses the header names and a reason; and a head
 * that is complete stays complete, the same, with more bytes after it.
 * The input is copied into a buffer of exactly its size, so that ASan sees
 * any read past the end.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
visible(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

static void
check_done(const struct http_request *r, size_t size)
{
	if (r->head_len == 0 || r->head_len > size || r->head_len > HTTP_REQ_MAX)
		abort();
	if (memchr(r->path, '\0', sizeof(r->path)) == NULL ||
	    memchr(r->query, '\0', sizeof(r->query)) == NULL)
		abort();
	if (r->path[0] != '/' || !visible(r->path) || !visible(r->query))
		abort();
	if (r->method != HTTP_GET && r->method != HTTP_HEAD)
		abort();
	if (r->version_minor != 0 && r->version_minor != 1)
		abort();
}

static void
check_error(const struct http_request *r)
{
	static const int allowed[] = { 400, 405, 413, 414, 431, 501, 505 };
	bool ok = false;

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		ok = ok || r->status == allowed[i];
	if (!ok || r->why == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req, again;
	char *buf = malloc(size ? size : 1);
	enum http_parse r;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	r = http_req_parse(buf, size, &req);
	if (r == HTTP_PARSE_DONE) {
		check_done(&req, size);
		/* The head alone parses to the same request. */
		if (http_req_parse(buf, req.head_len, &again) != HTTP_PARSE_DONE ||
		    again.head_len != req.head_len || strcmp(again.path, req.path) != 0 ||
		    strcmp(again.query, req.query) != 0 || again.method != req.method)
			abort();
	} else if (r == HTTP_PARSE_ERROR) {
		check_error(&req);
	} else if (r != HTTP_PARSE_MORE || size >= HTTP_REQ_MAX) {
		abort();
	}
	free(buf);
	return 0;
}
