/* PV-on-HVM at xl create of an hvm domain (docs/hvm.md "PV-on-HVM"): the
 * xenstore and console rings the guest finds through its HVM params. Its
 * PV disks and NICs are the same vbd and vif backends as a PV domain's
 * (xld_devices_create), offered next to the device model's emulated ones:
 * the guest's PV drivers unplug those through the Xen platform device. */
#ifndef VMCTL_XLD_CREATE_HVM_PV_H
#define VMCTL_XLD_CREATE_HVM_PV_H

#include <stddef.h>
#include <stdint.h>

struct xld;
struct domcfg_config;

struct create_hvm_rings {
	uint64_t console_pfn, store_pfn;     /* memfd frames (xld serves them) */
	uint32_t console_port, store_port;
};

/* For type="hvm" and "pvh": allocate the rings' event channels and give
 * the guest the rings (libvmctl build_hvm_rings); a pv domain gets nothing
 * (*out untouched). A PVH domain's `xl console` is its PV console ring (it
 * has no serial line). 0, or -1 with *code (RPC_ERR_*) and msg[cap]. */
int create_hvm_rings(struct xld *xld, uint32_t domid, const struct domcfg_config *cfg,
		     struct create_hvm_rings *out, int *code, char *msg, size_t cap);

#endif
