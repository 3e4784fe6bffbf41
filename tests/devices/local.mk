# tests/devices/: the PV backends in xld (blkback, netback), hot plug, recovery.
DEVICE_TESTS = tests/devices/blk.sh tests/devices/net.sh tests/devices/hotplug.sh tests/devices/recover.sh
TESTS += $(DEVICE_TESTS)
EXTRA_DIST += $(DEVICE_TESTS) tests/devices/lib.sh tests/devices/net_peer.py

# The handshake state machine against a private store (no guest needed).
TESTS += tests/devices/dev_xs_test
check_PROGRAMS += tests/devices/dev_xs_test
tests_devices_dev_xs_test_SOURCES = tests/devices/dev_xs_test.c xld/dev/dev_xs.c xld/dev/dev_xs.h
tests_devices_dev_xs_test_LDADD = xld/xenstore/libxenstored.la common/libcommon.la
