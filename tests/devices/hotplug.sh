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
ok "the guest finds the attached disk" file_has "$log" "^blk1: device/vbd/51728, 2 MiB"
out=$( (sleep 0.3; echo "blk write 1 16 77 8"; sleep 1) | timeout 5 "$XL_BIN" console h1)
crc=$(echo "$out" | tr -d '\r' | sed -n 's/^wrote 8 sectors at 16: ok, crc32 \([0-9a-f]\{8\}\).*/\1/p' | tail -1)
is "$(img_crc disk2.img 16 4096)" "$crc" "what the guest wrote on it is in its image"
like "$(xl block-list h1 | sed -n 3p)" "^51728 0   $id +4 +[0-9]+ +[0-9]+ " \
	"block-list: connected, with its channel and ring"

xl block-attach h1 vdev=xvdb target=$PWD/disk2.img 2> err
like "$(cat err)" "already has this device" "attaching xvdb twice is refused"
xl block-attach h1 vdev=xvdc target=/nonexistent.img 2> err
like "$(cat err)" "/nonexistent.img: No such file or directory" "a missing image is refused"
ok "... and leaves no node" test "$(xenstore-list /local/domain/0/backend/vbd/$id | wc -l)" = 2

# Safe removal: the backend asks the frontend to close and waits for it
# (vmctl's kernel ignores the request: we play the guest closing).
fe=/local/domain/$id/device/vbd/51728
xl block-detach h1 xvdb > detach.out 2>&1 &
xlpid=$!
for i in $(seq 100); do [ "$(xenstore-read $be/state)" = 5 ] && break; sleep 0.05; done
is "$(xenstore-read $be/state)" 5 "block-detach: the backend goes Closing"
ok "... and waits for the frontend" kill -0 $xlpid
xenstore-write $fe/state 6
wait $xlpid
is "$?" 0 "the frontend closes: block-detach completes"
ok "its backend node is gone" test -z "$(xenstore-read $be/state 2>/dev/null)"
ok "its frontend node is gone" test -z "$(xenstore-read /local/domain/$id/device/vbd/51728/state 2>/dev/null)"
is "$(xl block-list h1 | wc -l)" 2 "block-list: one disk left"
ok "the stored configuration lost it" test -z "$(xl list -l h1 | grep xvdb)"
xl block-detach h1 xvdb 2> err
like "$(cat err)" "not connected" "detaching it again is refused"

ok "xl block-attach xvdb again" xl block-attach h1 vdev=xvdb target=$PWD/disk2.img
ok "xl block-detach -f h1 xvdb" timeout 5 "$XL_BIN" block-detach -f h1 xvdb
is "$(xl block-list h1 | wc -l)" 2 "block-list: one disk left"

xl destroy h1
is "$(xld_fds a)" "$fds0" "no fd left open in xld"
host_stop a
done_testing
