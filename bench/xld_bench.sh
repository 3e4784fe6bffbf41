#!/bin/bash
# Starts a private host and runs bench/xld_api against it (rows: create to
# banner, domain.list and xl list with 500 domains).
: "${top_builddir:?run from make bench}"
export top_srcdir top_builddir
. "$top_srcdir/tests/lib/host.sh" > /dev/null
host_start bench > /dev/null || exit 1
"$top_builddir/bench/xld_api" "$top_builddir/guests/vmctl-kernel" "$XL_BIN" "${XLD_BENCH_DOMAINS:-500}"
rc=$?
host_stop bench > /dev/null
exit $rc
