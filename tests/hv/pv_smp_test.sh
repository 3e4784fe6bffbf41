#!/bin/sh
# Secondary vCPUs: VCPUOP_initialise/up start threads in the sandbox, IPIs
# wake them, VCPUOP_down parks them and up resumes them (tests/guests/smp).
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
. "$top_srcdir/tests/hv/golden.sh"
golden_run smp pv_smp.expected --vcpus 4
