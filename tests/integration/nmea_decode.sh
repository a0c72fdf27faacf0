#!/usr/bin/env bash
# outpost nmea decode on the real captures: JSON on stdout, rejects on
# stderr with file:line, the summary, stdin, exit codes, and a cross-check
# of the fixes against gpsd's own decoder (gpsdecode).
. "$(dirname "$0")/lib.sh"

N=$CORPUS/nmea
json_ok() { python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$1"; }

# --- mt3339.log: the target chipset ---
outpost nmea decode "$N/mt3339.log" >"$T/mt.out" 2>"$T/mt.err"
expect_eq "mt3339: exit 0" 0 $?
check "mt3339: stdout is one JSON object per line" json_ok "$T/mt.out"
expect_eq "mt3339: one object per sentence" 138 "$(wc -l <"$T/mt.out" | tr -d ' ')"
expect_eq "mt3339: summary" "138 accepted, 7 rejected" "$(tail -n 1 "$T/mt.err")"
expect_eq "mt3339: the 7 header comments are reported, as not sentences" 7 \
	"$(grep -c '^.*mt3339.log:[1-7]: not a sentence: #' "$T/mt.err")"
expect_eq "mt3339: RMC at 202640" \
	'{"type":"RMC","talker":"GP","line":10,"time":"2015-04-13T20:26:40.000Z","status":"A","lat":44.068843333,"lon":-121.314191667,"speed_kn":0.030,"course":225.97,"mode":"D"}' \
	"$(sed -n 3p "$T/mt.out")"
expect_eq "mt3339: GGA at 202640" \
	'{"type":"GGA","talker":"GP","line":8,"time_of_day":"20:26:40.000","lat":44.068843333,"lon":-121.314191667,"quality":2,"sats":10,"hdop":0.98,"alt_m":1127.700,"geoid_sep_m":-19.600}' \
	"$(sed -n 1p "$T/mt.out")"
expect_eq "mt3339: GSA" \
	'{"type":"GSA","talker":"GP","line":9,"sel_mode":"A","fix_mode":3,"prns":[20,16,9,3,7,10,23,19,27,30],"pdop":1.64,"hdop":0.98,"vdop":1.31}' \
	"$(sed -n 2p "$T/mt.out")"
expect_eq "mt3339: ZDA at 202640" \
	'{"type":"ZDA","talker":"GP","line":11,"time":"2015-04-13T20:26:40.000Z"}' \
	"$(sed -n 4p "$T/mt.out")"
expect_eq "mt3339: GSV with a satellite that has no elevation" \
	'{"type":"GSV","talker":"GP","line":24,"msgs":3,"msg":3,"sats_in_view":12,"sats":[{"prn":19,"elev":13,"azim":123,"snr":27},{"prn":3,"elev":7,"azim":176,"snr":19},{"prn":5,"elev":5,"azim":328,"snr":13},{"prn":47}]}' \
	"$(grep '"line":24,' "$T/mt.out")"

# --- stdin, "-" and file give the same ---
outpost nmea decode <"$N/mt3339.log" >"$T/stdin.out" 2>"$T/stdin.err"
expect_eq "stdin: exit 0" 0 $?
check "stdin: same objects as the file" cmp -s "$T/mt.out" "$T/stdin.out"
check "stdin: rejects named <stdin>:LINE" grep -q '^<stdin>:1: not a sentence' "$T/stdin.err"
outpost nmea decode - <"$N/mt3339.log" >"$T/dash.out" 2>/dev/null
check "'-' is stdin" cmp -s "$T/mt.out" "$T/dash.out"

# --- splices, bad fields, bad checksums ---
outpost nmea decode "$N/triton400.log" >"$T/tr.out" 2>"$T/tr.err"
check "triton400: the spliced GGA is named with its line" \
	grep -q "triton400.log:19: spliced .*: \$GPGGA,030130\$" "$T/tr.err"
check "triton400: the GLL after the splice is kept" \
	grep -q '"type":"GLL","talker":"GP","line":19,"time_of_day":"03:01:31.000","status":"A","lat":26.636213333,"lon":-80.189821667,"mode":"A"' "$T/tr.out"
expect_eq "triton400: summary" "28 accepted, 8 rejected" "$(tail -n 1 "$T/tr.err")"
check "triton400: JSON" json_ok "$T/tr.out"

outpost nmea decode "$N/april6_2019.log" >"$T/ap.out" 2>"$T/ap.err"
check "april6: Telit date field rejected as bad RMC date" \
	grep -q 'april6_2019.log:15: bad RMC date field: \$GPRMC,000231.099,' "$T/ap.err"
expect_eq "april6: empty RMC decodes to status and mode only" \
	'{"type":"RMC","talker":"GP","line":14,"status":"V","mode":"N"}' "$(sed -n 1p "$T/ap.out")"
check "april6: 2-digit year 99 is 2099" grep -q '"time":"2099-08-22T00:02:31.420Z"' "$T/ap.out"

outpost nmea decode "$N/gp-320fw-2019-04-07-coldboot.log" >"$T/cb.out" 2>"$T/cb.err"
expect_eq "coldboot: exit 0 despite rejects" 0 $?
check "coldboot: bad checksum says expected and got" \
	grep -q 'coldboot.log:27: bad checksum (expected 60, got 05): ' "$T/cb.err"
check "coldboot: NULs are a bad byte, shown escaped" \
	grep -q 'coldboot.log:36: bad byte .*4808\\x00\\x00' "$T/cb.err"
check "coldboot: malformed GSV with a good checksum" \
	grep -q 'coldboot.log:77: bad GSV satellites field' "$T/cb.err"
check "coldboot: JSON" json_ok "$T/cb.out"
expect_eq "coldboot: summary" "92 accepted, 67 rejected" "$(tail -n 1 "$T/cb.err")"

outpost nmea decode "$N/quectel-L70.log" >"$T/q.out" 2>/dev/null
check "quectel: PMTK001 ack in words" \
	grep -q '"type":"PMTK001","talker":"P","line":26,"cmd":320,"flag":2,"result":"failed"' "$T/q.out"
check "quectel: PMTK705 text" \
	grep -q '"type":"PMTK705","talker":"P","line":24,"text":"AXN_2.51_3339_19071200,0002,QUECTEL-L70,1.0"' "$T/q.out"
check "quectel: other proprietary accepted, not decoded" \
	grep -q '^{"type":"PQVERNO","talker":"P","line":25}$' "$T/q.out"

# every log: valid JSON, exit 0, summary line
all_ok=1
for f in "$N"/*.log; do
	outpost nmea decode "$f" >"$T/all.out" 2>"$T/all.err" || all_ok=0
	json_ok "$T/all.out" || all_ok=0
	tail -n 1 "$T/all.err" | grep -qE '^[0-9]+ accepted, [0-9]+ rejected$' || all_ok=0
done
expect_eq "every corpus log decodes to valid JSON with a summary" 1 $all_ok

# --- exit codes ---
outpost nmea decode "$T/no-such-file.log" >/dev/null 2>"$T/e.err"
expect_eq "missing file: exit 1" 1 $?
check "missing file: says so" grep -q 'no-such-file.log: No such file' "$T/e.err"
outpost nmea decode "$N" >/dev/null 2>&1
expect_eq "a directory: exit 1" 1 $?
outpost nmea >/dev/null 2>&1
expect_eq "no subcommand: exit 2" 2 $?
outpost nmea frob >/dev/null 2>"$T/u.err"
expect_eq "unknown subcommand: exit 2" 2 $?
check "unknown subcommand: usage" grep -q 'usage: .*nmea decode' "$T/u.err"
outpost nmea decode a b >/dev/null 2>&1
expect_eq "two files: exit 2" 2 $?
outpost nmea decode -x >/dev/null 2>&1
expect_eq "unknown option: exit 2" 2 $?

# --- against a real client: gpsd's gpsdecode on the same logs ---
# gpsdecode reports TPVs per cycle and "corrects" dates by 1024-week GPS
# eras (mt3339's 2015 comes out as 2034), so times are compared modulo
# 1024 weeks.  Every gpsdecode TPV with a time must match one of our RMCs
# (status A) in time and to 1e-6 degree; of ours at most one (the first
# cycle, before gpsdecode has seen a whole one) may lack a gpsdecode report.
cat >"$T/cmp.py" <<'PY'
import json, sys
from datetime import datetime, timezone
ERA = 1024 * 7 * 86400 * 1000
def ms(t):
    d = datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return round(d.timestamp() * 1000)
ours = []
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["type"] == "RMC" and o.get("status") == "A" and "time" in o:
        ours.append((ms(o["time"]) % ERA, o["lat"], o["lon"]))
theirs = []
for l in open(sys.argv[2]):
    try:
        o = json.loads(l)
    except ValueError:
        continue
    if o.get("class") == "TPV" and "time" in o and "lat" in o:
        theirs.append((ms(o["time"]) % ERA, o["lat"], o["lon"]))
def near(a, b):
    return a[0] == b[0] and abs(a[1] - b[1]) <= 1e-6 and abs(a[2] - b[2]) <= 1e-6
unmatched = [t for t in theirs if not any(near(t, o) for o in ours)]
missing = [o for o in ours if not any(near(o, t) for t in theirs)]
print(len(ours), len(theirs), len(unmatched), len(missing))
sys.exit(0 if theirs and not unmatched and len(missing) <= 1 else 1)
PY
if ! command -v gpsdecode >/dev/null 2>&1; then
	sh "$OUTPOST_TOP/scripts/deps.sh" check >/dev/null 2>&1 || true
fi
if command -v gpsdecode >/dev/null 2>&1; then
	for f in mt3339.log bu353s4.log neo-m8n.log; do
		outpost nmea decode "$N/$f" >"$T/o.json" 2>/dev/null
		gpsdecode -j <"$N/$f" >"$T/g.json" 2>/dev/null
		if res=$(python3 "$T/cmp.py" "$T/o.json" "$T/g.json"); then
			ok "gpsdecode agrees on $f's fixes (ours, theirs, unmatched, missing: $res)"
		else
			not_ok "gpsdecode disagrees on $f's fixes (ours, theirs, unmatched, missing: $res)"
		fi
	done
else
	not_ok "gpsdecode not installed (package gpsd-clients)"
fi

done_testing
