/*
 * sms_concat: real multi-part messages from the corpus, in and out of
 * order; duplicates, expiry by the caller's clock, and the bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "sms.h"
#include "sms_concat.h"

/* ofono unit/test-sms.c: one UCS2 message in three parts, ref 30. */
static const char *const asm_parts[] = {
	"038121F350048155550119906041001222048C0500031E0301041804420430043A002C0020041004"
	"3B0435043A04410430043D04340440002000200441043B044304480430043B002004370430002004"
	"34043204350440044C044E0020002004380020002004320441043500200431043E043B044C044804"
	"350020043F0440043504380441043F043E043B043D044F043B0441044F002000200433043D0435",
	"038121F350048155550119906041001222048C0500031E03020432043E043C002E000A041D043004"
	"3A043E043D04350446002C0020043D043500200432002004410438043B0430044500200434043004"
	"3B043504350020044204350440043F04350442044C002C0020043E043D0020044104420440043504"
	"3C043804420435043B044C043D043E002004320431043504360430043B002004320020043A043E",
	"038121F350048155550119906041001222044A0500031E0303043C043D043004420443002C002004"
	"3F043E043704300431044B0432000A0434043004360435002C002004470442043E00200020043104"
	"4B043B0020043D04300433002E",
};

static struct sms_concat pool;
static char out[SMS_CONCAT_TEXT_MAX];

static void
decode(const char *hex, struct sms_deliver *d)
{
	char err[256];

	if (sms_decode_hex(hex, strlen(hex), d, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(d->concat.present);
}

static enum sms_concat_status
add_pdu(const struct sms_deliver *d, int64_t now, size_t *n)
{
	return sms_concat_add(&pool, now, d->from.text, d->concat.ref, d->concat.part,
	    d->concat.total, d->text, d->text_len, out, sizeof(out), n);
}

static void
feed_in_order(const int *order, const char *want)
{
	struct sms_deliver d[3];
	size_t n = 99;

	sms_concat_init(&pool, 60);
	for (int i = 0; i < 3; i++)
		decode(asm_parts[order[i]], &d[i]);
	assert_int_equal(add_pdu(&d[0], 1, &n), SMS_CONCAT_PENDING);
	assert_int_equal(n, 0);
	assert_int_equal(add_pdu(&d[1], 2, &n), SMS_CONCAT_PENDING);
	assert_int_equal(sms_concat_pending(&pool), 1);
	assert_int_equal(add_pdu(&d[2], 3, &n), SMS_CONCAT_COMPLETE);
	assert_int_equal(n, strlen(want));
	assert_string_equal(out, want);
	assert_int_equal(sms_concat_pending(&pool), 0);
}

static void
test_any_order(void **state)
{
	static const int orders[][3] = { { 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 }, { 2, 0, 1 } };
	struct sms_deliver d[3];
	char want[SMS_CONCAT_TEXT_MAX] = "";

	(void)state;
	for (int i = 0; i < 3; i++) {
		decode(asm_parts[i], &d[i]);
		size_t n = strlen(want);

		assert_true(n + d[i].text_len < sizeof(want));
		memcpy(want + n, d[i].text, d[i].text_len + 1);
	}
	/* The sentence runs across the part boundaries. */
	assert_non_null(strstr(want, "\xD0\xB3\xD0\xBD\xD0\xB5\xD0\xB2\xD0\xBE\xD0\xBC."));
	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		feed_in_order(orders[i], want);
}

static void
test_duplicates(void **state)
{
	struct sms_deliver d[3];
	size_t n;

	(void)state;
	sms_concat_init(&pool, 60);
	for (int i = 0; i < 3; i++)
		decode(asm_parts[i], &d[i]);
	assert_int_equal(add_pdu(&d[1], 0, &n), SMS_CONCAT_PENDING);
	assert_int_equal(add_pdu(&d[1], 0, &n), SMS_CONCAT_DUPLICATE);
	/* A different text under the same part number: the first copy stays. */
	assert_int_equal(sms_concat_add(&pool, 0, d[0].from.text, 30, 2, 3, "evil", 4, out,
	    sizeof(out), &n), SMS_CONCAT_DUPLICATE);
	assert_int_equal(add_pdu(&d[0], 0, &n), SMS_CONCAT_PENDING);
	assert_int_equal(add_pdu(&d[2], 0, &n), SMS_CONCAT_COMPLETE);
	assert_null(strstr(out, "evil"));
	/* Once complete the set is gone: the same part starts a new one. */
	assert_int_equal(add_pdu(&d[2], 0, &n), SMS_CONCAT_PENDING);
}

static void
add_text(const char *from, unsigned ref, unsigned part, unsigned total, const char *text,
    int64_t now, enum sms_concat_status want)
{
	size_t n;

	assert_int_equal(sms_concat_add(&pool, now, from, ref, part, total, text, strlen(text),
	    out, sizeof(out), &n), want);
}

/* Sets are told apart by originator, reference and total. */
static void
test_keys(void **state)
{
	(void)state;
	sms_concat_init(&pool, 60);
	add_text("+111", 7, 1, 2, "a1 ", 0, SMS_CONCAT_PENDING);
	add_text("+222", 7, 1, 2, "b1 ", 0, SMS_CONCAT_PENDING);
	add_text("+111", 8, 1, 2, "c1 ", 0, SMS_CONCAT_PENDING);
	add_text("+111", 7, 1, 3, "d1 ", 0, SMS_CONCAT_PENDING);
	assert_int_equal(sms_concat_pending(&pool), 4);
	add_text("+222", 7, 2, 2, "b2", 0, SMS_CONCAT_COMPLETE);
	assert_string_equal(out, "b1 b2");
	add_text("+111", 7, 2, 2, "a2", 0, SMS_CONCAT_COMPLETE);
	assert_string_equal(out, "a1 a2");
	assert_int_equal(sms_concat_pending(&pool), 2);
	/* total 1: complete at once, no slot used. */
	add_text("+333", 9, 1, 1, "alone", 0, SMS_CONCAT_COMPLETE);
	assert_string_equal(out, "alone");
	assert_int_equal(sms_concat_pending(&pool), 2);
}

/* The timeout counts from the first part, in the caller's clock. */
static void
test_expiry(void **state)
{
	(void)state;
	sms_concat_init(&pool, 60);
	add_text("+111", 1, 1, 2, "x", 1000, SMS_CONCAT_PENDING);
	add_text("+222", 1, 1, 2, "y", 1050, SMS_CONCAT_PENDING);
	assert_int_equal(sms_concat_expire(&pool, 1060), 0);
	assert_int_equal(sms_concat_expire(&pool, 1061), 1);
	assert_int_equal(sms_concat_pending(&pool), 1);
	/* The expired part 1 is gone: part 2 alone starts a new set. */
	add_text("+111", 1, 2, 2, "x2", 1061, SMS_CONCAT_PENDING);
	/* Adding expires too: +222's set dies at 1111 although a part came at 1100. */
	add_text("+222", 1, 1, 2, "y", 1100, SMS_CONCAT_DUPLICATE);
	add_text("+222", 1, 2, 2, "y2", 1111, SMS_CONCAT_PENDING);
	assert_int_equal(sms_concat_pending(&pool), 2);
	/* A clock that goes back expires nothing. */
	assert_int_equal(sms_concat_expire(&pool, -5), 0);
	assert_int_equal(sms_concat_expire(&pool, INT64_MAX), 2);
}

static void
test_bounds(void **state)
{
	char big[SMS_TEXT_MAX + 1];
	char name[16];
	size_t n;

	(void)state;
	sms_concat_init(&pool, 60);
	add_text("+1", 1, 0, 2, "x", 0, SMS_CONCAT_REJECTED);
	add_text("+1", 1, 3, 2, "x", 0, SMS_CONCAT_REJECTED);
	add_text("+1", 1, 1, 0, "x", 0, SMS_CONCAT_REJECTED);
	add_text("+1", 1, 1, SMS_CONCAT_PARTS + 1, "x", 0, SMS_CONCAT_REJECTED);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	add_text("+1", 1, 1, 2, big, 0, SMS_CONCAT_REJECTED);
	memset(big, '9', sizeof(big) - 1);
	assert_int_equal(sms_concat_add(&pool, 0, big, 1, 1, 2, "x", 1, out, sizeof(out), &n),
	    SMS_CONCAT_REJECTED);
	assert_int_equal(sms_concat_pending(&pool), 0);
	/* A full message of the largest size fits SMS_CONCAT_TEXT_MAX. */
	memset(big, 'b', SMS_TEXT_MAX - 1);
	big[SMS_TEXT_MAX - 1] = '\0';
	for (unsigned p = 1; p < SMS_CONCAT_PARTS; p++)
		add_text("+1", 2, p, SMS_CONCAT_PARTS, big, 0, SMS_CONCAT_PENDING);
	add_text("+1", 2, SMS_CONCAT_PARTS, SMS_CONCAT_PARTS, big, 0, SMS_CONCAT_COMPLETE);
	assert_int_equal(strlen(out), SMS_CONCAT_TEXT_MAX - 1);
	/* An out buffer too small refuses the join. */
	add_text("+1", 3, 1, 2, "abc", 0, SMS_CONCAT_PENDING);
	assert_int_equal(sms_concat_add(&pool, 0, "+1", 3, 2, 2, "def", 3, out, 6, &n),
	    SMS_CONCAT_REJECTED);
	/* More senders than slots: the oldest set is evicted, the pool stays bounded. */
	sms_concat_init(&pool, 600);
	for (int i = 0; i < SMS_CONCAT_SETS + 3; i++) {
		snprintf(name, sizeof(name), "+%d", 100 + i);
		add_text(name, 1, 1, 2, "p1", i, SMS_CONCAT_PENDING);
	}
	assert_int_equal(sms_concat_pending(&pool), SMS_CONCAT_SETS);
	add_text("+100", 1, 2, 2, "p2", 20, SMS_CONCAT_PENDING);	/* evicted: starts over */
	add_text("+110", 1, 2, 2, "p2", 20, SMS_CONCAT_COMPLETE);
	assert_string_equal(out, "p1p2");
}

/* ModemManager's list test: part 2 is stored (and listed) before part 1. */
static void
test_mm_list_reverse(void **state)
{
	static const char *p2 =
	    "07912160130300F4440B915155685703F900005240713104738A3E050003C40202DA6F37881E969F"
	    "CBF4B4FB0CCABFEB20F4FB0EA287E5E7323DED3E83DAE17519747FCBD96490B95C6683D273101D5D"
	    "0601";
	static const char *p1 =
	    "07912160130300F4440B915155685703F900005240713104738AA0050003C40201AC69373D7C2E83"
	    "E87538BC2CBF87E565D039DC2E83C220769A4E6797416132394D4FBFDDA0FB5B4E4783C2EE3C888E"
	    "2E83E86FD0DB0C1A86E769F71B647EB3D9EF7BDA7D06A5E7A0B09B0C9AB3DF74109C1DCE83E8E830"
	    "1D44479741F9771D949E83E861F9B94C4FBBCF20F13B4C9F83E8E832485C068DDFEDF6DB0DA2A3CB"
	    "A0FCBB0E1ABFDB";
	struct sms_deliver a, b;
	size_t n;

	(void)state;
	sms_concat_init(&pool, 60);
	decode(p2, &b);
	decode(p1, &a);
	assert_int_equal(add_pdu(&b, 0, &n), SMS_CONCAT_PENDING);
	assert_int_equal(add_pdu(&a, 0, &n), SMS_CONCAT_COMPLETE);
	assert_int_equal(strncmp(out, "Vintage tupperware", 18), 0);
	assert_non_null(strstr(out, "the you com" "mon targeting you"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_any_order),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_mm_list_reverse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
