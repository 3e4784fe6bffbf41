/* vnc.* methods: what a viewer needs to reach a domain's display. The
 * facts are pvfb-vnc's, in xenstore where Xen keeps them:
 * console/vnc-port, console/vnc-listen (written by the server once it
 * listens) and console/vnc-pass (written by xld, readable by dom0 only). */
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/rpc/methods.h"
#include "xld/xenstore/xenstored.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *console_key(struct xld *xld, uint32_t domid, const char *key)
{
	char path[96], *val = NULL;
	size_t len;

	snprintf(path, sizeof(path), "/local/domain/%u/console/%s", domid, key);
	return xenstored_read(xld->xs, path, &val, &len) == 0 ? val : NULL;
}

static void gen_key(yajl_gen g, const char *key)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

/* {"domain": d, "autopass": bool} -> {"port": P, "display": P - 5900,
 * "listen": ADDR[, "password": PW when autopass and one is set]}. */
void m_vnc_info(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	const char *path[] = { "autopass", NULL };
	yajl_val ap = params ? yajl_tree_get(params, path, yajl_t_any) : NULL;
	const char *s = rpc_param_str(params, "domain");
	struct xld_domain *d = s ? xld_domain_lookup(xld, s) : NULL;
	char *port = NULL, *listen = NULL, *pass = NULL, *end;
	long p;

	if (!s || !d) {
		rpc_error(req, s ? RPC_ERR_NO_DOMAIN : RPC_INVALID_PARAMS,
			  s ? "Invalid domain identifier: %s" : "params.domain (a name or a domid) is required",
			  s ? s : "");
		return;
	}
	port = console_key(xld, d->domid, "vnc-port");
	p = port ? strtol(port, &end, 10) : 0;
	if (!port || *end || p < 5900 || p > 65535) {
		rpc_error(req, RPC_ERR_STATE, "domain %s has no VNC display", d->name);
		free(port);
		return;
	}
	listen = console_key(xld, d->domid, "vnc-listen");
	if (ap && YAJL_IS_TRUE(ap))
		pass = console_key(xld, d->domid, "vnc-pass");
	yajl_gen_map_open(req->result);
	gen_key(req->result, "port");
	yajl_gen_integer(req->result, p);
	gen_key(req->result, "display");
	yajl_gen_integer(req->result, p - 5900);
	gen_key(req->result, "listen");
	rpc_gen_str(req->result, listen ? listen : "localhost");
	if (pass) {
		gen_key(req->result, "password");
		rpc_gen_str(req->result, pass);
	}
	yajl_gen_map_close(req->result);
	rpc_reply(req);
	free(port);
	free(listen);
	free(pass);
}
