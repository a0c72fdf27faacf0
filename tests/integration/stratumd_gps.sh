#!/usr/bin/env bash
# stratumd on gpssim (an MTK3339 on a pty, PPS on a chrony SOCK socket):
# it locks to PPS, answers NTP as stratum 1 refid PPS, calibrates the NMEA
# delay to what the receiver really does (at 9600 and 57600 baud), saves
# it, reports the fix; its example configuration passes -n and a broken one
# is reported with file:line.  The clock is never touched: -x throughout.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/stratumd_lib.sh"

# ---- configuration checks ----

out=$(stratumd -n -f "$OUTPOST_TOP/etc/stratumd.conf" 2>&1)
expect_eq "the example etc/stratumd.conf passes stratumd -n" 0 $?
printf 'gps /dev/null\nlisten 127.0.0.1\nport 0\nstatedir /tmp\n' >"$T/bad.conf"
out=$(stratumd -n -f "$T/bad.conf" 2>&1)
rc=$?
case $rc:$out in
1:*"$T/bad.conf:3"*) ok "a configuration error is reported as file:line, exit 1" ;;
*) not_ok "a configuration error is reported as file:line, exit 1 (exit $rc, '$out')" ;;
esac
printf 'gps /dev/null\nholdover 5s\n' >"$T/bad2.conf"
out=$(stratumd -n -f "$T/bad2.conf" 2>&1)
rc=$?
case $rc:$out in
1:*"$T/bad2.conf:2"*"10s"*) ok "holdover below 10s is refused at its line" ;;
*) not_ok "holdover below 10s is refused at its line (exit $rc, '$out')" ;;
esac

# ---- 9600 baud, NMEA 0.3 s after the edge ----

# What gpssim says the host could have measured: the delay from each edge
# to the start of the burst's first character (the host counts back to it
# from when it read it), as gpssim actually sent them (late timers
# included), over the bursts the host heard, by the host's own estimator:
# like compared with like, whatever the load.
seen() { sim status | sed -n 's/.* nmea_seen=\([0-9.]*\) .*/\1/p'; }
# calibrated_near: the calibration is what gpssim did plus the host's own
# latency in reading it, which the simulator cannot see (here 0 to 1.3 ms,
# more in the sanitizer build): never earlier than the character started
# (0.2 ms for rounding), at most 2 ms later.
calibrated_near() {
	local v
	v=$(seen)
	[ -n "$v" ] && st_cmp nmea_delay.seconds "-0.0002 < x - $v < 0.002"
}

run() { # baud delay expected-calibration
	local baud=$1 delay=$2 want=$3 line v
	GPS_BAUD=$baud write_conf
	rm -f "$T/nmea-delay"
	start_pair --baud "$baud" --nmea-delay "$delay"

	if wait_for 60 st_is sync.state locked; then
		ok "$baud baud: locked within 60 s"
	else
		not_ok "$baud baud: locked within 60 s (state $(st sync.state))"
		show_logs
	fi
	line=$(ntp_line)
	case " $line " in
	*" li=0 mode=4 stratum=1 refid=PPS "*"origin_ok=1 "*) ok "$baud baud: NTP answer is stratum 1, refid PPS, LI 0, origin echoed" ;;
	*) not_ok "$baud baud: NTP answer is stratum 1, refid PPS, LI 0, origin echoed ($line)" ;;
	esac
	v=$(ntp dt)
	python3 -c "import sys; sys.exit(0 if abs(float(sys.argv[1])) < 1 else 1)" "$v" 2>/dev/null &&
		ok "$baud baud: served time within 1 s of the system clock ($v)" ||
		not_ok "$baud baud: served time within 1 s of the system clock ($v)"
	check "$baud baud: PPS edges used" wait_for 10 st_cmp pps.used "x >= 5"
	expect_eq "$baud baud: PPS in use" true "$(st pps.in_use)"
	expect_eq "$baud baud: 9 satellites reported" 9 "$(st gps.sats)"
	expect_eq "$baud baud: fix status A" a "$(st gps.status | tr A-Z a-z)"
	expect_eq "$baud baud: GGA quality 1" 1 "$(st gps.quality)"
	if wait_for 40 calibrated_near; then
		ok "$baud baud: NMEA delay calibrated from what gpssim sent ($(st nmea_delay.seconds), gpssim $(seen), nominal $want)"
	else
		not_ok "$baud baud: NMEA delay calibrated from what gpssim sent ($(st nmea_delay.seconds), gpssim $(seen), nominal $want)"
	fi
	# gpssim used the delay it was given (its own lateness, which
	# scheduling moves, is only bounded loosely here).
	check "$baud baud: gpssim sent the bursts at the delay given (nmea_seen $(seen) vs $want s)" \
	    python3 -c "import sys; sys.exit(0 if 0 <= float(sys.argv[1]) - ($want) < 0.02 else 1)" "$(seen)"
	# The file is rewritten when the calibration moves by more than 0.5 ms.
	v=$(st nmea_delay.seconds)
	if wait_for 20 test -s "$T/nmea-delay" &&
	    python3 -c "import sys; sys.exit(0 if abs(float(open(sys.argv[1]).read()) - $v) < 0.0006 else 1)" \
	    "$T/nmea-delay"; then
		ok "$baud baud: the nmea-delay state file holds it ($(cat "$T/nmea-delay"))"
	else
		not_ok "$baud baud: the nmea-delay state file holds it ($(cat "$T/nmea-delay" 2>&1), calibrated $v)"
	fi
	check "$baud baud: |offset| below 1 ms" st_cmp sync.offset "abs(x) < 0.001"
	check "$baud baud: stratumd still running" alive
	stop_pair
}

# At 9600 baud the first character is whole 1.04 ms after the burst
# starts: that is when the host can first see it, so the calibration is
# the delay plus one character time.  At 57600 that is 0.17 ms.
run 9600 0.3 0.3
run 57600 0.8 0.8

check "no sanitizer report in the logs" no_sanitizer_report
[ $_tap_fail -ne 0 ] && show_logs
done_testing
