#!/bin/bash
# A Xen-ABI guest with state only the pv sandbox holds survives xl save /
# xl restore and live migration (issue 12): pvabi_user in "save" mode has
# its own user page tables (pinned, NEW_USER_BASEPTR), a trap table, a
# syscall and an event callback and a kernel stack (stack_switch), and its
# user program counts for ever, faulting and calling the kernel as it
# goes. It is saved and restored on host a, migrated live over loopback to
# b, and back to a stopped. After each resume the guest reports that its
# count and its faults went on and what the first fault and system call
# from user mode looked like: the same frames as before (a #PF with the
# user bit, cr2 its kernel's variable, CS = FLAT_USER_CS).
. "$top_srcdir/tests/lib/hosts2.sh"
. "$top_srcdir/tests/migrate/lib.sh"
hosts2_start_lo a b || bail_out "cannot start two hosts"
cd "$VMCTL_TEST_DIR"

frames="returned 0 count_went_on 1 faults_went_on 1 fault_err 4 fault_cr2_ok 1 fault_cs 57395 syscall_cs 57395"
dm_has() {	# dm_has HOST REGEX: the line is in HOST's xl dmesg (bounded wait)
	local i
	for i in $(seq 300); do
		on "$1" "$XL_BIN" dmesg 2>/dev/null | grep -qE -- "$2" && return 0
		sleep 0.05
	done
	diag "not in $1's xl dmesg: $2; its guest lines:"
	on "$1" "$XL_BIN" dmesg 2>&1 | grep -E "pvabi_save|crash|fault" | tail -5 | sed "s/^/#   /"
	return 1
}

printf 'name = "ps"\nkernel = "%s"\nmemory = 32\non_poweroff = "destroy"\nextra = "save"\n' \
	"$top_builddir/tests/guests/pvabi_user" > ps.cfg
ok "xl create" on a "$XL_BIN" create ps.cfg
ok "the guest counts in user mode" dm_has a "pvabi_save: counting in user mode"

ok "xl save" on a "$XL_BIN" save ps "$PWD/ps.save"
ok "the saved domain is gone" not_on a ps
ok "xl restore" on a "$XL_BIN" restore "$PWD/ps.save"
ok "restored: user mode, traps and callbacks work as before" \
	dm_has a "pvabi_save: resume 1 $frames"

out=$(on a "$XL_BIN" migrate --live ps "$(hosts2_addr b)" 2>&1)
like "$out" "^Migration successful" "live migration a -> b"
ok "... the guest is gone from a" not_on a ps
ok "... and runs on b as before" dm_has b "pvabi_save: resume 2 $frames"

out=$(on b "$XL_BIN" migrate --non-live ps "$(hosts2_addr a)" 2>&1)
like "$out" "^Migration successful" "migration b -> a, stopped first"
ok "... and runs on a as before" dm_has a "pvabi_save: resume 3 $frames"
ok "no domain crashed" eval '! on a "$XL_BIN" dmesg | grep -q "unhandled guest fault\|crash"'

on a "$XL_BIN" destroy ps
hosts2_stop
done_testing
