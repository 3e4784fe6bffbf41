#!/bin/bash
# xl create of type="hvm" domains end to end: the test guest as
# firmware_override, as a multiboot kernel= with cmdline= and as a
# type="pvh" kernel, its TAP lines
# read from `xl dmesg` (port 0xe9 output), xl list, poweroff ending the
# domain, on_reboot after a triple fault,
# and a config naming a missing firmware failing cleanly.
. "$top_srcdir/tests/lib/host.sh"
guest="$top_builddir/tests/hvm/guest/hvmguest"
[ -f "$guest" ] || skip_all "tests/hvm/guest/hvmguest not built"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

cat > fw.cfg <<CFG
type = "hvm"
name = "hvm-fw"
memory = 16
firmware_override = "$guest"
on_poweroff = "destroy"
CFG
out=$(xl create -p fw.cfg 2>&1)
is "$?" 0 "xl create -p of an hvm config with firmware_override"
like "$(xl list hvm-fw | sed -n 2p)" '^hvm-fw +[0-9]+ +16 +[01] +--p' "xl list shows it paused with 16 MiB"
xl unpause hvm-fw
ok "the firmware's output reaches xl dmesg" dmesg_has '\(d[0-9]+\) hvm guest: hello from firmware'
ok "its debug-port TAP lines pass" dmesg_has '\(d[0-9]+\) hvm guest: PASSED'
ok "it powered off and is gone (on_poweroff=destroy)" domain_gone hvm-fw

cat > mb.cfg <<CFG
type = "hvm"
name = "hvm-mb"
memory = 16
kernel = "$guest"
cmdline = "lapic"
CFG
xl create mb.cfg >/dev/null 2>&1
is "$?" 0 "xl create of a multiboot kernel= with cmdline="
ok "the guest ran the test its command line named" dmesg_has '\(d[0-9]+\) ok 6 - a self IPI arrives'
ok "and powered off" domain_gone hvm-mb

cat > pvh.cfg <<CFG
type = "pvh"
name = "hvm-pvh"
memory = 16
kernel = "$guest"
cmdline = "pvh"
CFG
xl create pvh.cfg >/dev/null 2>&1
is "$?" 0 "xl create of type=\"pvh\": the same guest through its PHYS32_ENTRY note"
ok "it found Xen's hvm_start_info in EBX" dmesg_has '\(d[0-9]+\) hvm guest: hello from pvh'
ok "with its command line, and powered off" domain_gone hvm-pvh

cat > tf.cfg <<CFG
type = "hvm"
name = "hvm-tf"
memory = 16
kernel = "$guest"
cmdline = "triplefault"
on_reboot = "destroy"
CFG
xl create tf.cfg >/dev/null 2>&1
ok "a triple fault is reported" dmesg_has 'triple fault at rip'
ok "and handled as a reboot (on_reboot=destroy)" domain_gone hvm-tf

cat > bad.cfg <<CFG
type = "hvm"
name = "hvm-bad"
memory = 16
firmware_override = "$VMCTL_TEST_DIR/no-such-file"
CFG
out=$(xl create bad.cfg 2>&1)
st=$?
ok "a missing firmware fails" test $st != 0
like "$out" 'firmware_override .*no-such-file' "and says which file"
ok "and leaves no domain" domain_gone hvm-bad

# With the device model (devmodel/vmctl-devmodel): SeaBIOS boots a boot
# sector from an IDE disk; its COM1 is the domain's console.
dm="$top_builddir/devmodel/vmctl-devmodel"
img="$top_builddir/tests/hvm/guest/bootsect.img"
if [ -x "$dm" ] && [ -f "$img" ] && [ -r /usr/share/seabios/bios.bin ]; then
	cp "$img" disk.img
	cat > disk.cfg <<CFG
type = "hvm"
name = "hvm-disk"
memory = 32
boot = "c"
acpi = 1
disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/disk.img' ]
CFG
	xl create disk.cfg >/dev/null 2>&1
	is "$?" 0 "xl create of an hvm domain with a disk starts its device model"
	ok "SeaBIOS boots the disk's boot sector; its COM1 line is in the console log" \
		console_has hvm-disk 'hello from the boot sector'
	out=$(timeout 3 "$XL_BIN" console hvm-disk </dev/null 2>&1)
	like "$out" 'hello from the boot sector' "xl console shows the serial console"
	dmpid=$(pgrep -f "vmctl-devmodel --domid $(xl domid hvm-disk) ")
	xl destroy hvm-disk
	ok "xl destroy ends it" domain_gone hvm-disk
	ok "and its device model" test -n "$dmpid" -a ! -d "/proc/$dmpid"
fi
host_stop a
done_testing
