/*
 * Fuzz oobd/notify's parsers: any bytes as notify directives in oobd.conf
 * (then every target's request built from them), as a URL, as a server's
 * answer to summarise, and as the title and text of a message.  Checks
 * what the contract promises: error messages terminated, no CR or LF in
 * a header, a summary of printable ASCII, bodies of the length reported.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
h_notify(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	int rc = notify_conf_directive(ctx, l, err, errlen);

	if (rc == 1)
		abort();	/* the table only routes notify directives here */
	return rc;
}

static const struct cfg_directive table[] = {
	{ "notify", 1, -1, h_notify },
	{ "notify-timeout", 0, -1, h_notify },
	{ "notify-retries", 0, -1, h_notify },
	{ "notify-helper", 0, -1, h_notify },
	{ "notify-user", 0, -1, h_notify },
	{ "include", 0, -1, NULL },	/* no files */
	{ NULL, 0, 0, NULL },
};

static void
check_request(const struct notify_request *r)
{
	if (r->nheaders < 0 || r->nheaders > NOTIFY_HEADERS_MAX || r->body_len >= NOTIFY_BODY_MAX)
		abort();
	for (int i = 0; i < r->nheaders; i++)
		if (strpbrk(r->headers[i], "\r\n") != NULL)
			abort();
	if (memchr(r->body, '\0', r->body_len) != NULL || r->body[r->body_len] != '\0')
		abort();
}

static void
build_all(const struct notify_conf *c, const char *title, const char *text)
{
	static const char *const events[] = { "up", "down", "failed", "status" };
	struct notify_message m = { .title = title, .text = text, .host = "fuzz", .time = 0 };
	static struct notify_request req;
	char err[NOTIFY_ERR_MAX];

	for (int i = 0; i < c->ntargets; i++) {
		m.event = events[i % 4];
		if (notify_build_request(c, &c->targets[i], &m, &req, err, sizeof(err)) == 0)
			check_request(&req);
		else if (memchr(err, '\0', sizeof(err)) == NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct notify_conf c, each;
	char err[CFG_ERRLEN], sum[96];
	struct notify_endpoint ep[NOTIFY_MAX_TARGETS];
	struct notify_url u;
	char *s;

	notify_conf_init(&c);
	err[0] = '\0';
	if (cfg_parse_buffer("oobd.conf", (const char *)data, size, table, &c, err,
		sizeof(err)) == -1 && err[0] == '\0')
		abort();
	if (c.ntargets < 0 || c.ntargets > NOTIFY_MAX_TARGETS)
		abort();
	build_all(&c, "title", "text");
	if (notify_conf_endpoints(&c, ep, NOTIFY_MAX_TARGETS) > c.ntargets)
		abort();

	notify_response_summary((const char *)data, size, sum, sizeof(sum));
	for (const char *p = sum; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (notify_url_parse(s, &u, err, sizeof(err)) == 0 && (u.host[0] == '\0' ||
	    u.port == 0 || u.port > 65535))
		abort();
	/* The same bytes as title and text, for one target of each kind. */
	if (each.ntargets == 0) {
		notify_conf_init(&each);
		each.ntargets = 3;
		each.targets[0].kind = NOTIFY_PUSHOVER;
		each.targets[1].kind = NOTIFY_NTFY;
		snprintf(each.targets[1].url, sizeof(each.targets[1].url), "https://ntfy.sh/t");
		snprintf(each.targets[1].token, sizeof(each.targets[1].token), "tk");
		each.targets[2].kind = NOTIFY_WEBHOOK;
		snprintf(each.targets[2].url, sizeof(each.targets[2].url), "https://h/x");
	}
	build_all(&each, s, s);
	free(s);
	return 0;
}
