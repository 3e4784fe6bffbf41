# tests/devices/: the PV backends in xld (blkback, netback), hot plug, recovery.
DEVICE_TESTS = tests/devices/blk.sh
TESTS += $(DEVICE_TESTS)
EXTRA_DIST += $(DEVICE_TESTS) tests/devices/lib.sh
