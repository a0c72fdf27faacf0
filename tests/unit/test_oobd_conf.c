/*
 * oobd.conf: the example configuration is read as meant, what is missing
 * is named, and every mistake is reported with its file and line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "oobd.h"

static struct oobd_conf c;	/* large */

static int
parse(const char *text, char *err, size_t errlen)
{
	conf_defaults(&c);
	return conf_parse_buffer(&c, "oobd.conf", text, strlen(text), err, errlen);
}

#define BASE \
	"modem /dev/ttyUSB2\n" \
	"allow-sender +447700900123\n" \
	"relay 203.0.113.5\n" \
	"relay-user oobd\n" \
	"link command /usr/local/libexec/carrier cell0\n"

static void
test_minimal_and_defaults(void **state)
{
	char err[CFG_ERRLEN] = "";

	(void)state;
	assert_int_equal(parse(BASE, err, sizeof(err)), 0);
	assert_string_equal(c.modem_port, "/dev/ttyUSB2");
	assert_int_equal(c.nsenders, 1);
	assert_int_equal(c.link_kind, LINK_COMMAND);
	assert_int_equal(c.link_argc, 2);
	assert_string_equal(c.link_argv[1], "cell0");
	assert_int_equal(c.relay_port, 22);
	assert_int_equal(c.tunnel_port, 31337);
	assert_string_equal(c.tunnel_target, "localhost:22");
	assert_int_equal(c.session.retries, 3);
	assert_int_equal(c.session.default_ms, 3600000);
	assert_int_equal(c.otp_window, 4);
}

static void
test_the_example_file_is_valid(void **state)
{
	char err[CFG_ERRLEN] = "", buf[8192];
	FILE *f = fopen("etc/oobd.conf", "r");

	(void)state;
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The secret files it names do not exist here: parse only. */
	conf_defaults(&c);
	int rc = conf_parse_buffer(&c, "etc/oobd.conf", buf, n, err, sizeof(err));
	if (rc != 0)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
	assert_int_equal(c.link_kind, LINK_PPP);
	assert_string_equal(c.apn, "internet");
	assert_string_equal(c.relay_host, "relay.example.org");
	assert_string_equal(c.link_dns, "8.8.8.8");
	assert_int_equal(c.session.max_ms, 4 * 3600000);
	assert_int_equal(c.notify.ntargets, 1);
}

static void
test_session_options(void **state)
{
	char err[CFG_ERRLEN] = "";

	(void)state;
	assert_int_equal(parse(BASE "session-default 30m\nsession-max 2h\nretries 5\n"
	    "retry-backoff 2s\ntunnel-port localhost:2222\nrelay 198.51.100.1 2022\n"
	    "allow-sender +15550001111 004412345\nowner +15550001111\n", err, sizeof(err)), 0);
	assert_int_equal(c.session.default_ms, 30 * 60000);
	assert_int_equal(c.session.max_ms, 2 * 3600000);
	assert_int_equal(c.session.retries, 5);
	assert_int_equal(c.session.retry_backoff_ms, 2000);
	assert_string_equal(c.tunnel_bind, "localhost");
	assert_int_equal(c.tunnel_port, 2222);
	assert_int_equal(c.relay_port, 2022);
	assert_int_equal(c.nsenders, 3);
	assert_string_equal(c.owner, "+15550001111");
}

static void
expect_error(const char *text, const char *want)
{
	char err[CFG_ERRLEN] = "";

	assert_int_equal(parse(text, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' does not contain '%s'", err, want);
}

static void
test_mistakes_named_with_file_and_line(void **state)
{
	(void)state;
	expect_error(BASE "allow-sender +44 77\n", "oobd.conf:6: '+44' is not a phone number");
	expect_error(BASE "link command carrier\n",
	    "oobd.conf:6: the link command must be an absolute path");
	expect_error(BASE "link ppp\napn 'inter net'\n", "oobd.conf:7: 'inter net': character ' '");
	expect_error(BASE "dial-number '*99#\"'\n", "oobd.conf:6:");
	expect_error(BASE "relay -oProxyCommand=x\n", "oobd.conf:6: '-oProxyCommand=x' is not");
	expect_error(BASE "link-interface 'eth0;reboot'\n", "oobd.conf:6: 'eth0;reboot' is not an");
	expect_error(BASE "link-gateway 10.64.0\n", "oobd.conf:6: '10.64.0' is not an IPv4");
	expect_error(BASE "retries 0\n", "oobd.conf:6:");
	expect_error(BASE "session-max 10s\n", "oobd.conf:6: '10s' is out of range");
	expect_error(BASE "otp-window 11\n", "oobd.conf:6:");
	expect_error(BASE "notify carrier-pigeon x\n", "oobd.conf:6:");
	expect_error(BASE "moden /dev/ttyUSB2\n", "oobd.conf:6: unknown directive");
}

static void
test_missing_pieces_named(void **state)
{
	(void)state;
	expect_error("allow-sender +447700900123\nrelay 1.2.3.4\nrelay-user x\n",
	    "no 'modem' configured");
	expect_error("modem /dev/x\nrelay 1.2.3.4\nrelay-user x\nlink command /bin/true\n",
	    "no 'allow-sender'");
	expect_error("modem /dev/x\nallow-sender +447700900123\nrelay 1.2.3.4\nrelay-user x\n",
	    "no 'ppp-device (or 'link command ...')' configured");
	expect_error(BASE "session-default 5h\n", "'session-default' is longer than 'session-max'");
}

/*
 * Every directive that stores one value: where it lands, and each end of
 * its range, just inside and just outside.  The ranges are the daemon's
 * contract, so they are written out here rather than taken from its table.
 */
#define OFF(member) offsetof(struct oobd_conf, member)

static const struct {
	const char *lines;	/* after BASE; the last one is looked at */
	size_t off;
	char kind;		/* s: string, i: int, m: int64_t ms, b: bool */
	const char *str;
	int64_t num;
} stored[] = {
	{ "modem /dev/ttyACM0", OFF(modem_port), 's', "/dev/ttyACM0", 0 },
	{ "modem-pin-file /etc/pin", OFF(modem_pin_file), 's', "/etc/pin", 0 },
	{ "otp-secret-file /x/otp", OFF(otp_secret_file), 's', "/x/otp", 0 },
	{ "ppp-device /dev/ttyUSB0", OFF(ppp_device), 's', "/dev/ttyUSB0", 0 },
	{ "relay-user tunnel", OFF(relay_user), 's', "tunnel", 0 },
	{ "tunnel-target 10.0.0.1:22", OFF(tunnel_target), 's', "10.0.0.1:22", 0 },
	{ "ssh /usr/local/bin/ssh", OFF(ssh_path), 's', "/usr/local/bin/ssh", 0 },
	{ "ssh-key /k", OFF(ssh_key), 's', "/k", 0 },
	{ "ssh-known-hosts /kh", OFF(ssh_known_hosts), 's', "/kh", 0 },
	{ "statedir /s", OFF(state_dir), 's', "/s", 0 },
	{ "rundir /r", OFF(run_dir), 's', "/r", 0 },
	{ "owner 00441234", OFF(owner), 's', "00441234", 0 },
	{ "link-interface wwan0.1", OFF(link_ifname), 's', "wwan0.1", 0 },
	{ "link-gateway 10.64.0.1", OFF(link_gateway), 's', "10.64.0.1", 0 },
	{ "link-dns 192.0.2.53", OFF(link_dns), 's', "192.0.2.53", 0 },
	{ "apn my-apn.example_1", OFF(apn), 's', "my-apn.example_1", 0 },
	{ "dial-number *99***1#", OFF(dial_number), 's', "*99***1#", 0 },
	{ "modem-single-port yes", OFF(single_port), 'b', NULL, 1 },
	{ "modem-single-port yes\nmodem-single-port no", OFF(single_port), 'b', NULL, 0 },
	{ "otp-window 0", OFF(otp_window), 'i', NULL, 0 },
	{ "otp-window 10", OFF(otp_window), 'i', NULL, 10 },
	{ "auth-max-failures 1", OFF(auth_max_failures), 'i', NULL, 1 },
	{ "auth-max-failures 100", OFF(auth_max_failures), 'i', NULL, 100 },
	{ "retries 1", OFF(session.retries), 'i', NULL, 1 },
	{ "retries 20", OFF(session.retries), 'i', NULL, 20 },
	{ "modem-status-interval 0", OFF(modem_status_ms), 'm', NULL, 0 },
	{ "modem-status-interval 1h", OFF(modem_status_ms), 'm', NULL, 3600000 },
	{ "auth-failure-window 1s", OFF(auth_failure_window_ms), 'm', NULL, 1000 },
	{ "auth-failure-window 1d", OFF(auth_failure_window_ms), 'm', NULL, 86400000 },
	{ "auth-lockout 0", OFF(auth_lockout_ms), 'm', NULL, 0 },
	{ "auth-lockout 7d", OFF(auth_lockout_ms), 'm', NULL, 7 * 86400000LL },
	{ "session-default 1m", OFF(session.default_ms), 'm', NULL, 60000 },
	{ "session-max 7d\nsession-default 7d", OFF(session.default_ms), 'm', NULL,
	    7 * 86400000LL },
	{ "session-default 1m\nsession-max 1m", OFF(session.max_ms), 'm', NULL, 60000 },
	{ "session-max 7d", OFF(session.max_ms), 'm', NULL, 7 * 86400000LL },
	{ "retry-backoff 0", OFF(session.retry_backoff_ms), 'm', NULL, 0 },
	{ "retry-backoff 10m", OFF(session.retry_backoff_ms), 'm', NULL, 600000 },
	{ "link-timeout 5s", OFF(session.link_timeout_ms), 'm', NULL, 5000 },
	{ "link-timeout 10m", OFF(session.link_timeout_ms), 'm', NULL, 600000 },
	{ "check-timeout 1s", OFF(session.check_timeout_ms), 'm', NULL, 1000 },
	{ "check-timeout 5m", OFF(session.check_timeout_ms), 'm', NULL, 300000 },
	{ "ssh-alive-interval 1000ms", OFF(ssh_alive_ms), 'm', NULL, 1000 },
	{ "ssh-alive-interval 600", OFF(ssh_alive_ms), 'm', NULL, 600000 },
	{ "ssh-connect-timeout 1s", OFF(ssh_connect_timeout_ms), 'm', NULL, 1000 },
	{ "ssh-connect-timeout 300s", OFF(ssh_connect_timeout_ms), 'm', NULL, 300000 },
	{ "retries 5\nretries 2", OFF(session.retries), 'i', NULL, 2 },	/* the last one */
};

static void
test_simple_directives_store_their_value(void **state)
{
	char err[CFG_ERRLEN], text[1024];
	const char *at = (const char *)&c;
	int64_t ms;
	int i;

	(void)state;
	for (size_t k = 0; k < sizeof(stored) / sizeof(stored[0]); k++) {
		snprintf(text, sizeof(text), BASE "%s\n", stored[k].lines);
		err[0] = '\0';
		if (parse(text, err, sizeof(err)) != 0)
			fail_msg("'%s': %s", stored[k].lines, err);
		switch (stored[k].kind) {
		case 's':
			if (strcmp(at + stored[k].off, stored[k].str) != 0)
				fail_msg("'%s': got '%s'", stored[k].lines, at + stored[k].off);
			break;
		case 'b':
			if (*(const bool *)(at + stored[k].off) != (stored[k].num != 0))
				fail_msg("'%s': wrong bool", stored[k].lines);
			break;
		case 'i':
			memcpy(&i, at + stored[k].off, sizeof(i));
			if (i != stored[k].num)
				fail_msg("'%s': got %d", stored[k].lines, i);
			break;
		default:
			memcpy(&ms, at + stored[k].off, sizeof(ms));
			if (ms != stored[k].num)
				fail_msg("'%s': got %lld ms", stored[k].lines, (long long)ms);
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
		{ "otp-window 11", "oobd.conf:6: value 11 out of range 0..10" },
		{ "otp-window -1", "oobd.conf:6: '-1' is not a number" },
		{ "auth-max-failures 0", "oobd.conf:6: value 0 out of range 1..100" },
		{ "auth-max-failures 101", "oobd.conf:6: value 101 out of range 1..100" },
		{ "retries 0", "oobd.conf:6: value 0 out of range 1..20" },
		{ "retries 21", "oobd.conf:6: value 21 out of range 1..20" },
		{ "modem-status-interval 3601s",
		    "oobd.conf:6: '3601s' is out of range (0 s to 3600 s)" },
		{ "auth-failure-window 999ms",
		    "oobd.conf:6: '999ms' is out of range (1 s to 86400 s)" },
		{ "auth-failure-window 86400001ms",
		    "oobd.conf:6: '86400001ms' is out of range (1 s to 86400 s)" },
		{ "auth-lockout 169h", "oobd.conf:6: '169h' is out of range (0 s to 604800 s)" },
		{ "session-default 59s", "oobd.conf:6: '59s' is out of range (60 s to 604800 s)" },
		{ "session-default 8d", "oobd.conf:6: '8d' is out of range (60 s to 604800 s)" },
		{ "session-max 59999ms",
		    "oobd.conf:6: '59999ms' is out of range (60 s to 604800 s)" },
		{ "session-max 604801",
		    "oobd.conf:6: '604801' is out of range (60 s to 604800 s)" },
		{ "retry-backoff 601s", "oobd.conf:6: '601s' is out of range (0 s to 600 s)" },
		{ "link-timeout 4999ms", "oobd.conf:6: '4999ms' is out of range (5 s to 600 s)" },
		{ "link-timeout 601s", "oobd.conf:6: '601s' is out of range (5 s to 600 s)" },
		{ "check-timeout 999ms", "oobd.conf:6: '999ms' is out of range (1 s to 300 s)" },
		{ "check-timeout 301s", "oobd.conf:6: '301s' is out of range (1 s to 300 s)" },
		{ "ssh-alive-interval 0", "oobd.conf:6: '0' is out of range (1 s to 600 s)" },
		{ "ssh-alive-interval 11m", "oobd.conf:6: '11m' is out of range (1 s to 600 s)" },
		{ "ssh-connect-timeout 500ms",
		    "oobd.conf:6: '500ms' is out of range (1 s to 300 s)" },
		{ "ssh-connect-timeout 6m", "oobd.conf:6: '6m' is out of range (1 s to 300 s)" },
		{ "link-timeout 1min",
		    "oobd.conf:6: '1min' is not a duration (like 30s, 250ms, 5m, 2h, 1d)" },
		{ "modem-single-port maybe", "oobd.conf:6: 'maybe' is not yes or no" },
		{ "modem", "oobd.conf:6: 'modem' needs 1 argument" },
		{ "retries 1 2", "oobd.conf:6: 'retries' needs 1 argument" },
		{ "owner +12",
		    "oobd.conf:6: '+12' is not a phone number (write +4479... or digits)" },
		{ "owner +12345678901234567890123",
		    "oobd.conf:6: '+12345678901234567890123' is not a phone number "
		    "(write +4479... or digits)" },
		{ "link-interface -ppp0", "oobd.conf:6: '-ppp0' is not an interface name" },
		{ "link-interface abcdefghijklmnop",
		    "oobd.conf:6: 'abcdefghijklmnop' is not an interface name" },
		{ "link-dns ::1", "oobd.conf:6: '::1' is not an IPv4 address" },
		{ "apn a*b", "oobd.conf:6: 'a*b': character '*' is not allowed here" },
		{ "dial-number *99.1#",
		    "oobd.conf:6: '*99.1#': character '.' is not allowed here" },
		{ "apn abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
		    "oobd.conf:6: 'abcdefghijklmnopqrstuvwxyzabcdefghijklmn...' is too long "
		    "(at most 63 bytes)" },
		{ "allow-sender 12 +4477", "oobd.conf:6: '12' is not a phone number "
		    "(write +4479... or digits)" },
		{ "control", "oobd.conf:6: 'control' needs 1 to 2 arguments" },
		{ "notify-retries", "oobd.conf:6: 'notify-retries' needs 1 argument" },
		{ "console-replay", "oobd.conf:6: 'console-replay' needs 1 argument" },
		{ "link", "oobd.conf:6: 'link' needs at least 1 argument" },
	};
	char err[CFG_ERRLEN], text[1024];

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(text, sizeof(text), BASE "%s\n", cases[k].line);
		err[0] = '\0';
		if (parse(text, err, sizeof(err)) != -1)
			fail_msg("'%s' was accepted", cases[k].line);
		if (strcmp(err, cases[k].err) != 0)
			fail_msg("'%s': got \"%s\", want \"%s\"", cases[k].line, err, cases[k].err);
	}
}

/* A path one byte too long for its field is refused, one that fits is not. */
static void
test_path_lengths(void **state)
{
	char err[CFG_ERRLEN], text[1024], path[OOBD_CONF_PATH + 1];

	(void)state;
	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[OOBD_CONF_PATH - 1] = '\0';
	snprintf(text, sizeof(text), BASE "statedir %s\n", path);
	assert_int_equal(parse(text, err, sizeof(err)), 0);
	assert_string_equal(c.state_dir, path);
	path[OOBD_CONF_PATH - 1] = 'p';
	path[OOBD_CONF_PATH] = '\0';
	snprintf(text, sizeof(text), BASE "statedir %s\n", path);
	assert_int_equal(parse(text, err, sizeof(err)), -1);
	assert_string_equal(err, "oobd.conf:6: '/ppppppppppppppppppppppppppppppppppppppp...' "
	    "is too long (at most 255 bytes)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_and_defaults),
		cmocka_unit_test(test_the_example_file_is_valid),
		cmocka_unit_test(test_session_options),
		cmocka_unit_test(test_mistakes_named_with_file_and_line),
		cmocka_unit_test(test_missing_pieces_named),
		cmocka_unit_test(test_simple_directives_store_their_value),
		cmocka_unit_test(test_ranges_and_words_refused),
		cmocka_unit_test(test_path_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
