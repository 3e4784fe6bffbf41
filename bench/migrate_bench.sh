#!/bin/bash
# Live migration of a 256 MiB PV guest between two hosts on this machine
# (tests/lib/hosts2.sh, TCP on loopback): idle (mode=shell), dirtying
# memory at ~20 MB/s (issue 8's case: mode=test-memdirty dirty-rate=20
# rewriting a 4 MiB working set) and rewriting it as fast as it can (no
# dirty-rate); the measured rate of each is logged.
# Figures: downtime (suspend request .. the target runs it; median and best
# of 4: on a loaded machine the best shows the cost without waits for a
# CPU), total time, bytes sent / guest memory; each next to the same guest
# migrated with --non-live (suspend first, one copy) in the same run.
# Medians of 4 moves (a -> b -> a ...). Then the same for an hvm guest
# (tests/save/hvm_guest on the soft CPU, with its device model and IDE
# disk: counting on its PIT, and rewriting 1024 pages pass after pass,
# its "dirty" mode) when that test program is built.
. "$top_srcdir/tests/lib/hosts2.sh"
kernel="$top_builddir/guests/vmctl-kernel"
mem=256
hosts2_start_lo a b > /dev/null || { echo "cannot start two hosts" >&2; exit 1; }
cd "$VMCTL_TEST_DIR"

on() { hosts2_in "$@"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# moves NAME OPTION: 4 migrations of NAME, "downtime total ratio" per line.
moves() {
	local src=a dst=b i out
	for i in 1 2 3 4; do
		out=$(on $src "$XL_BIN" migrate $2 "$1" "$(hosts2_addr $dst)" 2>&1) ||
			{ echo "$out" >&2; return 1; }
		echo "$out" >&2
		echo "$out" | sed -n 's/.*downtime \([0-9.]*\) ms, total time \([0-9.]*\) s, .*(\([0-9.]*\) x memory).*/\1 \2 \3/p'
		tmp=$src; src=$dst; dst=$tmp
	done
}

row() { printf 'row\t%s\t%s\t%s\t%s\t%s\n' "$@"; }

# bench NAME WHAT MODE: rows for one pv guest (WHAT names it in the rows).
bench() {
	printf 'name = "%s"\nkernel = "%s"\nmemory = %s\nextra = "mode=%s"\n' \
		"$1" "$kernel" $mem "$3" > "$1.cfg"
	bench_cfg "$1" "$2"
}

# bench_hvm NAME WHAT CMDLINE: the same for the hvm test guest.
bench_hvm() {
	dd if=/dev/zero of="$1.img" bs=1M count=1 2> /dev/null
	printf 'type = "hvm"\nname = "%s"\nkernel = "%s"\nmemory = %s\ncmdline = "%s"\n' \
		"$1" "$hvm_guest" $mem "$3" > "$1.cfg"
	printf "disk = [ 'format=raw, vdev=hda, access=rw, target=%s' ]\n" "$PWD/$1.img" >> "$1.cfg"
	bench_cfg "$1" "$2"
}

# bench_cfg NAME WHAT: rows for the guest NAME.cfg describes.
bench_cfg() {
	local name=$1 what=$2 live nonlive
	on a "$XL_BIN" create "$name.cfg" > /dev/null 2>&1 || { echo "cannot create $name" >&2; return 1; }
	sleep 3
	grep "memdirty: periodic" "$VMCTL_TEST_DIR/a/log/console/$name.log" 2>/dev/null | tail -2 |
		awk '{ d[NR] = $8 } END { if (NR == 2) printf "%s: dirtying %.0f MB/s\n", "'"$name"'", (d[2] - d[1]) * 4096 / 1e6 }' >&2
	live=$(moves "$name" --live) && nonlive=$(moves "$name" --non-live) || return 1
	# Where the downtime went (xld logs each phase; docs/migration.md).
	cat "$VMCTL_TEST_DIR"/[ab]/log/xld.log | grep -E "$name (downtime|from)|suspend:|restored from" |
		sed 's/^[^ ]* //' >&2
	: > "$VMCTL_TEST_DIR/a/log/xld.log"; : > "$VMCTL_TEST_DIR/b/log/xld.log"
	row "live migration downtime, $mem MiB guest $what" "$(echo "$live" | awk '{print $1}' | median)" ms \
		"--non-live migration downtime" "$(echo "$nonlive" | awk '{print $1}' | median)"
	row "live migration downtime best of 4, $mem MiB guest $what" "$(echo "$live" | awk '{print $1}' | sort -n | head -1)" ms \
		"--non-live downtime best of 4" "$(echo "$nonlive" | awk '{print $1}' | sort -n | head -1)"
	row "live migration total time, $mem MiB guest $what" "$(echo "$live" | awk '{print $2}' | median)" s \
		"--non-live migration total time" "$(echo "$nonlive" | awk '{print $2}' | median)"
	row "live migration bytes sent / guest memory, $what" "$(echo "$live" | awk '{print $3}' | median)" x \
		"--non-live bytes sent / guest memory" "$(echo "$nonlive" | awk '{print $3}' | median)"
	on a "$XL_BIN" destroy "$name" 2>/dev/null
}

bench mi "idle" "shell"
bench mr "dirtying 20 MB/s" "test-memdirty dirty-mib=4 dirty-rate=20"
bench md "dirtying a 4 MiB working set flat out" "test-memdirty dirty-mib=4"
hvm_guest="$top_builddir/tests/save/hvm_guest"
if [ -f "$hvm_guest" ] && [ -x "$top_builddir/devmodel/vmctl-devmodel" ]; then
	bench_hvm hc "hvm, counting" "count"
	bench_hvm hd "hvm, rewriting 4 MiB flat out" "count dirty"
else
	echo "no hvm rows: tests/save/hvm_guest or the device model is not built" >&2
fi
hosts2_stop > /dev/null
