# Shared by the device tests: a private host, the kernel, waits and checks.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
command -v xenstore-read > /dev/null || skip_all "xenstore-utils not installed"

xld_pid() { cat "$VMCTL_TEST_DIR/$1/xld.pid"; }
# The fewest fds xld holds over half a second: files it has open for a
# moment (the store's save 10 ms after a change, a client whose close it
# has not read yet: slow under the sanitizers) come and go, a leak stays.
xld_fds() {
	local n min=
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.05
		n=$(ls "/proc/$(xld_pid "$1")/fd" | wc -l)
		[ -z "$min" ] || [ "$n" -lt "$min" ] && min=$n
	done
	echo "$min"
}
xld_threads() { ls "/proc/$(xld_pid "$1")/task" | wc -l; }
vmhv_pid() { cat "$VMCTL_TEST_DIR/$1/vmhv.pid"; }
# The pv sandbox (vmhv-pv) of host NAME's only running domain.
sandbox_pid() { pgrep -x -P "$(vmhv_pid "$1")" vmhv-pv | head -1; }
# The eventfds a process holds, by their kernel id (fdinfo), sorted.
eventfd_ids() {	# eventfd_ids PID
	for f in /proc/$1/fdinfo/*; do
		sed -n 's/^eventfd-id:[[:space:]]*//p' "$f" 2>/dev/null
	done | sort -u
}
# The eventfds the sandbox holds that vmhv does not (vmhv keeps the
# eventfd of every bound dom0 port; the sandbox may keep only those).
sandbox_stale_eventfds() {	# sandbox_stale_eventfds HOST
	comm -23 <(eventfd_ids "$(sandbox_pid "$1")") <(eventfd_ids "$(vmhv_pid "$1")")
}

# The crc32 of N bytes at sector S of an image.
img_crc() {	# img_crc FILE SECTOR BYTES
	python3 -c 'import sys, zlib
f, s, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = open(f, "rb").read()[s * 512 : s * 512 + n]
print("%08x" % zlib.crc32(d))' "$@"
}

# Nothing of domain ID's devices is left in xenstore.
no_device_nodes() {	# no_device_nodes ID
	! xenstore-exists "/local/domain/$1" 2>/dev/null &&
	! xenstore-exists "/local/domain/0/backend/vbd/$1" 2>/dev/null &&
	! xenstore-exists "/local/domain/0/backend/vif/$1" 2>/dev/null &&
	! xenstore-exists "/libxl/$1" 2>/dev/null
}

# Never touch the host's own network: only a namespace of our own.
in_private_netns() { [ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ]; }
