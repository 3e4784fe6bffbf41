#!/bin/bash
# xl cd-eject / cd-insert of an HVM domain's CD-ROM, as the guest sees
# them: the test guest (cmdline "cdrom", guest/cdrom.c) reads sector 16
# of the first disc over ATAPI, then polls the drive; it must see the
# eject (NOT READY, medium not present, a media-removal event) and the
# insert (UNIT ATTENTION, medium changed) and read the new disc's bytes.
# The disk's xenstore params and `xl list -l` follow, as with libxl;
# bad requests fail with a message and change nothing.
. "$top_srcdir/tests/lib/host.sh"
guest="$top_builddir/tests/hvm/guest/hvmguest"
dm="$top_builddir/devmodel/vmctl-devmodel"
[ -f "$guest" ] || skip_all "tests/hvm/guest/hvmguest not built"
[ -x "$dm" ] || skip_all "devmodel/vmctl-devmodel not built"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

# disc NAME TEXT: a 64 KiB "ISO" whose sector 16 starts with TEXT.
disc() {
	truncate -s 64K "$1" && printf '%s' "$2" | dd of="$1" bs=2048 seek=16 conv=notrunc status=none
}
disc a.iso MEDIUM-A
disc b.iso MEDIUM-B
truncate -s 1M hd.img

cat > cd.cfg <<CFG
type = "hvm"
name = "hvm-cd"
memory = 16
kernel = "$guest"
cmdline = "cdrom"
disk = [ 'format=raw, vdev=hda, access=ro, devtype=cdrom, target=$VMCTL_TEST_DIR/a.iso',
         'format=raw, vdev=hdb, access=rw, target=$VMCTL_TEST_DIR/hd.img' ]
CFG
xl create cd.cfg > create.out 2>&1
is "$?" 0 "xl create of an hvm domain with a CD-ROM"
ok "the guest reads the first disc over ATAPI" dmesg_has "cdrom: sector 16 holds 'MEDIUM-A'"
ok "and waits for media changes" dmesg_has 'cdrom: waiting for media changes'

out=$(xl cd-insert hvm-cd hdb "$VMCTL_TEST_DIR/b.iso" 2>&1)
ok "cd-insert into a hard disk fails" test $? != 0
like "$out" 'hdb is not a CD-ROM' "saying it is not a CD-ROM"
out=$(xl cd-insert hvm-cd hda "$VMCTL_TEST_DIR/no-such.iso" 2>&1)
ok "cd-insert of a missing file fails" test $? != 0
like "$out" 'no-such.iso' "naming the file"
out=$(xl cd-eject no-such-domain hda 2>&1)
ok "cd-eject of an unknown domain fails" test $? != 0

xl cd-eject hvm-cd hda
is "$?" 0 "xl cd-eject"
ok "the guest sees NOT READY / medium not present" \
	dmesg_has 'cdrom: no medium \(sense 2/3a\), event 3 status 1'
ok "and the media-removal event" dmesg_has 'ok [0-9]+ - a media-removal event'
like "$(xl list -l hvm-cd)" '"vdev": "hda"' "xl list -l still lists the drive"
if command -v xenstore-read > /dev/null; then
	id=$(xl domid hvm-cd)
	be=/local/domain/0/backend/vbd/$id/768
	is "$(xenstore-read $be/params)" "" "the backend's params are empty after the eject"
fi

cd "$VMCTL_TEST_DIR"
xl cd-insert hvm-cd hda b.iso
is "$?" 0 "xl cd-insert (a relative path)"
# (read at once: the guest powers off when it has read the new disc)
if command -v xenstore-read > /dev/null; then
	is "$(xenstore-read $be/params)" "$VMCTL_TEST_DIR/b.iso" "the backend's params name the new disc"
	is "$(xenstore-read /libxl/$id/device/vbd/768/params)" "$VMCTL_TEST_DIR/b.iso" \
		"and so do libxl's"
fi
ok "the guest sees UNIT ATTENTION / medium changed" dmesg_has 'cdrom: medium changed \(sense 6/28\)'
ok "and reads the new disc" dmesg_has "cdrom: sector 16 holds 'MEDIUM-B'"
ok "its checks pass" dmesg_has 'hvm guest: PASSED'
ok "the domain ends (the guest powered off)" domain_gone hvm-cd
host_stop a
ok "the host stops cleanly, leaving nothing behind" test $? = 0
done_testing
