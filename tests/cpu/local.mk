# tests/cpu/: the soft CPU's tests (decoder vs Capstone, differential test
# against the host CPU, system-level guest programs, SeaBIOS).
if HAVE_CAPSTONE
TESTS += tests/cpu/decode_test
check_PROGRAMS += tests/cpu/decode_test
tests_cpu_decode_test_SOURCES = tests/cpu/decode_test.c
tests_cpu_decode_test_CFLAGS = $(AM_CFLAGS) $(CAPSTONE_CFLAGS)
tests_cpu_decode_test_LDADD = hypervisor/cpu/libsoftcpu.la $(CAPSTONE_LIBS)
endif

# The differential test against the host CPU (>= 1 million instructions).
TESTS += tests/cpu/difftest
check_PROGRAMS += tests/cpu/difftest
tests_cpu_difftest_SOURCES = tests/cpu/difftest.c tests/cpu/dt_gen.c tests/cpu/dt_native.c \
	tests/cpu/dt.h
tests_cpu_difftest_LDADD = hypervisor/cpu/libsoftcpu.la $(SECCOMP_LIBS)
tests_cpu_difftest_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
EXTRA_DIST += tests/cpu/dt_regress.def

# The long run: 100 million instructions (minutes; not part of make check).
check-cpu-long: tests/cpu/difftest
	DT_INSNS=100000000 ./tests/cpu/difftest
.PHONY: check-cpu-long

# System-level guest programs: assembled here into flat binaries loaded at
# 0x8000, run by tests/cpu/systest on the soft CPU.
TESTS += tests/cpu/systest
check_PROGRAMS += tests/cpu/systest
tests_cpu_systest_SOURCES = tests/cpu/systest.c
tests_cpu_systest_LDADD = hypervisor/cpu/libsoftcpu.la
check_SCRIPTS += tests/cpu/guest/modes.bin
CLEANFILES += tests/cpu/guest/modes.bin tests/cpu/guest/modes.elf
EXTRA_DIST += tests/cpu/guest/modes.S
tests/cpu/guest/modes.bin: $(top_srcdir)/tests/cpu/guest/modes.S
	@mkdir -p tests/cpu/guest
	$(AM_V_GEN)$(CC) -nostdlib -static -no-pie -Wl,-N -Wl,--build-id=none \
	  -Wl,-Ttext=0x8000 -o tests/cpu/guest/modes.elf $(top_srcdir)/tests/cpu/guest/modes.S && \
	  objcopy -O binary tests/cpu/guest/modes.elf $@

# Real firmware: SeaBIOS from Debian's seabios package (skipped if absent).
TESTS += tests/cpu/seabios_test
check_PROGRAMS += tests/cpu/seabios_test
tests_cpu_seabios_test_SOURCES = tests/cpu/seabios_test.c
tests_cpu_seabios_test_LDADD = hypervisor/cpu/libsoftcpu.la

# The exit interface: I/O and MMIO exits with completion, REP INSB, HLT,
# the budget, and a kick from another thread.
TESTS += tests/cpu/exit_test
check_PROGRAMS += tests/cpu/exit_test
tests_cpu_exit_test_SOURCES = tests/cpu/exit_test.c
tests_cpu_exit_test_LDADD = hypervisor/cpu/libsoftcpu.la -lpthread

# The block translator (hypervisor/cpu/jit.c) against the interpreter:
# random sequences, a hot self-modifying loop; and systest translated;
# VMCTL_CPU_JIT reaching a real HVM domain's sandbox.
TESTS += tests/cpu/jit_test tests/cpu/systest_jit.sh tests/cpu/jit_env.sh
check_PROGRAMS += tests/cpu/jit_test
tests_cpu_jit_test_SOURCES = tests/cpu/jit_test.c tests/cpu/dt_gen.c tests/cpu/dt.h tests/cpu/flat64.h
tests_cpu_jit_test_LDADD = hypervisor/cpu/libsoftcpu.la
EXTRA_DIST += tests/cpu/systest_jit.sh tests/cpu/jit_env.sh

# Logged RAM (hypervisor/cpu/mem_log.c, the VGA framebuffer's): the page
# bits against stores, live write entries, moves; a concurrent reader.
TESTS += tests/cpu/mem_log_test
check_PROGRAMS += tests/cpu/mem_log_test
tests_cpu_mem_log_test_SOURCES = tests/cpu/mem_log_test.c
tests_cpu_mem_log_test_LDADD = hypervisor/cpu/libsoftcpu.la -lpthread

# The software TLB's flushes (only the slots marked used) against a model.
TESTS += tests/cpu/tlb_test
check_PROGRAMS += tests/cpu/tlb_test
tests_cpu_tlb_test_SOURCES = tests/cpu/tlb_test.c
tests_cpu_tlb_test_LDADD = hypervisor/cpu/libsoftcpu.la

# The run loop's jump cache: never a block the linear address no longer
# means (a CR3 switch, rewritten code, a block header evicted).
TESTS += tests/cpu/jcache_test
check_PROGRAMS += tests/cpu/jcache_test
tests_cpu_jcache_test_SOURCES = tests/cpu/jcache_test.c tests/cpu/flat32.h
tests_cpu_jcache_test_LDADD = hypervisor/cpu/libsoftcpu.la
TESTS += tests/cpu/jcache_test_jit
check_PROGRAMS += tests/cpu/jcache_test_jit
tests_cpu_jcache_test_jit_SOURCES = tests/cpu/jcache_test_jit.c tests/cpu/flat64.h
tests_cpu_jcache_test_jit_LDADD = hypervisor/cpu/libsoftcpu.la

# CPUID leaf 7 and IA32_ARCH_CAPABILITIES: no speculation side channel
# applies; IA32_SPEC_CTRL is stored.
TESTS += tests/cpu/archcap_test
check_PROGRAMS += tests/cpu/archcap_test
tests_cpu_archcap_test_SOURCES = tests/cpu/archcap_test.c
tests_cpu_archcap_test_LDADD = hypervisor/cpu/libsoftcpu.la

# Page walks (hypervisor/cpu/mmu.c): translations the TLB holds are not
# walked again (a page-crossing instruction's second page), INVLPG still
# reaches them, a read entry never answers a write (D bits).
TESTS += tests/cpu/mmu_test
check_PROGRAMS += tests/cpu/mmu_test
tests_cpu_mmu_test_SOURCES = tests/cpu/mmu_test.c tests/cpu/flat32.h
tests_cpu_mmu_test_LDADD = hypervisor/cpu/libsoftcpu.la
