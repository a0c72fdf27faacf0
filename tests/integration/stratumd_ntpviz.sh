#!/usr/bin/env bash
# NTPsec's ntpviz draws its plots from stratumd's statistics files: gpssim
# as the receiver (PPS and NMEA) and a chronyd -x on loopback as a server,
# stratumd writing loopstats and peerstats (ntpd's formats, one file per
# day: peerstats.YYYYMMDD) for about half a minute, then ntpviz over the
# statsdir.
#
#   (a) the files are named like ntpd's `filegen ... type day` set: the
#       date in each name is the day of the MJD on its lines; the lines
#       have ntpd's fields.
#   (b) --local-offset: the gnuplot script ntpviz writes holds every
#       loopstats line, time, offset and frequency as in the files, and
#       gnuplot gets each sample and draws a PNG.
#   (c) --all-peer-offsets names every source (127.127.22.0 PPS and
#       127.127.20.0 NMEA as ntpd's refclocks, the server by name) with
#       every one of its peerstats lines, offsets as in the files.
#   (d) --peer-offsets for the server: its offset±rtt/2 plot is fed the
#       delays from the files, and they are real (> 0).
#   (e) ntpviz -o: an index.html with the usual plots as real PNG images,
#       and the summary table has each source's row.
#
# ntpviz comes from Debian's ntpsec-ntpviz (beside chrony: it needs only
# python3-ntp and gnuplot, not ntpsec itself), installed by deps.sh check.
# The clock is never touched: stratumd runs with -x, chronyd with -x.
# KEEP=DIR keeps a copy of the files, ntpviz's scripts and its page.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/stratumd_lib.sh"

command -v ntpviz >/dev/null || sh "$OUTPOST_TOP/scripts/deps.sh" check >/dev/null
need ntpviz "NTPsec's plotter (ntpsec-ntpviz)"
need gnuplot "ntpviz's plots"
need chronyd "the NTP server"
echo "# $(ntpviz --version 2>&1), $(gnuplot --version)"
# ntpviz leaves the gnuplot script of a failed plot in TMPDIR: keep it in $T.
viz() { TMPDIR=$T timeout 60 ntpviz -d "$T/stats" -n stratumd "$@"; }

# ---- stratumd on gpssim and a chronyd server, writing statistics ----

cport=$(free_port)
cat >"$T/chrony.conf" <<EOF
bindaddress 127.0.0.1
port $cport
cmdport 0
pidfile $T/chronyd.pid
allow 127.0.0.1
local stratum 1
EOF
spawn chronyd -x -d -u root -f "$T/chrony.conf" -L 0 2>>"$T/chronyd.log"
chrony_pid=$LAST_PID
wait_for 10 test -f "$T/chronyd.pid" || { not_ok "chronyd starts"; done_testing; }

mkdir -p "$T/stats"
write_conf "server 127.0.0.1 port $cport iburst minpoll 1 maxpoll 1" \
    "statsdir $T/stats" "statistics loopstats peerstats"
start_pair

# All the lines of the kind, every day's file, in the order ntpviz reads them.
lines_of() { cat "$T/stats/$1".* 2>/dev/null; }
n_loop() { lines_of loopstats | wc -l; }
n_peer() { lines_of peerstats | awk -v id="$1" '$3 == id' | wc -l; }
enough() {
	[ "$(n_loop)" -ge 15 ] && [ "$(n_peer 127.127.22.0)" -ge 10 ] &&
	    [ "$(n_peer 127.127.20.0)" -ge 10 ] && [ "$(n_peer 127.0.0.1)" -ge 3 ]
}
if wait_for 45 enough; then
	ok "stratumd wrote loopstats and peerstats for PPS, NMEA and the server"
else
	not_ok "stratumd wrote loopstats and peerstats for PPS, NMEA and the server" \
	    "(loop $(n_loop), PPS $(n_peer 127.127.22.0), NMEA $(n_peer 127.127.20.0)," \
	    "server $(n_peer 127.0.0.1))"
	show_logs
	tail -n 5 "$T/chronyd.log" | sed 's/^/# chronyd: /'
	done_testing
fi
# Stopped now, so the files hold what ntpviz is to read and no more.
# ntpviz reads up to the whole second it starts in (statfiles.py's endtime
# is int(time.time())): a line from that second would be left out.
stop_pair
stop_pid "$chrony_pid"
sleep 1.1
check "no sanitizer report" no_sanitizer_report
nloop=$(n_loop)
echo "# loopstats: $nloop lines; peerstats: PPS $(n_peer 127.127.22.0)," \
    "NMEA $(n_peer 127.127.20.0), server $(n_peer 127.0.0.1)"

# ---- (a) file names ----

day_of_mjd() { [ $# -eq 1 ] && date -u -d "@$(( ($1 - 40587) * 86400 ))" +%Y%m%d; }
names_ok() {
	local f mjd n=0
	for f in "$T"/stats/*; do
		mjd=$(cut -d' ' -f1 "$f" | sort -u | tr '\n' ' ')
		case ${f##*/} in
		loopstats.$(day_of_mjd $mjd 2>/dev/null) | peerstats.$(day_of_mjd $mjd 2>/dev/null))
			n=$((n + 1)) ;;
		*)	echo "# ${f##*/}: lines of MJD $mjd"; return 1 ;;
		esac
	done
	[ $n -ge 2 ]
}
check "stats files are named stem.YYYYMMDD, the day of their lines' MJD" names_ok
# The field numbers below are ntpd's: pin the layout first, or a column
# lost or added would shift what both ntpviz and these checks read.
fields_ok() { # kind regex: every line matches
	local bad
	bad=$(lines_of "$1" | grep -Evx "$2" | head -n 1)
	[ -z "$bad" ] || { echo "# $1: $bad"; return 1; }
}
num='-?[0-9]+\.[0-9]+'
check "loopstats lines: MJD sec offset freq jitter wander poll" \
    fields_ok loopstats "[0-9]{5} [0-9]+\.[0-9]+( $num){4} [0-9]+"
check "peerstats lines: MJD sec address status(hex) offset delay dispersion jitter" \
    fields_ok peerstats "[0-9]{5} [0-9]+\.[0-9]+ [0-9.]+ [0-9a-f]{1,4}( $num){4}"

# ---- helpers: ntpviz's gnuplot scripts and what gnuplot makes of them ----

# blocks SCRIPT: the inline data lines, "BLOCK TIME-SECONDS FIELDS..."
blocks() {
	awk '/^e$/ { b++; next }
	    /^[0-9]+(\.[0-9]*)? / { $1 = int($1); print b + 0, $0 }' "$1"
}
# expected KIND ID BLOCK FIELD...: the lines of a file, as ntpviz should
# pass them to gnuplot: Unix seconds, then the fields (1-based) asked for.
expected() {
	local kind=$1 id=$2 b=$3; shift 3
	lines_of "$kind" | awk -v id="$id" -v b="$b" -v f="$*" '
	    BEGIN { n = split(f, fld, " ") }
	    id == "" || $3 == id {
		s = b " " (($1 - 40587) * 86400 + int($2))
		for (i = 1; i <= n; i++) s = s " " $(fld[i])
		print s }'
}
# points SCRIPT TABLE: gnuplot runs the script into a table, one line per
# point it plotted ("i" in range, "o" out of range); prints for each curve
# of data (not the 50th percentile line of one source's plots)
# "TITLE:POINTS:IN-RANGE,".
points() {
	sed "s|^plot |set table '$2'\nplot |" "$1" | gnuplot 2>"$2.err" || return 1
	awk '/^# Curve title: / { c = substr($0, 16); o[++k] = c; next }
	    / [io]$/ && c != "" { t[c]++; if ($NF == "i") n[c]++ }
	    END { for (i = 1; i <= k; i++) if (o[i] !~ /percentile/)
		printf "%s:%d:%d,", o[i], t[o[i]], n[o[i]] }' "$2"
}
is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

# ---- (b) the local clock offset ----

viz --local-offset >"$T/lo.plt" 2>"$T/lo.err"
expect_eq "local offset: ntpviz exits 0" 0 $?
check "local offset: the script has every loopstats line (time, offset, frequency)" \
    diff <(expected loopstats "" 0 3 4) <(blocks "$T/lo.plt" | awk '$1 == 0')
# (whether each is in range is not asked: ntpviz rounds the range to four
# decimals of the unit it picks, and the extreme sample may fall outside)
expect_eq "local offset: gnuplot gets every sample of both curves" \
    "\"clock offset µs\":$nloop,\"frequency offset\":$nloop," \
    "$(points "$T/lo.plt" "$T/lo.tab" | sed 's/ pp[mb]"/"/; s/:[0-9]*,/,/g')"
viz --local-offset -g >"$T/lo.png" 2>>"$T/lo.err"
check "local offset: gnuplot draws a PNG of it" is_png "$T/lo.png"

# ---- (c) every source's offsets ----

viz --all-peer-offsets >"$T/po.plt" 2>"$T/po.err"
expect_eq "peer offsets: ntpviz exits 0" 0 $?
# peers in ntpviz's order (sorted): the server, NMEA, PPS
# (the server by its name, as ntpviz looks it up)
name=$(python3 -c 'import socket
try: print(socket.gethostbyaddr("127.0.0.1")[0])
except socket.herror: print("127.0.0.1")')
srvname="\"$name\""
titles=$(grep -o "title '[^']*'" "$T/po.plt" | tr '\n' ,)
expect_eq "peer offsets: the plot names the server and ntpd's refclocks 20 and 22" \
    "title '$name',title 'REFCLOCK(type=20,unit=0)',title 'REFCLOCK(type=22,unit=0)'," \
    "$titles"
check "peer offsets: every peerstats line of each source, offsets as in the files" \
    diff <(expected peerstats 127.0.0.1 0 5; expected peerstats 127.127.20.0 1 5
	expected peerstats 127.127.22.0 2 5) <(blocks "$T/po.plt")
# gnuplot gets every point, not every one in range: ntpviz 1.2.2 takes a
# many-source plot's y range from the last source alone (PPS, a few µs),
# so NMEA's and the server's lines mostly lie outside the picture.
gp=$(points "$T/po.plt" "$T/po.tab" | sed 's/:[0-9]*,/,/g')
expect_eq "peer offsets: gnuplot gets every point of the three curves" \
    "$srvname:$(n_peer 127.0.0.1),\"REFCLOCK(type=20,unit=0)\":$(n_peer 127.127.20.0),\"REFCLOCK(type=22,unit=0)\":$(n_peer 127.127.22.0)," \
    "$gp"

viz --peer-offsets 127.127.22.0 >"$T/pps.plt" 2>"$T/pps.err"
check "PPS offset: the script has each of its lines" \
    diff <(expected peerstats 127.127.22.0 0 5) <(blocks "$T/pps.plt")
check "PPS offset: titled as ntpd's PPS refclock" grep -q 'Refclock Offset 127.127.22.0' "$T/pps.plt"

# ---- (d) the server: offset and round-trip delay ----

viz --peer-offsets 127.0.0.1 >"$T/srv.plt" 2>"$T/srv.err"
expect_eq "server offset: ntpviz exits 0" 0 $?
# ntpviz sends the data three times: offset, offset+rtt/2, offset-rtt/2
check "server offset: each line's offset and delay, three times over" \
    diff <(for b in 0 1 2; do expected peerstats 127.0.0.1 $b 5 6; done) <(blocks "$T/srv.plt")
check "server offset: the delays are real (all > 0)" \
    awk '$3 == "127.0.0.1" { n++; if (!($6 > 0)) bad++ } END { exit !(n > 0 && !bad) }' \
    <(lines_of peerstats)
n=$(n_peer 127.0.0.1)
expect_eq "server offset: gnuplot plots offset, +rtt/2 and -rtt/2, every point" \
    "$srvname:$n,\"offset+rtt/2\":$n,\"offset-rtt/2\":$n," \
    "$(points "$T/srv.plt" "$T/srv.tab" | sed 's/:[0-9]*,/,/g')"

# ---- (e) the whole page ----

viz -D 1 -o "$T/www" >"$T/www.log" 2>&1
expect_eq "ntpviz -o: exits 0" 0 $?
check "ntpviz -o: index.html" grep -q '<img' "$T/www/index.html"
for p in local-offset local-jitter local-stability local-offset-histogram peer-offsets \
    peer-jitters peer-offset-127.127.22.0 peer-offset-127.127.20.0 peer-offset-127.0.0.1 \
    peer-jitter-127.127.22.0; do
	check "ntpviz -o: $p.png is a PNG image" is_png "$T/www/$p.png"
done
for row in "Local Clock Time Offset" "Refclock Offset 127.127.22.0 PPS(0)" \
    "Refclock Offset 127.127.20.0 NMEA(0)" "Server Offset 127.0.0.1"; do
	check "ntpviz -o: summary has a row '$row'" grep -q "^$row" "$T/www/summary.csv"
done
# Known, not stratumd's format: NMEA's jitter is its filter's floor (2 ms)
# on every line when gpssim's NMEA wanders less, and ntpviz then asks
# gnuplot for an empty y range.  Shown here, not counted.
awk '/^ntpviz: plotting / { p = substr($0, 18) }
    /plot returned/ { print "# ntpviz could not draw: " p }' "$T/www.log"

[ -n "${KEEP:-}" ] && cp -r "$T" "$KEEP"
if [ $_tap_fail -ne 0 ]; then
	for f in lo po srv; do sed "s/^/# $f.err: /" "$T/$f.err"; done
	sed 's/^/# ntpviz -o: /' "$T/www.log" | tail -n 20
	head -n 3 "$T"/stats/* | sed 's/^/# /'
fi
done_testing
