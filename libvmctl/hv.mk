# libvmctl/hv.mk
