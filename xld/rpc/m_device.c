/* device.* methods: hot plug of vbd and vif devices (xld/dev/hotplug.h)
 * and their listing from the xenstore nodes.
 *
 *   device.attach {"domain": d, "kind": "vbd"|"vif", "spec": "...", "cwd": dir}
 *                 -> {"devid": N}
 *   device.detach {"domain": d, "kind": "vbd"|"vif", "device": "51728"|"xvdb"|mac,
 *                  "force": false, "timeout_ms": 10000}
 *                 (without force, a connected frontend is asked to close first)
 *   device.list   {"domain": d, "kind": "vbd"|"vif"} -> [{...}, ...] */
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/rpc/methods.h"
#include "xld/dev/dev.h"
#include "xld/dev/hotplug.h"
#include "xld/xenstore/xenstored.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *param_kind(struct rpc_req *req, yajl_val params)
{
	const char *kind = rpc_param_str(params, "kind");

	if (!kind || (strcmp(kind, "vbd") && strcmp(kind, "vif"))) {
		rpc_error(req, RPC_INVALID_PARAMS, "params.kind must be \"vbd\" or \"vif\"");
		return NULL;
	}
	return kind;
}

static int code_of(int rc)
{
	switch (rc) {
	case -EINVAL: return RPC_ERR_CONFIG;
	case -EEXIST: return RPC_ERR_EXISTS;
	case -ENOENT: return RPC_ERR_CONFIG;
	case -ENOSYS: return RPC_ERR_UNSUPPORTED;
	case -EPERM: case -EACCES: return RPC_ERR_PERMISSION;
	case -ENOMEM: return RPC_ERR_RESOURCE;
	default: return RPC_ERR_IO;
	}
}

void m_device_attach(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);
	const char *kind = d ? param_kind(req, params) : NULL;
	const char *spec = rpc_param_str(params, "spec");
	char err[512];
	int rc, devid = -1;

	if (!kind)
		return;
	rc = dev_hotplug_attach(xld, d, kind, spec ? spec : "", rpc_param_str(params, "cwd"), &devid,
				err, sizeof(err));
	if (rc < 0) {
		rpc_error(req, code_of(rc), "%s", err);
		return;
	}
	yajl_gen_map_open(req->result);
	rpc_gen_str(req->result, "devid");
	yajl_gen_integer(req->result, devid);
	yajl_gen_map_close(req->result);
	rpc_reply(req);
}

static void detach_done(void *arg, int rc, const char *err)
{
	struct rpc_req *req = arg;

	if (rc < 0) {
		rpc_error(req, code_of(rc), "%s", err);
		return;
	}
	yajl_gen_bool(req->result, 1);
	rpc_reply(req);
}

/* libxl waits this long for a frontend to close before it forces. */
#define DETACH_TIMEOUT_MS 10000

void m_device_detach(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);
	const char *kind = d ? param_kind(req, params) : NULL;
	const char *which = rpc_param_str(params, "device");
	const char *force_path[] = { "force", NULL };
	yajl_val force = params ? yajl_tree_get(params, force_path, yajl_t_true) : NULL;
	long long timeout = DETACH_TIMEOUT_MS;
	char err[512];

	if (!kind)
		return;
	if (!which) {
		rpc_error(req, RPC_INVALID_PARAMS, "params.device is required");
		return;
	}
	if (rpc_param_int(params, "timeout_ms", &timeout) && (timeout < 0 || timeout > 600000)) {
		rpc_error(req, RPC_INVALID_PARAMS, "params.timeout_ms must be 0..600000");
		return;
	}
	if (force)
		detach_done(req, dev_hotplug_detach(xld, d, kind, which, err, sizeof(err)), err);
	else
		dev_hotplug_detach_safe(xld, d, kind, which, (unsigned)timeout, detach_done, req);
}

/* "key": value of node dir/name as a string ("" when absent). */
static void put_node(struct xld *xld, yajl_gen g, const char *key, const char *dir,
		     const char *name)
{
	char path[192], *val = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rpc_gen_str(g, key);
	if (xenstored_read(xld->xs, path, &val, &len) == 0)
		rpc_gen_str(g, val);
	else
		rpc_gen_str(g, "");
	free(val);
}

static void put_device(struct xld *xld, yajl_gen g, const struct xld_dev *dev)
{
	bool vbd = strcmp(dev->ops->kind, "vbd") == 0;
	char fe[96], be[96];

	snprintf(fe, sizeof(fe), "/local/domain/%u/device/%s/%d", dev->domid, dev->ops->kind, dev->devid);
	snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u/%d", dev->ops->kind, dev->domid,
		 dev->devid);
	yajl_gen_map_open(g);
	rpc_gen_str(g, "devid");
	yajl_gen_integer(g, dev->devid);
	rpc_gen_str(g, "backend_id");
	yajl_gen_integer(g, 0);
	rpc_gen_str(g, "frontend_id");
	yajl_gen_integer(g, dev->domid);
	rpc_gen_str(g, "backend");
	rpc_gen_str(g, be);
	rpc_gen_str(g, "frontend");
	rpc_gen_str(g, fe);
	put_node(xld, g, "state", fe, "state");
	put_node(xld, g, "backend_state", be, "state");
	put_node(xld, g, "evtch", fe, "event-channel");
	if (vbd) {
		put_node(xld, g, "ring_ref", fe, "ring-ref");
		put_node(xld, g, "vdev", be, "dev");
		put_node(xld, g, "target", be, "params");
		put_node(xld, g, "mode", be, "mode");
	} else {
		put_node(xld, g, "tx_ring_ref", fe, "tx-ring-ref");
		put_node(xld, g, "rx_ring_ref", fe, "rx-ring-ref");
		put_node(xld, g, "mac", be, "mac");
		put_node(xld, g, "bridge", be, "bridge");
		put_node(xld, g, "vifname", be, "vifname");
	}
	yajl_gen_map_close(g);
}

void m_device_list(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);
	const char *kind = d ? param_kind(req, params) : NULL;

	if (!kind)
		return;
	yajl_gen_array_open(req->result);
	for (struct xld_dev *dev = d->devs; dev; dev = dev->next)
		if (strcmp(dev->ops->kind, kind) == 0)
			put_device(xld, req->result, dev);
	yajl_gen_array_close(req->result);
	rpc_reply(req);
}
