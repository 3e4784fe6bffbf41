# tests/migrate/: live migration between two hosts on one machine
# (tests/lib/hosts2.sh; docs/migration.md).
TESTS += tests/migrate/lo_test.sh tests/migrate/net_test.sh tests/migrate/fault_test.sh
EXTRA_DIST += tests/migrate/lo_test.sh tests/migrate/net_test.sh tests/migrate/fault_test.sh \
	tests/migrate/lib.sh tests/migrate/flip_proxy.py \
	tests/migrate/pinger.py tests/lib/hosts2.sh
