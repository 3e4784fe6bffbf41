# tests/migrate/: live migration between two hosts on one machine
# (tests/lib/hosts2.sh; docs/migration.md).
TESTS += tests/migrate/lo_test.sh
EXTRA_DIST += tests/migrate/lo_test.sh tests/migrate/lib.sh tests/lib/hosts2.sh
