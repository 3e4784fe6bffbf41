# hypervisor/cpu/: the software x86 CPU (issue: soft CPU milestone 1).
