# xl/: the xl-compatible command line.
