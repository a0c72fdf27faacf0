#!/bin/sh
# SMS-DELIVER decoding throughput: outpost's decoder (modem/sms.c, in a small
# C driver, from hex) against gammu 1.42's DecodePDU (libgammu through
# python3-gammu, from bytes) on the same PDUs in the same run: every row of
# tests/corpus/sms/deliver_pdus.tsv except the one gammu refuses (DCS 0xFB),
# decoded over and over for 2 s per side, best of 3.  The reference pays a
# Python call per message; the ratio is what an operator would see choosing
# between the two, not a like-for-like C comparison.
set -u
bin=${1:-build/bin}
build=$(dirname "$bin")
lib=$build/libcore.a
[ -f "$lib" ] || { echo "bench: $lib missing (make)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/outpost-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

awk -F'\t' 'NR > 1 && $11 != "FB" { print $1 }' tests/corpus/sms/deliver_pdus.tsv >"$work/pdus"
n=$(wc -l <"$work/pdus")
${CC:-cc} -std=c11 -O2 -I. -Ilib -Imodem -D_DEFAULT_SOURCE -o "$work/bench_sms" \
    bench/bench_sms.c "$lib" -lm || exit 1

best_ours=0
for i in 1 2 3; do
	r=$("$work/bench_sms" "$work/pdus" 2) || { echo "bench: bench_sms failed"; exit 1; }
	best_ours=$(echo "$r $best_ours" | awk '{ v = $1 / $2; print (v > $3 ? v : $3) }')
done

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
ref=$("$PY" - "$work/pdus" <<'PYEOF' 2>/dev/null
import binascii, sys, time
import gammu
pdus = [binascii.unhexlify(l.strip()) for l in open(sys.argv[1])]
best = 0
for _ in range(3):
    done, t0 = 0, time.monotonic()
    while time.monotonic() - t0 < 2:
        for p in pdus:
            gammu.DecodePDU(p)
        done += len(pdus)
    best = max(best, done / (time.monotonic() - t0))
print("%.0f" % best)
PYEOF
)
echo "input: $n SMS-DELIVER PDUs (tests/corpus/sms/deliver_pdus.tsv), repeated for 2 s, best of 3"
printf 'outpost sms_decode_hex: %.0f messages/s\n' "$best_ours"
if [ -z "$ref" ]; then
	echo "gammu DecodePDU: not measured (python3-gammu missing: sh scripts/deps.sh check)"
	exit 0
fi
printf 'gammu 1.42 DecodePDU (python3-gammu): %.0f messages/s\n' "$ref"
awk -v o="$best_ours" -v r="$ref" 'BEGIN { printf "ratio outpost/gammu: %.2fx\n", o / r }'
echo "(the reference pays one Python call per message: see the top of this script)"
