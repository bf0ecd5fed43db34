# SPDX-License-Identifier: GPL-2.0
# A container with systemd as its PID 1, to run kesp-iked.service under a
# real manager: sourced after guest.sh and iked.sh, never run.
#
# ct_prepare DIR: an overlay of the guest's / on DIR/root (writes go to
#     DIR/upper), kesp installed into it by `make install-user` as on a
#     gateway, and a boot target of its own. Sets CT_ROOT, CT_UPPER.
# ct_boot NS: boot systemd in it (systemd-nspawn), in network namespace
#     NS; returns once the manager answers. Sets CT_LEADER (its PID 1).
# ct CMD...: run CMD in the container (all its namespaces).
# ct_dump_logs: the container's console and journal on stderr.
# ct_stop: kill the container, unmount the overlay (the EXIT trap's job).

CT_DIR='' CT_ROOT='' CT_UPPER='' CT_NSPAWN='' CT_LEADER=''

ct_prepare() {
	CT_DIR=$1 CT_ROOT=$1/root CT_UPPER=$1/upper
	mkdir -p "$CT_ROOT" "$CT_UPPER" "$CT_DIR/work"
	# The guest's / is an overlay already (9p under tmpfs): one more
	# layer is within the kernel's stacking limit of two. nspawn will
	# not take / itself.
	mount -t overlay -o "lowerdir=/,upperdir=$CT_UPPER,workdir=$CT_DIR/work" \
		kesp-ct "$CT_ROOT" || fail "cannot mount the container's overlay"
	# The tree is built (and read-only in the guest): -o user installs
	# what is there without asking make to rebuild it.
	make -s -C "$KESP_ROOT" -o user install-user DESTDIR="$CT_ROOT" \
		>"$CT_DIR/install.log" 2>&1 ||
		fail "make install-user: $(cat "$CT_DIR/install.log")"
	[ -f "$CT_ROOT/usr/local/lib/systemd/system/kesp-iked.service" ] ||
		fail "make install-user installed no kesp-iked.service"
	# Boot to a target with nothing in it: the test starts the service.
	# Under TCG every exec costs about 0.3 s, so the early services that
	# do nothing for kesp-iked (sysusers, tmpfiles, utmp, the journal's
	# flush to /var) are masked, and ct_boot hides the generators.
	cat >"$CT_ROOT/etc/systemd/system/kesp-test.target" <<-EOF
	[Unit]
	Description=kesp test: the manager and its journal only
	Wants=systemd-journald.socket
	EOF
	systemctl --root="$CT_ROOT" --quiet mask systemd-sysusers.service \
		systemd-tmpfiles-setup.service systemd-tmpfiles-setup-dev.service \
		systemd-update-utmp.service systemd-journal-flush.service ||
		fail "cannot mask the container's early services"
}

# _ct_leader: CT_LEADER is nspawn's child that runs systemd.
_ct_leader() {
	local p c
	for p in $(ps --ppid "$CT_NSPAWN" -o pid=); do
		read -r c <"/proc/$p/comm" 2>/dev/null || continue
		[ "$c" = systemd ] && CT_LEADER=$p && return 0
	done
	return 1
}

# _ct_up: the manager's private socket (systemctl's) is there, or nspawn
# is gone (ct_boot tells them apart).
_ct_up() {
	[ -S "/proc/$CT_LEADER/root/run/systemd/private" ] ||
		! kill -0 "$CT_NSPAWN" 2>/dev/null
}

ct_boot() {
	# --register=no --keep-unit: no systemd on the guest to ask for a
	# scope or a machine; its machine ID is the guest's, so no journal
	# link either. The generators (a dozen execs) find nothing to do in
	# this container: an empty tmpfs hides them. nspawn keeps
	# CAP_NET_ADMIN only with a private network of its own making: a
	# gateway needs it in the namespace it is given too.
	systemd-nspawn --quiet --register=no --keep-unit --link-journal=no \
		--directory="$CT_ROOT" --network-namespace-path="/run/netns/$1" \
		--capability=CAP_NET_ADMIN \
		--tmpfs=/usr/lib/systemd/system-generators \
		--boot systemd.unit=kesp-test.target \
		>"$CT_DIR/console.log" 2>&1 </dev/null &
	CT_NSPAWN=$!
	wait_until 30 _ct_leader || {
		cat "$CT_DIR/console.log" >&2
		fail "systemd-nspawn started no systemd"
	}
	wait_until 60 _ct_up
	[ -S "/proc/$CT_LEADER/root/run/systemd/private" ] || {
		cat "$CT_DIR/console.log" >&2
		fail "the container's systemd did not come up"
	}
	echo "container: systemd is PID 1 ($CT_LEADER in the guest) after ${SECONDS}s," \
		"$(grep CapBnd "/proc/$CT_LEADER/status")"
}

ct() {
	nsenter -t "$CT_LEADER" -a "$@"
}

ct_dump_logs() {
	[ -n "$CT_DIR" ] || return 0
	echo "--- container console ---" >&2
	tail -n 30 "$CT_DIR/console.log" >&2
	[ -n "$CT_LEADER" ] && kill -0 "$CT_LEADER" 2>/dev/null || return 0
	echo "--- container journal ---" >&2
	ct journalctl -b --no-pager -n 60 >&2
}

ct_stop() {
	# SIGKILL to its PID 1 ends the container's PID namespace at once; a
	# clean poweroff of systemd would take seconds under TCG.
	[ -n "$CT_LEADER" ] && kill -KILL "$CT_LEADER" 2>/dev/null
	[ -n "$CT_NSPAWN" ] && wait "$CT_NSPAWN" 2>/dev/null
	[ -n "$CT_ROOT" ] && mountpoint -q "$CT_ROOT" &&
		{ umount "$CT_ROOT" || umount -l "$CT_ROOT"; }
	CT_LEADER='' CT_NSPAWN=''
}
