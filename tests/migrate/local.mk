# tests/migrate/: live migration between two hosts on one machine
# (tests/lib/hosts2.sh; docs/migration.md).
TESTS += tests/migrate/msg_test tests/migrate/lo_test.sh tests/migrate/net_test.sh tests/migrate/fault_test.sh \
	tests/migrate/oom_test.sh tests/migrate/vcpu_state.sh tests/migrate/diskread.sh \
	tests/migrate/dirty_scan_test
EXTRA_DIST += tests/migrate/diskread.sh tests/migrate/lo_test.sh tests/migrate/net_test.sh tests/migrate/fault_test.sh \
	tests/migrate/oom_test.sh tests/migrate/vcpu_state.sh tests/migrate/stream_vcpus.py \
	tests/migrate/lib.sh tests/migrate/flip_proxy.py \
	tests/migrate/pinger.py tests/lib/hosts2.sh
check_PROGRAMS += tests/migrate/msg_test
tests_migrate_msg_test_SOURCES = tests/migrate/msg_test.c xld/migrate_msg.c xld/migrate_msg.h
tests_migrate_msg_test_LDADD = libvmctl/libvmctl.la common/libcommon.la
check_PROGRAMS += tests/migrate/dirty_scan_test
tests_migrate_dirty_scan_test_SOURCES = tests/migrate/dirty_scan_test.c \
	hypervisor/engines/pv/pv_dirty.c hypervisor/engines/pv/pv_dirty.h
tests_migrate_dirty_scan_test_LDADD = common/libcommon.la
