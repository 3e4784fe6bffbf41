/* Declarations of every method handler listed in methods.def. */
#ifndef VMCTL_XLD_RPC_METHODS_H
#define VMCTL_XLD_RPC_METHODS_H

#include "xld/rpc/rpc.h"

#define RPC_METHOD(name, fn, help) void fn(struct xld *xld, struct rpc_req *req, yajl_val params);
#include "xld/rpc/methods.def"
#undef RPC_METHOD

struct xld_domain;
/* The domain named by params.domain (a name or a domid); NULL after
 * answering the request with the error (missing param, no such domain). */
struct xld_domain *rpc_param_domain(struct xld *xld, struct rpc_req *req, yajl_val params);

#endif
