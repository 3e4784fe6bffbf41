# hypervisor/: vmhv, the hypervisor core (issue: vmhv and the native PV engine).
include hypervisor/cpu/local.mk
