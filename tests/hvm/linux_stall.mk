# tests/hvm/linux_stall.mk (STALL): what the Debian-kernel boot tests
# (tests/hvm/linux_*.sh) report when a boot does not finish in its time box.
EXTRA_DIST += tests/hvm/linux_vcpus.py
