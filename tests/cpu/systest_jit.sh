#!/bin/sh
# tests/cpu/systest with every 64-bit block translated to host code at its
# first run (VMCTL_CPU_JIT=1): the same checks of long mode, ring 3,
# exceptions in the middle of blocks and self-modifying code, through the
# block translator (hypervisor/cpu/jit.c).
VMCTL_CPU_JIT=1 exec ./tests/cpu/systest
