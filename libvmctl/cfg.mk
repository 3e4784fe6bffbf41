# libvmctl/cfg.mk
