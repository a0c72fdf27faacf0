#!/bin/sh
# Run libFuzzer targets for a bounded time each: run.sh SECONDS TARGET...
# Each target starts from its seed corpus tests/fuzz/corpus/<name>/ (copied,
# so the checked-in seeds stay small) and stops on the first crash.
set -u
secs=$1; shift
rc=0
for t in "$@"; do
	name=$(basename "$t")
	work=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
	seeds="tests/fuzz/corpus/$name"
	[ -d "$seeds" ] && cp -r "$seeds"/. "$work"/
	echo "fuzz: $name for $secs s"
	if ! "$t" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
	    -artifact_prefix="$work/" "$work" 2>&1 | tail -n 25; then
		rc=1
	fi
	# A crash leaves crash-*/leak-*/timeout-* files behind.
	if ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* >/dev/null 2>&1; then
		echo "fuzz: $name found a failure; inputs kept in $work"
		rc=1
	else
		rm -rf "$work"
	fi
done
exit $rc
