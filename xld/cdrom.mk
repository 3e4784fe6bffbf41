# xld: HVM CD-ROM media changes (HVMXL; xl cd-insert / cd-eject).
xld_xld_SOURCES += xld/cdrom.c xld/cdrom.h xld/rpc/m_cdrom.c xld/rpc/methods_cdrom.def
