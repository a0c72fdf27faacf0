#!/usr/bin/env bash
# outpost otp init|code as an operator uses them: a private secret file
# (mode 0600, directory 0700), never overwritten without --force, an
# otpauth:// URI an authenticator app accepts, a QR code that a real decoder
# (zbarimg) reads back as that URI, and codes that agree with the RFC 6238
# vectors and with an independent implementation (python3's hmac).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
RFC_SECRET=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ	# base32 of "12345678901234567890"

# Python's TOTP, the peer: totp SECRET TIME DIGITS
cat >"$T/totp.py" <<'EOF'
import base64, hashlib, hmac, struct, sys
s = "".join(sys.argv[1].split()).upper()
key = base64.b32decode(s + "=" * (-len(s) % 8))
t, d = int(sys.argv[2]), int(sys.argv[3])
mac = hmac.new(key, struct.pack(">Q", t // 30), hashlib.sha1).digest()
o = mac[-1] & 15
print(str((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 10 ** d).zfill(d))
EOF
py_totp() { "$PY" "$T/totp.py" "$@"; }
mode_of() { "$PY" -c 'import os,sys; print(oct(os.stat(sys.argv[1]).st_mode & 0o7777)[2:])' "$1"; }

# ---- otp code: RFC 6238 appendix B (SHA1) through stdin ----
expect_eq "RFC 6238: time 59, 6 digits" 287082 "$(echo $RFC_SECRET | outpost otp code --time 59)"
expect_eq "RFC 6238: time 59, 8 digits" 94287082 \
    "$(echo $RFC_SECRET | outpost otp code --time 59 --digits 8)"
for tv in 1111111109:07081804 1111111111:14050471 1234567890:89005924 2000000000:69279037 \
    20000000000:65353130; do
	expect_eq "RFC 6238: time ${tv%%:*}, 8 digits" "${tv#*:}" \
	    "$(echo $RFC_SECRET | outpost otp code --time "${tv%%:*}" --digits=8)"
done
expect_eq "the secret as a person types it (lower case, groups)" 287082 \
    "$(printf 'gezd gnbv gy3t qojq\ngezd gnbv gy3t qojq\n' | outpost otp code --time 59)"

# ---- otp init: a new secret, its file and its URI ----
outpost otp init --secret-file "$T/etc/otp.secret" --issuer "ACME Co" \
    --account "ops@site 1" >"$T/init.out" 2>"$T/init.err"
expect_eq "init: exit status" 0 "$?"
check "init: says where the secret went" grep -qF "wrote $T/etc/otp.secret" "$T/init.err"
expect_eq "init: the missing directory is made 0700" 700 "$(mode_of "$T/etc")"
expect_eq "init: the secret file is 0600" 600 "$(mode_of "$T/etc/otp.secret")"
secret=$(cat "$T/etc/otp.secret")
check "init: the file holds 32 base32 digits (160 bits)" \
    "$PY" -c 'import re,sys; sys.exit(not re.fullmatch("[A-Z2-7]{32}", sys.argv[1]))' "$secret"
uri=$(head -n 1 "$T/init.out")
expect_eq "init: the URI, labels percent-encoded" \
    "otpauth://totp/ACME%20Co:ops%40site%201?secret=$secret&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30" \
    "$uri"
# As an authenticator app reads it.
cat >"$T/uri.py" <<'EOF'
import sys, urllib.parse as up
u = up.urlparse(sys.argv[1]); q = up.parse_qs(u.query, strict_parsing=True)
issuer, account = up.unquote(u.path[1:]).split(":")
print(u.scheme, u.netloc, issuer, account, q["secret"][0] == sys.argv[2], q["issuer"][0],
      q["algorithm"][0], q["digits"][0], q["period"][0], sep="|")
EOF
expect_eq "init: the URI's fields as an app parses them" \
    "otpauth|totp|ACME Co|ops@site 1|True|ACME Co|SHA1|6|30" "$("$PY" "$T/uri.py" "$uri" "$secret")"

# Default issuer and account (the host name).
outpost otp init --secret-file "$T/etc/second" >"$T/init2.out" 2>/dev/null
host=$("$PY" -c 'import socket; print(socket.gethostname())')
check "init: default label outpost:$host" \
    grep -q "^otpauth://totp/outpost:$("$PY" -c 'import sys,urllib.parse as u; print(u.quote(sys.argv[1], safe=""))' "$host")?secret=[A-Z2-7]\{32\}&issuer=outpost&" "$T/init2.out"
check "init: a second secret differs from the first" test "$(cat "$T/etc/second")" != "$secret"

# ---- the code from the new secret agrees with python ----
bad=0
for t in 0 59 1700000000 1700000029 1700000030 2000000000 4102444800; do
	for d in 6 7 8; do
		ours=$(outpost otp code --secret-file "$T/etc/otp.secret" --time $t --digits $d)
		theirs=$(py_totp "$secret" $t $d)
		[ "$ours" = "$theirs" ] || { echo "# t=$t d=$d: outpost $ours, python $theirs"; bad=1; }
	done
done
expect_eq "codes of the new secret agree with python's hmac at 21 times and lengths" 0 $bad
now1=$(py_totp "$secret" "$(date +%s)" 6)
ours=$(outpost otp code --secret-file "$T/etc/otp.secret")
now2=$(py_totp "$secret" "$(date +%s)" 6)
check "the code for now agrees with python's ($ours)" \
    test "$ours" = "$now1" -o "$ours" = "$now2"
expect_eq "the secret on stdin gives the same code" "$(py_totp "$secret" 1234 6)" \
    "$(outpost otp code --time 1234 <"$T/etc/otp.secret")"

# ---- never overwritten by accident ----
outpost otp init --secret-file "$T/etc/otp.secret" >"$T/out" 2>"$T/err"
expect_eq "init again without --force: exit status 1" 1 "$?"
check "init again: says to use --force" grep -qF -- "exists; phones set up with it keep working. To replace it, use --force" "$T/err"
check "init again: prints no URI" test ! -s "$T/out"
expect_eq "init again: the secret is unchanged" "$secret" "$(cat "$T/etc/otp.secret")"
chmod 644 "$T/etc/otp.secret"
outpost otp init --secret-file "$T/etc/otp.secret" --force >"$T/out" 2>/dev/null
expect_eq "init --force: exit status" 0 "$?"
new=$(cat "$T/etc/otp.secret")
check "init --force: a new secret" test "$new" != "$secret"
expect_eq "init --force: mode 0600 again" 600 "$(mode_of "$T/etc/otp.secret")"
check "init --force: the URI has the new secret" grep -qF "secret=$new&" "$T/out"
expect_eq "init --force: no temporary file left" "otp.secret second" "$(ls "$T/etc" | tr '\n' ' ' | sed 's/ $//')"
# A symlink planted where the secret goes: refused, or replaced itself.
echo keep >"$T/victim"
ln -s "$T/victim" "$T/etc/link"
outpost otp init --secret-file "$T/etc/link" >/dev/null 2>&1
expect_eq "init onto a symlink: refused" 1 "$?"
outpost otp init --secret-file "$T/etc/link" --force >/dev/null 2>&1
check "init --force onto a symlink: the link is replaced by a file" test -f "$T/etc/link" -a ! -L "$T/etc/link"
expect_eq "init --force onto a symlink: its target is untouched" keep "$(cat "$T/victim")"

# ---- a secret file others can read is refused, with the fix ----
chmod 640 "$T/etc/otp.secret"
outpost otp code --secret-file "$T/etc/otp.secret" >"$T/out" 2>"$T/err"
expect_eq "code from a 0640 file: exit status 1" 1 "$?"
check "code from a 0640 file: says chmod 600" \
    grep -qF "$T/etc/otp.secret: group or others may access it (mode 0640): chmod 600 $T/etc/otp.secret" "$T/err"
check "code from a 0640 file: prints no code" test ! -s "$T/out"
chmod 600 "$T/etc/otp.secret"

# ---- bad input ----
fails() { # what status needle stdin args...
	local what=$1 status=$2 needle=$3 input=$4 rc
	shift 4
	printf '%s' "$input" | outpost otp "$@" >"$T/out" 2>"$T/err"
	rc=$?
	expect_eq "$what: exit status" "$status" "$rc"
	check "$what: says '$needle'" grep -qF -- "$needle" "$T/err"
}
fails "a secret with a 1 in it" 1 "stdin: not a base32 secret: '1' at character 4 is not a base32 digit" \
    "GEZ1GNBVGY3TQOJQGEZDGNBVGY3TQOJQ" code --time 59
fails "a short secret" 1 "stdin: the secret has 80 bits; at least 128 are needed" \
    "GEZDGNBVGY3TQOJQ" code
fails "no secret" 1 "stdin: holds no secret" "" code
fails "--digits 9" 2 "--digits wants 6, 7 or 8" "$RFC_SECRET" code --digits 9
fails "--time -1" 2 "--time wants seconds since 1970" "$RFC_SECRET" code --time -1
fails "--time without a value" 2 "--time wants a value" "$RFC_SECRET" code --time
fails "an unknown option" 2 "usage:" "" init --secret-file "$T/x" --bogus
fails "an issuer with a colon" 2 "--issuer wants 1 to 64 characters, no ':'" "" \
    init --secret-file "$T/x" --issuer a:b
fails "an unknown subcommand" 2 "unknown subcommand 'show'" "" show
check "nothing was written for the refused init" test ! -e "$T/x"

# ---- the QR code, read by a real decoder ----
command -v zbarimg >/dev/null || sh "$OUTPOST_TOP/scripts/deps.sh" check >/dev/null
# Half blocks back to modules, then to a PGM image 8 pixels per module.
cat >"$T/qr.py" <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[2:]
lines = [l for l in lines if l != ""]
top = {" ": 0, "\u2580": 1, "\u2584": 0, "\u2588": 1}
bot = {" ": 0, "\u2580": 0, "\u2584": 1, "\u2588": 1}
rows = []
for l in lines:
    rows.append([top[c] for c in l])
    rows.append([bot[c] for c in l])
w = len(rows[0])
assert all(len(r) == w for r in rows), "ragged lines"
rows = rows[:w]                       # the last line's lower half is padding
quiet = all(not any(r[:4]) and not any(r[-4:]) for r in rows) and \
    not any(sum(rows[:4] + rows[-4:], []))
finder = [r[4:11] for r in rows[4:11]]
want = [[1] * 7] + [[1, 0, 0, 0, 0, 0, 1]] + [[1, 0, 1, 1, 1, 0, 1]] * 3 + \
    [[1, 0, 0, 0, 0, 0, 1]] + [[1] * 7]
print("modules", w - 8, "quiet", quiet, "finder", finder == want)
s = 8
with open(sys.argv[2], "wb") as f:
    f.write(b"P5 %d %d 255\n" % (w * s, len(rows) * s))
    for r in rows:
        line = bytes(0 if v else 255 for v in r for _ in range(s))
        f.write(line * s)
EOF
"$PY" "$T/qr.py" "$T/init.out" "$T/qr.pgm" >"$T/qr.txt" 2>&1
check "init: a QR code follows the URI (built with libqrencode)" \
    grep -q "^modules [0-9]* quiet True finder True$" "$T/qr.txt"
if command -v zbarimg >/dev/null; then
	expect_eq "init: zbarimg reads the QR code as the URI" "$uri" \
	    "$(zbarimg -q --raw "$T/qr.pgm" 2>"$T/zbar.err")"
else
	not_ok "init: zbarimg reads the QR code as the URI (zbarimg missing: scripts/deps.sh check should install zbar-tools)"
fi

done_testing
