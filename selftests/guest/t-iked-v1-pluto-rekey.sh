#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 85
# t-iked-pluto-rekey.sh in IKEv1: kesp-iked against Libreswan 4.10's
# pluto (ikev2=no) with short lifetimes on one side, then the other,
# under a counted ping stream: Quick Mode rekeys (PFS) and an ISAKMP SA
# rekey (a new Main Mode) by each side, not one ping lost, no SA left
# over. In pluto's phase pluto initiates (it replaces only the ISAKMP
# SAs it made), and kesp-iked, which keeps pluto's short lifetimes as
# the responder, rekeys too: the rekeys of either side count there.
# Against charon the same is t-iked-v1-rekey.sh.
KESP_PLUTO_REKEY_IKE=1
. "$KESP_ROOT/selftests/guest/t-iked-pluto-rekey.sh"
