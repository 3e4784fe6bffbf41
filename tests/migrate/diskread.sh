#!/bin/bash
# Backend writes survive live migration: a guest reads its disk without
# pause into 2 MiB of page-aligned buffers that only blkback writes (through
# persistent grants: each buffer page stays mapped by xld for the whole
# connection), and live migration moves it a -> b -> a. After each move
# every buffer must still hold the chunk it last received (diskread's
# after-resume report). The dirty log has to report the frames xld's
# backends wrote through their grant mappings, which the guest never wrote
# itself (docs/migration-stream.md, "What the dirty log covers").
. "$top_srcdir/tests/lib/hosts2.sh"
. "$top_srcdir/tests/migrate/lib.sh"
hosts2_start_lo a b || bail_out "cannot start two hosts"
cd "$VMCTL_TEST_DIR"

dd if=/dev/zero of=dr.img bs=1M count=8 2> /dev/null
cat > dr.cfg <<CFG
name = "dr"
kernel = "$kernel"
memory = 32
extra = "mode=test-diskread"
disk = [ "vdev=xvda, target=$PWD/dr.img" ]
CFG
on a "$XL_BIN" create dr.cfg > /dev/null 2>&1
ok "the guest reads its disk on a" wait_lines a dr "diskread: periodic reads [1-9][0-9]* bad 0" 1

src=a dst=b
for i in 1 2; do
	what="live move $i ($src -> $dst)"
	# Enough reads since the last move that every buffer changed since
	# the copy began: 512 buffers, so two more reports.
	n=$(count_lines $src dr "diskread: periodic")
	ok "$what: reads go on first" wait_lines $src dr "diskread: periodic" $((n + 2))
	resumed=$(count_lines $dst dr "diskread: after-resume")
	out=$(on $src "$XL_BIN" migrate --live dr "$(hosts2_addr $dst)" 2>&1)
	like "$out" "^Migration successful" "$what: xl migrate succeeds"
	ok "$what: dr runs on $dst" dom_on $dst dr
	ok "$what: the guest resumed" wait_lines $dst dr "diskread: after-resume" $((resumed + 1))
	like "$(grep "diskread: after-resume" "$VMCTL_TEST_DIR/$dst/log/console/dr.log" | tail -1)" \
		"checked [1-9][0-9]* bad 0: ok" \
		"$what: every buffer holds what blkback last read into it"
	ok "$what: no read ever mismatched" no_mismatch $dst dr
	n=$(count_lines $dst dr "diskread: periodic")
	ok "$what: and it reads on" wait_lines $dst dr "diskread: periodic" $((n + 1))
	tmp=$src; src=$dst; dst=$tmp
done
on $src "$XL_BIN" destroy dr
hosts2_stop
is "$?" 0 "both hosts stop cleanly, nothing left behind"
done_testing
