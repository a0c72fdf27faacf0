#!/usr/bin/env bash
# stratumd on gpssim (an MTK3339 on a pty, PPS on a chrony SOCK socket):
# it locks to PPS, answers NTP as stratum 1 refid PPS, calibrates the NMEA
# delay to what the receiver really does (at 9600 and 57600 baud), saves
# it, reports the fix; its example configuration passes -n and a broken one
# is reported with file:line.  The clock is never touched: -x throughout.
. "$(dirname "$0")/lib.sh"

need() { # command what-for
	command -v "$1" >/dev/null 2>&1 && return 0
	not_ok "$1 is installed ($2)"
	done_testing
}
need python3 "the NTP client and JSON reader below"

# A 48-byte mode 3 request to 127.0.0.1:PORT; prints the answer's fields
# as "key=value" words, or "none" when nothing valid came back.
cat >"$T/ntp.py" <<'EOF'
import os, socket, struct, sys, time
NTP_UNIX = 2208988800
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
org = os.urandom(8)
req = bytes([0 << 6 | 4 << 3 | 3]) + bytes(39) + org
s.sendto(req, ("127.0.0.1", port))
try:
    d, _ = s.recvfrom(1024)
except socket.timeout:
    print("none"); sys.exit(0)
now = time.time()
if len(d) < 48:
    print("none"); sys.exit(0)
li, vn, mode = d[0] >> 6, d[0] >> 3 & 7, d[0] & 7
stratum = d[1]
rdisp = struct.unpack("!I", d[8:12])[0] / 65536.0
refid = d[12:16].rstrip(b"\0").decode("ascii", "replace")
xmt = struct.unpack("!Q", d[40:48])[0] / 2**32 - NTP_UNIX
print("li=%d mode=%d stratum=%d refid=%s rootdisp=%.6f origin_ok=%d dt=%.6f" %
      (li, mode, stratum, refid or "-", rdisp, d[24:32] == org, xmt - now))
EOF
# ntp FIELD: one field of an answer from stratumd ("none" if no answer)
ntp() {
	local out
	out=$(python3 "$T/ntp.py" "$port")
	[ "$out" = none ] && { echo none; return; }
	tr ' ' '\n' <<<"$out" | sed -n "s/^$1=//p"
}
ntp_line() { python3 "$T/ntp.py" "$port"; }

# st PATH: a value from stratumd's status (e.g. st sync.state)
st() {
	outpost status --json --stratumd "$T/control.sock" 2>/dev/null | python3 -c '
import json, sys
try:
    v = json.load(sys.stdin)
    for k in sys.argv[1].split("."):
        v = v[k]
except Exception:
    print("?"); sys.exit(0)
print(str(v).lower() if isinstance(v, bool) else v)' "$1"
}
# st_is PATH VALUE / st_cmp PATH PYTHON-EXPR-OF-x
st_is() { [ "$(st "$1")" = "$2" ]; }
st_cmp() {
	local v
	v=$(st "$1")
	python3 -c "import sys; x=float(sys.argv[1]); sys.exit(0 if ($2) else 1)" "$v" 2>/dev/null
}

# sim CMD...: a command to gpssim's control socket; prints its answer.
sim() {
	python3 - "$T/sim.sock" "$*" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
print(s.makefile().readline().rstrip("\n"))
EOF
}
sim_ok() { local a; a=$(sim "$@"); [ "${a%% *}" = ok ] || { echo "# gpssim: $* -> $a"; return 1; }; }

free_port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# write_conf [extra directives...]
write_conf() {
	port=$(free_port)
	{
		echo "gps $T/gps0 ${GPS_BAUD:-9600}"
		echo "pps-socket $T/pps.sock"
		echo "listen 127.0.0.1"
		echo "port $port"
		echo "ratelimit off"
		echo "statedir $T"
		echo "control $T/control.sock"
		echo "clock-control no"
		for l in "$@"; do echo "$l"; done
	} >"$T/stratumd.conf"
}

# start_pair [gpssim options...]: gpssim, then stratumd -x on it.
start_pair() {
	rm -f "$T/gps0" "$T/sim.sock" "$T/control.sock"
	spawn gpssim --pty "$T/gps0" --pps-socket "$T/pps.sock" --control "$T/sim.sock" \
	    --seed 11 -v "$@" 2>>"$T/sim.log"
	sim_pid=$LAST_PID
	wait_for 5 test -S "$T/sim.sock" || { not_ok "gpssim starts"; done_testing; }
	spawn stratumd -d -x -f "$T/stratumd.conf" 2>>"$T/stratumd.log"
	sd_pid=$LAST_PID
	wait_for 5 test -S "$T/control.sock" || { not_ok "stratumd starts"; show_logs; done_testing; }
}
stop_pair() {
	stop_pid "$sd_pid"
	stop_pid "$sim_pid"
}
alive() { kill -0 "$sd_pid" 2>/dev/null; }
show_logs() {
	echo "# stratumd log:"; tail -n 25 "$T/stratumd.log" | sed 's/^/# /'
	echo "# gpssim log:"; tail -n 15 "$T/sim.log" | sed 's/^/# /'
}
no_sanitizer_report() {
	! grep -Eq 'Sanitizer|runtime error' "$T/stratumd.log" "$T/sim.log"
}

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

# calibrated_near WANT: the calibration is within 1 ms of WANT
calibrated_near() { st_cmp nmea_delay.seconds "abs(x - ($1)) < 0.001"; }

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
	if wait_for 40 calibrated_near "$want"; then
		ok "$baud baud: NMEA delay calibrated within 1 ms of $want s ($(st nmea_delay.seconds))"
	else
		not_ok "$baud baud: NMEA delay calibrated within 1 ms of $want s ($(st nmea_delay.seconds))"
	fi
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
run 9600 0.3 "0.3 + 10 / 9600"
run 57600 0.8 0.8

check "no sanitizer report in the logs" no_sanitizer_report
[ $_tap_fail -ne 0 ] && show_logs
done_testing
