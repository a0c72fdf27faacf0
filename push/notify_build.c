/*
 * notify_build: configuration directives, URLs, request bodies and the
 * summary of an error answer (see notify_build.h).  No I/O here except
 * notify_conf_load_secrets(); the transfers are oobd/notify.c's.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jsonw.h"
#include "notify_build.h"
#include "secretfile.h"
#include "strbuf.h"
#include "text.h"

void
notify_conf_init(struct notify_conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->pushover_url, sizeof(c->pushover_url), "%s", NOTIFY_PUSHOVER_URL);
	c->timeout_ms = NOTIFY_TIMEOUT_MS;
	c->retries = NOTIFY_RETRIES;
	c->retry_delay_ms = NOTIFY_RETRY_DELAY_MS;
	snprintf(c->helper, sizeof(c->helper), "%s", OOBD_PUSH_HELPER);
	snprintf(c->user, sizeof(c->user), "nobody");
}

void
notify_conf_clear(struct notify_conf *c)
{
	explicit_bzero(c, sizeof(*c));
}

const char *
notify_kind_name(enum notify_kind k)
{
	switch (k) {
	case NOTIFY_PUSHOVER:
		return "pushover";
	case NOTIFY_NTFY:
		return "ntfy";
	case NOTIFY_WEBHOOK:
		return "webhook";
	}
	return "?";
}

bool
notify_event_valid(const char *event)
{
	static const char *const events[] = { "up", "down", "failed", "status" };

	if (event == NULL)
		return false;
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (strcmp(event, events[i]) == 0)
			return true;
	return false;
}

static bool
event_is_bad_news(const char *event)
{
	return strcmp(event, "down") == 0 || strcmp(event, "failed") == 0;
}

/* ---- URLs ---- */

static bool
host_char(char c)
{
	return text_isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~';
}

static bool
ipv6_char(char c)
{
	return text_isxdigit(c) || c == ':' || c == '.';
}

/* The authority [user@]host[:port] in s[0..len) into u. */
static int
parse_authority(const char *s, size_t len, struct notify_url *u, char *err, size_t errlen)
{
	const char *at = memchr(s, '@', len), *host, *end = s + len, *p;
	size_t hlen;

	host = at != NULL ? at + 1 : s;	/* credentials are allowed, never shown */
	if (host < end && *host == '[') {
		for (p = host + 1; p < end && ipv6_char(*p); p++)
			;
		if (p == end || *p != ']' || p == host + 1) {
			snprintf(err, errlen, "bad IPv6 address in URL");
			return -1;
		}
		hlen = (size_t)(p - host - 1);
		host++;
		p++;
		u->literal = true;
	} else {
		bool digits_dots = true;

		for (p = host; p < end && host_char(*p); p++)
			digits_dots = digits_dots && (text_isdigit(*p) || *p == '.');
		hlen = (size_t)(p - host);
		u->literal = digits_dots && hlen > 0;
	}
	if (hlen == 0 || hlen >= sizeof(u->host)) {
		snprintf(err, errlen, "URL without a valid host");
		return -1;
	}
	memcpy(u->host, host, hlen);
	u->host[hlen] = '\0';
	u->port = u->https ? 443 : 80;
	if (p < end && *p == ':' && p + 1 < end) {
		unsigned port = 0;

		for (p++; p < end && text_isdigit(*p) && port <= 65535; p++)
			port = port * 10 + (unsigned)(*p - '0');
		if (port == 0 || port > 65535) {
			snprintf(err, errlen, "bad port in URL");
			return -1;
		}
		u->port = port;
	}
	if (p != end) {
		snprintf(err, errlen, "bad character '%c' in the URL's host", *p);
		return -1;
	}
	return 0;
}

int
notify_url_parse(const char *url, struct notify_url *u, char *err, size_t errlen)
{
	size_t len = strlen(url), skip, alen;
	const char *auth;

	memset(u, 0, sizeof(*u));
	if (len >= NOTIFY_URL_MAX) {
		snprintf(err, errlen, "URL longer than %d bytes", NOTIFY_URL_MAX - 1);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)url[i] <= ' ' || (unsigned char)url[i] >= 0x7f) {
			snprintf(err, errlen, "URL with a space, control or non-ASCII character");
			return -1;
		}
	}
	if (text_prefix_ci(url, "https://")) {
		u->https = true;
		skip = 8;
	} else if (text_prefix_ci(url, "http://")) {
		skip = 7;
	} else {
		snprintf(err, errlen, "URL must start with https:// (or http://)");
		return -1;
	}
	auth = url + skip;
	alen = strcspn(auth, "/?#");
	if (parse_authority(auth, alen, u, err, errlen) == -1)
		return -1;
	u->has_path = auth[alen] == '/' && auth[alen + 1] != '\0' && auth[alen + 1] != '?' &&
	    auth[alen + 1] != '#';
	return 0;
}

const char *
notify_target_url(const struct notify_conf *c, const struct notify_target *t)
{
	return t->kind == NOTIFY_PUSHOVER ? c->pushover_url : t->url;
}

/* ---- Configuration ---- */

static int
copy_word(char *dst, size_t len, const char *src, const char *what, char *err, size_t errlen)
{
	if (strlen(src) >= len) {
		snprintf(err, errlen, "%s longer than %zu bytes", what, len - 1);
		return -1;
	}
	snprintf(dst, len, "%s", src);
	return 0;
}

static int
check_url(const char *url, enum notify_kind kind, char *err, size_t errlen)
{
	struct notify_url u;

	if (notify_url_parse(url, &u, err, errlen) == -1)
		return -1;
	if (kind == NOTIFY_NTFY && !u.has_path) {
		snprintf(err, errlen, "an ntfy URL names the topic: https://ntfy.sh/TOPIC");
		return -1;
	}
	return 0;
}

static struct notify_target *
new_target(struct notify_conf *c, enum notify_kind kind, const struct cfg_line *l, char *err,
    size_t errlen)
{
	struct notify_target *t;

	if (c->ntargets >= NOTIFY_MAX_TARGETS) {
		snprintf(err, errlen, "at most %d notify targets", NOTIFY_MAX_TARGETS);
		return NULL;
	}
	t = &c->targets[c->ntargets];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	snprintf(t->where, sizeof(t->where), "%.80s:%d", l->file ? l->file : "?", l->line);
	return t;
}

static int
d_notify(struct notify_conf *c, const struct cfg_line *l, char *err, size_t errlen)
{
	const char *kind = l->argc > 1 ? l->argv[1] : "";
	struct notify_target *t;
	int nargs = l->argc - 2;

	if (strcasecmp(kind, "pushover-url") == 0) {
		if (nargs != 1) {
			snprintf(err, errlen, "usage: notify pushover-url URL");
			return -1;
		}
		if (check_url(l->argv[2], NOTIFY_PUSHOVER, err, errlen) == -1)
			return -1;
		return copy_word(c->pushover_url, sizeof(c->pushover_url), l->argv[2], "URL", err,
		    errlen);
	}
	if (strcasecmp(kind, "pushover") == 0) {
		if (nargs != 2) {
			snprintf(err, errlen, "usage: notify pushover TOKEN_FILE USER_KEY_FILE");
			return -1;
		}
		if ((t = new_target(c, NOTIFY_PUSHOVER, l, err, errlen)) == NULL ||
		    copy_word(t->token_file, sizeof(t->token_file), l->argv[2], "file name", err,
			errlen) == -1 ||
		    copy_word(t->user_file, sizeof(t->user_file), l->argv[3], "file name", err,
			errlen) == -1)
			return -1;
	} else if (strcasecmp(kind, "ntfy") == 0) {
		if (nargs < 1 || nargs > 2) {
			snprintf(err, errlen, "usage: notify ntfy URL [TOKEN_FILE]");
			return -1;
		}
		if (check_url(l->argv[2], NOTIFY_NTFY, err, errlen) == -1 ||
		    (t = new_target(c, NOTIFY_NTFY, l, err, errlen)) == NULL ||
		    copy_word(t->url, sizeof(t->url), l->argv[2], "URL", err, errlen) == -1)
			return -1;
		if (nargs == 2 && copy_word(t->token_file, sizeof(t->token_file), l->argv[3],
		    "file name", err, errlen) == -1)
			return -1;
	} else if (strcasecmp(kind, "webhook") == 0) {
		if (nargs != 1) {
			snprintf(err, errlen, "usage: notify webhook URL");
			return -1;
		}
		if (check_url(l->argv[2], NOTIFY_WEBHOOK, err, errlen) == -1 ||
		    (t = new_target(c, NOTIFY_WEBHOOK, l, err, errlen)) == NULL ||
		    copy_word(t->url, sizeof(t->url), l->argv[2], "URL", err, errlen) == -1)
			return -1;
	} else {
		snprintf(err, errlen,
		    "unknown notification service '%.40s' (pushover, ntfy, webhook, pushover-url)",
		    kind);
		return -1;
	}
	c->ntargets++;
	c->secrets_loaded = false;
	return 0;
}

int
notify_conf_directive(struct notify_conf *c, const struct cfg_line *l, char *err, size_t errlen)
{
	const char *name = l->argc > 0 ? l->argv[0] : "";
	uint64_t n;

	if (strcasecmp(name, "notify") == 0)
		return d_notify(c, l, err, errlen);
	if (strcasecmp(name, "notify-timeout") == 0) {
		if (l->argc != 2) {
			snprintf(err, errlen, "usage: notify-timeout DURATION");
			return -1;
		}
		if (cfg_duration_ms(l->argv[1], &c->timeout_ms, err, errlen) == -1)
			return -1;
		if (c->timeout_ms < 100 || c->timeout_ms > 600000) {
			snprintf(err, errlen, "notify-timeout must be between 100ms and 10m");
			return -1;
		}
		return 0;
	}
	if (strcasecmp(name, "notify-retries") == 0) {
		if (l->argc != 2) {
			snprintf(err, errlen, "usage: notify-retries N");
			return -1;
		}
		if (cfg_uint(l->argv[1], 0, 10, &n, err, errlen) == -1)
			return -1;
		c->retries = (int)n;
		return 0;
	}
	if (strcasecmp(name, "notify-helper") == 0) {
		if (l->argc != 2 || l->argv[1][0] != '/') {
			snprintf(err, errlen, "usage: notify-helper /ABSOLUTE/PATH");
			return -1;
		}
		return copy_word(c->helper, sizeof(c->helper), l->argv[1], "notify-helper path",
		    err, errlen);
	}
	if (strcasecmp(name, "notify-user") == 0) {
		if (l->argc != 2 || l->argv[1][0] == '\0' || l->argv[1][0] == '-') {
			snprintf(err, errlen, "usage: notify-user NAME");
			return -1;
		}
		return copy_word(c->user, sizeof(c->user), l->argv[1], "notify-user name", err,
		    errlen);
	}
	return 1;
}

static int
load_one(const struct notify_target *t, const char *path, char *buf, size_t len, char *err,
    size_t errlen)
{
	char msg[NOTIFY_ERR_MAX];

	if (secretfile_read(path, buf, len, msg, sizeof(msg)) >= 0)
		return 0;
	snprintf(err, errlen, "%s: %s", t->where, msg);
	return -1;
}

int
notify_conf_load_secrets(struct notify_conf *c, char *err, size_t errlen)
{
	for (int i = 0; i < c->ntargets; i++) {
		struct notify_target *t = &c->targets[i];

		if (t->token_file[0] != '\0' &&
		    load_one(t, t->token_file, t->token, sizeof(t->token), err, errlen) == -1)
			return -1;
		if (t->user_file[0] != '\0' &&
		    load_one(t, t->user_file, t->user, sizeof(t->user), err, errlen) == -1)
			return -1;
	}
	c->secrets_loaded = true;
	return 0;
}

int
notify_conf_endpoints(const struct notify_conf *c, struct notify_endpoint *out, int max)
{
	char err[128];
	int n = 0;

	for (int i = 0; i < c->ntargets && n < max; i++) {
		struct notify_url u;
		bool seen = false;

		if (notify_url_parse(notify_target_url(c, &c->targets[i]), &u, err,
			sizeof(err)) == -1 || u.literal)
			continue;
		for (int j = 0; j < n && !seen; j++)
			seen = out[j].port == u.port && strcasecmp(out[j].host, u.host) == 0;
		if (seen)
			continue;
		snprintf(out[n].host, sizeof(out[n].host), "%s", u.host);
		out[n].port = u.port;
		n++;
	}
	return n;
}

/* ---- Text that goes out ---- */

/*
 * Copy src into dst (at most max bytes, and less than dstlen) as clean
 * UTF-8: invalid bytes as '?', control characters as spaces except '\n'
 * and '\t' when multiline; cut before a character that does not fit.
 */
static void
clean_text(char *dst, size_t dstlen, const char *src, size_t max, bool multiline)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strlen(src), i = 0, o = 0, len;
	uint32_t cp;

	if (max > dstlen - 1)
		max = dstlen - 1;
	while (i < n) {
		len = text_utf8_get(s + i, n - i, &cp);
		if (o + (len ? len : 1) > max)
			break;
		if (len == 0) {
			dst[o++] = '?';
			i++;
		} else if (len == 1 && (s[i] < 0x20 || s[i] == 0x7f)) {
			dst[o++] = multiline && (s[i] == '\n' || s[i] == '\t') ? (char)s[i] : ' ';
			i++;
		} else {
			memcpy(dst + o, s + i, len);
			o += len;
			i += len;
		}
	}
	dst[o] = '\0';
}

/* name=value with value percent-encoded (RFC 3986 unreserved kept). */
static void
form_field(struct strbuf *b, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";

	if (b->len > 0)
		strbuf_add(b, "&", 1);
	strbuf_adds(b, name);
	strbuf_add(b, "=", 1);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		char enc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

		if (text_isalnum((char)*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~')
			strbuf_add(b, (const char *)p, 1);
		else
			strbuf_add(b, enc, 3);
	}
}

static void
add_header(struct notify_request *req, const char *name, const char *value)
{
	if (req->nheaders < NOTIFY_HEADERS_MAX) {
		snprintf(req->headers[req->nheaders], sizeof(req->headers[0]), "%s: %s", name,
		    value);
		req->nheaders++;
	}
}

static const char *
ntfy_tag(const char *event)
{
	if (strcmp(event, "up") == 0)
		return "green_circle";
	if (strcmp(event, "down") == 0)
		return "red_circle";
	if (strcmp(event, "failed") == 0)
		return "warning";
	return "information_source";
}

static void
build_pushover(const struct notify_target *t, const struct notify_message *m, const char *title,
    const char *text, struct strbuf *b, struct notify_request *req)
{
	char ts[32];

	add_header(req, "Content-Type", "application/x-www-form-urlencoded");
	snprintf(ts, sizeof(ts), "%lld", (long long)m->time);
	form_field(b, "token", t->token);
	form_field(b, "user", t->user);
	form_field(b, "title", title);
	form_field(b, "message", text);
	form_field(b, "timestamp", ts);
	if (event_is_bad_news(m->event))
		form_field(b, "priority", "1");
}

static void
build_ntfy(const struct notify_target *t, const struct notify_message *m, const char *title,
    const char *text, struct strbuf *b, struct notify_request *req)
{
	char tags[64], auth[NOTIFY_SECRET_MAX + 8];

	add_header(req, "Content-Type", "text/plain; charset=utf-8");
	add_header(req, "Title", title);
	snprintf(tags, sizeof(tags), "%s,outpost", ntfy_tag(m->event));
	add_header(req, "Tags", tags);
	if (event_is_bad_news(m->event))
		add_header(req, "Priority", "high");
	if (t->token[0] != '\0') {
		snprintf(auth, sizeof(auth), "Bearer %s", t->token);
		add_header(req, "Authorization", auth);
		explicit_bzero(auth, sizeof(auth));
	}
	strbuf_adds(b, text);
}

static void
build_webhook(const struct notify_message *m, const char *title, const char *text,
    struct strbuf *b, struct notify_request *req)
{
	char when[32], host[NOTIFY_HOST_MAX];
	struct jsonw w;
	struct tm tm;
	int len;

	add_header(req, "Content-Type", "application/json");
	when[0] = '\0';
	if (gmtime_r(&m->time, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	clean_text(host, sizeof(host), m->host ? m->host : "", sizeof(host) - 1, false);
	jsonw_init(&w, b->p, b->cap);
	jsonw_begin(&w, NULL);
	jsonw_str(&w, "event", m->event);
	jsonw_str(&w, "host", host);
	jsonw_str(&w, "title", title);
	jsonw_str(&w, "text", text);
	jsonw_str(&w, "time", when);
	jsonw_end(&w);
	len = jsonw_finish(&w);
	if (len < 0)
		b->overflow = true;
	else
		b->len = (size_t)len;
}

int
notify_build_request(const struct notify_conf *c, const struct notify_target *t,
    const struct notify_message *m, struct notify_request *req, char *err, size_t errlen)
{
	char title[NOTIFY_TITLE_MAX + 1], text[NOTIFY_TEXT_MAX + 1];
	struct strbuf b;

	memset(req, 0, sizeof(*req));
	if (!notify_event_valid(m->event)) {
		snprintf(err, errlen, "unknown event");
		return -1;
	}
	if (copy_word(req->url, sizeof(req->url), notify_target_url(c, t), "URL", err,
	    errlen) == -1)
		return -1;
	clean_text(title, sizeof(title), m->title ? m->title : "", NOTIFY_TITLE_MAX, false);
	clean_text(text, sizeof(text), m->text ? m->text : "", NOTIFY_TEXT_MAX, true);
	strbuf_init(&b, req->body, sizeof(req->body));
	switch (t->kind) {
	case NOTIFY_PUSHOVER:
		build_pushover(t, m, title, text, &b, req);
		break;
	case NOTIFY_NTFY:
		build_ntfy(t, m, title, text, &b, req);
		break;
	case NOTIFY_WEBHOOK:
		build_webhook(m, title, text, &b, req);
		break;
	}
	if (b.overflow) {
		explicit_bzero(req, sizeof(*req));
		snprintf(err, errlen, "%s: message too long", notify_kind_name(t->kind));
		return -1;
	}
	req->body_len = b.len;
	return 0;
}

/* ---- Error answers ---- */

/* Copy the JSON string starting after the quote at s[i] (escapes kept
 * simple: \x gives x, \uXXXX gives '?'), printable ASCII only. */
static void
json_string_at(const char *s, size_t len, size_t i, char *out, size_t outlen)
{
	size_t o = 0;

	while (i < len && s[i] != '"' && o + 1 < outlen) {
		char ch = s[i++];

		if (ch == '\\' && i < len) {
			ch = s[i++];
			if (ch == 'u') {
				i += 4;
				ch = '?';
			} else if (ch == 'n' || ch == 't' || ch == 'r') {
				ch = ' ';
			}
		}
		out[o++] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
	}
	out[o] = '\0';
}

/* Offset just past `"key"` `:` (and `[` when want_array) `"`, or 0. */
static size_t
json_find_string(const char *s, size_t len, const char *key, bool want_array)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i + klen + 2 <= len; i++) {
		size_t j = i + 1 + klen;

		if (s[i] != '"' || memcmp(s + i + 1, key, klen) != 0 || s[j] != '"')
			continue;
		for (j++; j < len && text_isblank(s[j]); j++)
			;
		if (j >= len || s[j++] != ':')
			continue;
		while (j < len && (text_isblank(s[j]) || s[j] == '\n' || s[j] == '\r'))
			j++;
		if (want_array) {
			if (j >= len || s[j++] != '[')
				continue;
			while (j < len && (text_isblank(s[j]) || s[j] == '\n' || s[j] == '\r'))
				j++;
		}
		if (j < len && s[j] == '"')
			return j + 1;
	}
	return 0;
}

void
notify_response_summary(const char *body, size_t len, char *out, size_t outlen)
{
	static const struct {
		const char *key;
		bool array;
	} keys[] = { { "errors", true }, { "error", false }, { "message", false } };
	size_t at, o = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (body == NULL)
		return;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if ((at = json_find_string(body, len, keys[k].key, keys[k].array)) != 0) {
			json_string_at(body, len, at, out, outlen);
			if (out[0] != '\0')
				return;
		}
	}
	for (size_t i = 0; i < len && o + 1 < outlen; i++) {
		char ch = body[i];

		if (ch == '\n' || ch == '\r') {
			if (o > 0)
				break;
			continue;
		}
		out[o++] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}
