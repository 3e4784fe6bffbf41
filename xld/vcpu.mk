# xld/vcpu.mk: domain.vcpu_list (xl vcpu-list), docs/api.md.
xld_xld_SOURCES += xld/rpc/m_vcpu.c xld/rpc/methods_vcpu.def
