# SPDX-License-Identifier: GPL-2.0
# strongSwan's charon (Debian's 5.9.8) as an IKE peer in a network
# namespace, several at once: sourced after guest.sh, never run.
#
#   charon_start NS DIR       start charon in NS; DIR (created if needed)
#                             holds its strongswan.conf, vici socket
#                             (unix://DIR/charon.vici), charon.pid, its log
#                             charon.log and its stdout/stderr charon.out.
#                             Returns once the vici socket answers.
#                             $CHARON_EXTRA_CONF, if set, is appended to
#                             that strongswan.conf: a section named again
#                             there extends the one above, its values win.
#   charon_load NS DIR FILE   load FILE (swanctl.conf syntax: connections
#                             and secrets) into that charon; fails with
#                             swanctl's words if anything is refused.
#   charon_swanctl DIR ARGS.. any swanctl command against that charon, e.g.
#                             --initiate --child net --timeout 30,
#                             --list-sas, --terminate --ike gw; prints what
#                             swanctl says, returns its status.
#   charon_pubkey_conf FILE CERT LOCALID REMOTEID [VERSION IKE ESP [EXTRA]]
#                             write FILE, a swanctl.conf whose conn gw
#                             (CHILD SA net) joins gateway B ($GWB_WAN4,
#                             $LANB4) to gateway A, both ends by
#                             certificate: ours CERT.pem (in x509/ beside
#                             FILE). VERSION 2, proposals
#                             aes128gcm16-prfsha256-ecp256 and aes128gcm16
#                             unless given; EXTRA, lines for the conn.
#   charon_pubkey_use NS DIR SW PKI CERT LOCALID REMOTEID [VERSION ...]
#                             that charon (NS, DIR) takes CERT.pem and
#                             CERT.key from PKI (into SW/x509 and
#                             SW/private, replacing what was there), and
#                             the conn of charon_pubkey_conf in
#                             SW/swanctl.conf (the arguments after
#                             REMOTEID are charon_pubkey_conf's).
#   charon_wait_log DIR ERE SECS
#                             until charon.log has a line matching ERE;
#                             fails (1) after SECS.
#   charon_stop DIR           SIGTERM and wait (up to 30 s, then SIGKILL
#                             and fail) for the process to exit.
#   charon_stop_all           every charon this shell started (listed in
#                             CHARON_DIRS). Sourcing this file puts it in
#                             front of the EXIT trap in force (guest.sh's
#                             netns_cleanup): a test that sets its own EXIT
#                             trap afterwards calls it there, before
#                             netns_cleanup.
#
# What it takes to run several charons in one system, and why:
# - charon writes its pid file to the fixed path /var/run/charon.pid
#   (= /run/charon.pid) and refuses to start when it names a live
#   process: each charon runs under unshare -m with a tmpfs of its own on
#   /run. The pid we signal is written by the shell that execs charon.
# - STRONGSWAN_CONF points both charon and swanctl to DIR/strongswan.conf,
#   which includes nothing from /etc. swanctl --load-all --file FILE reads
#   credentials from x509/, private/ ... beside FILE (not /etc/swanctl) and
#   says so for each one missing: charon_load hides those lines.
# - The plugins are the few a PSK gateway needs, loaded by name: openssl
#   (AES-GCM, AES-CBC, SHA-2, HMAC, ECP and MODP groups, RNG), gcm, aes,
#   sha2, hmac and kdf as fallbacks, random, nonce, kernel-netlink (XFRM
#   SAs and policies), socket-default (UDP 500/4500), vici (swanctl).
#   openssl and gcm come from libstrongswan-standard-plugins, which Debian's
#   strongswan only recommends: without it no AES-GCM and no ECP groups.
#   random reads /dev/urandom only: /dev/random may block in a fresh guest.
# - install_routes = no and routing_table = 0: charon would otherwise add
#   a route to the remote subnet (src = our address inside the local
#   subnet) in table 220 and an "ip rule" (priority 220) sending every
#   lookup through that table first. The topologies route the LANs
#   themselves, and XFRM policies act on packets whatever route they
#   took; so charon touches neither routes nor rules, and nothing is left
#   behind (even after a SIGKILL) in a namespace that a kesp test reuses.
# - Timeouts are generous for TCG: IKE retransmits at 4 s, x1.8, 5 times.

CHARON=${CHARON:-/usr/lib/ipsec/charon}
CHARON_DIRS=()

_charon_vici() {
	echo "unix://$1/charon.vici"
}

_charon_pid() {
	local pid
	pid=$(cat "$1/charon.pid" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	echo "$pid"
}

# _charon_tail DIR: the last lines of a charon's log and output, to say why.
_charon_tail() {
	echo "--- $1/charon.out:"
	tail -n 20 "$1/charon.out" 2>/dev/null
	echo "--- $1/charon.log (last 30 lines):"
	tail -n 30 "$1/charon.log" 2>/dev/null
}

charon_start() {
	local ns=$1 dir=$2 pid i
	[ -x "$CHARON" ] || skip "no $CHARON (apt-get install strongswan-charon)"
	command -v swanctl >/dev/null ||
		skip "no swanctl (apt-get install strongswan-swanctl)"
	[ -e /usr/lib/ipsec/plugins/libstrongswan-openssl.so ] ||
		skip "no charon openssl plugin (apt-get install libstrongswan-standard-plugins)"
	mkdir -p "$dir" || fail "mkdir $dir"
	dir=$(cd "$dir" && pwd)
	_charon_pid "$dir" >/dev/null && fail "a charon already runs for $dir"
	rm -f "$dir/charon.pid" "$dir/charon.vici" "$dir/charon.log"
	cat >"$dir/strongswan.conf" <<EOF
# Written by selftests/lib/charon.sh for the charon in namespace $ns.
charon {
	# "!": charon refuses to start without that plugin.
	load = random! nonce! openssl! aes sha2 hmac gcm kdf kernel-netlink! socket-default! vici!
	install_routes = no
	install_virtual_ip = no
	routing_table = 0
	plugins {
		vici {
			socket = unix://$dir/charon.vici
		}
		random {
			random = /dev/urandom
			urandom = /dev/urandom
		}
	}
	filelog {
		test {
			path = $dir/charon.log
			time_format = %H:%M:%S
			append = no
			flush_line = yes
			default = 1
			ike = 2
			cfg = 2
			chd = 2
			knl = 1
			net = 1
			enc = 0
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
}
swanctl {
	load = random nonce openssl pem pkcs1 x509 pubkey
}
${CHARON_EXTRA_CONF:-}
EOF
	# Kernel pieces charon's kernel-netlink needs; autoloading usually
	# finds them, asking first makes a missing one obvious.
	modprobe -q -a xfrm_user esp4 esp6 2>/dev/null

	# The shell writes its pid, then becomes charon: that pid is
	# charon's, whatever ip netns exec and unshare do in between.
	# shellcheck disable=SC2016 # $$, $1 and $2 are the inner shell's
	STRONGSWAN_CONF=$dir/strongswan.conf ip netns exec "$ns" \
		unshare -m --propagation private sh -c '
			mount -t tmpfs -o mode=0755 charon-run /run || exit 1
			echo $$ >"$1/charon.pid"
			exec "$2"' charon-start "$dir" "$CHARON" \
		>"$dir/charon.out" 2>&1 </dev/null &
	pid=$!	# ip, unshare and sh exec: the same process becomes charon
	CHARON_DIRS+=("$dir")

	# Up when swanctl gets an answer over the vici socket: charon has
	# then loaded its plugins and opened its IKE sockets.
	for i in $(seq 1 600); do
		if [ -S "$dir/charon.vici" ] &&
		   charon_swanctl "$dir" --stats >/dev/null 2>&1; then
			echo "charon in $ns up after $((i / 10)).$((i % 10))s (pid $(_charon_pid "$dir"))"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null ||
			fail "charon in $ns exited at start: $(_charon_tail "$dir")"
		nap 0.2
	done
	fail "charon in $ns: no answer on its vici socket in 60 s: $(_charon_tail "$dir")"
}

charon_swanctl() {
	local dir=$1
	shift
	STRONGSWAN_CONF=$dir/strongswan.conf \
		swanctl "$@" --uri "$(_charon_vici "$dir")"
}

charon_load() {
	local ns=$1 dir=$2 file=$3 out
	[ -f "$file" ] || fail "charon_load: no $file"
	_charon_pid "$dir" >/dev/null || fail "charon_load: no charon runs for $dir"
	# Credentials are read from x509/, private/ ... beside FILE; a PSK
	# setup has none, and swanctl's complaint about each is no error.
	out=$(charon_swanctl "$dir" --load-all --noprompt --file "$file" 2>&1) ||
		fail "swanctl --load-all --file $file in $ns: $out"
	out=$(grep -v "^opening directory '.*' failed: No such file or directory" \
		<<<"$out")
	# swanctl exits 0 with a conn it could not load in some versions.
	grep -qiE 'failed|error' <<<"$out" &&
		fail "swanctl --load-all --file $file in $ns: $out"
	printf '%s\n' "$out"
}

charon_pubkey_conf() {
	local file=$1 cert=$2 lid=$3 rid=$4 version=${5:-2}
	local ike=${6:-aes128gcm16-prfsha256-ecp256} esp=${7:-aes128gcm16}
	cat >"$file" <<EOC
connections {
	gw {
		version = $version
		mobike = no
		${8:-}
		local_addrs = $GWB_WAN4
		remote_addrs = $GWA_WAN4
		proposals = $ike
		local {
			auth = pubkey
			certs = $cert.pem
			id = "$lid"
		}
		remote {
			auth = pubkey
			id = "$rid"
		}
		children {
			net {
				local_ts = $LANB4
				remote_ts = $LANA4
				esp_proposals = $esp
			}
		}
	}
}
EOC
}

charon_pubkey_use() {
	local ns=$1 dir=$2 sw=$3 pki=$4 cert=$5
	shift 5
	mkdir -p "$sw/x509" "$sw/private" || fail "mkdir $sw"
	rm -f "$sw"/x509/* "$sw"/private/*
	cp "$pki/$cert.pem" "$sw/x509/" && cp "$pki/$cert.key" "$sw/private/" ||
		fail "charon_pubkey_use: no $pki/$cert.pem or .key"
	charon_pubkey_conf "$sw/swanctl.conf" "$cert" "$@"
	charon_swanctl "$dir" --load-creds --clear --noprompt \
		--file "$sw/swanctl.conf" >/dev/null 2>&1
	charon_load "$ns" "$dir" "$sw/swanctl.conf" >/dev/null
}

charon_wait_log() {
	local dir=$1 pat=$2 secs=$3 i
	for i in $(seq 1 $((secs * 10))); do
		grep -qE -- "$pat" "$dir/charon.log" 2>/dev/null && return 0
		nap 0.2
	done
	echo "charon_wait_log: no /$pat/ in $dir/charon.log after ${secs}s" >&2
	return 1
}

charon_stop() {
	local dir=$1 pid i
	dir=$(cd "$dir" 2>/dev/null && pwd) || return 0
	pid=$(_charon_pid "$dir") || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || break
		nap 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		fail "charon $pid ($dir) still running 30 s after SIGTERM: killed"
	fi
	# Reap it when it is our child (it is, unless a subshell started it).
	wait "$pid" 2>/dev/null
	rm -f "$dir/charon.pid"
	return 0
}

charon_stop_all() {
	local d
	for d in "${CHARON_DIRS[@]}"; do
		(charon_stop "$d")
	done
	CHARON_DIRS=()
}

# Stop the charons before guest.sh's netns_cleanup (or whatever EXIT trap
# is in force) takes their namespaces away.
# shellcheck disable=SC2064 # the trap in force now is what to chain to
trap "charon_stop_all; $(exit_trap_command)" EXIT
