# Sourced: QEMU's i440FX PC with the devices vmctl's hvm domains have, for
# the tests and benchmarks that put vmctl next to it (seabios_qemu.sh,
# bench/hvm_boot.sh). Debian's qemu-system-x86; $qemu is its path or empty.
#
# Chosen so that the devices are the same as vmctl-devmodel's:
#   -nodefaults: no NIC, no VGA, no parallel port unless asked for.
#   -cpu qemu64,vendor=GenuineIntel: the soft CPU says GenuineIntel; QEMU
#       reserves the AMD HyperTransport hole (e820 at 0xfd00000000) for
#       AMD models only.
#   apic-common.vapic=off: QEMU's kvmvapic.bin option ROM is its own
#       acceleration aid, not a device of the machine.
#   VGA edid=off: QEMU's std-VGA serves an EDID blob at the start of its
#       MMIO BAR 2; vmctl's serves none there (the registers at 0x400 and
#       up are the same).
#   ide-hd bootindex=1: the fw_cfg "bootorder" xl's boot="c" makes.
qemu=$(command -v qemu-system-x86_64)

# qemu_pc_start MEM_MB VRAM_MB DISK SERIAL_FILE DEBUGCON_FILE: start it in
# the background (pid in $qemu_pid, its own messages in DEBUGCON_FILE.out);
# VRAM_MB 0: no VGA. Port 0x402 (SeaBIOS's log) goes to DEBUGCON_FILE.
# $QEMU_PC_UUID, if set, is the machine's UUID (-uuid: SMBIOS type 1, as
# xl.cfg's uuid= is under vmctl).
qemu_pc_start() {
	local vga=() uuid=()
	[ -n "${QEMU_PC_UUID:-}" ] && uuid=(-uuid "$QEMU_PC_UUID")
	[ "$2" -gt 0 ] && vga=(-device "VGA,vgamem_mb=$2,edid=off,romfile=/usr/share/seabios/vgabios-stdvga.bin")
	"$qemu" -M pc -accel tcg -nodefaults -no-user-config -m "$1" \
		-cpu qemu64,vendor=GenuineIntel -global apic-common.vapic=off \
		-bios /usr/share/seabios/bios.bin -display none -monitor none -serial "file:$4" \
		-drive "file=$3,format=raw,if=none,id=d0" \
		-device ide-hd,drive=d0,bus=ide.0,unit=0,bootindex=1 "${vga[@]}" "${uuid[@]}" \
		-chardev "file,id=dbg,path=$5" -device isa-debugcon,iobase=0x402,chardev=dbg \
		> "$5.out" 2>&1 &
	qemu_pid=$!
}

# qemu_pc_stop: end it (SIGTERM) and reap it.
qemu_pc_stop() {
	kill "$qemu_pid" 2> /dev/null
	wait "$qemu_pid" 2> /dev/null
}
