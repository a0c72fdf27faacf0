/*
 * Fuzz push/push_wire: any bytes as a request to oobd-push, as its result
 * line, and as the reason in a result to format.  Checks what the contract
 * promises: a request that decodes is within every bound, encodes again
 * (into PUSH_REQUEST_MAX, as oobd does) and decodes to the same request,
 * byte for byte; a result line that parses is within its bounds, its why
 * printable ASCII, and formats to a line that parses to the same result;
 * a formatted line is printable ASCII ending in '\n'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "push_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
terminated(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static void
check_request(const struct push_request *r, size_t size)
{
	if (!terminated(r->http.url, sizeof(r->http.url)) || r->http.url[0] == '\0' ||
	    !terminated(r->interface, sizeof(r->interface)) ||
	    !terminated(r->source, sizeof(r->source)) ||
	    (r->interface[0] != '\0' && r->source[0] != '\0'))
		abort();
	if (r->nresolve < 0 || r->nresolve > PUSH_RESOLVE_MAX)
		abort();
	for (int i = 0; i < r->nresolve; i++)
		if (!terminated(r->resolve[i], PUSH_ADDR_MAX) || r->resolve[i][0] == '\0')
			abort();
	if (r->timeout_ms < 1 || r->timeout_ms > PUSH_TIMEOUT_MAX_MS || r->retries < 0 ||
	    r->retries > PUSH_RETRIES_MAX || r->retry_delay_ms < 1 ||
	    r->retry_delay_ms > PUSH_DELAY_MAX_MS)
		abort();
	if (r->http.nheaders < 0 || r->http.nheaders > NOTIFY_HEADERS_MAX)
		abort();
	for (int i = 0; i < r->http.nheaders; i++)
		if (!terminated(r->http.headers[i], NOTIFY_HEADER_LEN) ||
		    strpbrk(r->http.headers[i], "\r\n") != NULL ||
		    strchr(r->http.headers[i], ':') == NULL)
			abort();
	if (r->http.body_len > NOTIFY_BODY_MAX || r->http.body_len > size)
		abort();
}

/* Decode zeroes the struct first, so whole arrays compare. */
static bool
same_request(const struct push_request *a, const struct push_request *b)
{
	return memcmp(a->http.url, b->http.url, sizeof(a->http.url)) == 0 &&
	    memcmp(a->http.headers, b->http.headers, sizeof(a->http.headers)) == 0 &&
	    a->http.nheaders == b->http.nheaders && a->http.body_len == b->http.body_len &&
	    memcmp(a->http.body, b->http.body, sizeof(a->http.body)) == 0 &&
	    memcmp(a->interface, b->interface, sizeof(a->interface)) == 0 &&
	    memcmp(a->source, b->source, sizeof(a->source)) == 0 &&
	    memcmp(a->resolve, b->resolve, sizeof(a->resolve)) == 0 &&
	    a->nresolve == b->nresolve && a->timeout_ms == b->timeout_ms &&
	    a->retries == b->retries && a->retry_delay_ms == b->retry_delay_ms;
}

static void
request(const uint8_t *data, size_t size)
{
	static struct push_request r, again;
	static char wire[PUSH_REQUEST_MAX], wire2[PUSH_REQUEST_MAX];
	char err[128];
	long n, n2;

	memset(err, 'x', sizeof(err));
	if (push_request_decode((const char *)data, size, &r, err, sizeof(err)) == -1) {
		if (!terminated(err, sizeof(err)) || err[0] == '\0')
			abort();
		return;
	}
	check_request(&r, size);
	if ((n = push_request_encode(&r, wire, sizeof(wire))) < 0)
		abort();
	if (push_request_decode(wire, (size_t)n, &again, err, sizeof(err)) == -1 ||
	    !same_request(&r, &again))
		abort();
	n2 = push_request_encode(&again, wire2, sizeof(wire2));
	if (n2 != n || memcmp(wire, wire2, (size_t)n) != 0)
		abort();
}

static void
check_line(const char *line, size_t n, size_t outlen)
{
	if (n == 0 || n >= outlen || strlen(line) != n || line[n - 1] != '\n')
		abort();
	for (size_t i = 0; i + 1 < n; i++)
		if (line[i] < 0x20 || line[i] > 0x7e)
			abort();
}

static void
result(const uint8_t *data, size_t size)
{
	struct push_result r, back;
	char line[PUSH_RESULT_MAX];
	size_t n;

	if (push_result_parse((const char *)data, size, &r) == -1)
		return;
	if (r.http_status < 0 || r.http_status > 999 || r.attempts < 0 ||
	    r.attempts > PUSH_RETRIES_MAX + 1 || !terminated(r.why, sizeof(r.why)) ||
	    r.ok != (r.why[0] == '\0') || !printable(r.why))
		abort();
	n = push_result_format(&r, line, sizeof(line));
	check_line(line, n, sizeof(line));
	if (push_result_parse(line, n - 1, &back) == -1 || back.ok != r.ok ||
	    back.http_status != r.http_status || back.attempts != r.attempts ||
	    strcmp(back.why, r.why) != 0)
		abort();
}

/* The bytes as the reason of a failure: cleaned, never lost. */
static void
format_why(const uint8_t *data, size_t size)
{
	struct push_result r = { .ok = false }, back;
	char line[PUSH_RESULT_MAX];
	size_t n, k;

	if (size < 3)
		return;
	r.http_status = (data[0] << 8 | data[1]) % 1000;
	r.attempts = data[2] % (PUSH_RETRIES_MAX + 2);
	k = size - 3 < sizeof(r.why) - 1 ? size - 3 : sizeof(r.why) - 1;
	memcpy(r.why, data + 3, k);
	r.why[k] = '\0';
	n = push_result_format(&r, line, sizeof(line));
	check_line(line, n, sizeof(line));
	if (push_result_parse(line, n - 1, &back) == -1 || back.ok ||
	    back.http_status != r.http_status || back.attempts != r.attempts)
		abort();
	k = strlen(r.why);
	if (k > 0 && strlen(back.why) != k)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	request(data, size);
	result(data, size);
	format_why(data, size);
	return 0;
}
