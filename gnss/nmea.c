/*
 * nmea: NMEA 0183 lexer and parser.  See nmea.h for the contract.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmea.h"
#include "text.h"

/* ---- lexer ---- */

void
nmea_lexer_init(struct nmea_lexer *lx)
{
	memset(lx, 0, sizeof(*lx));
	lx->state = NMEA_LX_IDLE;
	lx->lineno = 1;
}

uint8_t
nmea_checksum(const char *body, size_t len)
{
	uint8_t cs = 0;

	for (size_t i = 0; i < len; i++)
		cs ^= (uint8_t)body[i];
	return cs;
}

/*
 * The checksum is the first '*', then exactly two hex digits, then the end.
 * Returns 1 and fills *got, *want and *body_len if the line has one.
 */
static int
find_checksum(const char *s, size_t len, uint8_t *got, uint8_t *want, size_t *body_len)
{
	const char *star = len > 1 ? memchr(s + 1, '*', len - 1) : NULL;
	size_t at;
	int hi, lo;

	*body_len = 0;
	if (star == NULL)
		return 0;
	at = (size_t)(star - s);
	*body_len = at - 1;
	if (len - at != 3)
		return 0;
	hi = text_hexval(s[at + 1]);
	lo = text_hexval(s[at + 2]);
	if (hi < 0 || lo < 0)
		return 0;
	*got = (uint8_t)(hi << 4 | lo);
	*want = nmea_checksum(s + 1, at - 1);
	return 1;
}

static void
lex_begin(struct nmea_lexer *lx, enum nmea_lex_state st, struct timespec rx_time, size_t tail)
{
	lx->state = st;
	lx->len = 0;
	lx->line_bytes = 0;
	lx->overlong = false;
	lx->bad_byte = false;
	lx->line_start = lx->lineno;
	lx->start_time = rx_time;
	lx->start_tail = tail;
}

static void
lex_store(struct nmea_lexer *lx, uint8_t c)
{
	lx->line_bytes++;
	if (c < 0x20 || c > 0x7e)
		lx->bad_byte = true;
	if (lx->len < NMEA_MAX_LINE)
		lx->buf[lx->len++] = (char)c;
	else
		lx->overlong = true;
}

static enum nmea_lex_status
judge_sentence(struct nmea_lexer *lx, bool cut, struct nmea_line *out)
{
	int has_cs;

	has_cs = find_checksum(lx->buf, lx->len, &out->cs_got, &out->cs_want, &out->body_len);
	if (lx->overlong)
		return NMEA_LEX_TOO_LONG;
	if (lx->bad_byte)
		return NMEA_LEX_BAD_BYTE;
	if (!has_cs)
		return cut ? NMEA_LEX_SPLICED : NMEA_LEX_NO_CHECKSUM;
	return out->cs_got == out->cs_want ? NMEA_LEX_OK : NMEA_LEX_BAD_CHECKSUM;
}

static void
count(struct nmea_lexer *lx, enum nmea_lex_status st)
{
	switch (st) {
	case NMEA_LEX_OK: lx->n_ok++; break;
	case NMEA_LEX_BAD_CHECKSUM: lx->n_bad_checksum++; break;
	case NMEA_LEX_NO_CHECKSUM: lx->n_no_checksum++; break;
	case NMEA_LEX_SPLICED: lx->n_spliced++; break;
	case NMEA_LEX_TOO_LONG: lx->n_too_long++; break;
	case NMEA_LEX_BAD_BYTE: lx->n_bad_byte++; break;
	case NMEA_LEX_NOT_SENTENCE: lx->n_not_sentence++; break;
	}
}

/* End the pending line into *out; cut: ended by a '$', not by CR/LF/EOF. */
static void
lex_finish(struct nmea_lexer *lx, bool cut, struct nmea_line *out)
{
	out->cs_got = out->cs_want = 0;
	out->body_len = 0;
	if (lx->state == NMEA_LX_SENTENCE) {
		out->status = judge_sentence(lx, cut, out);
	} else {
		out->status = NMEA_LEX_NOT_SENTENCE;
		lx->n_skipped_bytes += lx->line_bytes;
	}
	count(lx, out->status);
	memcpy(out->text, lx->buf, lx->len);
	out->text[lx->len] = '\0';
	out->len = lx->len;
	out->lineno = lx->line_start;
	out->rx_time = lx->start_time;
	out->rx_tail = lx->start_tail;
	lx->state = NMEA_LX_IDLE;
	lx->len = 0;
}

/* One byte; returns 1 when it completed a line into *out. */
static int
lex_byte(struct nmea_lexer *lx, uint8_t c, struct timespec rx_time, size_t tail,
    struct nmea_line *out)
{
	bool was_cr = lx->prev_cr;
	int done = 0;

	lx->prev_cr = c == '\r';
	if (c == '\n' && was_cr)
		return 0;
	if (c == '\r' || c == '\n') {
		if (lx->state != NMEA_LX_IDLE) {
			lex_finish(lx, false, out);
			done = 1;
		}
		lx->lineno++;
		return done;
	}
	if ((c == '$' && lx->state != NMEA_LX_COMMENT) ||
	    (c == '!' && lx->state == NMEA_LX_IDLE)) {
		if (lx->state != NMEA_LX_IDLE) {
			lex_finish(lx, true, out);
			done = 1;
		}
		lex_begin(lx, NMEA_LX_SENTENCE, rx_time, tail);
	} else if (lx->state == NMEA_LX_IDLE) {
		lex_begin(lx, c == '#' && lx->hash_comments ? NMEA_LX_COMMENT : NMEA_LX_JUNK,
		    rx_time, tail);
	}
	lex_store(lx, c);
	return done;
}

int
nmea_lexer_feed(struct nmea_lexer *lx, const uint8_t *data, size_t len, size_t *pos,
    struct timespec rx_time, struct nmea_line *out)
{
	while (*pos < len) {
		size_t i = (*pos)++;

		if (lex_byte(lx, data[i], rx_time, len - i, out))
			return 1;
	}
	return 0;
}

int
nmea_lexer_flush(struct nmea_lexer *lx, struct nmea_line *out)
{
	if (lx->state == NMEA_LX_IDLE)
		return 0;
	lex_finish(lx, false, out);
	return 1;
}

const char *
nmea_lex_status_str(enum nmea_lex_status st)
{
	switch (st) {
	case NMEA_LEX_OK: return "ok";
	case NMEA_LEX_BAD_CHECKSUM: return "bad checksum";
	case NMEA_LEX_NO_CHECKSUM: return "no checksum";
	case NMEA_LEX_SPLICED: return "spliced";
	case NMEA_LEX_TOO_LONG: return "too long";
	case NMEA_LEX_BAD_BYTE: return "bad byte";
	case NMEA_LEX_NOT_SENTENCE: return "not a sentence";
	}
	return "?";
}

/* ---- field helpers ---- */

struct field {
	const char *p;
	size_t len;
};

struct fields {
	int n;
	struct field f[NMEA_MAX_LINE + 1];
};

static void
split_fields(const char *body, size_t len, struct fields *fs)
{
	size_t start = 0;

	fs->n = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && body[i] != ',')
			continue;
		fs->f[fs->n].p = body + start;
		fs->f[fs->n].len = i - start;
		fs->n++;
		start = i + 1;
	}
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* Unsigned decimal integer in [0, max]; absent: *v = -1. */
static int
f_uint(const struct field *f, int max, int *v)
{
	int x = 0;

	*v = -1;
	if (f->len == 0)
		return 0;
	if (f->len > 9)
		return -1;
	for (size_t i = 0; i < f->len; i++) {
		if (!is_digit(f->p[i]))
			return -1;
		x = x * 10 + (f->p[i] - '0');
	}
	if (x > max)
		return -1;
	*v = x;
	return 0;
}

/* Same, but the field must be present and within [min, max]. */
static int
f_uint_req(const struct field *f, int min, int max, int *v)
{
	if (f_uint(f, max, v) < 0 || *v < min)
		return -1;
	return 0;
}

/* [+-]digits[.digits], at least one digit; absent: *has = false. */
static int
f_double(const struct field *f, bool *has, double *v)
{
	char tmp[32];
	size_t i = 0, digits = 0;
	bool dot = false;

	*has = false;
	*v = 0;
	if (f->len == 0)
		return 0;
	if (f->len >= sizeof(tmp))
		return -1;
	if (f->p[0] == '-' || f->p[0] == '+')
		i++;
	for (; i < f->len; i++) {
		if (is_digit(f->p[i]))
			digits++;
		else if (f->p[i] == '.' && !dot)
			dot = true;
		else
			return -1;
	}
	if (digits == 0)
		return -1;
	memcpy(tmp, f->p, f->len);
	tmp[f->len] = '\0';
	*v = strtod(tmp, NULL);
	*has = true;
	return 0;
}

static int
f_double_range(const struct field *f, double min, double max, bool *has, double *v)
{
	if (f_double(f, has, v) < 0)
		return -1;
	if (*has && (*v < min || *v > max))
		return -1;
	return 0;
}

/* One character out of allowed; absent: *c = 0. */
static int
f_char(const struct field *f, const char *allowed, char *c)
{
	*c = 0;
	if (f->len == 0)
		return 0;
	if (f->len != 1 || f->p[0] == '\0' || strchr(allowed, f->p[0]) == NULL)
		return -1;
	*c = f->p[0];
	return 0;
}

static int
digits2(const char *p)
{
	if (!is_digit(p[0]) || !is_digit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* hhmmss[.f...], up to nanoseconds. */
static int
f_time(const struct field *f, struct nmea_time *t)
{
	int32_t ns = 0, scale = 100000000;

	memset(t, 0, sizeof(*t));
	if (f->len == 0)
		return 0;
	if (f->len < 6 || f->len == 7 || f->len > 16)
		return -1;
	t->hour = digits2(f->p);
	t->min = digits2(f->p + 2);
	t->sec = digits2(f->p + 4);
	if (t->hour < 0 || t->hour > 23 || t->min < 0 || t->min > 59 || t->sec < 0 || t->sec > 60)
		return -1;
	if (f->len > 6 && f->p[6] != '.')
		return -1;
	for (size_t i = 7; i < f->len; i++) {
		if (!is_digit(f->p[i]))
			return -1;
		ns += (f->p[i] - '0') * scale;
		scale /= 10;
	}
	t->nsec = ns;
	t->valid = true;
	return 0;
}

static int
days_in_month(int year, int month)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : mdays[month - 1];
}

static int
check_date(struct nmea_date *d)
{
	if (d->month < 1 || d->month > 12 || d->day < 1 ||
	    d->day > days_in_month(d->year, d->month))
		return -1;
	d->valid = true;
	return 0;
}

/* ddmmyy, year 20yy. */
static int
f_date(const struct field *f, struct nmea_date *d)
{
	memset(d, 0, sizeof(*d));
	if (f->len == 0)
		return 0;
	if (f->len != 6)
		return -1;
	d->day = digits2(f->p);
	d->month = digits2(f->p + 2);
	d->year = digits2(f->p + 4);
	if (d->day < 0 || d->month < 0 || d->year < 0)
		return -1;
	d->year += 2000;
	return check_date(d);
}

/*
 * (d)ddmm.mmmm plus hemisphere.  Degrees and minutes are taken apart as
 * integers first so the minutes' range check is exact.
 */
static int
f_coord(const struct field *val, const struct field *hemi, bool is_lat, bool *has, double *deg)
{
	const char *h = is_lat ? "NS" : "EW";
	char c;
	bool has_v;
	double v, whole, minutes;

	*has = false;
	if (f_char(hemi, h, &c) < 0)
		return -1;
	if (val->len > 0 && (val->p[0] == '-' || val->p[0] == '+'))
		return -1;
	if (f_double(val, &has_v, &v) < 0)
		return -1;
	if (has_v != (c != 0))
		return -1;
	if (!has_v)
		return 0;
	if (v > 18000.0)
		return -1;
	whole = (double)(long long)(v / 100.0);
	minutes = v - whole * 100.0;
	if (minutes >= 60.0)
		return -1;
	*deg = whole + minutes / 60.0;
	if (*deg > (is_lat ? 90.0 : 180.0))
		return -1;
	if (c == 'S' || c == 'W')
		*deg = -*deg;
	*has = true;
	return 0;
}

/* lat: f[i], f[i+1]; lon: f[i+2], f[i+3]. Returns 0, or -1 lat / -2 lon bad. */
static int
f_pos(const struct field *f, struct nmea_pos *pos)
{
	bool has_lat, has_lon;

	memset(pos, 0, sizeof(*pos));
	if (f_coord(&f[0], &f[1], true, &has_lat, &pos->lat) < 0)
		return -1;
	if (f_coord(&f[2], &f[3], false, &has_lon, &pos->lon) < 0)
		return -2;
	pos->valid = has_lat && has_lon;
	if (!pos->valid)
		pos->lat = pos->lon = 0;
	return 0;
}

/* ---- sentences ---- */

static enum nmea_parse_status
bad(const char **why, const char *what)
{
	*why = what;
	return NMEA_PARSE_BAD_FIELD;
}

static enum nmea_parse_status
too_few(const char **why, const char *what)
{
	*why = what;
	return NMEA_PARSE_TOO_FEW_FIELDS;
}

static const char faa_modes[] = "ADEFMNPRS";

static enum nmea_parse_status
parse_rmc(const struct fields *fs, struct nmea_rmc *r, const char **why)
{
	const struct field *f = fs->f;
	bool has_magvar;
	char mv_dir;
	int p;

	/* NMEA 2.0 has 11 data fields; 2.3 adds the mode, 4.10 the nav status */
	if (fs->n < 12)
		return too_few(why, "RMC");
	if (f_time(&f[1], &r->time) < 0)
		return bad(why, "RMC time");
	if (f_char(&f[2], "AV", &r->status) < 0)
		return bad(why, "RMC status");
	p = f_pos(&f[3], &r->pos);
	if (p < 0)
		return bad(why, p == -1 ? "RMC latitude" : "RMC longitude");
	if (f_double_range(&f[7], 0, 1e6, &r->has_speed, &r->speed_kn) < 0)
		return bad(why, "RMC speed");
	if (f_double_range(&f[8], 0, 360, &r->has_course, &r->course_deg) < 0)
		return bad(why, "RMC course");
	if (f_date(&f[9], &r->date) < 0)
		return bad(why, "RMC date");
	if (f_double_range(&f[10], 0, 180, &has_magvar, &r->magvar_deg) < 0 ||
	    f_char(&f[11], "EW", &mv_dir) < 0 || (has_magvar && mv_dir == 0))
		return bad(why, "RMC magnetic variation");
	r->has_magvar = has_magvar;
	if (mv_dir == 'W')
		r->magvar_deg = -r->magvar_deg;
	if (fs->n > 12 && f_char(&f[12], faa_modes, &r->mode) < 0)
		return bad(why, "RMC mode");
	if (fs->n > 13 && f_char(&f[13], "SCUV", &r->nav_status) < 0)
		return bad(why, "RMC navigation status");
	return NMEA_PARSE_OK;
}

static enum nmea_parse_status
parse_gga(const struct fields *fs, struct nmea_gga *g, const char **why)
{
	const struct field *f = fs->f;
	char unit;
	int p;

	/* through the altitude; units, geoid separation and DGPS may be cut */
	if (fs->n < 10)
		return too_few(why, "GGA");
	if (f_time(&f[1], &g->time) < 0)
		return bad(why, "GGA time");
	p = f_pos(&f[2], &g->pos);
	if (p < 0)
		return bad(why, p == -1 ? "GGA latitude" : "GGA longitude");
	if (f_uint(&f[6], 8, &g->quality) < 0)
		return bad(why, "GGA quality");
	if (f_uint(&f[7], 99, &g->sats) < 0)
		return bad(why, "GGA satellites");
	if (f_double_range(&f[8], 0, 100, &g->has_hdop, &g->hdop) < 0)
		return bad(why, "GGA hdop");
	if (f_double_range(&f[9], -1e5, 1e6, &g->has_alt, &g->alt_m) < 0 ||
	    (fs->n > 10 && f_char(&f[10], "M", &unit) < 0))
		return bad(why, "GGA altitude");
	if (fs->n > 11 &&
	    (f_double_range(&f[11], -1e4, 1e4, &g->has_geoid_sep, &g->geoid_sep_m) < 0 ||
		(fs->n > 12 && f_char(&f[12], "M", &unit) < 0)))
		return bad(why, "GGA geoid separation");
	return NMEA_PARSE_OK;
}

static enum nmea_parse_status
parse_gll(const struct fields *fs, struct nmea_gll *g, const char **why)
{
	const struct field *f = fs->f;
	int p;

	/* NMEA 1.x GLL had the position only */
	if (fs->n < 5)
		return too_few(why, "GLL");
	p = f_pos(&f[1], &g->pos);
	if (p < 0)
		return bad(why, p == -1 ? "GLL latitude" : "GLL longitude");
	if (fs->n > 5 && f_time(&f[5], &g->time) < 0)
		return bad(why, "GLL time");
	if (fs->n > 6 && f_char(&f[6], "AV", &g->status) < 0)
		return bad(why, "GLL status");
	if (fs->n > 7 && f_char(&f[7], faa_modes, &g->mode) < 0)
		return bad(why, "GLL mode");
	return NMEA_PARSE_OK;
}

static enum nmea_parse_status
parse_gsa(const struct fields *fs, struct nmea_gsa *g, const char **why)
{
	const struct field *f = fs->f;
	int prn;

	if (fs->n < 18)
		return too_few(why, "GSA");
	if (f_char(&f[1], "MA", &g->sel_mode) < 0)
		return bad(why, "GSA selection mode");
	if (f_uint(&f[2], 3, &g->fix_mode) < 0 || g->fix_mode == 0)
		return bad(why, "GSA fix mode");
	if (g->fix_mode < 0)
		g->fix_mode = 0;
	for (int i = 3; i < 3 + NMEA_GSA_MAX_PRN; i++) {
		if (f_uint(&f[i], 999, &prn) < 0 || prn == 0)
			return bad(why, "GSA satellite");
		if (prn > 0)
			g->prn[g->n_prn++] = prn;
	}
	if (f_double_range(&f[15], 0, 100, &g->has_pdop, &g->pdop) < 0)
		return bad(why, "GSA pdop");
	if (f_double_range(&f[16], 0, 100, &g->has_hdop, &g->hdop) < 0)
		return bad(why, "GSA hdop");
	if (f_double_range(&f[17], 0, 100, &g->has_vdop, &g->vdop) < 0)
		return bad(why, "GSA vdop");
	g->system_id = -1;
	if (fs->n > 18 && f_uint(&f[18], 15, &g->system_id) < 0)
		return bad(why, "GSA system id");
	return NMEA_PARSE_OK;
}

static int
gsv_sat(const struct field *f, struct nmea_gsv_sat *s)
{
	if (f_uint(&f[0], 999, &s->prn) < 0 || s->prn == 0)
		return -1;
	if (f_uint(&f[1], 90, &s->elev_deg) < 0)
		return -1;
	if (f_uint(&f[2], 360, &s->azim_deg) < 0)
		return -1;
	if (f_uint(&f[3], 99, &s->snr_db) < 0)
		return -1;
	return 0;
}

static enum nmea_parse_status
parse_gsv(const struct fields *fs, struct nmea_gsv *g, const char **why)
{
	const struct field *f = fs->f;
	int blocks, extra;

	if (fs->n < 4)
		return too_few(why, "GSV");
	if (f_uint(&f[1], 99, &g->n_msgs) < 0 || g->n_msgs == 0)
		return bad(why, "GSV message count");
	if (f_uint(&f[2], 99, &g->msg_no) < 0 || g->msg_no == 0 ||
	    (g->n_msgs > 0 && g->msg_no > g->n_msgs))
		return bad(why, "GSV message number");
	if (f_uint(&f[3], 999, &g->sats_in_view) < 0)
		return bad(why, "GSV satellites in view");
	/* four fields per satellite; one more is the NMEA 4.10 signal id */
	blocks = (fs->n - 4) / 4;
	extra = (fs->n - 4) % 4;
	if (blocks > NMEA_GSV_MAX_SATS || extra > 1)
		return bad(why, "GSV satellites");
	g->signal_id = -1;
	if (extra == 1 && f_uint(&f[fs->n - 1], 15, &g->signal_id) < 0)
		return bad(why, "GSV signal id");
	for (int b = 0; b < blocks; b++) {
		const struct field *sf = &f[4 + 4 * b];

		if (sf[0].len + sf[1].len + sf[2].len + sf[3].len == 0)
			continue;
		if (gsv_sat(sf, &g->sat[g->n_sats]) < 0)
			return bad(why, "GSV satellites");
		g->n_sats++;
	}
	return NMEA_PARSE_OK;
}

static enum nmea_parse_status
parse_zda(const struct fields *fs, struct nmea_zda *z, const char **why)
{
	const struct field *f = fs->f;
	int n_absent;

	if (fs->n < 5)
		return too_few(why, "ZDA");
	if (f_time(&f[1], &z->time) < 0)
		return bad(why, "ZDA time");
	n_absent = (f[2].len == 0) + (f[3].len == 0) + (f[4].len == 0);
	if (n_absent != 3) {
		if (n_absent != 0 || f[4].len != 4 || f_uint(&f[2], 99, &z->date.day) < 0 ||
		    f_uint(&f[3], 99, &z->date.month) < 0 || f_uint(&f[4], 9999, &z->date.year) < 0 ||
		    check_date(&z->date) < 0)
			return bad(why, "ZDA date");
	}
	if (fs->n > 5 && f[5].len > 0) {
		const struct field *zh = &f[5];
		struct field mag = *zh;
		int h;

		if (zh->p[0] == '-' || zh->p[0] == '+') {
			mag.p++;
			mag.len--;
		}
		if (f_uint_req(&mag, 0, 13, &h) < 0)
			return bad(why, "ZDA zone");
		z->zone_hours = zh->p[0] == '-' ? -h : h;
		z->has_zone = true;
	}
	if (fs->n > 6 && f_uint(&f[6], 59, &z->zone_minutes) < 0)
		return bad(why, "ZDA zone");
	if (z->zone_minutes < 0)
		z->zone_minutes = 0;
	return NMEA_PARSE_OK;
}

/* The rest of the body from field i on, commas included. */
static void
copy_rest(const struct fields *fs, int i, const char *body_end, char *dst, size_t dstlen)
{
	size_t n = 0;

	if (i < fs->n) {
		n = (size_t)(body_end - fs->f[i].p);
		if (n >= dstlen)
			n = dstlen - 1;
		memcpy(dst, fs->f[i].p, n);
	}
	dst[n] = '\0';
}

static enum nmea_parse_status
parse_txt(const struct fields *fs, const char *body_end, struct nmea_txt *t, const char **why)
{
	const struct field *f = fs->f;

	if (fs->n < 5)
		return too_few(why, "TXT");
	if (f_uint(&f[1], 99, &t->n_msgs) < 0)
		return bad(why, "TXT message count");
	if (f_uint(&f[2], 99, &t->msg_no) < 0)
		return bad(why, "TXT message number");
	if (f_uint(&f[3], 99, &t->kind) < 0)
		return bad(why, "TXT type");
	copy_rest(fs, 4, body_end, t->text, sizeof(t->text));
	return NMEA_PARSE_OK;
}

static enum nmea_parse_status
parse_pmtk(const struct fields *fs, const char *body_end, int number, struct nmea_msg *m,
    const char **why)
{
	const struct field *f = fs->f;

	if (number == 1) {
		m->type = NMEA_PMTK_ACK;
		if (fs->n < 3)
			return too_few(why, "PMTK001");
		if (f_uint_req(&f[1], 0, 999, &m->u.ack.cmd) < 0)
			return bad(why, "PMTK001 command");
		if (f_uint_req(&f[2], 0, 3, &m->u.ack.flag) < 0)
			return bad(why, "PMTK001 flag");
		return NMEA_PARSE_OK;
	}
	m->u.pmtk.number = number;
	m->u.pmtk.sys_msg = -1;
	copy_rest(fs, 1, body_end, m->u.pmtk.text, sizeof(m->u.pmtk.text));
	if (number == 11) {
		m->type = NMEA_PMTK_SYS;
	} else if (number == 10) {
		m->type = NMEA_PMTK_SYS;
		if (fs->n < 2)
			return too_few(why, "PMTK010");
		if (f_uint_req(&f[1], 0, 999, &m->u.pmtk.sys_msg) < 0)
			return bad(why, "PMTK010 message");
	} else {
		m->type = NMEA_PMTK_OTHER;
	}
	return NMEA_PARSE_OK;
}

/* Address: standard "TTFFF" (talker, formatter), or proprietary "P..." */
static enum nmea_parse_status
parse_address(const struct field *a, struct nmea_msg *m, const char **why)
{
	*why = "address";
	if (a->len < 2 || a->len > NMEA_NAME_MAX)
		return NMEA_PARSE_BAD_ADDRESS;
	for (size_t i = 0; i < a->len; i++)
		if (!is_upper(a->p[i]) && !is_digit(a->p[i]))
			return NMEA_PARSE_BAD_ADDRESS;
	if (a->p[0] == 'P') {
		snprintf(m->talker, sizeof(m->talker), "P");
		memcpy(m->name, a->p, a->len);
		m->name[a->len] = '\0';
		return NMEA_PARSE_OK;
	}
	if (a->len != 5 || !is_upper(a->p[1]) || !is_upper(a->p[2]) || !is_upper(a->p[3]) ||
	    !is_upper(a->p[4]))
		return NMEA_PARSE_BAD_ADDRESS;
	memcpy(m->talker, a->p, 2);
	m->talker[2] = '\0';
	memcpy(m->name, a->p + 2, 3);
	m->name[3] = '\0';
	return NMEA_PARSE_OK;
}

static int
pmtk_number(const char *name)
{
	if (strncmp(name, "PMTK", 4) != 0 || strlen(name) != 7 || !is_digit(name[4]) ||
	    !is_digit(name[5]) || !is_digit(name[6]))
		return -1;
	return (name[4] - '0') * 100 + (name[5] - '0') * 10 + (name[6] - '0');
}

static enum nmea_parse_status
parse_sentence(const struct fields *fs, const char *body_end, struct nmea_msg *m,
    const char **why)
{
	int number;

	if (m->talker[0] == 'P' && m->talker[1] == '\0') {
		number = pmtk_number(m->name);
		if (number >= 0)
			return parse_pmtk(fs, body_end, number, m, why);
		return NMEA_PARSE_OK;
	}
	if (strcmp(m->name, "RMC") == 0) {
		m->type = NMEA_RMC;
		return parse_rmc(fs, &m->u.rmc, why);
	}
	if (strcmp(m->name, "GGA") == 0) {
		m->type = NMEA_GGA;
		return parse_gga(fs, &m->u.gga, why);
	}
	if (strcmp(m->name, "GLL") == 0) {
		m->type = NMEA_GLL;
		return parse_gll(fs, &m->u.gll, why);
	}
	if (strcmp(m->name, "GSA") == 0) {
		m->type = NMEA_GSA;
		return parse_gsa(fs, &m->u.gsa, why);
	}
	if (strcmp(m->name, "GSV") == 0) {
		m->type = NMEA_GSV;
		return parse_gsv(fs, &m->u.gsv, why);
	}
	if (strcmp(m->name, "ZDA") == 0) {
		m->type = NMEA_ZDA;
		return parse_zda(fs, &m->u.zda, why);
	}
	if (strcmp(m->name, "TXT") == 0) {
		m->type = NMEA_TXT;
		return parse_txt(fs, body_end, &m->u.txt, why);
	}
	return NMEA_PARSE_OK;
}

enum nmea_parse_status
nmea_parse(const char *line, size_t len, struct nmea_msg *out, const char **why)
{
	struct fields fs;
	const char *star, *body;
	const char *dummy;
	size_t body_len;
	enum nmea_parse_status st;

	if (why == NULL)
		why = &dummy;
	*why = "";
	memset(out, 0, sizeof(*out));
	if (len < 2 || len > NMEA_MAX_LINE || (line[0] != '$' && line[0] != '!')) {
		*why = "address";
		return NMEA_PARSE_BAD_ADDRESS;
	}
	body = line + 1;
	star = memchr(body, '*', len - 1);
	body_len = star != NULL ? (size_t)(star - body) : len - 1;
	split_fields(body, body_len, &fs);
	st = parse_address(&fs.f[0], out, why);
	if (st != NMEA_PARSE_OK)
		return st;
	st = parse_sentence(&fs, body + body_len, out, why);
	if (st != NMEA_PARSE_OK)
		out->type = NMEA_UNKNOWN;
	else
		*why = "";
	return st;
}

const char *
nmea_parse_status_str(enum nmea_parse_status st)
{
	switch (st) {
	case NMEA_PARSE_OK: return "ok";
	case NMEA_PARSE_BAD_FIELD: return "bad field";
	case NMEA_PARSE_TOO_FEW_FIELDS: return "too few fields";
	case NMEA_PARSE_BAD_ADDRESS: return "bad address";
	}
	return "?";
}

const char *
nmea_pmtk_flag_str(int flag)
{
	static const char *const words[] = { "invalid", "unsupported", "failed", "succeeded" };

	if (flag < 0 || flag > 3)
		return "?";
	return words[flag];
}

int
nmea_frame(char *out, size_t outlen, const char *body, bool crlf)
{
	size_t len = strlen(body);
	int n;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)body[i];

		if (c < 0x20 || c > 0x7e || c == '$' || c == '*')
			return -1;
	}
	n = snprintf(out, outlen, "$%s*%02X%s", body, nmea_checksum(body, len), crlf ? "\r\n" : "");
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	return n;
}
