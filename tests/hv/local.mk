# tests/hv/
