#!/usr/bin/env bash
# gpssim against a real client: gpsd reads the simulated MTK3339 and must
# report what the simulator was told (position, no fix then a 3D fix) at the
# time of the system clock.
. "$(dirname "$0")/lib.sh"

for p in gpsd gpspipe; do
	if ! command -v $p >/dev/null 2>&1; then
		echo "# $p missing: run sh scripts/deps.sh check"
		not_ok "$p is installed"
		done_testing
	fi
done

# A free localhost port: not 2947, which a system gpsd may hold.
port_used() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=""
for try in $(seq 0 40); do
	p=$((29470 + ($$ + try * 7) % 2000))
	if ! port_used "$p"; then port=$p; break; fi
done
[ -n "$port" ] && ok "free port $port" || { not_ok "free port"; done_testing; }

# gpsd may drop privileges and reopen the device later; let it reach it.
chmod 755 "$T"
lat=44.0688
lon=-121.3146
dev=$T/gps
spawn gpssim --pty "$dev" --lat $lat --lon $lon --alt 1127.7 --fix-after 3 -v 2>"$T/sim.log"
sim=$LAST_PID
check "gpssim creates its pty link" wait_for 5 test -L "$dev"

# -b: read-only, gpsd must not reconfigure the receiver.
# gpsd publishes NTP and GPSD shared-memory segments and leaves them behind:
# remove the ones that were not there before it ran, after it stopped.
shm_keys() { ipcs -m 2>/dev/null | awk '$1 ~ /^0x/ { print $1 }' | sort; }
shm_keys >"$T/shm.before"
trap '_cleanup_gpsd_shm' EXIT
_cleanup_gpsd_shm() {
	local before
	before=$(cat "$T/shm.before" 2>/dev/null)
	_cleanup
	for k in $(shm_keys); do
		case " $(echo $before) " in *" $k "*) ;; *) ipcrm -M "$k" 2>/dev/null ;; esac
	done
}
spawn gpsd -N -n -b -S "$port" "$dev" 2>"$T/gpsd.log"
gpsd_pid=$LAST_PID
check "gpsd listens on port $port" wait_for 10 port_used "$port"

# Stamp each report with the time it arrived, to compare with its "time".
timeout 20 gpspipe -w -x 9 "localhost:$port" 2>"$T/gpspipe.err" |
	while IFS= read -r line; do printf '%s %s\n' "$(date +%s)" "$line"; done >"$T/json"
stop_pid "$gpsd_pid"
kill "$sim"
wait "$sim"
expect_eq "gpssim exits 0 on SIGTERM" 0 $?
check "gpssim removed its link" test ! -e "$dev"

grep '"class":"TPV"' "$T/json" >"$T/tpv"
n_tpv=$(grep -c . "$T/tpv")
[ "$n_tpv" -ge 4 ] && ok "gpsd reports TPV ($n_tpv)" || not_ok "gpsd reports TPV ($n_tpv)"

field() { # name: the value of a JSON number or string field on stdin
	sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}

# Before the fix: TPV without a fix (mode 1), then mode 3 until the end.
modes=$(field mode <"$T/tpv" | tr -s '\n' ' ')
case " $modes" in
*" 1 "*" 3 "*) ok "no fix first, then a 3D fix (modes: $modes)" ;;
*) not_ok "no fix first, then a 3D fix (modes: $modes)" ;;
esac
last=$(field mode <"$T/tpv" | tail -n 1)
expect_eq "the last TPV has a 3D fix" 3 "$last"

# Every fix TPV: time within 2 s of when it arrived, position as told.
to_epoch() { date -u -d "$1" +%s 2>/dev/null || date -j -u -f '%Y-%m-%dT%H:%M:%S' "${1%.*}" +%s; }
n_fix=0
bad_time=0
bad_pos=0
while IFS= read -r rec; do
	arrived=${rec%% *}
	json=${rec#* }
	[ "$(echo "$json" | field mode)" = 3 ] || continue
	t=$(echo "$json" | field time)
	[ -n "$t" ] || continue
	n_fix=$((n_fix + 1))
	secs=$(to_epoch "$t")
	d=$((arrived - secs))
	[ ${d#-} -le 2 ] || { bad_time=$((bad_time + 1)); echo "# time $t arrived at $arrived"; }
	la=$(echo "$json" | field lat)
	lo=$(echo "$json" | field lon)
	awk -v a="$la" -v b="$lat" -v c="$lo" -v d="$lon" 'BEGIN {
		x = a - b; y = c - d; if (x < 0) x = -x; if (y < 0) y = -y;
		exit !(a != "" && c != "" && x <= 1e-5 && y <= 1e-5) }' ||
		{ bad_pos=$((bad_pos + 1)); echo "# position $la $lo"; }
done <"$T/tpv"
[ $n_fix -ge 3 ] && ok "gpsd reports timed fixes ($n_fix)" || not_ok "gpsd reports timed fixes ($n_fix)"
expect_eq "fix times match the system clock within 2 s" 0 $bad_time
expect_eq "fix positions match --lat/--lon within 1e-5 degrees" 0 $bad_pos

# The sky: gpsd decoded the GSV burst (every 5 s at 1 Hz).
if grep -q '"class":"SKY".*"satellites":\[' "$T/json"; then ok "gpsd reports the satellites (SKY)"
else not_ok "gpsd reports the satellites (SKY)"; fi
# Mode 3 needs GGA altitude and GSA 3D: check what gpsd made of the altitude.
alt=$(grep '"mode":3' "$T/tpv" | tail -n 1 | field altMSL)
case $alt in 1127.7*) ok "altitude as told ($alt)" ;; *) not_ok "altitude as told ($alt)" ;; esac

if [ $_tap_fail -ne 0 ]; then
	echo "# gpsd log:"; sed 's/^/# /' "$T/gpsd.log" | tail -n 20
	echo "# gpssim log:"; sed 's/^/# /' "$T/sim.log" | tail -n 20
	echo "# reports:"; sed 's/^/# /' "$T/json" | head -n 30
fi
done_testing
