/*
 * console_proto: framing and HELLO for the console socket (see console_proto.h).
 */
#include "console_proto.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

#define HELLO_FIXED 4   /* version, flags, replay */

bool
console_name_valid(const char *name)
{
	size_t i;

	if (name[0] == '\0' || name[0] == '.')
		return false;
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= CONSOLE_NAME_MAX - 1)
			return false;
		if (!text_isalnum(name[i]) && name[i] != '_' && name[i] != '.' && name[i] != '-')
			return false;
	}
	return true;
}

static bool
type_known(uint8_t t)
{
	return t == CONSOLE_MSG_HELLO || t == CONSOLE_MSG_DATA || t == CONSOLE_MSG_BREAK ||
	    t == CONSOLE_MSG_NOTICE;
}

size_t
console_msg_encode(uint8_t type, const void *payload, size_t len, uint8_t *out, size_t cap)
{
	if (len > CONSOLE_MSG_MAX || cap < CONSOLE_MSG_HDR || len > cap - CONSOLE_MSG_HDR)
		return 0;
	out[0] = type;
	out[1] = (uint8_t)(len >> 8);
	out[2] = (uint8_t)len;
	if (len > 0)
		memcpy(out + CONSOLE_MSG_HDR, payload, len);
	return CONSOLE_MSG_HDR + len;
}

long
console_msg_decode(const uint8_t *buf, size_t len, struct console_msg *m)
{
	size_t plen;

	if (len >= 1 && !type_known(buf[0]))
		return -1;
	if (len < CONSOLE_MSG_HDR)
		return 0;
	plen = (size_t)buf[1] << 8 | buf[2];
	if (plen > CONSOLE_MSG_MAX)
		return -1;
	if (len - CONSOLE_MSG_HDR < plen)
		return 0;
	m->type = buf[0];
	m->payload = buf + CONSOLE_MSG_HDR;
	m->len = plen;
	return (long)(CONSOLE_MSG_HDR + plen);
}

size_t
console_hello_encode(const struct console_hello *h, uint8_t *out, size_t cap)
{
	size_t nlen = strlen(h->name);

	if (nlen > 0 && !console_name_valid(h->name))
		return 0;
	if (cap < HELLO_FIXED + nlen || h->replay > 0xFFFF)
		return 0;
	out[0] = CONSOLE_PROTO_VERSION;
	out[1] = (uint8_t)((h->spy ? CONSOLE_HELLO_SPY : 0) | (h->force ? CONSOLE_HELLO_FORCE : 0));
	out[2] = (uint8_t)(h->replay >> 8);
	out[3] = (uint8_t)h->replay;
	memcpy(out + HELLO_FIXED, h->name, nlen);
	return HELLO_FIXED + nlen;
}

int
console_hello_decode(const uint8_t *p, size_t len, struct console_hello *h, char *err,
    size_t errlen)
{
	size_t nlen;

	memset(h, 0, sizeof(*h));
	if (len < HELLO_FIXED) {
		snprintf(err, errlen, "short hello (%zu bytes)", len);
		return -1;
	}
	h->version = p[0];
	if (h->version != CONSOLE_PROTO_VERSION) {
		snprintf(err, errlen, "protocol version %d, this server speaks %d", h->version,
		    CONSOLE_PROTO_VERSION);
		return -1;
	}
	if ((p[1] & ~(CONSOLE_HELLO_SPY | CONSOLE_HELLO_FORCE)) != 0) {
		snprintf(err, errlen, "unknown hello flags 0x%02x", p[1]);
		return -1;
	}
	h->spy = (p[1] & CONSOLE_HELLO_SPY) != 0;
	h->force = (p[1] & CONSOLE_HELLO_FORCE) != 0;
	h->replay = (unsigned)p[2] << 8 | p[3];
	nlen = len - HELLO_FIXED;
	if (nlen >= CONSOLE_NAME_MAX) {
		snprintf(err, errlen, "console name too long");
		return -1;
	}
	memcpy(h->name, p + HELLO_FIXED, nlen);
	h->name[nlen] = '\0';
	if (nlen > 0 && (memchr(h->name, '\0', nlen) != NULL || !console_name_valid(h->name))) {
		snprintf(err, errlen, "invalid console name");
		return -1;
	}
	return 0;
}
