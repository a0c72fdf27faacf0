#!/usr/bin/env bash
# outpost sms decode|encode as an operator uses them: exact JSON for corpus
# PDUs, errors that name the problem with exit 1, usage errors with exit 2,
# and the "LEN PDU" lines of encode.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
tsv=$CORPUS/sms/deliver_pdus.tsv
row() { awk -F'\t' -v id="$1" '$8 == id { print $1 }' "$tsv"; }

# decode ID EXPECTED-JSON: exact output, and valid JSON.
decode_is() {
	local out
	out=$(outpost sms decode "$(row "$1")")
	expect_eq "decode $1" "$2" "$out"
	check "decode $1 is valid JSON" "$PY" -c 'import json,sys; json.loads(sys.argv[1])' "$out"
}

decode_is gsmmodem-1 '{"from":"+27821234567","from_type":"international","smsc":"+2782913593","timestamp":"2013-03-08T15:02:16+02:00","encoding":"gsm7","text":"Test2"}'
decode_is ofono-alnum '{"from":"sipgate","from_type":"alphanumeric","smsc":"+447785016005","timestamp":"2008-08-13T12:07:22+01:00","encoding":"gsm7","text":"Testmail"}'
decode_is mm-dcsf1 '{"from":"1800","from_type":"unknown","smsc":"+33609001390","timestamp":"2011-06-24T13:08:15+02:00","encoding":"gsm7","text":"Info SFR - Confidentiel, à ne jamais transmettre -\u000d\u000aVoici votre nouveau mot de passe : sw2ced pour gérer votre compte SFR sur www.sfr.fr ou par téléphone au 963"}'
decode_is nodepdu-16bit-1 '{"from":"+79642161111","from_type":"international","smsc":"+79037011111","timestamp":"2018-11-07T20:21:22+08:00","encoding":"gsm7","text":"What'"'"'s","concat":{"ref":4660,"part":1,"total":3}}'
decode_is synthetic-ucs2-surrogate-alnum '{"from":"MyBank","from_type":"alphanumeric","smsc":"+447785016005","timestamp":"2025-01-01T00:00:00+00:00","encoding":"ucs2","text":"Hi 😀 Ω€"}'
decode_is mm-pdu3-8bit '{"from":"+18005551212","from_type":"international","smsc":"+12345678901","timestamp":"2011-01-01T12:34:56+00:00","encoding":"8bit","text":"E8329BFD4697D9EC37DE"}'
decode_is gammu-at-sms-39 '{"from":"9494","from_type":"national","smsc":"+34632100111","timestamp":"2012-08-07T10:52:03+01:00","encoding":"gsm7","text":"llamada perdida de: +34617653167 on 07/08  at  11:19."}'

# Every corpus row decodes to valid JSON whose text matches the TSV column.
cat >"$T/rows.py" <<'EOF'
import json, subprocess, sys
bad = 0
for line in open(sys.argv[1], encoding="utf-8").read().splitlines()[1:]:
    col = line.split("\t")
    out = subprocess.run(["outpost", "sms", "decode", col[0]], capture_output=True, text=True)
    want = col[4].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
    if out.returncode != 0 or json.loads(out.stdout)["text"] != want:
        print("# %s: %s %s" % (col[7], out.stdout.strip(), out.stderr.strip()))
        bad += 1
print(bad)
EOF
expect_eq "all 67 corpus rows decode to JSON with the TSV text" 0 "$("$PY" "$T/rows.py" "$tsv" | tail -n 1)"

# A PDU pasted with a CR and blanks around it.
out=$(outpost sms decode "  $(row gsmmodem-1)"$'\r')
expect_eq "blanks around the PDU are ignored" "Test2" "$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["text"])' "$out")"

# Invalid input: exit 1, a message naming the problem, nothing on stdout.
fails_with() { # what PDU needle
	local rc
	outpost sms decode "$2" >"$T/out" 2>"$T/err"
	rc=$?
	expect_eq "$1: exit status" 1 "$rc"
	check "$1: stdout empty" test ! -s "$T/out"
	check "$1: says '$3'" grep -qF -- "$3" "$T/err"
}
fails_with "short user data" 07912143658709F1040B918100551512F20000111010214365000BE8329BFD4697D9EC37 \
	"user data shorter than UDL: 10 of 11 septets"
fails_with "SUBMIT" 0011000B916407281553F80000AA0AE8329BFD4697D9EC37 "not an SMS-DELIVER"
fails_with "status report" 079124603050020006E80C91666666666666909070618422809090706184628000 \
	"SMS-STATUS-REPORT"
fails_with "not hex" 0BD04259303784=96p331p71160016 "not hex"
fails_with "compressed" "$(awk -F'\t' 'NR == 12 { print $1 }' "$CORPUS/sms/invalid_pdus.tsv")" \
	"compressed"
bad=0
while IFS=$'\t' read -r pdu _; do
	[ "$pdu" = pdu_hex ] && continue
	outpost sms decode "$pdu" >/dev/null 2>&1
	[ $? -eq 1 ] || { echo "# accepted or crashed: $pdu"; bad=$((bad + 1)); }
done <"$CORPUS/sms/invalid_pdus.tsv"
expect_eq "every invalid corpus PDU exits 1" 0 "$bad"

# Usage errors: exit 2.
for args in "" "decode" "decode A B" "frobnicate" "encode +1" "encode -r 256 +1 x" \
    "encode -x +1 x" "encode -V"; do
	# shellcheck disable=SC2086
	outpost sms $args >/dev/null 2>&1
	expect_eq "usage error: outpost sms $args" 2 $?
done
check "help on stdout, exit 0" sh -c 'outpost sms --help | grep -q "usage: outpost sms decode"'

# encode: "LEN PDU" per part; the same bytes gammu and smstools sent for this text.
expect_eq "encode, as gammu/smstools sent it" \
	"27 0011000C914477000910320000FF0EC8329BFD066DCAA00D0FBFF101" \
	"$(outpost sms encode -V 255 +447700900123 'Hello € [x]')"
expect_eq "encode without validity, national number" \
	"14 00010004811032000005E8329BFD06" "$(outpost sms encode 0123 hello)"
expect_eq "encode -s sets TP-SRR" "0021" "$(outpost sms encode -s 0123 hello | cut -c4-7)"
long=$(printf 'a%.0s' $(seq 1 307))
outpost sms encode -r 77 +447700900123 "$long" >"$T/enc"
expect_eq "307 GSM 7-bit characters: 3 lines" 3 "$(wc -l <"$T/enc")"
check "every line is LEN PDU with LEN = PDU octets - 1" awk '
	{ if (NF != 2 || $1 != length($2) / 2 - 1 || $2 !~ /^[0-9A-F]+$/) exit 1 }' "$T/enc"
expect_eq "part 2 of 3 carries ref 77" "0500034D0302" "$(sed -n 2p "$T/enc" | cut -c33-44)"
expect_eq "a dash-leading text after --" "0001000181F20000012D" \
	"$(outpost sms encode -- 2 - | cut -d' ' -f2)"
outpost sms encode 12a hello >/dev/null 2>"$T/err"
expect_eq "bad number: exit 1" 1 $?
check "bad number: says which character" grep -qF "'a' is not a digit" "$T/err"
outpost sms encode 1 $'\xff' >/dev/null 2>"$T/err"
expect_eq "invalid UTF-8: exit 1" 1 $?
done_testing
