# xl's vmctl-extension commands for persistent definitions (xl/defs.c).
xl_xl_SOURCES += xl/defs.c xl/cmdtable_defs.def
