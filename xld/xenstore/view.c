/* The store as one connection sees it.  Outside a transaction a view is the
 * committed tree.  Inside one, changed nodes live in the transaction's
 * overlay (deletions as tombstones) and every committed node looked at is
 * remembered with its generation, so that the commit can tell whether
 * anything this transaction depended on changed meanwhile (EAGAIN). */
#include "xld/xenstore/xs.h"

#include <stdlib.h>
#include <string.h>

static void note_seen(struct xs_tx *tx, const char *path, const struct xs_node *n)
{
	struct xs_seen *s;

	if (xs_hmap_get(&tx->seen, path))
		return;
	s = calloc(1, sizeof(*s));
	if (!s)
		return;
	s->path = strdup(path);
	s->gen = n ? n->gen : 0;
	if (!s->path || xs_hmap_put(&tx->seen, s->path, s, NULL) < 0) {
		free(s->path);
		free(s);
		/* Cannot track it: make the commit fail rather than be wrong. */
		tx->broken = true;
	}
}

struct xs_node *xs_view_get(struct xenstored *xs, struct xs_tx *tx, const char *path)
{
	struct xs_node *n;

	if (tx) {
		n = xs_hmap_get(&tx->overlay, path);
		if (n)
			return n->tomb ? NULL : n;
	}
	n = xs_hmap_get(&xs->nodes, path);
	if (tx)
		note_seen(tx, path, n);
	return n;
}

struct xs_node *xs_view_edit(struct xenstored *xs, struct xs_tx *tx, const char *path)
{
	struct xs_node *n = xs_view_get(xs, tx, path), *copy;

	if (!n || !tx || xs_hmap_get(&tx->overlay, path) == n)
		return n;
	copy = xs_node_dup(n);
	if (!copy)
		return NULL;
	if (xs_hmap_put(&tx->overlay, copy->path, copy, NULL) < 0) {
		xs_node_free(copy);
		return NULL;
	}
	return copy;
}

void xs_store_account(struct xenstored *xs, const struct xs_node *old, const struct xs_node *new_)
{
	struct xs_dom *d;

	if (old && !xs_path_is_special(old->path)) {
		d = xs_dom_get(xs, old->perms[0].id, false);
		if (d && d->nnodes)
			d->nnodes--;
	}
	if (new_ && !xs_path_is_special(new_->path)) {
		d = xs_dom_get(xs, new_->perms[0].id, true);
		if (d)
			d->nnodes++;
	}
}

int xs_view_insert(struct xenstored *xs, struct xs_tx *tx, struct xs_node *n)
{
	void *old = NULL;
	int rc;

	if (!tx) {
		n->gen = ++xs->gen;
		rc = xs_hmap_put(&xs->nodes, n->path, n, &old);
		if (rc == 0) {
			xs_store_account(xs, old, n);
			xs_journal_node(xs, n);
		}
		xs_node_free(old);
		return rc;
	}
	(void)xs_view_get(xs, tx, n->path);
	rc = xs_hmap_put(&tx->overlay, n->path, n, &old);
	xs_node_free(old);
	return rc;
}

void xs_view_remove(struct xenstored *xs, struct xs_tx *tx, const char *path)
{
	struct xs_node *n;

	if (!tx) {
		n = xs_hmap_del(&xs->nodes, path);
		xs_store_account(xs, n, NULL);
		if (n)
			xs_journal_removed(xs, path);
		xs_node_free(n);
		return;
	}
	n = xs_view_edit(xs, tx, path);
	if (n)
		n->tomb = true;
}

void xs_view_touch(struct xenstored *xs, struct xs_tx *tx, struct xs_node *n)
{
	if (!tx) {
		n->gen = ++xs->gen;
		xs_journal_node(xs, n);
	}
}
