# tests/hvm: LOCKed instructions between two soft CPUs sharing RAM (issue 13).
TESTS += tests/hvm/lock_test
check_PROGRAMS += tests/hvm/lock_test
tests_hvm_lock_test_SOURCES = tests/hvm/lock_test.c
tests_hvm_lock_test_LDADD = hypervisor/cpu/libsoftcpu.la -lpthread
