# tests/hv/: vmhv and the pv engine.
TESTS += tests/hv/privcmd_msg_test tests/hv/vmhv_test
check_PROGRAMS += tests/hv/privcmd_msg_test tests/hv/vmhv_test
tests_hv_privcmd_msg_test_SOURCES = tests/hv/privcmd_msg_test.c
tests_hv_privcmd_msg_test_LDADD = hypervisor/libvmhv.la
tests_hv_vmhv_test_SOURCES = tests/hv/vmhv_test.c tests/hv/vmhv_proc.c tests/hv/vmhv_proc.h
tests_hv_vmhv_test_LDADD = libvmctl/libvmctl.la
