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

run_guest() {	# run_guest NAME [CFG LINE [MORE EXPECTED LINES]]: create it, wait, compare
	# (with the lines of $expected_file instead of tests/pvabi/NAME.expected)
	local name=$1 id out i
	printf 'name = "%s"\nkernel = "%s"\nmemory = 32\non_poweroff = "destroy"\n%s\n' \
		"$name" "$top_builddir/tests/guests/$name" "${2:-}" > "$name.cfg"
	id=$(xl create "$name.cfg" 2>&1 | sed -n 's/.*(id=\([0-9]*\)).*/\1/p')
	ok "xl create $name" test -n "$id"
	for i in $(seq "${tries:-200}"); do
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
	done < <(cat "${expected_file:-$top_srcdir/tests/pvabi/$name.expected}"
		 [ -z "${3:-}" ] || printf '%s\n' "$3")
	for i in $(seq 100); do [ -z "$(xl domid "$name" 2>/dev/null)" ] && break; sleep 0.05; done
	ok "$name powered off and is gone" test -z "$(xl domid "$name" 2>/dev/null)"
}

run_guest pvabi
printf 'PVABI-RAMDISK' > rd.img
run_guest pvabi_pt "ramdisk = \"$VMCTL_TEST_DIR/rd.img\""
# Debug registers are perf breakpoints, opened by the sandbox as the guest
# uid: allowed up to perf_event_paranoid 2 (Debian's kernels default to 3:
# then they stay recorded only, and no #DB comes).
if [ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 3)" -le 2 ]; then
	dbg=$'debugreg_write_is_db: 1\ndebugreg_dr6_names_dr0: 1\ndebugreg_disarmed_quiet: 1\n'
else
	diag "perf_event_paranoid > 2: debug registers are not armed here"
	dbg=$'debugreg_write_is_db: 0\n'
fi
# The guest's GS: its own where the sandbox finds its vCPUs by PKRU (OSPKE).
user_gs=
if grep -qw ospke /proc/cpuinfo; then
	user_gs=$'\nuser_gs_is_user_base: 1\nkernel_gs_in_callbacks: 1'
	run_guest pvabi_cpu "" "${dbg}set_segment_base_gs: 0
gs_kernel_live: 1
gs_load_through_base: 1
gs_kept_across_hypercall: 1
rdmsr_gs_base: 1
wrmsr_gs_base: 1
set_segment_base_gs_noncanonical: -22
set_segment_base_gs_user: 0
set_segment_base_gs_user_sel: 0
set_segment_base_gs_user_sel_bad: -22
gs_kernel_unchanged_by_user: 1"
else
	run_guest pvabi_cpu "" "${dbg}set_segment_base_gs: -38"
fi
# pvabi_user's user program, by default in a process of its own (the
# user process, docs/pv-engine.md "User mode"), acts as a hostile program:
# it opens every memory protection key with WRPKRU, then reads its kernel,
# the sandbox's physmap and writes the sandbox's own data (its seccomp
# filter buffer, used only at boot): each is a #PF for its kernel, never
# the data. The opt-in ways that run user mode in the sandbox stop stray
# accesses only, so they run it without the WRPKRU: memory protection keys
# (VMCTL_PV_USER=keys; PKU, Linux 6.12+), where the write is a #PF too,
# and mprotect (VMCTL_PV_USER=mprotect), where it is a plain write.
sbw=$(nm "$top_builddir/hypervisor/engines/pv/vmhv-pv" | awk '$3 == "filter" { print $1 }')
ok "the sandbox's data has an address" test -n "$sbw"
faulted=$'user_faults: 3\nuser_write_sandbox_faulted: 1\nuser_write_sandbox_err: 6\nuser_write_sandbox_cr2: 1'
run_guest pvabi_user "extra = \"sbw=0x$sbw hostile\"" "$faulted$user_gs"
# Two vCPUs in user mode at once, each back to its own kernel; a page the
# kernel unmaps on one is gone at once for the other's running user code.
expected_file=/dev/null run_guest pvabi_user $'extra = "smp"\nvcpus = 2' "smp_setup: 0
smp_user_calls_vcpu0: 1
smp_user_calls_vcpu1: 1
smp_user_back_on_own_vcpu: 1
smp_unmap_reaches_running_user: 1"
# Hostile user programs that must neither hang nor crash their kernel:
# spinning without system calls, with %rsp 0 or non-canonical, faulting
# instructions, and scribbling over the user process's own memory (its
# writable segment and runner stacks, from its ELF headers): garbage
# (the process dies) or its runner's exit pointer aimed at its own stacks
# (the runner never answers). Each
# is a fault for the kernel (a #GP for a user process that broke) and
# the kernel goes on with the next.
upath=$top_builddir/hypervisor/engines/pv/vmhv-pv-user
read -r wva wsz < <(readelf -lW "$upath" | awk '$1 == "LOAD" && $7 ~ /W/ { print $3, $6 }')
read -r sva ssz < <(nm -S "$upath" | awk '$4 == "stacks" { print "0x" $1, "0x" $2 }')
ux=$(nm "$upath" | awk '$3 == "exits" { print "0x" $1 }')
uw= us=
[ -n "$wva" ] && [ -n "$sva" ] && uw=$(printf '0x%x-0x%x' $((wva)) $((wva + wsz))) &&
	us=$(printf '0x%x-0x%x' $((sva)) $((sva + ssz)))
ok "the user process's writable part, stacks and exit pointer have addresses" \
	test -n "$uw" -a -n "$us" -a -n "$ux"
tries=1200 expected_file=/dev/null run_guest pvabi_user "extra = \"harm uw=$uw us=$us ux=$ux\"" "harm_setup: 0
harm_params: 1
harm_spin_faults: 0
harm_rsp0_faults: 0
harm_rspnc_faults: 0
harm_ud2_faults: 1
harm_ud2_vec: 6
harm_ud2_from_user: 1
harm_int3_faults: 1
harm_int3_vec: 3
harm_int3_from_user: 1
harm_hlt_faults: 1
harm_hlt_vec: 13
harm_hlt_err: 0
harm_ljmp_faults: 1
harm_ljmp_vec: 13
harm_ljmp_from_user: 1
harm_hang_faults: 1
harm_hang_vec: 13
harm_hang_err: 0
harm_hang_from_user: 1
harm_crash_faults: 1
harm_crash_vec: 13
harm_crash_err: 0
harm_crash_from_user: 1
harm_kernel_went_on: 1"
host_stop a
kver=$(uname -r)
if grep -qw pku /proc/cpuinfo && grep -qw ospke /proc/cpuinfo &&
   { [ "${kver%%.*}" -gt 6 ] || { [ "${kver%%.*}" -eq 6 ] && [ "$(cut -d. -f2 <<< "$kver")" -ge 12 ]; }; }; then
	VMCTL_PV_USER=keys host_start b || bail_out "cannot start host b"
	run_guest pvabi_user "extra = \"sbw=0x$sbw\"" "$faulted$user_gs"
	host_stop b
else
	diag "no memory protection keys here: no run with VMCTL_PV_USER=keys"
fi
VMCTL_PV_USER=mprotect host_start c || bail_out "cannot start host c"
run_guest pvabi_user "extra = \"sbw=0x$sbw\"" "user_faults: 2
user_write_sandbox_faulted: 0
user_write_sandbox_err: -1${user_gs}"
done_testing
