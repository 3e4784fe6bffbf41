# tests/lib/: helpers for integration tests (host.sh) and harness self-tests.
TESTS += tests/lib/evloop_test
check_PROGRAMS += tests/lib/evloop_test
tests_lib_evloop_test_SOURCES = tests/lib/evloop_test.c
tests_lib_evloop_test_LDADD = common/libcommon.la
# Only files: a directory in EXTRA_DIST would also ship the build tree's copy.
EXTRA_DIST += tests/lib/host.sh tests/lib/tap.sh
