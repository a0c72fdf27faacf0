/*
 * outpost(1): the operator's command.  One file per command family; each
 * takes argc/argv after its own name and returns the exit status:
 * 0 success, 1 the operation failed (device, I/O, receiver said no),
 * 2 usage error.  Messages go to stderr, results to stdout.
 */
#ifndef OUTPOST_OUTPOST_H
#define OUTPOST_OUTPOST_H

#include <stdbool.h>

#define EXIT_USAGE 2

/* outpost.c */
extern const char *outpost_progname;
/* "--name VALUE" or "--name=VALUE" at argv[*i]: the value (and *i moved
 * past it), or NULL when argv[*i] is not that option; *missing is set when
 * the option is there without its value. */
const char *outpost_option(int argc, char **argv, int *i, const char *name, bool *missing);

/* cmd_console.c: outpost console [--spy] [--force] [--replay N] [--dir D] [NAME] */
int cmd_console(int argc, char **argv);

/* cmd_gps.c: outpost gps sentence|send|configure */
int cmd_gps(int argc, char **argv);

/* cmd_modem.c: outpost modem at|info|modem-only|watch */
int cmd_modem(int argc, char **argv);

/* cmd_nmea.c: outpost nmea decode */
int cmd_nmea(int argc, char **argv);

/* cmd_otp.c: outpost otp init|code */
int cmd_otp(int argc, char **argv);

/* cmd_peers.c: outpost peers [-n] [--json] [--host ADDR] [--port N] [--timeout S] */
int cmd_peers(int argc, char **argv);

/* cmd_status.c: outpost status */
int cmd_status(int argc, char **argv);

/* cmd_sms.c: outpost sms decode|encode */
int cmd_sms(int argc, char **argv);

/* sms_json.c: an SMS-DELIVER as a JSON object (member key, or NULL at top
 * level or in an array); -1, writing nothing, when its time is invalid. */
struct jsonw;
struct sms_deliver;
int sms_json_write(struct jsonw *w, const char *key, const struct sms_deliver *d);

#endif
