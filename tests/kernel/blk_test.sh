#!/bin/bash
# blkfront end to end: the kernel's test-blk mode on an xl-created domain,
# served by the test backend tests/kernel/testback/blkback (grant maps, an
# interdomain event channel and a disk image in dom0).  The data the guest
# wrote is checked in the image from the host side.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
blkback="$top_builddir/tests/kernel/testback/blkback"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
[ -x "$blkback" ] || skip_all "tests/kernel/testback/blkback not built"
command -v python3 > /dev/null || skip_all "python3 not installed"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

dd if=/dev/zero of=disk.img bs=1M count=4 2> /dev/null
printf 'name = "b1"\nkernel = "%s"\nmemory = 32\nextra = "mode=test-blk blk-sector=8"\n' \
	"$kernel" > b1.cfg
xl create -p b1.cfg > /dev/null 2>&1
id=$(xl domid b1)
ok "the domain is created paused" test -n "$id"
"$blkback" "$id" disk.img > blkback.out 2>&1 &
bb=$!
ok "the test backend publishes the disk" file_has blkback.out "^ready"
xl unpause b1
log="$VMCTL_LOGDIR/console/b1.log"
ok "blkfront connects and sees the disk's size" file_has "$log" "^blk0: device/vbd/51712, 4 MiB"
ok "test-blk passes (write, flush, read back, compare)" file_has "$log" "TEST blk: PASS"
guest_crc=$(sed -n 's/^blk: 65536 bytes at sector 8, crc32 \([0-9a-f]*\).*/\1/p' "$log" | tr -d '\r')
host_crc=$(python3 -c 'import sys, zlib
d = open(sys.argv[1], "rb").read()[8 * 512 : 8 * 512 + 65536]
print("%08x" % zlib.crc32(d))' disk.img)
is "$host_crc" "$guest_crc" "the image holds what the guest wrote (crc32 at sector 8)"
wait $bb
summary=$(cat blkback.out)
like "$summary" "[1-9][0-9]* reads, [1-9][0-9]* writes, [1-9][0-9]* flushes, 0 errors" \
	"the backend saw reads, writes and a flush, no errors"
like "$summary" "up to ([2-9]|[1-9][0-9]+) requests at once" \
	"several requests were in flight at once"
host_stop a
done_testing
