/*
 * oobd.conf: the example configuration is read as meant, what is missing
 * is named, and every mistake is reported with its file and line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_and_defaults),
		cmocka_unit_test(test_the_example_file_is_valid),
		cmocka_unit_test(test_session_options),
		cmocka_unit_test(test_mistakes_named_with_file_and_line),
		cmocka_unit_test(test_missing_pieces_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
