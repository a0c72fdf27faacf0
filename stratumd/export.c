/*
 * export: samples out to a chronyd or ntpd the owner keeps running: a
 * chrony SOCK datagram per sample (chronyd's `refclock SOCK PATH` creates
 * the socket; we only send), and/or the NTP SHM segment.  A PPS-numbered
 * sample carries its whole offset, so it goes out as a plain sample
 * (pulse 0) that needs no other source to number it.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "stratumd.h"
#include "tsmath.h"

int
export_open(struct stratumd *sd)
{
	char err[128];

	sd->export_fd = -1;
	if (sd->conf.export_sock[0] != '\0') {
		sd->export_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (sd->export_fd == -1) {
			log_warn("export: socket");
			return -1;
		}
		log_info("export: chrony SOCK samples to %s", sd->conf.export_sock);
	}
	if (sd->conf.export_shm >= 0) {
		if (shm_export_open(&sd->shm, sd->conf.export_shm, err, sizeof(err)) == -1) {
			log_warnx("export: %s", err);
			return -1;
		}
		sd->shm_open = true;
		log_info("export: NTP SHM unit %d", sd->conf.export_shm);
	}
	return 0;
}

void
export_sample(struct stratumd *sd, const struct refclock_sample *s)
{
	struct timespec truth = ts_add(s->local, ts_from_double(s->offset));

	if (sd->export_fd != -1) {
		struct pps_edge e = { .local = s->local, .offset = s->offset, .pulse = false };
		struct pps_sock_sample smp;
		struct sockaddr_un sun;

		pps_sock_encode(&e, &smp);
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		memcpy(sun.sun_path, sd->conf.export_sock,
		    strnlen(sd->conf.export_sock, sizeof(sun.sun_path) - 1));
		/* chronyd not running (ENOENT, ECONNREFUSED) is not our problem. */
		if (sendto(sd->export_fd, &smp, sizeof(smp), 0, (struct sockaddr *)&sun,
		    sizeof(sun)) == -1 && errno != ENOENT && errno != ECONNREFUSED)
			log_debug("export: %s: %s", sd->conf.export_sock, strerror(errno));
	}
	if (sd->shm_open)
		shm_export_write(&sd->shm, truth, s->local, 0, sd->precision);
}

void
export_close(struct stratumd *sd)
{
	if (sd->export_fd != -1)
		close(sd->export_fd);
	sd->export_fd = -1;
	if (sd->shm_open)
		shm_export_close(&sd->shm);
	sd->shm_open = false;
}
