# libvmctl/client.mk
