#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 5
# GET_INFO through kespctl, human and JSON: the module reports the version it
# was built as, the netlink API version and its capabilities.
. "$KESP_ROOT/selftests/lib/guest.sh"

want=$(cat "$KESP_ROOT/VERSION")
run modprobe kesp
out=$(run "$KESPCTL" version)
echo "$out"
grep -qx "kesp.ko $want (netlink API 1)" <<<"$out" ||
	fail "human form lacks 'kesp.ko $want (netlink API 1)'"
grep -q '^capabilities: .*stats' <<<"$out" || fail "no stats capability"

json=$(run "$KESPCTL" -j version)
echo "$json"
python3 - "$want" "$json" <<'PY' || fail "JSON form wrong"
import json, sys
want, doc = sys.argv[1], json.loads(sys.argv[2])
assert doc["module"] == want and doc["kespctl"] == want, doc
assert doc["api"] == 1, doc
assert "stats" in doc["capabilities"], doc
PY
modinfo -F version kesp | grep -qx "$want" || fail "modinfo version is not $want"
