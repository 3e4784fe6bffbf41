# libvmctl/cfg.mk: xl.cfg parsing and the domain configuration types.
# types.def describes the types once; domcfg.h, cfg_type.c and json_*.c
# expand it with X-macros (no generator program needed).
libvmctl_libvmctl_la_SOURCES += \
	libvmctl/domcfg.h libvmctl/types.def libvmctl/types_undef.h \
	libvmctl/cfg_type.h libvmctl/cfg_type.c libvmctl/cfg_type_none.h \
	libvmctl/json_type.h libvmctl/json_gen.c libvmctl/json_parse.c \
	libvmctl/cfg_msgs.c libvmctl/cfg_lex.h libvmctl/cfg_lex.c \
	libvmctl/cfg_tree.h libvmctl/cfg_tree.c \
	libvmctl/cfg_xl.h libvmctl/cfg_xl.c libvmctl/cfg_keys.def libvmctl/cfg_keys.c \
	libvmctl/cfg_devlist.c libvmctl/cfg_finish.c libvmctl/cfg_default.c libvmctl/cfg_copy.c \
	libvmctl/cfg_vdev.c libvmctl/cfg_disk.c \
	libvmctl/cfg_spec.h libvmctl/cfg_spec.c libvmctl/cfg_vif.c libvmctl/cfg_vfb.c \
	libvmctl/cfg_write.h libvmctl/cfg_write.c

# The config types are public (xl, xld and user programs use them); the
# header expands types.def, so both are installed side by side.
pkginclude_HEADERS += libvmctl/domcfg.h libvmctl/types.def libvmctl/types_undef.h
