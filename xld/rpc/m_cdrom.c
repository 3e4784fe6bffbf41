/* cdrom.* methods: media changes of an HVM domain's CD-ROM (xld/cdrom.h). */
#include "xld/cdrom.h"
#include "xld/domain.h"
#include "xld/rpc/methods.h"
#include "xld/xld.h"

#include <string.h>

static void cdrom_method(struct xld *xld, struct rpc_req *req, yajl_val params, bool insert)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);
	const char *vdev = rpc_param_str(params, "vdev");
	const char *target = insert ? rpc_param_str(params, "target") : NULL;
	char msg[512];
	int code = 0;

	if (!d)
		return;
	if (!vdev || (insert && !target)) {
		rpc_error(req, RPC_INVALID_PARAMS, "missing \"%s\"", vdev ? "target" : "vdev");
		return;
	}
	if (cdrom_change(xld, d, vdev, target, &code, msg, sizeof(msg)) < 0) {
		rpc_error(req, code, "%s", msg);
		return;
	}
	yajl_gen_bool(req->result, 1);
	rpc_reply(req);
}

/* {"domain": d, "vdev": "hdc", "target": "/path/to.iso"} (xl cd-insert) */
void m_cdrom_insert(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	cdrom_method(xld, req, params, true);
}

/* {"domain": d, "vdev": "hdc"} (xl cd-eject) */
void m_cdrom_eject(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	cdrom_method(xld, req, params, false);
}
