#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 120
# t-iked-v1-matrix.sh with kesp-iked's gateway A behind the NAT of nat.sh:
# against pluto and against kesp-iked, Main and Aggressive Mode, each
# side initiating (the peer through the NAT's port forward), NAT-T on
# 4500 in each cell.
KESP_MATRIX_NAT=1
. "$KESP_ROOT/selftests/guest/t-iked-v1-matrix.sh"
