#!/bin/bash
# HVM boot to a boot sector: `xl create` of an hvm domain with SeaBIOS, the
# device model and a raw disk whose boot sector prints a line on COM1, until
# that line is in the domain's console log; next to qemu-system-x86_64
# -accel tcg with the same SeaBIOS, an IDE disk and COM1 to a file, from
# process start to the same line. Medians of three; both sides include
# process start-up (xl create: domain, builder, device model; QEMU: itself).
. "$top_srcdir/tests/lib/host.sh"
img="$top_builddir/tests/hvm/guest/bootsect.img"
bios=/usr/share/seabios/bios.bin
[ -f "$img" ] && [ -r "$bios" ] && [ -x "$top_builddir/devmodel/vmctl-devmodel" ] ||
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

vmctl_once() {
	cat > b.cfg <<CFG
type = "hvm"
name = "hvm-boot"
memory = 32
disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/disk.img' ]
CFG
	t0=$(now_ms)
	xl create b.cfg > /dev/null || return 1
	wait_line "$VMCTL_LOGDIR/console/hvm-boot.log" "hello from the boot sector" 60 || return 1
	echo $(( $(now_ms) - t0 ))
	xl destroy hvm-boot
}

qemu_once() {
	rm -f serial.out
	t0=$(now_ms)
	qemu-system-x86_64 -accel tcg -m 32 -bios "$bios" -display none -monitor none \
		-drive file=disk.img,format=raw,if=ide -serial file:serial.out -nodefaults &
	q=$!
	wait_line serial.out "hello from the boot sector" 60 && echo $(( $(now_ms) - t0 ))
	kill $q 2>/dev/null
	wait $q 2>/dev/null
}

v=$(for i in 1 2 3; do vmctl_once; done | median)
if command -v qemu-system-x86_64 > /dev/null; then
	q=$(for i in 1 2 3; do qemu_once; done | median)
else
	q=0
fi
host_stop a > /dev/null
printf 'row\thvm: xl create -> boot sector on COM1 (SeaBIOS, device model, IDE)\t%s\tms\tqemu-system-x86_64 -accel tcg, same image\t%s\n' "${v:-0}" "${q:-0}"
