#!/usr/bin/env bash
# stratumd's exports for people who keep their chronyd: a real chronyd
# (-Q: measure and print, never set the clock) takes our samples from the
# chrony SOCK socket and from an NTP SHM segment and finds the clock right;
# the statistics files are in ntpd's formats.
. "$(dirname "$0")/lib.sh"

command -v chronyd >/dev/null || sh "$OUTPOST_TOP/scripts/deps.sh" check >/dev/null
unit=$(( 100 + $$ % 100 ))            # a high SHM unit no real daemon uses
shm_key=$(( 0x4e545030 + unit ))
trap '_cleanup; ipcrm -M $shm_key 2>/dev/null' EXIT

port=$(( 20000 + $$ % 20000 ))
cat >"$T/stratumd.conf" <<CONF
gps $T/gps0
pps-socket $T/pps.sock
listen 127.0.0.1
port $port
ratelimit off
clock-control no
statedir $T
control $T/control.sock
export-sock $T/chrony.sock
export-shm $unit
statsdir $T
statistics loopstats peerstats clockstats
CONF

spawn gpssim --pty "$T/gps0" --pps-socket "$T/pps.sock"
wait_for 5 test -e "$T/gps0"
spawn stratumd -d -x -f "$T/stratumd.conf" 2>"$T/stratumd.log"
locked() {
	outpost status --json --stratumd "$T/control.sock" 2>/dev/null |
	    grep -q '"state":"locked"'
}
check "stratumd locks to gpssim's PPS" wait_for 90 locked

# chronyd -Q prints "System clock wrong by X seconds (ignored)" once it has
# a source; X must be tiny: both read the same system clock.
offset_from() { sed -n 's/.*System clock wrong by \(-\{0,1\}[0-9.]*\) seconds.*/\1/p' "$1"; }
small() { awk -v x="$1" 'BEGIN { exit !(x != "" && x > -0.0001 && x < 0.0001) }'; }

timeout 60 chronyd -Q -u root -t 50 \
    "refclock SOCK $T/chrony.sock refid GPS poll 2 filter 4" >"$T/sock.log" 2>&1
o=$(offset_from "$T/sock.log")
if small "$o"; then ok "chronyd takes our SOCK samples: clock wrong by $o s"
else not_ok "chronyd takes our SOCK samples (got '$o')"; sed 's/^/# /' "$T/sock.log"; fi

timeout 30 chronyd -Q -u root -t 20 "refclock SHM $unit refid SHM poll 0" >"$T/shm.log" 2>&1
o=$(offset_from "$T/shm.log")
if small "$o"; then ok "chronyd reads our SHM segment: clock wrong by $o s"
else not_ok "chronyd reads our SHM segment (got '$o')"; sed 's/^/# /' "$T/shm.log"; fi

mjd=$(( $(date -u +%s) / 86400 + 40587 ))
day=$(date -u +%Y%m%d)
for f in loopstats peerstats clockstats; do
	check "$f.$day written" test -s "$T/$f.$day"
done
fields() { awk '{ print NF }' "$1" | sort -u | tr '\n' ' '; }
expect_eq "loopstats lines have ntpd's 7 fields" "7 " "$(fields "$T/loopstats.$day")"
expect_eq "peerstats lines have ntpd's 8 fields" "8 " "$(fields "$T/peerstats.$day")"
expect_eq "lines start with today's MJD" "$mjd" "$(tail -n 1 "$T/loopstats.$day" | cut -d' ' -f1)"
# ntpd's names and status words: PPS as driver 22, in use ('o': sel 7, 0x97..),
# NMEA as driver 20 (reachable, configured).
check "peerstats names PPS as ntpd's driver 22, in use (97xx)" \
    grep -q "^$mjd [0-9.]* 127.127.22.0 97[0-9a-f][0-9a-f] " "$T/peerstats.$day"
check "peerstats names NMEA as ntpd's driver 20 (9xxx)" \
    grep -q "^$mjd [0-9.]* 127.127.20.0 9[0-9a-f][0-9a-f][0-9a-f] " "$T/peerstats.$day"
check "clockstats holds the receiver's RMC sentences" \
    grep -q "^$mjd [0-9.]* 127.127.20.0 \$GPRMC," "$T/clockstats.$day"
# once locked, the offsets logged are microseconds, not milliseconds
last=$(tail -n 1 "$T/loopstats.$day" | cut -d' ' -f3)
if small "$last"; then ok "loopstats offset after lock is small ($last s)"
else not_ok "loopstats offset after lock is small ($last s)"; fi
done_testing
