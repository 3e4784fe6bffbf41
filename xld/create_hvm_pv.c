/* PV-on-HVM at xl create: see create_hvm_pv.h. */
#include "xld/create_hvm_pv.h"

#include "libvmctl/build_hvm.h"
#include "libvmctl/domcfg.h"
#include "xld/evtchn.h"
#include "xld/rpc/rpc.h"
#include "xld/xld.h"

#include <stdio.h>
#include <string.h>

int create_hvm_rings(struct xld *xld, uint32_t domid, const struct domcfg_config *cfg,
		     struct create_hvm_rings *out, int *code, char *msg, size_t cap)
{
	struct build_hvm_rings r = { 0 };
	int rc;

	if (cfg->c_info.type != DOMCFG_TYPE_HVM && cfg->c_info.type != DOMCFG_TYPE_PVH)
		return 0;
	if ((rc = xld_evtchn_alloc_unbound(xld, domid, &r.store_evtchn)) < 0 ||
	    (rc = xld_evtchn_alloc_unbound(xld, domid, &r.console_evtchn)) < 0) {
		*code = RPC_ERR_HYPERVISOR;
		snprintf(msg, cap, "cannot allocate event channels: %s", strerror(-rc));
		return -1;
	}
	if ((rc = build_hvm_rings(xld->hv, domid, &r)) < 0) {
		*code = RPC_ERR_HYPERVISOR;
		snprintf(msg, cap, "cannot give the hvm domain its xenstore and console rings: %s",
			 strerror(-rc));
		return -1;
	}
	out->store_pfn = r.store_frame;
	out->console_pfn = r.console_frame;
	out->store_port = r.store_evtchn;
	out->console_port = r.console_evtchn;
	return 0;
}
