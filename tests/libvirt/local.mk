# tests/libvirt/: xld's libvirt remote protocol server and the persistent
# definitions, with stock virsh and python3-libvirt (installed by the tests
# when missing; skipped where that is impossible) and a raw hostile client.
TESTS += tests/libvirt/xdr_test tests/libvirt/virsh.sh tests/libvirt/python.sh \
	tests/libvirt/errors.sh tests/libvirt/defs.sh
check_PROGRAMS += tests/libvirt/xdr_test
tests_libvirt_xdr_test_SOURCES = tests/libvirt/xdr_test.c xld/libvirt/xdr.c xld/libvirt/xdr.h
EXTRA_DIST += tests/libvirt/lib.sh tests/libvirt/virsh.sh tests/libvirt/python.sh \
	tests/libvirt/errors.sh tests/libvirt/defs.sh
