/* xld's JSON-RPC 2.0 server: one JSON object per line on a UNIX stream socket.
 *
 * A method handler receives a request and its params, and answers it with
 * rpc_reply() (after writing the result value into req->result) or
 * rpc_error(), either before it returns or later (long operations keep the
 * request; if the client goes away meanwhile, the answer is dropped).
 * The method table is rpc/methods.def. Error codes are in docs/api.md.
 */
#ifndef VMCTL_XLD_RPC_H
#define VMCTL_XLD_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

struct xld;
struct evloop;
struct rpc_server;
struct rpc_conn;

/* JSON-RPC's own codes, then ours (stable; documented in docs/api.md). */
enum rpc_code {
	RPC_PARSE_ERROR = -32700,
	RPC_INVALID_REQUEST = -32600,
	RPC_METHOD_NOT_FOUND = -32601,
	RPC_INVALID_PARAMS = -32602,
	RPC_INTERNAL_ERROR = -32603,
	RPC_ERR_NO_DOMAIN = 1,      /* no such domain */
	RPC_ERR_EXISTS = 2,         /* a domain (or device) of that name exists */
	RPC_ERR_CONFIG = 3,         /* the configuration is invalid */
	RPC_ERR_STATE = 4,          /* not allowed in the domain's current state */
	RPC_ERR_HYPERVISOR = 5,     /* vmhv refused or failed */
	RPC_ERR_RESOURCE = 6,       /* out of memory, disk, ports, ... */
	RPC_ERR_IO = 7,             /* file or device I/O failed */
	RPC_ERR_UNSUPPORTED = 8,    /* known, but not supported here */
	RPC_ERR_PERMISSION = 9,     /* refused for this client */
};

struct rpc_req {
	struct rpc_server *srv;
	struct rpc_conn *conn;       /* NULL once the client has gone */
	char *id;                    /* the request's id as JSON text; NULL = notification */
	yajl_gen result;             /* write exactly one value: the result */
	struct rpc_req *next;        /* the connection's pending requests */
};

typedef void (*rpc_handler)(struct xld *xld, struct rpc_req *req, yajl_val params);

struct rpc_method {
	const char *name;
	rpc_handler handler;
	const char *help;
};

/* Listen on `path` with `mode` (0600, or 0660 with a group). */
struct rpc_server *rpc_server_new(struct xld *xld, struct evloop *loop,
				  const char *path, unsigned mode, int gid);
void rpc_server_free(struct rpc_server *srv);

/* Send req->result as the answer, and free the request. */
void rpc_reply(struct rpc_req *req);
/* Answer with an error and free the request. */
void rpc_error(struct rpc_req *req, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Answer with req->result, then take the connection out of JSON-RPC: the
 * caller gets its fd (and any bytes the client sent after the request,
 * malloc'd) and speaks its own protocol on it (console.attach). */
int rpc_reply_and_take(struct rpc_req *req, int *fd, char **rest, size_t *rest_len);

/* Mark the connection as an event subscriber (events.subscribe). */
void rpc_conn_subscribe(struct rpc_conn *conn);
/* Send {"jsonrpc":"2.0","method":"event","params":<json>} to every subscriber. */
void rpc_broadcast_event(struct rpc_server *srv, const char *params_json, size_t len);

/* The method table and its lookup (rpc/methods.c). */
const struct rpc_method *rpc_method_find(const char *name);
extern const struct rpc_method rpc_methods[];
extern const size_t rpc_methods_count;

/* Helpers for handlers: params lookups that tolerate absent params. */
const char *rpc_param_str(yajl_val params, const char *key);
bool rpc_param_int(yajl_val params, const char *key, long long *out);
#define rpc_gen_str(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))

#endif
