#!/bin/bash
# xl migrate of an hvm domain over loopback (tests/lib/hosts2.sh): the
# counting guest of hvm_save.sh (tests/save/hvm_guest) with its IDE disk,
# in its "dirty" mode (it rewrites every page of a 4 MiB area pass after
# pass and checks on every tick that each page holds the pass it should),
# moves a -> b -> a -> b, live twice (pre-copy rounds on vmhv's dirty log
# while it runs: the guest dirties 1024 pages per pass, so a move makes
# more than one round unless the loaded host gave its vCPU no time during
# the first; one of the two must, or one of up to 4 extra live moves) and --non-live. After each move it runs on the target only, under the
# same UUID, counting on from where it was without booting again, its
# memory sum agreeing, no page stale, its console answering and its disk
# reading back.
. "$top_srcdir/tests/lib/hosts2.sh"
. "$top_srcdir/tests/migrate/lib.sh"
guest="$top_builddir/tests/save/hvm_guest"
[ -f "$guest" ] || skip_all "tests/save/hvm_guest not built"
[ -x "$top_builddir/devmodel/vmctl-devmodel" ] || skip_all "devmodel/vmctl-devmodel not built"
hosts2_start_lo a b || bail_out "cannot start two hosts"
cd "$VMCTL_TEST_DIR"

# last_count HOST: the guest's last "count N" on HOST.
last_count() {
	grep -Eo 'hvmsave: count [0-9]+' "$VMCTL_TEST_DIR/$1/log/console/h1.log" 2>/dev/null |
		tail -1 | awk '{print $3}'
}

dd if=/dev/zero of=h1.img bs=1M count=1 2> /dev/null
cat > h1.cfg <<CFG
type = "hvm"
name = "h1"
memory = 32
kernel = "$guest"
cmdline = "count dirty"
disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/h1.img' ]
CFG
on a "$XL_BIN" create h1.cfg > /dev/null 2>&1
ok "the guest counts and dirties on a" \
	wait_lines a h1 'hvmsave: count [0-9]+ ticks [0-9]+ sum ok dirty ok passes [0-9]+' 3
uuid=$(uuid_of a h1)
src=a dst=b
most=0
for how in --live --live --non-live; do
	what="$how $src -> $dst"
	c=$(last_count $src)
	boots=$(count_lines $dst h1 'hvmsave: boot'); boots=${boots:-0}
	bad=$(count_lines $dst h1 'BAD'); bad=${bad:-0}
	disk=$(count_lines $dst h1 'hvmsave: disk marker-5a17-written-before-save'); disk=${disk:-0}
	out=$(on $src "$XL_BIN" migrate "$how" h1 "$(hosts2_addr $dst)" 2>&1)
	like "$out" "^Migration successful" "$what: xl migrate: $out"
	rounds=$(printf '%s\n' "$out" | grep -Eo '[0-9]+ pre-copy rounds?' | awk '{print $1}')
	if [ "$how" = --live ]; then
		ok "$what: pre-copy rounds ran (${rounds:-none})" test "${rounds:-0}" -ge 1
		[ "${rounds:-0}" -gt $most ] && most=$rounds
		# the sandbox's two mappings of guest RAM and the device model's
		ok "$what: the device model's writes are logged too" \
			file_has "$VMCTL_TEST_DIR/$src/log/vmhv.log" 'dirty log on [3-9] mappings'
	else
		is "${rounds:-0}" 0 "$what: no pre-copy round"
	fi
	ok "$what: gone from $src" not_on $src h1
	ok "$what: runs on $dst" dom_on $dst h1
	is "$(uuid_of $dst h1)" "$uuid" "$what: same UUID"
	ok "$what: it counts on from where it was" \
		wait_lines $dst h1 "hvmsave: count $(( c + 2 )) ticks [0-9]+ sum ok dirty ok" 1
	is "$(count_lines $dst h1 'hvmsave: boot')" "$boots" "$what: without booting again"
	is "$(count_lines $dst h1 'BAD')" "$bad" "$what: its memory sum agrees, no page is stale"
	printf r | on $dst timeout 5 "$XL_BIN" console h1 > /dev/null 2>&1
	ok "$what: its disk reads back through its console" \
		wait_lines $dst h1 'hvmsave: disk marker-5a17-written-before-save' $(( disk + 1 ))
	tmp=$src; src=$dst; dst=$tmp
done
# What the check below proves: the dirty log feeds later rounds (pages the
# running guest rewrote during round 1 are sent again). A loaded host may
# give the guest no time during a whole first round (seen once at load
# 12), so while no move has shown it, up to 4 more live moves get their
# chance; a dirty log that never reports anything fails all of them.
extra=0
while [ "$most" -le 1 ] && [ $extra -lt 4 ]; do
	out=$(on $src "$XL_BIN" migrate --live h1 "$(hosts2_addr $dst)" 2>&1)
	rounds=$(printf '%s\n' "$out" | grep -Eo '[0-9]+ pre-copy rounds?' | awk '{print $1}')
	[ "${rounds:-0}" -gt $most ] && most=$rounds
	extra=$((extra + 1))
	tmp=$src; src=$dst; dst=$tmp
done
ok "a live move made more than one pre-copy round (most: $most, extra moves: $extra)" \
	test $most -gt 1
ok "after the extra moves it still counts on $src" dom_on $src h1
ok "xl destroy" on $src "$XL_BIN" destroy h1
hosts2_stop
ok "both hosts stop, leaving nothing behind" test $? = 0
done_testing
