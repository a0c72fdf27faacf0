/*
 * notify, the transfers: libcurl's multi interface driven by the daemon's
 * poll loop (see notify.h).
 *
 * curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION: ev_fd_*)
 * and when it next needs the time (CURLMOPT_TIMERFUNCTION: one ev timer);
 * the loop tells curl what happened (curl_multi_socket_action), and after
 * each such call the finished transfers are collected.  Each target of a
 * send is a job with its own easy handle, request, DNS cache (a curl share
 * object, so the addresses a route brings stay with that send) and retry
 * timer.  A job ends in exactly one result callback, or silently when the
 * notifier is freed.  curl_multi_* is never re-entered from curl's own
 * callbacks: the socket and timer callbacks only talk to the loop.
 */
#include "notify.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define NOTIFY_BODY_ABORT	65536	/* an answer longer than this is not ours */
#define NOTIFY_BACKOFF_MAX_MS	30000
#define NOTIFY_ROUTE_RESOLVE_MAX 16

struct notify_job {
	struct notifier *n;
	struct notify_job *next;
	int send_id;
	int target;
	char event[8];
	char host[NOTIFY_HOST_MAX];
	unsigned port;
	CURL *easy;
	CURLSH *share;			/* this job's own DNS cache */
	struct curl_slist *headers, *resolve;
	ev_timer_id retry_timer;
	bool in_multi;
	int attempts;
	char errbuf[CURL_ERROR_SIZE];
	char resp[NOTIFY_RESP_KEEP + 1];
	size_t resp_len, resp_total;
	struct notify_request req;
};

struct notifier {
	struct ev_loop *loop;
	struct notify_conf conf;
	CURLM *multi;
	ev_timer_id curl_timer;
	struct notify_job *jobs;
	int njobs;
	int next_send_id;
	notify_result_cb cb;
	void *cb_arg;
	int depth;			/* inside our own dispatch */
	bool dead;			/* notify_free() called during dispatch */
};

int
notify_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
notify_global_cleanup(void)
{
	curl_global_cleanup();
}

/* ---- Jobs ---- */

static void
slist_wipe_free(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

static void
job_free(struct notify_job *j)
{
	struct notifier *n = j->n;

	if (j->retry_timer != 0)
		ev_timer_cancel(n->loop, j->retry_timer);
	if (j->in_multi)
		curl_multi_remove_handle(n->multi, j->easy);
	if (j->easy != NULL)
		curl_easy_cleanup(j->easy);
	if (j->share != NULL)
		curl_share_cleanup(j->share);
	slist_wipe_free(j->headers);
	curl_slist_free_all(j->resolve);
	explicit_bzero(j, sizeof(*j));
	free(j);
}

static void
job_unlink(struct notify_job *j)
{
	struct notifier *n = j->n;

	for (struct notify_job **pp = &n->jobs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			n->njobs--;
			return;
		}
	}
}

static int
jobs_of_send(const struct notifier *n, int send_id)
{
	int count = 0;

	for (const struct notify_job *j = n->jobs; j != NULL; j = j->next)
		count += j->send_id == send_id;
	return count;
}

/* The job is over: tell the caller, then forget it. */
static void
job_finish(struct notify_job *j, bool ok, long status, const char *error)
{
	struct notifier *n = j->n;
	struct notify_result r = {
		.send_id = j->send_id,
		.event = j->event,
		.target = j->target,
		.kind = notify_kind_name(n->conf.targets[j->target].kind),
		.host = j->host,
		.ok = ok,
		.http_status = status,
		.attempts = j->attempts,
		.error = ok ? "" : error,
	};

	job_unlink(j);
	if (j->in_multi) {
		curl_multi_remove_handle(n->multi, j->easy);
		j->in_multi = false;
	}
	r.pending = jobs_of_send(n, j->send_id);
	if (n->cb != NULL && !n->dead)
		n->cb(&r, n->cb_arg);
	job_free(j);
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct notify_job *j = arg;
	size_t len = size * nmemb, keep;

	j->resp_total += len;
	if (j->resp_total > NOTIFY_BODY_ABORT)
		return 0;	/* CURLE_WRITE_ERROR */
	keep = NOTIFY_RESP_KEEP - j->resp_len;
	if (keep > len)
		keep = len;
	memcpy(j->resp + j->resp_len, data, keep);
	j->resp_len += keep;
	j->resp[j->resp_len] = '\0';
	return len;
}

static int
job_start_attempt(struct notify_job *j)
{
	j->errbuf[0] = '\0';
	j->resp_len = j->resp_total = 0;
	j->resp[0] = '\0';
	j->attempts++;
	if (curl_multi_add_handle(j->n->multi, j->easy) != CURLM_OK)
		return -1;
	j->in_multi = true;
	return 0;
}

static void notify_reap(struct notifier *n);

static void
on_retry(void *arg)
{
	struct notify_job *j = arg;
	struct notifier *n = j->n;

	j->retry_timer = 0;
	n->depth++;
	if (job_start_attempt(j) == -1)
		job_finish(j, false, 0, "cannot restart the transfer");
	n->depth--;
	notify_reap(n);
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
describe(struct notify_job *j, CURLcode rc, long status, char *out, size_t outlen)
{
	char said[160];
	char *loc = NULL;

	if (rc == CURLE_INTERFACE_FAILED) {
		snprintf(out, outlen, "cannot send through the route's interface or address: %s",
		    j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc));
	} else if (rc == CURLE_WRITE_ERROR) {
		snprintf(out, outlen, "answer longer than %d bytes", NOTIFY_BODY_ABORT);
	} else if (rc != CURLE_OK) {
		snprintf(out, outlen, "%s", j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc));
	} else if (status >= 300 && status < 400) {
		curl_easy_getinfo(j->easy, CURLINFO_REDIRECT_URL, &loc);
		snprintf(out, outlen, "HTTP %ld: redirect to %.120s not followed", status,
		    loc ? loc : "(nowhere)");
	} else {
		notify_response_summary(j->resp, j->resp_len, said, sizeof(said));
		snprintf(out, outlen, "HTTP %ld%s%s", status, said[0] ? ": " : "", said);
	}
}

/* One attempt ended with rc: done, or try again later. */
static void
job_attempt_done(struct notify_job *j, CURLcode rc)
{
	struct notifier *n = j->n;
	char why[320], error[NOTIFY_ERR_MAX];
	long status = 0;
	int64_t delay;

	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OK && status >= 200 && status < 300) {
		job_finish(j, true, status, "");
		return;
	}
	curl_multi_remove_handle(n->multi, j->easy);
	j->in_multi = false;
	if (retryable(rc, status) && j->attempts <= n->conf.retries) {
		delay = n->conf.retry_delay_ms;
		for (int i = 1; i < j->attempts && delay < NOTIFY_BACKOFF_MAX_MS; i++)
			delay *= 2;
		if (delay > NOTIFY_BACKOFF_MAX_MS)
			delay = NOTIFY_BACKOFF_MAX_MS;
		j->retry_timer = ev_timer_add(n->loop, delay, on_retry, j);
		if (j->retry_timer != 0)
			return;
	}
	describe(j, rc, status, why, sizeof(why));
	if (j->attempts > 1)
		snprintf(error, sizeof(error), "%s: %.120s: %s (after %d attempts)",
		    notify_kind_name(n->conf.targets[j->target].kind), j->host, why, j->attempts);
	else
		snprintf(error, sizeof(error), "%s: %.120s: %s",
		    notify_kind_name(n->conf.targets[j->target].kind), j->host, why);
	job_finish(j, false, status, error);
}

/* ---- curl <-> loop ---- */

/* Collect the transfers curl has finished; free the notifier if it was
 * freed while we were dispatching. */
static void
notify_reap(struct notifier *n)
{
	struct notify_job *j;
	CURLMsg *msg;
	CURLcode rc;
	char *priv;
	int left;

	n->depth++;
	while (!n->dead && (msg = curl_multi_info_read(n->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		rc = msg->data.result;
		priv = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		if ((j = (struct notify_job *)(void *)priv) != NULL)
			job_attempt_done(j, rc);
	}
	n->depth--;
	if (n->dead && n->depth == 0)
		notify_free(n);
}

static void
on_socket_ready(int fd, short revents, void *arg)
{
	struct notifier *n = arg;
	int flags = 0, running;

	if (revents & (POLLIN | POLLHUP))
		flags |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & (POLLERR | POLLNVAL))
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(n->multi, fd, flags, &running);
	notify_reap(n);
}

static void
on_curl_timer(void *arg)
{
	struct notifier *n = arg;
	int running;

	n->curl_timer = 0;
	curl_multi_socket_action(n->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	notify_reap(n);
}

/* CURLMOPT_SOCKETFUNCTION: watch s for what curl wants.  socketp is
 * non-NULL once s is registered with the loop. */
static int
curl_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct notifier *n = userp;
	short events = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		ev_fd_del(n->loop, s);
		curl_multi_assign(n->multi, s, NULL);
		return 0;
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		events |= POLLIN;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		events |= POLLOUT;
	if (socketp != NULL)
		return ev_fd_events(n->loop, s, events) == 0 ? 0 : -1;
	if (ev_fd_add(n->loop, s, events, on_socket_ready, n) == -1)
		return -1;
	curl_multi_assign(n->multi, s, n);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: one timer, replaced each time; -1 deletes it. */
static int
curl_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct notifier *n = userp;

	(void)multi;
	if (n->curl_timer != 0) {
		ev_timer_cancel(n->loop, n->curl_timer);
		n->curl_timer = 0;
	}
	if (timeout_ms < 0)
		return 0;
	n->curl_timer = ev_timer_add(n->loop, timeout_ms, on_curl_timer, n);
	return n->curl_timer != 0 ? 0 : -1;
}

/* ---- The notifier ---- */

static bool
curl_speaks_https(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	for (const char *const *p = v->protocols; p != NULL && *p != NULL; p++)
		if (strcmp(*p, "https") == 0)
			return true;
	return false;
}

static int
check_targets(const struct notify_conf *c, char *err, size_t errlen)
{
	bool https = curl_speaks_https();
	struct notify_url u;
	char msg[160];

	for (int i = 0; i < c->ntargets; i++) {
		const char *url = notify_target_url(c, &c->targets[i]);

		if (notify_url_parse(url, &u, msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "%s: %s", c->targets[i].where, msg);
			return -1;
		}
		if (u.https && !https) {
			snprintf(err, errlen, "%s: this libcurl cannot speak https",
			    c->targets[i].where);
			return -1;
		}
	}
	return 0;
}

struct notifier *
notify_new(struct ev_loop *loop, const struct notify_conf *c, char *err, size_t errlen)
{
	struct notifier *n;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n->loop = loop;
	n->conf = *c;
	if (n->conf.timeout_ms <= 0)
		n->conf.timeout_ms = NOTIFY_TIMEOUT_MS;
	if (n->conf.retries < 0)
		n->conf.retries = 0;
	if (n->conf.host[0] == '\0' &&
	    gethostname(n->conf.host, sizeof(n->conf.host) - 1) == -1)
		snprintf(n->conf.host, sizeof(n->conf.host), "outpost");
	n->conf.host[sizeof(n->conf.host) - 1] = '\0';
	if (check_targets(&n->conf, err, errlen) == -1 ||
	    (!n->conf.secrets_loaded &&
		notify_conf_load_secrets(&n->conf, err, errlen) == -1)) {
		notify_free(n);
		return NULL;
	}
	if ((n->multi = curl_multi_init()) == NULL) {
		snprintf(err, errlen, "libcurl: cannot create a multi handle");
		notify_free(n);
		return NULL;
	}
	curl_multi_setopt(n->multi, CURLMOPT_SOCKETFUNCTION, curl_socket_cb);
	curl_multi_setopt(n->multi, CURLMOPT_SOCKETDATA, n);
	curl_multi_setopt(n->multi, CURLMOPT_TIMERFUNCTION, curl_timer_cb);
	curl_multi_setopt(n->multi, CURLMOPT_TIMERDATA, n);
	return n;
}

void
notify_on_result(struct notifier *n, notify_result_cb cb, void *arg)
{
	n->cb = cb;
	n->cb_arg = arg;
}

int
notify_busy(const struct notifier *n)
{
	return n->njobs;
}

void
notify_free(struct notifier *n)
{
	if (n == NULL)
		return;
	n->dead = true;
	if (n->depth > 0)
		return;	/* notify_reap() finishes this when the dispatch unwinds */
	while (n->jobs != NULL) {
		struct notify_job *j = n->jobs;

		n->jobs = j->next;
		job_free(j);
	}
	if (n->multi != NULL)
		curl_multi_cleanup(n->multi);
	if (n->curl_timer != 0)
		ev_timer_cancel(n->loop, n->curl_timer);
	explicit_bzero(n, sizeof(*n));
	free(n);
}

/* ---- Sending ---- */

static bool
route_valid(const struct notify_route *r)
{
	unsigned char addr[sizeof(struct in6_addr)];

	if (r == NULL)
		return true;
	if (r->interface != NULL && r->source != NULL)
		return false;
	if (r->interface != NULL &&
	    (r->interface[0] == '\0' || strlen(r->interface) >= IF_NAMESIZE ||
		strpbrk(r->interface, "!: \t\r\n") != NULL))
		return false;
	if (r->source != NULL && inet_pton(AF_INET, r->source, addr) != 1 &&
	    inet_pton(AF_INET6, r->source, addr) != 1)
		return false;
	if (r->nresolve > NOTIFY_ROUTE_RESOLVE_MAX || (r->nresolve > 0 && r->resolve == NULL))
		return false;
	for (size_t i = 0; i < r->nresolve; i++) {
		const struct notify_resolve *e = &r->resolve[i];

		if (e->host == NULL || e->addr == NULL || e->port > 65535 ||
		    (inet_pton(AF_INET, e->addr, addr) != 1 &&
			inet_pton(AF_INET6, e->addr, addr) != 1))
			return false;
	}
	return true;
}

/* CURLOPT_RESOLVE for the job's host: "host:port:addr1,[addr2]". */
static int
job_resolve_list(struct notify_job *j, const struct notify_route *r)
{
	char entry[NOTIFY_HOST_MAX + 16 + NOTIFY_ROUTE_RESOLVE_MAX * 48];
	size_t len;
	int naddr = 0;

	if (r == NULL || r->nresolve == 0)
		return 0;
	len = (size_t)snprintf(entry, sizeof(entry), "%s:%u:", j->host, j->port);
	for (size_t i = 0; i < r->nresolve; i++) {
		const struct notify_resolve *e = &r->resolve[i];
		bool v6 = strchr(e->addr, ':') != NULL;

		if (strcasecmp(e->host, j->host) != 0 || (e->port != 0 && e->port != j->port))
			continue;
		len += (size_t)snprintf(entry + len, sizeof(entry) - len, "%s%s%s%s",
		    naddr ? "," : "", v6 ? "[" : "", e->addr, v6 ? "]" : "");
		naddr++;
	}
	if (naddr == 0)
		return 0;
	if (len >= sizeof(entry))
		return -1;
	j->resolve = curl_slist_append(NULL, entry);
	return j->resolve != NULL ? 0 : -1;
}

static int
job_headers(struct notify_job *j)
{
	struct curl_slist *l;

	for (int i = 0; i < j->req.nheaders; i++) {
		if ((l = curl_slist_append(j->headers, j->req.headers[i])) == NULL)
			return -1;
		j->headers = l;
	}
	/* Small bodies: no "Expect: 100-continue" round trip. */
	if ((l = curl_slist_append(j->headers, "Expect:")) == NULL)
		return -1;
	j->headers = l;
	return 0;
}

static int
job_curl_options(struct notify_job *j, const struct notify_route *r, bool https)
{
	const struct notify_conf *c = &j->n->conf;
	char iface[IF_NAMESIZE + 64];
	CURL *e = j->easy;
	CURLcode rc = CURLE_OK;
	long connect_ms = (long)(c->timeout_ms / 2 > 1000 ? c->timeout_ms / 2 : c->timeout_ms);

#define SET(opt, val) \
	do { \
		if (rc == CURLE_OK) \
			rc = curl_easy_setopt(e, opt, val); \
	} while (0)
	SET(CURLOPT_URL, j->req.url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, https ? "https" : "http");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
	SET(CURLOPT_PROTOCOLS, https ? CURLPROTO_HTTPS : CURLPROTO_HTTP);
	SET(CURLOPT_REDIR_PROTOCOLS, CURLPROTO_HTTPS);
#endif
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROXY, "");		/* no proxy from the environment */
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_FORBID_REUSE, 1L);
	SET(CURLOPT_FRESH_CONNECT, 1L);
	SET(CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	SET(CURLOPT_USERAGENT, "outpost-oobd");
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_POSTFIELDSIZE, (long)j->req.body_len);
	SET(CURLOPT_POSTFIELDS, j->req.body);
	SET(CURLOPT_HTTPHEADER, j->headers);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, j);
	SET(CURLOPT_ERRORBUFFER, j->errbuf);
	SET(CURLOPT_PRIVATE, j);
	SET(CURLOPT_SHARE, j->share);
	if (j->resolve != NULL)
		SET(CURLOPT_RESOLVE, j->resolve);
	if (r != NULL && (r->interface != NULL || r->source != NULL)) {
		/* "if!" never falls back to an address or host of that name. */
		snprintf(iface, sizeof(iface), "%s!%s", r->interface ? "if" : "host",
		    r->interface ? r->interface : r->source);
		SET(CURLOPT_INTERFACE, iface);
	}
#undef SET
	return rc == CURLE_OK ? 0 : -1;
}

static struct notify_job *
job_new(struct notifier *n, int target, const struct notify_message *m,
    const struct notify_route *r)
{
	const struct notify_target *t = &n->conf.targets[target];
	struct notify_url u;
	struct notify_job *j;
	char err[NOTIFY_ERR_MAX];

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->n = n;
	j->target = target;
	snprintf(j->event, sizeof(j->event), "%s", m->event);
	if (notify_url_parse(notify_target_url(&n->conf, t), &u, err, sizeof(err)) == -1 ||
	    notify_build_request(&n->conf, t, m, &j->req, err, sizeof(err)) == -1)
		goto fail;
	snprintf(j->host, sizeof(j->host), "%s", u.host);
	j->port = u.port;
	if ((j->easy = curl_easy_init()) == NULL || (j->share = curl_share_init()) == NULL ||
	    curl_share_setopt(j->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
	    job_headers(j) == -1 || job_resolve_list(j, r) == -1 ||
	    job_curl_options(j, r, u.https) == -1)
		goto fail;
	return j;
fail:
	job_free(j);
	return NULL;
}

int
notify_send(struct notifier *n, const char *event, const char *title, const char *text,
    const struct notify_route *route)
{
	struct notify_job *made[NOTIFY_MAX_TARGETS] = { NULL };
	char deftitle[NOTIFY_HOST_MAX + 16];
	struct notify_message m;
	int id, i;

	if (n == NULL || n->dead || !notify_event_valid(event) || text == NULL ||
	    !route_valid(route)) {
		errno = EINVAL;
		return -1;
	}
	if (n->conf.ntargets == 0)
		return 0;
	if (n->njobs + n->conf.ntargets > NOTIFY_MAX_INFLIGHT) {
		errno = EBUSY;
		return -1;
	}
	if (title == NULL || title[0] == '\0') {
		snprintf(deftitle, sizeof(deftitle), "%s: %s", n->conf.host, event);
		title = deftitle;
	}
	m = (struct notify_message){ .event = event, .title = title, .text = text,
		.host = n->conf.host, .time = time(NULL) };
	id = n->next_send_id == INT32_MAX ? 1 : n->next_send_id + 1;
	for (i = 0; i < n->conf.ntargets; i++) {
		if ((made[i] = job_new(n, i, &m, route)) == NULL)
			goto fail;
		made[i]->send_id = id;
	}
	/* All built: only now does anything go out, so a failure above sends nothing. */
	for (i = 0; i < n->conf.ntargets; i++) {
		if (job_start_attempt(made[i]) == -1)
			goto fail;
	}
	for (i = n->conf.ntargets - 1; i >= 0; i--) {
		made[i]->next = n->jobs;
		n->jobs = made[i];
		n->njobs++;
	}
	n->next_send_id = id;
	return id;
fail:
	for (i = 0; i < n->conf.ntargets; i++)
		if (made[i] != NULL)
			job_free(made[i]);
	errno = ENOMEM;
	return -1;
}
