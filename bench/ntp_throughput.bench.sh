#!/bin/sh
# NTP server throughput and memory: stratumd against chronyd (the reference),
# both on loopback in the same run, both leaving the clock alone (-x).
#
#   chronyd: `local stratum 1`, answering as a stratum-1 server at once;
#   both: ten upstream servers configured (nothing answers them);
#   stratumd: locked to gpssim's PPS (what a real appliance answers), no
#             rate limit, as chronyd has none by default.
#
# The same load generator (bench/ntpload.c: a window of requests in flight,
# counting only valid stratum 1..15 answers) runs SECONDS against each, the
# two alternating ROUNDS times; the best run of each counts (least
# disturbed).  A stratumd run counts only if stratumd was synchronised
# before and after it (answers at stratum 16 are not valid for ntpload
# anyway; its "invalid" are mostly answers that came back too late to
# match, when the machine is busy).  Memory is the resident set
# (ps -o rss) of each after the load.
# Each server's CPU time over each run (utime + stime, Linux /proc) gives
# its CPU cost per valid answer: on a 2-core machine the load generator
# itself needs a whole core, so the answers/s of a fast server are capped
# by the load generator, and the cost per answer is what tells two
# servers apart once both keep up with it.
# bench/ntpfloor (a server that only turns each request round: no clock,
# no checks) runs in the same rounds as the ceiling of this machine's
# loopback path with this load generator; each server is also shown as a
# share of it.
# Targets: stratumd/chronyd throughput >= 2.0, or (where the ceiling is
# below twice chronyd, as on a 2-core machine) stratumd within 5 % of the
# ceiling; RSS <= half of chronyd's.
#   NTP_BENCH_SECONDS (default 10), NTP_BENCH_ROUNDS (2), NTP_BENCH_WINDOW (64)
set -u
bin=${1:-build/bin}
build=$(dirname "$bin")
secs=${NTP_BENCH_SECONDS:-10}
rounds=${NTP_BENCH_ROUNDS:-2}
window=${NTP_BENCH_WINDOW:-64}

command -v chronyd >/dev/null || { echo "bench: chronyd missing (sh scripts/deps.sh bench)"; exit 1; }
for p in stratumd gpssim outpost; do
	[ -x "$bin/$p" ] || { echo "bench: $bin/$p missing (make all)"; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/outpost-bench.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

mkdir -p "$build/bench"
${CC:-cc} -O2 -o "$build/bench/ntpload" bench/ntpload.c || exit 1
${CC:-cc} -O2 -o "$build/bench/ntpfloor" bench/ntpfloor.c || exit 1
load="$build/bench/ntpload"

# A UDP port nobody listens on (ss where there is one; else trust luck).
udp_free() {
	command -v ss >/dev/null 2>&1 || return 0
	[ -z "$(ss -Hlun "sport = :$1" 2>/dev/null)" ]
}
pick_port() { # start
	p=$1
	while ! udp_free "$p"; do p=$((p + 1)); done
	echo "$p"
}
p_chrony=$(pick_port $((20000 + $$ % 10000)))
p_strat=$(pick_port $((p_chrony + 1)))
p_floor=$(pick_port $((p_strat + 1)))

synchronised() {
	"$bin/outpost" status --json --stratumd "$work/control.sock" 2>/dev/null |
		grep -q '"synchronised":true'
}
# valid answers in a short run: is the server answering stratum 1 yet?
answering() { # port
	"$load" 127.0.0.1 "$1" 0.3 4 | awk '{ exit !($2 > 0) }'
}
wait_until() { # seconds command...
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# ---- the reference: chronyd ----

# Both are configured with the same ten upstream servers (loopback
# addresses where nothing answers: the associations, their polls and their
# memory are paid, and no answer can move either clock's state).
upstreams() {
	for i in 1 2 3 4 5 6 7 8 9 10; do echo "server 127.0.0.$((100 + i)) iburst"; done
}
upstreams >"$work/upstreams.conf"
cat >"$work/chrony.conf" <<EOF
include $work/upstreams.conf
local stratum 1
allow 127.0.0.1
port $p_chrony
cmdport 0
pidfile $work/chronyd.pid
driftfile $work/chrony.drift
EOF
# -u root: no dependence on the packaged user's name or its rights here.
chronyd -d -x -u root -f "$work/chrony.conf" >"$work/chrony.log" 2>&1 &
chrony=$!
pids="$pids $chrony"
wait_until 20 answering "$p_chrony" ||
	{ echo "bench: chronyd does not answer stratum 1"; cat "$work/chrony.log"; exit 1; }

# ---- stratumd, locked to a simulated receiver's PPS ----

"$bin/gpssim" --pty "$work/gps0" --pps-socket "$work/pps.sock" 2>"$work/gpssim.log" &
pids="$pids $!"
wait_until 5 test -e "$work/gps0" || { echo "bench: gpssim did not start"; exit 1; }
cat >"$work/stratumd.conf" <<EOF
include $work/upstreams.conf
gps $work/gps0
pps-socket $work/pps.sock
listen 127.0.0.1
port $p_strat
ratelimit off
statedir $work
control $work/control.sock
EOF
"$bin/stratumd" -d -x -f "$work/stratumd.conf" 2>"$work/stratumd.log" &
strat=$!
pids="$strat $pids"
echo "waiting for stratumd to lock to the PPS (up to 180 s)"
wait_until 180 synchronised ||
	{ echo "bench: stratumd did not lock"; tail -n 20 "$work/stratumd.log"; exit 1; }

"$build/bench/ntpfloor" "$p_floor" &
floor=$!
pids="$pids $floor"
wait_until 5 answering "$p_floor" || { echo "bench: ntpfloor does not answer"; exit 1; }

# ---- alternating runs ----

ticks() { # pid: CPU clock ticks used so far (user + system), 0 off Linux
	[ -r "/proc/$1/stat" ] || { echo 0; return; }
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
run() { # port pid: prints "valid invalid rate cpu-ns-per-answer"
	t0=$(ticks "$2")
	"$load" 127.0.0.1 "$1" "$secs" "$window" >"$work/run.out"
	t1=$(ticks "$2")
	awk -v d=$((t1 - t0)) -v hz="$hz" '{ print $2, $4, $10, ($2 > 0) ? int(d * 1e9 / hz / $2) : 0 }
	    END { if (NR == 0) print 0, 0, 0, 0 }' "$work/run.out"
}
shown() { # valid invalid rate: the run as listed
	if [ "$2" -gt 0 ]; then echo "$3 [$2 invalid]"; else echo "$3"; fi
}
best_f=0
best_c=0
best_s=0
cpu_f=0
cpu_c=0
cpu_s=0
runs_c=""
runs_s=""
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	set -- $(run "$p_floor" "$floor")
	[ "$3" -gt "$best_f" ] && best_f=$3
	[ "$4" -gt 0 ] && { [ "$cpu_f" -eq 0 ] || [ "$4" -lt "$cpu_f" ]; } && cpu_f=$4
	set -- $(run "$p_chrony" "$chrony")
	runs_c="$runs_c $(shown "$@")"
	[ "$3" -gt "$best_c" ] && best_c=$3
	[ "$4" -gt 0 ] && { [ "$cpu_c" -eq 0 ] || [ "$4" -lt "$cpu_c" ]; } && cpu_c=$4
	if synchronised; then
		set -- $(run "$p_strat" "$strat")
		if synchronised; then
			runs_s="$runs_s $(shown "$@")"
			[ "$3" -gt "$best_s" ] && best_s=$3
			[ "$4" -gt 0 ] && { [ "$cpu_s" -eq 0 ] || [ "$4" -lt "$cpu_s" ]; } && cpu_s=$4
		else
			runs_s="$runs_s ($3: not counted, lost its lock)"
		fi
	else
		runs_s="$runs_s (skipped: not synchronised)"
	fi
done
rss() { ps -o rss= -p "$1" | tr -d ' '; }
private() { # kB of private dirty memory (Linux), "?" elsewhere
	[ -r "/proc/$1/smaps_rollup" ] || { echo "?"; return; }
	awk '/^Private_Dirty:/ { s += $2 } END { print s + 0 }' "/proc/$1/smaps_rollup"
}
rss_c=$(rss "$chrony")
rss_s=$(rss "$strat")
priv_c=$(private "$chrony")
priv_s=$(private "$strat")
[ "$best_s" -gt 0 ] || { echo "bench: no stratumd run counted:$runs_s"; exit 1; }

awk -v c="$best_c" -v s="$best_s" -v rc="$rss_c" -v rs="$rss_s" -v pc="$priv_c" \
    -v ps="$priv_s" -v f="$best_f" -v cf="$cpu_f" -v cc="$cpu_c" -v cs="$cpu_s" -v secs="$secs" -v rounds="$rounds" -v w="$window" \
    -v runs_c="$runs_c" -v runs_s="$runs_s" -v ver="$(chronyd -v | awk '{ print $4; exit }')" 'BEGIN {
	printf "loopback, ntpload window %d, %d s per run, %d rounds alternating, best run counts\n",
	    w, secs, rounds
	printf "chronyd %s (local stratum 1, -x): %7d valid answers/s   (runs:%s)\n", ver, c, runs_c
	printf "stratumd (PPS-locked, -x):      %7d valid answers/s   (runs:%s)\n", s, runs_s
	printf "ntpfloor (the ceiling here):     %7d valid answers/s: chronyd reaches %.0f %%, stratumd %.0f %%\n",
	    f, (f > 0) ? 100 * c / f : 0, (f > 0) ? 100 * s / f : 0
	t = (c > 0) ? s / c : 0
	ok_t = (t >= 2.0 || (f > 0 && s >= 0.95 * f))
	printf "throughput stratumd/chronyd: %.2f (target >= 2.0, or within 5 %% of the ceiling, %.2f here): %s\n",
	    t, (c > 0) ? f / c : 0, ok_t ? "met" : "MISSED"
	if (cc > 0 && cs > 0)
		printf "server CPU per valid answer: stratumd %d ns, chronyd %d ns (ntpfloor %d ns): chronyd/stratumd %.2f\n",
		    cs, cc, cf, cc / cs
	m = (rc > 0) ? rs / rc : 9
	printf "RSS after the load: stratumd %d kB, chronyd %d kB: ratio %.2f (target <= 0.5): %s\n",
	    rs, rc, m, (m <= 0.5) ? "met" : "MISSED"
	printf "  of which private dirty: stratumd %s kB, chronyd %s kB\n", ps, pc
	exit !(ok_t && m <= 0.5)
}'
