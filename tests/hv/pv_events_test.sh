#!/bin/sh
# The events guest checks events, upcalls and iret, timers, block and poll,
# pvclock, trap handlers, memory_op, grants, multicall and update_va_mapping
# from inside; every line it prints must match tests/hv/pv_events.expected
# (what Xen answers, modulo the deviations in docs/pv-engine.md).
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
. "$top_srcdir/tests/hv/golden.sh"
golden_run events pv_events.expected --vcpus 2
