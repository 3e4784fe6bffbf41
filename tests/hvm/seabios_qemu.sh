#!/bin/bash
# SeaBIOS's debug log (port 0x402) on vmctl next to QEMU's i440FX machine
# with the same devices, compared line for line.
#
# The same boot sector image (tests/hvm/guest/bootsect.img) boots once
# through `xl create` (SeaBIOS on the soft CPU, vmctl-devmodel: PIIX3/PIIX4,
# the IDE disk, std-VGA with SeaVGABIOS, no NIC, no Xen platform device):
# vmhv puts the domain's 0x402 lines into its console, `xl dmesg` shows
# them as "(dN) text"; and once through qemu-system-x86_64 -M pc -accel tcg
# -nodefaults with the same SeaBIOS, RAM size, disk, VGA and boot order, its
# 0x402 output in a file through isa-debugcon. Both must reach "Booting
# from Hard Disk"; the logs must then be equal after the rules below, each
# of which names a difference that is not a bug of ours.
#
# QEMU's side is tests/hvm/qemu_pc.sh (its options and why each is there).
# Skipped when qemu-system-x86 (Debian) or SeaBIOS is not installed.
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/qemu_pc.sh"
img="$top_builddir/tests/hvm/guest/bootsect.img"
bios=/usr/share/seabios/bios.bin
vgabios=/usr/share/seabios/vgabios-stdvga.bin
[ -n "$qemu" ] || skip_all "qemu-system-x86_64 is not installed"
[ -r "$bios" ] && [ -r "$vgabios" ] || skip_all "Debian's seabios is not installed"
[ -x "$top_builddir/devmodel/vmctl-devmodel" ] || skip_all "no device model"
[ -f "$img" ] || skip_all "tests/hvm/guest/bootsect.img not built"
MEM=32
# 8 MiB of VRAM: with 16 MiB QEMU keeps VBE mode 0x199 (3840x2160x16) that
# SeaVGABIOS removes here, as vmctl's std-VGA reports 2560x1600 as its
# largest mode (DMDISPLAY_MAX_W/H, the display socket's frame size) where
# QEMU reports 16000x12000. With 8 MiB the mode does not fit either way.
VRAM=8
LAST='^Booting from 0000:7c00'

host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
cp "$img" vmctl.img
cp "$img" qemu.img

# ---- vmctl ----
# The same machine UUID on both (SeaBIOS prints it from SMBIOS type 1).
QEMU_PC_UUID=6f0e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b
cat > cmp.cfg <<CFG
type = "hvm"
name = "sb-cmp"
uuid = "$QEMU_PC_UUID"
memory = $MEM
boot = "c"
acpi = 1
xen_platform_pci = 0
vnc = 0
stdvga = 1
videoram = $VRAM
disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/vmctl.img' ]
CFG
xl create cmp.cfg > create.out 2>&1 || { sed 's/^/# /' create.out; bail_out "xl create failed"; }
_tap_result 0 "xl create of the hvm domain (IDE disk, std-VGA)"
id=$(xl domid sb-cmp)
ok "SeaBIOS reaches the boot sector on vmctl" console_has sb-cmp 'hello from the boot sector' 2400
xl dmesg | sed -n "s/^(d$id) //p" > vmctl.log
xl destroy sb-cmp
ok "the domain is destroyed" domain_gone sb-cmp

# ---- QEMU: the same firmware, machine and devices ----
qemu_pc_start $MEM $VRAM qemu.img qemu.serial qemu.log
ok "SeaBIOS reaches the boot sector on QEMU" file_has qemu.serial 'hello from the boot sector' 2400
qemu_pc_stop

for side in vmctl qemu; do
	ok "$side: SeaBIOS's log runs from its banner to the boot" \
		grep -q "$LAST" $side.log
done

# normalise FILE: the log up to the boot, with the rules applied.
normalise() {
	sed -n "1,/$LAST/p" "$1" | sed -E \
		-e 's/^(Copying (MPTABLE|SMBIOS) from) .*/\1 <addr> to <addr>/' \
		-e 's/^drive 0x[0-9a-f]+:/drive <addr>:/' \
		-e 's/^(Space available for UMB: [0-9a-f]+-[0-9a-f]+, [0-9a-f]+)-[0-9a-f]+$/\1-<addr>/' \
		-e 's/^(Returned) [0-9]+ (bytes of ZoneHigh)$/\1 <n> \2/' \
		-e 's/^(ata[0-9]-[0-9]:) (QEMU|VMCTL) HARDDISK /\1 <model> HARDDISK /' |
	awk -v top=$((MEM << 20)) '
		function hex(h,  v, i) {
			v = 0
			for (i = 1; i <= length(h); i++)
				v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
			return v
		}
		# Rule 5: SeaBIOS keeps the used part of its 256 KiB high zone
		# below the top of RAM; an e820 boundary in that window moves
		# with the tables kept there (rules 1-3).
		function zone(h,  v) { v = hex(h); return v >= top - 262144 && v < top }
		/^  [0-9]+: [0-9a-f]+ - [0-9a-f]+ = / {
			if (zone($2) || zone($4)) {
				if (zone($2)) $2 = "<high zone>"
				if (zone($4)) $4 = "<high zone>"
				$0 = "  " $0
			}
		}
		# Rule 6: after its second banner SeaBIOS probes the hardware
		# in threads (ATA, PS/2, serial and parallel ports) whose lines
		# interleave by timing until "All threads complete.": that
		# block is compared sorted (sort below).
		/^All threads complete\.$/ { inthreads = 0 }
		inthreads { printf "%d\t%s\t%s\n", start, $0, $0; next }
		{ printf "%d\t\t%s\n", NR, $0 }
		/^SeaBIOS \(version / && ++banners == 2 { inthreads = 1; start = NR }' |
	LC_ALL=C sort -t "$(printf '\t')" -k1,1n -k2,2 | cut -f3-
}
# The rules, each a legitimate difference:
#  1. ACPI tables: both device models hand SeaBIOS their own through fw_cfg
#     (etc/table-loader; vmctl's are devmodel/acpi/, docs/hvm.md), so the
#     PM base (0x600), the PM timer and the ACPI lines are compared as they
#     are; the tables' sizes differ (QEMU's DSDT has more in it), and the
#     high-memory allocations after them move: the MPTABLE's source.
#  2. SMBIOS: both pass their structures through fw_cfg (etc/smbios/*),
#     not of the same size: the F-segment allocations after them move
#     (SMBIOS, the drive's record, the UMB end).
#  3. the high zone SeaBIOS gives back depends on those tables' size.
#  4. the disk's model string is the device model's own name.
#  5-6. in the awk part above.
normalise vmctl.log > vmctl.norm
normalise qemu.log > qemu.norm
long=0
[ "$(wc -l < vmctl.norm)" -gt 40 ] && [ "$(wc -l < qemu.norm)" -gt 40 ] || long=1
_tap_result $long "the logs are not empty (over 40 lines each)"
if [ $long = 0 ] && diff -u qemu.norm vmctl.norm > log.diff; then
	_tap_result 0 "SeaBIOS's 0x402 log on vmctl matches QEMU's i440FX line for line"
else
	_tap_result 1 "SeaBIOS's 0x402 log on vmctl matches QEMU's i440FX line for line"
	diag "diff -u QEMU vmctl (after the rules):"
	sed 's/^/#   /' log.diff
fi
is "$(grep -v 'terminating on signal' qemu.log.out)" "" "QEMU's run printed no errors"
host_stop a
done_testing
