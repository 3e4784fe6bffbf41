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
