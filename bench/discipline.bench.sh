#!/bin/sh
# Discipline accuracy in virtual time: bench/bench_discipline.c drives the
# loop (ntp/discipline.c) against the simulated clock and prints the figures
# against the targets (100 ms -> <10 us within 300 s, steady RMS
# <= 0.5 us at 1 us PPS jitter, +-100 ppm with wander).  No reference
# implementation runs beside it: the figures are judged against the targets.
# Needs the build's libcore.a (make all).
set -u
bin=${1:-build/bin}
build=$(dirname "$bin")
lib="$build/libcore.a"
[ -f "$lib" ] || { echo "bench: $lib missing (make all)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/outpost-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

defs=
[ "$(uname -s)" = Linux ] && defs=-D_DEFAULT_SOURCE
${CC:-cc} -std=c11 -O2 $defs -I. -Ilib -Intp -o "$work/bench_discipline" \
    bench/bench_discipline.c "$lib" -lm || exit 1
"$work/bench_discipline" "${DISCIPLINE_HOURS:-3}"
