/* Wire requests: argument parsing and the table that maps a message type
 * to its handler (ops.def).  A handler fills the reply payload and returns
 * 0, returns a negative errno for an XS_ERROR reply, or XS_REPLIED when it
 * queued its reply itself (WATCH, whose reply is followed by an event). */
#include "xld/xenstore/xs.h"
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPF_PRIV 1u /* dom0 only */
#define OPF_TX   2u /* honours tx_id */
#define MAX_ARGS 4

struct xs_req {
	struct xs_conn *c;
	const struct xsd_sockmsg *hdr;
	char *body;
	uint32_t len;
	struct xs_tx *tx;
	const char *arg[MAX_ARGS];
	unsigned nargs;
};

struct xs_reply {
	uint32_t len;
	char data[XENSTORE_PAYLOAD_MAX];
};

typedef int (*op_fn)(struct xs_req *r, struct xs_reply *out);

/* Split the body into NUL-terminated strings; all of it must be used. */
static int req_split(struct xs_req *r, unsigned min, unsigned max)
{
	uint32_t i = 0;

	r->nargs = 0;
	if (r->len && r->body[r->len - 1] != '\0')
		return -EINVAL;
	while (i < r->len) {
		if (r->nargs == max)
			return -EINVAL;
		r->arg[r->nargs++] = r->body + i;
		i += (uint32_t)strlen(r->body + i) + 1;
	}
	return r->nargs < min ? -EINVAL : 0;
}

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* Domids are read like C xenstored reads them (atoi: "x" is 0), but must
 * be below DOMID_FIRST_RESERVED. */
static int parse_domid(const char *s, uint32_t *out)
{
	int v = atoi(s);

	if (v < 0 || v >= 0x7FF0)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int reply_str(struct xs_reply *out, const char *s)
{
	size_t l = strlen(s) + 1;

	if (l > sizeof(out->data))
		return -E2BIG;
	memcpy(out->data, s, l);
	out->len = (uint32_t)l;
	return 0;
}

static int reply_ok(struct xs_reply *out)
{
	return reply_str(out, "OK");
}

static int one_path(struct xs_req *r, bool special, char **path)
{
	int rc = req_split(r, 1, 1);

	return rc < 0 ? rc : xs_path_canon(r->c, r->arg[0], special, path);
}

/* ---- nodes --------------------------------------------------------------- */

static int op_read(struct xs_req *r, struct xs_reply *out)
{
	char *path = NULL;
	struct xs_node *n = NULL;
	int rc = one_path(r, false, &path);

	if (rc == 0)
		rc = xs_op_read(r->c, r->tx, path, &n);
	if (rc == 0) {
		memcpy(out->data, n->value, n->vlen);
		out->len = n->vlen;
	}
	free(path);
	return rc;
}

static int op_directory(struct xs_req *r, struct xs_reply *out)
{
	char *path = NULL;
	struct xs_node *n = NULL;
	int rc = one_path(r, false, &path);

	if (rc == 0)
		rc = xs_op_read(r->c, r->tx, path, &n);
	if (rc == 0 && n->clen > sizeof(out->data))
		rc = -E2BIG; /* clients retry with DIRECTORY_PART */
	if (rc == 0 && n->clen)
		memcpy(out->data, n->children, n->clen);
	if (rc == 0)
		out->len = n->clen;
	free(path);
	return rc;
}

/* Reply: "<gen>\0" then whole names from byte `offset` that fit; the last
 * chunk carries an extra NUL so the client knows it has everything. */
static int op_directory_part(struct xs_req *r, struct xs_reply *out)
{
	char *path = NULL;
	struct xs_node *n = NULL;
	uint32_t off, end;
	int rc = req_split(r, 2, 2), w;

	if (rc == 0)
		rc = parse_u32(r->arg[1], UINT32_MAX, &off);
	if (rc == 0)
		rc = xs_path_canon(r->c, r->arg[0], false, &path);
	if (rc == 0)
		rc = xs_op_read(r->c, r->tx, path, &n);
	if (rc < 0)
		goto out;
	w = snprintf(out->data, sizeof(out->data), "%llu", (unsigned long long)n->gen);
	out->len = (uint32_t)w + 1;
	off = off > n->clen ? n->clen : off;
	for (end = off; end < n->clen;) {
		uint32_t l = (uint32_t)strlen(n->children + end) + 1;
		if (out->len + (end - off) + l > sizeof(out->data) - 1)
			break;
		end += l;
	}
	if (end > off)
		memcpy(out->data + out->len, n->children + off, end - off);
	out->len += end - off;
	if (end == n->clen)
		out->data[out->len++] = '\0';
out:
	free(path);
	return rc;
}

static int op_write(struct xs_req *r, struct xs_reply *out)
{
	char *path = NULL;
	size_t pl = strnlen(r->body, r->len);
	int rc = pl == r->len ? -EINVAL : xs_path_canon(r->c, r->body, false, &path);

	if (rc == 0)
		rc = xs_op_write(r->c, r->tx, path, r->body + pl + 1, r->len - (uint32_t)pl - 1);
	free(path);
	return rc ? rc : reply_ok(out);
}

/* MKDIR and RM: one path in, "OK" out. */
static int path_op(struct xs_req *r, struct xs_reply *out,
		   int (*op)(struct xs_conn *, struct xs_tx *, const char *))
{
	char *path = NULL;
	int rc = one_path(r, false, &path);

	if (rc == 0)
		rc = op(r->c, r->tx, path);
	free(path);
	return rc ? rc : reply_ok(out);
}

static int op_mkdir(struct xs_req *r, struct xs_reply *out)
{
	return path_op(r, out, xs_op_mkdir);
}

static int op_rm(struct xs_req *r, struct xs_reply *out)
{
	return path_op(r, out, xs_op_rm);
}

static int op_get_perms(struct xs_req *r, struct xs_reply *out)
{
	char *path = NULL;
	const struct xs_perm *p;
	uint32_t np;
	int rc = one_path(r, false, &path); /* no @names, as C xenstored */

	if (rc == 0)
		rc = xs_op_get_perms(r->c, r->tx, path, &p, &np);
	if (rc == 0)
		rc = xs_perms_format(p, np, out->data, sizeof(out->data), '\0');
	if (rc >= 0) {
		out->len = (uint32_t)rc;
		rc = 0;
	}
	free(path);
	return rc;
}

static int op_set_perms(struct xs_req *r, struct xs_reply *out)
{
	const struct xs_quota *q = xs_conn_quota(r->c);
	char *path = NULL;
	struct xs_perm *p = NULL;
	uint32_t np, pl = (uint32_t)strnlen(r->body, r->len);
	int rc = pl == r->len ? -EINVAL : 0;

	if (rc == 0)
		rc = xs_perms_parse(r->body + pl + 1, r->len - pl - 1, q ? q->perms : 1024, &p, &np);
	if (rc == 0)
		rc = xs_path_canon(r->c, r->body, true, &path);
	if (rc == 0)
		rc = xs_op_set_perms(r->c, r->tx, path, p, np);
	free(path);
	free(p);
	return rc ? rc : reply_ok(out);
}

/* ---- watches ------------------------------------------------------------- */

/* Any "@..." name may be watched, as with C xenstored; only the known ones
 * ever fire (besides the initial event). */
static int watch_path(struct xs_conn *c, const char *in, char **path)
{
	if (in[0] != '@')
		return xs_path_canon(c, in, true, path);
	if (strlen(in) > XENSTORE_REL_PATH_MAX)
		return -EINVAL;
	*path = strdup(in);
	return *path ? 0 : -ENOMEM;
}

static int op_watch(struct xs_req *r, struct xs_reply *out)
{
	char *path = NULL;
	struct xs_watch *w;
	uint32_t depth = UINT32_MAX;
	int rc = req_split(r, 2, 3);

	(void)out;
	if (rc == 0 && r->nargs == 3)
		rc = parse_u32(r->arg[2], 0xFFFF, &depth);
	if (rc == 0)
		rc = watch_path(r->c, r->arg[0], &path);
	if (rc == 0)
		rc = xs_watch_add(r->c, path, r->arg[1], r->arg[0][0] != '/' && r->arg[0][0] != '@',
				  depth == UINT32_MAX ? -1 : (int)depth, NULL, NULL, &w);
	if (rc == 0) {
		xs_conn_send(r->c, XS_WATCH, r->hdr->req_id, r->hdr->tx_id, "OK", 3, true);
		xs_watch_fire_one(r->c, w, path);
		rc = XS_REPLIED;
	}
	free(path);
	return rc;
}

static int op_unwatch(struct xs_req *r, struct xs_reply *out)
{
	char *path = NULL;
	int rc = req_split(r, 2, 2);

	if (rc == 0)
		rc = watch_path(r->c, r->arg[0], &path);
	if (rc == 0)
		rc = xs_watch_del(r->c, path, r->arg[1]);
	free(path);
	return rc ? rc : reply_ok(out);
}

static int op_reset_watches(struct xs_req *r, struct xs_reply *out)
{
	xs_watch_free_all(r->c);
	xs_tx_free_all(r->c);
	return reply_ok(out);
}

/* ---- transactions ---------------------------------------------------------- */

static int op_tx_start(struct xs_req *r, struct xs_reply *out)
{
	uint32_t id;
	int rc = r->hdr->tx_id ? -EBUSY : xs_tx_start(r->c, &id);

	if (rc == 0)
		out->len = (uint32_t)snprintf(out->data, sizeof(out->data), "%u", id) + 1;
	return rc;
}

static int op_tx_end(struct xs_req *r, struct xs_reply *out)
{
	int rc = req_split(r, 1, 1);

	if (rc == 0 && strcmp(r->arg[0], "T") != 0 && strcmp(r->arg[0], "F") != 0)
		rc = -EINVAL;
	if (rc == 0)
		rc = xs_tx_end(r->c, r->hdr->tx_id, r->arg[0][0] == 'T');
	return rc ? rc : reply_ok(out);
}

/* ---- domains --------------------------------------------------------------- */

static int op_introduce(struct xs_req *r, struct xs_reply *out)
{
	const struct xenstored_hooks *h = &r->c->xs->hooks;
	struct xs_dom *d;
	uint32_t domid, evtchn;
	long long gfn;
	char *end;
	int rc = req_split(r, 3, 3);

	if (rc == 0)
		rc = parse_domid(r->arg[0], &domid);
	if (rc == 0)
		rc = parse_u32(r->arg[2], UINT32_MAX, &evtchn);
	if (rc == 0) {
		errno = 0;
		gfn = strtoll(r->arg[1], &end, 10); /* signed: -1 is "none" */
		rc = (*end || errno || end == r->arg[1]) ? -EINVAL : 0;
	}
	/* Introducing dom0, or a domain whose ring is served, is a no-op. */
	d = rc == 0 ? xs_dom_get(r->c->xs, domid, false) : NULL;
	if (rc == 0 && h->introduce && domid != 0 && !(d && d->introduced && d->conn))
		rc = h->introduce(h->arg, domid, (uint64_t)gfn, evtchn);
	if (rc == 0)
		rc = xs_dom_introduce(r->c->xs, domid);
	return rc ? rc : reply_ok(out);
}

static int op_release(struct xs_req *r, struct xs_reply *out)
{
	const struct xenstored_hooks *h = &r->c->xs->hooks;
	uint32_t domid;
	int rc = req_split(r, 1, 1);

	if (rc == 0)
		rc = parse_domid(r->arg[0], &domid);
	if (rc == 0 && domid == 0)
		rc = -EINVAL;
	if (rc == 0)
		rc = xs_dom_release(r->c->xs, domid);
	if (rc == 0 && h->release)
		h->release(h->arg, domid);
	return rc ? rc : reply_ok(out);
}

/* As lenient as C xenstored, which reads the domid with atoi(). */
static int op_get_domain_path(struct xs_req *r, struct xs_reply *out)
{
	int rc = req_split(r, 1, 1);

	if (rc == 0)
		out->len = (uint32_t)snprintf(out->data, sizeof(out->data), "/local/domain/%u",
					      (unsigned)atoi(r->arg[0])) + 1;
	return rc;
}

static int domid_arg(struct xs_req *r, uint32_t *domid)
{
	int rc = req_split(r, 1, 1);

	return rc < 0 ? rc : parse_domid(r->arg[0], domid);
}

static int op_is_introduced(struct xs_req *r, struct xs_reply *out)
{
	uint32_t domid;
	struct xs_dom *d;
	int rc = domid_arg(r, &domid);

	if (rc < 0)
		return rc;
	d = xs_dom_get(r->c->xs, domid, false);
	return reply_str(out, d && d->introduced ? "T" : "F");
}

static int op_resume(struct xs_req *r, struct xs_reply *out)
{
	uint32_t domid;
	struct xs_dom *d;
	int rc = domid_arg(r, &domid);

	if (rc < 0)
		return rc;
	d = xs_dom_get(r->c->xs, domid, false);
	return d && d->introduced ? reply_ok(out) : -ENOENT;
}

static int op_set_target(struct xs_req *r, struct xs_reply *out)
{
	uint32_t domid, target;
	struct xs_dom *d = NULL;
	int rc = req_split(r, 2, 2);

	if (rc == 0)
		rc = parse_domid(r->arg[0], &domid);
	if (rc == 0)
		rc = parse_domid(r->arg[1], &target);
	if (rc == 0 && !((d = xs_dom_get(r->c->xs, domid, false)) && d->introduced))
		rc = -ENOENT;
	if (rc == 0)
		d->target = target;
	return rc ? rc : reply_ok(out);
}

#define XS_FEATURES_SUPPORTED \
	(XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR | \
	 XENSTORE_SERVER_FEATURE_WATCHDEPTH)

static int op_get_feature(struct xs_req *r, struct xs_reply *out)
{
	uint32_t domid, feat = XS_FEATURES_SUPPORTED;
	struct xs_dom *d;
	int rc = req_split(r, 0, 1);

	if (rc == 0 && r->nargs == 1) {
		rc = parse_domid(r->arg[0], &domid);
		if (rc == 0 && !r->c->priv && domid != r->c->domid)
			rc = -EACCES;
		d = rc ? NULL : xs_dom_get(r->c->xs, domid, false);
		feat = d && d->features ? d->features : XS_FEATURES_SUPPORTED;
	}
	if (rc == 0)
		out->len = (uint32_t)snprintf(out->data, sizeof(out->data), "%u", feat) + 1;
	return rc;
}

static int op_set_feature(struct xs_req *r, struct xs_reply *out)
{
	uint32_t domid, feat;
	struct xs_dom *d = NULL;
	int rc = req_split(r, 2, 2);

	if (rc == 0)
		rc = parse_domid(r->arg[0], &domid);
	if (rc == 0)
		rc = parse_u32(r->arg[1], UINT32_MAX, &feat);
	if (rc == 0 && !(d = xs_dom_get(r->c->xs, domid, true)))
		rc = -ENOMEM;
	if (rc == 0 && (d->introduced || (feat & ~(uint32_t)XS_FEATURES_SUPPORTED)))
		rc = -EINVAL;
	if (rc == 0)
		d->features = feat;
	return rc ? rc : reply_ok(out);
}

/* [domid\0]name\0 -> the quota of that domain, or the default. */
static int quota_target(struct xs_req *r, unsigned base, struct xs_quota **q, size_t *off)
{
	uint32_t domid;
	struct xs_dom *d;
	int rc = xs_quota_lookup(r->arg[base], off);

	*q = &r->c->xs->qdef;
	if (rc == 0 && base == 1) {
		rc = parse_domid(r->arg[0], &domid);
		d = rc ? NULL : xs_dom_get(r->c->xs, domid, false);
		if (rc == 0 && !d)
			rc = -ENOENT;
		if (rc == 0)
			*q = &d->q;
	}
	return rc;
}

static int op_get_quota(struct xs_req *r, struct xs_reply *out)
{
	struct xs_quota *q;
	size_t off;
	int rc = req_split(r, 0, 2);

	if (rc == 0 && r->nargs == 0) {
		rc = xs_quota_names(out->data, sizeof(out->data) - 1);
		if (rc >= 0)
			out->len = (uint32_t)rc + 1;
		return rc < 0 ? rc : 0;
	}
	if (rc == 0)
		rc = quota_target(r, r->nargs - 1, &q, &off);
	if (rc == 0)
		out->len = (uint32_t)snprintf(out->data, sizeof(out->data), "%u",
					      *(uint32_t *)((char *)q + off)) + 1;
	return rc;
}

static int op_set_quota(struct xs_req *r, struct xs_reply *out)
{
	struct xs_quota *q;
	size_t off;
	uint32_t val;
	int rc = req_split(r, 2, 3);

	if (rc == 0)
		rc = parse_u32(r->arg[r->nargs - 1], UINT32_MAX, &val);
	if (rc == 0 && val < 1)
		rc = -EINVAL;
	if (rc == 0)
		rc = quota_target(r, r->nargs - 2, &q, &off);
	if (rc == 0)
		*(uint32_t *)((char *)q + off) = val;
	return rc ? rc : reply_ok(out);
}

static int op_control(struct xs_req *r, struct xs_reply *out)
{
	int rc = req_split(r, 1, MAX_ARGS);

	if (rc < 0)
		return rc;
	if (strcmp(r->arg[0], "print") == 0 && r->nargs == 2) {
		log_info("xenstored: control print: %s", r->arg[1]);
		return reply_ok(out);
	}
	return -EINVAL;
}

/* ---- dispatch -------------------------------------------------------------- */

static const struct {
	const char *name;
	op_fn fn;
	unsigned flags;
} ops[XS_TYPE_COUNT] = {
#define X(type, fn, flags) [type] = { #type, op_##fn, flags },
#include "xld/xenstore/ops.def"
#undef X
};

void xs_ops_dispatch(struct xs_conn *c, const struct xsd_sockmsg *hdr, char *body)
{
	struct xs_req r = { .c = c, .hdr = hdr, .body = body, .len = hdr->len };
	struct xs_reply *out = malloc(sizeof(*out));
	int rc;

	if (!out) {
		xs_conn_send_error(c, hdr, ENOMEM);
		return;
	}
	out->len = 0;
	if (hdr->type >= XS_TYPE_COUNT || !ops[hdr->type].fn)
		rc = -ENOSYS;
	else if ((ops[hdr->type].flags & OPF_PRIV) && !c->priv)
		rc = -EACCES;
	else if (hdr->tx_id && (ops[hdr->type].flags & OPF_TX) &&
		 !(r.tx = xs_tx_find(c, hdr->tx_id)))
		rc = -ENOENT;
	else {
		xs_journal_hold(c->xs); /* one journal write per request, before the reply */
		rc = ops[hdr->type].fn(&r, out);
		xs_journal_release(c->xs);
	}
	if (rc < 0)
		xs_conn_send_error(c, hdr, rc);
	else if (rc != XS_REPLIED)
		xs_conn_send(c, hdr->type, hdr->req_id, hdr->tx_id, out->data, out->len, true);
	free(out);
}
