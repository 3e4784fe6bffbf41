# tests/cpu/: the soft CPU's tests (decoder vs Capstone, differential test
# against the host CPU, system-level guest programs, SeaBIOS).
if HAVE_CAPSTONE
TESTS += tests/cpu/decode_test
check_PROGRAMS += tests/cpu/decode_test
tests_cpu_decode_test_SOURCES = tests/cpu/decode_test.c
tests_cpu_decode_test_CFLAGS = $(AM_CFLAGS) $(CAPSTONE_CFLAGS)
tests_cpu_decode_test_LDADD = hypervisor/cpu/libsoftcpu.la $(CAPSTONE_LIBS)
endif
