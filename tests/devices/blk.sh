#!/bin/bash
# The block backend in xld, end to end: the kernel's test-blk mode on a
# disk given in the config; the data it wrote is checked in the image from
# the host side; the nodes are libxl's; a read-only disk refuses writes;
# destroy leaves no node, no fd and no thread in xld.
. "$top_srcdir/tests/devices/lib.sh"
command -v python3 > /dev/null || skip_all "python3 not installed"
# With halt polling (off by default): the guest's blocks look for the
# backend's events first, which then set bits only (PRIVCMD_DIRECT_SLEEP_POLL);
# every other pv test runs with it off.
export VMCTL_HALT_POLL_US=200
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
fds0=$(xld_fds a)
threads0=$(xld_threads a)

dd if=/dev/urandom of=disk.img bs=1M count=4 2> /dev/null
cat > b1.cfg <<CFG
name = "b1"
kernel = "$kernel"
memory = 32
extra = "mode=test-blk blk-sector=8 stay=1"
disk = [ 'format=raw, vdev=xvda, access=rw, target=$PWD/disk.img' ]
CFG
out=$(xl create b1.cfg 2>&1)
is "$?" 0 "xl create with a disk succeeds"
id=$(xl domid b1)
be=/local/domain/0/backend/vbd/$id/51712
fe=/local/domain/$id/device/vbd/51712
log="$VMCTL_LOGDIR/console/b1.log"
ok "blkfront connects and sees the disk's size" file_has "$log" "^blk0: device/vbd/51712, 4 MiB"
ok "test-blk passes (write, flush, read back, compare)" file_has "$log" "TEST blk: PASS"
guest_crc=$(sed -n 's/^blk: 65536 bytes at sector 8, crc32 \([0-9a-f]*\).*/\1/p' "$log" | tr -d '\r')
is "$(img_crc disk.img 8 65536)" "$guest_crc" "the image holds what the guest wrote (crc32 at sector 8)"

is "$(xenstore-read $be/state)" 4 "backend state Connected"
is "$(xenstore-read $fe/state)" 4 "frontend state Connected"
is "$(xenstore-read $be/params)" "$PWD/disk.img" "backend params is the image"
is "$(xenstore-read $be/mode) $(xenstore-read $be/dev) $(xenstore-read $be/type)" "w xvda phy" \
	"backend mode, dev, type"
is "$(xenstore-read $be/sectors) $(xenstore-read $be/sector-size) $(xenstore-read $be/info)" \
	"8192 512 0" "backend sectors, sector-size, info"
is "$(xenstore-read $be/feature-flush-cache) $(xenstore-read $be/feature-discard)" "1 1" \
	"flush and discard offered"
is "$(xenstore-read $be/frontend) $(xenstore-read $be/frontend-id)" "$fe $id" "backend -> frontend"
is "$(xenstore-read $fe/backend) $(xenstore-read $fe/backend-id)" "$be 0" "frontend -> backend"
is "$(xenstore-read $fe/virtual-device) $(xenstore-read $fe/device-type)" "51712 disk" \
	"frontend virtual-device, device-type"
is "$(xenstore-ls -p $fe 2>/dev/null | sed -n 's/^backend-id.*(\(.*\))$/\1/p')" "n$id,r0" \
	"frontend directory belongs to the guest, readable by dom0"
is "$(xenstore-ls -p $be 2>/dev/null | sed -n 's/^frontend-id.*(\(.*\))$/\1/p')" "n0,r$id" \
	"backend directory belongs to dom0, readable by the guest"
is "$(xenstore-read /libxl/$id/device/vbd/51712/backend)" "$be" "/libxl/<id>/device/vbd entry"

# A guest write through the shell lands in the image at once.
out=$( (sleep 0.3; echo "blk write 0 100 90 8"; sleep 1) | timeout 5 "$XL_BIN" console b1)
crc=$(echo "$out" | tr -d '\r' | sed -n 's/^wrote 8 sectors at 100: ok, crc32 \([0-9a-f]\{8\}\).*/\1/p' | tail -1)
is "$(img_crc disk.img 100 4096)" "$crc" "a shell write (8 sectors at 100) is in the image"

# Persistent grants and indirect requests were negotiated (test-blk's
# 64 KiB went as one indirect request); a safe detach makes the backend
# drop its persistent mappings before the frontend ends its grants.
is "$(xenstore-read $fe/feature-persistent) $(xenstore-read $be/feature-persistent)" "1 1" \
	"feature-persistent on both sides"
is "$(xenstore-read $be/feature-max-indirect-segments)" 256 "feature-max-indirect-segments 256"
ok "the frontend uses them" file_has "$log" "^blk0: .*, persistent grants, 64 pages per request"
# With them, page-aligned buffers (test-blk's, the shell's) are granted
# directly, not copied through the bounce pool.
out=$( (sleep 0.3; echo "blk list"; sleep 1) | timeout 5 "$XL_BIN" console b1 | tr -d '\r')
like "$(echo "$out" | grep '^0: ')" "; [1-9][0-9]* pages direct, 0 bounced$" \
	"page-aligned buffers go without a bounce copy"
xl block-detach b1 xvda
ok "a safe detach: the guest lets the disk go" file_has "$log" "closed by its backend"
ok "... with no grant left mapped by the backend" sh -c "! grep -q 'still mapped' '$log'"
# blkback raised the frontend's event channel itself (EVTCHN_DIRECT), never
# through vmhv, and woke the vCPU from SCHEDOP_block so, or found it
# halt-polling there, at least once (test-blk's lone requests block at
# once after their event).
ok "blkback's disk line is logged" file_has "$VMCTL_LOGDIR/xld.log" "domain $id: disk done"
like "$(grep -o "domain $id: disk done: .*" "$VMCTL_LOGDIR/xld.log")" \
	"\\(([1-9][0-9]* woke the vCPU, [0-9]+|[0-9]+ woke the vCPU, [1-9][0-9]*) seen polling, [0-9]+ bits only, [0-9]+ kicks, 0 through vmhv\\)" \
	"blkback wakes the frontend without vmhv"
xl destroy b1
ok "destroy removes the device nodes" no_device_nodes "$id"
is "$(xld_fds a)" "$fds0" "no fd left open in xld"
is "$(xld_threads a)" "$threads0" "no thread left in xld"

# Read-only: the guest is told (info 4) and a write is refused.
cp disk.img before.img
sed -e 's/access=rw/access=ro/' -e 's/"b1"/"b2"/' b1.cfg > b2.cfg
xl create b2.cfg > /dev/null 2>&1
id=$(xl domid b2)
log="$VMCTL_LOGDIR/console/b2.log"
ok "a read-only disk is seen read-only" file_has "$log" "^blk0: .*, read-only"
is "$(xenstore-read /local/domain/0/backend/vbd/$id/51712/info)" 4 "info = VDISK_READONLY"
ok "test-blk fails on it" file_has "$log" "TEST blk: FAIL"
ok "the image is unchanged" cmp -s disk.img before.img
xl destroy b2

# Failures leave nothing: a missing image, then an unsupported format.
sed -e 's|target=.*disk.img|target=/nonexistent/x.img|' -e 's/"b1"/"b3"/' b1.cfg > b3.cfg
xl create b3.cfg > /dev/null 2> err
isnt_ok=$?
ok "a missing image fails the create" test "$isnt_ok" -ne 0
like "$(cat err)" "/nonexistent/x.img: No such file or directory" "... naming the file"
sed -e 's/format=raw/format=qcow2/' -e 's/"b1"/"b4"/' b1.cfg > b4.cfg
xl create b4.cfg > /dev/null 2> err
like "$(cat err)" "format qcow2 is not supported" "qcow2 is refused with a clear message"
is "$(xl list | wc -l)" 2 "no domain left behind"
ok "no backend node left" test -z "$(xenstore-list /local/domain/0/backend 2>/dev/null)"
is "$(xld_fds a)" "$fds0" "no fd left open in xld after the failures"

# A block device (a loop device over an image, as root): same test.
if [ "$(id -u)" = 0 ] && loop=$(losetup -f --show disk.img 2> /dev/null); then
	trap 'losetup -d "$loop" 2> /dev/null; _host_cleanup' EXIT
	sed -e "s|target=.*disk.img|target=$loop|" -e 's/"b1"/"b6"/' -e 's/blk-sector=8/blk-sector=40/' \
		b1.cfg > b6.cfg
	xl create b6.cfg > /dev/null 2>&1
	id=$(xl domid b6)
	log="$VMCTL_LOGDIR/console/b6.log"
	ok "a block device: test-blk passes" file_has "$log" "TEST blk: PASS"
	is "$(xenstore-read /local/domain/0/backend/vbd/$id/51712/physical-device)" block \
		"... served as a block device"
	guest_crc=$(sed -n 's/^blk: 65536 bytes at sector 40, crc32 \([0-9a-f]*\).*/\1/p' "$log" | tr -d '\r')
	xl destroy b6
	losetup -d "$loop"
	is "$(img_crc disk.img 40 65536)" "$guest_crc" "... and the data is in the image under it"
else
	diag "no loop device (not root, or none free): block device test skipped"
fi

# A frontend that publishes garbage: the backend refuses it, xld lives on.
sed -e 's/"b1"/"b5"/' b1.cfg > b5.cfg
xl create -p b5.cfg > /dev/null 2>&1
id=$(xl domid b5)
fe=/local/domain/$id/device/vbd/51712
be=/local/domain/0/backend/vbd/$id/51712
xenstore-write $fe/ring-ref 99999 $fe/event-channel 4000 $fe/state 3
for i in $(seq 100); do [ "$(xenstore-read $be/state)" = 5 ] && break; sleep 0.05; done
is "$(xenstore-read $be/state)" 5 "a ring-ref the guest never granted: backend Closing"
xenstore-write $be/state 2 $fe/ring-ref "1x" $fe/state 1
xenstore-write $fe/state 3
for i in $(seq 100); do [ "$(xenstore-read $be/state)" = 5 ] && break; sleep 0.05; done
is "$(xenstore-read $be/state)" 5 "a ring-ref that is no number: refused too"
ok "xld is still running" kill -0 "$(xld_pid a)"
xl destroy b5
is "$(xld_fds a)" "$fds0" "no fd left open in xld"
host_stop a
done_testing
