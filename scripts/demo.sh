#!/bin/sh
# make demo: the appliance on simulated hardware, saying what it does.
#   DEMO_SECONDS=N  stop by itself after N seconds (default: run until Ctrl-C)
#
# First the out-of-band half (scripts/demo_oobm.sh, ~10 s, root only): an
# SMS with a one-time code brings up the cellular link and the reverse ssh
# tunnel, the owner logs in through the relay, another SMS takes it down.
# Then the time half, until DEMO_SECONDS or Ctrl-C: gpssim plays an
# MTK3339 receiver with its PPS; outpost gps configures it; stratumd (clock
# control off: the machine's clock is never touched) locks to the pulses
# and answers NTP on 127.0.0.1 port 12300, which a small client asks every
# few seconds.  Every process started here is stopped by its PID on the
# way out.
set -u
bin=${1:-build/bin}
secs=${DEMO_SECONDS:-0}
port=12300
dir=$(mktemp -d "${TMPDIR:-/tmp}/outpost-demo.XXXXXX")
pids=""
start=$(date +%s)

say() { printf '\n== %s\n' "$*"; }
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$dir"
	say "demo stopped; all its processes are gone"
}
trap cleanup EXIT
trap 'exit 0' INT TERM
time_left() { [ "$secs" -eq 0 ] || [ $(($(date +%s) - start)) -lt "$secs" ]; }
command -v python3 >/dev/null 2>&1 ||
	{ echo "demo: python3 is needed for the NTP client (sh scripts/deps.sh demo)"; exit 1; }

# ---- the out-of-band half, stopped by its PID if DEMO_SECONDS runs out ----

sh "$(dirname "$0")/demo_oobm.sh" "$bin" &
oobm=$!
pids="$pids $oobm"
while kill -0 "$oobm" 2>/dev/null; do
	if ! time_left; then
		say "DEMO_SECONDS is up: stopping the OOBM half"
		kill "$oobm"
		wait "$oobm"
		exit 0
	fi
	sleep 0.2
done
wait "$oobm" || echo "demo: the OOBM half failed (above); the time half follows"

# ---- the receiver ----

say "GPS: gpssim, a simulated MTK3339 at 9600 baud on $dir/gps0, PPS to $dir/pps.sock"
"$bin/gpssim" --pty "$dir/gps0" --baud 9600 --pps-socket "$dir/pps.sock" 2>"$dir/gpssim.log" &
pids="$pids $!"
i=0
while [ ! -e "$dir/gps0" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

say "GPS: outpost gps configure $dir/gps0 --baud 57600 --sentences RMC,GGA,ZDA --rate 1"
"$bin/outpost" gps configure "$dir/gps0" --baud 57600 --sentences RMC,GGA,ZDA --rate 1 ||
	{ echo "demo: configure failed"; exit 1; }

say "GPS: what the receiver says now: 9 sentences, decoded (outpost nmea decode)"
(
	stty 57600 raw -echo 2>/dev/null
	exec timeout 10 head -n 9
) <"$dir/gps0" | "$bin/outpost" nmea decode -

# ---- the time server ----

cat >"$dir/stratumd.conf" <<EOF
gps $dir/gps0 57600
pps-socket $dir/pps.sock
listen 127.0.0.1
port $port
statedir $dir
control $dir/control.sock
EOF
say "NTP: stratumd -d -x (clock control off) on 127.0.0.1 port $port; its log follows"
"$bin/stratumd" -d -x -f "$dir/stratumd.conf" &
sd=$!
pids="$sd $pids"

# An NTP client in a dozen lines: one request, the answer in words.
cat >"$dir/ask.py" <<'EOF'
import socket, struct, sys, time
U = 2208988800
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
t1 = time.time()
s.sendto(b"\x23" + bytes(39) + struct.pack("!Q", int((t1 + U) * 2**32)), ("127.0.0.1", int(sys.argv[1])))
try:
    r = s.recv(512)
except socket.timeout:
    sys.exit("ntp: no answer")
t4 = time.time()
li, st = r[0] >> 6, r[1]
t2, t3 = (v / 2**32 - U for v in struct.unpack("!QQ", r[32:48]))
ref = r[12:16].rstrip(b"\0").decode("ascii", "replace") if st <= 1 or st == 16 else ".".join(map(str, r[12:16]))
off, delay = ((t2 - t1) + (t3 - t4)) / 2, (t4 - t1) - (t3 - t2)
print("ntp: asked 127.0.0.1:%s: stratum %d, refid %s, LI %d%s, offset %+.6f s, delay %.6f s"
      % (sys.argv[1], st, ref, li, " (unsynchronised)" if li == 3 else "", off, delay))
EOF

# The daemon's state, from its control socket, whenever it changes.
field() { # section key < json
	sed -n "s/.*\"$1\":{[^}]*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}
val() { # section key
	v=$(echo "$json" | field "$1" "$2")
	echo "${v:-none}"
}
last=""
n=0
while time_left; do
	sleep 1
	n=$((n + 1))
	kill -0 "$sd" 2>/dev/null || { echo "demo: stratumd stopped (is port $port taken?)"; exit 1; }
	json=$("$bin/outpost" status --json --stratumd "$dir/control.sock" 2>/dev/null) || continue
	state=$(val sync state)
	if [ "$state" != "$last" ]; then
		delay=$(val nmea_delay seconds)
		[ "$delay" = none ] && delay="not calibrated yet" || delay="$delay s after PPS"
		printf 'status: %s, stratum %s, refid %s, offset %s s, %s PPS edges, NMEA %s\n' \
		    "$state" "$(val sync stratum)" "$(val sync refid)" "$(val sync offset)" \
		    "$(val pps edges)" "$delay"
		last=$state
	fi
	[ $((n % 5)) -eq 0 ] && python3 "$dir/ask.py" "$port"
done
json=$("$bin/outpost" status --json --stratumd "$dir/control.sock" 2>/dev/null)
printf 'status: %s, %s NTP requests answered\n' "$(val sync state)" "$(val server replied)"
