# tests/xl/: the xl command line, end to end.
TESTS += tests/xl/basic.sh tests/xl/create.sh
EXTRA_DIST += tests/xl/basic.sh tests/xl/create.sh
