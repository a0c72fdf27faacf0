/*
 * Unit tests for gnss/pmtk: every builder's exact framed output, checked
 * against command strings with checksums as published in the MTK NMEA
 * packet manual and the Adafruit GPS library, and the range errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "nmea.h"
#include "pmtk.h"

/* Frame a builder's body as it goes on the wire, without CR LF. */
static const char *
wire(int body_len, const char *body)
{
	static char buf[128];

	assert_true(body_len > 0);
	assert_int_equal((size_t)body_len, strlen(body));
	assert_true(nmea_frame(buf, sizeof(buf), body, false) > 0);
	return buf;
}

static void
test_baud(void **state)
{
	char b[64];
	(void)state;

	/* Adafruit_GPS: PMTK_SET_BAUD_57600, _115200, _9600 */
	assert_string_equal(wire(pmtk_set_baud(b, sizeof(b), 57600), b), "$PMTK251,57600*2C");
	assert_string_equal(wire(pmtk_set_baud(b, sizeof(b), 115200), b), "$PMTK251,115200*1F");
	assert_string_equal(wire(pmtk_set_baud(b, sizeof(b), 9600), b), "$PMTK251,9600*17");
	assert_string_equal(wire(pmtk_set_baud(b, sizeof(b), 0), b), "$PMTK251,0*28");
	assert_int_equal(pmtk_set_baud(b, sizeof(b), 4800), 12);
	assert_int_equal(pmtk_set_baud(b, sizeof(b), 57601), -1);
	assert_int_equal(pmtk_set_baud(b, sizeof(b), 230400), -1);
	assert_int_equal(pmtk_set_baud(b, sizeof(b), -9600), -1);
	/* too small a buffer */
	assert_int_equal(pmtk_set_baud(b, 13, 57600), -1);
	assert_int_equal(pmtk_set_baud(b, 14, 57600), 13);
}

static void
test_output(void **state)
{
	char b[128];
	struct pmtk_output o;
	(void)state;

	/* Adafruit_GPS: RMC only, GLL only, VTG only, "all data" */
	memset(&o, 0, sizeof(o));
	o.rmc = 1;
	assert_string_equal(wire(pmtk_set_output(b, sizeof(b), &o), b),
	    "$PMTK314,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0*29");
	memset(&o, 0, sizeof(o));
	o.gll = 1;
	assert_string_equal(wire(pmtk_set_output(b, sizeof(b), &o), b),
	    "$PMTK314,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0*29");
	memset(&o, 0, sizeof(o));
	o.vtg = 1;
	assert_string_equal(wire(pmtk_set_output(b, sizeof(b), &o), b),
	    "$PMTK314,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0*29");
	memset(&o, 0, sizeof(o));
	o.gll = o.rmc = o.vtg = o.gga = o.gsa = o.gsv = 1;
	assert_string_equal(wire(pmtk_set_output(b, sizeof(b), &o), b),
	    "$PMTK314,1,1,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0*28");

	/* what stratumd wants: RMC + ZDA; ZDA is field 18 (index 17), MCHN 19 */
	memset(&o, 0, sizeof(o));
	o.rmc = 1;
	o.zda = 1;
	assert_int_equal(pmtk_set_output(b, sizeof(b), &o), 45);
	assert_string_equal(b, "PMTK314,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0");
	o.mchn = 5;
	o.gsv = 5;
	assert_int_equal(pmtk_set_output(b, sizeof(b), &o), 45);
	assert_string_equal(b, "PMTK314,0,1,0,0,0,5,0,0,0,0,0,0,0,0,0,0,0,1,5");

	/* divisors 0..5 only */
	o.gsv = 6;
	assert_int_equal(pmtk_set_output(b, sizeof(b), &o), -1);
	o.gsv = -1;
	assert_int_equal(pmtk_set_output(b, sizeof(b), &o), -1);
	o.gsv = 0;
	assert_int_equal(pmtk_set_output(b, 45, &o), -1);

	assert_string_equal(wire(pmtk_default_output(b, sizeof(b)), b), "$PMTK314,-1*04");
}

static void
test_mtk_manual_example(void **state)
{
	char b[128];
	(void)state;

	/* The MTK manual's PMTK314 example (GSV every 5th fix), framed by us,
	 * checks nmea_frame against a published checksum with all 19 fields. */
	assert_true(nmea_frame(b, sizeof(b), "PMTK314,1,1,1,1,1,5,1,1,1,1,1,1,0,1,1,1,1,1,1",
			false) > 0);
	assert_string_equal(b, "$PMTK314,1,1,1,1,1,5,1,1,1,1,1,1,0,1,1,1,1,1,1*2C");
}

static void
test_rates(void **state)
{
	char b[64];
	(void)state;

	/* Adafruit_GPS: PMTK_SET_NMEA_UPDATE_1HZ/2HZ/5HZ/10HZ */
	assert_string_equal(wire(pmtk_set_fix_rate(b, sizeof(b), 1000), b), "$PMTK220,1000*1F");
	assert_string_equal(wire(pmtk_set_fix_rate(b, sizeof(b), 500), b), "$PMTK220,500*2B");
	assert_string_equal(wire(pmtk_set_fix_rate(b, sizeof(b), 200), b), "$PMTK220,200*2C");
	assert_string_equal(wire(pmtk_set_fix_rate(b, sizeof(b), 100), b), "$PMTK220,100*2F");
	assert_int_equal(pmtk_set_fix_rate(b, sizeof(b), 10000), 13);
	assert_int_equal(pmtk_set_fix_rate(b, sizeof(b), 99), -1);
	assert_int_equal(pmtk_set_fix_rate(b, sizeof(b), 10001), -1);

	/* Adafruit_GPS: PMTK_API_SET_FIX_CTL_1HZ, _5HZ, _100_MILLIHERTZ */
	assert_string_equal(wire(pmtk_set_fix_interval(b, sizeof(b), 1000), b),
	    "$PMTK300,1000,0,0,0,0*1C");
	assert_string_equal(wire(pmtk_set_fix_interval(b, sizeof(b), 200), b),
	    "$PMTK300,200,0,0,0,0*2F");
	assert_string_equal(wire(pmtk_set_fix_interval(b, sizeof(b), 10000), b),
	    "$PMTK300,10000,0,0,0,0*2C");
	assert_int_equal(pmtk_set_fix_interval(b, sizeof(b), 100), -1);
	assert_int_equal(pmtk_set_fix_interval(b, sizeof(b), 10001), -1);
}

static void
test_mode_and_restart(void **state)
{
	char b[64];
	(void)state;

	/* "$PMTK225,4*2F" (perpetual backup) as published */
	assert_string_equal(wire(pmtk_set_mode(b, sizeof(b), 4), b), "$PMTK225,4*2F");
	assert_string_equal(wire(pmtk_set_mode(b, sizeof(b), 0), b), "$PMTK225,0*2B");
	assert_string_equal(wire(pmtk_set_mode(b, sizeof(b), 8), b), "$PMTK225,8*23");
	assert_string_equal(wire(pmtk_set_mode(b, sizeof(b), 9), b), "$PMTK225,9*22");
	assert_int_equal(pmtk_set_mode(b, sizeof(b), 1), -1);
	assert_int_equal(pmtk_set_mode(b, sizeof(b), 2), -1);
	assert_int_equal(pmtk_set_mode(b, sizeof(b), 10), -1);

	/* restarts as in the MTK manual: hot, warm, cold, full cold */
	assert_string_equal(wire(pmtk_restart(b, sizeof(b), 101), b), "$PMTK101*32");
	assert_string_equal(wire(pmtk_restart(b, sizeof(b), 102), b), "$PMTK102*31");
	assert_string_equal(wire(pmtk_restart(b, sizeof(b), 103), b), "$PMTK103*30");
	assert_string_equal(wire(pmtk_restart(b, sizeof(b), 104), b), "$PMTK104*37");
	assert_int_equal(pmtk_restart(b, sizeof(b), 100), -1);
	assert_int_equal(pmtk_restart(b, sizeof(b), 105), -1);
}

static void
test_output_from_list(void **state)
{
	struct pmtk_output o;
	(void)state;

	assert_int_equal(pmtk_output_from_list("RMC,ZDA", &o), 0);
	assert_int_equal(o.rmc, 1);
	assert_int_equal(o.zda, 1);
	assert_int_equal(o.gga + o.gll + o.vtg + o.gsa + o.gsv + o.mchn, 0);
	assert_int_equal(pmtk_output_from_list("rmc,Gga,gsa,GSV,gll,vtg,mchn", &o), 0);
	assert_int_equal(o.rmc + o.gga + o.gsa + o.gsv + o.gll + o.vtg + o.mchn, 7);
	assert_int_equal(o.zda, 0);
	assert_int_equal(pmtk_output_from_list("RMC,XYZ", &o), -1);
	assert_int_equal(pmtk_output_from_list("RMC,", &o), -1);
	assert_int_equal(pmtk_output_from_list("", &o), -1);
	assert_int_equal(pmtk_output_from_list("RMCZDA", &o), -1);
	assert_int_equal(pmtk_output_from_list("RM", &o), -1);
}

static void
test_command_number(void **state)
{
	(void)state;
	assert_int_equal(pmtk_command_number("PMTK251,57600"), 251);
	assert_int_equal(pmtk_command_number("$PMTK251,57600*2C"), 251);
	assert_int_equal(pmtk_command_number("PMTK101"), 101);
	assert_int_equal(pmtk_command_number("PMTK001,314,3"), 1);
	assert_int_equal(pmtk_command_number("PMTK25"), -1);
	assert_int_equal(pmtk_command_number("PMTK2511,1"), -1);
	assert_int_equal(pmtk_command_number("PMTKCHN,1"), -1);
	assert_int_equal(pmtk_command_number("GPRMC,1"), -1);
	assert_int_equal(pmtk_command_number(""), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baud),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_mtk_manual_example),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_mode_and_restart),
		cmocka_unit_test(test_output_from_list),
		cmocka_unit_test(test_command_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
