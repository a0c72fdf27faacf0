#!/bin/sh
# NMEA decoding throughput: `outpost nmea decode` against gpsd's gpsdecode
# (the reference), on the same input in the same run: every corpus log with
# its comment lines removed, repeated until the input holds ~200k sentences.
# Each side runs 5 times; the best wall time counts (least disturbed run).
set -u
bin=${1:-build/bin}
command -v gpsdecode >/dev/null || { echo "bench: gpsdecode missing (sh scripts/deps.sh bench)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/outpost-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat tests/corpus/nmea/*.log | grep -a '^\$' >"$work/one"
[ -s "$work/one" ] || { echo "bench: no sentences in tests/corpus/nmea"; exit 1; }
: >"$work/in"
while [ "$(wc -l <"$work/in")" -lt 200000 ]; do cat "$work/one" >>"$work/in"; done
lines=$(wc -l <"$work/in")

now_ns() { date +%s%N; }
best() { # command... ; prints best wall time in ns over 5 runs
	b=0
	for i in 1 2 3 4 5; do
		t0=$(now_ns); "$@" <"$work/in" >/dev/null 2>&1; t1=$(now_ns)
		d=$((t1 - t0)); { [ $b -eq 0 ] || [ $d -lt $b ]; } && b=$d
	done
	echo $b
}
ours=$(best "$bin/outpost" nmea decode)
ref=$(best gpsdecode)
awk -v n="$lines" -v o="$ours" -v r="$ref" 'BEGIN {
	printf "input: %d sentences (tests/corpus/nmea, repeated)\n", n
	printf "outpost nmea decode: %.0f sentences/s (%.1f ms)\n", n / (o / 1e9), o / 1e6
	printf "gpsdecode (gpsd %s): %.0f sentences/s (%.1f ms)\n", "ref", n / (r / 1e9), r / 1e6
	printf "ratio outpost/gpsdecode: %.2fx\n", r / o
}'
