# tests/xl/: the xl command line, end to end.
TESTS += tests/xl/basic.sh tests/xl/create.sh
EXTRA_DIST += tests/xl/basic.sh tests/xl/create.sh
# xl vcpu-list / domain.vcpu_list with a 2-vCPU guest.
TESTS += tests/xl/vcpu.sh
EXTRA_DIST += tests/xl/vcpu.sh
