# include/: the Xen guest ABI (include/vmctl/xen/) and our own wire formats.
# The ABI headers are installed so guests and tools outside the tree can use them.
vmctlxendir = $(includedir)/vmctl/xen
vmctlxeniodir = $(includedir)/vmctl/xen/io
vmctlxenhvmdir = $(includedir)/vmctl/xen/hvm
vmctlxenarchdir = $(includedir)/vmctl/xen/arch-x86
vmctlxen_HEADERS = $(wildcard $(srcdir)/include/vmctl/xen/*.h)
vmctlxenio_HEADERS = $(wildcard $(srcdir)/include/vmctl/xen/io/*.h)
vmctlxenhvm_HEADERS = $(wildcard $(srcdir)/include/vmctl/xen/hvm/*.h)
vmctlxenarch_HEADERS = $(wildcard $(srcdir)/include/vmctl/xen/arch-x86/*.h)
