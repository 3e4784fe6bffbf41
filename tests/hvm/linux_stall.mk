# tests/hvm/linux_stall.mk (STALL): #13's Linux boot "stall". What the
# Debian-kernel boot tests (tests/hvm/linux_*.sh) report when a boot does
# not finish in its time box, and the serial line following a restarted
# device model (the console log went quiet for good before).
EXTRA_DIST += tests/hvm/linux_vcpus.py
TESTS += tests/hvm/serial_restart.sh
EXTRA_DIST += tests/hvm/serial_restart.sh tests/hvm/serecho_lib.sh
