#!/usr/bin/env bash
# The manual pages render without a warning, and `make install` puts the
# programs and pages where PREFIX and DESTDIR say.
. "$(dirname "$0")/lib.sh"

command -v groff >/dev/null || sh "$OUTPOST_TOP/scripts/deps.sh" check
for page in "$OUTPOST_TOP"/doc/*.[1-8]; do
	warnings=$(groff -mdoc -Tutf8 -ww -z "$page" 2>&1)
	expect_eq "$(basename "$page") renders without warnings" "" "$warnings"
	name=$(sed -n 's/^\.Dt \([A-Z.-]*\) \([0-9]\).*/\1.\2/p' "$page" | tr 'A-Z' 'a-z')
	expect_eq "$(basename "$page") is titled after its file" "$(basename "$page")" "$name"
done

build=$(dirname "$OUTPOST_BIN")
check "make install succeeds" make -s -C "$OUTPOST_TOP" install BUILD="$build" \
    DESTDIR="$T/root" PREFIX=/opt/outpost
for f in bin/outpost sbin/stratumd sbin/oobd share/man/man1/outpost.1 \
    share/man/man5/stratumd.conf.5 share/man/man8/stratumd.8 share/man/man5/oobd.conf.5 \
    share/man/man8/oobd.8 share/man/man8/oobd-push.8 libexec/outpost/oobd-push; do
	check "installed /opt/outpost/$f" test -s "$T/root/opt/outpost/$f"
done
expect_eq "installed outpost runs" "\$PMTK000*32" "$("$T/root/opt/outpost/bin/outpost" gps sentence PMTK000)"
done_testing
