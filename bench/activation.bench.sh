#!/bin/sh
# SMS activation, end to end, in the world of oobd's integration tests
# (tests/integration/oobd_lib.sh: network namespaces for the box and the
# internet, a real OpenSSH relay, the box's own sshd, modemsim, a push
# receiver, a veth "carrier" as the link command).  bench/activation.py
# runs ACTIVATION_BENCH_RUNS activations (default 10), each with a fresh
# oobd and state directory (a code works once and only one step early, so
# one oobd would need a minute per UP+DOWN), and measures:
#   total       the UP text injected into modemsim -> the owner's first
#               ssh through the relay has run a command on the box
#   oobd's own  total minus the union of the external intervals: the
#               modem (SMS to +CMTI, its replies to oobd's commands), the
#               link command until the interface has its address, the
#               relay check, ssh until the forward is confirmed, the
#               owner's login.  Times come from the lines oobd (-d -v),
#               modemsim (--trace) and `ip monitor` print, each stamped
#               with CLOCK_MONOTONIC as it is read (activation.py says how).
#   memory      oobd's Pss and Private_Dirty after UP+DOWN (and VmRSS, by
#               mapping: libc, ld.so, oobd, anonymous, other), beside the
#               box's sshd listener, the tunnel's ssh client and /bin/sleep
#               (what any program of this libc has resident), same run; and
#               oobd-push's while a push waits for its answer.  Pss, not
#               VmRSS: VmRSS counts whole the pages of shared libraries
#               (libc, libcrypto) that the box pays once.
# With OOBD_STATIC_BIN (make bench sets it) the runs are repeated with that
# oobd, linked as a static PIE (make OOBD_STATIC=1).
# Targets: oobd's own share < 1 s; oobd's Pss and Private_Dirty each below
# the box's sshd listener's, same run.  Needs root.
set -u
bin=${1:-build/bin}
runs=${ACTIVATION_BENCH_RUNS:-10}
top=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "activation: not measured: it needs root (network namespaces, veth links, sshd)"
	exit 0
fi
for p in ip socat ssh ssh-keygen /usr/sbin/sshd python3; do
	command -v "$p" >/dev/null 2>&1 ||
		{ echo "bench: $p missing (apt-get install iproute2 socat openssh-client openssh-server python3)"; exit 1; }
done
for p in oobd modemsim outpost; do
	[ -x "$bin/$p" ] || { echo "bench: $bin/$p missing (make all)"; exit 1; }
done

OUTPOST_TOP=$top
OUTPOST_BIN=$(cd "$bin" && pwd)
. "$top/tests/integration/lib.sh"
. "$top/tests/integration/oobd_lib.sh"

# oobd_lib.sh's world, its modemsim tracing every byte on its ports into a
# FIFO that activation.py reads (held open here meanwhile, so that neither
# side waits for the other: a few hundred bytes wait in the pipe).
mkfifo "$T/trace"
exec 3<>"$T/trace"
modemsim() { exec "$OUTPOST_BIN/modemsim" "$@" --trace "$T/trace"; }
start_world
unset -f modemsim
sync	# a freshly built binary's pages would count as oobd's own dirty memory
python3 "$top/bench/activation.py" "$runs" "$OUTPOST_BIN" "$T" "$BOX" "$INET" "$OWNER" "$T/trace"
rc=$?
# The same with oobd linked static (make bench builds it; make OOBD_STATIC=1).
if [ -n "${OOBD_STATIC_BIN:-}" ] && [ -x "$OOBD_STATIC_BIN" ]; then
	echo
	echo "the same, oobd linked as a static PIE ($OOBD_STATIC_BIN):"
	python3 "$top/bench/activation.py" "$runs" "$OUTPOST_BIN" "$T" "$BOX" "$INET" "$OWNER" \
	    "$T/trace" "$(cd "$(dirname "$OOBD_STATIC_BIN")" && pwd)/oobd" || rc=1
fi
exit $rc
