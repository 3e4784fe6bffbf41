# tests/hvm/nic.mk: the emulated NICs (nic.sh): a guest that drives an e1000 or rtl8139 and
# talks to a network namespace on the tap's bridge.
check_PROGRAMS += tests/hvm/guest/nicguest
tests_hvm_guest_nicguest_SOURCES = tests/hvm/guest/start.S tests/hvm/guest/hg.c \
	tests/hvm/guest/hg.h tests/hvm/guest/nic.c
tests_hvm_guest_nicguest_CFLAGS = $(GUEST_CFLAGS) $(HG_FLAGS)
tests_hvm_guest_nicguest_CCASFLAGS = $(HG_FLAGS)
tests_hvm_guest_nicguest_LDFLAGS = $(tests_hvm_guest_hvmguest_LDFLAGS)
TESTS += tests/hvm/nic.sh tests/hvm/nic_linux.sh
EXTRA_DIST += tests/hvm/nic.sh tests/hvm/nic_ping.py tests/hvm/nic_net.sh \
	tests/hvm/nic_linux.sh tests/hvm/nic_tcp_sink.py

# The NICs' registers, rings and hostile descriptors in process
# (tests/devmodel/dmtest.h; a socket pair stands in for the tap).
TESTS += tests/devmodel/nic_test
check_PROGRAMS += tests/devmodel/nic_test
tests_devmodel_nic_test_LDADD = $(DEVMODEL_TEST_LIBS)
