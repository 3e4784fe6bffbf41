#!/bin/bash
# Every vCPU's state moves with the domain (docs/migration-stream.md): a
# 2-vCPU guest whose vCPU 1 is blocked (idle), then counting in a loop
# (`cpus spin`), goes through xl save + xl restore on host a and a live
# migration to host b. vCPU 1 parks in its own VCPUOP_down for the
# suspend and comes back in the new domain where it was: it never starts
# afresh ("smp: vCPU 1 up" alone), its count goes on from where it was,
# and the token and stack address that only its loop's frame holds are
# the same.
. "$top_srcdir/tests/lib/hosts2.sh"
. "$top_srcdir/tests/migrate/lib.sh"
hosts2_start_lo a b || bail_out "cannot start two hosts"
cd "$VMCTL_TEST_DIR"

# spin_state HOST: "count token sp" from a fresh `cpus` on m1's console.
spin_state() {
	local n
	n=$(count_lines "$1" m1 "spin: vcpu 1 count")
	console "$1" m1 cpus
	wait_lines "$1" m1 "spin: vcpu 1 count" $((n + 1)) || return 1
	grep -E "spin: vcpu 1 count" "$VMCTL_TEST_DIR/$1/log/console/m1.log" | tail -1 |
		awk '{print $5, $7, $9}'
}

# came_back HOST FRESH-BEFORE: vCPU 1 came back from its down ("up again")
# and never started afresh (the count of bare "up" lines is unchanged).
came_back() {
	wait_lines "$1" m1 "smp: vCPU 1 up again" 1 &&
		[ "$(count_lines "$1" m1 "smp: vCPU 1 up[[:space:]]*$")" = "$2" ]
}

# went_on BEFORE AFTER WHERE: the count (1st field) grew, the token and
# the stack address (2nd, 3rd) are the same.
went_on() {
	set -- $1 $2 "$3"
	ok "the count went on $7 ($1 -> $4)" test "$4" -gt "$1"
	is "$5 $6" "$2 $3" "the loop's own frame came back $7: same token, same stack"
}

memdirty_cfg m1 1
on a "$XL_BIN" create m1.cfg > /dev/null 2>&1
ok "the guest runs on a" wait_lines a m1 "memdirty: periodic round .*: ok" 1
is "$(count_lines a m1 "smp: vCPU 1 up[[:space:]]*$")" 1 "vCPU 1 started once"

# Blocked: vCPU 1 idles in SCHEDOP_block when the save comes.
ok "xl save (vCPU 1 idle)" on a "$XL_BIN" save m1 m1.save
is "$(python3 "$top_srcdir/tests/migrate/stream_vcpus.py" m1.save)" "0 1" \
	"the save file carries both vCPUs' registers"
ok "xl restore" on a "$XL_BIN" restore m1.save
ok "the guest resumes in a new domain" wait_lines a m1 "resumed \\(new domain\\)" 1
ok "vCPU 1 resumed in its down call, not started afresh" came_back a 1
n=$(count_lines a m1 "per-CPU work: 1 of 1 secondaries answered correctly")
console a m1 "cpus"
ok "vCPU 1 answers IPIs in the new domain" \
	wait_lines a m1 "per-CPU work: 1 of 1 secondaries answered correctly" $((n + 1))

# Running: vCPU 1 counts in a loop when the save comes.
console a m1 "cpus spin"
s0=$(spin_state a)
ok "vCPU 1 counts: $s0" test -n "$s0"
s1=$(spin_state a)
ok "... and goes on counting: $s1" test "${s1%% *}" -gt "${s0%% *}"
ups=$(count_lines a m1 "smp: vCPU 1 up again")
ok "xl save (vCPU 1 counting)" on a "$XL_BIN" save m1 m1.save
ok "xl restore" on a "$XL_BIN" restore m1.save
ok "vCPU 1 came back from its down again" wait_lines a m1 "smp: vCPU 1 up again" $((ups + 1))
ok "... not started afresh" came_back a 1
s2=$(spin_state a)
went_on "$s1" "$s2" "after the restore"

# A live migration to b, vCPU 1 still counting.
out=$(on a "$XL_BIN" migrate --live m1 "$(hosts2_addr b)" 2>&1)
like "$out" "^Migration successful" "xl migrate --live a -> b"
ok "m1 runs on b" dom_on b m1
ok "on b vCPU 1 came back from its down" wait_lines b m1 "smp: vCPU 1 up again" 1
ok "... not started afresh" came_back b 0
s3=$(spin_state b)
went_on "$s2" "$s3" "on b"
console b m1 "cpus spin off"
ok "no page was lost on the way" no_mismatch b m1

on b "$XL_BIN" destroy m1
hosts2_stop
is "$?" 0 "both hosts stop cleanly, nothing left behind"
done_testing
