/*
 * stratumd.conf: the seed's configuration is read as meant, and every
 * mistake is reported with its file and line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "stratumd.h"

static int
parse(struct stratumd_conf *c, const char *text, char *err, size_t errlen)
{
	conf_defaults(c);
	return conf_parse_buffer(c, "stratumd.conf", text, strlen(text), err, errlen);
}

static bool
permits(const struct stratumd_conf *c, const char *addr)
{
	struct sockaddr_in in;

	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	inet_pton(AF_INET, addr, &in.sin_addr);
	return acl_permits(&c->acl, (struct sockaddr *)&in);
}

static void
test_seed_setup(void **state)
{
	struct stratumd_conf c;
	char err[CFG_ERRLEN];
	const char *text =
	    "# Adafruit Ultimate GPS HAT on a Raspberry Pi\n"
	    "gps /dev/ttyAMA0 9600\n"
	    "gps-configure sentences RMC,ZDA rate 1 baud 57600\n"
	    "pps /dev/pps0\n"
	    "allow 192.168.1.0/24\n"
	    "ratelimit interval 2 burst 8\n"
	    "makestep 0.1 3\n"
	    "holdover 2h\n"
	    "statsdir /var/log/stratumd\n"
	    "statistics loopstats peerstats\n"
	    "control /run/stratumd/control.sock group ntpadmin\n"
	    "export-shm 2\n"
	    "user _stratumd\n";

	(void)state;
	assert_int_equal(parse(&c, text, err, sizeof(err)), 0);
	assert_string_equal(c.gps_device, "/dev/ttyAMA0");
	assert_int_equal(c.gps_baud, 9600);
	assert_true(c.gps_configure);
	assert_int_equal(c.gps_sentences.rmc, 1);
	assert_int_equal(c.gps_sentences.zda, 1);
	assert_int_equal(c.gps_sentences.gga, 0);
	assert_int_equal(c.gps_rate_ms, 1000);
	assert_int_equal(c.gps_new_baud, 57600);
	assert_string_equal(c.pps_device, "/dev/pps0");
	assert_true(permits(&c, "192.168.1.20"));
	assert_false(permits(&c, "10.0.0.1"));   /* an allow list is closed */
	assert_true(c.ratelimit);
	assert_int_equal(c.rl.interval_ms, 2000);
	assert_int_equal(c.rl.burst, 8);
	assert_true(c.disc.step_threshold == 0.1);
	assert_int_equal(c.disc.step_updates, 3);
	assert_true(c.disc.unsync_after == 7200);
	assert_true(c.loopstats && c.peerstats && !c.clockstats);
	assert_string_equal(c.control_group, "ntpadmin");
	assert_int_equal(c.export_shm, 2);
	assert_string_equal(c.user, "_stratumd");
	/* defaults filled in */
	assert_int_equal(c.port, 123);
	assert_int_equal(c.nlisten, 2);
	assert_string_equal(c.listen[0], "0.0.0.0");
	assert_string_equal(c.listen[1], "::");
	assert_true(c.clock_control);
	/* mode 6 from elsewhere: 16 a second after a burst of 64 */
	assert_true(c.query_ratelimit);
	assert_int_equal(c.query_rl.interval_ms, 62);
	assert_int_equal(c.query_rl.burst, 64);
}

static void
test_query_ratelimit(void **state)
{
	struct stratumd_conf c;
	char err[CFG_ERRLEN];

	(void)state;
	assert_int_equal(parse(&c, "gps /dev/gps0\nquery-ratelimit interval 0.5 burst 4\n",
	    err, sizeof(err)), 0);
	assert_true(c.query_ratelimit);
	assert_int_equal(c.query_rl.interval_ms, 500);
	assert_int_equal(c.query_rl.burst, 4);
	assert_true(c.ratelimit);                /* the NTP one is apart */
	assert_int_equal(c.rl.burst, 16);
	assert_int_equal(parse(&c, "gps /dev/gps0\nquery-ratelimit off\n", err, sizeof(err)), 0);
	assert_false(c.query_ratelimit);
	assert_int_equal(parse(&c, "gps /dev/gps0\nquery-ratelimit burst 0\n", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "stratumd.conf:2: value 0 out of range 1..1024");
}

static void
test_deny_list_is_open(void **state)
{
	struct stratumd_conf c;
	char err[CFG_ERRLEN];

	(void)state;
	assert_int_equal(parse(&c, "gps /dev/gps0\ndeny 10.0.0.0/8\n", err, sizeof(err)), 0);
	assert_false(permits(&c, "10.1.2.3"));
	assert_true(permits(&c, "192.0.2.1"));
	assert_int_equal(parse(&c, "gps /dev/gps0\nratelimit off\nlisten 127.0.0.1\n"
	    "port 12300\nclock-control no\n", err, sizeof(err)), 0);
	assert_false(c.ratelimit);
	assert_int_equal(c.nlisten, 1);
	assert_int_equal(c.port, 12300);
	assert_false(c.clock_control);
}

static void
test_errors_name_file_and_line(void **state)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "gps /dev/gps0\nport 70000\n",
		  "stratumd.conf:2: value 70000 out of range 1..65535" },
		{ "gps /dev/gps0\n\ngps-configure sentences RMC,XYZ\n",
		  "stratumd.conf:3: unknown sentence in 'RMC,XYZ'" },
		{ "gps /dev/gps0\ngps-configure baud 12345\n",
		  "stratumd.conf:2: the receiver cannot run at 12345 baud" },
		{ "gps /dev/gps0\ngps-configure rate\n",
		  "stratumd.conf:2: 'gps-configure' needs 2 to 6 arguments" },
		{ "gps /dev/gps0 12345\n", "stratumd.conf:1: unsupported speed 12345" },
		{ "gps /dev/gps0\nallow 10.0.0.0/40\n",
		  "stratumd.conf:2: '10.0.0.0/40': prefix length must be 0..32" },
		{ "gps /dev/gps0\nratelimit interval 2 brust 3\n",
		  "stratumd.conf:2: unknown keyword 'brust' (interval, burst)" },
		{ "gps /dev/gps0\nstatistics loopstats\n",
		  "stratumd.conf: 'statistics' needs a 'statsdir'" },
		{ "port 123\n", "stratumd.conf: no time source: configure a 'gps' device, or "
		  "'server', 'pool' or 'peer' lines" },
		{ "server ntp.example.org\npps /dev/pps0\n", "stratumd.conf: PPS needs the "
		  "receiver's NMEA to number the seconds: configure its 'gps' device" },
		{ "server a.example iburst fast\n", "stratumd.conf:1: unknown option 'fast' "
		  "(iburst, prefer, noselect, minpoll, maxpoll, port)" },
		{ "pool pool.example maxsources 40\n",
		  "stratumd.conf:1: value 40 out of range 1..16" },
		{ "server a.example maxsources 2\n",
		  "stratumd.conf:1: 'maxsources' is for pool lines" },
		{ "server a.example minpoll 10 maxpoll 6\n",
		  "stratumd.conf:1: minpoll 10 is above maxpoll 6" },
		{ "server a.example minpoll\n", "stratumd.conf:1: 'minpoll' needs a value" },
		{ "gps /dev/gps0\nrefclock SHM\n",
		  "stratumd.conf:2: unknown refclock 'SHM' (PPS, NMEA)" },
		{ "gps /dev/gps0\nallow 127.0.0.1 quer\n",
		  "stratumd.conf:2: unknown keyword 'quer' (query)" },
		{ "server a\nminclock 5\nmaxclock 4\n",
		  "stratumd.conf: minclock 5 is above maxclock 4" },
		{ "gps /dev/gps0\npps /dev/pps0\npps-socket /run/pps.sock\n",
		  "stratumd.conf: 'pps' and 'pps-socket' are alternatives: choose one" },
		{ "gps /dev/gps0\nholdover 5s\n", "stratumd.conf:2: holdover must be at least 10s" },
		{ "gps /dev/gps0\ncontrol /run/x.sock owner root\n",
		  "stratumd.conf:2: expected: control PATH [group NAME]" },
		{ "gps /dev/gps0\nrefclok pps\n", "stratumd.conf:2: unknown directive 'refclok'" },
	};
	struct stratumd_conf c;
	char err[CFG_ERRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&c, cases[i].text, err, sizeof(err)), -1);
		assert_string_equal(err, cases[i].err);
	}
}

/* The seed's four kinds of sources. */
static void
test_upstream_lines(void **state)
{
	struct stratumd_conf c;
	char err[CFG_ERRLEN];
	const char *text =
	    "gps /dev/ttyAMA0\n"
	    "pps /dev/pps0\n"
	    "refclock PPS prefer\n"
	    "refclock NMEA noselect\n"
	    "server gbg1.ntp.se iburst prefer\n"
	    "server 192.0.2.7 minpoll 4 maxpoll 8 port 10123\n"
	    "pool 2.debian.pool.ntp.org iburst maxsources 6\n"
	    "peer gateway.lan\n"
	    "minsane 2\n"
	    "allow 192.168.1.0/24 query\n";

	(void)state;
	assert_int_equal(parse(&c, text, err, sizeof(err)), 0);
	assert_true(c.pps_src.prefer && !c.pps_src.noselect);
	assert_true(c.nmea_src.noselect && !c.nmea_src.prefer);
	assert_int_equal(c.nupstream, 4);
	assert_int_equal(c.upstream[0].kind, UPSTREAM_SERVER);
	assert_string_equal(c.upstream[0].host, "gbg1.ntp.se");
	assert_true(c.upstream[0].iburst && c.upstream[0].prefer && !c.upstream[0].noselect);
	assert_int_equal(c.upstream[0].minpoll, 6);
	assert_int_equal(c.upstream[0].maxpoll, 10);
	assert_int_equal(c.upstream[0].port, 123);
	assert_int_equal(c.upstream[1].minpoll, 4);
	assert_int_equal(c.upstream[1].maxpoll, 8);
	assert_int_equal(c.upstream[1].port, 10123);
	assert_int_equal(c.upstream[2].kind, UPSTREAM_POOL);
	assert_int_equal(c.upstream[2].maxsources, 6);
	assert_int_equal(c.upstream[3].kind, UPSTREAM_PEER);
	assert_int_equal(c.sel.minsane, 2);
	assert_int_equal(c.query_acl.n, 1);
	assert_true(permits(&c, "192.168.1.9"));
	/* Servers alone are a time source: no receiver needed. */
	assert_int_equal(parse(&c, "pool pool.ntp.org\n", err, sizeof(err)), 0);
	assert_int_equal(c.upstream[0].maxsources, 4);
}

/*
 * Every directive that stores one value: where it lands, and each end of
 * its range, just inside and just outside (the ranges written out, as the
 * contract they are).
 */
#define OFF(member) offsetof(struct stratumd_conf, member)

static void
test_simple_directives_store_their_value(void **state)
{
	static const struct {
		const char *lines;	/* after "gps /dev/gps0"; the last is looked at */
		size_t off;
		char kind;		/* s: string, i: int, u: uint16_t, d: double, b: bool */
		const char *str;
		double num;
	} cases[] = {
		{ "pps /dev/pps1", OFF(pps_device), 's', "/dev/pps1", 0 },
		{ "pps-socket /run/p.sock", OFF(pps_socket), 's', "/run/p.sock", 0 },
		{ "statedir /s", OFF(state_dir), 's', "/s", 0 },
		{ "statsdir /t", OFF(stats_dir), 's', "/t", 0 },
		{ "export-sock /run/chrony.sock", OFF(export_sock), 's', "/run/chrony.sock", 0 },
		{ "user ntp", OFF(user), 's', "ntp", 0 },
		{ "user a\nuser b", OFF(user), 's', "b", 0 },
		{ "nmea-delay 0.001", OFF(nmea_delay), 'd', NULL, 0.001 },
		{ "nmea-delay 0.999", OFF(nmea_delay), 'd', NULL, 0.999 },
		{ "maxdist 0.001", OFF(sel.maxdist), 'd', NULL, 0.001 },
		{ "maxdist 16", OFF(sel.maxdist), 'd', NULL, 16 },
		{ "port 1", OFF(port), 'u', NULL, 1 },
		{ "port 65535", OFF(port), 'u', NULL, 65535 },
		{ "minsane 0", OFF(sel.minsane), 'i', NULL, 0 },
		{ "minsane 64", OFF(sel.minsane), 'i', NULL, 64 },
		{ "minclock 1", OFF(sel.minclock), 'i', NULL, 1 },
		{ "maxclock 64\nminclock 64", OFF(sel.minclock), 'i', NULL, 64 },
		{ "minclock 1\nmaxclock 1", OFF(sel.maxclock), 'i', NULL, 1 },
		{ "maxclock 64", OFF(sel.maxclock), 'i', NULL, 64 },
		{ "export-shm 0", OFF(export_shm), 'i', NULL, 0 },
		{ "export-shm 255", OFF(export_shm), 'i', NULL, 255 },
		{ "clock-control off", OFF(clock_control), 'b', NULL, 0 },
		{ "clock-control off\nclock-control TRUE", OFF(clock_control), 'b', NULL, 1 },
	};
	struct stratumd_conf c;
	char err[CFG_ERRLEN], text[512];
	const char *at = (const char *)&c;
	uint16_t u;
	double d;
	int i;

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(text, sizeof(text), "gps /dev/gps0\n%s\n", cases[k].lines);
		err[0] = '\0';
		if (parse(&c, text, err, sizeof(err)) != 0)
			fail_msg("'%s': %s", cases[k].lines, err);
		switch (cases[k].kind) {
		case 's':
			if (strcmp(at + cases[k].off, cases[k].str) != 0)
				fail_msg("'%s': got '%s'", cases[k].lines, at + cases[k].off);
			break;
		case 'b':
			if (*(const bool *)(at + cases[k].off) != (cases[k].num != 0))
				fail_msg("'%s': wrong bool", cases[k].lines);
			break;
		case 'u':
			memcpy(&u, at + cases[k].off, sizeof(u));
			if (u != cases[k].num)
				fail_msg("'%s': got %u", cases[k].lines, (unsigned)u);
			break;
		case 'i':
			memcpy(&i, at + cases[k].off, sizeof(i));
			if (i != cases[k].num)
				fail_msg("'%s': got %d", cases[k].lines, i);
			break;
		default:
			memcpy(&d, at + cases[k].off, sizeof(d));
			if (d != cases[k].num)
				fail_msg("'%s': got %g", cases[k].lines, d);
		}
	}
}

static void
test_ranges_and_words_refused(void **state)
{
	static const struct {
		const char *line;
		const char *err;
	} cases[] = {
		{ "nmea-delay 0.0009", "stratumd.conf:2: value 0.0009 out of range 0.001..0.999" },
		{ "nmea-delay 1", "stratumd.conf:2: value 1 out of range 0.001..0.999" },
		{ "nmea-delay 350ms", "stratumd.conf:2: '350ms' is not a number" },
		{ "maxdist 0", "stratumd.conf:2: value 0 out of range 0.001..16" },
		{ "maxdist 16.01", "stratumd.conf:2: value 16.01 out of range 0.001..16" },
		{ "port 0", "stratumd.conf:2: value 0 out of range 1..65535" },
		{ "port 65536", "stratumd.conf:2: value 65536 out of range 1..65535" },
		{ "port ntp", "stratumd.conf:2: 'ntp' is not a number" },
		{ "minsane 65", "stratumd.conf:2: value 65 out of range 0..64" },
		{ "minclock 0", "stratumd.conf:2: value 0 out of range 1..64" },
		{ "minclock 65", "stratumd.conf:2: value 65 out of range 1..64" },
		{ "maxclock 0", "stratumd.conf:2: value 0 out of range 1..64" },
		{ "maxclock 65", "stratumd.conf:2: value 65 out of range 1..64" },
		{ "export-shm 256", "stratumd.conf:2: value 256 out of range 0..255" },
		{ "export-shm -1", "stratumd.conf:2: '-1' is not a number" },
		{ "clock-control maybe", "stratumd.conf:2: 'maybe' is not yes or no" },
		{ "clock-control", "stratumd.conf:2: 'clock-control' needs 1 argument" },
		{ "port 1 2", "stratumd.conf:2: 'port' needs 1 argument" },
		{ "user abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
		    "stratumd.conf:2: 'abcdefghijklmnopqrstuvwxyzabcdefghijklmn...' is too long "
		    "(at most 63 bytes)" },
		{ "server", "stratumd.conf:2: 'server' needs 1 to 12 arguments" },
		{ "peer a.example maxsources 2",
		    "stratumd.conf:2: 'maxsources' is for pool lines" },
		{ "pool a.example fast", "stratumd.conf:2: unknown option 'fast' (iburst, prefer, "
		    "noselect, minpoll, maxpoll, port, maxsources)" },
		{ "query-ratelimit interval 0",
		    "stratumd.conf:2: value 0 out of range 0.001..3600" },
		{ "ratelimit burst 1025", "stratumd.conf:2: value 1025 out of range 1..1024" },
		{ "makestep 0.1", "stratumd.conf:2: 'makestep' needs 2 arguments" },
		{ "deny a b", "stratumd.conf:2: 'deny' needs 0 to 1 arguments" },
	};
	struct stratumd_conf c;
	char err[CFG_ERRLEN], text[512];

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(text, sizeof(text), "gps /dev/gps0\n%s\n", cases[k].line);
		err[0] = '\0';
		if (parse(&c, text, err, sizeof(err)) != -1)
			fail_msg("'%s' was accepted", cases[k].line);
		if (strcmp(err, cases[k].err) != 0)
			fail_msg("'%s': got \"%s\", want \"%s\"", cases[k].line, err, cases[k].err);
	}
}

/* server, pool and peer share a handler: each line still gets its kind. */
static void
test_upstream_kinds(void **state)
{
	struct stratumd_conf c;
	char err[CFG_ERRLEN];

	(void)state;
	assert_int_equal(parse(&c, "PEER a\nPool b\nserver c\nratelimit off\n"
	    "Query-Ratelimit burst 3\n", err, sizeof(err)), 0);
	assert_int_equal(c.nupstream, 3);
	assert_int_equal(c.upstream[0].kind, UPSTREAM_PEER);
	assert_int_equal(c.upstream[1].kind, UPSTREAM_POOL);
	assert_int_equal(c.upstream[1].maxsources, STRATUMD_POOL_DEFAULT);
	assert_int_equal(c.upstream[2].kind, UPSTREAM_SERVER);
	assert_false(c.ratelimit);
	assert_true(c.query_ratelimit);
	assert_int_equal(c.query_rl.burst, 3);
	assert_int_equal(c.rl.burst, 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_setup),
		cmocka_unit_test(test_deny_list_is_open),
		cmocka_unit_test(test_query_ratelimit),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_upstream_lines),
		cmocka_unit_test(test_simple_directives_store_their_value),
		cmocka_unit_test(test_ranges_and_words_refused),
		cmocka_unit_test(test_upstream_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
