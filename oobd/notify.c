/*
 * notify, the sending: one oobd-push helper per target and send, supervised
 * through child.h on the daemon's loop (see notify.h).
 *
 * Each target of a send is a job: its request is built and encoded here
 * (push_wire.h), handed to the helper on stdin, and the helper's one result
 * line comes back through child.h's line callback; the job ends when the
 * helper exits, in exactly one result callback, or silently when the
 * notifier is freed (the helper is then killed and forgotten).
 */
#include "notify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "push_wire.h"

struct notify_job {
	struct notifier *n;
	struct notify_job *next;
	int send_id;
	int target;
	char event[8];
	char host[NOTIFY_HOST_MAX];
	struct child *child;
	ev_timer_id deadline;
	bool overdue;			/* stopped by the deadline */
	bool have_result;
	struct push_result res;
	char last_err[160];		/* the helper's last stderr line */
};

struct notifier {
	struct ev_loop *loop;
	struct child_set *children;
	struct notify_conf conf;
	struct notify_job *jobs;
	int njobs;
	int next_send_id;
	notify_result_cb cb;
	void *cb_arg;
	int depth;			/* inside our own dispatch */
	bool dead;			/* notify_free() called during dispatch */
};

/* ---- Jobs ---- */

static void
job_free(struct notify_job *j)
{
	if (j->deadline != 0)
		ev_timer_cancel(j->n->loop, j->deadline);
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

/* What the helper said, or why it said nothing. */
static void
job_outcome(struct notify_job *j, int status, struct push_result *r, char *error,
    size_t errlen)
{
	const char *kind = notify_kind_name(j->n->conf.targets[j->target].kind);
	char how[80];

	if (j->have_result && !j->overdue) {
		*r = j->res;
	} else {
		memset(r, 0, sizeof(*r));
		child_status_str(status, how, sizeof(how));
		if (j->overdue)
			snprintf(r->why, sizeof(r->why), "the push helper did not finish in time");
		else
			snprintf(r->why, sizeof(r->why), "the push helper %s%s%s", how,
			    j->last_err[0] ? ": " : "", j->last_err);
	}
	if (r->ok)
		error[0] = '\0';
	else if (r->attempts > 1)
		snprintf(error, errlen, "%s: %.120s: %.399s (after %d attempts)", kind, j->host,
		    r->why, r->attempts);
	else
		snprintf(error, errlen, "%s: %.120s: %.399s", kind, j->host, r->why);
}

static void notify_release(struct notifier *n);

/* The helper is gone: tell the caller, then forget the job. */
static void
on_helper_exit(struct child *c, int status, void *arg)
{
	struct notify_job *j = arg;
	struct notifier *n = j->n;
	char error[PUSH_WHY_MAX + NOTIFY_HOST_MAX];
	struct push_result pr;
	struct notify_result r;

	(void)c;
	job_outcome(j, status, &pr, error, sizeof(error));
	job_unlink(j);
	r = (struct notify_result){
		.send_id = j->send_id,
		.event = j->event,
		.target = j->target,
		.kind = notify_kind_name(n->conf.targets[j->target].kind),
		.host = j->host,
		.ok = pr.ok,
		.http_status = pr.http_status,
		.attempts = pr.attempts,
		.error = error,
		.pending = jobs_of_send(n, j->send_id),
	};
	n->depth++;
	if (n->cb != NULL && !n->dead)
		n->cb(&r, n->cb_arg);
	n->depth--;
	job_free(j);
	if (n->dead && n->depth == 0)
		notify_release(n);
}

static void
on_helper_line(struct child *c, enum child_stream stream, const char *line, size_t len,
    void *arg)
{
	struct notify_job *j = arg;

	(void)c;
	if (stream == CHILD_STDERR) {
		size_t k;

		for (k = 0; k < len && k + 1 < sizeof(j->last_err); k++)
			j->last_err[k] = line[k] >= 0x20 && line[k] < 0x7f ? line[k] : '?';
		j->last_err[k] = '\0';
	} else if (!j->have_result) {
		j->have_result = push_result_parse(line, len, &j->res) == 0;
	}
}

static void
on_deadline(void *arg)
{
	struct notify_job *j = arg;

	j->deadline = 0;
	j->overdue = true;
	child_stop(j->child, 1000);
}

/* The longest a helper may take: every attempt, every backoff, and slack. */
static int64_t
helper_deadline_ms(const struct notify_conf *c)
{
	int64_t total = (c->retries + 1) * c->timeout_ms + NOTIFY_HELPER_SLACK_MS;
	int64_t delay = c->retry_delay_ms;

	for (int i = 0; i < c->retries; i++) {
		total += delay;
		delay = delay * 2 > NOTIFY_BACKOFF_MAX_MS ? NOTIFY_BACKOFF_MAX_MS : delay * 2;
	}
	return total;
}

/* ---- The notifier ---- */

static int
check_targets(const struct notify_conf *c, char *err, size_t errlen)
{
	char msg[160];
	struct notify_url u;

	for (int i = 0; i < c->ntargets; i++) {
		if (notify_url_parse(notify_target_url(c, &c->targets[i]), &u, msg,
		    sizeof(msg)) == -1) {
			snprintf(err, errlen, "%s: %s", c->targets[i].where, msg);
			return -1;
		}
	}
	return 0;
}

static int
check_helper(const struct notify_conf *c, char *err, size_t errlen)
{
	char path[NOTIFY_PATH_MAX];

	if (c->ntargets == 0 || child_find_program(c->helper, NULL, path, sizeof(path)) == 0)
		return 0;
	snprintf(err, errlen, "notify-helper %s: %s", c->helper,
	    errno == ENOENT ? "no such executable file" : strerror(errno));
	return -1;
}

struct notifier *
notify_new(struct ev_loop *loop, struct child_set *set, const struct notify_conf *c,
    char *err, size_t errlen)
{
	struct notifier *n;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n->loop = loop;
	n->children = set;
	n->conf = *c;
	if (n->conf.timeout_ms <= 0)
		n->conf.timeout_ms = NOTIFY_TIMEOUT_MS;
	if (n->conf.retries < 0)
		n->conf.retries = 0;
	if (n->conf.retry_delay_ms <= 0)
		n->conf.retry_delay_ms = NOTIFY_RETRY_DELAY_MS;
	if (n->conf.host[0] == '\0' &&
	    gethostname(n->conf.host, sizeof(n->conf.host) - 1) == -1)
		snprintf(n->conf.host, sizeof(n->conf.host), "outpost");
	n->conf.host[sizeof(n->conf.host) - 1] = '\0';
	if (check_targets(&n->conf, err, errlen) == -1 ||
	    (!n->conf.secrets_loaded &&
		notify_conf_load_secrets(&n->conf, err, errlen) == -1) ||
	    check_helper(&n->conf, err, errlen) == -1) {
		notify_free(n);
		return NULL;
	}
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

/* Kill and forget every helper, then the notifier. */
static void
notify_release(struct notifier *n)
{
	while (n->jobs != NULL) {
		struct notify_job *j = n->jobs;

		n->jobs = j->next;
		child_abandon(j->child);
		job_free(j);
	}
	explicit_bzero(n, sizeof(*n));
	free(n);
}

void
notify_free(struct notifier *n)
{
	if (n == NULL)
		return;
	n->dead = true;
	if (n->depth == 0)
		notify_release(n);	/* else on_helper_exit() does, when it unwinds */
}

/* ---- Sending ---- */

static bool
route_valid(const struct notify_route *r)
{
	if (r == NULL)
		return true;
	if ((r->interface != NULL && r->source != NULL) ||
	    (r->interface != NULL && !push_ifname_valid(r->interface)) ||
	    (r->source != NULL && !push_addr_valid(r->source)) ||
	    r->nresolve > PUSH_RESOLVE_MAX || (r->nresolve > 0 && r->resolve == NULL))
		return false;
	for (size_t i = 0; i < r->nresolve; i++) {
		const struct notify_resolve *e = &r->resolve[i];

		if (e->host == NULL || e->addr == NULL || e->port > 65535 ||
		    !push_addr_valid(e->addr))
			return false;
	}
	return true;
}

/* The request for one target, with the route's addresses for its host. */
static int
job_request(const struct notifier *n, int target, const struct notify_message *m,
    const struct notify_route *r, struct push_request *rq, char *host, size_t hostlen)
{
	const struct notify_target *t = &n->conf.targets[target];
	char err[NOTIFY_ERR_MAX];
	struct notify_url u;

	memset(rq, 0, sizeof(*rq));
	if (notify_url_parse(notify_target_url(&n->conf, t), &u, err, sizeof(err)) == -1 ||
	    notify_build_request(&n->conf, t, m, &rq->http, err, sizeof(err)) == -1)
		return -1;
	snprintf(host, hostlen, "%s", u.host);
	rq->timeout_ms = n->conf.timeout_ms;
	rq->retries = n->conf.retries;
	rq->retry_delay_ms = n->conf.retry_delay_ms;
	if (r == NULL)
		return 0;
	if (r->interface != NULL)
		snprintf(rq->interface, sizeof(rq->interface), "%s", r->interface);
	if (r->source != NULL)
		snprintf(rq->source, sizeof(rq->source), "%s", r->source);
	for (size_t i = 0; i < r->nresolve; i++) {
		const struct notify_resolve *e = &r->resolve[i];

		if (strcasecmp(e->host, u.host) == 0 && (e->port == 0 || e->port == u.port))
			snprintf(rq->resolve[rq->nresolve++], PUSH_ADDR_MAX, "%s", e->addr);
	}
	return 0;
}

/* Start the helper for one target: the job, or NULL with errno set. */
static struct notify_job *
job_start(struct notifier *n, int target, const struct notify_message *m,
    const struct notify_route *r, int send_id)
{
	static struct push_request rq;		/* large: not on the stack */
	static char wire[PUSH_REQUEST_MAX];
	char *argv[] = { n->conf.helper, "-u", n->conf.user, NULL }, err[CHILD_ERRLEN];
	struct child_opts opts = { .on_line = on_helper_line };
	struct notify_job *j;
	long len;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->n = n;
	j->target = target;
	j->send_id = send_id;
	snprintf(j->event, sizeof(j->event), "%s", m->event);
	len = -1;
	if (job_request(n, target, m, r, &rq, j->host, sizeof(j->host)) == 0)
		len = push_request_encode(&rq, wire, sizeof(wire));
	explicit_bzero(&rq, sizeof(rq));
	if (len == -1) {
		errno = EINVAL;
		goto fail;
	}
	if (strcmp(n->conf.user, "root") == 0)
		argv[1] = NULL;
	opts.input = wire;
	opts.input_len = (size_t)len;
	j->child = child_spawn(n->children, argv, NULL, &opts, on_helper_exit, j, err,
	    sizeof(err));
	explicit_bzero(wire, sizeof(wire));
	if (j->child == NULL) {
		errno = EAGAIN;
		goto fail;
	}
	j->deadline = ev_timer_add(n->loop, helper_deadline_ms(&n->conf), on_deadline, j);
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
	int id, i, saved;

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
		if ((made[i] = job_start(n, i, &m, route, id)) == NULL)
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
	saved = errno;
	for (i = 0; i < n->conf.ntargets && made[i] != NULL; i++) {
		child_abandon(made[i]->child);
		job_free(made[i]);
	}
	errno = saved;
	return -1;
}
