/* domain.migrate and domain.migrate_receive (docs/api.md, docs/migration.md).
 *
 * domain.migrate over TCP answers when the migration is over. With
 * "transport": "connection" the answer comes at once and the connection
 * carries the migration (xl migrate -s relays it through ssh); the outcome
 * is then an event ("migrated" or "migrate-failed") to subscribers, which
 * every TCP migration also sends. */
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/migrate.h"
#include "xld/rpc/methods.h"
#include "libvmctl/libvmctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct migrate_call {
	struct xld *xld;
	struct rpc_req *req;      /* NULL: the transport is the connection */
	uint32_t domid;
	char name[XLD_NAME_MAX];
};

static bool param_bool(yajl_val params, const char *key, bool def)
{
	const char *path[] = { key, NULL };
	yajl_val v = params ? yajl_tree_get(params, path, yajl_t_any) : NULL;

	return v && (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) ? YAJL_IS_TRUE(v) : def;
}

static void gen_num(yajl_gen g, const char *key, double v, bool integer)
{
	rpc_gen_str(g, key);
	if (integer)
		yajl_gen_integer(g, (long long)v);
	else
		yajl_gen_double(g, v);
}

/* The figures of a finished migration, as a JSON object. */
static void gen_result(yajl_gen g, const char *name, const struct migrate_result *r)
{
	yajl_gen_map_open(g);
	rpc_gen_str(g, "domain");
	rpc_gen_str(g, name);
	gen_num(g, "target_domid", r->target_domid, true);
	gen_num(g, "downtime_ms", (double)r->downtime_ns / 1e6, false);
	gen_num(g, "total_ms", (double)r->total_ns / 1e6, false);
	gen_num(g, "bytes", (double)r->bytes, true);
	gen_num(g, "memory_bytes", (double)r->memory_bytes, true);
	gen_num(g, "pages", (double)r->pages, true);
	gen_num(g, "rounds", r->rounds, true);
	yajl_gen_map_close(g);
}

/* {"type": "migrated"|"migrate-failed", "domid", "name", "result" | "code"+"message"} */
static void broadcast(struct migrate_call *c, int code, const char *msg,
		      const struct migrate_result *res)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g || !c->xld->rpc)
		goto out;
	yajl_gen_map_open(g);
	rpc_gen_str(g, "type");
	rpc_gen_str(g, res ? "migrated" : "migrate-failed");
	gen_num(g, "domid", c->domid, true);
	rpc_gen_str(g, "name");
	rpc_gen_str(g, c->name);
	if (res) {
		rpc_gen_str(g, "result");
		gen_result(g, c->name, res);
	} else {
		gen_num(g, "code", code, true);
		rpc_gen_str(g, "message");
		rpc_gen_str(g, msg);
	}
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		rpc_broadcast_event(c->xld->rpc, (const char *)buf, len);
out:
	if (g)
		yajl_gen_free(g);
}

static void call_done(void *arg, int rc, int code, const char *msg,
		      const struct migrate_result *res)
{
	struct migrate_call *c = arg;

	broadcast(c, code, msg, rc == 0 ? res : NULL);
	if (c->req && rc == 0) {
		gen_result(c->req->result, c->name, res);
		rpc_reply(c->req);
	} else if (c->req) {
		rpc_error(c->req, code ? code : RPC_ERR_IO, "%s", msg);
	}
	free(c);
}

/* {"domain": d, "host": "host[:port]", "port": P, "live": true, "paused":
 * false, "transport": "tcp"|"connection"} */
void m_domain_migrate(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);
	const char *transport = rpc_param_str(params, "transport"), *msg;
	struct migrate_out_opts o = {
		.host = rpc_param_str(params, "host"), .fd = -1,
		.live = param_bool(params, "live", true),
		.paused = param_bool(params, "paused", false),
		.done = call_done,
	};
	struct migrate_call *c;
	long long port = 0;
	bool conn = transport && strcmp(transport, "connection") == 0;
	int rc;

	if (!d)
		return;
	if (transport && !conn && strcmp(transport, "tcp") != 0) {
		rpc_error(req, RPC_INVALID_PARAMS, "params.transport is \"tcp\" or \"connection\"");
		return;
	}
	if (rpc_param_int(params, "port", &port) && (port < 1 || port > 65535)) {
		rpc_error(req, RPC_INVALID_PARAMS, "params.port must be 1..65535");
		return;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		rpc_error(req, RPC_ERR_RESOURCE, "out of memory");
		return;
	}
	c->xld = xld;
	c->domid = d->domid;
	memcpy(c->name, d->name, sizeof(c->name));
	o.port = (unsigned)port;
	o.arg = c;
	if (conn) {
		char *rest = NULL;
		size_t rest_len = 0;
		yajl_gen_bool(req->result, 1);
		if (rpc_reply_and_take(req, &o.fd, &rest, &rest_len) < 0) {
			free(c);
			return;
		}
		free(rest); /* (the client waits for the answer: nothing) */
	} else {
		c->req = req;
	}
	rc = migrate_out_start(xld, d, &o, &msg);
	if (rc < 0) {
		if (o.fd >= 0)
			close(o.fd);
		call_done(c, rc, rc == -EBUSY ? RPC_ERR_STATE : RPC_INVALID_PARAMS, msg, NULL);
	}
}

/* {}: the connection becomes the receiving end of one migration. */
void m_domain_migrate_receive(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	char *rest = NULL;
	size_t rest_len = 0;
	int fd;

	(void)params;
	yajl_gen_bool(req->result, 1);
	if (rpc_reply_and_take(req, &fd, &rest, &rest_len) < 0)
		return;
	if (rest_len) {
		/* The sender spoke before the answer: not a migration peer. */
		close(fd);
	} else if (migrate_sock_timeouts(fd, migrate_timeout(xld)) < 0) {
		close(fd);
	} else {
		migrate_in_start(xld, fd, "a relayed connection");
	}
	free(rest);
}
