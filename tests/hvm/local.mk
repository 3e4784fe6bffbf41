# tests/hvm/: the hvm engine (issue 13): the soft CPU's platform hooks,
# the platform devices, guest programs booted with xl create.
TESTS += tests/hvm/cpu_hooks_test
check_PROGRAMS += tests/hvm/cpu_hooks_test
tests_hvm_cpu_hooks_test_SOURCES = tests/hvm/cpu_hooks_test.c
tests_hvm_cpu_hooks_test_LDADD = hypervisor/cpu/libsoftcpu.la
