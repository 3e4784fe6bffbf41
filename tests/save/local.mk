# tests/save/: save/restore (issue 8): the stream format, xl save/restore end to end.
TESTS += tests/save/stream_test
check_PROGRAMS += tests/save/stream_test
tests_save_stream_test_SOURCES = tests/save/stream_test.c
tests_save_stream_test_LDADD = libvmctl/libvmctl.la
