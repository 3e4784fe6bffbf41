# devmodel/ control socket (HVMXL): xl cd-insert / cd-eject reach the
# running device model (include/vmctl/dmctl.h, docs/devmodel.md).
devmodel_vmctl_devmodel_SOURCES += devmodel/ctl.c devmodel/ctl.h include/vmctl/dmctl.h
