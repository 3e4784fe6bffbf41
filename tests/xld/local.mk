# tests/xld/: xld's JSON-RPC API, consoles, monitor and recovery, end to end.
TESTS += tests/xld/api_errors.sh tests/xld/api_examples.sh tests/xld/store.sh tests/xld/monitor.sh tests/xld/recovery.sh
EXTRA_DIST += tests/xld/store.sh tests/xld/monitor.sh tests/xld/recovery.sh tests/xld/api_errors.sh tests/xld/api_examples.sh tests/xld/api_errors.py
