# Shared by the libvirt tests: the real clients (installed when missing and
# possible, else the test is skipped with the reason), a private host, and
# PV guest configs.
. "$top_srcdir/tests/lib/host.sh"

# lv_need CMD-OR-MODULE PACKAGE: make sure a client exists, or skip.
lv_install() {
	[ "$(id -u)" = 0 ] && command -v apt-get > /dev/null || return 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" > /dev/null 2>&1
}
lv_need_virsh() {
	command -v virsh > /dev/null || lv_install libvirt-clients ||
		skip_all "virsh not installed and cannot be installed (apt-get install libvirt-clients)"
	command -v virsh > /dev/null || skip_all "virsh not installed (apt-get install libvirt-clients)"
}
# LV_PYTHON: a python3 that has the libvirt module (Debian's package goes
# to the system python, which may not be the first python3 on PATH).
lv_find_python() {
	local p
	for p in python3 /usr/bin/python3; do
		if command -v "$p" > /dev/null && "$p" -c 'import libvirt' 2> /dev/null; then
			LV_PYTHON=$p
			return 0
		fi
	done
	return 1
}
lv_need_python() {
	lv_find_python || { lv_install python3-libvirt && lv_find_python; } ||
		skip_all "python3-libvirt not installed and cannot be installed (apt-get install python3-libvirt)"
}

KERNEL="$top_builddir/guests/vmctl-kernel"
[ -f "$KERNEL" ] || skip_all "guests/vmctl-kernel not built"

lv_uri() { echo "xen+unix:///system?socket=$VMCTL_RUNDIR/libvirt-sock"; }
vsh() { virsh -q -c "$(lv_uri)" "$@"; }

# lv_cfg NAME: an xl.cfg for vmctl's PV kernel with its shell (it answers
# control/shutdown) in the current directory.
lv_cfg() {
	printf 'name = "%s"\nkernel = "%s"\nmemory = 32\nextra = "mode=shell"\non_poweroff = "destroy"\n' \
		"$1" "$KERNEL" > "$1.cfg"
}

# lv_booted NAME [N]: the guest's shell is up for the Nth time (default 1)
# in its console log (it watches control/ from then on).
lv_booted() {
	local i
	for i in $(seq 200); do
		[ "$(grep -c "type 'help'" "$VMCTL_LOGDIR/console/$1.log" 2> /dev/null)" -ge "${2:-1}" ] && return 0
		sleep 0.05
	done
	return 1
}

# lv_wait_state NAME STATE: until `virsh domstate` says it (10 s at most).
lv_wait_state() {
	local i
	for i in $(seq 200); do
		[ "$(vsh domstate "$1" 2> /dev/null)" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
