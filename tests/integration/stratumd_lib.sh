# Sourced by the stratumd integration tests after lib.sh: a raw NTP client,
# stratumd's status as values, gpssim's control socket, and starting and
# stopping a gpssim + stratumd pair (stratumd -x: the clock is never touched).

need() { # command what-for
	command -v "$1" >/dev/null 2>&1 && return 0
	not_ok "$1 is installed ($2)"
	done_testing
}
need python3 "the NTP client and JSON reader below"

# A 48-byte mode 3 request to 127.0.0.1:PORT; prints the answer's fields
# as "key=value" words, or "none" when nothing valid came back.
cat >"$T/ntp.py" <<'EOF'
import os, socket, struct, sys, time
NTP_UNIX = 2208988800
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
org = os.urandom(8)
req = bytes([0 << 6 | 4 << 3 | 3]) + bytes(39) + org
s.sendto(req, ("127.0.0.1", port))
try:
    d, _ = s.recvfrom(1024)
except socket.timeout:
    print("none"); sys.exit(0)
now = time.time()
if len(d) < 48:
    print("none"); sys.exit(0)
li, vn, mode = d[0] >> 6, d[0] >> 3 & 7, d[0] & 7
stratum = d[1]
rdisp = struct.unpack("!I", d[8:12])[0] / 65536.0
# A refid is text for stratum 0, 1 and 16, an IPv4 address in between.
if 1 < stratum < 16:
    refid = ".".join(str(b) for b in d[12:16])
else:
    refid = "".join(chr(b) if 32 < b < 127 else "." for b in d[12:16].rstrip(b"\0"))
xmt = struct.unpack("!Q", d[40:48])[0] / 2**32 - NTP_UNIX
print("li=%d mode=%d stratum=%d refid=%s rootdisp=%.6f origin_ok=%d dt=%.6f" %
      (li, mode, stratum, refid or "-", rdisp, d[24:32] == org, xmt - now))
EOF
# ntp FIELD: one field of an answer from stratumd ("none" if no answer)
ntp() {
	local out
	out=$(python3 "$T/ntp.py" "$port")
	[ "$out" = none ] && { echo none; return; }
	tr ' ' '\n' <<<"$out" | sed -n "s/^$1=//p"
}
ntp_line() { python3 "$T/ntp.py" "$port"; }

# st PATH: a value from stratumd's status (e.g. st sync.state)
st() {
	outpost status --json --stratumd "$T/control.sock" 2>/dev/null | python3 -c '
import json, sys
try:
    v = json.load(sys.stdin)
    for k in sys.argv[1].split("."):
        v = v[k]
except Exception:
    print("?"); sys.exit(0)
print(str(v).lower() if isinstance(v, bool) else v)' "$1"
}
# st_is PATH VALUE / st_cmp PATH PYTHON-EXPR-OF-x
st_is() { [ "$(st "$1")" = "$2" ]; }
st_cmp() {
	local v
	v=$(st "$1")
	python3 -c "import sys; x=float(sys.argv[1]); sys.exit(0 if ($2) else 1)" "$v" 2>/dev/null
}

# sim CMD...: a command to gpssim's control socket; prints its answer.
sim() {
	python3 - "$T/sim.sock" "$*" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
print(s.makefile().readline().rstrip("\n"))
EOF
}
sim_ok() { local a; a=$(sim "$@"); [ "${a%% *}" = ok ] || { echo "# gpssim: $* -> $a"; return 1; }; }

free_port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# write_conf [extra directives...]
write_conf() {
	port=$(free_port)
	{
		echo "gps $T/gps0 ${GPS_BAUD:-9600}"
		echo "pps-socket $T/pps.sock"
		echo "listen 127.0.0.1"
		echo "port $port"
		echo "ratelimit off"
		echo "statedir $T"
		echo "control $T/control.sock"
		echo "clock-control no"
		for l in "$@"; do echo "$l"; done
	} >"$T/stratumd.conf"
}

# start_pair [gpssim options...]: gpssim, then stratumd -x on it.
start_pair() {
	rm -f "$T/gps0" "$T/sim.sock" "$T/control.sock"
	spawn gpssim --pty "$T/gps0" --pps-socket "$T/pps.sock" --control "$T/sim.sock" \
	    --seed 11 -v "$@" 2>>"$T/sim.log"
	sim_pid=$LAST_PID
	wait_for 5 test -S "$T/sim.sock" || { not_ok "gpssim starts"; done_testing; }
	# SD_AT=F: start stratumd at fraction F of a second (mid-burst).
	[ -n "${SD_AT:-}" ] && python3 -c "import time; time.sleep((${SD_AT} - time.time() % 1) % 1)"
	spawn stratumd -d -x -f "$T/stratumd.conf" 2>>"$T/stratumd.log"
	sd_pid=$LAST_PID
	wait_for 5 test -S "$T/control.sock" || { not_ok "stratumd starts"; show_logs; done_testing; }
}
stop_pair() {
	stop_pid "$sd_pid"
	stop_pid "$sim_pid"
}
alive() { kill -0 "$sd_pid" 2>/dev/null; }
show_logs() {
	echo "# stratumd log:"; tail -n 25 "$T/stratumd.log" | sed 's/^/# /'
	echo "# gpssim log:"; tail -n 15 "$T/sim.log" | sed 's/^/# /'
}
no_sanitizer_report() {
	! grep -Eq 'Sanitizer|runtime error' "$T/stratumd.log" "$T/sim.log"
}
