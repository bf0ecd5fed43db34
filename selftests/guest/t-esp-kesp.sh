#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 95
# smp: 2
# kesp talks to kesp: t-esp-xfrm.sh's matrix of modes (4in4, 6in6, 4in6
# and 6in4 tunnels, transport over IPv4 and IPv6, ESN across 2^32) with
# AES-GCM, AES-CBC/HMAC-SHA256 and ChaCha20-Poly1305 (the other
# algorithms' wire format is checked against XFRM there), both gateways
# configured by kespctl, each side's kesp counters checked and the wire
# read as there.
A_IMPL=kesp B_IMPL=kesp exec bash "$KESP_ROOT/selftests/guest/t-esp-xfrm.sh"
