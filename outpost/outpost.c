/*
 * outpost: dispatch to a command family.
 */
#include <stdio.h>
#include <string.h>

#include "outpost.h"

const char *outpost_progname = "outpost";

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *summary;
} commands[] = {
	{ "console", cmd_console, "attach to a router's serial console" },
	{ "gps", cmd_gps, "talk to a GPS receiver: sentence, send, configure" },
	{ "modem", cmd_modem, "talk to a USB modem's AT port: at, info, modem-only" },
	{ "nmea", cmd_nmea, "decode NMEA 0183 logs to JSON" },
	{ "otp", cmd_otp, "create a one-time-code secret, print codes" },
	{ "peers", cmd_peers, "show the NTP server's associations, as ntpq -p" },
	{ "sms", cmd_sms, "decode and encode SMS PDUs" },
	{ "status", cmd_status, "show the daemons' state" },
};

const char *
outpost_option(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int
usage(FILE *f)
{
	fprintf(f, "usage: outpost command [args ...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nSee outpost(1).\n");
	return f == stdout ? 0 : EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 2, argv + 2);
	fprintf(stderr, "outpost: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
