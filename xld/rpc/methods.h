/* Declarations of every method handler listed in methods.def. */
#ifndef VMCTL_XLD_RPC_METHODS_H
#define VMCTL_XLD_RPC_METHODS_H

#include "xld/rpc/rpc.h"

#define RPC_METHOD(name, fn, help) void fn(struct xld *xld, struct rpc_req *req, yajl_val params);
#include "xld/rpc/methods.def"
#undef RPC_METHOD

#endif
