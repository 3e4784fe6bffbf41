/* Transactions: optimistic, per node.  A transaction works on an overlay
 * and remembers the generation of every committed node it looked at; the
 * commit fails with EAGAIN if any of them changed since, else it applies
 * the overlay and fires the events collected meanwhile.  Unrelated writes
 * by other clients (other guests) therefore do not make it fail. */
#include "xld/xenstore/xs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct xs_tx *xs_tx_find(struct xs_conn *c, uint32_t id)
{
	for (struct xs_tx *t = c->txs; t; t = t->next) {
		if (t->id == id)
			return t;
	}
	return NULL;
}

static uint32_t next_id(struct xs_conn *c)
{
	uint32_t id;

	do {
		id = c->next_txid++;
	} while (id == 0 || xs_tx_find(c, id));
	return id;
}

int xs_tx_start(struct xs_conn *c, uint32_t *id)
{
	const struct xs_quota *q = xs_conn_quota(c);
	struct xs_tx *t;

	if (q && c->dom && c->dom->ntx >= q->transactions)
		return -ENOSPC;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (xs_hmap_init(&t->overlay) < 0 || xs_hmap_init(&t->seen) < 0) {
		xs_hmap_dispose(&t->overlay);
		free(t);
		return -ENOMEM;
	}
	t->events_tail = &t->events;
	t->id = next_id(c);
	t->next = c->txs;
	c->txs = t;
	if (c->dom)
		c->dom->ntx++;
	*id = t->id;
	return 0;
}

static void event_free(struct xs_event *e)
{
	free(e->path);
	free(e->perms);
	free(e);
}

void xs_tx_add_event(struct xs_tx *tx, const char *path, const struct xs_node *n, bool recurse)
{
	struct xs_event *e = calloc(1, sizeof(*e));

	if (!e)
		return;
	e->path = strdup(path);
	e->perms = xs_perms_dup(n->perms, n->nperms);
	e->nperms = n->nperms;
	e->recurse = recurse;
	if (!e->path || !e->perms) {
		event_free(e);
		return;
	}
	*tx->events_tail = e;
	tx->events_tail = &e->next;
}

static void tx_free(struct xs_conn *c, struct xs_tx *t)
{
	struct xs_hent *it = NULL;
	size_t pos = 0;

	while ((it = xs_hmap_next(&t->overlay, it, &pos)))
		xs_node_free(it->val);
	it = NULL;
	while ((it = xs_hmap_next(&t->seen, it, &pos))) {
		struct xs_seen *s = it->val;
		free(s->path);
		free(s);
	}
	xs_hmap_dispose(&t->overlay);
	xs_hmap_dispose(&t->seen);
	while (t->events) {
		struct xs_event *e = t->events;
		t->events = e->next;
		event_free(e);
	}
	if (c->dom && c->dom->ntx)
		c->dom->ntx--;
	free(t);
}

static bool tx_conflicts(struct xenstored *xs, struct xs_tx *t)
{
	struct xs_hent *it = NULL;
	size_t pos = 0;

	if (t->broken)
		return true;
	while ((it = xs_hmap_next(&t->seen, it, &pos))) {
		struct xs_seen *s = it->val;
		struct xs_node *cur = xs_hmap_get(&xs->nodes, s->path);
		if ((cur ? cur->gen : 0) != s->gen)
			return true;
	}
	return false;
}

/* Move every overlay node into the store; nodes leave the overlay. */
static void tx_apply(struct xenstored *xs, struct xs_tx *t)
{
	struct xs_hent *it = NULL;
	size_t pos = 0;

	xs_journal_hold(xs);
	while ((it = xs_hmap_next(&t->overlay, it, &pos))) {
		struct xs_node *n = it->val, *old = NULL;
		it->val = NULL;
		if (n->tomb) {
			old = xs_hmap_del(&xs->nodes, n->path);
			xs_store_account(xs, old, NULL);
			if (old)
				xs_journal_removed(xs, n->path);
			xs_node_free(n);
		} else {
			n->gen = ++xs->gen;
			if (xs_hmap_put(&xs->nodes, n->path, n, (void **)&old) < 0) {
				xs_node_free(n); /* ENOMEM: lose this node, keep going */
				continue;
			}
			xs_store_account(xs, old, n);
			xs_journal_node(xs, n);
		}
		xs_node_free(old);
	}
	xs_journal_release(xs);
}

int xs_tx_end(struct xs_conn *c, uint32_t id, bool commit)
{
	struct xs_tx **p = &c->txs, *t;
	int rc = 0;

	while (*p && (*p)->id != id)
		p = &(*p)->next;
	t = *p;
	if (!t)
		return -ENOENT;
	*p = t->next;
	if (commit && tx_conflicts(c->xs, t)) {
		rc = -EAGAIN;
	} else if (commit) {
		tx_apply(c->xs, t);
		for (struct xs_event *e = t->events; e; e = e->next)
			xs_watch_fire(c->xs, e->path, e->perms, e->nperms, e->recurse);
	}
	tx_free(c, t);
	return rc;
}

void xs_tx_free_all(struct xs_conn *c)
{
	while (c->txs) {
		struct xs_tx *t = c->txs;
		c->txs = t->next;
		tx_free(c, t);
	}
}
