# Shared by the tests/save/ scripts: a host with one PV guest dirtying memory
# (mode=test-memdirty) with a disk, and console helpers that look only at
# what the console printed after a mark.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"

# guest_create NAME MEM_MIB: NAME.cfg with a 2 MiB disk NAME.img, started.
guest_create() {
	dd if=/dev/zero of="$1.img" bs=1M count=2 2> /dev/null
	printf 'name = "%s"\nkernel = "%s"\nmemory = %s\nvcpus = 2\nextra = "mode=test-memdirty dirty-mib=4"\ndisk = [ "vdev=xvda, target=%s/%s.img" ]\n' \
		"$1" "$kernel" "$2" "$PWD" "$1" > "$1.cfg"
	xl create "$1.cfg" > /dev/null 2>&1
}

# mark NAME: the console log's current line count (console_after's start).
mark() { wc -l < "$VMCTL_LOGDIR/console/$1.log" 2>/dev/null || echo 0; }

# console_after NAME MARK REGEX: wait (bounded) for a matching line after MARK.
console_after() {
	local i
	for i in $(seq 300); do
		tail -n +"$(( $2 + 1 ))" "$VMCTL_LOGDIR/console/$1.log" 2>/dev/null |
			grep -Eq -- "$3" && return 0
		sleep 0.05
	done
	return 1
}

# guest_cmd NAME CMD: type a shell command on the guest's console.
guest_cmd() { printf '%s\r' "$2" | xl console "$1" > /dev/null 2>&1; }

# state NAME: the state column of xl list ("r-----", "--p---", ...).
state() { xl list "$1" 2> /dev/null | awk 'NR==2 {print $5}'; }

# sector_byte FILE SECTOR: the first byte of a 512-byte sector, in hex.
sector_byte() { od -An -tx1 -j $(( $2 * 512 )) -N1 "$1" | tr -d ' '; }

command -v xenstore-exists > /dev/null || skip_all "xenstore-utils not installed"

# nothing_left: no domain but dom0 in xl, in xenstore and in xld's state.
nothing_left() {
	[ "$(xl list | awk 'NR > 1' | wc -l)" = 1 ] &&
		[ "$(xenstore-list /local/domain)" = 0 ] &&
		[ -z "$(ls "$VMCTL_STATEDIR/domains" 2>/dev/null)" ]
}
