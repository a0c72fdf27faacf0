/*
 * pps: chrony SOCK sample codec.
 */
#include <math.h>
#include <string.h>

#include "pps.h"

int
pps_sock_decode(const void *buf, size_t len, struct pps_edge *e)
{
	struct pps_sock_sample s;

	if (len != sizeof(s))
		return -1;
	memcpy(&s, buf, sizeof(s));
	if (s.magic != PPS_SOCK_MAGIC)
		return -1;
	if (s.tv.tv_usec < 0 || s.tv.tv_usec >= 1000000)
		return -1;
	if (!isfinite(s.offset) || fabs(s.offset) > 1e6)
		return -1;
	if (s.leap < 0 || s.leap > 2)
		return -1;
	memset(e, 0, sizeof(*e));
	e->local.tv_sec = s.tv.tv_sec;
	e->local.tv_nsec = (long)s.tv.tv_usec * 1000;
	e->offset = s.offset;
	e->pulse = s.pulse != 0;
	e->leap = s.leap;
	return 0;
}

void
pps_sock_encode(const struct pps_edge *e, struct pps_sock_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->tv.tv_sec = e->local.tv_sec;
	s->tv.tv_usec = (suseconds_t)(e->local.tv_nsec / 1000);
	s->offset = e->offset;
	s->pulse = e->pulse;
	s->leap = e->leap;
	s->magic = PPS_SOCK_MAGIC;
}
