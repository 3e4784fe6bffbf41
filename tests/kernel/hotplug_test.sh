#!/bin/bash
# Hot plug seen from the guest: a disk attached with
# xl block-attach while the kernel runs is found (its watch on device/),
# used from the shell typed on xl console, and let go when xl block-detach
# asks for a safe unplug (backend Closing).
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
command -v python3 > /dev/null || skip_all "python3 not installed"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

dd if=/dev/zero of=hot.img bs=1M count=2 2> /dev/null
printf 'name = "h1"\nkernel = "%s"\nmemory = 32\nextra = "mode=shell"\n' "$kernel" > h1.cfg
xl create h1.cfg > /dev/null 2>&1
ok "h1 boots to its shell without disks" console_has h1 "type 'help' for commands"
mkfifo con.in
"$XL_BIN" console h1 < con.in > con.out 2>&1 &
con=$!
exec 3> con.in

ok "xl block-attach while it runs" xl block-attach h1 vdev=xvdb target=$PWD/hot.img
ok "the guest finds the new disk" console_has h1 "blk0: device/vbd/51728, 2 MiB"
printf 'blk write 0 8 165 4\r' >&3
ok "the shell writes on it" console_has h1 "wrote 4 sectors at 8: ok"
crc=$(tr -d '\r' < "$VMCTL_LOGDIR/console/h1.log" |
	sed -n 's/^wrote 4 sectors at 8: ok, crc32 \([0-9a-f]\{8\}\)$/\1/p')
host=$(python3 -c 'import sys, zlib
print("%08x" % zlib.crc32(open(sys.argv[1], "rb").read()[8 * 512 : 12 * 512]))' hot.img)
is "$host" "$crc" "what it wrote is in the image"
ok "xl block-detach" xl block-detach h1 xvdb
ok "the guest lets the disk go" console_has h1 "blk0: device/vbd/51728 removed"
printf 'blk read 0 8 1\r' >&3
ok "a read of the removed disk is refused" console_has h1 "no block device 0"
printf 'poweroff\r' >&3
exec 3>&-
wait $con
host_stop a
done_testing
