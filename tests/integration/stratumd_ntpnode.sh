#!/usr/bin/env bash
# stratumd as a whole NTP node, in a network namespace of its own: five
# chronyd -x upstreams (one serving time 62 ms wrong), one chronyd that is
# a symmetric `peer` of stratumd's, gpssim as the receiver (PPS and NMEA),
# stratumd on port 123, read with ntpsec's real ntpq (port 123 only: hence
# the namespace) and asked for the time by a real client (chronyd -Q).
#
#   (a) ntpq -pn: eight associations in configuration order, PPS 'o', the
#       62 ms server 'x', the peer shown as type s; clients get stratum 1,
#       refid PPS; rv, sysinfo, kerninfo, cv and `rv &N` answer.
#   (a2) PPS stopped: the prefer server steers (stratum 2), NMEA never
#       does; PPS back: stratum 1 again.  chronyd -Q at each step.
#   (b) a server stopped with SIGSTOP: reach decays, it is dropped from
#       selection; after SIGCONT it is used again.
#   (c) a receiver whose PPS is 50 ms wrong is a falseticker: the servers
#       steer, clients see stratum 2 and a server's address, status says so.
#   (d) no receiver, no servers: the peer alone; then nothing: holdover
#       (chronyd -Q takes our time at both steps).
#   (e) a pool name with four addresses: three members; one that stops
#       answering is dropped and the fourth takes its place.
#
# Needs root (network namespaces).  The clock is never touched: stratumd
# runs with clock-control off, every chronyd with -x.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/stratumd_lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	not_ok "runs as root (network namespaces; CI runs as root)"
	done_testing
fi
need chronyd "the upstream servers and the peer"
need ip "network namespaces"

# ntpsec's ntpq conflicts with chrony as a package: unpack it instead.
NTPSEC=$OUTPOST_TOP/build/ntpsec
ntpsec_fetch() {
	mkdir -p "$NTPSEC" && cd "$NTPSEC" || return 1
	apt-get download ntpsec python3-ntp >/dev/null 2>&1 ||
	    { apt-get update -qq >/dev/null 2>&1 && apt-get download ntpsec python3-ntp >/dev/null; } ||
	    return 1
	for f in ntpsec_*.deb python3-ntp_*.deb; do dpkg -x "$f" root || return 1; done
	# ntp/ntpc.py looks for its C library beside itself first.
	cp root/usr/lib/*/ntp/libntpc.so.1 root/usr/lib/python3/dist-packages/ntp/libntpc.so
	cd - >/dev/null
}
if [ ! -f "$NTPSEC/root/usr/bin/ntpq" ]; then
	echo "# fetching ntpsec's ntpq with apt-get download (not installed: it conflicts with chrony)"
	ntpsec_fetch || { not_ok "ntpsec's ntpq unpacked from Debian's packages"; done_testing; }
fi
ntpq() {
	ip netns exec "$NS" env PYTHONPATH="$NTPSEC/root/usr/lib/python3/dist-packages" \
	    /usr/bin/python3 "$NTPSEC/root/usr/bin/ntpq" "$@" 2>&1
}

NS=onode$$
in_ns() { ip netns exec "$NS" "$@"; }
ns_cleanup() {
	local p
	for p in $(ip netns pids "$NS" 2>/dev/null); do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "/etc/netns/$NS"
}
trap 'ns_cleanup; _cleanup' EXIT
ip netns add "$NS" || { not_ok "network namespace"; done_testing; }
# ip netns exec puts /etc/netns/NAME/hosts in the place of /etc/hosts: a
# pool name with four addresses, looked up by stratumd's resolver child.
mkdir -p "/etc/netns/$NS"
printf '127.0.0.1 localhost\n' >"/etc/netns/$NS/hosts"
for n in 11 12 13 14; do echo "127.0.0.$n pool.test" >>"/etc/netns/$NS/hosts"; done
in_ns ip link set lo up

# Upstreams: 127.0.0.11..15 (15 is 62 ms wrong), the peer at 127.0.0.16.
chrony_conf() { # n extra-lines...
	local n=$1; shift
	{
		echo "bindaddress 127.0.0.$n"
		echo "port 123"
		echo "cmdport 0"
		echo "pidfile $T/c$n.pid"
		echo "allow 127.0.0.0/8"
		for l in "$@"; do echo "$l"; done
	} >"$T/c$n.conf"
}
for n in 11 12 13 14; do chrony_conf $n "local stratum 1"; done
chrony_conf 15 "local stratum 2" "server 127.0.0.11 minpoll 0 maxpoll 0 iburst offset 0.062"
# The peer polls us in symmetric mode but never follows us (noselect): in
# (d) it still has time of its own to give, as a peer with other sources
# would.  One that followed us would be refused as a loop.
chrony_conf 16 "local stratum 3" "peer 127.0.0.1 minpoll 1 maxpoll 1 noselect"
# ip netns exec runs the program in its own place: the PID is chronyd's.
for n in 11 12 13 14 15 16; do
	spawn ip netns exec "$NS" chronyd -x -d -u root -f "$T/c$n.conf" -L 0 2>>"$T/c$n.log"
done
wait_for 10 test -f "$T/c16.pid" || { not_ok "the chronyd upstreams start"; done_testing; }
# SIGSTOP must reach chronyd itself, not the ip-netns wrapper.
chrony_pid() { cat "$T/c$1.pid"; }

port=123
{
	echo "gps $T/gps0 9600"
	echo "pps-socket $T/pps.sock"
	for n in 11 12 13 14 15; do
		echo "server 127.0.0.$n iburst minpoll 1 maxpoll 1$([ $n = 13 ] && echo ' prefer')"
	done
	echo "peer 127.0.0.16 minpoll 1 maxpoll 1"
	echo "listen 127.0.0.1"
	echo "ratelimit off"
	echo "statedir $T"
	echo "statsdir $T"
	echo "statistics loopstats peerstats"
	echo "leapfile $CORPUS/ntp/leap-seconds.list"
	echo "control $T/control.sock"
	echo "clock-control no"
} >"$T/stratumd.conf"

start_node() { # gpssim options...
	rm -f "$T/gps0" "$T/sim.sock" "$T/control.sock"
	spawn gpssim --pty "$T/gps0" --pps-socket "$T/pps.sock" --control "$T/sim.sock" \
	    --seed 11 "$@" 2>>"$T/sim.log"
	sim_pid=$LAST_PID
	wait_for 5 test -S "$T/sim.sock" || { not_ok "gpssim starts"; done_testing; }
	spawn ip netns exec "$NS" stratumd -d -x -f "$T/stratumd.conf" 2>>"$T/stratumd.log"
	sd_pid=$LAST_PID
	wait_for 5 test -S "$T/control.sock" || { not_ok "stratumd starts"; show_logs; done_testing; }
}
stop_node() { stop_pid "$sd_pid"; stop_pid "$sim_pid"; }

# A row of ntpq -pn by remote: "127.0.0.15" or "PPS(0)".
row() {
	ntpq -pn 127.0.0.1 | awk -v r="$1" 'NR > 2 && substr($0, 2, length(r) + 1) == r " " { print; exit }'
}
tally() { row "$1" | cut -c1; }
tally_is() { [ "$(tally "$1")" = "$2" ]; }
# What a client is told: "stratum=N refid=X li=N".
answer() {
	in_ns python3 "$T/ntp.py" 123 | tr ' ' '\n' | grep -E '^(stratum|refid|li)=' | tr '\n' ' '
}
answer_has() { case "$(answer)" in *"$1"*) return 0 ;; esac; return 1; }
# chronyd -Q: a real client's verdict on us (no clock is set with -Q).
client_accepts() {
	in_ns timeout 20 chronyd -Q -u root -t 15 "server 127.0.0.1 iburst maxsamples 4" 2>&1 |
	    grep -q "System clock wrong by"
}

# ---- (a) everything up ----
start_node
if wait_for 90 tally_is "127.0.0.15" x; then
	ok "(a) the 62 ms server is a falseticker (x)"
else
	not_ok "(a) the 62 ms server is a falseticker (x)"
	ntpq -pn 127.0.0.1 | sed 's/^/# /'
fi
table=$(ntpq -pn 127.0.0.1)
echo "$table" | sed 's/^/# /'
rows=$(echo "$table" | tail -n +3)
expect_eq "(a) ntpq -pn lists eight associations" 8 "$(echo "$rows" | wc -l)"
expect_eq "(a) in configuration order" "PPS(0) GPS_NMEA(0) 127.0.0.11 127.0.0.12 127.0.0.13 127.0.0.14 127.0.0.15 127.0.0.16" \
    "$(echo "$rows" | cut -c2- | awk '{ printf "%s%s", (NR > 1 ? " " : ""), $1 }')"
if wait_for 90 tally_is "PPS(0)" o; then ok "(a) PPS is the pps peer (o)"; else not_ok "(a) PPS is the pps peer (o) ($(row 'PPS(0)'))"; fi
# outpost peers reads the same table without ntpq: tally, remote, refid,
# stratum, type and reach agree (the numbers move between two reads).
cols() { awk 'NR > 2 { print substr($0, 1, 1) " " substr($0, 2, 16) " " $2 " " $3 " " $4 " " $7 }'; }
peers_agree() {
	[ "$(ntpq -pn 127.0.0.1 | cols)" = "$(in_ns outpost peers -n 2>&1 | cols)" ]
}
if wait_for 10 peers_agree; then
	ok "(a) outpost peers agrees with ntpq -pn"
else
	not_ok "(a) outpost peers agrees with ntpq -pn"
	in_ns outpost peers -n 2>&1 | sed 's/^/# /'
fi
case "$(row 'PPS(0)')" in
*" .PPS. "*" 0 l "*) ok "(a) PPS(0): refid .PPS., stratum 0, type l" ;;
*) not_ok "(a) PPS(0): refid .PPS., stratum 0, type l ($(row 'PPS(0)'))" ;;
esac
case "$(tally 127.0.0.13)" in
'*') ok "(a) the prefer server is the system peer (*)" ;;
*) not_ok "(a) the prefer server is the system peer (*) ($(row 127.0.0.13))" ;;
esac
for n in 11 12 14; do
	case "$(tally 127.0.0.$n)" in
	'+' | '-' | '*') ok "(a) 127.0.0.$n is a truechimer ($(tally 127.0.0.$n))" ;;
	*) not_ok "(a) 127.0.0.$n is a truechimer ($(row 127.0.0.$n))" ;;
	esac
done
case "$(row 127.0.0.16)" in
*" s "*) ok "(a) the peer is shown as symmetric (type s)" ;;
*) not_ok "(a) the peer is shown as symmetric (type s) ($(row 127.0.0.16))" ;;
esac
peer_reached() { row 127.0.0.16 | awk '{ exit !($7 != "0") }'; }
if wait_for 90 peer_reached; then
	ok "(a) the peer answers in symmetric mode (reach $(row 127.0.0.16 | awk '{print $7}'))"
else
	not_ok "(a) the peer answers in symmetric mode ($(row 127.0.0.16))"
fi
if wait_for 90 answer_has "stratum=1 refid=PPS"; then
	ok "(a) clients are told stratum 1, refid PPS"
else
	not_ok "(a) clients are told stratum 1, refid PPS ($(answer))"
fi
if client_accepts; then ok "(a) chronyd -Q takes our time"
else not_ok "(a) chronyd -Q takes our time ($(answer); $(st sync.state))"; fi
rv=$(ntpq -c rv 127.0.0.1)
case "$rv" in
*"stratum=1,"*"refid=PPS"*) ok "(a) ntpq rv: stratum 1, refid PPS" ;;
*) not_ok "(a) ntpq rv: stratum 1, refid PPS"; echo "$rv" | sed 's/^/# /' ;;
esac
si=$(ntpq -c sysinfo 127.0.0.1)
case "$si" in
*"stratum:"*1*"reference ID:"*PPS*) ok "(a) ntpq sysinfo answers" ;;
*) not_ok "(a) ntpq sysinfo answers"; echo "$si" | sed 's/^/# /' ;;
esac
ki=$(ntpq -c kerninfo 127.0.0.1)
case "$ki" in
*"pll frequency:"*"frequency tolerance:"*) ok "(a) ntpq kerninfo answers" ;;
*) not_ok "(a) ntpq kerninfo answers"; echo "$ki" | sed 's/^/# /' ;;
esac
cv=$(ntpq -c "cv 2" 127.0.0.1)
case "$cv" in
*'timecode="$GPRMC'*) ok "(a) ntpq cv shows the receiver's last RMC" ;;
*) not_ok "(a) ntpq cv shows the receiver's last RMC"; echo "$cv" | sed 's/^/# /' ;;
esac
# Debian's tzdata copy: TAI-UTC 37 s since 2017, expired on 2026-06-28.
# (ntpq quotes a value that is no number: it does so for ntpsec's ntpd.)
expect_eq "(a) ntpq rv tai,leapsec,expire: the leapfile's, as ntpsec's ntpd writes them" \
    'tai=37, leapsec="2017-01-01T00:00Z", expire="2026-06-28T00:00Z"' \
    "$(ntpq -c "rv 0 tai,leapsec,expire" 127.0.0.1 | grep -v '^associd' | tr -d '\r\n')"
rva=$(ntpq -c "rv &7" 127.0.0.1)
case "$rva" in
*"srcadr=127.0.0.15"*"stratum=2"*) ok "(a) ntpq rv &7 reads the seventh association" ;;
*) not_ok "(a) ntpq rv &7 reads the seventh association"; echo "$rva" | sed 's/^/# /' ;;
esac
as=$(ntpq -c as 127.0.0.1)
expect_eq "(a) ntpq as: eight associations, all configured" 8 "$(echo "$as" | grep -c ' yes ')"
check "(a) peerstats has lines for servers and refclocks" \
    sh -c "cat $T/peerstats.* | grep -q ' 127.0.0.12 ' && cat $T/peerstats.* | grep -q ' 127.127.22.0 '"

# ---- (a2) PPS stops while the servers answer, then comes back ----
# NMEA alone is milliseconds noisy: the servers are better, and the prefer
# one steers (ntpd does the same: its NMEA driver is a cluster outlier).
sim pps stop >/dev/null
if wait_for 90 answer_has "stratum=2 refid=127.0.0.13"; then
	ok "(a2) PPS stopped: the prefer server steers, clients see stratum 2 and its address"
else
	not_ok "(a2) PPS stopped: the prefer server steers ($(answer))"
	ntpq -pn 127.0.0.1 | sed 's/^/# /'
fi
check "(a2) the log says what clients see" \
    grep -q "following 127.0.0.13 (127.0.0.13); clients see stratum 2, refid 127.0.0.13" "$T/stratumd.log"
case "$(tally 'GPS_NMEA(0)')" in
'*' | 'o') not_ok "(a2) NMEA does not steer ($(row 'GPS_NMEA(0)'))" ;;
*) ok "(a2) NMEA does not steer ($(tally 'GPS_NMEA(0)'))" ;;
esac
if client_accepts; then ok "(a2) chronyd -Q takes our time at stratum 2"
else not_ok "(a2) chronyd -Q takes our time at stratum 2 ($(answer))"; fi
sim pps start >/dev/null
if wait_for 90 answer_has "stratum=1 refid=PPS"; then
	ok "(a2) PPS back: clients see stratum 1, refid PPS again"
else
	not_ok "(a2) PPS back: clients see stratum 1, refid PPS again ($(answer))"
fi
if client_accepts; then ok "(a2) chronyd -Q takes our time again"
else not_ok "(a2) chronyd -Q takes our time again ($(answer))"; fi

# ---- (b) a server stops answering, then comes back ----
kill -STOP "$(chrony_pid 12)"
if wait_for 90 tally_is 127.0.0.12 ' '; then
	ok "(b) a stopped server is dropped (reach $(row 127.0.0.12 | awk '{print $7}'))"
else
	not_ok "(b) a stopped server is dropped ($(row 127.0.0.12))"
fi
kill -CONT "$(chrony_pid 12)"
truechimer() { case "$(tally "$1")" in '+' | '-' | '*') return 0 ;; esac; return 1; }
if wait_for 90 truechimer 127.0.0.12; then
	ok "(b) after SIGCONT it is used again ($(tally 127.0.0.12))"
else
	not_ok "(b) after SIGCONT it is used again ($(row 127.0.0.12))"
fi
stop_node

# ---- (c) a receiver 50 ms wrong: outvoted ----
start_node --pps-offset 0.05
# Each step waits for the state it needs (up to 90 s: on a loaded machine
# the upstream chronyds answer and the selection settles late), never for
# a time.
if wait_for 90 tally_is "PPS(0)" x; then
	ok "(c) a receiver 50 ms off is a falseticker"
else
	not_ok "(c) a receiver 50 ms off is a falseticker"; ntpq -pn 127.0.0.1 | sed 's/^/# /'
fi
if wait_for 90 answer_has "stratum=2 refid=127.0.0.1"; then
	ok "(c) clients are told stratum 2 and a server's address ($(answer))"
else
	not_ok "(c) clients are told stratum 2 and a server's address ($(answer))"
fi
expect_eq "(c) status says the receiver disagrees" true "$(st selection.gps_falseticker)"
check "(c) the log says so" grep -q "PPS(0) is a falseticker" "$T/stratumd.log"
if client_accepts; then ok "(c) chronyd -Q takes our time"
else not_ok "(c) chronyd -Q takes our time ($(answer); $(st sync.state))"; fi
stop_node

# ---- (d) the peer alone, then nothing ----
for n in 11 12 13 14 15; do kill -STOP "$(chrony_pid $n)"; done
grep -v -E '^(gps|pps-socket)' "$T/stratumd.conf" >"$T/peer-only.conf"
spawn ip netns exec "$NS" stratumd -d -x -f "$T/peer-only.conf" 2>>"$T/stratumd.log"
sd_pid=$LAST_PID
if wait_for 90 answer_has "stratum=4"; then
	ok "(d) servers gone: the peer steers, clients see its stratum + 1 ($(answer))"
else
	not_ok "(d) servers gone: the peer steers, clients see its stratum + 1 ($(answer))"
	ntpq -pn 127.0.0.1 | sed 's/^/# /'
fi
if client_accepts; then ok "(d) chronyd -Q takes the peer's time from us"
else not_ok "(d) chronyd -Q takes the peer's time from us ($(answer))"; fi
kill -STOP "$(chrony_pid 16)"
if wait_for 90 grep -q 'no source to follow' "$T/stratumd.log"; then
	ok "(d) nothing left: stratumd says so and holds over"
else
	not_ok "(d) nothing left: stratumd says so and holds over"
fi
# The loop calls it holdover once samples have been missing for three
# sample intervals; clients are answered as before, with a growing
# root dispersion.
if wait_for 90 st_is sync.state holdover; then
	ok "(d) the loop goes into holdover"
else
	not_ok "(d) the loop goes into holdover ($(st sync.state))"
fi
if answer_has "li=0 stratum=4"; then ok "(d) in holdover, still answering as before ($(answer))"
else not_ok "(d) in holdover, still answering as before ($(answer))"; fi
if client_accepts; then ok "(d) chronyd -Q takes our time in holdover"
else not_ok "(d) chronyd -Q takes our time in holdover ($(answer))"; fi
for n in 11 12 13 14 15 16; do kill -CONT "$(chrony_pid $n)"; done
stop_pid "$sd_pid"

# ---- (e) a pool: three of its four addresses, a dead one replaced ----
{
	echo "pool pool.test iburst maxsources 3 minpoll 1 maxpoll 1"
	echo "listen 127.0.0.1"
	echo "statedir $T"
	echo "control $T/control.sock"
	echo "clock-control no"
} >"$T/pool.conf"
spawn ip netns exec "$NS" stratumd -d -x -f "$T/pool.conf" 2>>"$T/pool.log"
sd_pid=$LAST_PID
members() { ntpq -pn 127.0.0.1 | awk 'NR > 2 { print substr($0, 2, 15) }' | tr -d ' ' | sort | tr '\n' ' '; }
if wait_for 90 sh -c "[ \$(grep -c 'pool pool.test: member' '$T/pool.log') -ge 3 ]"; then
	ok "(e) the pool's name gives three members ($(members))"
else
	not_ok "(e) the pool's name gives three members"; tail -5 "$T/pool.log" | sed 's/^/# /'
fi
first=$(grep -m1 -o 'member 127.0.0.1[1-4]' "$T/pool.log" | cut -d' ' -f2)
kill -STOP "$(chrony_pid "${first##*.}")"
if wait_for 90 grep -q "pool member $first dropped" "$T/pool.log" &&
    wait_for 90 sh -c "[ \$(grep -c 'pool pool.test: member' '$T/pool.log') -ge 4 ]"; then
	ok "(e) a member that stops answering is replaced by the fourth address ($(members))"
else
	not_ok "(e) a member that stops answering is replaced"; tail -8 "$T/pool.log" | sed 's/^/# /'
fi
kill -CONT "$(chrony_pid "${first##*.}")"
stop_pid "$sd_pid"

check "stratumd never died of a signal" sh -c "! grep -Eq 'Sanitizer|runtime error' $T/stratumd.log $T/pool.log"
done_testing
