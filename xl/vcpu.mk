# xl/vcpu.mk: xl vcpu-list (docs/xl.md).
xl_xl_SOURCES += xl/vcpu.c xl/cmdtable_vcpu.def
