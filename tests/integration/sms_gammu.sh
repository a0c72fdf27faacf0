#!/usr/bin/env bash
# The SMS codec against an independent one: gammu 1.42 through python3-gammu's
# DecodePDU.  Our SUBMIT PDUs (`outpost sms encode`) must decode in gammu to
# the same number, text and concatenation header, part by part; every corpus
# SMS-DELIVER must decode to the same originator, SMSC, text, time and
# concatenation in both (`outpost sms decode`).
#
# Known gammu / python-gammu behaviours, normalised here rather than hidden:
# - python-gammu's Text for GSM 7-bit ends with one junk character per
#   extension character (it sizes the string by septets): the text is cut
#   where its septets reach gammu's own Length.
# - gammu prints alphanumeric originators as raw GSM codes (0x10, 0x11) and
#   stops at septet 0x00 ('@') - tests/corpus/sms/PROVENANCE.md.
# - gammu gives year 99 as 2089; we say 1999 (see modem/sms.h): the year is
#   not compared for our 1990s dates.  python-gammu drops the zone: not compared.
# - gammu rejects DCS 0xFB (reserved bit 3); we read GSM 7-bit class 3: that
#   row must be refused by gammu, and is checked against the corpus instead.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! "$PY" -c 'import gammu' 2>/dev/null; then
	not_ok "python3-gammu is missing (sh scripts/deps.sh check installs it)"
	done_testing
fi

cat >"$T/cross.py" <<'EOF'
import binascii, json, subprocess, sys

import gammu

EXT = set("^{}\\[~]|\u20ac\f")
RAW = {"\x10": "\u0394", "\x11": "_"}


def gsm7_prefix(text, septets):
    """The characters of text that fill 'septets' (python-gammu pads with junk)."""
    n = 0
    for i, c in enumerate(text):
        if n >= septets:
            return text[:i]
        n += 2 if c in EXT else 1
    return text


def gammu_text(g):
    t = g["Text"]
    if isinstance(t, bytes):
        return t.hex().upper()
    if g["Coding"].startswith("Default"):
        return gsm7_prefix(t, g["Length"])
    return t


def report(ok, what):
    print(("ok|" if ok else "not ok|") + what)


def encode_cases(outpost):
    cases = [
        ("+447700900123", "UP 30 123456", 1),
        ("+447700900123", "Hello \u20ac [x] {y} ~^|\\ @end", 1),
        ("0612345678", "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440", 1),
        ("+447700900123", "a" * 160, 1),
        ("+447700900123", "a" * 161, 2),
        ("+447700900123", "a" * 307, 3),
        ("+447700900123", "[x]" * 60, 2),
        ("+447700900123", "\U0001F600" * 40, 2),
        ("0612345678", "\u0416" * 71, 2),
        ("+33612345678", "Caf\u00e9 \u00e0 18h? \u00a7 \u00bf \u00a1 \u00c4\u00d6\u00dc\u00df", 1),
    ]
    for ref, (number, text, parts) in enumerate(cases, start=40):
        what = "encode %s %r... (%d chars)" % (number, text[:12], len(text))
        out = subprocess.run([outpost, "sms", "encode", "-r", str(ref), number, text],
                             capture_output=True, text=True)
        lines = out.stdout.split("\n")[:-1]
        if out.returncode != 0 or len(lines) != parts:
            report(False, what + ": rc %d, %d parts: %s" % (out.returncode, len(lines), out.stderr))
            continue
        joined, why = "", ""
        for i, line in enumerate(lines):
            tlen, pdu = line.split(" ")
            raw = binascii.unhexlify(pdu)
            g = gammu.DecodePDU(raw)
            u = g["UDH"]
            if int(tlen) != len(raw) - 1:
                why = "AT+CMGS length %s for %d octets" % (tlen, len(raw))
            elif g["Type"] != "Submit" or g["Number"] != number:
                why = "gammu: %s to %s" % (g["Type"], g["Number"])
            elif parts == 1 and u["Type"] != "NoUDH":
                why = "unexpected UDH %s" % u["Type"]
            elif parts > 1 and (u["Type"], u["ID8bit"], u["PartNumber"], u["AllParts"]) != \
                    ("ConcatenatedMessages", ref, i + 1, parts):
                why = "part %d UDH %r" % (i + 1, u)
            joined += gammu_text(g)
        if not why and joined != text:
            why = "gammu reads %r" % joined
        report(not why, what + (": " + why if why else ""))


def decode_cases(outpost, tsv):
    rows = [l.split("\t") for l in open(tsv, encoding="utf-8").read().splitlines()[1:]]
    for r in rows:
        pdu, rid = r[0], r[7]
        out = subprocess.run([outpost, "sms", "decode", pdu], capture_output=True, text=True)
        if out.returncode != 0:
            report(False, "decode %s: %s" % (rid, out.stderr.strip()))
            continue
        o = json.loads(out.stdout)
        try:
            g = gammu.DecodePDU(binascii.unhexlify(pdu))
        except gammu.GSMError as e:
            report(r[10] == "FB", "decode %s: gammu refuses it (%s)" % (rid, e.args[0]["Text"]))
            continue
        why = []
        frm = "".join(RAW.get(c, c) for c in g["Number"])
        ours = o["from"].rstrip("@") if o["from_type"] == "alphanumeric" else o["from"]
        if frm != ours:
            why.append("from gammu %r ours %r" % (frm, o["from"]))
        if g["SMSC"]["Number"] != o["smsc"]:
            why.append("smsc gammu %r ours %r" % (g["SMSC"]["Number"], o["smsc"]))
        if gammu_text(g) != o["text"]:
            why.append("text gammu %r ours %r" % (gammu_text(g), o["text"]))
        gts = g["DateTime"].strftime("%Y-%m-%dT%H:%M:%S")
        skip = 5 if o["timestamp"] < "2000" else 0
        if gts[skip:] != o["timestamp"][skip:19]:
            why.append("time gammu %s ours %s" % (gts, o["timestamp"]))
        u, c = g["UDH"], o.get("concat")
        gc = None
        if u["Type"].startswith("Concatenated"):
            ref = u["ID16bit"] if u["Type"].endswith("16bit") else u["ID8bit"]
            gc = {"ref": ref, "part": u["PartNumber"], "total": u["AllParts"]}
        if gc != c:
            why.append("concat gammu %r ours %r" % (gc, c))
        report(not why, "decode %s same as gammu" % rid + (": " + "; ".join(why) if why else ""))


if sys.argv[1] == "encode":
    encode_cases(sys.argv[2])
else:
    decode_cases(sys.argv[2], sys.argv[3])
EOF

tap_from() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok|"*) ok "${line#ok|}" ;;
		"not ok|"*) not_ok "${line#not ok|}" ;;
		*) not_ok "unexpected output: $line" ;;
		esac
	done
}

outpost=$(command -v outpost)
"$PY" "$T/cross.py" encode "$outpost" >"$T/enc.out" 2>&1 || not_ok "encode cross-check crashed"
tap_from <"$T/enc.out"
"$PY" "$T/cross.py" decode "$outpost" "$CORPUS/sms/deliver_pdus.tsv" >"$T/dec.out" 2>&1 ||
	not_ok "decode cross-check crashed"
tap_from <"$T/dec.out"
expect_eq "67 corpus rows compared" 67 "$(grep -c '^[^|]*|decode ' "$T/dec.out")"
done_testing
