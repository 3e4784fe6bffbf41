/* console.* methods: attach to a domain's console, read its history. */
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/console.h"
#include "xld/rpc/methods.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct xld_domain *console_domain(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);

	if (d && !d->console) {
		rpc_error(req, RPC_ERR_STATE, "domain %s has no console", d->name);
		return NULL;
	}
	return d;
}

/* {"domain": d, "writer": bool}: answers true, then the connection carries
 * raw console bytes (history first) until either side closes it. */
void m_console_attach(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	const char *path[] = { "writer", NULL };
	yajl_val w = params ? yajl_tree_get(params, path, yajl_t_any) : NULL;
	struct xld_domain *d = console_domain(xld, req, params);
	char *rest;
	size_t rest_len;
	int fd;

	if (!d)
		return;
	yajl_gen_bool(req->result, 1);
	if (rpc_reply_and_take(req, &fd, &rest, &rest_len) == 0)
		console_attach(d->console, fd, w && YAJL_IS_TRUE(w), rest, rest_len);
	free(rest);
}

/* {"domain": d, "bytes": N}: the last N (default 64 KiB) bytes of output. */
void m_console_history(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = console_domain(xld, req, params);
	long long want = 65536;
	char *buf;
	size_t n;

	if (!d)
		return;
	rpc_param_int(params, "bytes", &want);
	if (want <= 0 || want > 65536)
		want = 65536;
	buf = malloc((size_t)want);
	if (!buf) {
		rpc_error(req, RPC_ERR_RESOURCE, "out of memory");
		return;
	}
	n = console_history(d->console, buf, (size_t)want);
	yajl_gen_string(req->result, (const unsigned char *)buf, n);
	free(buf);
	rpc_reply(req);
}
