#!/usr/bin/env bash
# stratumd against NTP clients that are not ours: chronyd -Q and ntpsec's
# ntpdig must accept its answers as stratum 1 with a small offset (both
# sides read the same system clock), and what a user would notice of its
# defences: the access list, the rate limiter's kiss-o'-death, malformed
# datagrams ignored and counted, answers never larger than requests, IPv6.
#
# Everything runs in a network namespace made for the test (ntpdig only
# speaks to port 123), deleted on the way out.  stratumd never steers the
# clock here (-x); gpssim gives it NMEA on a pty and PPS on a socket.
. "$(dirname "$0")/lib.sh"

need() { # command what-for
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "# $1 missing ($2): run sh scripts/deps.sh check"
	not_ok "$1 is installed"
	done_testing
}
need chronyd "the reference client"
need python3 "the raw NTP client below"
need ip "network namespaces"
if [ "$(id -u)" -ne 0 ]; then
	not_ok "running as root (network namespaces need it)"
	done_testing
fi

ntpdig=$(sh "$OUTPOST_TOP/scripts/ntpsec-tools.sh" 2>"$T/ntpsec-tools.log")
if [ -n "$ntpdig" ] && [ -x "$ntpdig" ]; then
	ok "ntpsec's ntpdig unpacked ($ntpdig)"
else
	not_ok "ntpsec's ntpdig unpacked"
	sed 's/^/# /' "$T/ntpsec-tools.log"
	ntpdig=""
fi

ns=outpost-test-$$
if ip netns add "$ns" && ip -n "$ns" link set lo up; then
	ok "network namespace $ns"
else
	not_ok "network namespace $ns"
	done_testing
fi
# The processes inside are stopped by PID first (lib.sh), then the
# namespace goes.
trap '_cleanup; ip netns del "$ns" 2>/dev/null' EXIT
in_ns() { ip netns exec "$ns" "$@"; }

# A raw NTP client: sends what it is told, prints one line per answer.
cat >"$T/probe.py" <<'EOF'
import argparse, socket, struct, time

NTP_UNIX = 2208988800
p = argparse.ArgumentParser()
p.add_argument("host")
p.add_argument("port", type=int)
p.add_argument("--src", help="source address to send from")
p.add_argument("--count", type=int, default=1, help="requests, back to back")
p.add_argument("--len", type=int, default=48, help="datagram length")
p.add_argument("--version", type=int, default=4)
p.add_argument("--mode", type=int, default=3)
p.add_argument("--wait", type=float, default=1.0)
a = p.parse_args()

def ntp_time(t):
    return int((t + NTP_UNIX) * 2**32) & (2**64 - 1)

def from_ntp(v):
    return v / 2**32 - NTP_UNIX

fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
if a.src:
    s.bind((a.src, 0))
s.connect((a.host, a.port))
sent = {}
for i in range(a.count):
    t1 = time.time()
    tx = ntp_time(t1) + i          # distinct even within a clock tick
    pkt = bytearray(max(a.len, 48))
    pkt[0] = (a.version & 7) << 3 | (a.mode & 7)
    struct.pack_into("!Q", pkt, 40, tx)
    s.send(bytes(pkt[:a.len]))
    sent[tx] = t1
s.settimeout(0.05)
end = time.time() + a.wait
n = 0
while time.time() < end:
    try:
        r = s.recv(2048)
    except socket.timeout:
        continue
    t4 = time.time()
    n += 1
    if len(r) < 48:
        print("answer len=%d short" % len(r))
        continue
    li, vn, mode = r[0] >> 6, (r[0] >> 3) & 7, r[0] & 7
    stratum = r[1]
    refid = r[12:16]
    org, rx, txs = struct.unpack("!QQQ", r[24:48])
    if stratum <= 1:
        rid = refid.rstrip(b"\0").decode("ascii", "replace")
    else:
        rid = ".".join(str(b) for b in refid)
    t1 = sent.get(org)
    if t1 is None:
        print("answer len=%d li=%d vn=%d mode=%d stratum=%d refid=%s origin=bad"
              % (len(r), li, vn, mode, stratum, rid))
        continue
    off = ((from_ntp(rx) - t1) + (from_ntp(txs) - t4)) / 2
    print("answer len=%d li=%d vn=%d mode=%d stratum=%d refid=%s origin=ok offset=%.6f"
          % (len(r), li, vn, mode, stratum, rid, off))
print("answers=%d" % n)
EOF
probe() { in_ns python3 "$T/probe.py" "$@"; }

status() { outpost status --json --stratumd "$1"; }
# counter SOCKET SECTION KEY: a number from stratumd's status
counter() {
	status "$1" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d[sys.argv[1]][sys.argv[2]])' "$2" "$3"
}
synchronised() { status "$1" 2>/dev/null | grep -q '"synchronised":true'; }

# ---- the server clients will ask: locked to gpssim's PPS, port 123 ----

spawn gpssim --pty "$T/gps0" --pps-socket "$T/pps.sock" 2>"$T/sim.log"
check "gpssim creates its pty link" wait_for 5 test -L "$T/gps0"
cat >"$T/main.conf" <<EOF
gps $T/gps0
pps-socket $T/pps.sock
listen 127.0.0.1
listen ::1
port 123
ratelimit off
statedir $T
control $T/main.sock
# a chronyd that follows us over IPv6 (the loop check below)
server ::1 port 1123 iburst minpoll 1 maxpoll 1
EOF
spawn ip netns exec "$ns" stratumd -d -x -f "$T/main.conf" 2>"$T/main.log"
main=$LAST_PID
check "stratumd answers its control socket" wait_for 10 test -S "$T/main.sock"

# Before the loop locks, answers must say so: LI 3, stratum 16.
out=$(probe 127.0.0.1 123)
case $out in
*"li=3 "*"stratum=16 "*"answers=1") ok "unsynchronised: LI 3, stratum 16" ;;
*"stratum=1 "*) ok "unsynchronised: (already locked, nothing to see)" ;;
*) not_ok "unsynchronised: LI 3, stratum 16 ($out)" ;;
esac

if wait_for 180 synchronised "$T/main.sock"; then
	ok "stratumd locks to PPS ($(counter "$T/main.sock" pps edges) edges)"
else
	not_ok "stratumd locks to PPS"
	status "$T/main.sock" | sed 's/^/# /'
	sed 's/^/# /' "$T/main.log" | tail -n 20
	done_testing
fi

# ---- chronyd: a real client, never touching the clock (-Q) ----

# |x| < 0.01 for a decimal number x
small() { awk -v x="$1" 'BEGIN { exit !(x != "" && x < 0.01 && x > -0.01) }'; }
# chrony prints "System clock wrong by X seconds (ignored)" and exits 0
# when it got a usable answer, "Timeout reached" and 1 when it did not.
chrony_offset() { sed -n 's/.*System clock wrong by \([-+0-9.e]*\) seconds.*/\1/p' "$1"; }

in_ns timeout 30 chronyd -Q -u root -t 15 \
    "server 127.0.0.1 port 123 iburst minpoll 0 maxpoll 0" "pidfile $T/chrony1.pid" \
    >"$T/chrony1.log" 2>&1
rc=$?
off=$(chrony_offset "$T/chrony1.log")
expect_eq "chronyd -Q (directive on the command line) exits 0" 0 $rc
if small "$off"; then ok "chronyd -Q: offset $off s"
else not_ok "chronyd -Q: offset '$off' s, want |x| < 0.01"; sed 's/^/# /' "$T/chrony1.log"; fi

cat >"$T/chrony.conf" <<EOF
server 127.0.0.1 port 123 iburst
pidfile $T/chrony2.pid
cmdport 0
EOF
in_ns timeout 30 chronyd -Q -u root -t 15 -f "$T/chrony.conf" >"$T/chrony2.log" 2>&1
rc=$?
off=$(chrony_offset "$T/chrony2.log")
expect_eq "chronyd -Q -f chrony.conf exits 0" 0 $rc
if small "$off"; then ok "chronyd -Q -f: offset $off s"
else not_ok "chronyd -Q -f: offset '$off' s, want |x| < 0.01"; sed 's/^/# /' "$T/chrony2.log"; fi
check "chronyd said nothing was wrong with the answers" \
    bash -c "! grep -Eiq 'invalid|bogus|KoD|unsynchron' '$T/chrony1.log' '$T/chrony2.log'"

# ---- a server that follows us over IPv6 is a loop ----

# chronyd synchronised to us says refid = the first four bytes of the MD5
# of our IPv6 address (RFC 5905); stratumd, which also has it as a
# server, must see itself in that and never follow it.
cat >"$T/chrony-loop.conf" <<EOF
bindaddress ::1
port 1123
cmdport 0
pidfile $T/chrony-loop.pid
allow ::1
server ::1 port 123 iburst minpoll 0 maxpoll 0
EOF
spawn ip netns exec "$ns" chronyd -x -d -u root -f "$T/chrony-loop.conf" 2>"$T/chrony-loop.log"
loop_pid=$LAST_PID
unfit_of() { # address: "unfit tally" of that source
	status "$T/main.sock" | python3 -c 'import json, sys
for s in json.load(sys.stdin)["sources"]:
    if s["address"] == sys.argv[1]: print(s["unfit"] or "fit", s["tally"])' "$1"
}
md5_refid=$(python3 -c 'import hashlib
print(".".join(str(b) for b in hashlib.md5(bytes(15) + b"\1").digest()[:4]))')
follows_us() { probe ::1 1123 | grep -q "stratum=2 refid=$md5_refid "; }
if wait_for 60 follows_us; then
	ok "chronyd follows us over IPv6: stratum 2, refid $md5_refid (MD5 of ::1)"
else
	not_ok "chronyd follows us over IPv6: stratum 2, refid $md5_refid ($(probe ::1 1123 | head -1))"
fi
seen_loop() { case "$(unfit_of ::1)" in "synchronised to us"*) return 0 ;; esac; return 1; }
if wait_for 20 seen_loop; then
	ok "stratumd sees the loop: ::1 is unfit ($(unfit_of ::1))"
else
	not_ok "stratumd sees the loop: ::1 unfit, synchronised to us ($(unfit_of ::1))"
fi
out=$(probe 127.0.0.1 123)
case $out in
*"stratum=1 refid=PPS origin=ok"*) ok "and it still serves stratum 1 from PPS" ;;
*) not_ok "and it still serves stratum 1 from PPS ($out)" ;;
esac
stop_pid "$loop_pid"

# ---- ntpsec's ntpdig, query mode only (never -S/-s) ----

dig() { # address
	in_ns timeout 20 "$ntpdig" -j -t 3 "$1" 2>"$T/ntpdig.err"
}
dig_field() { # json key
	python3 -c 'import json, sys
d = json.loads(sys.stdin.read())
print(d[sys.argv[1]])' "$1" 2>/dev/null
}
if [ -n "$ntpdig" ]; then
	for addr in 127.0.0.1 ::1; do
		j=$(dig "$addr")
		expect_eq "ntpdig $addr: stratum 1" 1 "$(echo "$j" | dig_field stratum)"
		expect_eq "ntpdig $addr: no leap warning" no-leap "$(echo "$j" | dig_field leap)"
		off=$(echo "$j" | dig_field offset)
		if small "$off"; then ok "ntpdig $addr: offset $off s"
		else not_ok "ntpdig $addr: offset '$off' s ($j; $(cat "$T/ntpdig.err"))"; fi
	done
	# ntpdig's plain output: "DATE TIME (+0000) +OFFSET +/- ERROR HOST s1 no-leap"
	out=$(in_ns timeout 20 "$ntpdig" -t 3 127.0.0.1 2>&1)
	case $out in
	*" 127.0.0.1 s1 no-leap") ok "ntpdig's own words: s1 no-leap" ;;
	*) not_ok "ntpdig's own words: s1 no-leap ($out)" ;;
	esac
fi

# ---- what the raw client sees from the locked server ----

out=$(probe 127.0.0.1 123)
case $out in
*"li=0 vn=4 mode=4 stratum=1 refid=PPS origin=ok"*"answers=1") ok "v4 request: mode 4, stratum 1, refid PPS, origin echoed" ;;
*) not_ok "v4 request: mode 4, stratum 1, refid PPS, origin echoed ($out)" ;;
esac
out=$(probe ::1 123)
case $out in
*"li=0 vn=4 mode=4 stratum=1 refid=PPS origin=ok"*"answers=1") ok "IPv6 ::1 is answered, stratum 1" ;;
*) not_ok "IPv6 ::1 is answered, stratum 1 ($out)" ;;
esac
out=$(probe 127.0.0.1 123 --version 3)
case $out in
*"vn=3 mode=4 stratum=1"*"answers=1") ok "v3 request: answered as v3" ;;
*) not_ok "v3 request: answered as v3 ($out)" ;;
esac

# Never larger than the request: a request with a MAC (20 and 24 bytes)
# gets the bare 48-byte header.
for len in 48 68 72; do
	out=$(probe 127.0.0.1 123 --len $len)
	alen=$(echo "$out" | sed -n 's/^answer len=\([0-9]*\).*/\1/p')
	if [ -n "$alen" ] && [ "$alen" -le "$len" ]; then ok "a $len-byte request gets $alen bytes"
	else not_ok "a $len-byte request: answer ${alen:-none} ($out)"; fi
done

# ---- malformed and non-request datagrams: no answer, counted ----

m0=$(counter "$T/main.sock" server malformed)
n0=$(counter "$T/main.sock" server not_request)
silent() { # what probe-args...
	local what=$1 out
	shift
	out=$(probe 127.0.0.1 123 --wait 0.5 "$@")
	case $out in
	answers=0) ok "$what: no answer" ;;
	*) not_ok "$what: no answer ($out)" ;;
	esac
}
silent "47 bytes" --len 47
silent "1 byte" --len 1
silent "version 7" --version 7
silent "version 0" --version 0
silent "49 bytes (a broken tail)" --len 49
silent "mode 4 (a server's answer)" --mode 4
# Mode 6 is ntpq's: from localhost a 48-byte datagram that is no control
# request we know gets a 12-byte error answer (never more than it sent).
out=$(probe 127.0.0.1 123 --wait 0.5 --mode 6)
case $out in
"answer len=12 "*) ok "mode 6 from localhost: a 12-byte error answer" ;;
*) not_ok "mode 6 from localhost: a 12-byte error answer ($out)" ;;
esac
expect_eq "malformed datagrams counted in status" $((m0 + 5)) \
    "$(counter "$T/main.sock" server malformed)"
expect_eq "non-requests counted in status" $((n0 + 1)) \
    "$(counter "$T/main.sock" server not_request)"
out=$(probe 127.0.0.1 123)
case $out in
*"stratum=1 refid=PPS origin=ok"*"answers=1") ok "still answering after the garbage" ;;
*) not_ok "still answering after the garbage ($out)" ;;
esac

# ---- access list and rate limit: a second server, never synchronised ----

# Its receiver is a pty that says nothing, so it stays at stratum 16.
spawn socat pty,link="$T/mute",raw,echo=0 pty,link="$T/mute-other",raw,echo=0
check "silent pty for the second server" wait_for 5 test -L "$T/mute"
mkdir -p "$T/second"
cat >"$T/second.conf" <<EOF
gps $T/mute
listen 127.0.0.1
port 124
deny 127.0.0.2
ratelimit interval 1 burst 2
allow 10.77.0.3 query
query-ratelimit interval 1 burst 4
statedir $T/second
control $T/second.sock
EOF
spawn ip netns exec "$ns" stratumd -d -x -f "$T/second.conf" 2>"$T/second.log"
check "second stratumd answers its control socket" wait_for 10 test -S "$T/second.sock"

out=$(probe 127.0.0.1 124 --count 10 --wait 1.5)
strata=$(echo "$out" | sed -n 's/.*stratum=\([0-9]*\).*/\1/p' | tr '\n' ' ')
expect_eq "10 back-to-back requests: 2 answers, 1 KoD, then silence" "16 16 0 " "$strata"
case $out in
*"stratum=0 refid=RATE origin=ok"*) ok "the KoD says RATE and echoes the origin" ;;
*) not_ok "the KoD says RATE and echoes the origin ($out)" ;;
esac
expect_eq "one KoD counted" 1 "$(counter "$T/second.sock" server kod)"
expect_eq "7 requests dropped by the rate limiter" 7 \
    "$(counter "$T/second.sock" server rate_dropped)"
sleep 2.5 # the bucket refills
out=$(probe 127.0.0.1 124)
case $out in
*"li=3 vn=4 mode=4 stratum=16"*"answers=1") ok "after the interval the client is answered again" ;;
*) not_ok "after the interval the client is answered again ($out)" ;;
esac

out=$(probe 127.0.0.1 124 --src 127.0.0.2 --count 3)
expect_eq "denied 127.0.0.2: no answer" "answers=0" "$out"
expect_eq "denied requests counted" 3 "$(counter "$T/second.sock" server denied)"
out=$(probe 127.0.0.1 124 --src 127.0.0.3)
case $out in
*"stratum=16"*"answers=1") ok "127.0.0.3, not denied, is answered" ;;
*) not_ok "127.0.0.3, not denied, is answered ($out)" ;;
esac

# ---- mode 6 from elsewhere: who may ask, and a limit that holds ----

# Two addresses of the namespace's own that are not loopback: 10.77.0.3
# may query (allow ... query), 10.77.0.2 may not.
in_ns ip addr add 10.77.0.2/32 dev lo
in_ns ip addr add 10.77.0.3/32 dev lo
# READSTAT requests, back to back; prints "answers=N bytes=B errors=E".
cat >"$T/m6.py" <<'EOF2'
import socket, struct, sys, time
src, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
s.connect(("127.0.0.1", port))
for i in range(count):
    s.send(struct.pack("!BBHHHHH", 4 << 3 | 6, 1, i + 1, 0, 0, 0, 0))
s.settimeout(0.1)
n = nbytes = errors = 0
end = time.time() + 1.0
while time.time() < end:
    try:
        r = s.recv(2048)
    except socket.timeout:
        continue
    n += 1
    nbytes += len(r)
    errors += len(r) >= 2 and r[1] & 0x40 != 0
print("answers=%d bytes=%d errors=%d" % (n, nbytes, errors))
EOF2
m6() { in_ns python3 "$T/m6.py" "$@"; }
out=$(m6 10.77.0.2 124 1)
expect_eq "mode 6 from a host without 'query': one 12-byte error answer" \
    "answers=1 bytes=12 errors=1" "$out"
out=$(m6 10.77.0.3 124 1)
case $out in
"answers=1 bytes="*" errors=0") ok "mode 6 from an 'allow ... query' host: answered ($out)" ;;
*) not_ok "mode 6 from an 'allow ... query' host: answered ($out)" ;;
esac
# The limit (interval 1 burst 4) has 3 tokens left after the one above;
# 50 back to back within a second can draw at most 3 + 1 refilled.
q0=$(counter "$T/second.sock" server queries_limited)
out=$(m6 10.77.0.3 124 50)
n=$(echo "$out" | sed 's/answers=\([0-9]*\).*/\1/')
if [ "$n" -ge 3 ] && [ "$n" -le 5 ]; then ok "50 queries from an allowed host: $n answered"
else not_ok "50 queries from an allowed host: 3 to 5 answered ($out)"; fi
expect_eq "the others counted as limited" $((50 - n)) \
    "$(( $(counter "$T/second.sock" server queries_limited) - q0 ))"
# Refusals are limited too: a spoofed flood is not reflected.
out=$(m6 10.77.0.2 124 50)
n=$(echo "$out" | sed 's/answers=\([0-9]*\).*/\1/')
if [ "$n" -ge 3 ] && [ "$n" -le 5 ]; then ok "50 queries from a refused host: $n errors sent"
else not_ok "50 queries from a refused host: 3 to 5 errors sent ($out)"; fi
# Localhost is never limited (chrony's cmdratelimit does the same).
expect_eq "50 queries from localhost: all answered" 50 \
    "$(m6 127.0.0.1 124 50 | sed 's/answers=\([0-9]*\).*/\1/')"

# chrony must refuse what an unsynchronised server says: the check above
# that it accepts stratumd's answers could fail.
in_ns timeout 30 chronyd -Q -u root -t 6 \
    "server 127.0.0.1 port 124 iburst minpoll 0 maxpoll 0" "pidfile $T/chrony3.pid" \
    >"$T/chrony3.log" 2>&1
expect_eq "chronyd -Q refuses an unsynchronised stratumd (exit 1)" 1 $?

# ---- clean exit ----

kill "$main"
wait "$main"
expect_eq "stratumd exits 0 on SIGTERM" 0 $?
check "no sanitizer report" \
    bash -c "! grep -Eq 'Sanitizer|runtime error' '$T/main.log' '$T/second.log' '$T/sim.log'"
if [ $_tap_fail -ne 0 ]; then
	echo "# stratumd log:"; sed 's/^/# /' "$T/main.log" | tail -n 30
fi
done_testing
