/*
 * at: the reply parsers, table-driven on strings captured from real modems
 * (as collected in ModemManager's and gammu's test suites, smsd and gammu
 * transcripts in tests/corpus/sms/host_sequences) plus the malformed
 * variants a parser must refuse.  (Text-mode SMS: test_sms_text.c.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "at.h"
#include "at_parse.h"

static void
test_csq(void **state)
{
	static const struct {
		const char	*line;
		int		rc, rssi, ber, dbm;
		bool		known;
	} t[] = {
		{ "+CSQ: 20,99", 0, 20, 99, -73, true },	/* smsd transcript */
		{ "+CSQ: 14,99", 0, 14, 99, -85, true },
		{ "+CSQ:31,99", 0, 31, 99, -51, true },
		{ "+CSQ: 0,0", 0, 0, 0, -113, true },
		{ "+CSQ: 99,99", 0, 99, 99, 0, false },	/* no signal measured */
		{ "+CSQ: 32,99", -1, 0, 0, 0, false },
		{ "+CSQ: 20", -1, 0, 0, 0, false },
		{ "+CSQ: 20,8", -1, 0, 0, 0, false },
		{ "+CSQ: -1,99", -1, 0, 0, 0, false },
		{ "+CSQ: ,99", -1, 0, 0, 0, false },
		{ "+CREG: 20,99", -1, 0, 0, 0, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct at_csq c;

		assert_int_equal(at_parse_csq(t[i].line, &c), t[i].rc);
		if (t[i].rc != 0)
			continue;
		assert_int_equal(c.rssi, t[i].rssi);
		assert_int_equal(c.ber, t[i].ber);
		assert_int_equal(c.dbm, t[i].dbm);
		assert_int_equal(c.known, t[i].known);
	}
}

static void
test_rssi(void **state)
{
	struct at_csq c;

	(void)state;
	assert_int_equal(at_parse_rssi("^RSSI:17", &c), 0);
	assert_int_equal(c.dbm, -79);
	assert_int_equal(at_parse_rssi("^RSSI: 99", &c), 0);
	assert_false(c.known);
	assert_int_equal(at_parse_rssi("^RSSI:40", &c), -1);
	assert_int_equal(at_parse_rssi("^RSSI:", &c), -1);
	assert_int_equal(at_rssi_dbm(99), 0);
}

static void
test_creg(void **state)
{
	/* ModemManager src/tests/test-modem-helpers.c: Sierra Mercury, Sony
	 * Ericsson K850i / TM-506 / MD400, Huawei E160G, Novatel XU870, Iridium,
	 * u-blox TOBY-L2; smsd transcript. */
	static const struct {
		const char	*line;
		bool		solicited;
		int		rc, n, stat;
		bool		has_loc;
		unsigned long	lac, ci;
		int		act;
	} t[] = {
		{ "+CREG: 0,1", true, 0, 0, 1, false, 0, 0, -1 },
		{ "+CREG: 1,3", true, 0, 1, 3, false, 0, 0, -1 },
		{ "+CREG: 3", false, 0, -1, 3, false, 0, 0, -1 },
		{ "+CREG: 1,1,84CD,00D30173", true, 0, 1, 1, true, 0x84cd, 0xd30173, -1 },
		{ "+CREG: 1,84CD,00D30156", false, 0, -1, 1, true, 0x84cd, 0xd30156, -1 },
		{ "+CREG: 2,1,\"CE00\",\"01CEAD8F\"", true, 0, 2, 1, true, 0xce00, 0x01cead8f, -1 },
		{ "+CREG: 1,\"CE00\",\"00005449\"", false, 0, -1, 1, true, 0xce00, 0x5449, -1 },
		{ "+CREG: 2,0,00,0", true, 0, 2, 0, true, 0, 0, -1 },
		{ "+CREG: 2,1,8BE3,2BAF", true, 0, 2, 1, true, 0x8be3, 0x2baf, -1 },
		{ "+CREG: 1,8BE3,2BAF", false, 0, -1, 1, true, 0x8be3, 0x2baf, -1 },
		{ "+CREG: 2,1,\"8BE3\",\"00002BAF\"", true, 0, 2, 1, true, 0x8be3, 0x2baf, -1 },
		{ "+CREG: 2,,", false, 0, -1, 2, false, 0, 0, -1 },
		{ "+CREG:002,001,\"18d8\",\"ffff\"", true, 0, 2, 1, true, 0x18d8, 0xffff, -1 },
		{ "+CREG: 1,0001,0010,0", false, 0, -1, 1, true, 1, 0x10, 0 },
		{ "+CREG: 2,6,\"8B37\",\"0A265185\",7", true, 0, 2, 6, true, 0x8b37, 0x0a265185, 7 },
		/* MD400: a URC with <n> anyway */
		{ "+CREG: 2,5,\"0502\",\"0404736D\"", false, 0, 2, 5, true, 0x502, 0x0404736d, -1 },
		/* E160G style without quotes, as a URC: only the <n> form fits */
		{ "+CREG: 2,1,8BE3,2BAF", false, 0, 2, 1, true, 0x8be3, 0x2baf, -1 },
		{ "+CREG: 1", true, -1, 0, 0, false, 0, 0, -1 },
		{ "+CREG: 2,1,\"8BE3\"", true, -1, 0, 0, false, 0, 0, -1 },
		{ "+CREG: 2,11", true, -1, 0, 0, false, 0, 0, -1 },
		{ "+CREG: 2,1,\"XYZ\",\"1\"", true, -1, 0, 0, false, 0, 0, -1 },
		{ "+CREG: 2,1,\"8BE3", true, -1, 0, 0, false, 0, 0, -1 },
		{ "+CGREG: 1,1", true, -1, 0, 0, false, 0, 0, -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct at_creg c;
		int rc = at_parse_creg(t[i].line, t[i].solicited, &c);

		if (rc != t[i].rc)
			fail_msg("%s: rc %d", t[i].line, rc);
		if (rc != 0)
			continue;
		assert_int_equal(c.n, t[i].n);
		assert_int_equal(c.stat, t[i].stat);
		assert_int_equal(c.has_loc, t[i].has_loc);
		assert_int_equal(c.lac, t[i].lac);
		assert_int_equal(c.ci, t[i].ci);
		assert_int_equal(c.act, t[i].act);
	}
	/* The ambiguity the engine removes: "+CREG: 2,5,lac,ci" is n=2, roaming,
	 * when it answers AT+CREG?, and stat 2 with odd fields when not. */
	{
		struct at_creg c;

		assert_int_equal(at_parse_creg("+CREG: 2,5,\"0502\",\"0404736D\"", true, &c), 0);
		assert_int_equal(c.stat, 5);
		assert_true(at_creg_registered(c.stat));
		assert_string_equal(at_creg_stat_name(c.stat), "registered, roaming");
		assert_false(at_creg_registered(2));
	}
}

static void
test_cops(void **state)
{
	static const struct {
		const char	*line;
		int		rc, mode, format;
		const char	*oper;
		int		act;
	} t[] = {
		{ "+COPS: 1,0,\"CHINA MOBILE\"", 0, 1, 0, "CHINA MOBILE", -1 },
		{ "+COPS: 1,0,\"CHINA MOBILE\",7", 0, 1, 0, "CHINA MOBILE", 7 },
		{ "+COPS: 1,2,\"46000\"", 0, 1, 2, "46000", -1 },
		{ "+COPS: 1,2,\"46000\",7", 0, 1, 2, "46000", 7 },
		{ "+COPS: 0,2,46000", 0, 0, 2, "46000", -1 },
		{ "+COPS: 0,0,\"vodafone UK\",2", 0, 0, 0, "vodafone UK", 2 },
		{ "+COPS: 0,0,\"T-Mobile, D\",0", 0, 0, 0, "T-Mobile, D", 0 },
		{ "+COPS: 0", 0, 0, -1, "", -1 },	/* not registered */
		{ "+COPS: 0,0", -1, 0, 0, "", 0 },
		{ "+COPS: 0,0,\"\"", -1, 0, 0, "", 0 },
		{ "+COPS: 5,0,\"X\"", -1, 0, 0, "", 0 },
		{ "+COPS: 0,0,\"X\",99", -1, 0, 0, "", 0 },
		{ "+COPS: (2,\"Movistar\",\"Movistar\",\"21407\",7),,(0-4),(0-2)", -1, 0, 0, "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct at_cops c;
		int rc = at_parse_cops(t[i].line, &c);

		if (rc != t[i].rc)
			fail_msg("%s: rc %d", t[i].line, rc);
		if (rc != 0)
			continue;
		assert_int_equal(c.mode, t[i].mode);
		assert_int_equal(c.format, t[i].format);
		assert_string_equal(c.oper, t[i].oper);
		assert_int_equal(c.act, t[i].act);
	}
	assert_string_equal(at_act_name(2), "UMTS");
	assert_string_equal(at_act_name(7), "LTE");
	assert_string_equal(at_act_name(42), "unknown");
}

static void
test_sysinfo(void **state)
{
	/* ModemManager plugins/huawei/tests, and an E1752 on 3G. */
	static const struct {
		const char	*line;
		int		rc, srv, dom, roam, mode, sim, lock, sub;
	} t[] = {
		{ "^SYSINFO:2,4,5,3,1", 0, 2, 4, 5, 3, 1, -1, -1 },
		{ "^SYSINFO:2,4,5,3,1,", 0, 2, 4, 5, 3, 1, -1, -1 },
		{ "^SYSINFO:2,4,5,3,1,,", 0, 2, 4, 5, 3, 1, -1, -1 },
		{ "^SYSINFO:2,4,5,3,1,6", 0, 2, 4, 5, 3, 1, 6, -1 },
		{ "^SYSINFO:2,4,5,3,1,6,", 0, 2, 4, 5, 3, 1, 6, -1 },
		{ "^SYSINFO:2,4,5,3,1,,6", 0, 2, 4, 5, 3, 1, -1, 6 },
		{ "^SYSINFO:2,4,5,3,1,0,6", 0, 2, 4, 5, 3, 1, 0, 6 },
		{ "^SYSINFO: 2,4,5,3,1,0,6", 0, 2, 4, 5, 3, 1, 0, 6 },
		{ "^SYSINFO:2,1,0,3,1,,3", 0, 2, 1, 0, 3, 1, -1, 3 },
		{ "^SYSINFO:2,3,0,5,1,0,5", 0, 2, 3, 0, 5, 1, 0, 5 },
		{ "^SYSINFO:0,0,0,0,255", 0, 0, 0, 0, 0, 255, -1, -1 },
		{ "^SYSINFO:2,3,0,5", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "^SYSINFO:2,3,0,5,1,0,5,9", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "^SYSINFO:2,3,x,5,1", -1, 0, 0, 0, 0, 0, 0, 0 },
		{ "^SYSINFO:2,3,0,256,1", -1, 0, 0, 0, 0, 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct at_sysinfo s;
		int rc = at_parse_sysinfo(t[i].line, &s);

		if (rc != t[i].rc)
			fail_msg("%s: rc %d", t[i].line, rc);
		if (rc != 0)
			continue;
		assert_int_equal(s.srv_status, t[i].srv);
		assert_int_equal(s.srv_domain, t[i].dom);
		assert_int_equal(s.roam, t[i].roam);
		assert_int_equal(s.sys_mode, t[i].mode);
		assert_int_equal(s.sim_state, t[i].sim);
		assert_int_equal(s.lock, t[i].lock);
		assert_int_equal(s.sys_submode, t[i].sub);
	}
}

static void
test_sys_mode_words(void **state)
{
	static const struct {
		int		mode, sub;
		const char	*name, *gen;
	} t[] = {
		{ 3, -1, "GSM", "2G" },	{ 3, 3, "GSM", "2G" },	  { 5, -1, "WCDMA", "3G" },
		{ 5, 5, "WCDMA", "3G" }, { 7, 9, "GSM/WCDMA", "3G" }, { 7, 2, "GSM/WCDMA", "2G" },
		{ 7, -1, "GSM/WCDMA", "2G/3G" }, { 0, 0, "no service", NULL },
		{ 15, 8, "TD-SCDMA", "3G" },
	};
	struct at_sysinfo s;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *g = at_sys_mode_generation(t[i].mode, t[i].sub);

		assert_string_equal(at_sys_mode_name(t[i].mode), t[i].name);
		if (t[i].gen == NULL)
			assert_null(g);
		else
			assert_string_equal(g, t[i].gen);
	}
	assert_string_equal(at_sys_submode_name(5), "HSDPA");
	assert_string_equal(at_sys_submode_name(9), "HSPA+");
	assert_null(at_sys_submode_name(42));
	/* the URCs that carry the same fields */
	assert_int_equal(at_parse_mode("^MODE:5,4", &s), 0);
	assert_int_equal(s.sys_mode, 5);
	assert_int_equal(s.sys_submode, 4);
	assert_int_equal(at_parse_mode("^MODE:3", &s), 0);
	assert_int_equal(s.sys_submode, -1);
	assert_int_equal(at_parse_mode("^MODE:", &s), -1);
	{
		int v;

		assert_int_equal(at_parse_srvst("^SRVST:2", &v), 0);
		assert_int_equal(v, 2);
		assert_int_equal(at_parse_simst("^SIMST:1,0", &v), 0);
		assert_int_equal(v, 1);
		assert_int_equal(at_parse_simst("^SIMST:255", &v), 0);
		assert_string_equal(at_sim_state_name(v), "no SIM");
		assert_int_equal(at_parse_srvst("^SRVST:a", &v), -1);
	}
	assert_int_equal(at_parse_boot("^BOOT:20952548,0,0,0,72"), 0);
	assert_int_equal(at_parse_boot("^BOOT:x"), -1);
}

static void
test_cpin(void **state)
{
	static const struct {
		const char	*line;
		int		rc;
		enum at_pin	pin;
	} t[] = {
		{ "+CPIN: READY", 0, AT_PIN_READY },	/* smsd transcript */
		{ "+CPIN:READY", 0, AT_PIN_READY },
		{ "+CPIN: SIM PIN", 0, AT_PIN_SIM_PIN },
		{ "+CPIN: SIM PUK", 0, AT_PIN_SIM_PUK },
		{ "+CPIN: SIM PIN2", 0, AT_PIN_SIM_PIN2 },
		{ "+CPIN: PH-SIM PIN", 0, AT_PIN_PH_SIM },
		{ "+CPIN: \"READY\"", 0, AT_PIN_READY },
		{ "+CPIN: SOMETHING", 0, AT_PIN_OTHER },
		{ "+CPIN:", -1, AT_PIN_OTHER },
		{ "+CPIN: READY,1", -1, AT_PIN_OTHER },
		{ "^CPIN: SIM PIN,3,10,3,10,3", -1, AT_PIN_OTHER },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum at_pin p;

		assert_int_equal(at_parse_cpin(t[i].line, &p), t[i].rc);
		if (t[i].rc == 0)
			assert_int_equal(p, t[i].pin);
	}
}

static void
test_cpms(void **state)
{
	struct at_cpms c;

	(void)state;
	/* the answer to AT+CPMS? (smsd transcript) */
	assert_int_equal(at_parse_cpms("+CPMS: \"SM\",6,30,\"SM\",6,30,\"SM\",6,30", &c), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.m[0].mem, "SM");
	assert_int_equal(c.m[2].used, 6);
	assert_int_equal(c.m[2].total, 30);
	/* the answer to AT+CPMS="ME" / AT+CPMS="SM","SM" (gammu transcript) */
	assert_int_equal(at_parse_cpms("+CPMS: 6,30,6,30,6,30", &c), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.m[1].mem, "");
	assert_int_equal(c.m[1].total, 30);
	assert_int_equal(at_parse_cpms("+CPMS: 0,50", &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(at_parse_cpms("+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\")", &c), -1);
	assert_int_equal(at_parse_cpms("+CPMS: 6,30,6", &c), -1);
	assert_int_equal(at_parse_cpms("+CPMS: \"SM\",6", &c), -1);
	assert_int_equal(at_parse_cpms("+CPMS:", &c), -1);
}

static void
test_cmti_cmgs(void **state)
{
	struct at_cmti c;
	int mr;

	(void)state;
	assert_int_equal(at_parse_cmti("+CMTI: \"SM\",0", &c), 0);
	assert_string_equal(c.mem, "SM");
	assert_int_equal(c.index, 0);
	assert_int_equal(at_parse_cmti("+CMTI: \"ME\",12", &c), 0);
	assert_int_equal(c.index, 12);
	assert_int_equal(at_parse_cmti("+CMTI: \"SM\"", &c), -1);
	assert_int_equal(at_parse_cmti("+CMTI: \"SM\",-1", &c), -1);
	assert_int_equal(at_parse_cmti("+CMTI: \"SM\",", &c), -1);
	assert_int_equal(at_parse_cmgs("+CMGS: 42", &mr), 0);	/* gammu, smsd */
	assert_int_equal(mr, 42);
	assert_int_equal(at_parse_cmgs("+CMGS: 7,\"13/01/28,14:51:42+08\"", &mr), 0);
	assert_int_equal(at_parse_cmgs("+CMGS: 256", &mr), -1);
}

static void
test_sms_headers(void **state)
{
	static const struct {
		const char	*line;
		bool		list;
		int		rc, index, stat, length;
	} t[] = {
		{ "+CMGL: 0,0,,35", true, 0, 0, 0, 35 },	/* python-gsmmodem */
		{ "+CMGL: 2,1,,159", true, 0, 2, 1, 159 },
		{ "+CMGL: 1,1,,24", true, 0, 1, 1, 24 },	/* gammu transcript */
		{ "+CMGL: 3,1,\"Bob\",51", true, 0, 3, 1, 51 },
		{ "+CMGL: 4,1,51", true, 0, 4, 1, 51 },
		{ "+CMGL: 4", true, -1, 0, 0, 0 },
		{ "+CMGL: 4,7,,51", true, -1, 0, 0, 0 },
		{ "+CMGR: 3,,29", false, 0, -1, 3, 29 },	/* gammu at-sms/02 */
		{ "+CMGR: 1,,156", false, 0, -1, 1, 156 },
		{ "+CMGR: 0,23", false, 0, -1, 0, 23 },		/* at-sms/28 */
		{ "+CMGR: 4,1,,151", false, 0, -1, 1, 151 },	/* at-sms/26 */
		{ "+CMGR: 24", false, 0, -1, -1, 24 },		/* at-sms/38 */
		{ "+CMGR: ,,92", false, 0, -1, -1, 92 },	/* at-sms/39 */
		{ "+CMGR:1,,45", false, 0, -1, 1, 45 },
		{ "+CMGR: 1,,x", false, -1, 0, 0, 0 },
		{ "+CMGR: 1,,1000", false, -1, 0, 0, 0 },
		{ "+CMGR: \"REC READ\",\"+31625044454\",,\"07/07/05,09:56:03+08\"", false, -1, 0,
		    0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct at_sms_hdr h;
		int rc = t[i].list ? at_parse_cmgl_pdu(t[i].line, &h)
				   : at_parse_cmgr_pdu(t[i].line, &h);

		if (rc != t[i].rc)
			fail_msg("%s: rc %d", t[i].line, rc);
		if (rc != 0)
			continue;
		assert_int_equal(h.index, t[i].index);
		assert_int_equal(h.stat, t[i].stat);
		assert_int_equal(h.length, t[i].length);
	}
}

static void
test_pdu_line(void **state)
{
	char hex[64];
	size_t n;

	(void)state;
	assert_int_equal(at_parse_pdu_line("0791447758100650040DD0F3", hex, sizeof(hex), &n), 0);
	assert_int_equal(n, 24);
	/* gammu at-sms/04.dump: a stray quote after the PDU */
	assert_int_equal(at_parse_pdu_line("07914487200030A6A301\"", hex, sizeof(hex), &n), 0);
	assert_string_equal(hex, "07914487200030A6A301");
	assert_int_equal(at_parse_pdu_line("  0041000b81 ", hex, sizeof(hex), &n), 0);
	assert_string_equal(hex, "0041000b81");
	/* gammu at-sms-failing/13.dump */
	assert_int_equal(at_parse_pdu_line("0BD04259303784=96p331p71160016D0", hex, sizeof(hex), &n),
	    -1);
	assert_int_equal(at_parse_pdu_line("OK", hex, sizeof(hex), &n), -1);
	assert_int_equal(at_parse_pdu_line("\"\"", hex, sizeof(hex), &n), -1);
	assert_int_equal(at_parse_pdu_line("0011", hex, 4, &n), -1);	/* does not fit */
}

static void
test_getportmode(void **state)
{
	/* ModemManager plugins/huawei/tests/test-modem-helpers-huawei.c */
	static const struct {
		const char		*line;
		size_t			n;
		enum at_port_role	roles[8];
	} t[] = {
		{ "^GETPORTMODE: TYPE: WCDMA: huawei,PCUI:0,MDM:1", 2,
		    { AT_PORT_PCUI, AT_PORT_MODEM } },
		{ "^GETPORTMODE: TYPE: WCDMA: huawei,MDM:0,PCUI:1,NDIS:2,CDROM:3,SD:4,", 5,
		    { AT_PORT_MODEM, AT_PORT_PCUI, AT_PORT_NET, AT_PORT_CDROM, AT_PORT_SD } },
		{ "^GETPORTMODE: TYPE: WCDMA: huawei,MDM:0,PCUI:1,NDIS:2,GPS:3,BT:4,", 5,
		    { AT_PORT_MODEM, AT_PORT_PCUI, AT_PORT_NET, AT_PORT_GPS, AT_PORT_BT } },
		{ "^getportmode:type:WCDMA:Qualcomm,NDIS:0,DIAG:1,PCUI:2,MDM:3,SD:4", 5,
		    { AT_PORT_NET, AT_PORT_DIAG, AT_PORT_PCUI, AT_PORT_MODEM, AT_PORT_SD } },
		{ "^GETPORTMODE: TYPE: WCDMA: ,pcui:1,modem:2,ncm:3,mass:4,mass_two:5,", 5,
		    { AT_PORT_PCUI, AT_PORT_MODEM, AT_PORT_NET, AT_PORT_SD, AT_PORT_SD } },
		{ "^GETPORTMODE: TYPE: WCDMA: huawei ,, rndis: 0, pcui: 1, c_shell: 2, a_shell: "
		  "3,3g_diag: 4, gps: 5, 4g_diag: 6, mass_two: 7", 8,
		    { AT_PORT_NET, AT_PORT_PCUI, AT_PORT_SHELL, AT_PORT_SHELL, AT_PORT_DIAG,
			AT_PORT_GPS, AT_PORT_DIAG, AT_PORT_SD } },
		{ "^GETPORTMODE: TYPE: WCDMA: huawei,,pcui:0,3g_modem:1,ncm:2,mass:3,mass_two:4", 5,
		    { AT_PORT_PCUI, AT_PORT_MODEM, AT_PORT_NET, AT_PORT_SD, AT_PORT_SD } },
		{ "^GETPORTMODE:TYPE:WCDMA:Qualcomm,MDM:0,NDIS:1,DIAG:2,PCUI:3,CDROM:4,SD:5", 6,
		    { AT_PORT_MODEM, AT_PORT_NET, AT_PORT_DIAG, AT_PORT_PCUI, AT_PORT_CDROM,
			AT_PORT_SD } },
		{ "^GETPORTMODE: TYPE: WCDMA: Huawei Technologies Co.,Ltd.,", 0, { 0 } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct at_portmode pm;
		int rc = at_parse_getportmode(t[i].line, &pm);

		assert_int_equal(rc, t[i].n > 0 ? 0 : -1);
		assert_int_equal(pm.n, t[i].n);
		for (size_t k = 0; k < pm.n; k++)
			assert_int_equal(pm.p[k].role, t[i].roles[k]);
	}
	{
		struct at_portmode pm;

		assert_int_equal(at_parse_getportmode("^GETPORTMODE: TYPE: WCDMA: huawei,MDM:0,"
						      "DIAG:1,PCUI:2,CDROM:3,SD:4", &pm), 0);
		assert_int_equal(at_portmode_find(&pm, AT_PORT_PCUI), 2);
		assert_int_equal(at_portmode_find(&pm, AT_PORT_MODEM), 0);
		assert_int_equal(at_portmode_find(&pm, AT_PORT_GPS), -1);
		assert_string_equal(pm.p[1].name, "DIAG");
		assert_int_equal(at_parse_getportmode("+CGMM: E1752", &pm), -1);
	}
}

static void
test_ident(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(at_parse_ident("huawei", "+CGMI:", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "huawei");
	assert_int_equal(at_parse_ident("+CGMM: \"E1752\" ", "+CGMM:", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "E1752");
	assert_int_equal(at_parse_ident("11.126.13.00.00", "+CGMR:", buf, sizeof(buf)), 0);
	assert_int_equal(at_parse_ident("  ", NULL, buf, sizeof(buf)), -1);
	assert_int_equal(at_parse_ident("0123456789012345678901234567890123", NULL, buf,
	    sizeof(buf)), -1);
	assert_int_equal(at_parse_imei("356938035643809", buf, sizeof(buf)), 0);	/* gammu */
	assert_string_equal(buf, "356938035643809");
	assert_int_equal(at_parse_imei("+CGSN: 356938035643809", buf, sizeof(buf)), 0);
	assert_int_equal(at_parse_imei("35693803564380X", buf, sizeof(buf)), -1);
	assert_int_equal(at_parse_imei("1234", buf, sizeof(buf)), -1);
}

static void
test_fields(void **state)
{
	struct at_fields f;
	char many[200];
	size_t n = 0;

	(void)state;
	assert_int_equal(at_split_fields("+X: a, \"b,c\" ,,d", "+X:", &f), 0);
	assert_int_equal(f.n, 4);
	assert_int_equal(f.f[1].len, 3);
	assert_true(f.f[1].quoted);
	assert_memory_equal(f.f[1].p, "b,c", 3);
	assert_int_equal(f.f[2].len, 0);
	assert_int_equal(at_split_fields("+X: \"open", "+X:", &f), -1);
	assert_int_equal(at_split_fields("+X: \"a\"b", "+X:", &f), -1);
	assert_int_equal(at_split_fields("+Y: 1", "+X:", &f), -1);
	assert_int_equal(at_split_fields("+X:", "+X:", &f), 0);
	assert_int_equal(f.n, 0);
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%d,", i);
	assert_int_equal(at_split_fields(many, NULL, &f), -1);	/* too many */
}

/* The typed readers of one field. */
static void
test_field_values(void **state)
{
	struct at_field f = { "002", 3, false };
	char out[8];
	int v = -1;

	(void)state;
	assert_true(at_field_int(&f, 0, 5, &v));
	assert_int_equal(v, 2);
	assert_false(at_field_int(&f, 3, 5, &v));	/* out of range */
	f = (struct at_field){ "1a", 2, false };
	assert_false(at_field_int(&f, 0, 99, &v));
	f = (struct at_field){ "", 0, false };
	assert_false(at_field_int(&f, 0, 99, &v));
	f = (struct at_field){ "1234567890", 10, false };
	assert_false(at_field_int(&f, 0, 2147483647, &v));	/* more than 9 digits */
	f = (struct at_field){ "SM\"junk", 2, true };
	assert_int_equal(at_field_str(&f, out, sizeof(out)), 0);
	assert_string_equal(out, "SM");
	assert_int_equal(at_field_str(&f, out, 2), -1);	/* no room for the NUL */
	f = (struct at_field){ "a\tb", 3, true };
	assert_int_equal(at_field_str(&f, out, sizeof(out)), -1);	/* a control byte */
}

static void
test_find_line(void **state)
{
	static const char *const lines[] = { "^RSSI:12", "+cmgs: 42", "+CMGS: 43" };
	struct at_reply r;

	(void)state;
	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < 3; i++) {
		size_t len = strlen(lines[i]);

		r.off[r.nlines++] = (uint16_t)r.used;
		memcpy(r.buf + r.used, lines[i], len + 1);
		r.used += len + 1;
	}
	assert_string_equal(at_find_line(&r, "+CMGS:"), "+cmgs: 42");	/* the first, any case */
	assert_string_equal(at_find_line(&r, "^RSSI:"), "^RSSI:12");
	assert_null(at_find_line(&r, "+CSQ:"));
	r.nlines = 0;
	assert_null(at_find_line(&r, "^RSSI:"));
}

static void
test_error_texts(void **state)
{
	(void)state;
	assert_string_equal(at_cme_text(10), "SIM not inserted");
	assert_string_equal(at_cme_text(16), "incorrect password");
	assert_null(at_cme_text(9999));
	assert_string_equal(at_cms_text(321), "invalid memory index");
	assert_string_equal(at_cms_text(330), "SMSC address unknown");
	assert_null(at_cms_text(1));
	{
		bool body;

		assert_int_equal(at_urc_kind("+CMTI: \"SM\",1", &body), AT_URC_CMTI);
		assert_false(body);
		assert_int_equal(at_urc_kind("+CMT: ,24", &body), AT_URC_CMT);
		assert_true(body);
		assert_int_equal(at_urc_kind("^DSFLOWRPT:00000006,00000000,00000000,"
					     "0000000000000A3A,0000000000000736,0003E800,0003E800",
		    &body), AT_URC_DSFLOWRPT);
		assert_int_equal(at_urc_kind("RINGING", &body), AT_URC_OTHER);
		assert_int_equal(at_urc_kind("^CEND:1,0,104,16", &body), AT_URC_CEND);
		assert_int_equal(at_urc_kind("+CSQ: 1,2", &body), AT_URC_OTHER);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csq),
		cmocka_unit_test(test_rssi),
		cmocka_unit_test(test_creg),
		cmocka_unit_test(test_cops),
		cmocka_unit_test(test_sysinfo),
		cmocka_unit_test(test_sys_mode_words),
		cmocka_unit_test(test_cpin),
		cmocka_unit_test(test_cpms),
		cmocka_unit_test(test_cmti_cmgs),
		cmocka_unit_test(test_sms_headers),
		cmocka_unit_test(test_pdu_line),
		cmocka_unit_test(test_getportmode),
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_field_values),
		cmocka_unit_test(test_find_line),
		cmocka_unit_test(test_error_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
