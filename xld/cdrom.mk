# xld (HVMXL): HVM CD-ROM media changes (xl cd-insert / cd-eject) and the
# device model as a domain device (consoles, re-adoption after a restart).
xld_xld_SOURCES += xld/cdrom.c xld/cdrom.h xld/rpc/m_cdrom.c xld/rpc/methods_cdrom.def
xld_xld_SOURCES += xld/hvm_dm.c xld/hvm_dm.h
