/*
 * nmea: NMEA 0183 from a GNSS receiver, bytes in, typed sentences out.
 *
 * Two stages, both pure (no I/O, no clock reads):
 *
 * 1. The lexer takes bytes as they arrive from a serial port, each chunk with
 *    the time it was read, and yields lines.  A line starts at '$' (or '!')
 *    and ends at CR or LF.  Its checksum (two hex digits after '*', either
 *    case) must match the XOR of the bytes between '$' and '*'.  A '$' in the
 *    middle of a line starts a new line: the unfinished one is reported as
 *    spliced and dropped (`$GPGGA,0301$GPGLL,...*41` yields only the GLL).
 *    NULs, non-printable bytes and lines longer than NMEA_MAX_LINE are
 *    rejected; bytes outside a line are counted and skipped.  Nothing the
 *    lexer is fed can make it read or write outside its buffer.
 *
 * 2. The parser turns one checked line into a struct nmea_msg: RMC, GGA, GLL,
 *    GSA, GSV, ZDA, TXT from any talker (GP GN GL GA GB BD QZ ...), and the
 *    MTK proprietary $PMTK001 acknowledgement and $PMTK010/011 system
 *    messages.  Every field is range checked; absent fields are marked
 *    absent, never zero.  Two-digit years are 20yy.
 */
#ifndef OUTPOST_NMEA_H
#define OUTPOST_NMEA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* NMEA says 82 bytes with CR LF; real receivers (PMTK replies, u-blox 4.11,
 * Trimble) go beyond.  Longer than this is certainly not a sentence. */
#define NMEA_MAX_LINE 200

enum nmea_lex_status {
	NMEA_LEX_OK = 0,            /* checksum present and correct */
	NMEA_LEX_BAD_CHECKSUM,      /* checksum present and wrong */
	NMEA_LEX_NO_CHECKSUM,       /* no '*hh' at the end */
	NMEA_LEX_SPLICED,           /* cut short by a new '$' */
	NMEA_LEX_TOO_LONG,          /* more than NMEA_MAX_LINE bytes */
	NMEA_LEX_BAD_BYTE,          /* NUL or other non-printable byte inside */
	NMEA_LEX_NOT_SENTENCE,      /* a non-empty line not starting with '$'/'!' */
};

struct nmea_line {
	enum nmea_lex_status status;
	char text[NMEA_MAX_LINE + 1]; /* '$' .. last byte before CR/LF, NUL-terminated;
	                                 for rejected lines, what was kept of it */
	size_t len;
	size_t body_len;            /* bytes between '$' and '*' (0 if no '*') */
	unsigned long lineno;       /* 1-based input line number of its first byte */
	struct timespec rx_time;    /* receive time of the chunk holding its first byte */
	size_t rx_tail;             /* bytes from its first byte to that chunk's end */
};

struct nmea_lexer {
	char buf[NMEA_MAX_LINE + 1];
	size_t len;
	int state;
	bool in_line;
	bool overlong;
	bool bad_byte;
	unsigned long lineno;       /* current input line (counts LF, lone CR) */
	unsigned long line_start;
	struct timespec start_time;
	size_t start_tail;
	bool prev_cr;
	/* counters */
	unsigned long n_ok, n_bad_checksum, n_no_checksum, n_spliced, n_too_long,
	    n_bad_byte, n_not_sentence;
	unsigned long n_skipped_bytes;
};

void nmea_lexer_init(struct nmea_lexer *lx);

/*
 * Feed bytes [*pos, len) of data received at rx_time.  Returns 1 when a line
 * (good or rejected) was completed into *out, with *pos advanced past what was
 * consumed; call again with the same data until it returns 0 (all consumed).
 * Rejected lines are returned too, so tools can report them; only lines with
 * status NMEA_LEX_OK should go to nmea_parse().
 */
int nmea_lexer_feed(struct nmea_lexer *lx, const uint8_t *data, size_t len,
    size_t *pos, struct timespec rx_time, struct nmea_line *out);
/* At end of input: a pending unterminated line is returned (as
 * NMEA_LEX_NO_CHECKSUM/BAD_CHECKSUM/OK by its content; a truncated sentence at
 * EOF usually fails its checksum). Returns 1 if *out was filled. */
int nmea_lexer_flush(struct nmea_lexer *lx, struct nmea_line *out);

const char *nmea_lex_status_str(enum nmea_lex_status st);

/* XOR of bytes; nmea_checksum("GPGGA,...") over the body between $ and *. */
uint8_t nmea_checksum(const char *body, size_t len);

/* ---- parser ---- */

enum nmea_type {
	NMEA_UNKNOWN = 0,           /* well-formed but a type we do not decode */
	NMEA_RMC, NMEA_GGA, NMEA_GLL, NMEA_GSA, NMEA_GSV, NMEA_ZDA, NMEA_TXT,
	NMEA_PMTK_ACK,              /* $PMTK001,cmd,flag */
	NMEA_PMTK_SYS,              /* $PMTK010,msg  and $PMTK011,MTKGPS */
	NMEA_PMTK_OTHER,            /* any other $PMTKnnn (e.g. 705 version) */
};

struct nmea_time {
	bool valid;
	int hour, min, sec;         /* sec may be 60 (leap second) */
	int32_t nsec;               /* fraction from the field, e.g. .000 or .00 */
};

struct nmea_date {
	bool valid;
	int year, month, day;       /* full year */
};

struct nmea_pos {
	bool valid;                 /* both lat and lon present and in range */
	double lat, lon;            /* signed decimal degrees, N and E positive */
};

struct nmea_rmc {
	struct nmea_time time;
	char status;                /* 'A' valid, 'V' warning; 0 if absent */
	struct nmea_pos pos;
	bool has_speed, has_course, has_magvar;
	double speed_kn, course_deg, magvar_deg; /* magvar signed, E positive */
	struct nmea_date date;
	char mode;                  /* FAA mode A D E F M N P R S; 0 if absent */
	char nav_status;            /* NMEA 4.1 (S C U V); 0 if absent */
};

struct nmea_gga {
	struct nmea_time time;
	struct nmea_pos pos;
	int quality;                /* 0 invalid, 1 GPS, 2 DGPS, 4 RTK, 6 est...; -1 absent */
	int sats;                   /* -1 absent */
	bool has_hdop, has_alt, has_geoid_sep;
	double hdop, alt_m, geoid_sep_m;
};

struct nmea_gll {
	struct nmea_pos pos;
	struct nmea_time time;
	char status;
	char mode;
};

#define NMEA_GSA_MAX_PRN 12
struct nmea_gsa {
	char sel_mode;              /* 'M' or 'A'; 0 absent */
	int fix_mode;               /* 1 none, 2 2D, 3 3D; 0 absent */
	int n_prn;
	int prn[NMEA_GSA_MAX_PRN];
	bool has_pdop, has_hdop, has_vdop;
	double pdop, hdop, vdop;
	int system_id;              /* NMEA 4.1; -1 absent */
};

struct nmea_gsv_sat {
	int prn;                    /* -1 absent */
	int elev_deg, azim_deg, snr_db; /* -1 absent */
};
#define NMEA_GSV_MAX_SATS 4
struct nmea_gsv {
	int n_msgs, msg_no, sats_in_view;
	int n_sats;
	struct nmea_gsv_sat sat[NMEA_GSV_MAX_SATS];
	int signal_id;              /* NMEA 4.1; -1 absent */
};

struct nmea_zda {
	struct nmea_time time;
	struct nmea_date date;
	bool has_zone;
	int zone_hours, zone_minutes;
};

struct nmea_txt {
	int n_msgs, msg_no, kind;
	char text[NMEA_MAX_LINE + 1];
};

struct nmea_pmtk_ack {
	int cmd;                    /* the acknowledged command number */
	int flag;                   /* 0 invalid, 1 unsupported, 2 valid but failed, 3 succeeded */
};

struct nmea_pmtk {
	int number;                 /* 10, 11, 705, ... */
	int sys_msg;                /* PMTK010 value; -1 otherwise */
	char text[NMEA_MAX_LINE + 1]; /* everything after "PMTKnnn," */
};

struct nmea_msg {
	enum nmea_type type;
	char talker[3];             /* "GP", "GN", ...; "P" for proprietary */
	char name[8];               /* sentence formatter: "RMC", "PMTK001" ... */
	union {
		struct nmea_rmc rmc;
		struct nmea_gga gga;
		struct nmea_gll gll;
		struct nmea_gsa gsa;
		struct nmea_gsv gsv;
		struct nmea_zda zda;
		struct nmea_txt txt;
		struct nmea_pmtk_ack ack;
		struct nmea_pmtk pmtk;
	} u;
};

enum nmea_parse_status {
	NMEA_PARSE_OK = 0,
	NMEA_PARSE_BAD_FIELD,       /* a field out of range or malformed */
	NMEA_PARSE_TOO_FEW_FIELDS,
	NMEA_PARSE_BAD_ADDRESS,     /* talker/formatter not letters/digits */
};

/* Parse a line the lexer accepted (the '$...*hh' text, len bytes).  On
 * failure *why names the offending field ("RMC date", ...). */
enum nmea_parse_status nmea_parse(const char *line, size_t len, struct nmea_msg *out,
    const char **why);

const char *nmea_parse_status_str(enum nmea_parse_status st);
const char *nmea_pmtk_flag_str(int flag); /* "invalid", "unsupported", "failed", "succeeded" */

/* Build "$body*HH" (+ "\r\n" when crlf) into out; returns its length, or -1
 * if it does not fit or the body holds '$', '*', CR or LF. */
int nmea_frame(char *out, size_t outlen, const char *body, bool crlf);

#endif
