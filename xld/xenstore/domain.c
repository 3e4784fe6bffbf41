/* Domains as the store knows them: introduced or not, their quotas and
 * usage, SET_TARGET, features, and the ring connection if attached.  An
 * entry also exists for a domain that merely owns nodes (usage counts). */
#include "xld/xenstore/xs.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	size_t off;
} quota_names[] = {
#define X(field, name, def) { name, offsetof(struct xs_quota, field) },
#include "xld/xenstore/quota.def"
#undef X
};

int xs_quota_lookup(const char *name, size_t *offset)
{
	for (size_t i = 0; i < sizeof(quota_names) / sizeof(quota_names[0]); i++) {
		if (strcmp(quota_names[i].name, name) == 0) {
			*offset = quota_names[i].off;
			return 0;
		}
	}
	return -EINVAL;
}

/* Space-separated names, for GET_QUOTA without arguments. */
int xs_quota_names(char *buf, size_t size)
{
	size_t off = 0;

	for (size_t i = 0; i < sizeof(quota_names) / sizeof(quota_names[0]); i++) {
		int w = snprintf(buf + off, size - off, "%s%s", i ? " " : "", quota_names[i].name);
		if (w < 0 || (size_t)w >= size - off)
			return -E2BIG;
		off += (size_t)w;
	}
	return (int)off;
}

const struct xs_quota *xs_conn_quota(const struct xs_conn *c)
{
	if (c->priv)
		return NULL;
	return c->dom ? &c->dom->q : &c->xs->qdef;
}

struct xs_dom *xs_dom_get(struct xenstored *xs, uint32_t domid, bool create)
{
	struct xs_dom *d;

	for (d = xs->doms; d; d = d->next) {
		if (d->domid == domid)
			return d;
	}
	if (!create || !(d = calloc(1, sizeof(*d))))
		return NULL;
	d->domid = domid;
	d->target = XS_DOMID_INVALID;
	d->q = xs->qdef;
	d->next = xs->doms;
	xs->doms = d;
	return d;
}

/* Fire @introduceDomain, @releaseDomain or @releaseDomain/<id>; who may
 * hear it is set by the permissions of the node `perms_of`. */
static void fire_special(struct xenstored *xs, const char *path, const char *perms_of)
{
	struct xs_node *n = xs_hmap_get(&xs->nodes, perms_of);
	struct xs_perm none = { 0, XS_PERM_NONE };

	if (n)
		xs_watch_fire(xs, path, n->perms, n->nperms, false);
	else
		xs_watch_fire(xs, path, &none, 1, false);
}

int xs_dom_introduce(struct xenstored *xs, uint32_t domid)
{
	struct xs_dom *d = xs_dom_get(xs, domid, true);

	if (!d)
		return -ENOMEM;
	if (d->introduced)
		return 0;
	d->introduced = true;
	xs_journal_domain(xs, domid, true);
	fire_special(xs, "@introduceDomain", "@introduceDomain");
	return 0;
}

static int cmp_depth(const void *a, const void *b)
{
	return xs_path_depth(*(char *const *)a) - xs_path_depth(*(char *const *)b);
}

/* Every node the domain owns goes, with its subtree (XSA-418 behaviour of
 * C xenstored); shortest paths first so subtrees go in one step. */
static void remove_owned(struct xenstored *xs, uint32_t domid)
{
	struct xs_hent *it = NULL;
	size_t pos = 0, n = 0;
	char **paths = calloc(xs->nodes.count + 1, sizeof(*paths));

	if (!paths)
		return;
	while ((it = xs_hmap_next(&xs->nodes, it, &pos))) {
		struct xs_node *node = it->val;
		if (node->perms[0].id == domid && !xs_path_is_special(node->path) &&
		    strcmp(node->path, "/") != 0)
			paths[n++] = strdup(node->path);
	}
	qsort(paths, n, sizeof(*paths), cmp_depth);
	for (size_t i = 0; i < n; i++) {
		if (paths[i])
			xs_op_rm(xs->local, NULL, paths[i]);
		free(paths[i]);
	}
	free(paths);
}

/* Entries naming the domain go from the remaining lists (XSA-322). */
static void strip_perms(struct xenstored *xs, uint32_t domid)
{
	struct xs_hent *it = NULL;
	size_t pos = 0;

	while ((it = xs_hmap_next(&xs->nodes, it, &pos))) {
		struct xs_node *node = it->val;
		uint32_t j = 1;
		for (uint32_t i = 1; i < node->nperms; i++) {
			if (node->perms[i].id != domid)
				node->perms[j++] = node->perms[i];
		}
		if (j != node->nperms) {
			node->nperms = j;
			node->gen = ++xs->gen;
			xs_journal_node(xs, node);
		}
	}
}

int xs_dom_release(struct xenstored *xs, uint32_t domid)
{
	struct xs_dom *d = xs_dom_get(xs, domid, false), **p;
	char path[40];

	if (!d || !d->introduced)
		return -ENOENT;
	if (domid == 0)
		return -EINVAL;
	/* Every connection acting as the domain goes (normally its ring). */
	for (struct xs_conn *c = xs->conns, *next; c; c = next) {
		next = c->next;
		if (c->dom == d)
			xs_conn_free(c);
	}
	xs_journal_hold(xs);
	remove_owned(xs, domid);
	strip_perms(xs, domid);
	xs_journal_domain(xs, domid, false);
	xs_journal_release(xs);
	for (p = &xs->doms; *p != d; p = &(*p)->next)
		;
	*p = d->next;
	free(d);
	fire_special(xs, "@releaseDomain", "@releaseDomain");
	snprintf(path, sizeof(path), "@releaseDomain/%u", domid);
	fire_special(xs, path, "@releaseDomain");
	return 0;
}

void xs_dom_free_all(struct xenstored *xs)
{
	while (xs->doms) {
		struct xs_dom *d = xs->doms;
		xs->doms = d->next;
		free(d);
	}
}
