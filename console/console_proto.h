/*
 * console_proto: what `outpost console` and oobd's console server say to
 * each other over the console's Unix stream socket.
 *
 * Every message is framed: a type byte, the payload length as two bytes
 * (big-endian, at most CONSOLE_MSG_MAX), then the payload.  Bytes of the
 * serial line travel in DATA messages, so nothing on the line can ever be
 * mistaken for a command, whatever the router sends.
 *
 *	client -> server
 *	  HELLO   first message, once: version, flags, replay lines, name
 *	  DATA    typed bytes for the line (ignored from read-only clients)
 *	  BREAK   send a BREAK on the line (empty payload)
 *	server -> client
 *	  DATA    bytes the router sent (the replay first, then live)
 *	  NOTICE  one line of text for the person (attached, line lost, ...)
 *
 * HELLO payload: version (1 byte, CONSOLE_PROTO_VERSION), flags (1 byte:
 * CONSOLE_HELLO_SPY, CONSOLE_HELLO_FORCE), replay (2 bytes, big-endian:
 * lines of history wanted; 0xFFFF asks for the server's default), then the
 * console's name (0 to CONSOLE_NAME_MAX - 1 bytes; empty means "whichever
 * console this socket serves").
 *
 * Decoding never reads past the given length and rejects unknown types,
 * oversized lengths and malformed HELLOs, so a stray program on the socket
 * costs the server one connection and nothing else.  Pure; used by both
 * sides, so it lives in lib/.
 */
#ifndef OUTPOST_CONSOLE_PROTO_H
#define OUTPOST_CONSOLE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_PROTO_VERSION 1
#define CONSOLE_MSG_HDR 3
#define CONSOLE_MSG_MAX 4096            /* payload bytes */
#define CONSOLE_NAME_MAX 32             /* with the NUL */
#define CONSOLE_REPLAY_DEFAULT 0xFFFF   /* in a HELLO: the server's default */
/* Where oobd puts the sockets, NAME.sock, unless console-dir says otherwise. */
#define CONSOLE_DIR_DEFAULT "/var/run/outpost/console"

enum console_msg_type {
	CONSOLE_MSG_HELLO = 'H',
	CONSOLE_MSG_DATA = 'D',
	CONSOLE_MSG_BREAK = 'B',
	CONSOLE_MSG_NOTICE = 'N'
};

#define CONSOLE_HELLO_SPY 0x01          /* read-only viewer */
#define CONSOLE_HELLO_FORCE 0x02        /* take the write role over */

struct console_msg {
	uint8_t type;
	const uint8_t *payload;         /* points into the decoded buffer */
	size_t len;
};

struct console_hello {
	int version;
	bool spy;
	bool force;
	unsigned replay;                /* CONSOLE_REPLAY_DEFAULT: server's choice */
	char name[CONSOLE_NAME_MAX];
};

/* A console name: 1 to CONSOLE_NAME_MAX - 1 of [A-Za-z0-9_.-], not
 * starting with '.', so that NAME.sock and NAME.log are plain file names. */
bool console_name_valid(const char *name);

/* Frame a message into out: its total size, or 0 when len is over
 * CONSOLE_MSG_MAX or the frame does not fit in cap. */
size_t console_msg_encode(uint8_t type, const void *payload, size_t len, uint8_t *out,
    size_t cap);

/* The message at the start of buf[0..len): its total size (> 0), 0 when it
 * is not complete yet, or -1 when the bytes cannot be a message (unknown
 * type or length over CONSOLE_MSG_MAX). */
long console_msg_decode(const uint8_t *buf, size_t len, struct console_msg *m);

/* HELLO payload to and from struct console_hello.  Encode returns the
 * payload size, or 0 when the name is invalid (an empty name is fine) or
 * out is too small.  Decode returns 0, or -1 with a message in err. */
size_t console_hello_encode(const struct console_hello *h, uint8_t *out, size_t cap);
int console_hello_decode(const uint8_t *payload, size_t len, struct console_hello *h, char *err,
    size_t errlen);

#endif
