#!/bin/bash
# The PV ABI guests (issue 12) through `xl create` on a private host:
# pvabi (linked at virtual address 0: the builder's boot contract and the
# page-table hypercalls with good and bad arguments) and pvabi_pt (builds
# its own 4-level tree, switches to it, faults on purpose) and pvabi_cpu
# (traps, emulated instructions, descriptor hypercalls) and pvabi_user
# (a user mode whose reads of kernel memory fault). Every
# "name: value" line of tests/pvabi/NAME.expected must appear in the
# guest's output (xl dmesg, "(dN) " lines) as Xen would answer it.
. "$top_srcdir/tests/lib/host.sh"
command -v timeout > /dev/null || skip_all "timeout(1) missing"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

run_guest() {	# run_guest NAME [CFG LINE]: create it, wait for its last line, compare
	local name=$1 id out i
	printf 'name = "%s"\nkernel = "%s"\nmemory = 32\non_poweroff = "destroy"\n%s\n' \
		"$name" "$top_builddir/tests/guests/$name" "${2:-}" > "$name.cfg"
	id=$(xl create "$name.cfg" 2>&1 | sed -n 's/.*(id=\([0-9]*\)).*/\1/p')
	ok "xl create $name" test -n "$id"
	for i in $(seq 200); do
		xl dmesg | grep -qF "(d$id) $name done" && break
		sleep 0.05
	done
	out=$(xl dmesg | sed -n "s/^(d$id) //p")
	ok "$name runs to its end" grep -qxF "$name done" <<< "$out"
	while IFS= read -r want; do
		if grep -qxF -- "$want" <<< "$out"; then
			_tap_result 0 "$name: $want"
		else
			_tap_result 1 "$name: $want (got: $(grep -F -- "${want%%:*}:" <<< "$out" | head -1))"
		fi
	done < "$top_srcdir/tests/pvabi/$name.expected"
	for i in $(seq 100); do [ -z "$(xl domid "$name" 2>/dev/null)" ] && break; sleep 0.05; done
	ok "$name powered off and is gone" test -z "$(xl domid "$name" 2>/dev/null)"
}

run_guest pvabi
printf 'PVABI-RAMDISK' > rd.img
run_guest pvabi_pt "ramdisk = \"$VMCTL_TEST_DIR/rd.img\""
run_guest pvabi_cpu
run_guest pvabi_user
done_testing
