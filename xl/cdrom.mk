# xl cd-insert / cd-eject (HVMXL, docs/xl.md).
xl_xl_SOURCES += xl/cmd_cdrom.c xl/cmdtable_cdrom.def
