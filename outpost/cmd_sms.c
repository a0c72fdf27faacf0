/*
 * outpost sms decode PDU: one SMS-DELIVER, as the modem prints it in PDU
 * mode (with the SMSC field), to one JSON object on stdout.
 * outpost sms encode [-r REF] [-V VP] [-s] NUMBER TEXT: the SMS-SUBMIT
 * PDU(s) for TEXT, one "LEN PDU" line per part, LEN being what AT+CMGS=
 * wants (the TPDU length, SMSC field excluded).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jsonw.h"
#include "outpost.h"
#include "sms.h"

static int
sms_usage(FILE *f)
{
	fprintf(f, "usage: %s sms decode PDU\n"
		   "       %s sms encode [-r REF] [-V VP] [-s] NUMBER TEXT\n"
		   "  decode: an SMS-DELIVER PDU in hex, with its SMSC field, to JSON.\n"
		   "  encode: SMS-SUBMIT PDUs for TEXT (UTF-8), one \"LEN PDU\" line per part;\n"
		   "    LEN is the length for AT+CMGS.  -r concatenation reference (0-255),\n"
		   "    -V relative validity TP-VP (0-255), -s request a status report.\n",
	    outpost_progname, outpost_progname);
	return f == stdout ? 0 : EXIT_USAGE;
}

static int
print_deliver(const struct sms_deliver *d)
{
	char buf[4 * SMS_TEXT_MAX + 512];
	struct jsonw w;

	jsonw_init(&w, buf, sizeof(buf));
	if (sms_json_write(&w, NULL, d) < 0 || jsonw_finish(&w) < 0)
		return -1;
	return puts(buf) == EOF ? -1 : 0;
}

static int
sms_decode_cmd(int argc, char **argv)
{
	struct sms_deliver d;
	char err[256];
	const char *s;
	size_t len;

	if (argc != 2)
		return sms_usage(stderr);
	/* A PDU pasted from a terminal may carry blanks or a CR around it. */
	s = argv[1];
	s += strspn(s, " \t\r\n");
	len = strlen(s);
	while (len > 0 && strchr(" \t\r\n", s[len - 1]) != NULL)
		len--;
	if (sms_decode_hex(s, len, &d, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s sms decode: %s\n", outpost_progname, err);
		return 1;
	}
	if (print_deliver(&d) < 0) {
		fprintf(stderr, "%s sms decode: cannot write the result\n", outpost_progname);
		return 1;
	}
	return 0;
}

/* An integer option value in lo..hi, or -1. */
static long
option_value(const char *s, long lo, long hi)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		return -1;
	return v;
}

static int
sms_encode_cmd(int argc, char **argv)
{
	static struct sms_submit_pdu pdus[SMS_MAX_PARTS];
	struct sms_submit_opts o = { 0, -1, 0 };
	char err[256];
	size_t n;
	long v;
	int i;

	/* Unless given, the reference differs from one run to the next. */
	o.ref = (uint8_t)((unsigned)getpid() ^ (unsigned)time(NULL));
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-s") == 0) {
			o.status_report = 1;
			continue;
		}
		if (strcmp(argv[i], "-r") != 0 && strcmp(argv[i], "-V") != 0)
			return sms_usage(stderr);
		if ((v = option_value(i + 1 < argc ? argv[i + 1] : NULL, 0, 255)) < 0) {
			fprintf(stderr, "%s sms encode: %s wants a number from 0 to 255\n",
			    outpost_progname, argv[i]);
			return EXIT_USAGE;
		}
		if (argv[i][1] == 'r')
			o.ref = (uint8_t)v;
		else
			o.validity = (int)v;
		i++;
	}
	if (argc - i != 2)
		return sms_usage(stderr);
	if (sms_encode_submit(argv[i], argv[i + 1], strlen(argv[i + 1]), &o, pdus, SMS_MAX_PARTS,
	    &n, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s sms encode: %s\n", outpost_progname, err);
		return 1;
	}
	for (size_t k = 0; k < n; k++)
		if (printf("%zu %s\n", pdus[k].tpdu_len, pdus[k].hex) < 0)
			return 1;
	return fflush(stdout) == EOF ? 1 : 0;
}

int
cmd_sms(int argc, char **argv)
{
	if (argc < 1)
		return sms_usage(stderr);
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "help") == 0)
		return sms_usage(stdout);
	if (strcmp(argv[0], "decode") == 0)
		return sms_decode_cmd(argc, argv);
	if (strcmp(argv[0], "encode") == 0)
		return sms_encode_cmd(argc, argv);
	return sms_usage(stderr);
}
