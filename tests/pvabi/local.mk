# tests/pvabi/: guests written for Xen's PV ABI on the native engine (issue
# 12). The guests live in tests/guests/ (pvabi, pvabi_pt, pvabi_cpu,
# pvabi_user).
TESTS += tests/pvabi/pvabi_test.sh tests/pvabi/pvabi_save.sh
EXTRA_DIST += tests/pvabi/pvabi_test.sh tests/pvabi/pvabi_save.sh tests/pvabi/pvabi.expected \
	tests/pvabi/pvabi_pt.expected tests/pvabi/pvabi_cpu.expected \
	tests/pvabi/pvabi_user.expected
TESTS += tests/pvabi/pvabi_dirty_test
check_PROGRAMS += tests/pvabi/pvabi_dirty_test
tests_pvabi_pvabi_dirty_test_SOURCES = tests/pvabi/pvabi_dirty_test.c tests/hv/vmhv_proc.c \
	tests/hv/vmhv_proc.h
tests_pvabi_pvabi_dirty_test_LDADD = libvmctl/libvmctl.la
EXTRA_tests_pvabi_pvabi_dirty_test_DEPENDENCIES = tests/guests/pvabi_user
