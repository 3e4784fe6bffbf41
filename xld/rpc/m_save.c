/* domain.save and domain.restore (xl save, xl restore): the file is opened
 * here, by xld, and the engine (xld/save.h, xld/restore.h) runs in its
 * worker thread; the answer comes when the stream is complete. With
 * params.progress set, progress events go to event subscribers:
 * {"type": "progress", "id": <progress>, "bytes": N, "total": N,
 *  "round": N, "suspended": bool}. */
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/save.h"
#include "xld/restore.h"
#include "xld/rpc/methods.h"
#include "libvmctl/libvmctl.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct save_call {
	struct xld *xld;
	struct rpc_req *req;
	int fd;
	char *path;
	char *progress_id;
	uint32_t domid;
};

static bool param_true(yajl_val params, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = params ? yajl_tree_get(params, path, yajl_t_any) : NULL;

	return v && YAJL_IS_TRUE(v);
}

/* params.file, relative to params.cwd. */
static char *param_path(yajl_val params)
{
	const char *file = rpc_param_str(params, "file");
	const char *cwd = rpc_param_str(params, "cwd");

	if (!file || !*file)
		return NULL;
	return file[0] == '/' || !cwd ? strdup(file) : path_join(cwd, file);
}

static void call_free(struct save_call *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->path);
	free(c->progress_id);
	free(c);
}

static struct save_call *call_new(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct save_call *c = calloc(1, sizeof(*c));
	const char *id = rpc_param_str(params, "progress");

	if (!c)
		return NULL;
	c->xld = xld;
	c->req = req;
	c->fd = -1;
	c->path = param_path(params);
	c->progress_id = id ? strdup(id) : NULL;
	return c;
}

static void on_progress(void *arg, const struct save_progress *p)
{
	struct save_call *c = arg;
	char buf[512];
	int n;

	if (!c->progress_id || !c->xld->rpc)
		return;
	n = snprintf(buf, sizeof(buf), "{\"type\":\"progress\",\"bytes\":%" PRIu64 ",\"total\":%" PRIu64
		     ",\"round\":%u,\"suspended\":%s,\"id\":", p->bytes, p->total, p->round,
		     p->suspended ? "true" : "false");
	if (n < 0 || (size_t)n >= sizeof(buf) - 2 || vmctl_json_quote(buf, sizeof(buf) - 2, c->progress_id) < 0)
		return;
	strcat(buf, "}");
	rpc_broadcast_event(c->xld->rpc, buf, strlen(buf));
}

static int code_of(int rc)
{
	return rc == -ENOSPC || rc == -EDQUOT || rc == -EIO || rc == -EPIPE ? RPC_ERR_IO
		: rc == -ETIMEDOUT || rc == -ESHUTDOWN ? RPC_ERR_STATE : RPC_ERR_HYPERVISOR;
}

static void save_done(void *arg, int rc, const char *msg, const struct save_result *res)
{
	struct save_call *c = arg;

	if (rc < 0) {
		unlink(c->path);	/* a partial file is no save, and takes the space */
		rpc_error(c->req, code_of(rc), "save of domain %u to %s failed: %s", c->domid,
			  c->path, msg);
	} else {
		yajl_gen g = c->req->result;
		yajl_gen_map_open(g);
		rpc_gen_str(g, "bytes");
		yajl_gen_integer(g, (long long)res->bytes);
		rpc_gen_str(g, "pages");
		yajl_gen_integer(g, (long long)res->pages);
		rpc_gen_str(g, "rounds");
		yajl_gen_integer(g, res->rounds);
		rpc_gen_str(g, "seconds");
		yajl_gen_double(g, (double)res->total_ns / 1e9);
		rpc_gen_str(g, "downtime");
		yajl_gen_double(g, (double)res->downtime_ns / 1e9);
		yajl_gen_map_close(g);
		rpc_reply(c->req);
	}
	call_free(c);
}

/* {"domain", "file", "cwd", "checkpoint": bool (-c), "paused": bool (-p),
 *  "live_rounds": N (pre-copy while running, as migration), "progress": id}
 * -> {"bytes", "pages", "rounds", "seconds", "downtime"} */
void m_domain_save(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);
	struct save_opts o = { .after = SAVE_AFTER_DESTROY, .progress = on_progress, .done = save_done };
	struct save_call *c;
	int rc;

	long long live = 0;

	if (!d)
		return;
	if (rpc_param_int(params, "live_rounds", &live) && (live < 0 || live > 100)) {
		rpc_error(req, RPC_INVALID_PARAMS, "params.live_rounds is 0 to 100");
		return;
	}
	o.live_rounds = (unsigned)live;
	o.live_min_dirty = 64;
	if (param_true(params, "paused"))
		o.after = SAVE_AFTER_PAUSE;
	else if (param_true(params, "checkpoint"))
		o.after = SAVE_AFTER_RESUME;
	c = call_new(xld, req, params);
	if (!c || !c->path) {
		rpc_error(req, c ? RPC_INVALID_PARAMS : RPC_ERR_RESOURCE, "params.file (the save file) is required");
		goto fail;
	}
	c->domid = d->domid;
	c->fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (c->fd < 0) {
		rpc_error(req, RPC_ERR_IO, "cannot create %s: %s", c->path, strerror(errno));
		goto fail;
	}
	o.arg = c;
	rc = save_domain_to_fd(xld, d, c->fd, &o, NULL);
	if (rc == 0)
		return;
	unlink(c->path);
	if (rc == -EBUSY)
		rpc_error(req, RPC_ERR_STATE, "domain %s is already being saved", d->name);
	else if (rc == -EINVAL)
		rpc_error(req, RPC_ERR_STATE, "domain %s is not a running PV domain that can suspend", d->name);
	else
		rpc_error(req, RPC_ERR_HYPERVISOR, "cannot save domain %s: %s", d->name, strerror(-rc));
fail:
	if (c)
		call_free(c);
}

static void restore_done(void *arg, int rc, int code, const char *msg, uint32_t domid)
{
	struct save_call *c = arg;
	struct xld_domain *d = rc == 0 ? xld_domain_by_id(c->xld, domid) : NULL;

	if (rc < 0) {
		rpc_error(c->req, code ? code : RPC_ERR_IO, "cannot restore from %s: %s", c->path, msg);
	} else {
		yajl_gen g = c->req->result;
		yajl_gen_map_open(g);
		rpc_gen_str(g, "domid");
		yajl_gen_integer(g, domid);
		rpc_gen_str(g, "name");
		rpc_gen_str(g, d ? d->name : "");
		yajl_gen_map_close(g);
		rpc_reply(c->req);
	}
	call_free(c);
}

/* {"file", "cwd", "paused": bool (-p), "progress": id} -> {"domid", "name"} */
void m_domain_restore(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct restore_opts o = { .paused = param_true(params, "paused"),
				  .progress = on_progress, .done = restore_done };
	struct save_call *c = call_new(xld, req, params);
	struct stat st;
	int rc;

	if (!c || !c->path) {
		rpc_error(req, c ? RPC_INVALID_PARAMS : RPC_ERR_RESOURCE, "params.file (the save file) is required");
		goto fail;
	}
	c->fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0 || fstat(c->fd, &st) < 0) {
		rpc_error(req, RPC_ERR_IO, "cannot open %s: %s", c->path, strerror(errno));
		goto fail;
	}
	o.total_hint = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	o.arg = c;
	rc = restore_domain_from_fd(xld, c->fd, &o, NULL);
	if (rc == 0)
		return;
	rpc_error(req, RPC_ERR_RESOURCE, "cannot restore: %s", strerror(-rc));
fail:
	if (c)
		call_free(c);
}
