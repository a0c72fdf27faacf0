#!/bin/sh
# make demo: the appliances on simulated hardware, saying what they do.
#   DEMO_SECONDS=N  stop by itself after N seconds (default: run until Ctrl-C)
# Every process started here is stopped by its PID on the way out.
set -u
bin=${1:-build/bin}
secs=${DEMO_SECONDS:-0}
dir=$(mktemp -d "${TMPDIR:-/tmp}/outpost-demo.XXXXXX")
pids=""

say() { printf '\n== %s\n' "$*"; }
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$dir"
	say "demo stopped; all its processes are gone"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

say "GPS: starting gpssim, a simulated MTK3339 receiver at 9600 baud on $dir/gps0"
"$bin/gpssim" --pty "$dir/gps0" --baud 9600 &
pids="$pids $!"
i=0
while [ ! -e "$dir/gps0" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

say "GPS: outpost gps sentence PMTK251,57600 (what the receiver will be sent)"
"$bin/outpost" gps sentence PMTK251,57600

say "GPS: outpost gps configure $dir/gps0 --baud 57600 --sentences RMC,ZDA --rate 1"
"$bin/outpost" gps configure "$dir/gps0" --baud 57600 --sentences RMC,ZDA --rate 1 ||
	{ echo "demo: configure failed"; exit 1; }

if [ "$secs" -gt 0 ]; then
	say "GPS: decoding what the receiver says at 57600 baud for $secs s (outpost nmea decode)"
else
	say "GPS: decoding what the receiver says at 57600 baud (outpost nmea decode); Ctrl-C stops"
fi
(
	stty 57600 raw -echo 2>/dev/null
	exec "$bin/outpost" nmea decode -
) <"$dir/gps0" &
dec=$!
pids="$dec $pids"
if [ "$secs" -gt 0 ]; then
	sleep "$secs"
else
	wait "$dec"
fi
