# tests/kernel/: the PV kernel's own tests (its test modes under pvrun and xl)
# and the test-only dom0 backends they used before xld had its own.
TESTS += tests/kernel/kernel_test.sh tests/kernel/xl_test.sh tests/kernel/blk_test.sh \
	tests/kernel/net_test.sh tests/kernel/fb_test.sh tests/kernel/hotplug_test.sh \
	tests/kernel/suspend_test.sh
EXTRA_DIST += tests/kernel/kernel_test.sh tests/kernel/xl_test.sh tests/kernel/blk_test.sh \
	tests/kernel/net_test.sh tests/kernel/fb_test.sh tests/kernel/hotplug_test.sh \
	tests/kernel/suspend_test.sh

# Test-only backends (dom0's side over privcmd and xenstore) that let the
# frontends be tested before xld has backends of its own.
check_PROGRAMS += tests/kernel/testback/blkback
tests_kernel_testback_blkback_SOURCES = tests/kernel/testback/blkback.c \
	tests/kernel/testback/xs.c tests/kernel/testback/xs.h
tests_kernel_testback_blkback_LDADD = libvmctl/libvmctl.la common/libcommon.la
check_PROGRAMS += tests/kernel/testback/netback
tests_kernel_testback_netback_SOURCES = tests/kernel/testback/netback.c \
	tests/kernel/testback/xs.c tests/kernel/testback/xs.h
tests_kernel_testback_netback_LDADD = libvmctl/libvmctl.la common/libcommon.la
check_PROGRAMS += tests/kernel/testback/fbback
tests_kernel_testback_fbback_SOURCES = tests/kernel/testback/fbback.c \
	tests/kernel/testback/xs.c tests/kernel/testback/xs.h
tests_kernel_testback_fbback_LDADD = libvmctl/libvmctl.la common/libcommon.la
check_PROGRAMS += tests/kernel/testback/resume
tests_kernel_testback_resume_SOURCES = tests/kernel/testback/resume.c
tests_kernel_testback_resume_LDADD = libvmctl/libvmctl.la common/libcommon.la

