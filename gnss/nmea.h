/*
 * nmea: NMEA 0183 from a GNSS receiver, bytes in, typed sentences out.
 *
 * Two stages, both pure (no I/O, no clock reads):
 *
 * 1. The lexer takes bytes as they arrive from a serial port, each chunk with
 *    the time it was read, and yields lines.  A sentence starts at '$' (or at
 *    '!' first on a line) and ends at CR, LF or CR LF (one line, not two).
 *    Its checksum is the first '*' followed by exactly two hex digits (either
 *    case) and the end of the line; it must equal the XOR of the bytes
 *    between '$' and '*'.
 *
 *    A '$' always starts a new sentence, so the lexer resynchronises after
 *    garbage.  What came before it on the line is reported, not lost:
 *      - a sentence whose '*hh' was already complete just lacked its CR LF;
 *        it is judged by its checksum like any other;
 *      - an unfinished sentence (`$GPGGA,0301$GPGLL,...*41`) is reported as
 *        NMEA_LEX_SPLICED; the GLL after it is checked on its own;
 *      - bytes that were not a sentence at all are NMEA_LEX_NOT_SENTENCE.
 *    A sentence holding a NUL or other non-printable byte is NMEA_LEX_BAD_BYTE;
 *    one longer than NMEA_MAX_LINE is NMEA_LEX_TOO_LONG (the first
 *    NMEA_MAX_LINE bytes are kept for the report, the rest are counted).
 *    When several apply the first of TOO_LONG, BAD_BYTE, SPLICED wins.
 *    Nothing the lexer is fed can make it read or write outside its buffers.
 *
 * 2. The parser turns one checked line into a struct nmea_msg: RMC, GGA, GLL,
 *    GSA, GSV, ZDA, TXT from any talker (GP GN GL GA GB BD QZ ...), with the
 *    NMEA 4.10/4.11 extra fields, and the MTK proprietary $PMTK001
 *    acknowledgement, $PMTK010/011 system messages and other $PMTKnnn.  Any
 *    other well-formed sentence (VTG, GST, $PUBX, $PGRME...) is NMEA_UNKNOWN:
 *    accepted, not decoded.  Every field is range checked; empty fields are
 *    marked absent, never zero, and are not errors.  Two-digit years are 20yy
 *    (no GPS week rollover correction: that is the caller's business).
 */
#ifndef OUTPOST_NMEA_H
#define OUTPOST_NMEA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* NMEA says 82 bytes with CR LF; real receivers go beyond (MTK-3301
 * $PMTKCHN is 203 bytes, u-blox 4.11 and Trimble lines run long).  Longer
 * than this is certainly not a sentence we want. */
#define NMEA_MAX_LINE 255

enum nmea_lex_status {
	NMEA_LEX_OK = 0,        /* checksum present and correct */
	NMEA_LEX_BAD_CHECKSUM,  /* checksum present and wrong */
	NMEA_LEX_NO_CHECKSUM,   /* no '*hh' at the end */
	NMEA_LEX_SPLICED,       /* cut short by a new '$' */
	NMEA_LEX_TOO_LONG,      /* more than NMEA_MAX_LINE bytes */
	NMEA_LEX_BAD_BYTE,      /* NUL or other non-printable byte inside */
	NMEA_LEX_NOT_SENTENCE,  /* non-empty bytes not starting with '$'/'!' */
};

struct nmea_line {
	enum nmea_lex_status status;
	/* '$' .. last byte before CR/LF/next '$', NUL-terminated; for rejected
	 * lines, what was kept of it (may hold NULs and raw bytes: use len) */
	char text[NMEA_MAX_LINE + 1];
	size_t len;
	size_t body_len;        /* bytes between '$' and '*' (0 if no '*') */
	uint8_t cs_got;         /* NMEA_LEX_OK/BAD_CHECKSUM: the '*hh' value */
	uint8_t cs_want;        /*   and the XOR of the body */
	unsigned long lineno;   /* 1-based input line number of its first byte */
	/*
	 * rx_time is the receive time of the chunk holding the line's first byte
	 * ('$'), and rx_tail the number of bytes from that first byte (included)
	 * to the end of that chunk.  A reader that timestamps each read() can
	 * then place the '$' at rx_time - rx_tail * byte_time.
	 */
	struct timespec rx_time;
	size_t rx_tail;
};

enum nmea_lex_state { NMEA_LX_IDLE = 0, NMEA_LX_SENTENCE, NMEA_LX_JUNK, NMEA_LX_COMMENT };

struct nmea_lexer {
	/* option, set after nmea_lexer_init(): a line starting with '#' is a
	 * comment to its end, '$' included (gpsd log files); still reported,
	 * as NMEA_LEX_NOT_SENTENCE.  Off for serial lines. */
	bool hash_comments;

	/* private */
	char buf[NMEA_MAX_LINE + 1];
	size_t len;             /* bytes kept in buf */
	enum nmea_lex_state state;
	bool overlong;
	bool bad_byte;
	bool prev_cr;
	unsigned long lineno;   /* current input line (counts LF, CR, CR LF once) */
	unsigned long line_start;
	struct timespec start_time;
	size_t start_tail;
	size_t line_bytes;      /* all bytes of the line so far, kept or not */

	/* counters, for statistics */
	unsigned long n_ok, n_bad_checksum, n_no_checksum, n_spliced, n_too_long,
	    n_bad_byte, n_not_sentence;
	unsigned long n_skipped_bytes; /* bytes in NOT_SENTENCE lines */
};

void nmea_lexer_init(struct nmea_lexer *lx);

/*
 * Feed bytes [*pos, len) of data received at rx_time.  Returns 1 when a line
 * (good or rejected) was completed into *out, with *pos advanced past what was
 * consumed; call again with the same data until it returns 0 (all consumed).
 * Rejected lines are returned too, so tools can report them; only lines with
 * status NMEA_LEX_OK should go to nmea_parse().
 */
int nmea_lexer_feed(struct nmea_lexer *lx, const uint8_t *data, size_t len, size_t *pos,
    struct timespec rx_time, struct nmea_line *out);
/* At end of input: a pending unterminated line is returned (judged by its
 * content; a sentence truncated at EOF usually has no checksum). Returns 1
 * if *out was filled. */
int nmea_lexer_flush(struct nmea_lexer *lx, struct nmea_line *out);

/* "ok", "bad checksum", "no checksum", "spliced", "too long", "bad byte",
 * "not a sentence" */
const char *nmea_lex_status_str(enum nmea_lex_status st);

/* XOR of bytes; nmea_checksum("GPGGA,...") over the body between $ and *. */
uint8_t nmea_checksum(const char *body, size_t len);

/* ---- parser ---- */

enum nmea_type {
	NMEA_UNKNOWN = 0,       /* well-formed but a type we do not decode */
	NMEA_RMC,
	NMEA_GGA,
	NMEA_GLL,
	NMEA_GSA,
	NMEA_GSV,
	NMEA_ZDA,
	NMEA_TXT,
	NMEA_PMTK_ACK,          /* $PMTK001,cmd,flag */
	NMEA_PMTK_SYS,          /* $PMTK010,msg  and $PMTK011,MTKGPS */
	NMEA_PMTK_OTHER,        /* any other $PMTKnnn (e.g. 705 version) */
};

struct nmea_time {
	bool valid;
	int hour, min, sec;     /* sec may be 60 (leap second) */
	int32_t nsec;           /* fraction from the field, e.g. .000 or .00 */
};

struct nmea_date {
	bool valid;
	int year, month, day;   /* full year */
};

struct nmea_pos {
	bool valid;             /* both lat and lon present and in range */
	double lat, lon;        /* signed decimal degrees, N and E positive */
};

struct nmea_rmc {
	struct nmea_time time;
	char status;            /* 'A' valid, 'V' warning; 0 if absent */
	struct nmea_pos pos;
	bool has_speed, has_course, has_magvar;
	double speed_kn, course_deg, magvar_deg; /* magvar signed, E positive */
	struct nmea_date date;
	char mode;              /* FAA mode A D E F M N P R S; 0 if absent */
	char nav_status;        /* NMEA 4.1 (S C U V); 0 if absent */
};

struct nmea_gga {
	struct nmea_time time;
	struct nmea_pos pos;
	int quality;            /* 0 invalid, 1 GPS, 2 DGPS, 4 RTK, 6 est...; -1 absent */
	int sats;               /* -1 absent */
	bool has_hdop, has_alt, has_geoid_sep;
	double hdop, alt_m, geoid_sep_m;
};

struct nmea_gll {
	struct nmea_pos pos;
	struct nmea_time time;
	char status;            /* 'A'/'V'; 0 absent */
	char mode;              /* FAA mode; 0 absent */
};

#define NMEA_GSA_MAX_PRN 12
struct nmea_gsa {
	char sel_mode;          /* 'M' or 'A'; 0 absent */
	int fix_mode;           /* 1 none, 2 2D, 3 3D; 0 absent */
	int n_prn;              /* PRNs used, empty slots skipped */
	int prn[NMEA_GSA_MAX_PRN];
	bool has_pdop, has_hdop, has_vdop;
	double pdop, hdop, vdop;
	int system_id;          /* NMEA 4.1; -1 absent */
};

struct nmea_gsv_sat {
	int prn;                /* -1 absent */
	int elev_deg, azim_deg, snr_db; /* -1 absent */
};
#define NMEA_GSV_MAX_SATS 4
struct nmea_gsv {
	int n_msgs, msg_no, sats_in_view; /* -1 absent */
	int n_sats;             /* satellite blocks present (all-empty ones skipped) */
	struct nmea_gsv_sat sat[NMEA_GSV_MAX_SATS];
	int signal_id;          /* NMEA 4.1; -1 absent */
};

struct nmea_zda {
	struct nmea_time time;
	struct nmea_date date;
	bool has_zone;
	int zone_hours, zone_minutes;
};

struct nmea_txt {
	int n_msgs, msg_no, kind; /* -1 absent */
	char text[NMEA_MAX_LINE + 1];
};

struct nmea_pmtk_ack {
	int cmd;                /* the acknowledged command number */
	int flag;               /* 0 invalid, 1 unsupported, 2 valid but failed, 3 succeeded */
};

struct nmea_pmtk {
	int number;             /* 10, 11, 705, ... */
	int sys_msg;            /* PMTK010 value; -1 otherwise */
	char text[NMEA_MAX_LINE + 1]; /* everything after "PMTKnnn," */
};

#define NMEA_NAME_MAX 15
struct nmea_msg {
	enum nmea_type type;
	char talker[3];         /* "GP", "GN", ...; "P" for proprietary */
	char name[NMEA_NAME_MAX + 1]; /* "RMC", "VTG"; proprietary: whole address "PMTK001" */
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
	NMEA_PARSE_BAD_FIELD,   /* a field out of range or malformed */
	NMEA_PARSE_TOO_FEW_FIELDS,
	NMEA_PARSE_BAD_ADDRESS, /* talker/formatter not letters/digits */
};

/*
 * Parse a line the lexer accepted (the '$...*hh' text, len bytes; the
 * checksum is not verified again, and the '*hh' may be missing).  Any bytes
 * are safe.  On failure *why (if why is not NULL) names the offending field
 * ("RMC date", "GGA latitude", ...) or, for TOO_FEW_FIELDS, the sentence.
 */
enum nmea_parse_status nmea_parse(const char *line, size_t len, struct nmea_msg *out,
    const char **why);

const char *nmea_parse_status_str(enum nmea_parse_status st);
const char *nmea_pmtk_flag_str(int flag); /* "invalid", "unsupported", "failed", "succeeded" */

/* Build "$body*HH" (+ "\r\n" when crlf) into out; returns its length, or -1
 * if it does not fit or the body is empty or holds '$', '*', or a byte that
 * is not printable ASCII. */
int nmea_frame(char *out, size_t outlen, const char *body, bool crlf);

#endif
