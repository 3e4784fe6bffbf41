#!/bin/bash
# Save and restore throughput of a 256 MiB PV guest whose memory is mostly
# written (mode=test-memdirty over 200 MiB), next to dd doing the same
# amount of I/O on the same file system in the same run:
#  - xl save (suspend, every page, vCPU, config, fdatasync, destroy) in
#    guest MiB per second of wall time, vs dd writing 256 MiB with
#    conv=fdatasync;
#  - xl restore (read and check the file, create, load, resume) in guest
#    MiB per second, vs dd reading the same save file (both from the page
#    cache, as the restore just after the save reads it).
# Each figure is the best of 3 runs; a run's time includes xl's start.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
mem=256
host_start a > /dev/null || { echo "cannot start a host" >&2; exit 1; }
cd "$VMCTL_TEST_DIR"

ms() { date +%s%N; }
mibps() { awk -v m="$1" -v ns="$2" 'BEGIN { printf "%.0f", m / (ns / 1e9) }'; }
best() { sort -n | tail -1; }

cat > sb.cfg <<CFG
name = "sb"
kernel = "$kernel"
memory = $mem
extra = "mode=test-memdirty dirty-mib=200"
CFG
xl create sb.cfg > /dev/null 2>&1 || { echo "cannot create the guest" >&2; exit 1; }
file_has "$VMCTL_LOGDIR/console/sb.log" "memdirty: periodic round 2 " 400 ||
	{ echo "the guest does not run" >&2; exit 1; }
save=() restore=() ddw=() ddr=()
for i in 1 2 3; do
	t=$(ms); xl save sb sb.save || exit 1; save+=("$(mibps $mem $(( $(ms) - t )))")
	t=$(ms); xl restore sb.save > /dev/null || exit 1; restore+=("$(mibps $mem $(( $(ms) - t )))")
	t=$(ms); dd if=/dev/zero of=dd.out bs=1M count=$mem conv=fdatasync 2> /dev/null
	ddw+=("$(mibps $mem $(( $(ms) - t )))")
	t=$(ms); dd if=sb.save of=/dev/null bs=1M 2> /dev/null
	ddr+=("$(mibps $mem $(( $(ms) - t )))")
	rm -f dd.out
	file_has "$VMCTL_LOGDIR/console/sb.log" "memdirty: after-resume .*: ok" 400 ||
		{ echo "the restored guest lost memory" >&2; exit 1; }
done
echo "save file: $(stat -c %s sb.save) bytes for a $mem MiB guest" >&2
row() { printf 'row\t%s\t%s\tMiB/s\t%s\t%s\n' "$1" "$2" "$3" "$4"; }
row "xl save, 256 MiB guest (200 MiB written), incl. fdatasync" \
	"$(printf '%s\n' "${save[@]}" | best)" "dd write 256 MiB conv=fdatasync, same fs" \
	"$(printf '%s\n' "${ddw[@]}" | best)"
row "xl restore, 256 MiB guest, file in page cache" \
	"$(printf '%s\n' "${restore[@]}" | best)" "dd read of the same save file" \
	"$(printf '%s\n' "${ddr[@]}" | best)"
xl destroy sb
host_stop a > /dev/null
