/*
 * stratumd.conf: directives, defaults and their checks.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "exporter.h"
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
	c->metrics_interval = 15;
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

/* server, pool and peer HOST [OPTION ...]: the same words, three kinds. */
static int
d_upstream(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	enum upstream_kind kind = UPSTREAM_SERVER;

	if (strcasecmp(l->argv[0], "pool") == 0)
		kind = UPSTREAM_POOL;
	else if (strcasecmp(l->argv[0], "peer") == 0)
		kind = UPSTREAM_PEER;
	return upstream_directive(ctx, kind, l, err, errlen);
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

/* ratelimit for NTP, query-ratelimit for mode 6: the same words. */
static int
d_ratelimit(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct stratumd_conf *c = ctx;

	if (strcasecmp(l->argv[0], "query-ratelimit") == 0)
		return parse_ratelimit(l, &c->query_ratelimit, &c->query_rl, err, errlen);
	return parse_ratelimit(l, &c->ratelimit, &c->rl, err, errlen);
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

#define AT(member) CFG_AT(struct stratumd_conf, member)

static const struct cfg_field directives[] = {
	{ "gps", CFG_CUSTOM, 1, 2, .handler = d_gps },
	{ "gps-configure", CFG_CUSTOM, 2, 6, .handler = d_gps_configure },
	{ "pps", CFG_STRING, AT(pps_device) },
	{ "pps-socket", CFG_STRING, AT(pps_socket) },
	{ "nmea-delay", CFG_DOUBLE, AT(nmea_delay), 0.001, 0.999 },
	{ "listen", CFG_CUSTOM, 1, 1, .handler = d_listen },
	{ "port", CFG_UINT16, AT(port), 1, 65535 },
	{ "allow", CFG_CUSTOM, 0, 2, .handler = d_allow },
	{ "server", CFG_CUSTOM, 1, 12, .handler = d_upstream },
	{ "pool", CFG_CUSTOM, 1, 12, .handler = d_upstream },
	{ "peer", CFG_CUSTOM, 1, 12, .handler = d_upstream },
	{ "refclock", CFG_CUSTOM, 1, 3, .handler = d_refclock },
	{ "minsane", CFG_INT, AT(sel.minsane), 0, SEL_MAX },
	{ "minclock", CFG_INT, AT(sel.minclock), 1, SEL_MAX },
	{ "maxclock", CFG_INT, AT(sel.maxclock), 1, SEL_MAX },
	{ "maxdist", CFG_DOUBLE, AT(sel.maxdist), 0.001, 16 },
	{ "deny", CFG_CUSTOM, 0, 1, .handler = d_deny },
	{ "ratelimit", CFG_CUSTOM, 1, 4, .handler = d_ratelimit },
	{ "query-ratelimit", CFG_CUSTOM, 1, 4, .handler = d_ratelimit },
	{ "clock-control", CFG_BOOL, AT(clock_control) },
	{ "makestep", CFG_CUSTOM, 2, 2, .handler = d_makestep },
	{ "holdover", CFG_CUSTOM, 1, 1, .handler = d_holdover },
	{ "statedir", CFG_STRING, AT(state_dir) },
	{ "leapfile", CFG_CUSTOM, 1, 1, .handler = d_leapfile },
	{ "statsdir", CFG_STRING, AT(stats_dir) },
	{ "statistics", CFG_CUSTOM, 1, 3, .handler = d_statistics },
	{ "control", CFG_CUSTOM, 1, 3, .handler = d_control },
	{ "export-sock", CFG_STRING, AT(export_sock) },
	{ "export-shm", CFG_INT, AT(export_shm), 0, 255 },
	{ "user", CFG_STRING, AT(user) },
	{ "metrics-listen", CFG_STRING, AT(metrics_listen), .check = exporter_check_listen },
	{ "metrics-textfile", CFG_STRING, AT(metrics_textfile) },
	{ "metrics-interval", CFG_DOUBLE, AT(metrics_interval), 1, 3600 },
	{ .name = NULL },
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
	if (cfg_parse_fields_file(path, directives, c, err, errlen) == -1)
		return -1;
	acl_default_from_first_rule(c);
	return conf_check(c, path, err, errlen);
}

int
conf_parse_buffer(struct stratumd_conf *c, const char *name, const char *buf, size_t len,
    char *err, size_t errlen)
{
	if (cfg_parse_fields_buffer(name, buf, len, directives, c, err, errlen) == -1)
		return -1;
	acl_default_from_first_rule(c);
	return conf_check(c, name, err, errlen);
}
