/*
 * smstore: one SMS memory of the simulated stick (see smstore.h).
 */
#include <string.h>

#include "smstore.h"

void
smstore_init(struct smstore *s, const char *name, int size)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, strnlen(name, sizeof(s->name) - 1));
	if (size < 1)
		size = 1;
	if (size > SMSTORE_SLOTS_MAX)
		size = SMSTORE_SLOTS_MAX;
	s->size = size;
}

bool
smstore_valid_index(const struct smstore *s, int index)
{
	return index >= 0 && index < s->size;
}

int
smstore_add(struct smstore *s, enum smstore_stat stat, const char *hex, size_t hex_len)
{
	if (hex_len >= SMSTORE_HEX_MAX)
		return -1;
	for (int i = 0; i < s->size; i++) {
		struct smstore_slot *sl = &s->slot[i];

		if (sl->used)
			continue;
		sl->used = true;
		sl->stat = stat;
		memcpy(sl->hex, hex, hex_len);
		sl->hex[hex_len] = '\0';
		sl->hex_len = hex_len;
		return i;
	}
	return -1;
}

struct smstore_slot *
smstore_get(struct smstore *s, int index)
{
	if (!smstore_valid_index(s, index) || !s->slot[index].used)
		return NULL;
	return &s->slot[index];
}

int
smstore_used(const struct smstore *s)
{
	int n = 0;

	for (int i = 0; i < s->size; i++)
		n += s->slot[i].used;
	return n;
}

void
smstore_delete(struct smstore *s, int index)
{
	if (smstore_valid_index(s, index))
		memset(&s->slot[index], 0, sizeof(s->slot[index]));
}

static bool
flag_covers(enum smstore_stat st, int delflag)
{
	switch (delflag) {
	case 1:
		return st == SMSTORE_REC_READ;
	case 2:
		return st == SMSTORE_REC_READ || st == SMSTORE_STO_SENT;
	case 3:
		return st != SMSTORE_REC_UNREAD;
	default:
		return true;
	}
}

int
smstore_delete_flag(struct smstore *s, int delflag)
{
	int n = 0;

	if (delflag < 1 || delflag > 4)
		return -1;
	for (int i = 0; i < s->size; i++) {
		if (!s->slot[i].used || !flag_covers(s->slot[i].stat, delflag))
			continue;
		smstore_delete(s, i);
		n++;
	}
	return n;
}

bool
smstore_stat_matches(enum smstore_stat st, int want)
{
	return want == 4 || (int)st == want;
}
