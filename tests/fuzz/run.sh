#!/bin/sh
# Run libFuzzer targets for a bounded time each: run.sh SECONDS TARGET...
# Each target starts from its seed corpus tests/fuzz/corpus/<name>/ (copied,
# so the checked-in seeds stay small).  Exit 1 if any target failed: its
# own exit status, or any crash-/leak-/timeout- file it left behind (kept,
# with its path printed, for reproduction).
set -u
secs=$1; shift
rc=0
for t in "$@"; do
	name=$(basename "$t")
	work=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
	mkdir "$work/corpus"
	seeds="tests/fuzz/corpus/$name"
	[ -d "$seeds" ] && cp -r "$seeds"/. "$work/corpus"/
	echo "fuzz: $name for $secs s"
	"$t" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
	    -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1
	st=$?
	tail -n 25 "$work/log"
	found=0
	for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
		[ -e "$f" ] && { echo "fuzz: $name failed on $f"; found=1; }
	done
	if [ $st -ne 0 ] || [ $found -eq 1 ]; then
		echo "fuzz: $name FAILED (exit $st); log and inputs kept in $work"
		rc=1
	else
		rm -rf "$work"
	fi
done
exit $rc
