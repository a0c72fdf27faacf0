# Sourced by integration tests.  Prints TAP ("ok N - what" / "not ok N - what")
# for tests/run to count, and cleans up every process it started, by PID.
set -u
: "${OUTPOST_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${OUTPOST_BIN:=$OUTPOST_TOP/build/bin}"
export PATH="$OUTPOST_BIN:$PATH"
CORPUS=$OUTPOST_TOP/tests/corpus   # copied from shared/corpus with its PROVENANCE.md

_tap_n=0
_tap_fail=0
_pids=""
T=$(mktemp -d "${TMPDIR:-/tmp}/outpost-it.XXXXXX")

ok()     { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); _tap_fail=1; echo "not ok $_tap_n - $*"; }
# check "what" command...: ok when the command succeeds
check()  { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
# expect_eq "what" expected actual
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (expected '$2', got '$3')"; fi
}

# Start a background process and remember its PID for cleanup.
spawn() { "$@" & _pids="$_pids $!"; LAST_PID=$!; }
stop_pid() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null || true; }

# Wait up to $1 seconds for a command to succeed.
wait_for() {
	local secs=$1; shift
	local end=$(( $(date +%s) + secs ))
	while [ "$(date +%s)" -le "$end" ]; do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

_cleanup() {
	for p in $_pids; do kill "$p" 2>/dev/null; done
	for p in $_pids; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap _cleanup EXIT
trap 'exit 1' INT TERM

done_testing() { exit $_tap_fail; }
