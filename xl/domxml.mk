# xl/domxml.mk: xl domxml-to-cfg and cfg-to-domxml (local conversions with
# libvmctl/domxml.h; owned with libvmctl/domxml*).
xl_xl_SOURCES += xl/domxml.c xl/cmdtable_domxml.def
