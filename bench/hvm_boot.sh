#!/bin/bash
# HVM boot to a boot sector, next to QEMU TCG with the same firmware, disk
# and devices (tests/hvm/qemu_pc.sh: i440FX, PIIX3 IDE, PIIX4 PM, no VGA,
# no NIC; vmctl: vnc=0, xen_platform_pci=0), from process start:
#   - to SeaBIOS's "Booting from Hard Disk" on port 0x402 (vmctl: the time
#     vmhv logged the domain's line in vmhv.log, QEMU: isa-debugcon's file
#     polled every 5 ms)
#   - to the boot sector's line on COM1 (vmctl: the console log, QEMU: its
#     serial file, both polled every 5 ms).
# Both include process start-up (xl create: domain, builder, device model;
# QEMU: itself). Medians of three.
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/qemu_pc.sh"
img="$top_builddir/tests/hvm/guest/bootsect.img"
[ -f "$img" ] && [ -r /usr/share/seabios/bios.bin ] && [ -x "$top_builddir/devmodel/vmctl-devmodel" ] ||
	{ echo "hvm_boot: needs bootsect.img, Debian's seabios and the device model" >&2; exit 0; }
host_start a > /dev/null || { echo "cannot start a host" >&2; exit 1; }
cd "$VMCTL_TEST_DIR"
cp "$img" disk.img
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
wait_line() {	# wait_line FILE TEXT SECONDS: 5 ms polls
	for _ in $(seq $(( $3 * 200 ))); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.005
	done
	return 1
}
median() { sort -n | sed -n 2p; }
# log_ms ID TEXT: when vmhv logged domain ID's line TEXT (ms since the epoch)
log_ms() {
	local t
	t=$(grep -m1 -F "(d$1) $2" "$VMCTL_LOGDIR/vmhv.log" | cut -d' ' -f1)
	[ -n "$t" ] && echo $(( $(date -d "$t" +%s%N) / 1000000 ))
}

# cfg N: the config of run N (a name of its own: the console log is
# kept per name)
cfg() {
	cat <<CFG
type = "hvm"
name = "hvm-boot-$1"
memory = 32
boot = "c"
acpi = 1
vnc = 0
xen_platform_pci = 0
disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/disk.img' ]
CFG
}

# vmctl_once N: "ms-to-Booting ms-to-the-line"
vmctl_once() {
	local t0 t1 id
	cfg "$1" > b.cfg
	t0=$(now_ms)
	xl create b.cfg > /dev/null || return 1
	wait_line "$VMCTL_LOGDIR/console/hvm-boot-$1.log" "hello from the boot sector" 60 || return 1
	t1=$(now_ms)
	id=$(xl domid "hvm-boot-$1")
	echo "$(( $(log_ms "$id" "Booting from Hard Disk") - t0 )) $(( t1 - t0 ))"
	xl destroy "hvm-boot-$1"
}

qemu_once() {
	local t0 tb t1
	rm -f serial.out dbg.out
	t0=$(now_ms)
	qemu_pc_start 32 0 disk.img serial.out dbg.out
	wait_line dbg.out "Booting from Hard Disk" 60 && tb=$(now_ms)
	wait_line serial.out "hello from the boot sector" 60 && t1=$(now_ms)
	qemu_pc_stop
	[ -n "$tb" ] && [ -n "$t1" ] && echo "$(( tb - t0 )) $(( t1 - t0 ))"
}

for i in 1 2 3; do vmctl_once $i; done > vmctl.times
if [ -n "$qemu" ]; then
	for i in 1 2 3; do qemu_once; done > qemu.times
else
	echo "0 0" > qemu.times
fi
host_stop a > /dev/null
echo "hvm_boot: vmctl (ms to Booting, to COM1): $(tr '\n' ';' < vmctl.times) qemu: $(tr '\n' ';' < qemu.times)" >&2
for col in 1 2; do
	v=$(cut -d' ' -f$col vmctl.times | median)
	q=$(cut -d' ' -f$col qemu.times | median)
	what=$([ $col = 1 ] && echo "SeaBIOS 'Booting from Hard Disk' (0x402)" || echo "the boot sector's line on COM1")
	printf 'row\thvm: process start -> %s\t%s\tms\tqemu-system-x86_64 -accel tcg, same image and devices\t%s\n' \
		"$what" "${v:-0}" "${q:-0}"
done
