#!/bin/sh
# xld's JSON-RPC error paths (bad JSON, unknown method, wrong params,
# oversized line, pipelining) against a real xld.
. "$top_srcdir/tests/lib/host.sh"
command -v python3 > /dev/null || skip_all "python3 not installed"
host_start a || bail_out "cannot start a host"
python3 "$top_srcdir/tests/xld/api_errors.py" "$VMCTL_RUNDIR/xld.sock"
rc=$?
host_stop a || { echo "not ok - host a stopped cleanly"; exit 1; }
exit $rc
