/*
 * netacl: allow/deny lists of networks, in the manner of chrony's
 * `allow`/`deny` directives.
 *
 * A rule names a network ("192.168.1.0/24", "2001:db8::/32", a single
 * address, or "all").  For an address, the most specific matching rule
 * decides (longest prefix); between rules of equal prefix, the later one.
 * No match: the list's default.  IPv4-mapped IPv6 addresses
 * (::ffff:192.0.2.1, as a dual-stack socket reports IPv4 clients) are
 * matched as IPv4.
 */
#ifndef OUTPOST_NETACL_H
#define OUTPOST_NETACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ACL_MAX_RULES 64

struct acl_rule {
	int family;                 /* AF_INET, AF_INET6, or AF_UNSPEC for "all" */
	uint8_t addr[16];           /* network, host bits cleared */
	int prefix;                 /* bits */
	bool allow;
};

struct acl {
	struct acl_rule rule[ACL_MAX_RULES];
	int n;
	bool default_allow;
};

void acl_init(struct acl *acl, bool default_allow);
/* Parse "net[/prefix]" or "all".  -1 with a message in err. */
int acl_parse(const char *spec, bool allow, struct acl_rule *rule, char *err, size_t errlen);
/* -1 when the list is full. */
int acl_add(struct acl *acl, const struct acl_rule *rule);
bool acl_permits(const struct acl *acl, const struct sockaddr *sa);

#endif
