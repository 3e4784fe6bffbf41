/* console.* methods: attach to a domain's console, read its history. */
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/console.h"
#include "xld/hvm_dm.h"
#include "xld/rpc/methods.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* params.type "pv" or "serial" (xl console -t; absent: the domain's
 * default, serial for hvm, pv otherwise) and params.num (only console 0
 * exists). NULL after answering with xenconsole's error. */
static struct xld_console *console_pick(struct xld *xld, struct rpc_req *req, yajl_val params,
					struct xld_domain **dp)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);
	const char *type = rpc_param_str(params, "type");
	long long num = 0;
	struct xld_console *c;

	if (!d)
		return NULL;
	rpc_param_int(params, "num", &num);
	if (type && strcmp(type, "pv") && strcmp(type, "serial")) {
		rpc_error(req, RPC_INVALID_PARAMS, "console type must be pv or serial");
		return NULL;
	}
	c = !type ? d->console : hvm_dm_console(d, !strcmp(type, "serial"));
	if (!c || num != 0) {
		rpc_error(req, RPC_ERR_STATE,
			  "Could not read tty from store: No such file or directory (domain %s has no %s console %lld)",
			  d->name, type ? type : "", num);
		return NULL;
	}
	*dp = d;
	return c;
}

/* {"domain": d, "writer": bool[, "type": "pv"|"serial", "num": 0]}: answers true, then the connection carries
 * raw console bytes (history first) until either side closes it. */
void m_console_attach(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	const char *path[] = { "writer", NULL };
	yajl_val w = params ? yajl_tree_get(params, path, yajl_t_any) : NULL;
	struct xld_domain *d = NULL;
	struct xld_console *c = console_pick(xld, req, params, &d);
	char *rest;
	size_t rest_len;
	int fd;

	if (!c)
		return;
	yajl_gen_bool(req->result, 1);
	if (rpc_reply_and_take(req, &fd, &rest, &rest_len) == 0)
		console_attach(c, fd, w && YAJL_IS_TRUE(w), rest, rest_len);
	free(rest);
}

/* {"domain": d, "bytes": N}: the last N (default 64 KiB) bytes of output. */
void m_console_history(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = NULL;
	struct xld_console *c = console_pick(xld, req, params, &d);
	long long want = 65536;
	char *buf;
	size_t n;

	if (!c)
		return;
	rpc_param_int(params, "bytes", &want);
	if (want <= 0 || want > 65536)
		want = 65536;
	buf = malloc((size_t)want);
	if (!buf) {
		rpc_error(req, RPC_ERR_RESOURCE, "out of memory");
		return;
	}
	n = console_history(c, buf, (size_t)want);
	yajl_gen_string(req->result, (const unsigned char *)buf, n);
	free(buf);
	rpc_reply(req);
}
