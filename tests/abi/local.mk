# tests/abi/
