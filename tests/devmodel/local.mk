# tests/devmodel/: the device model's buses and devices, driven through
# io_handle() as vmhv's ioreqs drive them (guest RAM is a memfd).
DEVMODEL_TESTS = tests/devmodel/bus_test tests/devmodel/chipset_test tests/devmodel/uart_test tests/devmodel/fw_cfg_test \
	tests/devmodel/ioserv_test tests/devmodel/ide_test tests/devmodel/i8042_test tests/devmodel/vga_test tests/devmodel/hammer_test \
	tests/devmodel/acpi_test
TESTS += $(DEVMODEL_TESTS)
check_PROGRAMS += $(DEVMODEL_TESTS)
noinst_LTLIBRARIES += tests/devmodel/libdmtest.la
tests_devmodel_libdmtest_la_SOURCES = tests/devmodel/dmtest.c tests/devmodel/dmtest.h
DEVMODEL_TEST_LIBS = tests/devmodel/libdmtest.la devmodel/libdevmodel.la libvmctl/libvmctl.la \
	common/libcommon.la
tests_devmodel_bus_test_LDADD = $(DEVMODEL_TEST_LIBS)
tests_devmodel_chipset_test_LDADD = $(DEVMODEL_TEST_LIBS)
tests_devmodel_uart_test_LDADD = $(DEVMODEL_TEST_LIBS)
tests_devmodel_fw_cfg_test_LDADD = $(DEVMODEL_TEST_LIBS)
tests_devmodel_ioserv_test_LDADD = $(DEVMODEL_TEST_LIBS)
tests_devmodel_ide_test_LDADD = $(DEVMODEL_TEST_LIBS)
tests_devmodel_i8042_test_LDADD = $(DEVMODEL_TEST_LIBS)
tests_devmodel_vga_test_LDADD = $(DEVMODEL_TEST_LIBS)
tests_devmodel_hammer_test_LDADD = $(DEVMODEL_TEST_LIBS)
tests_devmodel_acpi_test_LDADD = $(DEVMODEL_TEST_LIBS)

# dmboot: an hvm domain with vmctl-devmodel, as xld will run them; boot.sh
# boots SeaBIOS with it and a disk the test makes.
check_PROGRAMS += tests/devmodel/dmboot tests/devmodel/dmpeek
tests_devmodel_dmpeek_SOURCES = tests/devmodel/dmpeek.c
tests_devmodel_dmboot_SOURCES = tests/devmodel/dmboot.c
tests_devmodel_dmboot_LDADD = libvmctl/libvmctl.la common/libcommon.la
TESTS += tests/devmodel/boot.sh
EXTRA_DIST += tests/devmodel/boot.sh
