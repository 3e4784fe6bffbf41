#!/bin/sh
# The events guest checks events, upcalls and iret, timers, block and poll,
# pvclock, trap handlers, memory_op, grant setup and update_va_mapping from
# inside; every line it prints must match tests/hv/pv_events.expected
# (what Xen answers, modulo the deviations in docs/pv-engine.md).
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
out=$("$top_builddir/tests/hv/pvrun" --vcpus 2 --timeout 30 "$top_builddir/tests/guests/events")
st=$?
n=1
if [ $st = 0 ]; then echo "ok 1 - the events guest powers off"; else echo "not ok 1 - exit $st"; fi
while IFS= read -r want; do
	n=$((n + 1))
	if printf '%s\n' "$out" | grep -qxF -- "$want"; then
		echo "ok $n - $want"
	else
		got=$(printf '%s\n' "$out" | grep -F -- "${want%%:*}:" | head -1)
		echo "not ok $n - $want (got: ${got:-nothing})"
	fi
done < "$top_srcdir/tests/hv/pv_events.expected"
echo "1..$n"
