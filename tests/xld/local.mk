# tests/xld/: xld's JSON-RPC API, consoles, monitor and recovery, end to end.
TESTS += tests/xld/api_errors.sh tests/xld/api_examples.sh tests/xld/store.sh tests/xld/monitor.sh tests/xld/recovery.sh
EXTRA_DIST += tests/xld/store.sh tests/xld/monitor.sh tests/xld/recovery.sh tests/xld/api_errors.sh tests/xld/api_examples.sh tests/xld/api_errors.py
check_PROGRAMS += tests/xld/hv_shutdown
tests_xld_hv_shutdown_SOURCES = tests/xld/hv_shutdown.c
tests_xld_hv_shutdown_LDADD = libvmctl/libvmctl.la
