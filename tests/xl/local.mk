# tests/xl/: the xl command line, end to end.
