/*
 * Fuzz the allow/deny rule parser (config input) and the matcher.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netacl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char spec[128], err[128];
	struct acl acl;
	struct acl_rule r;
	struct sockaddr_in6 a;

	if (size >= sizeof(spec))
		size = sizeof(spec) - 1;
	memcpy(spec, data, size);
	spec[size] = '\0';
	acl_init(&acl, false);
	if (acl_parse(spec, true, &r, err, sizeof(err)) == 0)
		acl_add(&acl, &r);
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	memcpy(&a.sin6_addr, data, size < 16 ? size : 16);
	(void)acl_permits(&acl, (struct sockaddr *)&a);
	return 0;
}
