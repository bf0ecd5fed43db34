#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest half of ikev1-regen: two strongSwan charons (IKEv1, PSK) in two
# namespaces negotiate Main Mode (three algorithm sets) and Aggressive Mode,
# each followed by a Quick Mode (with PFS where the set says so) and a
# Delete; charon logs at level 4 (keys, IVs, KEYMAT) and dumpcap records
# the wire. Writes charon_a.log, charon_b.log, ikev1.pcap and sets.txt
# (each set's proposals) to $1.
. "$KESP_ROOT/selftests/lib/guest.sh"
. "$KESP_ROOT/selftests/lib/topo.sh"
. "$KESP_ROOT/selftests/lib/charon.sh"
. "$KESP_ROOT/selftests/lib/capture.sh"

out=$1
mkdir -p "$out" || fail "mkdir $out"
modprobe -q -a veth esp4 xfrm_user
topo_two_sites
PSK="kesp ikev1 vectors from charon"
# Aggressive Mode with a PSK is refused unless charon is told otherwise.
CHARON_EXTRA_CONF='charon {
	i_dont_care_about_security_and_use_aggressive_mode_psk = yes
	filelog {
		test {
			default = 1
			ike = 4
			enc = 4
			chd = 4
			cfg = 2
			net = 2
		}
	}
}'
# vici sockets cannot live on the 9p share: the charons run in a tmpfs
work=$(mktemp -d)
DA=$work/a DB=$work/b
charon_start "$GWA" "$DA"
charon_start "$GWB" "$DB"

# conf LOCAL REMOTE LOCALID REMOTEID LTS RTS IKE ESP AGGRESSIVE
conf() {
	cat <<EOC
connections {
	gw {
		version = 1
		aggressive = $9
		local_addrs = $1
		remote_addrs = $2
		proposals = $7
		rekey_time = 0
		local {
			auth = psk
			id = $3
		}
		remote {
			auth = psk
			id = $4
		}
		children {
			net {
				local_ts = $5
				remote_ts = $6
				esp_proposals = $8
				mode = tunnel
				rekey_time = 0
			}
		}
	}
}
secrets {
	ike-a {
		id-1 = gwa.example.net
		id-2 = $GWB_WAN4
		secret = "$PSK"
	}
}
EOC
}

rm -f "$out/sets.txt"
capture_start "$GWA" "$WAN_IF" "$out/ikev1.pcap"
set_no=0
# one_set IKE ESP AGGRESSIVE
one_set() {
	set_no=$((set_no + 1))
	conf "$GWA_WAN4" "$GWB_WAN4" gwa.example.net "$GWB_WAN4" \
		"$LANA4" "$LANB4" "$1" "$2" "$3" >"$work/a.conf"
	conf "$GWB_WAN4" "$GWA_WAN4" "$GWB_WAN4" gwa.example.net \
		"$LANB4" "$LANA4" "$1" "$2" "$3" >"$work/b.conf"
	echo "$1 $2" >>"$out/sets.txt"
	charon_load "$GWA" "$DA" "$work/a.conf" >/dev/null
	charon_load "$GWB" "$DB" "$work/b.conf" >/dev/null
	charon_swanctl "$DA" --initiate --child net --timeout 60 ||
		fail "set $set_no: initiate failed: $(tail -n 40 "$DA/charon.log")"
	charon_swanctl "$DA" --terminate --ike gw --timeout 30 >/dev/null ||
		fail "set $set_no: terminate failed"
	sleep 1
}
one_set aes128-sha256-modp2048 aes128-sha256-modp2048 no
one_set aes256-sha1-modp2048 aes256-sha1 no
one_set 3des-sha1-modp2048 3des-sha1-modp2048 no
one_set aes192-sha384-modp3072 aes256-sha512-modp3072 no
one_set aes256-sha1-modp2048 aes128-sha1-modp2048 yes
capture_stop "$out/ikev1.pcap"
charon_stop_all
cp "$DA/charon.log" "$out/charon_a.log"
cp "$DB/charon.log" "$out/charon_b.log"
rm -rf "$work"
echo "captured $set_no sets"
