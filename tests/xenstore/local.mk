# tests/xenstore/
