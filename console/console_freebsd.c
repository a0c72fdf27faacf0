/*
 * console, FreeBSD part: who is on the other end of a Unix socket.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console.h"

int
console_peer_uid(int fd, uid_t *uid)
{
	gid_t gid;

	return getpeereid(fd, uid, &gid);
}
