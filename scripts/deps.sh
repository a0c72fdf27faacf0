#!/bin/sh
# Install what a target needs, if it is missing, and say so.
#   deps.sh build|check|demo|bench
# Debian / Raspberry Pi OS: apt-get; FreeBSD: pkg.  Needs root (or sudo)
# only when something is actually missing.
set -eu
what=${1:-build}

case $(uname -s) in
Linux)
	build="make gcc libc6-dev pps-tools libssl-dev libcurl4-openssl-dev libc-ares-dev libqrencode-dev"
	# ntpsec-ntpviz only recommends ntpsec (which would remove chrony):
	# it stays beside chrony thanks to --no-install-recommends below.
	check="$build libcmocka-dev clang libclang-rt-14-dev gpsd gpsd-clients socat procps iproute2 groff-base python3-gammu chrony python3 gammu smstools openssh-client openssh-server zbar-tools ppp ntpsec-ntpviz prometheus prometheus-node-exporter"
	;;
FreeBSD)
	build="gmake curl c-ares libqrencode"
	check="$build cmocka llvm gpsd socat chrony python3 zbar prometheus2 node_exporter"
	;;
*)
	echo "deps: unsupported system $(uname -s)" >&2; exit 1 ;;
esac
demo="$build python3 openssh-client openssh-server iproute2 socat python3-gammu"
bench="$build gpsd-clients chrony python3 openssh-client openssh-server iproute2 socat"
if [ "$(uname -s)" = FreeBSD ]; then	# ssh and sshd are in the base system
	demo="$build python3 socat"
	bench="$build gpsd chrony python3 socat"
fi

eval "want=\$$what"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"
	elif command -v sudo >/dev/null 2>&1; then sudo "$@"
	else echo "deps: need root to run: $*" >&2; exit 1
	fi
}

missing=""
if [ "$(uname -s)" = Linux ]; then
	command -v dpkg-query >/dev/null 2>&1 || {
		echo "deps: not a Debian system; please install: $want" >&2; exit 0; }
	for p in $want; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case $st in *" installed") ;; *) missing="$missing $p" ;; esac
	done
	[ -z "$missing" ] && exit 0
	echo "deps: installing for '$what':$missing"
	export DEBIAN_FRONTEND=noninteractive
	as_root apt-get update -qq || echo "deps: apt-get update failed; trying the cached package lists" >&2
	as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null
	echo "deps: installed$missing"
else
	for p in $want; do
		pkg info -e "$p" || missing="$missing $p"
	done
	[ -z "$missing" ] && exit 0
	echo "deps: installing for '$what':$missing"
	as_root env ASSUME_ALWAYS_YES=yes pkg install -q $missing
fi
