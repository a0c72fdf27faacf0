/*
 * outpost status: ask the daemons for their state over their control
 * sockets and show it, in words or (--json) as the daemon sent it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "outpost.h"

#define STRATUMD_CONTROL "/run/stratumd/control.sock"
#define OOBD_CONTROL "/run/oobd/control.sock"
#define REPLY_MAX 32768
#define TIMEOUT_MS 2000

/* Send `status`, read the whole answer.  -1 with a message on stderr. */
static int
ask(const char *path, char *buf, size_t len)
{
	struct sockaddr_un sun;
	size_t got = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "outpost: %s: path too long\n", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "outpost: %s: %s (is the daemon running?)\n", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (write(fd, "status\n", 7) != 7) {
		fprintf(stderr, "outpost: %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, TIMEOUT_MS) != 1) {
			fprintf(stderr, "outpost: %s: no answer within %d ms\n", path, TIMEOUT_MS);
			close(fd);
			return -1;
		}
		ssize_t n = read(fd, buf + got, len - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == len - 1)
			break;
	}
	close(fd);
	buf[got] = '\0';
	if (got == 0) {
		fprintf(stderr, "outpost: %s: empty answer\n", path);
		return -1;
	}
	return 0;
}

/*
 * A value from the daemon's one-line JSON: the text after "key": inside
 * the object named `section` (NULL for the top level).  The daemon's
 * output is flat enough for this; values are copied up to ',' or '}'.
 */
static const char *
field(const char *json, const char *section, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p = json;

	if (section != NULL) {
		snprintf(pat, sizeof(pat), "\"%s\":{", section);
		if ((p = strstr(json, pat)) == NULL)
			return "-";
		p += strlen(pat) - 1;
	}
	const char *end = strchr(p, '}');
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *v = strstr(p, pat);
	if (v == NULL || (end != NULL && v > end))
		return "-";
	v += strlen(pat);
	size_t n = strcspn(v, ",}");
	if (*v == '"') {
		v++;
		n = strcspn(v, "\"");
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, v, n);
	out[n] = '\0';
	return out;
}

static double
num(const char *json, const char *section, const char *key)
{
	char b[64];
	const char *s = field(json, section, key, b, sizeof(b));
	return strcmp(s, "-") == 0 ? 0 : atof(s);
}

/* Each printed value gets its own buffer: they are all alive in one printf. */
#define F(i, sec, key) field(j, sec, key, v[i], sizeof(v[0]))

/* Said only when there is something to say: a leap to come, or a leapfile. */
static void
show_leap(const char *j)
{
	char v[4][64];

	if (strcmp(F(0, "leap", "announced"), "none") != 0 && strcmp(v[0], "-") != 0)
		printf("  leap second: %s at the end of this month%s\n", v[0],
		    strcmp(F(1, "leap", "armed"), "true") == 0 ? " (armed in the kernel)" : "");
	if (strcmp(F(0, "leap", "leapfile"), "") == 0 || strcmp(v[0], "-") == 0)
		return;
	if (strcmp(F(1, "leap", "expired"), "-") == 0)
		printf("  leapfile %s NOT READ (see the log)\n", v[0]);
	else
		printf("  leapfile %s: TAI-UTC %s s%s\n", v[0], F(2, "leap", "tai_utc"),
		    strcmp(v[1], "true") == 0 ? ", EXPIRED: update tzdata" : "");
}

static void
show_stratumd(const char *j)
{
	char v[8][64];

	printf("stratumd: %s, stratum %s, refid %s%s\n", F(0, "sync", "state"),
	    F(1, "sync", "stratum"), F(2, "sync", "refid"),
	    strcmp(F(3, "sync", "clock_control"), "false") == 0 ? " (clock control off)" : "");
	if (strcmp(F(0, "selection", "following"), "") != 0)
		printf("  following %s%s%s%s: %s of %s fit sources agree\n", v[0],
		    strcmp(F(1, "selection", "following_address"), "") != 0 ? " (" : "", v[1],
		    v[1][0] ? ")" : "", F(2, "selection", "agree"), F(3, "selection", "fit"));
	else
		printf("  following nothing (%s): %s of %s fit sources agree\n",
		    F(1, "selection", "status"), F(2, "selection", "agree"), F(3, "selection", "fit"));
	if (strcmp(F(0, "selection", "gps_falseticker"), "true") == 0)
		printf("  the GPS receiver DISAGREES with the servers: not served as stratum 1\n");
	show_leap(j);
	printf("  offset %+.3f us  jitter %.3f us  frequency %+.3f ppm  error %.3f us\n",
	    num(j, "sync", "offset") * 1e6, num(j, "sync", "jitter") * 1e6,
	    num(j, "sync", "frequency_ppm"), num(j, "sync", "error") * 1e6);
	printf("  gps  %s: %s, fix %s, quality %s, %s satellites, %s sentences (%s rejected)\n",
	    F(0, "gps", "device"), strcmp(F(1, "gps", "open"), "true") == 0 ? "open" : "NOT OPEN",
	    F(2, "gps", "status"), F(3, "gps", "quality"), F(4, "gps", "sats"), F(5, "gps", "sentences"),
	    F(6, "gps", "rejected"));
	printf("  pps  %s: %s edges, %s used, %s\n", F(0, "pps", "source"), F(1, "pps", "edges"),
	    F(2, "pps", "used"), strcmp(F(3, "pps", "in_use"), "true") == 0 ? "in use" : "not in use");
	if (strcmp(F(0, "nmea_delay", "calibrated"), "true") == 0)
		printf("  nmea offset %.3f ms after the PPS edge (%s measurements)\n",
		    num(j, "nmea_delay", "seconds") * 1e3, F(1, "nmea_delay", "measurements"));
	else
		printf("  nmea offset not calibrated yet\n");
	printf("  ntp  %s requests, %s answered, %s KoD, %s denied, %s malformed\n",
	    F(0, "server", "received"), F(1, "server", "replied"), F(2, "server", "kod"),
	    F(3, "server", "denied"), F(4, "server", "malformed"));
}

static void
show_oobd(const char *j)
{
	char v[8][64];

	printf("oobd: session %s", F(0, "session", "state"));
	if (strcmp(F(1, "session", "ends_in"), "-") != 0)
		printf(", ends in %d min", atoi(v[1]) / 60);
	if (strcmp(F(2, "session", "requester"), "") != 0)
		printf(", asked by %s", v[2]);
	printf("\n");
	if (strcmp(F(0, "session", "last_reason"), "") != 0)
		printf("  last: %s\n", v[0]);
	printf("  link %s: %s%s%s\n", F(0, "link", "interface"),
	    strcmp(F(1, "link", "ready"), "true") == 0 ? "up" :
	    strcmp(F(2, "link", "running"), "true") == 0 ? "starting" : "down",
	    strcmp(F(3, "link", "address"), "-") != 0 ? ", " : "",
	    strcmp(v[3], "-") != 0 ? v[3] : "");
	printf("  tunnel to %s, port %s: %s\n", F(0, "tunnel", "relay"), F(1, "tunnel", "port"),
	    strcmp(F(2, "tunnel", "running"), "true") == 0 ? "ssh running" : "not running");
	printf("  modem %s: %s, signal %s, %s, %s\n", F(0, "modem", "device"),
	    F(1, "modem", "state"), F(2, "modem", "signal"), F(3, "modem", "operator"),
	    F(4, "modem", "network"));
	printf("  sms %s received, %s accepted, %s refused, %s ignored%s\n",
	    F(0, "sms", "received"), F(1, "sms", "accepted"), F(2, "sms", "refused"),
	    F(3, "sms", "ignored"), strcmp(F(4, "sms", "locked"), "true") == 0 ?
	    ", LOCKED (too many wrong codes)" : "");
}

#undef F

int
cmd_status(int argc, char **argv)
{
	const char *spath = NULL, *opath = NULL;
	bool json = false;
	int answered = 0, asked = 0;
	char reply[REPLY_MAX];

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--stratumd") == 0 && i + 1 < argc)
			spath = argv[++i];
		else if (strcmp(argv[i], "--oobd") == 0 && i + 1 < argc)
			opath = argv[++i];
		else {
			fprintf(stderr, "usage: outpost status [--json] [--stratumd SOCKET] "
			    "[--oobd SOCKET]\n");
			return EXIT_USAGE;
		}
	}
	/* Neither named: whichever daemons run on this box. */
	bool both = spath == NULL && opath == NULL;
	if (both) {
		spath = access(STRATUMD_CONTROL, F_OK) == 0 || access(OOBD_CONTROL, F_OK) != 0 ?
		    STRATUMD_CONTROL : NULL;
		opath = access(OOBD_CONTROL, F_OK) == 0 ? OOBD_CONTROL : NULL;
	}
	if (spath != NULL) {
		asked++;
		if (ask(spath, reply, sizeof(reply)) == 0) {
			answered++;
			json ? (void)fputs(reply, stdout) : show_stratumd(reply);
		}
	}
	if (opath != NULL) {
		asked++;
		if (ask(opath, reply, sizeof(reply)) == 0) {
			answered++;
			json ? (void)fputs(reply, stdout) : show_oobd(reply);
		}
	}
	return answered == asked ? 0 : 1;
}
