/*
 * privdrop on Linux: keep CAP_SYS_TIME across setuid with PR_SET_KEEPCAPS,
 * then reduce the sets to that one capability with capset(2).
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privdrop.h"

int
privdrop_keep_clock_before(char *err, size_t errlen)
{
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) == -1) {
		snprintf(err, errlen, "prctl(PR_SET_KEEPCAPS): %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
privdrop_keep_clock_after(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = 1U << CAP_SYS_TIME;
	if (syscall(SYS_capset, &hdr, data) == -1) {
		snprintf(err, errlen, "capset(CAP_SYS_TIME): %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) == -1) {
		snprintf(err, errlen, "prctl(PR_SET_KEEPCAPS): %s", strerror(errno));
		return -1;
	}
	return 0;
}
