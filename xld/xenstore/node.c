/* A node: path, value bytes, the names of its children and its
 * permission list.  Children are kept as the DIRECTORY reply's byte form,
 * so listing a directory is a copy. */
#include "xld/xenstore/xs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct xs_node *xs_node_new(const char *path, const void *val, uint32_t vlen,
			    const struct xs_perm *perms, uint32_t nperms)
{
	struct xs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->path = strdup(path);
	n->perms = xs_perms_dup(perms, nperms);
	n->nperms = nperms;
	if (!n->path || !n->perms || xs_node_set_value(n, val, vlen) < 0) {
		xs_node_free(n);
		return NULL;
	}
	return n;
}

struct xs_node *xs_node_dup(const struct xs_node *src)
{
	struct xs_node *n = xs_node_new(src->path, src->value, src->vlen, src->perms,
					src->nperms);

	if (!n)
		return NULL;
	n->gen = src->gen;
	n->tomb = src->tomb;
	if (src->clen) {
		n->children = malloc(src->clen);
		if (!n->children) {
			xs_node_free(n);
			return NULL;
		}
		memcpy(n->children, src->children, src->clen);
		n->clen = src->clen;
	}
	return n;
}

void xs_node_free(struct xs_node *n)
{
	if (!n)
		return;
	free(n->path);
	free(n->value);
	free(n->children);
	free(n->perms);
	free(n);
}

int xs_node_set_value(struct xs_node *n, const void *val, uint32_t vlen)
{
	char *v = malloc((size_t)vlen + 1);

	if (!v)
		return -ENOMEM;
	if (vlen)
		memcpy(v, val, vlen);
	v[vlen] = '\0';
	free(n->value);
	n->value = v;
	n->vlen = vlen;
	return 0;
}

int xs_node_set_perms(struct xs_node *n, const struct xs_perm *p, uint32_t np)
{
	struct xs_perm *d = xs_perms_dup(p, np);

	if (!d)
		return -ENOMEM;
	free(n->perms);
	n->perms = d;
	n->nperms = np;
	return 0;
}

static char *find_child(struct xs_node *n, const char *leaf)
{
	for (uint32_t i = 0; i < n->clen; i += (uint32_t)strlen(n->children + i) + 1) {
		if (strcmp(n->children + i, leaf) == 0)
			return n->children + i;
	}
	return NULL;
}

int xs_node_add_child(struct xs_node *n, const char *leaf)
{
	size_t l = strlen(leaf) + 1;
	char *c;

	if (find_child(n, leaf))
		return 0;
	c = realloc(n->children, n->clen + l);
	if (!c)
		return -ENOMEM;
	memcpy(c + n->clen, leaf, l);
	n->children = c;
	n->clen += (uint32_t)l;
	return 0;
}

void xs_node_del_child(struct xs_node *n, const char *leaf)
{
	char *c = find_child(n, leaf);
	size_t l;

	if (!c)
		return;
	l = strlen(c) + 1;
	memmove(c, c + l, n->clen - (size_t)(c - n->children) - l);
	n->clen -= (uint32_t)l;
}

/* What counts against the node-size quota, like C xenstored's record:
 * value, children names and permissions. */
uint32_t xs_node_size(const struct xs_node *n)
{
	return n->vlen + n->clen + n->nperms * (uint32_t)sizeof(struct xs_perm);
}
