#!/bin/bash
# Block hot plug: xl block-attach / block-list / block-detach against a
# domain, its stored configuration (xl list -l) following; a disk attached
# before the guest boots is found and used by it; failures leave nothing.
. "$top_srcdir/tests/devices/lib.sh"
command -v python3 > /dev/null || skip_all "python3 not installed"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
fds0=$(xld_fds a)

dd if=/dev/zero of=disk1.img bs=1M count=4 2> /dev/null
dd if=/dev/zero of=disk2.img bs=1M count=2 2> /dev/null
cat > h1.cfg <<CFG
name = "h1"
kernel = "$kernel"
memory = 32
extra = "mode=shell"
disk = [ 'vdev=xvda, target=$PWD/disk1.img' ]
CFG
xl create -p h1.cfg > /dev/null 2>&1
id=$(xl domid h1)
ok "xl block-attach of a second disk (relative target)" \
	xl block-attach h1 format=raw vdev=xvdb access=rw target=disk2.img
be=/local/domain/0/backend/vbd/$id/51728
is "$(xenstore-read $be/params)" "$PWD/disk2.img" "its target is made absolute"
is "$(xenstore-read $be/state)" 2 "its backend waits in InitWait"
out=$(xl block-list h1)
is "$(echo "$out" | head -1)" "Vdev  BE  handle state evt-ch ring-ref BE-path                       " \
	"block-list header as Xen's xl prints it"
like "$(echo "$out" | sed -n 3p)" "^51728 0   $id +1 +-1 +-1 +$be" "block-list row of the new disk"
like "$(xl list -l h1)" '"vdev": "xvdb"' "the stored configuration has the new disk"

xl unpause h1
log="$VMCTL_LOGDIR/console/h1.log"
ok "the guest finds the attached disk" file_has "$log" "blk1: device/vbd/51728, 2 MiB"
out=$( (sleep 0.3; echo "blk write 1 16 77 8"; sleep 1) | timeout 5 "$XL_BIN" console h1)
crc=$(echo "$out" | tr -d '\r' | sed -n 's/^wrote 8 sectors at 16: ok, crc32 \([0-9a-f]\{8\}\).*/\1/p' | tail -1)
is "$(img_crc disk2.img 16 4096)" "$crc" "what the guest wrote on it is in its image"
# Event sends on ports bound to dom0 are served in the sandbox, with the
# eventfds vmhv handed it (docs/devices.md).
ok "the guest's sandbox holds the eventfds of its dom0 ports" test -n "$(eventfd_ids "$(sandbox_pid a)")"
ok "... only eventfds of ports bound now" test -z "$(sandbox_stale_eventfds a)"
like "$(xl block-list h1 | sed -n 3p)" "^51728 0   $id +4 +[0-9]+ +[0-9]+ " \
	"block-list: connected, with its channel and ring"

xl block-attach h1 vdev=xvdb target=$PWD/disk2.img 2> err
like "$(cat err)" "already has this device" "attaching xvdb twice is refused"
xl block-attach h1 vdev=xvdc target=/nonexistent.img 2> err
like "$(cat err)" "/nonexistent.img: No such file or directory" "a missing image is refused"
ok "... and leaves no node" test "$(xenstore-list /local/domain/0/backend/vbd/$id | wc -l)" = 2

# Safe removal: the backend stops and goes Closing, the guest lets go of
# the disk, then its nodes go.
ok "xl block-detach h1 xvdb (the guest releases it)" timeout 20 "$XL_BIN" block-detach h1 xvdb
ok "the guest saw its backend close it" file_has "$log" "device/vbd/51728 closed by its backend"
ok "... with its ring already unmapped" test -z "$(grep 'still mapped' "$log")"
ok "the sandbox let go of the closed port's eventfd" test -z "$(sandbox_stale_eventfds a)"
ok "its backend node is gone" test -z "$(xenstore-read $be/state 2>/dev/null)"
ok "its frontend node is gone" test -z "$(xenstore-read /local/domain/$id/device/vbd/51728/state 2>/dev/null)"
is "$(xl block-list h1 | wc -l)" 2 "block-list: one disk left"
ok "the stored configuration lost it" test -z "$(xl list -l h1 | grep xvdb)"
xl block-detach h1 xvdb 2> err
like "$(cat err)" "not connected" "detaching it again is refused"

# A running guest gets a hot-plugged disk too.
ok "xl block-attach xvdb again, the guest running" xl block-attach h1 vdev=xvdb target=$PWD/disk2.img
for i in $(seq 200); do
	[ "$(grep -c 'device/vbd/51728, 2 MiB' "$log")" = 2 ] && break
	sleep 0.05
done
is "$(grep -c 'device/vbd/51728, 2 MiB' "$log")" 2 "the guest connects it (a second time)"
like "$(xl block-list h1 | sed -n 3p)" "^51728 0   $id +4 " "block-list: Connected"
# A guest that cannot answer (paused): the removal is forced after the timeout.
xl pause h1
rpc() {	# one request, its answer (the connection stays open until then)
	timeout 20 python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
print(s.makefile().readline(), end="")' "$VMCTL_RUNDIR/xld.sock" "$1"
}
out=$(rpc '{"jsonrpc":"2.0","id":1,"method":"device.detach","params":{"domain":"h1","kind":"vbd","device":"xvdb","timeout_ms":300}}')
like "$out" '"result": ?true' "device.detach of a paused guest's disk ends after timeout_ms"
is "$(xl block-list h1 | wc -l)" 2 "block-list: one disk left"
xl unpause h1
ok "xl block-attach xvdb once more" xl block-attach h1 vdev=xvdb target=$PWD/disk2.img
ok "xl block-detach -f h1 xvdb" timeout 5 "$XL_BIN" block-detach -f h1 xvdb
is "$(xl block-list h1 | wc -l)" 2 "block-list: one disk left"

xl destroy h1
is "$(xld_fds a)" "$fds0" "no fd left open in xld"
host_stop a
done_testing
