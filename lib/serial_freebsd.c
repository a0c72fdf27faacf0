/*
 * serial, FreeBSD part: where UUCP lock files live (uu_lock(3), cu(1)).
 */
#include "serial.h"

const char *serial_lock_dir(void)
{
	return "/var/spool/lock";
}
