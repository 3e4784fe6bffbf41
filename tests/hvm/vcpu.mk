# tests/hvm: CPU hotplug of hvm domains (xl vcpu-set; docs/hvm.md "CPU
# hotplug"): the device model's registers and DSDT, and Debian's kernel
# taking a vCPU and giving it back.
TESTS += tests/hvm/vcpu_acpi_test tests/hvm/vcpu_hotplug.sh
check_PROGRAMS += tests/hvm/vcpu_acpi_test
tests_hvm_vcpu_acpi_test_SOURCES = tests/hvm/vcpu_acpi_test.c
tests_hvm_vcpu_acpi_test_LDADD = $(DEVMODEL_TEST_LIBS)
EXTRA_DIST += tests/hvm/vcpu_hotplug.sh

# The present set across save, restore and reboots (the device guest).
TESTS += tests/hvm/vcpu_save.sh
EXTRA_DIST += tests/hvm/vcpu_save.sh
