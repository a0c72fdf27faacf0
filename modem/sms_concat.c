/*
 * sms_concat: bounded reassembly of concatenated SMS; see sms_concat.h.
 */
#include <string.h>

#include "sms_concat.h"

void
sms_concat_init(struct sms_concat *c, int64_t timeout)
{
	memset(c, 0, sizeof(*c));
	c->timeout = timeout;
}

static int
expired(const struct sms_concat *c, const struct sms_concat_set *s, int64_t now)
{
	/* Written to stay defined for any clock values the caller gives. */
	return now > s->first_seen && (uint64_t)now - (uint64_t)s->first_seen > (uint64_t)c->timeout;
}

size_t
sms_concat_expire(struct sms_concat *c, int64_t now)
{
	size_t n = 0;

	for (size_t i = 0; i < SMS_CONCAT_SETS; i++) {
		struct sms_concat_set *s = &c->set[i];

		if (s->used && expired(c, s, now)) {
			s->used = 0;
			n++;
		}
	}
	return n;
}

size_t
sms_concat_pending(const struct sms_concat *c)
{
	size_t n = 0;

	for (size_t i = 0; i < SMS_CONCAT_SETS; i++)
		n += c->set[i].used != 0;
	return n;
}

static struct sms_concat_set *
find_set(struct sms_concat *c, const char *from, unsigned ref, unsigned total)
{
	for (size_t i = 0; i < SMS_CONCAT_SETS; i++) {
		struct sms_concat_set *s = &c->set[i];

		if (s->used && s->ref == ref && s->total == total && strcmp(s->from, from) == 0)
			return s;
	}
	return NULL;
}

/* A free slot, or the one whose first part is oldest. */
static struct sms_concat_set *
new_set(struct sms_concat *c, const char *from, size_t from_len, unsigned ref,
    unsigned total, int64_t now)
{
	struct sms_concat_set *s = &c->set[0];

	for (size_t i = 0; i < SMS_CONCAT_SETS; i++) {
		if (!c->set[i].used) {
			s = &c->set[i];
			break;
		}
		if (c->set[i].first_seen < s->first_seen)
			s = &c->set[i];
	}
	s->used = 1;
	memcpy(s->from, from, from_len + 1);
	s->ref = ref;
	s->total = total;
	s->first_seen = now;
	s->have = 0;
	return s;
}

static enum sms_concat_status
join(struct sms_concat_set *s, char *out, size_t outlen, size_t *out_len)
{
	size_t n = 0;

	s->used = 0;
	for (unsigned p = 0; p < s->total; p++) {
		if (s->len[p] >= outlen - n)
			return SMS_CONCAT_REJECTED;
		memcpy(out + n, s->text[p], s->len[p]);
		n += s->len[p];
	}
	out[n] = '\0';
	*out_len = n;
	return SMS_CONCAT_COMPLETE;
}

enum sms_concat_status
sms_concat_add(struct sms_concat *c, int64_t now, const char *from, unsigned ref,
    unsigned part, unsigned total, const char *text, size_t text_len, char *out,
    size_t outlen, size_t *out_len)
{
	struct sms_concat_set *s;
	size_t from_len = strnlen(from, SMS_ADDR_MAX);
	uint32_t bit;

	*out_len = 0;
	if (total == 0 || total > SMS_CONCAT_PARTS || part == 0 || part > total ||
	    text_len >= SMS_TEXT_MAX || from_len >= SMS_ADDR_MAX || outlen == 0)
		return SMS_CONCAT_REJECTED;
	sms_concat_expire(c, now);
	if ((s = find_set(c, from, ref, total)) == NULL)
		s = new_set(c, from, from_len, ref, total, now);
	bit = (uint32_t)1 << (part - 1);
	if (s->have & bit)
		return SMS_CONCAT_DUPLICATE;
	s->have |= bit;
	memcpy(s->text[part - 1], text, text_len);
	s->len[part - 1] = text_len;
	if (s->have != ((uint32_t)1 << total) - 1)
		return SMS_CONCAT_PENDING;
	return join(s, out, outlen, out_len);
}
