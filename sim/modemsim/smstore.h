/*
 * smstore: one SMS memory of the simulated stick ("SM" on the SIM, "ME" in
 * the stick), as AT+CPMS, AT+CMGL, AT+CMGR, AT+CMGW and AT+CMGD see it.
 *
 * Pure: no I/O.  Slots are numbered from 0, as Huawei numbers them; a
 * message keeps its slot until deleted, and a new one takes the lowest free
 * slot.  Each slot holds the PDU as the modem prints it in PDU mode (upper
 * case hex, with the SMSC field) and its 27.005 status.  The PDU is not
 * decoded here: the caller checked it.
 */
#ifndef OUTPOST_SMSTORE_H
#define OUTPOST_SMSTORE_H

#include <stdbool.h>
#include <stddef.h>

#define SMSTORE_SLOTS_MAX 64
#define SMSTORE_HEX_MAX   (2 * 176 + 1)	/* SMSC (12) + TPDU (164), as hex */

/* 27.005 <stat>, the numbers PDU mode uses. */
enum smstore_stat {
	SMSTORE_REC_UNREAD = 0,
	SMSTORE_REC_READ = 1,
	SMSTORE_STO_UNSENT = 2,
	SMSTORE_STO_SENT = 3,
};

struct smstore_slot {
	bool		  used;
	enum smstore_stat stat;
	char		  hex[SMSTORE_HEX_MAX];
	size_t		  hex_len;
};

struct smstore {
	char		    name[3];	/* "SM", "ME" */
	int		    size;	/* slots offered, 1..SMSTORE_SLOTS_MAX */
	struct smstore_slot slot[SMSTORE_SLOTS_MAX];
};

/* size is clamped to 1..SMSTORE_SLOTS_MAX. */
void smstore_init(struct smstore *s, const char *name, int size);

/* Store a PDU (hex_len characters) in the lowest free slot: its index, or
 * -1 when the memory is full or the PDU too long. */
int smstore_add(struct smstore *s, enum smstore_stat stat, const char *hex, size_t hex_len);

/* The slot at index, or NULL when index is out of range or the slot empty. */
struct smstore_slot *smstore_get(struct smstore *s, int index);

bool smstore_valid_index(const struct smstore *s, int index);
int smstore_used(const struct smstore *s);

/* Empty one slot (an empty one stays empty). */
void smstore_delete(struct smstore *s, int index);

/*
 * AT+CMGD's <delflag>: 1 every read message, 2 read and sent, 3 read, sent
 * and unsent, 4 all.  Returns how many were deleted; -1 for another flag.
 */
int smstore_delete_flag(struct smstore *s, int delflag);

/* Whether a message of status st is listed by AT+CMGL=<want> (0..3, or 4
 * for all). */
bool smstore_stat_matches(enum smstore_stat st, int want);

#endif
