# xld/: the dom0 daemon (xenstore, consoles, monitor, JSON-RPC, libvirt).
include xld/xenstore/local.mk
