/* The method table, built from methods.def. */
#include "xld/rpc/rpc.h"
#include "xld/rpc/methods.h"

#include <string.h>

const struct rpc_method rpc_methods[] = {
#define RPC_METHOD(name, fn, help) { name, fn, help },
#include "xld/rpc/methods.def"
#undef RPC_METHOD
};
const size_t rpc_methods_count = sizeof(rpc_methods) / sizeof(rpc_methods[0]);

const struct rpc_method *rpc_method_find(const char *name)
{
	for (size_t i = 0; i < rpc_methods_count; i++)
		if (strcmp(rpc_methods[i].name, name) == 0)
			return &rpc_methods[i];
	return NULL;
}

void m_rpc_methods(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	yajl_gen g = req->result;

	yajl_gen_array_open(g);
	for (size_t i = 0; i < rpc_methods_count; i++) {
		yajl_gen_map_open(g);
		rpc_gen_str(g, "name");
		rpc_gen_str(g, rpc_methods[i].name);
		rpc_gen_str(g, "help");
		rpc_gen_str(g, rpc_methods[i].help);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	rpc_reply(req);
}

void m_events_subscribe(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	rpc_conn_subscribe(req->conn);
	yajl_gen_bool(req->result, 1);
	rpc_reply(req);
}
