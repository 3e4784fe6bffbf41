#!/bin/bash
# VMCTL_CPU_JIT in vmhv's environment reaches the HVM sandbox (whose
# environment is otherwise empty): with "off" the soft CPU maps no
# translation buffer (the "vmctl-jit" memfd), by default it does. The
# guest is SeaBIOS without a boot device: it keeps the sandbox running.
. "$top_srcdir/tests/lib/host.sh"
[ -f /usr/share/seabios/bios.bin ] || skip_all "no /usr/share/seabios/bios.bin"
cd "$VMCTL_TEST_DIR"
cat > fw.cfg <<CFG
type = "hvm"
name = "hvm-jit"
memory = 16
CFG

# sandbox_maps HOST: the memory map of the host's (only) HVM sandbox
sandbox_maps() {
	local sb i
	for i in $(seq 100); do
		sb=$(pgrep -P "$(cat "$VMCTL_TEST_DIR/$1/vmhv.pid")" -x vmhv-hvm | head -n 1)
		[ -n "$sb" ] && { cat "/proc/$sb/maps"; return; }
		sleep 0.1
	done
}

for setting in off default; do
	host=h$setting
	if [ "$setting" = off ]; then
		VMCTL_CPU_JIT=off host_start "$host" || bail_out "cannot start a host"
	else
		unset VMCTL_CPU_JIT
		host_start "$host" || bail_out "cannot start a host"
	fi
	host_use "$host"
	xl create fw.cfg >/dev/null 2>&1
	is "$?" 0 "xl create with VMCTL_CPU_JIT $setting in vmhv's environment"
	maps=$(sandbox_maps "$host")
	like "$maps" 'vmhv-hvm' "the domain's sandbox runs"
	if [ "$setting" = off ]; then
		printf '%s' "$maps" | grep -q 'vmctl-jit'
		is "$?" 1 "its soft CPU has no translation buffer"
	else
		like "$maps" 'vmctl-jit' "its soft CPU maps its translation buffer"
	fi
	xl destroy hvm-jit
	host_stop "$host"
done
done_testing
