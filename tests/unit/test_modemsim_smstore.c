/*
 * Unit tests for sim/modemsim/smstore: slots from 0, the lowest free slot
 * taken, +CMGD's delete flags by status.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "smstore.h"

static void
test_slots(void **state)
{
	struct smstore s;
	char big[SMSTORE_HEX_MAX + 1];
	(void)state;

	smstore_init(&s, "SM", 3);
	assert_string_equal(s.name, "SM");
	assert_int_equal(smstore_add(&s, SMSTORE_REC_UNREAD, "00AA", 4), 0);
	assert_int_equal(smstore_add(&s, SMSTORE_REC_READ, "00BB", 4), 1);
	assert_int_equal(smstore_add(&s, SMSTORE_STO_SENT, "00CC", 4), 2);
	assert_int_equal(smstore_add(&s, SMSTORE_REC_READ, "00DD", 4), -1);	/* full */
	assert_int_equal(smstore_used(&s), 3);
	smstore_delete(&s, 1);
	assert_null(smstore_get(&s, 1));
	assert_int_equal(smstore_add(&s, SMSTORE_REC_READ, "00DD", 4), 1);	/* reused */
	assert_string_equal(smstore_get(&s, 1)->hex, "00DD");
	assert_false(smstore_valid_index(&s, 3));
	assert_false(smstore_valid_index(&s, -1));
	assert_null(smstore_get(&s, 3));
	memset(big, 'A', sizeof(big));
	smstore_delete(&s, 0);
	assert_int_equal(smstore_add(&s, SMSTORE_REC_READ, big, SMSTORE_HEX_MAX), -1);
	smstore_init(&s, "ME", 1000);
	assert_int_equal(s.size, SMSTORE_SLOTS_MAX);
}

static void
test_delete_flags(void **state)
{
	static const enum smstore_stat st[4] = { SMSTORE_REC_UNREAD, SMSTORE_REC_READ,
		SMSTORE_STO_UNSENT, SMSTORE_STO_SENT };
	static const int left[5] = { -1, 3, 2, 1, 0 };
	struct smstore s;
	(void)state;

	for (int flag = 1; flag <= 4; flag++) {
		smstore_init(&s, "SM", 10);
		for (int i = 0; i < 4; i++)
			smstore_add(&s, st[i], "00", 2);
		assert_int_equal(smstore_delete_flag(&s, flag), 4 - left[flag]);
		assert_int_equal(smstore_used(&s), left[flag]);
		if (flag < 4)
			assert_non_null(smstore_get(&s, 0));	/* unread survives 1..3 */
	}
	assert_int_equal(smstore_delete_flag(&s, 5), -1);
	assert_true(smstore_stat_matches(SMSTORE_STO_SENT, 4));
	assert_true(smstore_stat_matches(SMSTORE_REC_READ, 1));
	assert_false(smstore_stat_matches(SMSTORE_REC_READ, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_delete_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
