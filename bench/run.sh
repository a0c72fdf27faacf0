#!/bin/sh
# make bench: every benchmark under bench/, each printing its own figures and
# the reference it was measured against in the same run.
set -u
bin=${1:-build/bin}
rc=0
for b in bench/*.bench.sh; do
	echo "== $(basename "$b" .bench.sh)"
	sh "$b" "$bin" || rc=1
done
exit $rc
