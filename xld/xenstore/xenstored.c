/* Store lifecycle: the initial tree, and tearing everything down. */
#include "xld/xenstore/xs.h"
#include "common/evloop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct xs_transport_ops local_ops = { .name = "local" };

static int add_special(struct xenstored *xs, const char *path)
{
	struct xs_perm p = { 0, XS_PERM_NONE };
	struct xs_node *n = xs_node_new(path, "", 0, &p, 1);

	if (!n)
		return -ENOMEM;
	n->gen = ++xs->gen;
	if (xs_hmap_put(&xs->nodes, n->path, n, NULL) < 0) {
		xs_node_free(n);
		return -ENOMEM;
	}
	return 0;
}

/* As C xenstored starts: `/`, `/tool`, `/tool/xenstored`, plus the two
 * special nodes that carry the permissions of the domain watches. */
static int initial_tree(struct xenstored *xs)
{
	struct xs_perm p = { 0, XS_PERM_NONE };
	struct xs_node *root = xs_node_new("/", "", 0, &p, 1);
	int rc;

	if (!root)
		return -ENOMEM;
	rc = xs_view_insert(xs, NULL, root);
	if (rc < 0) {
		xs_node_free(root);
		return rc;
	}
	rc = xs_op_mkdir(xs->local, NULL, "/tool/xenstored");
	if (rc == 0)
		rc = add_special(xs, "@introduceDomain");
	if (rc == 0)
		rc = add_special(xs, "@releaseDomain");
	if (rc == 0)
		rc = xs_dom_introduce(xs, 0); /* dom0 is always there */
	return rc;
}

struct xenstored *xenstored_new(struct evloop *loop)
{
	struct xenstored *xs = calloc(1, sizeof(*xs));

	if (!xs)
		return NULL;
	xs->loop = loop;
	xs->out_max = XS_OUT_MAX_DEFAULT;
	xs->lev_tail = &xs->lev_head;
	xs->journal_fd = -1;
#define X(field, name, def) xs->qdef.field = def;
#include "xld/xenstore/quota.def"
#undef X
	if (xs_hmap_init(&xs->nodes) < 0)
		goto fail;
	xs->local = xs_conn_new(xs, &local_ops, NULL, 0, true);
	if (!xs->local || initial_tree(xs) < 0)
		goto fail;
	return xs;
fail:
	xenstored_free(xs);
	return NULL;
}

void xs_nodes_free(struct xs_hmap *h)
{
	struct xs_hent *it = NULL;
	size_t pos = 0;

	while ((it = xs_hmap_next(h, it, &pos)))
		xs_node_free(it->val);
	xs_hmap_dispose(h);
}

void xenstored_free(struct xenstored *xs)
{
	if (!xs)
		return;
	xs_listeners_free(xs);
	while (xs->conns)
		xs_conn_free(xs->conns);
	xs->local = NULL;
	xs_local_drop(xs);
	if (xs->lev_timer)
		evloop_timer_cancel(xs->loop, xs->lev_timer);
	xs_dom_free_all(xs);
	xs_nodes_free(&xs->nodes);
	xs_journal_close(xs);
	free(xs);
}
