/*
 * transfer: a push request with libcurl's easy interface (transfer.h).
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>		/* explicit_bzero on FreeBSD */
#include <time.h>

#include "transfer.h"

struct attempt {
	CURL *easy;
	char errbuf[CURL_ERROR_SIZE];
	char resp[NOTIFY_RESP_KEEP + 1];
	size_t resp_len, resp_total;
};

int
push_transfer_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct attempt *a = arg;
	size_t len = size * nmemb, keep;

	a->resp_total += len;
	if (a->resp_total > PUSH_BODY_ABORT)
		return 0;	/* CURLE_WRITE_ERROR */
	keep = NOTIFY_RESP_KEEP - a->resp_len;
	if (keep > len)
		keep = len;
	memcpy(a->resp + a->resp_len, data, keep);
	a->resp_len += keep;
	a->resp[a->resp_len] = '\0';
	return len;
}

static void
slist_wipe_free(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

/* Headers, without "Expect: 100-continue" (small bodies: no round trip). */
static struct curl_slist *
header_list(const struct push_request *rq)
{
	struct curl_slist *l = NULL, *n;

	for (int i = 0; i <= rq->http.nheaders; i++) {
		n = curl_slist_append(l, i < rq->http.nheaders ? rq->http.headers[i] : "Expect:");
		if (n == NULL) {
			slist_wipe_free(l);
			return NULL;
		}
		l = n;
	}
	return l;
}

/* CURLOPT_RESOLVE: "host:port:addr1,[addr2]"; NULL list when none. */
static int
resolve_list(const struct push_request *rq, const struct notify_url *u, struct curl_slist **out)
{
	char entry[NOTIFY_HOST_MAX + 16 + PUSH_RESOLVE_MAX * (PUSH_ADDR_MAX + 3)];
	size_t len;

	*out = NULL;
	if (rq->nresolve == 0)
		return 0;
	len = (size_t)snprintf(entry, sizeof(entry), "%s:%u:", u->host, u->port);
	for (int i = 0; i < rq->nresolve && len < sizeof(entry); i++) {
		bool v6 = strchr(rq->resolve[i], ':') != NULL;

		len += (size_t)snprintf(entry + len, sizeof(entry) - len, "%s%s%s%s",
		    i > 0 ? "," : "", v6 ? "[" : "", rq->resolve[i], v6 ? "]" : "");
	}
	if (len >= sizeof(entry))
		return -1;
	*out = curl_slist_append(NULL, entry);
	return *out != NULL ? 0 : -1;
}

static CURLcode
set_options(CURL *e, const struct push_request *rq, const struct notify_url *u,
    struct curl_slist *headers, struct curl_slist *resolve, struct attempt *a)
{
	char iface[PUSH_IFNAME_MAX + PUSH_ADDR_MAX + 8];
	long connect_ms = (long)(rq->timeout_ms / 2 > 1000 ? rq->timeout_ms / 2 : rq->timeout_ms);
	CURLcode rc = CURLE_OK;

#define SET(opt, val) \
	do { \
		if (rc == CURLE_OK) \
			rc = curl_easy_setopt(e, opt, val); \
	} while (0)
	SET(CURLOPT_URL, rq->http.url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, u->https ? "https" : "http");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
	SET(CURLOPT_PROTOCOLS, u->https ? CURLPROTO_HTTPS : CURLPROTO_HTTP);
	SET(CURLOPT_REDIR_PROTOCOLS, CURLPROTO_HTTPS);
#endif
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROXY, "");		/* no proxy from the environment */
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_FORBID_REUSE, 1L);
	SET(CURLOPT_FRESH_CONNECT, 1L);
	SET(CURLOPT_TIMEOUT_MS, (long)rq->timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	SET(CURLOPT_USERAGENT, "outpost-oobd");
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_POSTFIELDSIZE, (long)rq->http.body_len);
	SET(CURLOPT_POSTFIELDS, rq->http.body);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, a);
	SET(CURLOPT_ERRORBUFFER, a->errbuf);
	if (resolve != NULL)
		SET(CURLOPT_RESOLVE, resolve);
	if (rq->interface[0] != '\0' || rq->source[0] != '\0') {
		/* "if!" never falls back to an address or host of that name. */
		snprintf(iface, sizeof(iface), "%s!%s", rq->interface[0] ? "if" : "host",
		    rq->interface[0] ? rq->interface : rq->source);
		SET(CURLOPT_INTERFACE, iface);
	}
#undef SET
	return rc;
}

static bool
retryable(CURLcode rc, long status)
{
	if (rc == CURLE_OK)
		return status == 429 || status >= 500;
	/* No answer, or a broken one; a refused address or a bad URL is final. */
	return rc != CURLE_URL_MALFORMAT && rc != CURLE_UNSUPPORTED_PROTOCOL &&
	    rc != CURLE_INTERFACE_FAILED && rc != CURLE_WRITE_ERROR &&
	    rc != CURLE_OUT_OF_MEMORY && rc != CURLE_PEER_FAILED_VERIFICATION;
}

/* "HTTP 400: user key invalid", "Operation timed out after ...". */
static void
describe(struct attempt *a, CURLcode rc, long status, char *out, size_t outlen)
{
	char said[160];
	char *loc = NULL;

	if (rc == CURLE_INTERFACE_FAILED) {
		snprintf(out, outlen, "cannot send through the route's interface or address: %s",
		    a->errbuf[0] ? a->errbuf : curl_easy_strerror(rc));
	} else if (rc == CURLE_WRITE_ERROR) {
		snprintf(out, outlen, "answer longer than %d bytes", PUSH_BODY_ABORT);
	} else if (rc != CURLE_OK) {
		snprintf(out, outlen, "%s", a->errbuf[0] ? a->errbuf : curl_easy_strerror(rc));
	} else if (status >= 300 && status < 400) {
		curl_easy_getinfo(a->easy, CURLINFO_REDIRECT_URL, &loc);
		snprintf(out, outlen, "HTTP %ld: redirect to %.120s not followed", status,
		    loc ? loc : "(nowhere)");
	} else {
		notify_response_summary(a->resp, a->resp_len, said, sizeof(said));
		snprintf(out, outlen, "HTTP %ld%s%s", status, said[0] ? ": " : "", said);
	}
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
fail(struct push_result *res, const char *why)
{
	res->ok = false;
	snprintf(res->why, sizeof(res->why), "%.300s", why);
}

void
push_transfer(const struct push_request *rq, struct push_result *res)
{
	struct curl_slist *headers = NULL, *resolve = NULL;
	struct attempt a;
	struct notify_url u;
	char err[NOTIFY_ERR_MAX];
	int64_t delay = rq->retry_delay_ms;
	CURLcode rc;

	memset(res, 0, sizeof(*res));
	memset(&a, 0, sizeof(a));
	if (notify_url_parse(rq->http.url, &u, err, sizeof(err)) == -1) {
		fail(res, err);
		return;
	}
	if ((headers = header_list(rq)) == NULL || resolve_list(rq, &u, &resolve) == -1 ||
	    (a.easy = curl_easy_init()) == NULL ||
	    set_options(a.easy, rq, &u, headers, resolve, &a) != CURLE_OK) {
		fail(res, "libcurl cannot set the request up");
		goto out;
	}
	for (;;) {
		a.errbuf[0] = a.resp[0] = '\0';
		a.resp_len = a.resp_total = 0;
		res->attempts++;
		rc = curl_easy_perform(a.easy);
		res->http_status = 0;
		curl_easy_getinfo(a.easy, CURLINFO_RESPONSE_CODE, &res->http_status);
		if (rc == CURLE_OK && res->http_status >= 200 && res->http_status < 300) {
			res->ok = true;
			break;
		}
		if (!retryable(rc, res->http_status) || res->attempts > rq->retries) {
			describe(&a, rc, res->http_status, res->why, sizeof(res->why));
			break;
		}
		sleep_ms(delay);
		delay = delay * 2 > PUSH_BACKOFF_MAX_MS ? PUSH_BACKOFF_MAX_MS : delay * 2;
	}
out:
	if (a.easy != NULL)
		curl_easy_cleanup(a.easy);
	slist_wipe_free(headers);
	curl_slist_free_all(resolve);
	explicit_bzero(&a, sizeof(a));
}
