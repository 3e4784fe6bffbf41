/* Node operations as a connection asks for them: permission checks, quota
 * checks, creation of missing parents, and the watch events they cause
 * (at once, or at commit inside a transaction). */
#include "xld/xenstore/xs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int check_access(const struct xs_conn *c, const struct xs_node *n, uint32_t bits)
{
	return (xs_perms_access(c, n->perms, n->nperms) & bits) == bits ? 0 : -EACCES;
}

/* A missing node is ENOENT, unless the caller may not read the nearest
 * existing ancestor: then EACCES, so that absence leaks nothing. */
static int missing_err(struct xs_conn *c, struct xs_tx *tx, const char *path)
{
	char *p = strdup(path), *parent;
	struct xs_node *a = NULL;
	int rc = -ENOMEM;

	while (p && !xs_path_is_special(p) && strcmp(p, "/") != 0) {
		parent = xs_path_parent(p);
		free(p);
		p = parent;
		a = p ? xs_view_get(c->xs, tx, p) : NULL;
		if (a)
			break;
	}
	if (a)
		rc = check_access(c, a, XS_PERM_READ) ? -EACCES : -ENOENT;
	else if (p)
		rc = -ENOENT;
	free(p);
	return rc;
}

static int lookup(struct xs_conn *c, struct xs_tx *tx, const char *path, uint32_t bits,
		  struct xs_node **out)
{
	struct xs_node *n = xs_view_get(c->xs, tx, path);

	if (!n)
		return missing_err(c, tx, path);
	*out = n;
	return check_access(c, n, bits);
}

static void note_event(struct xs_conn *c, struct xs_tx *tx, const char *path,
		       const struct xs_node *n, bool recurse)
{
	if (tx)
		xs_tx_add_event(tx, path, n, recurse);
	else
		xs_watch_fire(c->xs, path, n->perms, n->nperms, recurse);
}

/* Room for one more node owned by the caller, and one more overlay entry. */
static int quota_room(struct xs_conn *c, struct xs_tx *tx, uint32_t more)
{
	const struct xs_quota *q = xs_conn_quota(c);
	struct xs_dom *d = xs_dom_get(c->xs, c->domid, true);
	int64_t used;

	if (!q)
		return 0;
	if (!d)
		return -ENOMEM;
	used = (int64_t)d->nnodes + (tx ? tx->created : 0);
	if (used + more > q->nodes)
		return -ENOSPC;
	if (tx && tx->overlay.count + more > q->txnodes)
		return -ENOSPC;
	return 0;
}

static int value_fits(struct xs_conn *c, uint32_t vlen, uint32_t clen, uint32_t nperms)
{
	const struct xs_quota *q = xs_conn_quota(c);
	uint32_t size = vlen + clen + nperms * (uint32_t)sizeof(struct xs_perm);

	return q && size > q->nodesize ? -ENOSPC : 0;
}

static int link_child(struct xs_conn *c, struct xs_tx *tx, const char *ppath, const char *path)
{
	struct xs_node *p = xs_view_edit(c->xs, tx, ppath);

	if (!p || xs_node_add_child(p, xs_path_leaf(path)) < 0)
		return -ENOMEM;
	xs_view_touch(c->xs, tx, p);
	return 0;
}

/* Create `path` with its missing parents; the new nodes inherit their
 * parent's permissions, owned by the creator if it is unprivileged. */
static int create_node(struct xs_conn *c, struct xs_tx *tx, const char *path,
		       const void *val, uint32_t vlen, struct xs_node **out)
{
	char *ppath = xs_path_parent(path);
	struct xs_node *parent, *n = NULL;
	int rc = -ENOMEM;

	if (!ppath)
		goto out;
	parent = xs_view_get(c->xs, tx, ppath);
	if (!parent)
		rc = create_node(c, tx, ppath, "", 0, &parent);
	else
		rc = check_access(c, parent, XS_PERM_WRITE);
	if (rc == 0)
		rc = quota_room(c, tx, 1);
	if (rc < 0)
		goto out;
	rc = -ENOMEM;
	n = xs_node_new(path, val, vlen, parent->perms, parent->nperms);
	if (!n)
		goto out;
	if (!c->priv)
		n->perms[0].id = c->domid;
	rc = link_child(c, tx, ppath, path);
	if (rc == 0)
		rc = xs_view_insert(c->xs, tx, n);
	if (rc < 0)
		goto out;
	if (tx)
		tx->created++;
	*out = n;
	n = NULL;
out:
	xs_node_free(n);
	free(ppath);
	return rc;
}

int xs_op_read(struct xs_conn *c, struct xs_tx *tx, const char *path, struct xs_node **out)
{
	return lookup(c, tx, path, XS_PERM_READ, out);
}

int xs_op_write(struct xs_conn *c, struct xs_tx *tx, const char *path, const void *val,
		uint32_t vlen)
{
	struct xs_node *n = xs_view_get(c->xs, tx, path);
	int rc;

	if (!n) {
		rc = value_fits(c, vlen, 0, 1);
		if (rc == 0)
			rc = create_node(c, tx, path, val, vlen, &n);
	} else {
		rc = check_access(c, n, XS_PERM_WRITE);
		if (rc == 0)
			rc = value_fits(c, vlen, n->clen, n->nperms);
		if (rc == 0)
			rc = quota_room(c, tx, 0);
		if (rc == 0 && !(n = xs_view_edit(c->xs, tx, path)))
			rc = -ENOMEM;
		if (rc == 0)
			rc = xs_node_set_value(n, val, vlen);
		if (rc == 0)
			xs_view_touch(c->xs, tx, n);
	}
	if (rc == 0)
		note_event(c, tx, path, n, false);
	return rc;
}

int xs_op_mkdir(struct xs_conn *c, struct xs_tx *tx, const char *path)
{
	struct xs_node *n = xs_view_get(c->xs, tx, path);
	int rc;

	if (n)
		return check_access(c, n, XS_PERM_WRITE);
	rc = create_node(c, tx, path, "", 0, &n);
	if (rc == 0)
		note_event(c, tx, path, n, false);
	return rc;
}

static void remove_tree(struct xs_conn *c, struct xs_tx *tx, const char *path)
{
	struct xs_node *n = xs_view_get(c->xs, tx, path);
	size_t plen = strlen(path);

	if (!n)
		return;
	for (uint32_t i = 0; i < n->clen; i += (uint32_t)strlen(n->children + i) + 1) {
		const char *leaf = n->children + i;
		char *child = malloc(plen + strlen(leaf) + 2);
		if (!child)
			continue;
		strcpy(child, path);
		if (plen > 1)
			strcat(child, "/");
		strcat(child, leaf);
		remove_tree(c, tx, child);
		free(child);
	}
	if (tx && n->perms[0].id == c->domid)
		tx->created--;
	xs_view_remove(c->xs, tx, path);
}

int xs_op_rm(struct xs_conn *c, struct xs_tx *tx, const char *path)
{
	struct xs_node *n = xs_view_get(c->xs, tx, path), *copy = NULL;
	char *ppath = NULL;
	int rc;

	if (strcmp(path, "/") == 0)
		return -EINVAL;
	ppath = xs_path_parent(path);
	if (!ppath)
		return -ENOMEM;
	if (!n) {
		/* Removing a missing node is fine if its parent exists. */
		rc = xs_view_get(c->xs, tx, ppath) ? 0 : missing_err(c, tx, path);
		goto out;
	}
	rc = check_access(c, n, XS_PERM_WRITE);
	if (rc == 0 && tx)
		rc = quota_room(c, tx, 1);
	if (rc == 0 && !(copy = xs_node_new(path, "", 0, n->perms, n->nperms)))
		rc = -ENOMEM;
	if (rc < 0)
		goto out;
	remove_tree(c, tx, path);
	n = xs_view_edit(c->xs, tx, ppath);
	if (n) {
		xs_node_del_child(n, xs_path_leaf(path));
		xs_view_touch(c->xs, tx, n);
	}
	note_event(c, tx, path, copy, true);
out:
	xs_node_free(copy);
	free(ppath);
	return rc;
}

static bool is_owner(const struct xs_conn *c, const struct xs_node *n)
{
	const struct xs_dom *d = c->dom;

	return c->priv || c->domid == n->perms[0].id ||
	       (d && d->target != XS_DOMID_INVALID && d->target == n->perms[0].id);
}

int xs_op_set_perms(struct xs_conn *c, struct xs_tx *tx, const char *path,
		    const struct xs_perm *p, uint32_t np)
{
	struct xs_node *n = xs_view_get(c->xs, tx, path);
	int rc;

	if (!n)
		return missing_err(c, tx, path);
	if (xs_path_is_special(path) && !c->priv)
		return -EACCES;
	if (!is_owner(c, n))
		return -EACCES;
	/* Giving a node away is for privileged callers (C xenstored). */
	if (!c->priv && p[0].id != n->perms[0].id)
		return -EPERM;
	rc = value_fits(c, n->vlen, n->clen, np);
	if (rc == 0)
		rc = quota_room(c, tx, 0);
	if (rc < 0)
		return rc;
	if (!tx)
		xs_store_account(c->xs, n, NULL);
	n = xs_view_edit(c->xs, tx, path);
	if (!n)
		return -ENOMEM;
	rc = xs_node_set_perms(n, p, np);
	if (!tx)
		xs_store_account(c->xs, NULL, n);
	if (rc == 0) {
		xs_view_touch(c->xs, tx, n);
		note_event(c, tx, path, n, false);
	}
	return rc;
}

int xs_op_get_perms(struct xs_conn *c, struct xs_tx *tx, const char *path,
		    const struct xs_perm **p, uint32_t *np)
{
	struct xs_node *n = NULL;
	int rc = lookup(c, tx, path, XS_PERM_READ, &n);

	if (rc == 0) {
		*p = n->perms;
		*np = n->nperms;
	}
	return rc;
}
