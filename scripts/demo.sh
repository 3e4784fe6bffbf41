#!/bin/bash
# The demo: a private vmctl host (vmhv + xld in a temporary run directory),
# `xl info`, and whatever guests the build offers. Run by scripts/setup.sh demo.
set -euo pipefail
build=${1:-$(dirname "$0")/../build}
build=$(cd "$build" && pwd)
dir=$(mktemp -d /tmp/vmctl-demo.XXXXXX)
export VMCTL_RUNDIR=$dir/run VMCTL_STATEDIR=$dir/state VMCTL_LOGDIR=$dir/log
export VMCTL_BUILDDIR=$build
mkdir -p "$VMCTL_RUNDIR" "$VMCTL_STATEDIR" "$VMCTL_LOGDIR"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT

wait_for() { for _ in $(seq 200); do [ -e "$1" ] && return 0; sleep 0.05; done; echo "demo: $1 did not appear" >&2; return 1; }

echo "== starting vmhv and xld in $dir"
"$build/hypervisor/vmhv" --rundir "$VMCTL_RUNDIR" --foreground --log "$VMCTL_LOGDIR/vmhv.log" & pids+=($!)
wait_for "$VMCTL_RUNDIR/privcmd"
"$build/xld/xld" --rundir "$VMCTL_RUNDIR" --statedir "$VMCTL_STATEDIR" --logdir "$VMCTL_LOGDIR" --foreground & pids+=($!)
wait_for "$VMCTL_RUNDIR/xld.sock"

echo "== xl info"
"$build/xl/xl" info
echo "== xl list"
"$build/xl/xl" list
echo "== done; stopping the private host"
