# bench/cpu.mk: soft CPU speed (MIPS next to native, and QEMU TCG when the
# script can run it). Kernels are built without sanitizers or vectorization.
EXTRA_PROGRAMS += bench/cpu_mips
BENCHMARKS += bench/cpu_mips
bench_cpu_mips_SOURCES = bench/cpu_mips.c bench/cpu_kernels.c bench/cpu_kernels.h \
	bench/cpu_qemu_stub.S
bench_cpu_mips_CFLAGS = -std=gnu11 $(WARN_CFLAGS) -O2 -fno-tree-vectorize -fno-builtin \
	-fno-stack-protector
bench_cpu_mips_LDADD = hypervisor/cpu/libsoftcpu.la
CLEANFILES += bench/cpu_mips
bench_cpu_mips_CCASFLAGS = $(AM_CCASFLAGS)
# (No GCC-only flags: the benchmark builds with clang too.)
# QEMU TCG on the same kernels (installs qemu-system-x86 when root and missing).
BENCHMARKS += bench/cpu_qemu.sh
EXTRA_DIST += bench/cpu_qemu.sh
