/*
 * netacl: the allow/deny decisions an operator expects from chrony-style rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "netacl.h"

static struct sockaddr_storage
addr(const char *s)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
	} else {
		assert_int_equal(inet_pton(AF_INET6, s, &in6->sin6_addr), 1);
		in6->sin6_family = AF_INET6;
	}
	return ss;
}

static void
add(struct acl *acl, const char *spec, bool allow)
{
	struct acl_rule r;
	char err[128];

	assert_int_equal(acl_parse(spec, allow, &r, err, sizeof(err)), 0);
	assert_int_equal(acl_add(acl, &r), 0);
}

static bool
permits(const struct acl *acl, const char *a)
{
	struct sockaddr_storage ss = addr(a);
	return acl_permits(acl, (struct sockaddr *)&ss);
}

static void
test_longest_prefix_wins(void **state)
{
	struct acl acl;

	(void)state;
	acl_init(&acl, false);
	add(&acl, "192.168.0.0/16", true);
	add(&acl, "192.168.66.0/24", false);
	add(&acl, "192.168.66.7", true);
	assert_true(permits(&acl, "192.168.1.1"));
	assert_false(permits(&acl, "192.168.66.1"));
	assert_true(permits(&acl, "192.168.66.7"));
	assert_false(permits(&acl, "10.0.0.1"));        /* default deny */
	assert_false(permits(&acl, "2001:db8::1"));
}

static void
test_all_and_ipv6(void **state)
{
	struct acl acl;

	(void)state;
	acl_init(&acl, false);
	add(&acl, "all", true);
	add(&acl, "2001:db8::/32", false);
	assert_true(permits(&acl, "198.51.100.4"));
	assert_false(permits(&acl, "2001:db8:1::5"));
	assert_true(permits(&acl, "2001:db9::5"));
	/* equal prefix: the later rule decides */
	add(&acl, "all", false);
	assert_false(permits(&acl, "198.51.100.4"));
}

static void
test_v4_mapped_matches_v4_rules(void **state)
{
	struct acl acl;

	(void)state;
	acl_init(&acl, true);
	add(&acl, "203.0.113.0/24", false);
	assert_false(permits(&acl, "::ffff:203.0.113.9"));
	assert_true(permits(&acl, "::ffff:203.0.114.9"));
	assert_false(permits(&acl, "203.0.113.200"));
}

static void
test_parse_errors_and_host_bits(void **state)
{
	struct acl_rule r;
	char err[128];

	(void)state;
	assert_int_equal(acl_parse("10.0.0.0/33", true, &r, err, sizeof(err)), -1);
	assert_string_equal(err, "'10.0.0.0/33': prefix length must be 0..32");
	assert_int_equal(acl_parse("example.org", true, &r, err, sizeof(err)), -1);
	assert_string_equal(err, "'example.org' is not a network address");
	assert_int_equal(acl_parse("10.0.0.0/", true, &r, err, sizeof(err)), -1);
	assert_int_equal(acl_parse("/8", true, &r, err, sizeof(err)), -1);
	assert_int_equal(acl_parse("::1/129", true, &r, err, sizeof(err)), -1);
	/* host bits are cleared, so 10.1.2.3/8 means 10.0.0.0/8 */
	assert_int_equal(acl_parse("10.1.2.3/8", true, &r, err, sizeof(err)), 0);
	assert_int_equal(r.addr[0], 10);
	assert_int_equal(r.addr[1], 0);
	assert_int_equal(r.prefix, 8);
	assert_int_equal(acl_parse("10.128.0.0/9", true, &r, err, sizeof(err)), 0);
	assert_int_equal(r.addr[1], 128);
}

static void
test_full_list(void **state)
{
	struct acl acl;
	struct acl_rule r;
	char err[64];

	(void)state;
	acl_init(&acl, false);
	assert_int_equal(acl_parse("all", true, &r, err, sizeof(err)), 0);
	for (int i = 0; i < ACL_MAX_RULES; i++)
		assert_int_equal(acl_add(&acl, &r), 0);
	assert_int_equal(acl_add(&acl, &r), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_longest_prefix_wins),
		cmocka_unit_test(test_all_and_ipv6),
		cmocka_unit_test(test_v4_mapped_matches_v4_rules),
		cmocka_unit_test(test_parse_errors_and_host_bits),
		cmocka_unit_test(test_full_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
