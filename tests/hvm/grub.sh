#!/bin/bash
# GRUB 2 (Debian's grub-pc-bin) on a raw disk the test builds, no root,
# no mounts: an MBR with boot.img, core.img (grub-mkimage -O i386-pc with
# biosdisk, part_msdos, fat, ...) in the sectors before partition 1, and a
# FAT partition (mtools) holding /boot/grub/grub.cfg and a tiny multiboot
# kernel (guest/mbserial.S). `xl create` of a type="hvm" config boots it:
# SeaBIOS → GRUB's boot.img → core.img → grub.cfg, which turns on the
# serial console, echoes a line and multiboot-loads the kernel, which
# prints its command line on COM1. Both lines must reach the console log
# and `xl console`.
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/bootdisk.sh"
dm="$top_builddir/devmodel/vmctl-devmodel"
kernel="$top_builddir/tests/hvm/guest/mbserial.elf"
grubdir=/usr/lib/grub/i386-pc
[ -x "$dm" ] || skip_all "devmodel/vmctl-devmodel not built"
[ -f "$kernel" ] || skip_all "tests/hvm/guest/mbserial.elf not built"
[ -r /usr/share/seabios/bios.bin ] || skip_all "Debian's seabios is not installed"
[ -r "$grubdir/boot.img" ] || skip_all "Debian's grub-pc-bin is not installed ($grubdir/boot.img)"
missing=$(bootdisk_missing grub-mkimage mformat mmd mcopy) &&
	skip_all "$missing is not installed (grub-pc-bin, mtools)"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

cat > grub.cfg <<'CFG'
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
echo "grub.cfg: hello from GRUB"
multiboot /boot/mbserial.elf loaded-by-grub
boot
CFG
ok "a FAT partition behind an MBR" bootdisk_make grub.img
ok "grub.cfg and the kernel on it" eval '
	mmd -i "grub.img@@$BOOTDISK_OFFSET" ::/boot ::/boot/grub &&
	mcopy -i "grub.img@@$BOOTDISK_OFFSET" grub.cfg ::/boot/grub/grub.cfg &&
	mcopy -i "grub.img@@$BOOTDISK_OFFSET" "$kernel" ::/boot/mbserial.elf'
ok "grub-mkimage makes an i386-pc core.img" \
	grub-mkimage -O i386-pc -d "$grubdir" -o core.img -p '(hd0,msdos1)/boot/grub' \
		biosdisk part_msdos fat normal serial terminal echo multiboot
size=$(stat -c %s core.img)
ok "it fits before partition 1 ($size bytes)" test "$size" -lt $(( (BOOTDISK_START - 1) * 512 ))
# boot.img's code (not the partition table) in sector 0; it loads the
# sector after it (its default), core.img's first sector, whose block
# list grub-mkimage sized: no grub-bios-setup (it wants a real device).
ok "boot.img and core.img written with dd" eval '
	dd if="$grubdir/boot.img" of=grub.img bs=440 count=1 conv=notrunc status=none &&
	dd if=core.img of=grub.img bs=512 seek=1 conv=notrunc status=none'

bootdisk_boot hvm-grub grub.img
ok "GRUB runs grub.cfg: its echo is on the serial console" \
	console_has hvm-grub 'grub.cfg: hello from GRUB' 3600
ok "GRUB multiboot-loads the kernel, which prints the command line GRUB gave it" \
	console_has hvm-grub 'mbserial: multiboot kernel running, cmdline: .*loaded-by-grub :end' 3600
bootdisk_end hvm-grub loaded-by-grub
done_testing
