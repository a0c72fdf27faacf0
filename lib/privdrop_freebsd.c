/*
 * privdrop on FreeBSD: clock rights for a non-root user come from the
 * mac_ntpd(4) policy (security.mac.ntpd.uid), not from the process, so
 * there is nothing to keep here.
 */
#include <stddef.h>

#include "privdrop.h"

int
privdrop_keep_clock_before(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}

int
privdrop_keep_clock_after(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}
