#!/usr/bin/env bash
# outpost gps sentence|send|configure against gpssim (an MTK3339 on a pty),
# and gpssim's own faithfulness: acks, query replies, bad checksums ignored,
# garbage at the wrong speed, the speed switch, probing for the speed.
. "$(dirname "$0")/lib.sh"

# ---- outpost gps sentence: exact checksums, usage errors ----

expect_eq "sentence PMTK251,57600" '$PMTK251,57600*2C' "$(outpost gps sentence PMTK251,57600)"
expect_eq "sentence with a leading \$" '$PMTK605*31' "$(outpost gps sentence '$PMTK605')"
expect_eq "sentence PMTK220,1000" '$PMTK220,1000*1F' "$(outpost gps sentence PMTK220,1000)"
# A body from a real MT3339 capture, with the checksum the receiver sent.
real=$(grep -a '^\$GPZDA,202640.000' "$CORPUS/nmea/mt3339.log" | tr -d '\r')
body=${real#\$}
body=${body%\**}
expect_eq "sentence reproduces a real receiver's checksum" "$real" "$(outpost gps sentence "$body")"

usage_error() { # what args...
	local what=$1 out rc
	shift
	out=$(outpost gps sentence "$@" 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && [ -n "$out" ]; then ok "sentence rejects $what (exit 2)"
	else not_ok "sentence rejects $what (exit $rc, '$out')"; fi
}
usage_error "a '*' in the body" 'PMTK220,1000*1F'
usage_error "a '\$' inside" 'PMTK220$1000'
usage_error "an empty body" ''
usage_error "a bare '\$'" '$'
usage_error "a CR" "$(printf 'PMTK220,1000\r')"
usage_error "a LF" "$(printf 'PMTK220\n1000')"
usage_error "a control byte" "$(printf 'PMTK\001220')"
usage_error "a body too long" "$(printf 'A%.0s' $(seq 300))"
usage_error "a missing body"
usage_error "two bodies" A B
outpost gps frobnicate >/dev/null 2>&1
expect_eq "unknown gps subcommand exits 2" 2 $?

# ---- gpssim at 9600 baud ----

dev=$T/gps
spawn gpssim --pty "$dev" -v 2>"$T/sim.log"
sim=$LAST_PID
check "gpssim creates its pty link" wait_for 5 test -L "$dev"

send() { # expected-rc expected-stdout args...
	local rc_want=$1 out_want=$2 out rc
	shift 2
	out=$(outpost gps send "$@" 2>"$T/err")
	rc=$?
	if [ $rc -eq "$rc_want" ] && [ "$out" = "$out_want" ]; then ok "send $* -> $out_want"
	else not_ok "send $* (exit $rc, want $rc_want; '$out'; $(cat "$T/err"))"; fi
}
send 0 "PMTK220: succeeded" "$dev" PMTK220,1000
send 1 "PMTK999: unsupported" "$dev" PMTK999
send 1 "PMTK220: invalid" "$dev" PMTK220,50
send 1 "PMTK251: invalid" "$dev" PMTK251,12345
send 1 "PMTK314: invalid" "$dev" PMTK314,9,9
send 0 "PMTK314: succeeded" "$dev" '$PMTK314,-1'
send 0 "PMTK225: succeeded" "$dev" PMTK225,0
send 0 "PMTK101: succeeded" "$dev" PMTK101 --timeout 3
out=$(outpost gps send "$dev" PMTK605 2>&1)
case $out in
'$PMTK705,AXN_2.31_3339_13101700,5870,PA6H,1.0*'??) ok "PMTK605 answered by PMTK705" ;;
*) not_ok "PMTK605 answered by PMTK705 ('$out')" ;;
esac
# The receiver refuses a rate its line cannot carry: 10 Hz of the default
# sentences at 9600 baud.
send 1 "PMTK220: failed" "$dev" PMTK220,100
out=$(outpost gps send "$dev" GPTXT,hello)
expect_eq "a non-PMTK body is sent without waiting" \
    'sent $GPTXT,hello*01 (not a PMTK command: no acknowledgement expected)' "$out"

# A command with a wrong checksum gets no answer at all, while NMEA flows.
( printf '$PMTK220,1000*00\r\n'; sleep 2.5 ) |
	timeout 5 socat -t 3 - "FILE:$dev,b9600,raw,echo=0" >"$T/badcs" 2>/dev/null
if grep -aq '^\$GPRMC' "$T/badcs" && ! grep -aq 'PMTK001' "$T/badcs"; then
	ok "bad checksum: ignored, no acknowledgement"
else
	not_ok "bad checksum: ignored, no acknowledgement ($(grep -ac . "$T/badcs") lines)"
fi

# ---- timeout: a port where nothing answers ----

spawn socat pty,link="$T/dead",raw,echo=0 pty,link="$T/other",raw,echo=0
check "socat pty pair" wait_for 5 test -L "$T/dead"
start=$(date +%s)
out=$(outpost gps send "$T/dead" PMTK220,1000 --timeout 1 2>&1)
rc=$?
expect_eq "send to a silent port exits 1" 1 $rc
case $out in
*"no acknowledgement for PMTK220"*"nothing received"*) ok "silent port: says no acknowledgement arrived" ;;
*) not_ok "silent port: says no acknowledgement arrived ('$out')" ;;
esac
[ $(( $(date +%s) - start )) -le 3 ] && ok "silent port: gives up after --timeout" ||
	not_ok "silent port: gives up after --timeout"

# ---- configure: speed switch, sentences, rate, verification ----

out=$(outpost gps configure "$dev" --baud 57600 --sentences RMC,ZDA --rate 1 2>&1)
rc=$?
expect_eq "configure --baud 57600 --sentences RMC,ZDA --rate 1 exits 0" 0 $rc
case $out in
*"switching the receiver to 57600 baud"*"succeeded"*"RMC ZDA, as asked"*) ok "configure says each step" ;;
*) not_ok "configure says each step ('$out')" ;;
esac

timeout 4 socat -u "FILE:$dev,b57600,raw,echo=0" STDOUT >"$T/at57600" 2>/dev/null
tr -d '\r' <"$T/at57600" | grep -a '^\$' >"$T/lines57600"
kinds=$(sed -n 's/^\$GP\([A-Z][A-Z][A-Z]\),.*/\1/p' "$T/lines57600" | sort -u | tr '\n' ' ')
expect_eq "at 57600 only RMC and ZDA arrive" "RMC ZDA " "$kinds"
bad=0
n=0
while IFS= read -r line; do
	case $line in *'*'??) ;; *) continue ;; esac
	b=${line#\$}
	b=${b%\**}
	[ "$(outpost gps sentence "$b")" = "$line" ] || bad=$((bad + 1))
	n=$((n + 1))
done <"$T/lines57600"
[ $n -ge 4 ] && [ $bad -eq 0 ] && ok "at 57600 every sentence has a good checksum ($n)" ||
	not_ok "at 57600 every sentence has a good checksum ($bad bad of $n)"

timeout 3 socat -u "FILE:$dev,b9600,raw,echo=0" STDOUT >"$T/at9600" 2>/dev/null
size=$(wc -c <"$T/at9600")
if [ "$size" -gt 0 ] && ! grep -aq '\$GP' "$T/at9600"; then
	ok "at 9600 after the switch: garbage only ($size bytes)"
else
	not_ok "at 9600 after the switch: garbage only ($size bytes, $(grep -ac '\$GP' "$T/at9600") sentences)"
fi
out=$(outpost gps send "$dev" PMTK605 --timeout 2 2>&1)
rc=$?
case $rc:$out in
1:*"no valid NMEA received at 9600 baud: is the receiver at another speed?"*)
	ok "send at the old speed suggests the speed is wrong" ;;
*) not_ok "send at the old speed suggests the speed is wrong (exit $rc, '$out')" ;;
esac
out=$(outpost gps send "$dev" PMTK605 --baud 57600 2>&1)
case $out in
'$PMTK705,'*) ok "send at the new speed is answered" ;;
*) not_ok "send at the new speed is answered ('$out')" ;;
esac

# Usage errors are caught before the port is touched.
outpost gps configure "$dev" --sentences RMC,XYZ >/dev/null 2>&1
expect_eq "configure rejects an unknown sentence (exit 2)" 2 $?
outpost gps configure "$dev" --baud 12345 >/dev/null 2>&1
expect_eq "configure rejects a non-MTK speed (exit 2)" 2 $?
outpost gps configure "$dev" --rate 11 >/dev/null 2>&1
expect_eq "configure rejects --rate 11 (exit 2)" 2 $?
outpost gps send "$dev" PMTK605 --bogus 1 >/dev/null 2>&1
expect_eq "send rejects an unknown option (exit 2)" 2 $?

# ---- probing: a receiver already at 57600, looked for at 9600 ----

dev2=$T/gps57
spawn gpssim --pty "$dev2" --baud 57600 --seed 7 -v 2>"$T/sim57.log"
sim2=$LAST_PID
check "second gpssim at 57600" wait_for 5 test -L "$dev2"
out=$(outpost gps send "$dev2" PMTK605 --timeout 2 2>&1)
case $out in
*"no valid NMEA received at 9600 baud"*) ok "a receiver at 57600 is garbage at 9600" ;;
*) not_ok "a receiver at 57600 is garbage at 9600 ('$out')" ;;
esac
out=$(outpost gps configure "$dev2" --from-baud 9600 --baud 9600 2>&1)
rc=$?
expect_eq "configure finds the receiver by probing, exit 0" 0 $rc
case $out in
*"found the receiver at 57600 baud"*"switching the receiver to 9600 baud"*) ok "configure reports the speed it found" ;;
*) not_ok "configure reports the speed it found ('$out')" ;;
esac
# The receiver refuses what it cannot do, and configure says so: 10 Hz of
# the default sentences does not fit 9600 baud.
out=$(outpost gps configure "$dev2" --rate 10 2>&1)
rc=$?
case $rc:$out in
1:*"PMTK220,100"*"failed"*) ok "configure: 10 Hz at 9600 baud is refused, exit 1" ;;
*) not_ok "configure: 10 Hz at 9600 baud is refused, exit 1 (exit $rc, '$out')" ;;
esac
send 0 "PMTK220: succeeded" "$dev2" PMTK220,1000

# ---- clean exit ----

kill "$sim"
wait "$sim"
expect_eq "gpssim exits 0 on SIGTERM" 0 $?
kill -INT "$sim2"
wait "$sim2"
expect_eq "gpssim exits 0 on SIGINT" 0 $?
check "gpssim removes its link on SIGTERM" test ! -e "$dev"
check "second gpssim removes its link" test ! -e "$dev2"
check "gpssim logged no sanitizer report" \
    bash -c "! grep -Eq 'Sanitizer|runtime error' '$T/sim.log' '$T/sim57.log'"
if [ $_tap_fail -ne 0 ]; then
	echo "# gpssim log:"; sed 's/^/# /' "$T/sim.log" | tail -n 30
fi
done_testing
