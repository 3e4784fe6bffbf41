/* The record encoding shared by the store image (persist.c) and the journal
 * (journal.c): host byte order, u32 lengths, a node as
 *   u32 pathlen, path, u32 vlen, value, u32 nperms, nperms x (u32 id, u32 bits).
 * The reader never reads past its end; a short or absurd record sets `bad`. */
#include "xld/xenstore/xs.h"

#include <stdlib.h>
#include <string.h>

void xs_rec_put_u32(FILE *f, uint32_t v)
{
	fwrite(&v, sizeof(v), 1, f);
}

void xs_rec_put_path(FILE *f, const char *path)
{
	uint32_t pl = (uint32_t)strlen(path);

	xs_rec_put_u32(f, pl);
	fwrite(path, 1, pl, f);
}

void xs_rec_put_node(FILE *f, const struct xs_node *n)
{
	fputc('N', f);
	xs_rec_put_path(f, n->path);
	xs_rec_put_u32(f, n->vlen);
	fwrite(n->value, 1, n->vlen, f);
	xs_rec_put_u32(f, n->nperms);
	for (uint32_t i = 0; i < n->nperms; i++) {
		xs_rec_put_u32(f, n->perms[i].id);
		xs_rec_put_u32(f, n->perms[i].bits);
	}
}

uint32_t xs_rec_get_u32(struct xs_rec_reader *r)
{
	uint32_t v = 0;

	if (r->end - r->p < 4) {
		r->bad = true;
		return 0;
	}
	memcpy(&v, r->p, 4);
	r->p += 4;
	return v;
}

const char *xs_rec_get_bytes(struct xs_rec_reader *r, uint32_t n)
{
	const char *p = r->p;

	if ((size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return p;
}

/* A valid canonical path, newly allocated, or NULL (and `bad`). */
char *xs_rec_get_path(struct xs_rec_reader *r)
{
	uint32_t pl = xs_rec_get_u32(r);
	const char *path = xs_rec_get_bytes(r, pl);
	char *s = NULL;

	if (!r->bad && pl && pl <= XENSTORE_ABS_PATH_MAX)
		s = strndup(path, pl);
	if (s && (strlen(s) != pl || !xs_path_valid(s))) {
		free(s);
		s = NULL;
	}
	if (!s)
		r->bad = true;
	return s;
}

struct xs_node *xs_rec_get_node(struct xs_rec_reader *r)
{
	char *path = xs_rec_get_path(r);
	uint32_t vl = xs_rec_get_u32(r), np;
	const char *val = xs_rec_get_bytes(r, vl);
	struct xs_perm *perms = NULL;
	struct xs_node *n = NULL;

	np = xs_rec_get_u32(r);
	if (r->bad || !np || np > 4096 || vl > XENSTORE_PAYLOAD_MAX)
		goto out;
	perms = calloc(np, sizeof(*perms));
	for (uint32_t i = 0; perms && i < np; i++) {
		perms[i].id = xs_rec_get_u32(r);
		perms[i].bits = xs_rec_get_u32(r) & XS_PERM_BOTH;
	}
	if (perms && !r->bad)
		n = xs_node_new(path, val, vl, perms, np);
out:
	if (!n)
		r->bad = true;
	free(path);
	free(perms);
	return n;
}
