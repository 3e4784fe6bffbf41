# tests/save/: save/restore (issue 8): the stream format, xl save/restore end to end.
TESTS += tests/save/stream_test tests/save/save_restore.sh tests/save/errors.sh
check_PROGRAMS += tests/save/stream_test
tests_save_stream_test_SOURCES = tests/save/stream_test.c
tests_save_stream_test_LDADD = libvmctl/libvmctl.la
EXTRA_DIST += tests/save/lib.sh tests/save/save_restore.sh tests/save/errors.sh
