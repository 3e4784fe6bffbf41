#!/bin/sh
# make bench: the PV kernel's bench mode under the pv engine (pvrun), each
# figure next to the host's own reference measured in the same run.
top_builddir=${top_builddir:-.}
pvrun=$top_builddir/tests/hv/pvrun
kernel=$top_builddir/guests/vmctl-kernel
native=$top_builddir/guests/bench-native

out=$("$pvrun" --timeout 120 --cmdline "mode=bench xenbus=0" "$kernel") || {
	echo "bench_kernel: the guest failed" >&2
	exit 1
}
ref=$("$native") || exit 1
echo "$out"
echo "$ref"
guest() { printf '%s\n' "$out" | awk -F '\t' -v f="$1" '$1 == "bench" && $2 == f { print $3 }'; }
host() { printf '%s\n' "$ref" | awk -v f="$1" '$1 == f { print $2 }'; }
[ -n "$(guest cpu-loop)" ] || {
	echo "bench_kernel: the guest timed nothing (no pvclock?)" >&2
	exit 1
}
printf 'row\tpv guest: CPU loop (LCG)\t%s\tMiter/s\tsame loop, native\t%s\n' \
	"$(guest cpu-loop)" "$(host cpu-loop)"
printf 'row\tpv guest: null hypercall (xen_version)\t%s\tns\thost getppid syscall\t%s\n' \
	"$(guest null-hypercall)" "$(host syscall)"
