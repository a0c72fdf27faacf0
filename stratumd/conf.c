/*
 * stratumd.conf: directives, defaults and their checks.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "stratumd.h"

void
conf_defaults(struct stratumd_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->gps_baud = 9600;
	c->port = 123;
	acl_init(&c->acl, true);
	c->ratelimit = true;
	c->rl.interval_ms = 1000;
	c->rl.burst = 16;
	/* ntpq -p asks once per association, back to back. */
	c->query_ratelimit = true;
	c->query_rl.interval_ms = 62;
	c->query_rl.burst = 64;
	c->clock_control = true;
	disc_default_config(&c->disc);
	sel_default_conf(&c->sel);
	acl_init(&c->query_acl, false);
	snprintf(c->state_dir, sizeof(c->state_dir), "/var/lib/stratumd");
	snprintf(c->control_path, sizeof(c->control_path), "/run/stratumd/control.sock");
	c->export_shm = -1;
}

static int
d_gps(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	uint64_t baud;

	if (cfg_string(l->argv[1], c->gps_device, sizeof(c->gps_device), err, errlen) == -1)
		return -1;
	if (l->argc > 2) {
		if (cfg_uint(l->argv[2], 1200, 921600, &baud, err, errlen) == -1)
			return -1;
		if (serial_speed((int)baud) == 0) {
			snprintf(err, errlen, "unsupported speed %s", l->argv[2]);
			return -1;
		}
		c->gps_baud = (int)baud;
	}
	return 0;
}

/* gps-configure [sentences LIST] [rate HZ] [baud N] */
static int
d_gps_configure(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	uint64_t v;

	if ((l->argc - 1) % 2 != 0) {
		snprintf(err, errlen, "expected keyword/value pairs: sentences, rate, baud");
		return -1;
	}
	for (int i = 1; i < l->argc; i += 2) {
		const char *k = l->argv[i], *val = l->argv[i + 1];
		if (strcasecmp(k, "sentences") == 0) {
			if (pmtk_output_from_list(val, &c->gps_sentences) == -1) {
				snprintf(err, errlen, "unknown sentence in '%s'", val);
				return -1;
			}
			c->gps_set_sentences = true;
		} else if (strcasecmp(k, "rate") == 0) {
			if (cfg_uint(val, 1, 10, &v, err, errlen) == -1)
				return -1;
			c->gps_rate_ms = (int)(1000 / v);
		} else if (strcasecmp(k, "baud") == 0) {
			char tmp[32];
			if (cfg_uint(val, 4800, 115200, &v, err, errlen) == -1)
				return -1;
			if (pmtk_set_baud(tmp, sizeof(tmp), (int)v) == -1) {
				snprintf(err, errlen, "the receiver cannot run at %s baud", val);
				return -1;
			}
			c->gps_new_baud = (int)v;
		} else {
			snprintf(err, errlen, "unknown keyword '%s' (sentences, rate, baud)", k);
			return -1;
		}
	}
	c->gps_configure = true;
	return 0;
}

static int
d_pps(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	return cfg_string(l->argv[1], c->pps_device, sizeof(c->pps_device), err, errlen);
}

static int
d_pps_socket(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	return cfg_string(l->argv[1], c->pps_socket, sizeof(c->pps_socket), err, errlen);
}

static int
d_nmea_delay(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	return cfg_double(l->argv[1], 0.001, 0.999, &c->nmea_delay, err, errlen);
}

static int
d_listen(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;

	if (c->nlisten >= STRATUMD_MAX_LISTEN) {
		snprintf(err, errlen, "at most %d listen addresses", STRATUMD_MAX_LISTEN);
		return -1;
	}
	return cfg_string(l->argv[1], c->listen[c->nlisten++], sizeof(c->listen[0]), err, errlen);
}

static int
d_port(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	uint64_t v;

	if (cfg_uint(l->argv[1], 1, 65535, &v, err, errlen) == -1)
		return -1;
	c->port = (uint16_t)v;
	return 0;
}

static int
acl_directive(struct stratumd_conf *c, const struct cfg_line *l, bool allow, char *err,
    size_t errlen)
{
	struct acl_rule r;

	if (acl_parse(l->argc > 1 ? l->argv[1] : "all", allow, &r, err, errlen) == -1)
		return -1;
	if (acl_add(&c->acl, &r) == -1) {
		snprintf(err, errlen, "at most %d allow/deny rules", ACL_MAX_RULES);
		return -1;
	}
	return 0;
}

/* allow [NET [query]]: query also lets NET use mode 6 (ntpq). */
static int
d_allow(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	struct acl_rule r;

	if (l->argc == 3) {
		if (strcasecmp(l->argv[2], "query") != 0) {
			snprintf(err, errlen, "unknown keyword '%s' (query)", l->argv[2]);
			return -1;
		}
		if (acl_parse(l->argv[1], true, &r, err, errlen) == -1)
			return -1;
		if (acl_add(&c->query_acl, &r) == -1) {
			snprintf(err, errlen, "at most %d allow ... query rules", ACL_MAX_RULES);
			return -1;
		}
	}
	return acl_directive(ctx, l, true, err, errlen);
}

/* The options of server, pool and peer lines. */
static int
upstream_option(struct upstream_conf *u, const struct cfg_line *l, int *i, char *err,
    size_t errlen)
{
	const char *k = l->argv[*i];
	uint64_t v;

	if (strcasecmp(k, "iburst") == 0)
		u->iburst = true;
	else if (strcasecmp(k, "prefer") == 0)
		u->prefer = true;
	else if (strcasecmp(k, "noselect") == 0)
		u->noselect = true;
	else if (strcasecmp(k, "minpoll") == 0 || strcasecmp(k, "maxpoll") == 0 ||
	    strcasecmp(k, "port") == 0 || strcasecmp(k, "maxsources") == 0) {
		if (*i + 1 >= l->argc) {
			snprintf(err, errlen, "'%s' needs a value", k);
			return -1;
		}
		const char *val = l->argv[++*i];
		if (strcasecmp(k, "port") == 0) {
			if (cfg_uint(val, 1, 65535, &v, err, errlen) == -1)
				return -1;
			u->port = (uint16_t)v;
		} else if (strcasecmp(k, "maxsources") == 0) {
			if (u->kind != UPSTREAM_POOL) {
				snprintf(err, errlen, "'maxsources' is for pool lines");
				return -1;
			}
			if (cfg_uint(val, 1, 16, &v, err, errlen) == -1)
				return -1;
			u->maxsources = (int)v;
		} else {
			if (cfg_uint(val, ASSOC_POLL_MIN, ASSOC_POLL_MAX, &v, err, errlen) == -1)
				return -1;
			if (k[1] == 'i' || k[1] == 'I')
				u->minpoll = (int)v;
			else
				u->maxpoll = (int)v;
		}
	} else {
		snprintf(err, errlen, "unknown option '%s' (iburst, prefer, noselect, minpoll, "
		    "maxpoll, port%s)", k, u->kind == UPSTREAM_POOL ? ", maxsources" : "");
		return -1;
	}
	return 0;
}

static int
upstream_directive(struct stratumd_conf *c, enum upstream_kind kind, const struct cfg_line *l,
    char *err, size_t errlen)
{
	struct upstream_conf u;

	if (c->nupstream >= STRATUMD_MAX_UPSTREAM) {
		snprintf(err, errlen, "at most %d server, pool and peer lines",
		    STRATUMD_MAX_UPSTREAM);
		return -1;
	}
	memset(&u, 0, sizeof(u));
	u.kind = kind;
	u.port = 123;
	u.minpoll = ASSOC_MINPOLL;
	u.maxpoll = ASSOC_MAXPOLL;
	u.maxsources = kind == UPSTREAM_POOL ? STRATUMD_POOL_DEFAULT : 1;
	if (cfg_string(l->argv[1], u.host, sizeof(u.host), err, errlen) == -1)
		return -1;
	for (int i = 2; i < l->argc; i++)
		if (upstream_option(&u, l, &i, err, errlen) == -1)
			return -1;
	if (u.minpoll > u.maxpoll) {
		snprintf(err, errlen, "minpoll %d is above maxpoll %d", u.minpoll, u.maxpoll);
		return -1;
	}
	c->upstream[c->nupstream++] = u;
	return 0;
}

static int
d_server(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	return upstream_directive(ctx, UPSTREAM_SERVER, l, err, errlen);
}

static int
d_pool(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	return upstream_directive(ctx, UPSTREAM_POOL, l, err, errlen);
}

static int
d_peer(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	return upstream_directive(ctx, UPSTREAM_PEER, l, err, errlen);
}

/* refclock PPS|NMEA [prefer] [noselect] */
static int
d_refclock(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	struct refsource_conf *r;

	if (strcasecmp(l->argv[1], "pps") == 0)
		r = &c->pps_src;
	else if (strcasecmp(l->argv[1], "nmea") == 0)
		r = &c->nmea_src;
	else {
		snprintf(err, errlen, "unknown refclock '%s' (PPS, NMEA)", l->argv[1]);
		return -1;
	}
	for (int i = 2; i < l->argc; i++) {
		if (strcasecmp(l->argv[i], "prefer") == 0)
			r->prefer = true;
		else if (strcasecmp(l->argv[i], "noselect") == 0)
			r->noselect = true;
		else {
			snprintf(err, errlen, "unknown option '%s' (prefer, noselect)",
			    l->argv[i]);
			return -1;
		}
	}
	return 0;
}

/* A count of sources for selection: min..SEL_MAX. */
static int
sel_count(const struct cfg_line *l, uint64_t min, int *out, char *err, size_t errlen)
{
	uint64_t v;

	if (cfg_uint(l->argv[1], min, SEL_MAX, &v, err, errlen) == -1)
		return -1;
	*out = (int)v;
	return 0;
}

static int
d_minsane(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	return sel_count(l, 0, &((struct stratumd_conf *)ctx)->sel.minsane, err, errlen);
}

static int
d_minclock(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	return sel_count(l, 1, &((struct stratumd_conf *)ctx)->sel.minclock, err, errlen);
}

static int
d_maxclock(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	return sel_count(l, 1, &((struct stratumd_conf *)ctx)->sel.maxclock, err, errlen);
}

static int
d_maxdist(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	return cfg_double(l->argv[1], 0.001, 16, &c->sel.maxdist, err, errlen);
}

static int
d_deny(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	return acl_directive(ctx, l, false, err, errlen);
}

/* off | [interval S] [burst N]: ratelimit's and query-ratelimit's words */
static int
parse_ratelimit(const struct cfg_line *l, bool *on, struct rl_conf *rl, char *err,
    size_t errlen)
{
	double secs;
	uint64_t v;

	if (l->argc == 2 && strcasecmp(l->argv[1], "off") == 0) {
		*on = false;
		return 0;
	}
	if ((l->argc - 1) % 2 != 0) {
		snprintf(err, errlen, "expected 'off' or keyword/value pairs: interval, burst");
		return -1;
	}
	for (int i = 1; i < l->argc; i += 2) {
		if (strcasecmp(l->argv[i], "interval") == 0) {
			if (cfg_double(l->argv[i + 1], 0.001, 3600, &secs, err, errlen) == -1)
				return -1;
			rl->interval_ms = (int64_t)(secs * 1000 + 0.5);
		} else if (strcasecmp(l->argv[i], "burst") == 0) {
			if (cfg_uint(l->argv[i + 1], 1, 1024, &v, err, errlen) == -1)
				return -1;
			rl->burst = (int)v;
		} else {
			snprintf(err, errlen, "unknown keyword '%s' (interval, burst)", l->argv[i]);
			return -1;
		}
	}
	*on = true;
	return 0;
}

static int
d_ratelimit(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	return parse_ratelimit(l, &c->ratelimit, &c->rl, err, errlen);
}

static int
d_query_ratelimit(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	return parse_ratelimit(l, &c->query_ratelimit, &c->query_rl, err, errlen);
}

static int
d_clock_control(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	return cfg_bool(l->argv[1], &c->clock_control, err, errlen);
}

static int
d_makestep(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	uint64_t n;

	if (cfg_double(l->argv[1], 0, 1e6, &c->disc.step_threshold, err, errlen) == -1)
		return -1;
	if (cfg_uint(l->argv[2], 0, 1000000, &n, err, errlen) == -1)
		return -1;
	c->disc.step_updates = (int)n;
	return 0;
}

static int
d_holdover(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	int64_t ms;

	if (cfg_duration_ms(l->argv[1], &ms, err, errlen) == -1)
		return -1;
	if (ms < 10000) {
		snprintf(err, errlen, "holdover must be at least 10s");
		return -1;
	}
	c->disc.unsync_after = (double)ms / 1000;
	return 0;
}

static int
d_statedir(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	return cfg_string(l->argv[1], c->state_dir, sizeof(c->state_dir), err, errlen);
}

/* Read now, so that a configuration check finds a damaged file. */
static int
d_leapfile(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	struct leapfile lf;

	if (cfg_string(l->argv[1], c->leapfile, sizeof(c->leapfile), err, errlen) == -1)
		return -1;
	return leapfile_load(c->leapfile, &lf, err, errlen);
}

static int
d_statsdir(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	return cfg_string(l->argv[1], c->stats_dir, sizeof(c->stats_dir), err, errlen);
}

static int
d_statistics(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;

	for (int i = 1; i < l->argc; i++) {
		if (strcasecmp(l->argv[i], "loopstats") == 0)
			c->loopstats = true;
		else if (strcasecmp(l->argv[i], "peerstats") == 0)
			c->peerstats = true;
		else if (strcasecmp(l->argv[i], "clockstats") == 0)
			c->clockstats = true;
		else {
			snprintf(err, errlen, "unknown statistics '%s' (loopstats, peerstats, "
			    "clockstats)", l->argv[i]);
			return -1;
		}
	}
	return 0;
}

/* control PATH [group NAME] */
static int
d_control(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;

	if (cfg_string(l->argv[1], c->control_path, sizeof(c->control_path), err, errlen) == -1)
		return -1;
	if (l->argc == 2)
		return 0;
	if (l->argc != 4 || strcasecmp(l->argv[2], "group") != 0) {
		snprintf(err, errlen, "expected: control PATH [group NAME]");
		return -1;
	}
	return cfg_string(l->argv[3], c->control_group, sizeof(c->control_group), err, errlen);
}

static int
d_export_sock(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	return cfg_string(l->argv[1], c->export_sock, sizeof(c->export_sock), err, errlen);
}

static int
d_export_shm(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	uint64_t v;

	if (cfg_uint(l->argv[1], 0, 255, &v, err, errlen) == -1)
		return -1;
	c->export_shm = (int)v;
	return 0;
}

static int
d_user(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;
	return cfg_string(l->argv[1], c->user, sizeof(c->user), err, errlen);
}

static const struct cfg_directive directives[] = {
	{ "gps", 1, 2, d_gps },
	{ "gps-configure", 2, 6, d_gps_configure },
	{ "pps", 1, 1, d_pps },
	{ "pps-socket", 1, 1, d_pps_socket },
	{ "nmea-delay", 1, 1, d_nmea_delay },
	{ "listen", 1, 1, d_listen },
	{ "port", 1, 1, d_port },
	{ "allow", 0, 2, d_allow },
	{ "server", 1, 12, d_server },
	{ "pool", 1, 12, d_pool },
	{ "peer", 1, 12, d_peer },
	{ "refclock", 1, 3, d_refclock },
	{ "minsane", 1, 1, d_minsane },
	{ "minclock", 1, 1, d_minclock },
	{ "maxclock", 1, 1, d_maxclock },
	{ "maxdist", 1, 1, d_maxdist },
	{ "deny", 0, 1, d_deny },
	{ "ratelimit", 1, 4, d_ratelimit },
	{ "query-ratelimit", 1, 4, d_query_ratelimit },
	{ "clock-control", 1, 1, d_clock_control },
	{ "makestep", 2, 2, d_makestep },
	{ "holdover", 1, 1, d_holdover },
	{ "statedir", 1, 1, d_statedir },
	{ "leapfile", 1, 1, d_leapfile },
	{ "statsdir", 1, 1, d_statsdir },
	{ "statistics", 1, 3, d_statistics },
	{ "control", 1, 3, d_control },
	{ "export-sock", 1, 1, d_export_sock },
	{ "export-shm", 1, 1, d_export_shm },
	{ "user", 1, 1, d_user },
	{ NULL, 0, 0, NULL },
};

/* Whole-file checks that no single directive can make. */
static int
conf_check(struct stratumd_conf *c, const char *name, char *err, size_t errlen)
{
	if (c->gps_device[0] == '\0' && c->nupstream == 0) {
		snprintf(err, errlen, "%s: no time source: configure a 'gps' device, or "
		    "'server', 'pool' or 'peer' lines", name);
		return -1;
	}
	if (c->gps_device[0] == '\0' && (c->pps_device[0] != '\0' ||
	    c->pps_socket[0] != '\0')) {
		snprintf(err, errlen, "%s: PPS needs the receiver's NMEA to number the "
		    "seconds: configure its 'gps' device", name);
		return -1;
	}
	if (c->sel.minclock > c->sel.maxclock) {
		snprintf(err, errlen, "%s: minclock %d is above maxclock %d", name,
		    c->sel.minclock, c->sel.maxclock);
		return -1;
	}
	if (c->pps_device[0] != '\0' && c->pps_socket[0] != '\0') {
		snprintf(err, errlen, "%s: 'pps' and 'pps-socket' are alternatives: choose one",
		    name);
		return -1;
	}
	if (c->stats_dir[0] == '\0' && (c->loopstats || c->peerstats || c->clockstats)) {
		snprintf(err, errlen, "%s: 'statistics' needs a 'statsdir'", name);
		return -1;
	}
	if (c->nlisten == 0) {
		snprintf(c->listen[0], sizeof(c->listen[0]), "0.0.0.0");
		snprintf(c->listen[1], sizeof(c->listen[1]), "::");
		c->nlisten = 2;
	}
	return 0;
}

static void
acl_default_from_first_rule(struct stratumd_conf *c)
{
	/* With rules present, what matches none is the opposite of the first
	 * rule: "allow 192.168.0.0/16" alone means only that network. */
	if (c->acl.n > 0)
		c->acl.default_allow = !c->acl.rule[0].allow;
}

int
conf_load(struct stratumd_conf *c, const char *path, char *err, size_t errlen)
{
	if (cfg_parse_file(path, directives, c, err, errlen) == -1)
		return -1;
	acl_default_from_first_rule(c);
	return conf_check(c, path, err, errlen);
}

int
conf_parse_buffer(struct stratumd_conf *c, const char *name, const char *buf, size_t len,
    char *err, size_t errlen)
{
	if (cfg_parse_buffer(name, buf, len, directives, c, err, errlen) == -1)
		return -1;
	acl_default_from_first_rule(c);
	return conf_check(c, name, err, errlen);
}
