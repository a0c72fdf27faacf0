#!/bin/sh
# Source selection speed: bench/bench_select.c times one sel_run
# (ntp/select.c) over 50 sources (a PPS, 44 servers, 5 falsetickers) and,
# in the same run, qsort of the same 100 interval end points as the
# reference; prints both, their ratio, and the target (< 50 us per
# selection).  About 4 s at the default 1 s per measurement.
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
${CC:-cc} -std=c11 -O2 $defs -I. -Ilib -Intp -o "$work/bench_select" \
    bench/bench_select.c "$lib" -lm || exit 1
"$work/bench_select" "${SELECT_SECONDS:-1}"
