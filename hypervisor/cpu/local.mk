# hypervisor/cpu/: the software x86 CPU (issue 9: soft CPU milestone 1).
# A libtool convenience library that vmhv's hvm engine links; tests link it too.
noinst_LTLIBRARIES += hypervisor/cpu/libsoftcpu.la
hypervisor_cpu_libsoftcpu_la_CFLAGS = $(AM_CFLAGS) -O2
hypervisor_cpu_libsoftcpu_la_SOURCES = \
	hypervisor/cpu/cpu.h hypervisor/cpu/cpu_int.h hypervisor/cpu/cpu.c \
	hypervisor/cpu/run.c \
	hypervisor/cpu/decode.h hypervisor/cpu/decode.c \
	hypervisor/cpu/optab.h hypervisor/cpu/optab.c \
	hypervisor/cpu/flags.h hypervisor/cpu/flags.c \
	hypervisor/cpu/tlb.h hypervisor/cpu/tlb.c \
	hypervisor/cpu/icache.h hypervisor/cpu/icache.c \
	hypervisor/cpu/jit.h hypervisor/cpu/jit.c \
	hypervisor/cpu/jit_stats.h hypervisor/cpu/jit_stats.c \
	hypervisor/cpu/mmu.h hypervisor/cpu/mmu.c \
	hypervisor/cpu/stats.h hypervisor/cpu/stats.c \
	hypervisor/cpu/mem.c hypervisor/cpu/mem_log.c \
	hypervisor/cpu/seg.c hypervisor/cpu/excp.c hypervisor/cpu/io.c \
	hypervisor/cpu/cpuid.h hypervisor/cpu/cpuid.c \
	hypervisor/cpu/msr.h hypervisor/cpu/msr.c \
	hypervisor/cpu/ops_alu.c hypervisor/cpu/ops_bcd.c hypervisor/cpu/ops_mov.c \
	hypervisor/cpu/ops_shift.c hypervisor/cpu/ops_muldiv.c hypervisor/cpu/ops_bit.c \
	hypervisor/cpu/ops_atomic.c hypervisor/cpu/ops_lock.c hypervisor/cpu/ops_string.c hypervisor/cpu/ops_stack.c \
	hypervisor/cpu/ops_branch.c hypervisor/cpu/ops_system.c hypervisor/cpu/ops_desc.c \
	hypervisor/cpu/ops_syscall.c hypervisor/cpu/ops_fpu.c hypervisor/cpu/ops_fast.c \
	hypervisor/cpu/sse.h hypervisor/cpu/ops_sse_mov.c hypervisor/cpu/ops_sse_int.c \
	hypervisor/cpu/ops_sse_fp.c
EXTRA_DIST += hypervisor/cpu/optab.def hypervisor/cpu/msr.def hypervisor/cpu/jit_stats.def
hypervisor_cpu_libsoftcpu_la_SOURCES += hypervisor/cpu/cpu_state.h hypervisor/cpu/cpu_state.c
