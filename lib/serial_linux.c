/*
 * serial, Linux part: where UUCP lock files live (FHS 3.0: /var/lock, which
 * is a tmpfs symlink to /run/lock on current systems).
 */
#include "serial.h"

const char *serial_lock_dir(void)
{
	return "/var/lock";
}
