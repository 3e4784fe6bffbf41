# tests/devices/: the PV backends in xld (blkback, netback), hot plug, recovery.
DEVICE_TESTS = tests/devices/blk.sh tests/devices/net.sh tests/devices/hotplug.sh tests/devices/recover.sh
TESTS += $(DEVICE_TESTS)
EXTRA_DIST += $(DEVICE_TESTS) tests/devices/lib.sh tests/devices/net_peer.py
