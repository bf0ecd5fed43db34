#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The man pages of man/ render without a single warning from man and
# groff, and kesp-ipsec.conf(5) names, in bold, every keyword in the
# table of ikeuser/iked/conf/keywords.c (accepted, accepted with one
# value, config setup, and known but refused).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
rc=0
pages=(man/*.[58])
[ "${#pages[@]}" -ge 4 ] || { echo "FAIL: ${#pages[@]} pages in man/"; exit 1; }

for p in "${pages[@]}"; do
	# man's own check (--warnings passes -ww to groff), then groff's.
	out=$( { LC_ALL=C.UTF-8 MANWIDTH=80 man -l --warnings -E UTF-8 \
		-Tutf8 "$p" >/dev/null; } 2>&1)
	out+=$(groff -man -ww -z "$p" 2>&1)
	if [ -n "$out" ]; then
		echo "FAIL: $p: $out"
		rc=1
	else
		echo "ok: $p renders without warnings"
	fi
done

# The table's rows: { .name = "also", ... } and MACRO("name", ...).
table=$(sed -n '/^static const struct kw kws\[\] = {/,/^};/p' \
	ikeuser/iked/conf/keywords.c)
rows=$(grep -cE '^	(\{ \.name = |[A-Z_]+\()' <<<"$table")
mapfile -t kws < <(sed -nE \
	-e 's/^	\{ \.name = "([^"]+)".*/\1/p' \
	-e 's/^	[A-Z_]+\("([^"]+)".*/\1/p' <<<"$table")
# A row of a form this script cannot read would go unchecked: refuse.
if [ "$rows" -lt 100 ] || [ "${#kws[@]}" != "$rows" ]; then
	echo "FAIL: read ${#kws[@]} keywords from $rows rows of keywords.c"
	exit 1
fi
conf=man/kesp-ipsec.conf.5
missing=()
for k in "${kws[@]}"; do
	# \fBkey\fR, .B key, .BR key= ..., .RB ( key ...: bold, whole word.
	grep -qE "(\\\\fB|^\\.(B|BR|RB) (.* )?)$k(=|\\\\f| |,|\$)" "$conf" ||
		missing+=("$k")
done
if ((${#missing[@]})); then
	echo "FAIL: $conf does not document: ${missing[*]}"
	rc=1
else
	echo "ok: $conf documents all ${#kws[@]} keywords of keywords.c"
fi
exit "$rc"
