/* domain.create: from xl.cfg text (or a JSON config) to a running domain. */
#include "xld/xld.h"
#include "xld/create.h"
#include "xld/domain.h"
#include "xld/rpc/methods.h"
#include "libvmctl/domcfg.h"

#include <stdlib.h>
#include <string.h>

/* params.overrides as a NULL-terminated vector of its strings. */
static const char **overrides(yajl_val params, int *bad)
{
	const char *path[] = { "overrides", NULL };
	yajl_val list = params ? yajl_tree_get(params, path, yajl_t_any) : NULL;
	const char **v;

	*bad = 0;
	if (!list)
		return NULL;
	if (!YAJL_IS_ARRAY(list)) {
		*bad = 1;
		return NULL;
	}
	v = calloc(list->u.array.len + 1, sizeof(*v));
	for (size_t i = 0; v && i < list->u.array.len; i++) {
		if (!YAJL_IS_STRING(list->u.array.values[i])) {
			*bad = 1;
			free(v);
			return NULL;
		}
		v[i] = list->u.array.values[i]->u.string;
	}
	return v;
}

static void reply_config(struct rpc_req *req, struct domcfg_config *cfg)
{
	rpc_gen_str(req->result, "config");
	domcfg_config_gen_json(req->result, cfg);
}

/* Params: {"config": xl.cfg text | "config_json": JSON text, "config_name",
 * "overrides": ["k=v"], "cwd", "paused", "dry_run"}. Result: {"domid", "name"}
 * or, for a dry run, {"config": the parsed configuration}. */
void m_domain_create(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	const char *dp[] = { "dry_run", NULL }, *pp[] = { "paused", NULL };
	yajl_val dry = params ? yajl_tree_get(params, dp, yajl_t_any) : NULL;
	yajl_val paused = params ? yajl_tree_get(params, pp, yajl_t_any) : NULL;
	struct create_args a = {
		.config_text = rpc_param_str(params, "config"),
		.config_json = rpc_param_str(params, "config_json"),
		.config_name = rpc_param_str(params, "config_name"),
		.cwd = rpc_param_str(params, "cwd"),
		.paused = paused && YAJL_IS_TRUE(paused),
	};
	char msg[1024];
	int bad, code = 0;
	uint32_t domid;

	a.overrides = overrides(params, &bad);
	if (bad || (!a.config_text == !a.config_json)) {
		rpc_error(req, RPC_INVALID_PARAMS,
			  "give exactly one of params.config (xl.cfg text) and params.config_json;"
			  " params.overrides is a list of \"key=value\" strings");
		goto out;
	}
	if (dry && YAJL_IS_TRUE(dry)) {
		struct domcfg_config cfg;
		if (xld_create_config(xld, &a, &cfg, &code, msg, sizeof(msg)) < 0) {
			rpc_error(req, code, "%s", msg);
		} else {
			yajl_gen_map_open(req->result);
			reply_config(req, &cfg);
			yajl_gen_map_close(req->result);
			rpc_reply(req);
		}
		domcfg_config_dispose(&cfg);
		goto out;
	}
	if (xld_create(xld, &a, &domid, &code, msg, sizeof(msg)) < 0) {
		rpc_error(req, code, "%s", msg);
		goto out;
	}
	struct xld_domain *d = xld_domain_by_id(xld, domid);
	yajl_gen_map_open(req->result);
	rpc_gen_str(req->result, "domid");
	yajl_gen_integer(req->result, domid);
	rpc_gen_str(req->result, "name");
	rpc_gen_str(req->result, d ? d->name : "");
	yajl_gen_map_close(req->result);
	rpc_reply(req);
out:
	free((void *)a.overrides);
}
