#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 5
# kespctl against the real module: SAs and policies added with keys from a
# file and from stdin show up in list, get, JSON and /proc/net/kesp, bad
# arguments and kernel refusals say why, and flush empties the tables.
. "$KESP_ROOT/selftests/lib/guest.sh"

run modprobe kesp
keyfile=$(mktemp)
echo "0x$(printf '11%.0s' $(seq 1 20))" >"$keyfile"

run "$KESPCTL" sa add spi 0x1001 dir out mode tunnel src 192.0.2.1 \
	dst 192.0.2.2 enc aes-gcm-16 keyfile "$keyfile" hard-add-secs 3600
printf '22%.0s' $(seq 1 20) | run "$KESPCTL" sa add spi 0x1002 dir in \
	mode tunnel src 192.0.2.2 dst 192.0.2.1 enc aes128gcm16 keyfile - \
	sel src 10.2.0.0/16 dst 10.1.0.0/16
out=$(run "$KESPCTL" sa list)
echo "$out"
grep -q '0x00001001' <<<"$out" || fail "sa list lacks SPI 0x1001"
grep -q '0x00001002' <<<"$out" || fail "sa list lacks SPI 0x1002"
grep -q '0x00001001' /proc/net/kesp || fail "/proc/net/kesp lacks the SA"
grep -qi '1111' /proc/net/kesp && fail "/proc/net/kesp shows key bytes"
json=$(run "$KESPCTL" -j sa list)
python3 - "$json" <<'PY' || fail "sa list JSON wrong"
import json, sys
sas = {s["spi"]: s for s in json.loads(sys.argv[1])}
assert sas[0x1001]["dir"] == "out" and sas[0x1001]["enc"] == "aes-gcm-16", sas
assert sas[0x1002]["sel"]["dst"] == "10.1.0.0/16", sas[0x1002]
assert not any("key" in k for s in sas.values() for k in s), "key in JSON"
PY
run "$KESPCTL" sa get spi 0x1001 dir out dst 192.0.2.2 >/dev/null

expect_fail 1 'File exists' "$KESPCTL" sa add spi 0x1001 dir out \
	mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16 keyfile "$keyfile"
expect_fail 2 'host bits' "$KESPCTL" policy add dir out src 10.1.0.1/16 \
	dst 10.2.0.0/16 action bypass
expect_fail 1 'No such file' "$KESPCTL" sa del spi 0x9999 dir out dst 192.0.2.2

id=$(run "$KESPCTL" policy add dir out src 10.1.0.0/16 dst 10.2.0.0/16 \
	action protect tmpl mode tunnel src 192.0.2.1 dst 192.0.2.2 reqid 1)
echo "policy id: $id"
run "$KESPCTL" policy get id "$id" >/dev/null
grep -q 'protect' /proc/net/kesp || fail "/proc/net/kesp lacks the policy"
run "$KESPCTL" -j policy list | python3 -c '
import json, sys
p = json.load(sys.stdin)
assert len(p) == 1 and p[0]["action"] == "protect", p' || fail "policy JSON"

# A flush tells listeners: one hard EXPIRE per SA, as the uapi promises.
mon=$(mktemp)
"$KESPCTL" -j monitor expire >"$mon" 2>"$mon.err" &
mpid=$!
wait_until 20 grep -q 'listening' "$mon.err" ||
	fail "monitor did not subscribe: $(cat "$mon.err")"
run "$KESPCTL" sa flush
wait_until 20 eval '[ "$(grep -c expire "$mon")" -ge 2 ]'
kill "$mpid"
cat "$mon"
python3 - "$mon" <<'PY' || fail "flush did not send one hard EXPIRE per SA"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert all(e["event"] == "expire" and e["hard"] is True for e in ev), ev
assert sorted(e["sa"]["spi"] for e in ev) == [0x1001, 0x1002], ev
PY
run "$KESPCTL" policy flush
[ "$("$KESPCTL" -j sa list)" = "[]" ] || fail "SAs left after flush"
[ "$("$KESPCTL" -j policy list)" = "[]" ] || fail "policies left after flush"
rm -f "$keyfile" "$mon" "$mon.err"
