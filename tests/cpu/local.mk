# tests/cpu/
