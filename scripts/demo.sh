#!/bin/bash
# The demo: a private vmctl host (vmhv + xld in a temporary run directory),
# `xl info`, then vmctl's own PV kernel as a guest: `xl create`, `xl list`,
# its xenstore nodes, a few commands typed into its shell through
# `xl console`, and `xl shutdown -w`. Run by scripts/setup.sh demo.
set -euo pipefail
build=${1:-$(dirname "$0")/../build}
build=$(cd "$build" && pwd)
dir=$(mktemp -d /tmp/vmctl-demo.XXXXXX)
export VMCTL_RUNDIR=$dir/run VMCTL_STATEDIR=$dir/state VMCTL_LOGDIR=$dir/log
export XENSTORED_PATH=$VMCTL_RUNDIR/xenstored/socket
mkdir -p "$VMCTL_RUNDIR" "$VMCTL_STATEDIR" "$VMCTL_LOGDIR"
xl="$build/xl/xl"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT

wait_for() { for _ in $(seq 200); do [ -e "$1" ] && return 0; sleep 0.05; done; echo "demo: $1 did not appear" >&2; return 1; }
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

echo "== starting vmhv and xld in $dir"
"$build/hypervisor/vmhv" --rundir "$VMCTL_RUNDIR" --foreground --log "$VMCTL_LOGDIR/vmhv.log" & pids+=($!)
wait_for "$VMCTL_RUNDIR/privcmd"
"$build/xld/xld" --rundir "$VMCTL_RUNDIR" --statedir "$VMCTL_STATEDIR" --logdir "$VMCTL_LOGDIR" --foreground & pids+=($!)
wait_for "$VMCTL_RUNDIR/xld.sock"

say xl info
"$xl" info

truncate -s 16M "$dir/demo.img"
cat > "$dir/demo.cfg" <<CFG
# vmctl's own PV kernel, running natively in a sandboxed process, with a
# disk (served by xld's blkback) and a framebuffer (served over VNC).
name = "demo"
type = "pv"
kernel = "$build/guests/vmctl-kernel"
memory = 64
extra = "mode=shell"
disk = [ '$dir/demo.img,raw,xvda,rw' ]
vfb = [ 'vnc=1, vnclisten=127.0.0.1' ]
on_poweroff = "destroy"
CFG
say cat demo.cfg
cat "$dir/demo.cfg"
say xl create demo.cfg
"$xl" create "$dir/demo.cfg"
say xl list
"$xl" list
if command -v xenstore-ls > /dev/null; then
	say xenstore-ls /local/domain/1
	xenstore-ls /local/domain/1 | head -30
fi
say xl block-list demo
"$xl" block-list demo
if command -v xenstore-read > /dev/null; then
	say "xenstore-read /local/domain/1/console/vnc-port   (the VNC server for its screen)"
	for _ in $(seq 40); do xenstore-read /local/domain/1/console/vnc-port 2>/dev/null && break; sleep 0.1; done
fi
say "xl console demo   (typing: info, time, blk write 0 0 42, blk read 0 0, then Ctrl-] to detach)"
(sleep 0.5; printf 'info\n'; sleep 0.4; printf 'time\n'; sleep 0.4; printf 'blk write 0 0 42\n'; sleep 0.4
 printf 'blk read 0 0\n'; sleep 0.5) | "$xl" console demo || true
echo
say xl shutdown -w demo
"$xl" shutdown -w demo
say "od -A d -t x1 -N 16 demo.img   (what the guest wrote, seen from the host)"
od -A d -t x1 -N 16 "$dir/demo.img"
say xl list
"$xl" list
echo
echo "== done; stopping the private host"
