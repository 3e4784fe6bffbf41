#!/bin/bash
# Target out of memory (issue 8's safety list): host b's xld runs with an
# address-space limit (ulimit -v) far smaller than the guest, so it cannot
# map the domain it receives. The migration fails with a message that says
# so, the domain keeps running on a (not suspended at all in a live move,
# resumed with every page intact after --non-live), and b keeps nothing:
# no domain in xld or vmhv, no state file, no journal. Then b's xld without
# the limit takes the same domain (the limit was the only cause).
. "$top_srcdir/tests/lib/hosts2.sh"
. "$top_srcdir/tests/migrate/lib.sh"
# The sanitizers reserve terabytes of address space for their shadow.
grep -q '^SAN_CFLAGS = .*-fsanitize' "$top_builddir/Makefile" 2>/dev/null &&
	skip_all "sanitizer build: an address-space limit leaves xld no room for its shadow memory"
hosts2_start_lo a b > /dev/null || bail_out "cannot start two hosts"
cd "$VMCTL_TEST_DIR"
B=$VMCTL_TEST_DIR/b
mem=128

# b's xld again, allowed 48 MiB more address space than it uses now.
vsz=$(awk '/^VmSize:/ { print $2 }' "/proc/$(cat "$B/xld.pid")/status")
limit=$(( vsz + 48 * 1024 ))
hosts2_xld_kill b
(ulimit -v "$limit" && hosts2_xld_start b)
ok "b's xld runs with ulimit -v $limit KiB (it used $vsz KiB)" test -S "$B/run/xld.sock"

# Nothing of a migration is left on host b.
b_clean() {
	[ "$(on b "$XL_BIN" list 2>/dev/null | wc -l)" = 2 ] &&
	[ -z "$(ls "$B/state/domains" 2>/dev/null)" ] &&
	[ -z "$(ls "$B/state/migrate-in" 2>/dev/null)" ] &&
	[ "$(grep -c ': created' "$B/log/vmhv.log")" = "$(grep -c ': destroyed' "$B/log/vmhv.log")" ]
}

# The guest still runs on a: a new periodic report, every page intact.
runs_on_a() {
	dom_on a o1 && wait_lines a o1 "memdirty: periodic" $(( $(count_lines a o1 "memdirty: periodic") + 1 )) &&
		no_mismatch a o1
}

{
	printf 'name = "o1"\nkernel = "%s"\nmemory = %s\nvcpus = 2\n' "$kernel" $mem
	printf 'extra = "mode=test-memdirty dirty-mib=8"\n'
} > o1.cfg
on a "$XL_BIN" create o1.cfg > /dev/null 2>&1
ok "the guest runs on a" wait_lines a o1 "memdirty: periodic round .*: ok" 1

# 1. Live: b fails to map the domain as the stream begins.
out=$(on a "$XL_BIN" migrate o1 "$(hosts2_addr b)" 2>&1)
is "$?" 1 "live: xl migrate fails"
like "$out" "target host: .*(memory|Cannot allocate)" "live: ... saying the target has no memory for it"
diag "$out"
ok "live: the domain runs on a, every page intact" runs_on_a
is "$(count_lines a o1 "suspending")" 0 "live: it was never suspended"
ok "live: nothing is left on b" b_clean

# 2. --non-live: suspended first, then the target fails.
out=$(on a "$XL_BIN" migrate --non-live o1 "$(hosts2_addr b)" 2>&1)
is "$?" 1 "--non-live: xl migrate fails"
like "$out" "target host: .*(memory|Cannot allocate)" "--non-live: ... saying the target has no memory for it"
ok "--non-live: the guest is told its suspend was cancelled" \
	wait_lines a o1 "resumed \\(suspend cancelled\\)" 1
ok "--non-live: it runs on a, every page intact" runs_on_a
ok "--non-live: nothing is left on b" b_clean

# 3. Without the limit the same move works.
hosts2_xld_kill b
hosts2_xld_start b
out=$(on a "$XL_BIN" migrate o1 "$(hosts2_addr b)" 2>&1)
is "$?" 0 "without the limit, the migration succeeds"
ok "the domain runs on b" wait_lines b o1 "memdirty: after-resume .*: ok" 1
ok "... and is gone from a" not_on a o1
on b "$XL_BIN" destroy o1 > /dev/null 2>&1

ok "both hosts stop cleanly" hosts2_stop
done_testing
