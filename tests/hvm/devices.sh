#!/bin/bash
# The device model's devices as a guest drives them: the device guest
# (tests/hvm/guest/devices.c, multiboot, no BIOS) through xl create with
# vmctl-devmodel and an IDE disk whose every word of sector N is N:
# PCI configuration space ("pci"), COM1's 16550 ("uart"), IDE PIO and
# bus-master DMA with IRQ 14 ("ide"); its TAP lines come through port
# 0xe9 (xl dmesg). Then a guest hammering every port (the test guest's
# "hostile": random bytes, words and dwords to all 65536 ports, so to
# every device of its device model, fw_cfg DMA and IDE commands included)
# runs next to the device guest's IDE test: the IDE test passes, xld,
# vmhv and the other domain are unaffected, the hostile domain ends or is
# destroyed.
. "$top_srcdir/tests/lib/host.sh"
guest="$top_builddir/tests/hvm/guest/devguest"
hostile="$top_builddir/tests/hvm/guest/hvmguest"
[ -f "$guest" ] && [ -f "$hostile" ] || skip_all "the test guests are not built"
[ -x "$top_builddir/devmodel/vmctl-devmodel" ] || skip_all "devmodel/vmctl-devmodel not built"
command -v python3 > /dev/null || skip_all "no python3"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
python3 "$top_srcdir/tests/hvm/disk_pattern.py" disk.img 1

# cfg NAME KERNEL CMDLINE [DISK]: an hvm config with the device model
cfg() {
	cat <<CFG
type = "hvm"
name = "$1"
memory = 32
vnc = 0
kernel = "$2"
cmdline = "$3"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
CFG
	[ -n "${4:-}" ] && echo "disk = [ 'format=raw, vdev=hda, access=rw, target=$4' ]"
}

# run_test NAME: the device guest's test NAME passes (its TAP lines in the log)
run_test() {
	local id
	cfg "dev-$1" "$guest" "$1" "$VMCTL_TEST_DIR/disk.img" > "$1.cfg"
	# paused first: the guest is done in a fraction of a second
	if ! xl create -p "$1.cfg" > "$1.create" 2>&1; then
		_tap_result 1 "$1: xl create"
		sed 's/^/# /' "$1.create"
		return
	fi
	id=$(xl domid "dev-$1")
	xl unpause "dev-$1"
	if dmesg_has "\\(d$id\\) hvm guest: (PASSED|FAILED)" 1200 &&
	   xl dmesg | grep -q "(d$id) hvm guest: PASSED" &&
	   ! xl dmesg | grep -q "(d$id) not ok"; then
		_tap_result 0 "$2"
	else
		_tap_result 1 "$2"
		xl dmesg | sed -n "s/^(d$id) /#   /p"
	fi
	ok "$1: the guest powers off" domain_gone "dev-$1"
}

run_test pci "PCI configuration space: ids, classes, missing devices, BAR sizing, partial accesses"
run_test uart "COM1: scratch, divisor latch, loopback, the receive interrupt on IRQ 4"
run_test ide "IDE: IDENTIFY by PIO, READ DMA with two PRD entries (the disk's data), IRQ 14, errors"

# A guest hammering every port next to the IDE test.
cfg hammer "$hostile" hostile > hammer.cfg
ok "xl create of a guest that hammers every port" xl create -p hammer.cfg
hid=$(xl domid hammer)
xl unpause hammer
run_test ide "IDE test passes while another domain hammers every port"
ok "the hammering guest gets through all 65536 ports and the APIC registers" \
	dmesg_has "\\(d$hid\\) ok 1 - survived every port"
xl destroy hammer 2> /dev/null
ok "the hammering domain is gone" domain_gone hammer
ok "xld still answers" xl list
ok "vmhv still runs" kill -0 "$(cat "$VMCTL_TEST_DIR/a/vmhv.pid")"
host_stop a
done_testing
