# devmodel/: the per-HVM-guest device model (docs/devmodel.md).
# The buses and devices are a convenience library so the unit tests
# (tests/devmodel/) drive the same code the program serves ioreqs with.
noinst_LTLIBRARIES += devmodel/libdevmodel.la
devmodel_libdevmodel_la_SOURCES = \
	devmodel/bus.c devmodel/bus.h \
	devmodel/pci.c devmodel/pci.h \
	devmodel/io.c devmodel/io.h \
	devmodel/dm.c devmodel/dm.h devmodel/devices.def \
	devmodel/gmem.h devmodel/host.h \
	devmodel/dev/i440fx.c \
	devmodel/dev/piix3.c \
	devmodel/dev/piix4_acpi.c \
	devmodel/dev/platform.c \
	devmodel/dev/debugcon.c devmodel/dev/debugcon.h \
	devmodel/dev/uart.c \
	devmodel/dev/fw_cfg.c devmodel/dev/fw_cfg.h devmodel/dev/fw_cfg_linux.c
