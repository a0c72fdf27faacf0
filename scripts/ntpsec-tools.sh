#!/bin/sh
# ntpsec's ntpdig, unpacked but not installed, for tests against a client
# that is not ours.
#   ntpsec-tools.sh [DIR]    (default: build/ntpsec)
# Prints the path of an ntpdig wrapper on stdout, what it does on stderr.
#
# Debian's ntpsec conflicts with chrony, which the tests need too, so the
# packages are fetched with apt-get download and unpacked with dpkg -x
# under DIR instead.  ntpdig is Python over python3-ntp, an arch-dependent
# package (its C library libntpc is loaded with ctypes) made for Debian's
# python3: the wrapper runs /usr/bin/python3, as the packaged ntpdig's first
# line does, never whatever python3 comes first on PATH (pyenv's, say).
# Nothing is run from the packages here except `ntpdig --version`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build/ntpsec}
pkgs="ntpsec-ntpdig python3-ntp"
py=/usr/bin/python3
wrapper=$dir/ntpdig

say() { echo "ntpsec-tools: $*" >&2; }
die() { say "$*"; exit 1; }

works() { [ -x "$wrapper" ] && "$wrapper" --version >/dev/null 2>&1; }

if works; then
	echo "$wrapper"
	exit 0
fi
[ "$(uname -s)" = Linux ] || die "needs Debian's packages (apt-get, dpkg); not on $(uname -s)"
for t in apt-get dpkg; do
	command -v $t >/dev/null 2>&1 || die "$t is needed"
done
[ -x "$py" ] || die "$py (Debian's python3) is needed: apt-get install python3"

mkdir -p "$dir/debs"
rm -rf "$dir/root"
rm -f "$dir/debs"/*.deb
# apt's sandbox user may not write here; apt then downloads as root and
# warns about it, which says nothing about the download itself.
fetch() {
	(cd "$dir/debs" && apt-get download $pkgs) 2>&1 | grep -v 'unsandboxed' >&2 || true
	ls "$dir/debs"/ntpsec-ntpdig_*.deb "$dir/debs"/python3-ntp_*.deb >/dev/null 2>&1
}
say "downloading $pkgs into $dir/debs (apt-get download: not installed)"
if ! fetch; then
	say "download failed; refreshing the package lists once (apt-get update)"
	apt-get update -qq >&2 || die "apt-get update failed"
	fetch || die "apt-get download $pkgs failed"
fi

for deb in "$dir/debs"/*.deb; do
	say "unpacking $(basename "$deb") into $dir/root (dpkg -x)"
	dpkg -x "$deb" "$dir/root"
done

site=$dir/root/usr/lib/python3/dist-packages
[ -f "$site/ntp/ntpc.py" ] || die "python3-ntp's ntp package is not where expected ($site/ntp)"
[ -f "$dir/root/usr/bin/ntpdig" ] || die "ntpdig is not in ntpsec-ntpdig"
# ntp/ntpc.py loads libntpc.so from its own directory first, then from the
# installed location, which an unpacked tree does not have.
lib=$(find "$dir/root/usr/lib" -name 'libntpc.so.*' -type f | head -n 1)
[ -n "$lib" ] || die "libntpc.so is not in python3-ntp"
cp "$lib" "$site/ntp/libntpc.so"

cat >"$wrapper" <<EOF
#!/bin/sh
# ntpdig from $pkgs, unpacked by scripts/ntpsec-tools.sh
PYTHONPATH='$site' exec '$py' '$dir/root/usr/bin/ntpdig' "\$@"
EOF
chmod 755 "$wrapper"
works || die "the unpacked ntpdig does not run: $("$wrapper" --version 2>&1 | tail -n 1)"
say "ready: $("$wrapper" --version 2>&1 | head -n 1)"
echo "$wrapper"
