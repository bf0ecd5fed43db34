#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# budget: 5
# Resolving the genl family "kesp" loads the installed module on its own
# (MODULE_ALIAS_GENL_FAMILY), as kespctl and kesp-iked rely on.
. "$KESP_ROOT/selftests/lib/guest.sh"

module_loaded && fail "module loaded before the test"
run "$KESPCTL" version
module_loaded || fail "kespctl version did not auto-load kesp.ko"
