#!/bin/bash
# The ioreq round trip with both ends on one host CPU: bench/hvm_ioreq_bench
# (the test guest reads a port a device model claims, 20 000 times, next
# to a futex ping-pong between two processes) run under taskset -c 0, so
# the guest's vCPU thread, vmhv, the device model and both futex processes
# share CPU 0: every round trip is two context switches on one CPU, the
# case of a vCPU and its device model scheduled on the same CPU.
prog="$top_builddir/bench/hvm_ioreq_bench"
[ -x "$prog" ] || { echo "hvm_ioreq_pinned: build bench/hvm_ioreq_bench first" >&2; exit 0; }
command -v taskset > /dev/null || { echo "hvm_ioreq_pinned: no taskset" >&2; exit 0; }
taskset -c 0 "$prog" | sed -e '/^row/s/(ioreq round trip, unpinned)/(ioreq round trip, all on host CPU 0)/' \
	-e '/^row/s/futex ping-pong, 2 processes (unpinned)/futex ping-pong, 2 processes on CPU 0/'
