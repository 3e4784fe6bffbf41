# tests/cfg/
