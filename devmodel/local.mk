# devmodel/: the per-HVM-guest device model (docs/devmodel.md).
# The buses and devices are a convenience library so the unit tests
# (tests/devmodel/) drive the same code the program serves ioreqs with.
noinst_LTLIBRARIES += devmodel/libdevmodel.la
devmodel_libdevmodel_la_SOURCES = \
	devmodel/bus.c devmodel/bus.h \
	devmodel/pci.c devmodel/pci.h \
	devmodel/io.c devmodel/io.h \
	devmodel/ioserv.c devmodel/ioserv.h \
	devmodel/dm.c devmodel/dm.h devmodel/devices.def \
	devmodel/gmem.h devmodel/host.h \
	devmodel/display.c devmodel/display.h include/vmctl/dmdisplay.h \
	devmodel/dev/i440fx.c \
	devmodel/dev/piix3.c \
	devmodel/dev/ide.c devmodel/dev/ide.h devmodel/dev/ide_atapi.c \
	devmodel/dev/piix4_acpi.c \
	devmodel/dev/platform.c \
	devmodel/dev/debugcon.c devmodel/dev/debugcon.h \
	devmodel/dev/uart.c \
	devmodel/dev/i8042.c devmodel/dev/i8042.h \
	devmodel/dev/vga.c devmodel/dev/vga.h devmodel/dev/vga_render.c \
	devmodel/dev/fw_cfg.c devmodel/dev/fw_cfg.h devmodel/dev/fw_cfg_linux.c \
	devmodel/net.c devmodel/net.h \
	devmodel/dev/eeprom93.c devmodel/dev/eeprom93.h \
	devmodel/dev/rtl8139.c devmodel/dev/e1000.c \
	devmodel/dev/acpi_hotplug.c devmodel/dev/acpi_hotplug.h \
	devmodel/acpi/acpi.h devmodel/acpi/aml.c devmodel/acpi/aml.h devmodel/acpi/dsdt.c devmodel/acpi/dsdt_cpu.c \
	devmodel/acpi/tables.c devmodel/acpi/smbios.c

pkglibexec_PROGRAMS += devmodel/vmctl-devmodel
devmodel_vmctl_devmodel_SOURCES = \
	devmodel/main.c \
	devmodel/opts.c devmodel/opts.h \
	devmodel/serial.c devmodel/serial.h \
	devmodel/sandbox.c devmodel/sandbox.h devmodel/sandbox.def \
	common/sandbox_filter.c common/sandbox_filter.h common/sandbox_rules.inc
devmodel_vmctl_devmodel_CPPFLAGS = $(AM_CPPFLAGS) $(SECCOMP_CFLAGS)
devmodel_vmctl_devmodel_LDADD = devmodel/libdevmodel.la libvmctl/libvmctl.la \
	common/libcommon.la $(SECCOMP_LIBS)
devmodel_libdevmodel_la_SOURCES += devmodel/dm_save.c devmodel/dm_save.h devmodel/dev/vga_save.c
