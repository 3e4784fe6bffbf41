# tests/hvm/hvmtests.mk: issue 13's remaining checks (HVMTESTS).

# SeaBIOS's 0x402 log on vmctl next to QEMU's i440FX with the same devices,
# line for line (skipped without Debian's qemu-system-x86).
TESTS += tests/hvm/seabios_qemu.sh
EXTRA_DIST += tests/hvm/seabios_qemu.sh
