# Disk images for the boot-loader tests (grub.sh, syslinux.sh), made
# without root, loop devices or mounts: an MBR partition table written
# with printf/dd and a FAT file system in partition 1 made with mtools.
#
#   bootdisk_make IMG           # 8 MiB, partition 1 (FAT, active) from 1 MiB
#   mcopy -i "$IMG@@$BOOTDISK_OFFSET" file ::/path
BOOTDISK_START=2048                       # partition 1's first sector
BOOTDISK_SECTORS=16384                    # the whole disk (8 MiB)
BOOTDISK_OFFSET=$((BOOTDISK_START * 512))

# _le32 N: N as 4 little-endian bytes.
_le32() {
	local i
	for i in 0 8 16 24; do
		printf "\\x$(printf %02x $(($1 >> i & 255)))"
	done
}

bootdisk_make() {
	local img=$1
	rm -f "$img"
	truncate -s $((BOOTDISK_SECTORS * 512)) "$img" || return 1
	# one entry: active, CHS fields "use LBA", type 0x0e (FAT16 LBA)
	{ printf '\x80\xfe\xff\xff\x0e\xfe\xff\xff'
	  _le32 $BOOTDISK_START
	  _le32 $((BOOTDISK_SECTORS - BOOTDISK_START)); } |
		dd of="$img" bs=1 seek=446 conv=notrunc status=none || return 1
	printf '\x55\xaa' | dd of="$img" bs=1 seek=510 conv=notrunc status=none || return 1
	# -H: the partition's offset in the boot sector, for the loaders
	mformat -i "$img@@$BOOTDISK_OFFSET" -H $BOOTDISK_START -v VMCTLBOOT :: 
}

# bootdisk_missing CMD...: the first command not installed, if any.
bootdisk_missing() {
	local c
	for c in "$@"; do
		command -v "$c" > /dev/null 2>&1 || { echo "$c"; return 0; }
	done
	return 1
}
