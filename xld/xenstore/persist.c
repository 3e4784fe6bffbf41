/* Saving and loading the whole store, for xld's crash recovery.
 *
 * Format (host byte order; the file never leaves the host):
 *   "VMXSTOR1"
 *   'N' u32 pathlen, path, u32 vlen, value, u32 nperms, nperms x (u32 id, u32 bits)
 *   'D' u32 domid            (an introduced domain)
 *   'E'
 * Nodes come parents first, so a loader can check that every node hangs in
 * the tree.  A file that does not parse leaves the store untouched. */
#include "xld/xenstore/xs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC "VMXSTOR1"
#define LOAD_MAX (512u << 20)

static int cmp_nodes(const void *a, const void *b)
{
	const struct xs_node *x = *(struct xs_node *const *)a, *y = *(struct xs_node *const *)b;
	int dx = xs_path_is_special(x->path) ? -1 : xs_path_depth(x->path);
	int dy = xs_path_is_special(y->path) ? -1 : xs_path_depth(y->path);

	return dx != dy ? dx - dy : strcmp(x->path, y->path);
}

static int write_image(struct xenstored *xs, FILE *f)
{
	struct xs_node **v = calloc(xs->nodes.count + 1, sizeof(*v));
	struct xs_hent *it = NULL;
	size_t pos = 0, n = 0;

	if (!v)
		return -ENOMEM;
	while ((it = xs_hmap_next(&xs->nodes, it, &pos)))
		v[n++] = it->val;
	qsort(v, n, sizeof(*v), cmp_nodes);
	fwrite(MAGIC, 1, 8, f);
	for (size_t i = 0; i < n; i++)
		xs_rec_put_node(f, v[i]);
	for (struct xs_dom *d = xs->doms; d; d = d->next) {
		if (d->introduced) {
			fputc('D', f);
			xs_rec_put_u32(f, d->domid);
		}
	}
	fputc('E', f);
	free(v);
	return 0;
}

int xenstored_save(struct xenstored *xs, const char *file)
{
	size_t l = strlen(file);
	char *tmp = malloc(l + 5);
	FILE *f = NULL;
	int rc = -ENOMEM;

	if (!tmp)
		goto out;
	sprintf(tmp, "%s.tmp", file);
	f = fopen(tmp, "we");
	if (!f) {
		rc = -errno;
		goto out;
	}
	rc = write_image(xs, f);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0)
		rc = rc ? rc : -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -EIO;
	f = NULL;
	if (rc == 0 && rename(tmp, file) < 0)
		rc = -errno;
	if (rc == 0)
		xs_journal_reset(xs);
	if (rc < 0)
		unlink(tmp);
out:
	free(tmp);
	return rc;
}

/* ---- loading ------------------------------------------------------------- */

/* Put `n` into `h` below its parent (already there). */
static int hang_node(struct xs_hmap *h, struct xs_node *n)
{
	char *pp;
	struct xs_node *parent;
	int rc = 0;

	if (!xs_path_valid(n->path) || xs_hmap_get(h, n->path))
		return -EINVAL;
	if (!xs_path_is_special(n->path) && strcmp(n->path, "/") != 0) {
		pp = xs_path_parent(n->path);
		parent = pp ? xs_hmap_get(h, pp) : NULL;
		rc = parent ? xs_node_add_child(parent, xs_path_leaf(n->path)) : -EINVAL;
		free(pp);
	}
	return rc ? rc : xs_hmap_put(h, n->path, n, NULL);
}

static int parse_image(struct xs_rec_reader *r, struct xs_hmap *h, uint32_t *doms, size_t *ndoms)
{
	if (!xs_rec_get_bytes(r, 8) || memcmp(r->p - 8, MAGIC, 8) != 0)
		return -EINVAL;
	while (r->p < r->end) {
		char tag = *r->p++;
		if (tag == 'E')
			return xs_hmap_get(h, "/") ? 0 : -EINVAL;
		if (tag == 'D' && *ndoms < 4096) {
			doms[(*ndoms)++] = xs_rec_get_u32(r);
			continue;
		}
		struct xs_node *n = tag == 'N' ? xs_rec_get_node(r) : NULL;
		if (!n || hang_node(h, n) < 0) {
			xs_node_free(n);
			return -EINVAL;
		}
	}
	return -EINVAL;
}

int xs_read_file(const char *file, char **buf, size_t *len)
{
	FILE *f = fopen(file, "re");
	size_t cap = 65536, n = 0;
	char *b = NULL;
	int rc = 0;

	if (!f)
		return -errno;
	for (;;) {
		char *nb = realloc(b, cap);
		if (!nb || cap > LOAD_MAX) {
			rc = nb ? -EFBIG : -ENOMEM;
			b = nb ? nb : b;
			break;
		}
		b = nb;
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
	}
	if (rc == 0 && ferror(f))
		rc = -EIO;
	fclose(f);
	if (rc < 0) {
		free(b);
		return rc;
	}
	*buf = b;
	*len = n;
	return 0;
}

static void adopt(struct xenstored *xs, struct xs_hmap *h, const uint32_t *doms, size_t ndoms)
{
	struct xs_hent *it = NULL;
	size_t pos = 0;

	xs_nodes_free(&xs->nodes);
	xs->nodes = *h;
	for (struct xs_dom *d = xs->doms; d; d = d->next)
		d->nnodes = 0;
	while ((it = xs_hmap_next(&xs->nodes, it, &pos))) {
		struct xs_node *n = it->val;
		n->gen = ++xs->gen; /* open transactions must not commit */
		xs_store_account(xs, NULL, n);
	}
	for (size_t i = 0; i < ndoms; i++) {
		struct xs_dom *d = xs_dom_get(xs, doms[i], true);
		if (d)
			d->introduced = true;
	}
}

int xenstored_load(struct xenstored *xs, const char *file)
{
	struct xs_hmap h = { 0 };
	struct xs_rec_reader r;
	uint32_t *doms = calloc(4096, sizeof(*doms));
	size_t len = 0, ndoms = 0;
	char *buf = NULL;
	int rc = doms ? xs_read_file(file, &buf, &len) : -ENOMEM;

	if (rc == 0)
		rc = xs_hmap_init(&h);
	if (rc == 0) {
		r = (struct xs_rec_reader){ buf, buf + len, false };
		rc = parse_image(&r, &h, doms, &ndoms);
	}
	if (rc == 0)
		adopt(xs, &h, doms, ndoms);
	else if (h.b)
		xs_nodes_free(&h);
	free(buf);
	free(doms);
	return rc;
}
