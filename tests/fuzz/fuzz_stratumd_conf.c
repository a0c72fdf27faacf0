/*
 * Fuzz stratumd.conf's directives: any bytes as a configuration, through
 * the typed table and every handler (receiver, upstream lines and their
 * options, access rules, rate limits, statistics, control) and the
 * whole-file checks.  Whatever the input, the result is either an error
 * with a message or a configuration whose strings are terminated within
 * their fields and whose numbers are within their directives' ranges.
 *
 * The fuzz library holds the core and oobd but not stratumd, so its conf.c
 * is compiled into this target.  `leapfile` reads the file it names while
 * the configuration is parsed; here it reads nothing (the fuzzer could
 * name a FIFO or a terminal and wait for ever), and fuzz_leapfile covers
 * the file's parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define leapfile_load fuzz_leapfile_load
#include "stratumd/conf.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
fuzz_leapfile_load(const char *path, struct leapfile *lf, char *err, size_t errlen)
{
	(void)lf;
	if (memchr(path, '\0', CONF_PATH) == NULL)
		abort();
	if (path[0] != '/') {
		snprintf(err, errlen, "%s: not read while fuzzing", path);
		return -1;
	}
	return 0;
}

static void
terminated(const char *s, size_t len)
{
	if (memchr(s, '\0', len) == NULL)
		abort();
}

#define TERMINATED(field) terminated(field, sizeof(field))

static void
within(int64_t v, int64_t min, int64_t max)
{
	if (v < min || v > max)
		abort();
}

static void
check_upstream(const struct upstream_conf *u)
{
	TERMINATED(u->host);
	within(u->port, 1, 65535);
	within(u->minpoll, ASSOC_POLL_MIN, u->maxpoll);
	within(u->maxpoll, u->minpoll, ASSOC_POLL_MAX);
	within(u->maxsources, 1, 16);
}

static void
check_conf(const struct stratumd_conf *c)
{
	TERMINATED(c->gps_device);
	TERMINATED(c->pps_device);
	TERMINATED(c->pps_socket);
	TERMINATED(c->state_dir);
	TERMINATED(c->stats_dir);
	TERMINATED(c->control_path);
	TERMINATED(c->control_group);
	TERMINATED(c->export_sock);
	TERMINATED(c->user);
	TERMINATED(c->leapfile);
	if (c->gps_device[0] == '\0' && c->nupstream == 0)
		abort();
	within(c->nupstream, 0, STRATUMD_MAX_UPSTREAM);
	for (int i = 0; i < c->nupstream; i++)
		check_upstream(&c->upstream[i]);
	within(c->nlisten, 1, STRATUMD_MAX_LISTEN);
	for (int i = 0; i < c->nlisten; i++)
		TERMINATED(c->listen[i]);
	within(c->port, 1, 65535);
	within(c->sel.minsane, 0, SEL_MAX);
	within(c->sel.minclock, 1, c->sel.maxclock);
	within(c->sel.maxclock, 1, SEL_MAX);
	within(c->export_shm, -1, 255);
	within(c->rl.burst, 1, 1024);
	within(c->query_rl.burst, 1, 1024);
	if (!(c->nmea_delay == 0 || (c->nmea_delay >= 0.001 && c->nmea_delay <= 0.999)) ||
	    !(c->sel.maxdist >= 0.001 && c->sel.maxdist <= 16) || c->disc.unsync_after < 10)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct stratumd_conf c;
	char err[CFG_ERRLEN];

	conf_defaults(&c);
	err[0] = '\0';
	if (conf_parse_buffer(&c, "stratumd.conf", (const char *)data, size, err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
	} else {
		check_conf(&c);
	}
	return 0;
}
