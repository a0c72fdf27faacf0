/*
 * netacl: longest-prefix allow/deny matching.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netacl.h"

void
acl_init(struct acl *acl, bool default_allow)
{
	memset(acl, 0, sizeof(*acl));
	acl->default_allow = default_allow;
}

static void
mask_host_bits(uint8_t *addr, int len, int prefix)
{
	for (int i = 0; i < len; i++) {
		int keep = prefix - i * 8;
		if (keep >= 8)
			continue;
		addr[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
}

int
acl_parse(const char *spec, bool allow, struct acl_rule *rule, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(spec, '/');
	size_t hlen = slash ? (size_t)(slash - spec) : strlen(spec);

	memset(rule, 0, sizeof(*rule));
	rule->allow = allow;
	if (strcmp(spec, "all") == 0) {
		rule->family = AF_UNSPEC;
		return 0;
	}
	if (hlen == 0 || hlen >= sizeof(host)) {
		snprintf(err, errlen, "'%s' is not a network address", spec);
		return -1;
	}
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	int maxbits;
	if (inet_pton(AF_INET, host, rule->addr) == 1) {
		rule->family = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, host, rule->addr) == 1) {
		rule->family = AF_INET6;
		maxbits = 128;
	} else {
		snprintf(err, errlen, "'%s' is not a network address", spec);
		return -1;
	}
	rule->prefix = maxbits;
	if (slash != NULL) {
		char *end;
		long bits = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || bits < 0 || bits > maxbits) {
			snprintf(err, errlen, "'%s': prefix length must be 0..%d", spec, maxbits);
			return -1;
		}
		rule->prefix = (int)bits;
	}
	mask_host_bits(rule->addr, maxbits / 8, rule->prefix);
	return 0;
}

int
acl_add(struct acl *acl, const struct acl_rule *rule)
{
	if (acl->n >= ACL_MAX_RULES)
		return -1;
	acl->rule[acl->n++] = *rule;
	return 0;
}

static bool
prefix_matches(const uint8_t *a, const uint8_t *net, int prefix)
{
	int whole = prefix / 8, rest = prefix % 8;

	if (memcmp(a, net, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == net[whole];
}

bool
acl_permits(const struct acl *acl, const struct sockaddr *sa)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	uint8_t addr[16];
	int family;

	if (sa->sa_family == AF_INET) {
		family = AF_INET;
		memcpy(addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const uint8_t *a6 = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		if (memcmp(a6, v4mapped, sizeof(v4mapped)) == 0) {
			family = AF_INET;
			memcpy(addr, a6 + 12, 4);
		} else {
			family = AF_INET6;
			memcpy(addr, a6, 16);
		}
	} else {
		return false;
	}

	int best_prefix = -1;
	bool verdict = acl->default_allow;
	for (int i = 0; i < acl->n; i++) {
		const struct acl_rule *r = &acl->rule[i];
		/* "all" matches everything with the least specificity. */
		int prefix = r->family == AF_UNSPEC ? 0 : r->prefix;
		if (r->family != AF_UNSPEC &&
		    (r->family != family || !prefix_matches(addr, r->addr, r->prefix)))
			continue;
		if (prefix >= best_prefix) {
			best_prefix = prefix;
			verdict = r->allow;
		}
	}
	return verdict;
}
