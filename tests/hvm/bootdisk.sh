# Disk images for the boot-loader tests (grub.sh, syslinux.sh), made
# without root, loop devices or mounts: an MBR partition table written
# with printf/dd and a FAT file system in partition 1 made with mtools.
#
#   bootdisk_make IMG           # 8 MiB, partition 1 (FAT, active) from 1 MiB
#   mcopy -i "$IMG@@$BOOTDISK_OFFSET" file ::/path
#   bootdisk_boot NAME IMG      # xl create: an hvm domain booting IMG
#   ... console_has NAME ...
#   bootdisk_end NAME TAG       # xl console shows "TAG :end"; destroy; host_stop
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

# bootdisk_boot NAME IMG: `xl create` a type="hvm" domain NAME whose hda
# is IMG (SeaBIOS boots it); one TAP result.
bootdisk_boot() {
	cat > "$1.cfg" <<CFG
type = "hvm"
name = "$1"
memory = 32
boot = "c"
disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/$2' ]
CFG
	xl create "$1.cfg" > "$1.create" 2>&1
	is "$?" 0 "xl create of a type=\"hvm\" domain booting $2"
}

# bootdisk_end NAME TAG: the kernel's line (its command line ends with
# TAG) on `xl console`, then destroy the domain and stop host a.
bootdisk_end() {
	local out
	out=$(timeout 3 "$XL_BIN" console "$1" < /dev/null 2>&1)
	like "$out" "$2 :end" "xl console shows it"
	xl destroy "$1"
	ok "xl destroy ends the domain" domain_gone "$1"
	host_stop a
	ok "the host stops cleanly, leaving nothing behind" test $? = 0
}
