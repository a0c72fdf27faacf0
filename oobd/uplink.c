/*
 * uplink: the session's hands (session.h ops).  It starts the link command
 * and watches for its interface, resolves the relay's and the push
 * targets' names over the link, adds a host route for each of them (and
 * for the DNS server) through the link, proves the relay is reached over
 * that interface, runs the supervised ssh tunnel, and tears all of it down
 * again.  The box's other routes are never touched: only the /32 routes it
 * added are removed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "dns.h"
#include "jsonw.h"
#include "link.h"
#include "log.h"
#include "oobd.h"
#include "ppp.h"
#include "tsmath.h"
#include "tunnel.h"

#define POLL_FAST_MS	50	/* waiting for the interface: it is what the owner waits for */
#define POLL_SLOW_MS	1000	/* watching it while the session runs */
#define STOP_GRACE_MS	3000
#define MAX_HOSTS	(1 + NOTIFY_MAX_TARGETS)
#define DNS_TIMEOUT_MS	3000

struct uplink_host {
	char name[NOTIFY_HOST_MAX];
	struct in_addr addr;
	bool resolved, routed;
	struct dns_lookup *res;
	struct oobd_uplink *u;
};

struct oobd_uplink {
	struct oobd *d;
	struct child *link, *ssh;
	ev_timer_id poll_timer, step_timer, done_timer, sup_timer;
	bool tearing_down, link_ready;
	struct link_iface ifc;
	struct in_addr gw, dns;
	bool dns_routed;
	struct uplink_host hosts[MAX_HOSTS];	/* [0]: the relay */
	int nhosts, resolving;
	struct link_probe *probe;
	uint64_t rx0, tx0;
	struct tunnel_sup sup;
	struct ppp_argv ppp;		/* points into itself */
	/* how pushes leave while the link is up */
	struct notify_route route;
	struct notify_resolve resolve[MAX_HOSTS];
	char addr_text[MAX_HOSTS][INET_ADDRSTRLEN];
};

/* ---- the link command ---- */

static void
on_link_line(struct child *c, enum child_stream stream, const char *line, size_t len, void *arg)
{
	(void)c;
	(void)stream;
	(void)arg;
	log_info("link: %.*s", (int)len, line);
}

static void torn_down_check(struct oobd_uplink *u);
static void stop_link(struct oobd_uplink *u);

/* A single-port stick's one port carries the link while it runs. */
static void
lend_modem(struct oobd_uplink *u, bool lend)
{
	struct oobd *d = u->d;

	if (!d->conf.single_port || d->modem == NULL || d->modem_lent == lend)
		return;
	d->modem_lent = lend;
	log_info("modem: %s", lend ? "lending the port to the link" : "taking the port back");
	modem_io_lend(d->modem, lend);
}

static void
on_link_exit(struct child *c, int status, void *arg)
{
	struct oobd_uplink *u = arg;
	char why[SESSION_REASON_MAX], st[64];

	(void)c;
	u->link = NULL;
	lend_modem(u, false);
	child_status_str(status, st, sizeof(st));
	if (u->tearing_down) {
		torn_down_check(u);
		return;
	}
	snprintf(why, sizeof(why), "the link command %s", st);
	session_link_lost(&u->d->session, ts_mono_ms(), why);
}

static void poll_iface(void *arg);

static void
poll_again(struct oobd_uplink *u)
{
	u->poll_timer = ev_timer_add(u->d->ev, u->link_ready ? POLL_SLOW_MS : POLL_FAST_MS,
	    poll_iface, u);
}

static void
poll_iface(void *arg)
{
	struct oobd_uplink *u = arg;
	const char *ifname = u->d->conf.link_ifname;
	char err[LINK_ERRLEN], why[SESSION_REASON_MAX];
	bool usable;

	u->poll_timer = 0;
	if (link_iface_get(ifname, &u->ifc, err, sizeof(err)) == -1) {
		log_warnx("link: %s", err);
		poll_again(u);
		return;
	}
	usable = u->ifc.exists && u->ifc.up && u->ifc.has_addr;
	if (!u->link_ready && usable) {
		u->link_ready = true;
		u->rx0 = u->ifc.rx_bytes;
		u->tx0 = u->ifc.tx_bytes;
		log_info("link: %s is up with %s", ifname, inet_ntoa(u->ifc.addr));
		session_link_ready(&u->d->session, ts_mono_ms());
	} else if (u->link_ready && !usable) {
		snprintf(why, sizeof(why), "%s %s", ifname, u->ifc.exists ?
		    "lost its address or went down" : "disappeared");
		session_link_lost(&u->d->session, ts_mono_ms(), why);
		return;
	}
	if (!u->tearing_down)
		poll_again(u);
}

static int
link_argv(struct oobd_uplink *u, char **argv, size_t max, char *why, size_t whylen)
{
	const struct oobd_conf *c = &u->d->conf;

	if (c->link_kind == LINK_COMMAND) {
		for (int i = 0; i < c->link_argc && (size_t)i < max - 1; i++)
			argv[i] = (char *)c->link_argv[i];
		argv[c->link_argc] = NULL;
		return 0;
	}
	struct ppp_conf pc = {
		.device = c->ppp_device, .apn = c->apn, .number = c->dial_number,
		.ifname = c->link_ifname, .lock = true,
	};
	if (ppp_prepare(&pc, c->run_dir, &u->ppp, why, whylen) == -1)
		return -1;
	for (int i = 0; i <= u->ppp.argc && (size_t)i < max; i++)
		argv[i] = u->ppp.argv[i];
	return 0;
}

int
uplink_start_link(struct oobd_uplink *u, char *why, size_t whylen)
{
	struct child_opts opts = { .on_line = on_link_line };
	char *argv[OOBD_LINK_ARGS + 16];

	u->tearing_down = false;
	u->link_ready = false;
	if (link_argv(u, argv, sizeof(argv) / sizeof(argv[0]), why, whylen) == -1)
		return -1;
	lend_modem(u, true);
	u->link = child_spawn(u->d->children, argv, NULL, &opts, on_link_exit, u, why, whylen);
	if (u->link == NULL) {
		lend_modem(u, false);
		return -1;
	}
	log_info("link: started %s (pid %ld); waiting for %s", argv[0], (long)child_pid(u->link),
	    u->d->conf.link_ifname);
	poll_again(u);
	return 0;
}

/* ---- the check: names, routes, the relay reached over the link ---- */

static void
check_failed(struct oobd_uplink *u, const char *why)
{
	session_check_done(&u->d->session, ts_mono_ms(), false, why);
}

static int
route_add(struct oobd_uplink *u, struct in_addr dest, char *why, size_t whylen)
{
	char err[LINK_ERRLEN];

	if (link_route_add(dest, u->gw, u->d->conf.link_ifname, err, sizeof(err)) == -1) {
		snprintf(why, whylen, "route to %s over %s: %.100s", inet_ntoa(dest),
		    u->d->conf.link_ifname, err);
		return -1;
	}
	return 0;
}

static void
on_probe(const struct link_probe_result *res, void *arg)
{
	struct oobd_uplink *u = arg;

	u->probe = NULL;
	if (res->status != LINK_PROBE_OK) {
		check_failed(u, res->msg);
		return;
	}
	log_info("link: relay reached over %s in %lld ms (%s)", u->d->conf.link_ifname,
	    (long long)res->elapsed_ms, res->banner);
	session_check_done(&u->d->session, ts_mono_ms(), true, NULL);
}

/* Every name has its address: route them all through the link, then try
 * the relay's ssh port through it. */
static void
routes_and_probe(struct oobd_uplink *u)
{
	char why[SESSION_REASON_MAX], err[LINK_ERRLEN];

	for (int i = 0; i < u->nhosts; i++) {
		struct uplink_host *h = &u->hosts[i];
		if (!h->resolved || h->routed)
			continue;
		if (route_add(u, h->addr, why, sizeof(why)) == -1) {
			check_failed(u, why);
			return;
		}
		h->routed = true;
	}
	struct link_probe_conf pc = {
		.ifname = u->d->conf.link_ifname,
		.dest = u->hosts[0].addr,
		.port = u->d->conf.relay_port,
		.timeout_ms = (int)u->d->conf.session.check_timeout_ms,
		.banner = "SSH-2.0-",
	};
	u->probe = link_probe_start(u->d->ev, &pc, on_probe, u, err, sizeof(err));
	if (u->probe == NULL)
		check_failed(u, err);
}

static void
routes_and_probe_cb(void *arg)
{
	struct oobd_uplink *u = arg;

	u->step_timer = 0;
	routes_and_probe(u);
}

static void
on_resolved(const struct dns_lookup_result *res, void *arg)
{
	struct uplink_host *h = arg;
	struct oobd_uplink *u = h->u;
	char why[SESSION_REASON_MAX];

	h->res = NULL;
	u->resolving--;
	if (!res->ok) {
		if (h == &u->hosts[0]) {
			snprintf(why, sizeof(why), "relay %.60s: %.90s", h->name, res->msg);
			check_failed(u, why);
			return;
		}
		/* a push target that does not resolve must not stop the tunnel */
		log_warnx("link: %s: %s; pushes to it go the default way", h->name, res->msg);
	} else {
		h->addr = res->addr[0];
		h->resolved = true;
		log_info("link: %s is %s (asked over %s)", h->name, inet_ntoa(h->addr),
		    u->d->conf.link_ifname);
	}
	if (u->resolving == 0 && u->d->session.state == SESS_CHECK)
		routes_and_probe(u);
}

/* The relay and every push target's host, each once. */
static void
collect_hosts(struct oobd_uplink *u)
{
	const struct notify_conf *nc = &u->d->conf.notify;
	struct notify_url url;
	char err[128];

	memset(u->hosts, 0, sizeof(u->hosts));
	snprintf(u->hosts[0].name, sizeof(u->hosts[0].name), "%s", u->d->conf.relay_host);
	u->nhosts = 1;
	for (int i = 0; i < nc->ntargets && u->nhosts < MAX_HOSTS; i++) {
		if (notify_url_parse(notify_target_url(nc, &nc->targets[i]), &url, err,
		    sizeof(err)) == -1)
			continue;
		bool seen = false;
		for (int j = 0; j < u->nhosts; j++)
			seen |= strcasecmp(u->hosts[j].name, url.host) == 0;
		if (!seen)
			snprintf(u->hosts[u->nhosts++].name, sizeof(u->hosts[0].name), "%s",
			    url.host);
	}
}

int
uplink_start_check(struct oobd_uplink *u, char *why, size_t whylen)
{
	const struct oobd_conf *c = &u->d->conf;
	struct in_addr configured = { 0 };
	char err[LINK_ERRLEN];

	if (c->link_gateway[0] != '\0')
		inet_pton(AF_INET, c->link_gateway, &configured);
	u->gw = link_gateway(&u->ifc, configured);
	collect_hosts(u);
	u->resolving = 0;
	for (int i = 0; i < u->nhosts; i++) {
		struct uplink_host *h = &u->hosts[i];
		h->u = u;
		if (inet_pton(AF_INET, h->name, &h->addr) == 1) {
			h->resolved = true;
			continue;
		}
		if (c->link_dns[0] == '\0') {
			if (i == 0) {
				snprintf(why, whylen, "relay %s is a name, but no 'link-dns' "
				    "server is configured to ask over the link", h->name);
				return -1;
			}
			continue;
		}
		if (!u->dns_routed) {
			inet_pton(AF_INET, c->link_dns, &u->dns);
			if (route_add(u, u->dns, why, whylen) == -1)
				return -1;
			u->dns_routed = true;
		}
		struct dns_lookup_conf rc = {
			.ifname = c->link_ifname, .servers = { u->dns }, .nservers = 1,
			.name = h->name, .timeout_ms = DNS_TIMEOUT_MS,
		};
		h->res = dns_lookup_start(u->d->ev, &rc, on_resolved, h, err, sizeof(err));
		if (h->res == NULL) {
			snprintf(why, whylen, "%s: %s", h->name, err);
			return -1;
		}
		u->resolving++;
	}
	if (u->resolving == 0)		/* from the loop, not from inside the session */
		u->step_timer = ev_timer_add(u->d->ev, 0, routes_and_probe_cb, u);
	return 0;
}

/* ---- the tunnel: ssh, supervised (tunnel.h) ---- */

static void tunnel_do(struct oobd_uplink *u, unsigned act);

static void
tunnel_conf_of(const struct oobd_uplink *u, struct tunnel_conf *tc, char *relay, size_t len)
{
	const struct oobd_conf *c = &u->d->conf;

	inet_ntop(AF_INET, &u->hosts[0].addr, relay, (socklen_t)len);
	*tc = (struct tunnel_conf){
		.ssh_path = c->ssh_path,
		.relay_host = relay,		/* the address asked over the link */
		.host_key_alias = strcmp(relay, c->relay_host) != 0 ? c->relay_host : NULL,
		.relay_port = c->relay_port,
		.user = c->relay_user,
		.identity_file = c->ssh_key,
		.known_hosts_file = c->ssh_known_hosts,
		.remote_bind = c->tunnel_bind,
		.remote_port = c->tunnel_port,
		.local_target = c->tunnel_target,
		.alive_interval_s = (int)(c->ssh_alive_ms / 1000),
		.connect_timeout_s = (int)(c->ssh_connect_timeout_ms / 1000),
		.bind_interface = c->link_ifname,
	};
}

static void
on_ssh_line(struct child *c, enum child_stream stream, const char *line, size_t len, void *arg)
{
	struct oobd_uplink *u = arg;
	struct tunnel_event ev;
	struct tunnel_conf tc;
	char relay[INET_ADDRSTRLEN], words[TUNNEL_SUMMARY_MAX];

	(void)c;
	(void)stream;
	if (tunnel_classify(line, len, &ev) == TUNNEL_OTHER) {
		log_debug("ssh: %.*s", (int)len, line);
		return;
	}
	tunnel_conf_of(u, &tc, relay, sizeof(relay));
	tunnel_summary(&tc, &ev, words, sizeof(words));
	log_info("tunnel: %s", words);
	tunnel_do(u, tunnel_sup_event(&u->sup, ts_mono_ms(), &ev));
}

static void
on_ssh_exit(struct child *c, int status, void *arg)
{
	struct oobd_uplink *u = arg;
	char st[64];

	(void)c;
	u->ssh = NULL;
	child_status_str(status, st, sizeof(st));
	log_info("tunnel: ssh %s", st);
	tunnel_do(u, tunnel_sup_exited(&u->sup, ts_mono_ms(), status));
	if (u->tearing_down)
		stop_link(u);
	torn_down_check(u);
}

static int
spawn_ssh(struct oobd_uplink *u, char *why, size_t whylen)
{
	static struct tunnel_argv av;	/* points into itself; large */
	struct child_opts opts = { .on_line = on_ssh_line };
	struct tunnel_conf tc;
	char relay[INET_ADDRSTRLEN];

	tunnel_conf_of(u, &tc, relay, sizeof(relay));
	if (tunnel_build_argv(&tc, &av, why, whylen) == -1)
		return -1;
	u->ssh = child_spawn(u->d->children, av.argv, NULL, &opts, on_ssh_exit, u, why, whylen);
	if (u->ssh == NULL)
		return -1;
	u->d->counts.tunnel_starts++;
	log_info("tunnel: ssh to %s@%s:%u started (pid %ld)", u->d->conf.relay_user, relay,
	    u->d->conf.relay_port, (long)child_pid(u->ssh));
	return 0;
}

static void
sup_timer_cb(void *arg)
{
	struct oobd_uplink *u = arg;

	u->sup_timer = 0;
	tunnel_do(u, tunnel_sup_tick(&u->sup, ts_mono_ms()));
}

static void
sup_rearm(struct oobd_uplink *u)
{
	int64_t at = tunnel_sup_deadline(&u->sup), now = ts_mono_ms();

	ev_timer_cancel(u->d->ev, u->sup_timer);
	u->sup_timer = 0;
	if (at != -1)
		u->sup_timer = ev_timer_add(u->d->ev, at > now ? at - now : 0, sup_timer_cb, u);
}

static void
sup_error_words(struct oobd_uplink *u, char *buf, size_t len)
{
	struct tunnel_conf tc;
	char relay[INET_ADDRSTRLEN];

	tunnel_conf_of(u, &tc, relay, sizeof(relay));
	tunnel_summary(&tc, tunnel_sup_error(&u->sup), buf, len);
}

/* Do what the supervisor asks, and tell the session what it means. */
static void
tunnel_do(struct oobd_uplink *u, unsigned act)
{
	char why[SESSION_REASON_MAX];
	int64_t now = ts_mono_ms();

	if ((act & TUNNEL_DO_KILL) && u->ssh != NULL)
		child_stop(u->ssh, STOP_GRACE_MS);
	if ((act & TUNNEL_DO_SPAWN) && spawn_ssh(u, why, sizeof(why)) == -1) {
		log_warnx("tunnel: %s", why);
		act |= tunnel_sup_spawn_failed(&u->sup, now);
	}
	sup_rearm(u);
	if (u->tearing_down)
		return;
	if (act & TUNNEL_DO_REPORT_UP) {
		session_tunnel_up(&u->d->session, now);
	} else if (act & TUNNEL_DO_REPORT_FAILED) {
		sup_error_words(u, why, sizeof(why));
		session_tunnel_failed(&u->d->session, now, why);
	} else if (act & TUNNEL_DO_REPORT_DOWN) {
		u->d->counts.tunnel_restarts++;
		sup_error_words(u, why, sizeof(why));
		session_tunnel_restarting(&u->d->session, now, why);
	}
}

int
uplink_start_tunnel(struct oobd_uplink *u, char *why, size_t whylen)
{
	struct tunnel_conf tc;
	char relay[INET_ADDRSTRLEN];

	tunnel_conf_of(u, &tc, relay, sizeof(relay));
	struct tunnel_sup_conf sc = {
		.start_timeout_ms = tunnel_start_timeout_ms(&tc),
		.remote_port = u->d->conf.tunnel_port,
		.max_failures = u->d->conf.session.retries,
	};
	tunnel_sup_init(&u->sup, &sc);
	unsigned act = tunnel_sup_start(&u->sup, ts_mono_ms());
	if ((act & TUNNEL_DO_SPAWN) && spawn_ssh(u, why, whylen) == -1)
		return -1;
	sup_rearm(u);
	return 0;
}

/* ---- teardown ---- */

static void
routes_del(struct oobd_uplink *u)
{
	const char *ifname = u->d->conf.link_ifname;
	char err[LINK_ERRLEN];

	for (int i = 0; i < u->nhosts; i++) {
		struct uplink_host *h = &u->hosts[i];
		dns_lookup_cancel(h->res);
		h->res = NULL;
		if (h->routed && link_route_del(h->addr, u->gw, ifname, err, sizeof(err)) == -1)
			log_warnx("link: removing the route to %s: %s", h->name, err);
		h->routed = false;
	}
	if (u->dns_routed && link_route_del(u->dns, u->gw, ifname, err, sizeof(err)) == -1)
		log_warnx("link: removing the route to the DNS server: %s", err);
	u->dns_routed = false;
	u->nhosts = 0;
	u->resolving = 0;
}

static void
done_cb(void *arg)
{
	struct oobd_uplink *u = arg;

	u->done_timer = 0;
	session_torn_down(&u->d->session, ts_mono_ms());
}

/* Once no child is left, the session hears of it (from the loop). */
static void
torn_down_check(struct oobd_uplink *u)
{
	if (!u->tearing_down || u->link != NULL || u->ssh != NULL || u->done_timer != 0)
		return;
	u->done_timer = ev_timer_add(u->d->ev, 0, done_cb, u);
}

static void
stop_link(struct oobd_uplink *u)
{
	if (u->link != NULL)
		child_stop(u->link, STOP_GRACE_MS);
	routes_del(u);
	u->link_ready = false;
}

static void
stop_children(struct oobd_uplink *u)
{
	ev_timer_cancel(u->d->ev, u->poll_timer);
	ev_timer_cancel(u->d->ev, u->step_timer);
	u->poll_timer = u->step_timer = 0;
	link_probe_cancel(u->probe);
	u->probe = NULL;
	/* ssh first, and the link only once ssh is gone (on_ssh_exit): the
	 * relay must get ssh's goodbye over the link, or it keeps the
	 * forwarded port taken until its keepalives give up on us. */
	tunnel_do(u, tunnel_sup_stop(&u->sup, ts_mono_ms()));
	if (u->ssh != NULL)
		child_stop(u->ssh, STOP_GRACE_MS);
	else
		stop_link(u);
}

/* What this link carried goes into the totals once, when it is torn down. */
static void
count_link_bytes(struct oobd_uplink *u)
{
	uint64_t rx, tx;

	uplink_link_bytes(u, &rx, &tx);
	u->d->counts.link_rx_bytes += rx;
	u->d->counts.link_tx_bytes += tx;
	u->rx0 += rx;
	u->tx0 += tx;
}

void
uplink_teardown(struct oobd_uplink *u)
{
	count_link_bytes(u);
	u->tearing_down = true;
	stop_children(u);
	torn_down_check(u);
}

/* ---- what others see ---- */

void
uplink_link_bytes(const struct oobd_uplink *u, uint64_t *rx, uint64_t *tx)
{
	struct link_iface ifc;
	char err[LINK_ERRLEN];

	*rx = *tx = 0;
	if (u == NULL || !u->link_ready ||
	    link_iface_get(u->d->conf.link_ifname, &ifc, err, sizeof(err)) == -1 || !ifc.exists)
		return;
	if (ifc.rx_bytes >= u->rx0)
		*rx = ifc.rx_bytes - u->rx0;
	if (ifc.tx_bytes >= u->tx0)
		*tx = ifc.tx_bytes - u->tx0;
}

int
uplink_describe(const struct oobd_uplink *u, char *buf, size_t len)
{
	struct link_iface ifc;
	char err[LINK_ERRLEN];

	if (u == NULL || !u->link_ready ||
	    link_iface_get(u->d->conf.link_ifname, &ifc, err, sizeof(err)) == -1 || !ifc.exists)
		return -1;
	snprintf(buf, len, "%s %s, rx %.1f MB tx %.1f MB", u->d->conf.link_ifname,
	    inet_ntoa(ifc.addr), (double)(ifc.rx_bytes - u->rx0) / 1e6,
	    (double)(ifc.tx_bytes - u->tx0) / 1e6);
	return 0;
}

void
uplink_tunnel_words(const struct oobd_uplink *u, char *buf, size_t len)
{
	const struct oobd_conf *c = &u->d->conf;
	const char *b = c->tunnel_bind;

	/* Bound to the relay's loopback (the default): jump through the relay. */
	if (b[0] == '\0' || strcmp(b, "localhost") == 0 || strcmp(b, "127.0.0.1") == 0)
		snprintf(buf, len, "ssh -J %s -p %u localhost", c->relay_host, c->tunnel_port);
	else
		snprintf(buf, len, "ssh -p %u %s", c->tunnel_port, c->relay_host);
}

/* While the link is up, pushes leave through it and use the addresses
 * asked over it; otherwise the default way. */
const struct notify_route *
uplink_route(const struct oobd_uplink *u)
{
	struct oobd_uplink *mu = (struct oobd_uplink *)u;
	size_t n = 0;

	if (u == NULL || u->d->session.state != SESS_UP)
		return NULL;
	for (int i = 1; i < u->nhosts; i++) {
		if (!u->hosts[i].routed)
			continue;
		inet_ntop(AF_INET, &u->hosts[i].addr, mu->addr_text[n], sizeof(mu->addr_text[0]));
		mu->resolve[n] = (struct notify_resolve){ u->hosts[i].name, 0, mu->addr_text[n] };
		n++;
	}
	mu->route = (struct notify_route){
		.interface = u->d->conf.link_ifname, .resolve = mu->resolve, .nresolve = n,
	};
	return &mu->route;
}

void
uplink_status_json(const struct oobd_uplink *u, struct jsonw *w)
{
	struct link_iface ifc;
	char err[LINK_ERRLEN];
	bool have = u != NULL && link_iface_get(u->d->conf.link_ifname, &ifc, err,
	    sizeof(err)) == 0 && ifc.exists;

	jsonw_begin(w, "link");
	jsonw_str(w, "interface", u != NULL ? u->d->conf.link_ifname : "");
	jsonw_bool(w, "running", u != NULL && u->link != NULL);
	jsonw_bool(w, "ready", u != NULL && u->link_ready);
	if (have && ifc.has_addr)
		jsonw_str(w, "address", inet_ntoa(ifc.addr));
	if (have && u->link_ready) {
		jsonw_int(w, "rx_bytes", (long long)(ifc.rx_bytes - u->rx0));
		jsonw_int(w, "tx_bytes", (long long)(ifc.tx_bytes - u->tx0));
	}
	jsonw_end(w);
	jsonw_begin(w, "tunnel");
	jsonw_str(w, "relay", u != NULL ? u->d->conf.relay_host : "");
	jsonw_int(w, "port", u != NULL ? u->d->conf.tunnel_port : 0);
	jsonw_bool(w, "running", u != NULL && u->ssh != NULL);
	jsonw_end(w);
}

/* ---- life ---- */

struct oobd_uplink *
uplink_new(struct oobd *d, char *err, size_t errlen)
{
	struct oobd_uplink *u = calloc(1, sizeof(*u));

	if (u == NULL) {
		snprintf(err, errlen, "uplink: %s", strerror(errno));
		return NULL;
	}
	u->d = d;
	tunnel_sup_init(&u->sup, &(struct tunnel_sup_conf){ 0 });
	return u;
}

/* At exit: everything stopped (given a few seconds to go quietly: the
 * link command takes its interface down) and the routes removed. */
void
uplink_free(struct oobd_uplink *u)
{
	if (u == NULL)
		return;
	u->tearing_down = true;
	stop_children(u);
	int64_t until = ts_mono_ms() + 2 * STOP_GRACE_MS + 1000;	/* ssh, then the link */
	while ((u->ssh != NULL || u->link != NULL) && ts_mono_ms() < until)
		ev_run_once(u->d->ev, 100);
	if (u->ssh != NULL)
		child_abandon(u->ssh);		/* the daemon's child_set reaps it */
	if (u->link != NULL)
		child_abandon(u->link);
	ev_timer_cancel(u->d->ev, u->done_timer);
	ev_timer_cancel(u->d->ev, u->sup_timer);
	free(u);
}
