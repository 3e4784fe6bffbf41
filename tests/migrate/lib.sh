# Shared by the migration tests (after tests/lib/hosts2.sh).
kernel="$top_builddir/guests/vmctl-kernel"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"

# count_lines HOST DOM REGEX: lines of DOM's console log on HOST matching.
count_lines() {
	grep -Ec -- "$3" "$VMCTL_TEST_DIR/$1/log/console/$2.log" 2>/dev/null || true
}

# wait_lines HOST DOM REGEX N: until at least N lines match (bounded).
wait_lines() {
	local i
	for i in $(seq 300); do
		[ "$(count_lines "$@")" -ge "$4" ] && return 0
		sleep 0.05
	done
	return 1
}

# The memdirty checks after every resume, and none failed.
no_mismatch() {	# no_mismatch HOST DOM
	! grep -q "MISMATCH" "$VMCTL_TEST_DIR/$1/log/console/$2.log" 2>/dev/null
}

# memdirty_cfg NAME MIB [extra config lines]: a 2-vCPU guest dirtying MIB
# MiB, with a 4 MiB disk NAME.img, in NAME.cfg (in the current directory).
memdirty_cfg() {
	local name=$1 mib=$2
	shift 2
	dd if=/dev/zero of="$name.img" bs=1M count=4 2> /dev/null
	{
		printf 'name = "%s"\nkernel = "%s"\nmemory = 32\nvcpus = 2\n' "$name" "$kernel"
		printf 'extra = "mode=test-memdirty dirty-mib=%s %s"\n' "$mib" "${EXTRA:-}"
		printf 'disk = [ "vdev=xvda, target=%s/%s.img" ]\n' "$PWD" "$name"
		for l in "$@"; do printf '%s\n' "$l"; done
	} > "$name.cfg"
}

# on HOST CMD...: CMD with HOST's environment (and network namespace).
on() { hosts2_in "$@"; }

# dom_on HOST DOM: DOM exists on HOST.
dom_on() { on "$1" "$XL_BIN" domid "$2" > /dev/null 2>&1; }

not_on() { ! dom_on "$@"; }

# uuid_of HOST DOM
uuid_of() {
	on "$1" "$XL_BIN" list -l "$2" 2>/dev/null | grep -o '"uuid": *"[0-9a-f-]*"' | head -1 |
		grep -o '[0-9a-f-]\{36\}'
}

# console HOST DOM TEXT: type a line at DOM's shell on HOST.
console() {
	printf '%s\r' "$3" | on "$1" timeout 5 "$XL_BIN" console "$2" > /dev/null 2>&1
}
