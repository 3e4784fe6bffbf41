#!/bin/bash
# SYSLINUX (Debian's syslinux + syslinux-common, mtools) on a raw disk the
# test builds without root or mounts: SYSLINUX's MBR (mbr.bin) in sector 0,
# a FAT partition (mtools) on which `syslinux --install --offset` puts
# ldlinux.sys/ldlinux.c32 and its boot sector, syslinux.cfg, mboot.c32 (+
# libcom32.c32) and the tiny multiboot kernel (guest/mbserial.S).
# `xl create` of a type="hvm" config boots it: SeaBIOS → mbr.bin → the
# partition's boot sector → ldlinux, whose config turns on the serial
# console and runs mboot.c32, which loads the kernel; the
# kernel prints the command line it got on COM1.
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/bootdisk.sh"
dm="$top_builddir/devmodel/vmctl-devmodel"
kernel="$top_builddir/tests/hvm/guest/mbserial.elf"
sl=/usr/lib/syslinux
c32=$sl/modules/bios
[ -x "$dm" ] || skip_all "devmodel/vmctl-devmodel not built"
[ -f "$kernel" ] || skip_all "tests/hvm/guest/mbserial.elf not built"
[ -r /usr/share/seabios/bios.bin ] || skip_all "Debian's seabios is not installed"
[ -r "$sl/mbr/mbr.bin" ] || skip_all "Debian's syslinux is not installed ($sl/mbr/mbr.bin)"
[ -r "$c32/mboot.c32" ] || skip_all "Debian's syslinux-common is not installed ($c32/mboot.c32)"
missing=$(bootdisk_missing syslinux mformat mcopy) &&
	skip_all "$missing is not installed (syslinux, mtools)"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

cat > syslinux.cfg <<'CFG'
SERIAL 0 115200
PROMPT 0
TIMEOUT 0
DEFAULT mb
LABEL mb
  KERNEL mboot.c32
  APPEND mbserial.elf loaded-by-syslinux
CFG
ok "a FAT partition behind an MBR" bootdisk_make sl.img
ok "syslinux --install puts its loader and boot sector on the partition (mtools)" \
	syslinux --install --offset "$BOOTDISK_OFFSET" sl.img
ok "syslinux.cfg, mboot.c32 and the kernel on it" eval '
	mcopy -i "sl.img@@$BOOTDISK_OFFSET" syslinux.cfg "$c32/mboot.c32" "$c32/libcom32.c32" \
		"$kernel" ::/'
ok "SYSLINUX's MBR code in sector 0 (the partition table kept)" \
	dd if="$sl/mbr/mbr.bin" of=sl.img bs=440 count=1 conv=notrunc status=none

bootdisk_boot hvm-syslinux sl.img
ok "SYSLINUX starts: its banner is on the serial console" \
	console_has hvm-syslinux '^SYSLINUX [0-9.]+ ' 3600
ok "it runs the config's default label: mboot.c32 loads the kernel" \
	console_has hvm-syslinux 'Loading mbserial.elf\.\.\. ?ok' 3600
ok "the kernel prints the command line SYSLINUX gave it" \
	console_has hvm-syslinux 'mbserial: multiboot kernel running, cmdline: .*loaded-by-syslinux :end' 3600
bootdisk_end hvm-syslinux loaded-by-syslinux
done_testing
