#!/bin/sh
# The vmctl PV kernel booted under the pv engine (tests/hv/pvrun): the banner,
# and each test mode's own verdict ("TEST <name>: PASS").  A mode whose
# hypercalls the engine does not offer yet (-ENOSYS, printed as "(-38)") is
# skipped with the kernel's own message as the reason.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
pvrun=$top_builddir/tests/hv/pvrun
kernel=$top_builddir/guests/vmctl-kernel

[ -x "$pvrun" ] || skip_all "no pvrun"
[ -f "$kernel" ] || skip_all "no kernel"

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}

boot() {	# boot MODE [pvrun options]: output in $out, status in $st
	mode=$1
	shift
	out=$("$pvrun" --timeout 20 "$@" --cmdline "mode=$mode $cmdline" "$kernel" 2>&1)
	st=$?
}

# pvrun serves the console ring but not xenstore: most modes boot without.
cmdline="xenbus=0"
boot test-boot --mem 32
is "$st" 0 "test-boot powers off (exit 0)"
like "$out" "vmctl PV kernel [0-9]" "banner names the kernel"
like "$out" "memory: 32 MiB \\(8192 pages, [0-9]+ free\\), vcpus: 1" \
	"banner shows memory and vCPUs"
like "$out" "command line: mode=test-boot xenbus=0" "banner shows the command line"
like "$out" "TEST boot: PASS" "test-boot passes"

boot test-lib
like "$out" "TEST lib: PASS" "library self-tests pass in the guest"

# The shell, driven by run= (the console's input needs a terminal).
cmdline="xenbus=0 run=help;info;mem;time;sleep,20;blk;xs,read,name;bogus;poweroff"
boot shell --timeout 10
cmdline="xenbus=0"
is "$st" 0 "run=...;poweroff powers off from the shell"
like "$out" "poweroff +power the domain off" "help lists the commands"
like "$out" "modes \\(mode= on the command line\\): shell, bench" "help lists the modes"
like "$out" "vcpus: 1 online of 1" "info shows the vCPUs"
like "$out" "grant table: 4 frames, 0 refs in use" "info shows the grant table"
like "$out" "total: 16384 KiB \\(4096 pages\\)" "mem shows the memory"
like "$out" "wall clock: [0-9]+\\.[0-9]{9} s since the epoch" "time shows the wall clock"
like "$out" "slept ([2-9][0-9]{4}|[0-9]{6,}) us" "sleep 20 sleeps at least 20 ms"
like "$out" "no block devices" "blk lists no devices"
like "$out" "unknown command 'bogus'" "an unknown command is reported"

boot no-such-mode --timeout 2
like "$out" "unknown mode 'no-such-mode'" "an unknown mode is reported"

boot test-fault
is "$st" 13 "a fault crashes the domain (exit 13)"
if printf '%s' "$out" | grep -q "set_trap_table failed (-38)"; then
	skip "fault report: the engine has no set_trap_table yet"
else
	like "$out" "vCPU 0: page fault .* at rip" "the kernel reports the fault"
fi

# The save/restore workload on its own: pages rewritten, checksums hold.
boot test-memdirty --mem 32 --timeout 3
is "$st" 124 "test-memdirty runs until stopped"
rounds=$(printf '%s\n' "$out" | grep -c "memdirty: periodic round .*: ok (0 bad)")
[ "$rounds" -ge 2 ]; _tap_result $? "test-memdirty verifies its pages every second ($rounds rounds)"
printf '%s' "$out" | grep -q MISMATCH; [ $? -ne 0 ]; _tap_result $? "test-memdirty never mismatches"

# Modes that need events, timers, xenstore or more vCPUs: each is skipped
# only when the kernel says the engine (pvrun) lacks what it needs.
check_mode() {	# mode, regex of the messages that justify a skip
	boot "$1" --vcpus 2
	reason=$(printf '%s\n' "$out" | grep -E -m1 -- "$2")
	if printf '%s' "$out" | grep -q "TEST ${1#test-}: PASS"; then
		_tap_result 0 "$1 passes"
	elif [ -n "$reason" ]; then
		skip "$1: $reason"
	else
		_tap_result 1 "$1 passes"
		printf '%s\n' "$out" | tail -5 | sed 's/^/#   /'
	fi
}
enosys='events: cannot register the upcall \(-38\)'
check_mode test-time "$enosys|time: no timer event channel \(-38\)|system time is 0"
check_mode test-events "$enosys|bind_ipi failed \(-38\)"
check_mode test-gnttab "gnttab: not available \\(-38\\)"
cmdline="xenbus-wait=1"
check_mode test-xenbus "xenstore does not answer|TEST xenbus: FAIL no xenstore"
cmdline="xenbus=0"
check_mode test-smp "smp: cannot count vCPUs \(-38\)|did not come up \(-38\)"
done_testing
