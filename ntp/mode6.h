/*
 * mode6: NTP control messages (mode 6; RFC 1305 appendix B, RFC 9327) the
 * way ntpq speaks them: the 12-byte header, a request parsed, an answer's
 * text written as `name=value` pairs, and the answer cut into fragments.
 *
 * Header: LI|VN|mode 6, R|E|M|opcode, sequence, status, association id,
 * offset, count (all big-endian), then count bytes of data padded to a
 * multiple of 4.  A request has R = 0 and comes in one datagram (M = 0,
 * offset 0): ntpq never fragments one.  An answer copies the opcode,
 * sequence, association id and version, sets R, carries LI = our leap
 * indicator, and is cut into fragments of at most MODE6_FRAG_DATA data
 * bytes, all but the last with M set, offset = bytes before it.  An error
 * answer sets E, status = code << 8, and has no data.
 *
 * Text: `name=value` items separated by ", "; an item that would take the
 * line past MODE6_LINE characters starts a new line (",\r\n" instead), so
 * no line is longer than MODE6_LINE before its ",\r\n" unless one item
 * alone is; the text ends with "\r\n".  Strings are quoted; a quote,
 * backslash or non-printing byte in one becomes '.'.  So that nothing can
 * break the text apart as ntpq reads it, a quote, comma or non-printing
 * byte in an unquoted value, and any of those or a space or '=' in a name,
 * becomes '.' too.  Timestamps are 0x%08x.%08x.
 *
 * Pure: no sockets.  Everything is bounded: the text of an answer is at
 * most MODE6_TEXT_MAX bytes (ntpq takes at most MODE6_MAX_FRAGS fragments);
 * a put that does not fit sets `full` and writes nothing more.
 */
#ifndef OUTPOST_MODE6_H
#define OUTPOST_MODE6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODE6_HEADER_LEN 12
#define MODE6_FRAG_DATA 468
#define MODE6_MAX_FRAGS 32
#define MODE6_TEXT_MAX (MODE6_FRAG_DATA * MODE6_MAX_FRAGS)
#define MODE6_LINE 72
#define MODE6_NAME_MAX 64     /* longest variable name we look at */

enum mode6_op {
	MODE6_OP_READSTAT = 1, MODE6_OP_READVAR = 2, MODE6_OP_WRITEVAR = 3,
	MODE6_OP_READCLOCK = 4, MODE6_OP_WRITECLOCK = 5, MODE6_OP_SETTRAP = 6,
	MODE6_OP_ASYNCMSG = 7, MODE6_OP_CONFIGURE = 8, MODE6_OP_SAVECONFIG = 9,
	MODE6_OP_READ_MRU = 10, MODE6_OP_READ_ORDLIST = 11, MODE6_OP_REQ_NONCE = 12,
	MODE6_OP_UNSETTRAP = 31,
};

enum mode6_error {
	MODE6_ERR_UNSPEC = 0, MODE6_ERR_PERMISSION = 1, MODE6_ERR_BADFMT = 2,
	MODE6_ERR_BADOP = 3, MODE6_ERR_BADASSOC = 4, MODE6_ERR_UNKNOWNVAR = 5,
	MODE6_ERR_BADVALUE = 6,
};

enum mode6_parse_status {
	MODE6_OK = 0,
	MODE6_SHORT,          /* fewer than 12 bytes */
	MODE6_NOT_CONTROL,    /* mode is not 6 */
	MODE6_VERSION,        /* version 0 or above 4 */
	MODE6_RESPONSE,       /* R or E bit set: an answer, not a request */
	MODE6_FRAGMENTED,     /* M bit or an offset: we take requests whole */
	MODE6_COUNT,          /* count runs past the datagram */
};

struct mode6_request {
	uint8_t leap, version, opcode;
	uint16_t sequence, status, associd, offset, count;
	const uint8_t *data;  /* count bytes, inside the parsed buffer */
};

/* System status word (READSTAT and READVAR of association 0). */
#define MODE6_SRC_UNSPEC 0
#define MODE6_SRC_PPS 1
#define MODE6_SRC_UHF 4       /* a radio or satellite receiver: NMEA */
#define MODE6_SRC_NTP 6
/* Events in a status word's low nibble. */
#define MODE6_EVT_UNSPEC 0
#define MODE6_EVT_MOBILIZE 1
#define MODE6_EVT_UNREACH 3
#define MODE6_EVT_REACH 4
#define MODE6_EVT_RATE 7
#define MODE6_EVT_DENY 8
#define MODE6_EVT_SYSPEER 10

/* On any status but MODE6_OK data is NULL and count 0; from MODE6_NOT_CONTROL
 * on the other header fields are filled, so an error answer can be sent (ntpd
 * answers MODE6_COUNT with BADFMT).  Padding after count is not checked. */
enum mode6_parse_status mode6_parse(const uint8_t *buf, size_t len, struct mode6_request *rq);
const char *mode6_parse_status_str(enum mode6_parse_status st);

/* nevents stops at 15, as ntpd's counter does; event is the low 4 bits. */
uint16_t mode6_sys_status(int leap, int source, int nevents, int event);
/* sel: enum sel_tally's value, 0..7. */
uint16_t mode6_peer_status(bool configured, bool reachable, int sel, int nevents, int event);

/* The variable names a READVAR or READCLOCK request asks for:
 * "name1, name2=value,name3".  Each call puts the next name in name (NUL
 * ended, at most len - 1 bytes; a value after '=' is stepped over) and
 * returns true; false at the end.  Spaces around a name are dropped, items
 * with no name are skipped, and a NUL ends the list.  A name too long for
 * name is returned cut to len - 1 bytes (with a MODE6_NAME_MAX buffer it
 * then matches nothing: no variable name is that long). */
struct mode6_names {
	const char *p, *end;
};
void mode6_names_init(struct mode6_names *it, const struct mode6_request *rq);
bool mode6_names_next(struct mode6_names *it, char *name, size_t len);

struct mode6_text {
	char buf[MODE6_TEXT_MAX];
	size_t len;
	size_t line;          /* characters on the current line */
	bool full;
};
void mode6_text_init(struct mode6_text *t);
/* name=value with value as printf formats it (unquoted). */
void mode6_put(struct mode6_text *t, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* name="value" */
void mode6_put_str(struct mode6_text *t, const char *name, const char *value);
/* name=0x%08x.%08x */
void mode6_put_ts(struct mode6_text *t, const char *name, uint64_t ts);
/* The final "\r\n" (none for an empty text). */
void mode6_text_finish(struct mode6_text *t);

/* Fragment k (0, 1, ...) of the answer to rq whose data is data[0..len):
 * written to out, its length returned; 0 when there is no fragment k or
 * out is too small (MODE6_HEADER_LEN + MODE6_FRAG_DATA is always enough).
 * An empty answer is one fragment with no data; one longer than
 * MODE6_TEXT_MAX has none.  Fragments are padded with zeros to 4 bytes. */
size_t mode6_fragment(const struct mode6_request *rq, uint16_t status, uint8_t leap,
    const void *data, size_t len, int k, uint8_t *out, size_t outlen);
/* An error answer (12 bytes), or 0 if outlen < 12. */
size_t mode6_error(const struct mode6_request *rq, enum mode6_error e, uint8_t leap,
    uint8_t *out, size_t outlen);

/*
 * The client's side, as ntpq speaks it: a request built, each datagram of
 * the answer checked as a fragment, the fragments put together by offset
 * (in any order), and the text read back as (name, value) pairs.
 */

/* A request: LI 0, VN 2, mode 6, R = E = M = 0, offset 0, count len, the
 * data padded with zeros to 4 bytes.  Its length, or 0 when len is more
 * than MODE6_FRAG_DATA (ntpq never fragments a request) or out too small
 * (MODE6_HEADER_LEN + MODE6_FRAG_DATA is always enough). */
size_t mode6_request_encode(uint8_t opcode, uint16_t sequence, uint16_t associd,
    const void *data, size_t len, uint8_t *out, size_t outlen);

enum mode6_resp_status {
	MODE6_RESP_OK = 0,
	MODE6_RESP_SHORT,       /* fewer than 12 bytes */
	MODE6_RESP_NOT_CONTROL, /* mode is not 6 */
	MODE6_RESP_VERSION,     /* version 0 or above 4 */
	MODE6_RESP_REQUEST,     /* R clear: a request, not an answer */
	MODE6_RESP_SEQUENCE,    /* not our sequence: a late answer to another request */
	MODE6_RESP_OPCODE,      /* not the opcode we sent */
	MODE6_RESP_ASSOCID,     /* not the association we asked about */
	MODE6_RESP_COUNT,       /* count runs past the datagram */
	MODE6_RESP_RANGE,       /* offset + count past MODE6_TEXT_MAX */
};

struct mode6_response {
	uint8_t leap, version, opcode;
	bool more;            /* M: more fragments follow this one's bytes */
	bool error;           /* E: the answer is an error, code in errcode */
	uint8_t errcode;      /* status >> 8 when error (enum mode6_error) */
	uint16_t sequence, status, associd, offset, count;
	const uint8_t *data;  /* count bytes, inside the parsed buffer */
};

/* One datagram of the answer to the request (opcode, sequence, associd),
 * checked field by field as ntpq checks it; any version 1 to 4 is taken, as
 * ntpq takes it.  Padding after count is not checked.  On any status but
 * MODE6_RESP_OK, r->data is NULL and r->count 0. */
enum mode6_resp_status mode6_response_parse(const uint8_t *buf, size_t len, uint8_t opcode,
    uint16_t sequence, uint16_t associd, struct mode6_response *r);
const char *mode6_resp_status_str(enum mode6_resp_status st);
/* An error answer's code in words: "permission denied", "bad association"... */
const char *mode6_error_str(int code);

enum mode6_asm_status {
	MODE6_ASM_OK = 0,       /* taken */
	MODE6_ASM_ERROR,        /* an error answer (E) carries no text */
	MODE6_ASM_RANGE,        /* offset + count past MODE6_TEXT_MAX */
	MODE6_ASM_EMPTY,        /* M set with no data: it cannot move the answer on */
	MODE6_ASM_DUPLICATE,    /* the same bytes again */
	MODE6_ASM_OVERLAP,      /* part of bytes already in */
	MODE6_ASM_PAST_END,     /* after the last fragment's end, or a last before bytes in */
	MODE6_ASM_LAST,         /* a second last fragment (M clear) */
	MODE6_ASM_STATUS,       /* a status word unlike the first fragment's */
	MODE6_ASM_TOO_MANY,     /* MODE6_MAX_FRAGS fragments are in already */
};

/* An answer being put together.  Fragments come by offset, in any order;
 * one that is refused leaves the state as it was, so the caller can go on
 * reading.  The answer is done when the fragment without M and every byte
 * before its end are in: then buf[0..len) is the text, status the status
 * word every fragment carried. */
struct mode6_reasm {
	uint8_t buf[MODE6_TEXT_MAX];
	uint16_t off[MODE6_MAX_FRAGS], cnt[MODE6_MAX_FRAGS];
	int nfrags;
	size_t have;          /* bytes in */
	size_t end;           /* the last fragment's end, once it came */
	bool last;            /* the fragment without M came */
	uint16_t status;
	size_t len;           /* the text's length, once done */
};
void mode6_reasm_init(struct mode6_reasm *a);
enum mode6_asm_status mode6_reasm_add(struct mode6_reasm *a, const struct mode6_response *r);
bool mode6_reasm_done(const struct mode6_reasm *a);
const char *mode6_asm_status_str(enum mode6_asm_status st);

/* The variables of an answer's text, "a=1, b=\"x, y\",\r\nc=3": each call
 * puts the next name and value in name and value (NUL ended, cut to len - 1
 * bytes) and returns true; false at the end.  A quoted value loses its
 * quotes and keeps its commas; an unquoted one runs to ',' or CR, with the
 * spaces around it dropped; an item with no '=' has an empty value.  Items
 * with no name are skipped; a NUL ends the text (padding).  A byte that is
 * not printing ASCII comes out as '.', so that what the server sent can be
 * shown on a terminal as it is. */
struct mode6_vars {
	const char *p, *end;
};
void mode6_vars_init(struct mode6_vars *it, const void *text, size_t len);
bool mode6_vars_next(struct mode6_vars *it, char *name, size_t namelen, char *value,
    size_t valuelen);

/* A timestamp as mode6_put_ts writes it, 0xHHHHHHHH.HHHHHHHH (one to eight
 * digits each side): true and *ts, or false. */
bool mode6_ts_parse(const char *s, uint64_t *ts);

#endif
