/*
 * console, Linux part: who is on the other end of a Unix socket
 * (SO_PEERCRED, which glibc declares for _GNU_SOURCE).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <sys/socket.h>

#include "console.h"

int
console_peer_uid(int fd, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1)
		return -1;
	*uid = cr.uid;
	return 0;
}
