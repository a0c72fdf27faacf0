/*
 * outpost nmea decode [FILE]: NMEA 0183 log in, one JSON object per accepted
 * sentence out (stdout); every rejected line is named on stderr as
 * "FILE:LINE: reason", then "N accepted, M rejected".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jsonw.h"
#include "nmea.h"
#include "outpost.h"

struct decode {
	const char *name;       /* for messages: the path, or "<stdin>" */
	unsigned long accepted, rejected;
	bool out_failed;
};

static int
nmea_usage(FILE *f)
{
	fprintf(f, "usage: %s nmea decode [FILE]\n"
		   "  Decode an NMEA 0183 log (stdin if FILE is absent or \"-\") to one\n"
		   "  JSON object per sentence; rejected lines are reported on stderr.\n",
	    outpost_progname);
	return f == stdout ? 0 : EXIT_USAGE;
}

/* The line's text for a message: printable ASCII, the rest as \xHH. */
static void
quote_text(char *dst, size_t dstlen, const char *s, size_t len)
{
	const size_t shown = 80;
	size_t o = 0;

	dst[0] = '\0';
	for (size_t i = 0; i < len && i < shown; i++) {
		unsigned char c = (unsigned char)s[i];
		int n;

		if (c >= 0x20 && c < 0x7f)
			n = snprintf(dst + o, dstlen - o, "%c", c);
		else
			n = snprintf(dst + o, dstlen - o, "\\x%02X", c);
		if (n < 0 || (size_t)n >= dstlen - o)
			return;
		o += (size_t)n;
	}
	if (len > shown)
		snprintf(dst + o, dstlen - o, "...");
}

static void
reject(struct decode *d, unsigned long lineno, const char *reason, const char *text, size_t len)
{
	char q[NMEA_MAX_LINE * 4 + 8];

	quote_text(q, sizeof(q), text, len);
	fprintf(stderr, "%s:%lu: %s: %s\n", d->name, lineno, reason, q);
	d->rejected++;
}

static void
lex_reason(const struct nmea_line *l, char *buf, size_t len)
{
	switch (l->status) {
	case NMEA_LEX_BAD_CHECKSUM:
		snprintf(buf, len, "bad checksum (expected %02X, got %02X)", l->cs_want,
		    l->cs_got);
		break;
	case NMEA_LEX_SPLICED:
		snprintf(buf, len, "spliced (cut short by the next '$')");
		break;
	case NMEA_LEX_TOO_LONG:
		snprintf(buf, len, "too long (more than %d bytes)", NMEA_MAX_LINE);
		break;
	case NMEA_LEX_BAD_BYTE:
		snprintf(buf, len, "bad byte (NUL or not printable ASCII)");
		break;
	default:
		snprintf(buf, len, "%s", nmea_lex_status_str(l->status));
		break;
	}
}

static void
parse_reason(enum nmea_parse_status st, const char *why, char *buf, size_t len)
{
	switch (st) {
	case NMEA_PARSE_BAD_FIELD:
		snprintf(buf, len, "bad %s field", why);
		break;
	case NMEA_PARSE_TOO_FEW_FIELDS:
		snprintf(buf, len, "too few fields in %s", why);
		break;
	default:
		snprintf(buf, len, "%s", nmea_parse_status_str(st));
		break;
	}
}

static void
put_char(struct jsonw *w, const char *key, char c)
{
	if (c != 0)
		jsonw_strn(w, key, &c, 1);
}

/* "time" when the date is known too, else "time_of_day"; "date" alone. */
static void
put_time(struct jsonw *w, const struct nmea_time *t, const struct nmea_date *d)
{
	char buf[64];
	int ms = t->nsec / 1000000;

	if (t->valid && d != NULL && d->valid) {
		snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d->year,
		    d->month, d->day, t->hour, t->min, t->sec, ms);
		jsonw_str(w, "time", buf);
	} else if (t->valid) {
		snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03d", t->hour, t->min, t->sec, ms);
		jsonw_str(w, "time_of_day", buf);
	} else if (d != NULL && d->valid) {
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d", d->year, d->month, d->day);
		jsonw_str(w, "date", buf);
	}
}

static void
put_pos(struct jsonw *w, const struct nmea_pos *p)
{
	if (!p->valid)
		return;
	jsonw_double(w, "lat", p->lat, 9);
	jsonw_double(w, "lon", p->lon, 9);
}

static void
put_int(struct jsonw *w, const char *key, int v)
{
	if (v >= 0)
		jsonw_int(w, key, v);
}

static void
put_rmc(struct jsonw *w, const struct nmea_rmc *r)
{
	put_time(w, &r->time, &r->date);
	put_char(w, "status", r->status);
	put_pos(w, &r->pos);
	if (r->has_speed)
		jsonw_double(w, "speed_kn", r->speed_kn, 3);
	if (r->has_course)
		jsonw_double(w, "course", r->course_deg, 2);
	if (r->has_magvar)
		jsonw_double(w, "magvar", r->magvar_deg, 1);
	put_char(w, "mode", r->mode);
	put_char(w, "nav_status", r->nav_status);
}

static void
put_gga(struct jsonw *w, const struct nmea_gga *g)
{
	put_time(w, &g->time, NULL);
	put_pos(w, &g->pos);
	put_int(w, "quality", g->quality);
	put_int(w, "sats", g->sats);
	if (g->has_hdop)
		jsonw_double(w, "hdop", g->hdop, 2);
	if (g->has_alt)
		jsonw_double(w, "alt_m", g->alt_m, 3);
	if (g->has_geoid_sep)
		jsonw_double(w, "geoid_sep_m", g->geoid_sep_m, 3);
}

static void
put_gll(struct jsonw *w, const struct nmea_gll *g)
{
	put_time(w, &g->time, NULL);
	put_char(w, "status", g->status);
	put_pos(w, &g->pos);
	put_char(w, "mode", g->mode);
}

static void
put_gsa(struct jsonw *w, const struct nmea_gsa *g)
{
	put_char(w, "sel_mode", g->sel_mode);
	if (g->fix_mode > 0)
		jsonw_int(w, "fix_mode", g->fix_mode);
	jsonw_begin_array(w, "prns");
	for (int i = 0; i < g->n_prn; i++)
		jsonw_int(w, NULL, g->prn[i]);
	jsonw_end(w);
	if (g->has_pdop)
		jsonw_double(w, "pdop", g->pdop, 2);
	if (g->has_hdop)
		jsonw_double(w, "hdop", g->hdop, 2);
	if (g->has_vdop)
		jsonw_double(w, "vdop", g->vdop, 2);
	put_int(w, "system_id", g->system_id);
}

static void
put_gsv(struct jsonw *w, const struct nmea_gsv *g)
{
	put_int(w, "msgs", g->n_msgs);
	put_int(w, "msg", g->msg_no);
	put_int(w, "sats_in_view", g->sats_in_view);
	jsonw_begin_array(w, "sats");
	for (int i = 0; i < g->n_sats; i++) {
		jsonw_begin(w, NULL);
		put_int(w, "prn", g->sat[i].prn);
		put_int(w, "elev", g->sat[i].elev_deg);
		put_int(w, "azim", g->sat[i].azim_deg);
		put_int(w, "snr", g->sat[i].snr_db);
		jsonw_end(w);
	}
	jsonw_end(w);
	put_int(w, "signal_id", g->signal_id);
}

static void
put_zda(struct jsonw *w, const struct nmea_zda *z)
{
	put_time(w, &z->time, &z->date);
	if (z->has_zone) {
		jsonw_int(w, "zone_hours", z->zone_hours);
		jsonw_int(w, "zone_minutes", z->zone_minutes);
	}
}

static void
put_msg(struct jsonw *w, const struct nmea_msg *m)
{
	switch (m->type) {
	case NMEA_RMC: put_rmc(w, &m->u.rmc); break;
	case NMEA_GGA: put_gga(w, &m->u.gga); break;
	case NMEA_GLL: put_gll(w, &m->u.gll); break;
	case NMEA_GSA: put_gsa(w, &m->u.gsa); break;
	case NMEA_GSV: put_gsv(w, &m->u.gsv); break;
	case NMEA_ZDA: put_zda(w, &m->u.zda); break;
	case NMEA_TXT:
		put_int(w, "msgs", m->u.txt.n_msgs);
		put_int(w, "msg", m->u.txt.msg_no);
		put_int(w, "txt_type", m->u.txt.kind);
		jsonw_str(w, "text", m->u.txt.text);
		break;
	case NMEA_PMTK_ACK:
		jsonw_int(w, "cmd", m->u.ack.cmd);
		jsonw_int(w, "flag", m->u.ack.flag);
		jsonw_str(w, "result", nmea_pmtk_flag_str(m->u.ack.flag));
		break;
	case NMEA_PMTK_SYS:
		put_int(w, "sys_msg", m->u.pmtk.sys_msg);
		jsonw_str(w, "text", m->u.pmtk.text);
		break;
	case NMEA_PMTK_OTHER:
		jsonw_str(w, "text", m->u.pmtk.text);
		break;
	case NMEA_UNKNOWN:
		break;
	}
}

static void
emit_json(struct decode *d, const struct nmea_line *l, const struct nmea_msg *m)
{
	char buf[8192];
	struct jsonw w;
	int n;

	jsonw_init(&w, buf, sizeof(buf));
	jsonw_begin(&w, NULL);
	jsonw_str(&w, "type", m->name);
	jsonw_str(&w, "talker", m->talker);
	jsonw_int(&w, "line", (long long)l->lineno);
	put_msg(&w, m);
	jsonw_end(&w);
	n = jsonw_finish(&w);
	if (n < 0) {
		reject(d, l->lineno, "cannot represent as JSON", l->text, l->len);
		return;
	}
	buf[n] = '\n';
	if (fwrite(buf, 1, (size_t)n + 1, stdout) != (size_t)n + 1)
		d->out_failed = true;
	d->accepted++;
}

static void
handle_line(struct decode *d, const struct nmea_line *l)
{
	struct nmea_msg m;
	enum nmea_parse_status st;
	const char *why;
	char reason[128];

	if (l->status != NMEA_LEX_OK) {
		lex_reason(l, reason, sizeof(reason));
		reject(d, l->lineno, reason, l->text, l->len);
		return;
	}
	st = nmea_parse(l->text, l->len, &m, &why);
	if (st != NMEA_PARSE_OK) {
		parse_reason(st, why, reason, sizeof(reason));
		reject(d, l->lineno, reason, l->text, l->len);
		return;
	}
	emit_json(d, l, &m);
}

/* Returns 0 at EOF, -1 on a read error (errno set). */
static int
decode_fd(struct decode *d, int fd)
{
	struct nmea_lexer lx;
	struct nmea_line line;
	const struct timespec no_time = { 0, 0 };
	uint8_t buf[4096];
	ssize_t n;

	nmea_lexer_init(&lx);
	lx.hash_comments = true;
	for (;;) {
		size_t pos = 0;

		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		while (nmea_lexer_feed(&lx, buf, (size_t)n, &pos, no_time, &line))
			handle_line(d, &line);
	}
	if (nmea_lexer_flush(&lx, &line))
		handle_line(d, &line);
	return 0;
}

static int
nmea_decode(int argc, char **argv)
{
	struct decode d = { 0 };
	const char *path = "-";
	bool is_stdin;
	int fd = STDIN_FILENO, rc;

	if (argc > 1)
		return nmea_usage(stderr);
	if (argc == 1)
		path = argv[0];
	if (strcmp(path, "-h") == 0 || strcmp(path, "--help") == 0)
		return nmea_usage(stdout);
	if (path[0] == '-' && path[1] != '\0') {
		fprintf(stderr, "%s nmea decode: unknown option '%s'\n", outpost_progname, path);
		return nmea_usage(stderr);
	}
	is_stdin = strcmp(path, "-") == 0;
	d.name = is_stdin ? "<stdin>" : path;
	if (!is_stdin && (fd = open(path, O_RDONLY)) < 0) {
		fprintf(stderr, "%s nmea decode: %s: %s\n", outpost_progname, path,
		    strerror(errno));
		return 1;
	}
	rc = decode_fd(&d, fd);
	if (rc < 0)
		fprintf(stderr, "%s nmea decode: %s: %s\n", outpost_progname, d.name,
		    strerror(errno));
	if (!is_stdin)
		close(fd);
	if (fflush(stdout) != 0 || d.out_failed) {
		fprintf(stderr, "%s nmea decode: writing output: %s\n", outpost_progname,
		    strerror(errno));
		rc = -1;
	}
	fprintf(stderr, "%lu accepted, %lu rejected\n", d.accepted, d.rejected);
	return rc < 0 ? 1 : 0;
}

int
cmd_nmea(int argc, char **argv)
{
	if (argc < 1)
		return nmea_usage(stderr);
	if (strcmp(argv[0], "decode") == 0)
		return nmea_decode(argc - 1, argv + 1);
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "help") == 0)
		return nmea_usage(stdout);
	fprintf(stderr, "%s nmea: unknown subcommand '%s'\n", outpost_progname, argv[0]);
	return nmea_usage(stderr);
}
