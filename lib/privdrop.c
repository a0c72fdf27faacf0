/*
 * privdrop: the portable part of dropping root.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privdrop.h"

int
privdrop(const char *user, bool keep_clock, char *err, size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(err, errlen, "user %s: %s", user,
		    errno ? strerror(errno) : "no such user");
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "user %s is root: refusing to run as it", user);
		return -1;
	}
	if (keep_clock && privdrop_keep_clock_before(err, errlen) == -1)
		return -1;
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		snprintf(err, errlen, "dropping to user %s: %s", user, strerror(errno));
		return -1;
	}
	if (setuid(0) != -1 || getuid() != pw->pw_uid || geteuid() != pw->pw_uid) {
		snprintf(err, errlen, "dropping to user %s: root could be regained", user);
		return -1;
	}
	if (keep_clock && privdrop_keep_clock_after(err, errlen) == -1)
		return -1;
	return 0;
}
