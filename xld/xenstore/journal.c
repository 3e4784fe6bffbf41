/* The journal: every change to the committed tree is appended to a file
 * before the request that made it is answered, so that a store image plus
 * its journal always hold everything a client was told succeeded, even
 * if xld is killed between two images (persist.c).
 *
 * Records (the encoding of record.c):
 *   'N' node        a node as it is now (created or changed)
 *   'R' path        one node removed (children come first, as removed)
 *   'D' u32 domid   a domain introduced
 *   'd' u32 domid   a domain released
 * Each record states a result, not a delta, so replaying a journal on an
 * image written after some of its records gives the same tree: that makes
 * the order "write the image, then empty the journal" safe.  One write()
 * per request (hold/release batch a transaction's commit), so a killed
 * process leaves whole records; replay stops at the first bad one. */
#include "xld/xenstore/xs.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *journal_buf(struct xenstored *xs)
{
	if (xs->journal_fd < 0)
		return NULL;
	if (!xs->jbuf)
		xs->jbuf = open_memstream(&xs->jdata, &xs->jsize);
	return xs->jbuf;
}

static void journal_flush(struct xenstored *xs)
{
	int rc;

	if (!xs->jbuf || xs->jhold || fflush(xs->jbuf) != 0 || !xs->jsize)
		return;
	rc = write_all(xs->journal_fd, xs->jdata, xs->jsize);
	if (rc < 0)
		log_error("xenstore journal: %s (recovery may lose recent changes)",
			  strerror(-rc));
	rewind(xs->jbuf);
	xs->jsize = 0;
}

void xs_journal_hold(struct xenstored *xs)
{
	xs->jhold++;
}

void xs_journal_release(struct xenstored *xs)
{
	if (xs->jhold && --xs->jhold == 0)
		journal_flush(xs);
}

void xs_journal_node(struct xenstored *xs, const struct xs_node *n)
{
	FILE *f = journal_buf(xs);

	if (!f)
		return;
	xs_rec_put_node(f, n);
	journal_flush(xs);
}

void xs_journal_removed(struct xenstored *xs, const char *path)
{
	FILE *f = journal_buf(xs);

	if (!f)
		return;
	fputc('R', f);
	xs_rec_put_path(f, path);
	journal_flush(xs);
}

void xs_journal_domain(struct xenstored *xs, uint32_t domid, bool introduced)
{
	FILE *f = journal_buf(xs);

	if (!f)
		return;
	fputc(introduced ? 'D' : 'd', f);
	xs_rec_put_u32(f, domid);
	journal_flush(xs);
}

/* ---- replay -------------------------------------------------------------- */

static struct xs_node *parent_of(struct xenstored *xs, const char *path)
{
	char *pp = xs_path_parent(path);
	struct xs_node *p = pp ? xs_hmap_get(&xs->nodes, pp) : NULL;

	free(pp);
	return p;
}

static int replay_node(struct xenstored *xs, struct xs_node *n);

/* A transaction's commit writes its nodes in no particular order, so a
 * child may come before its new parent: stand in for the parent until its
 * own record (in the same commit) arrives. */
static int replay_parent(struct xenstored *xs, const struct xs_node *n, struct xs_node **out)
{
	char *pp = xs_path_parent(n->path);
	struct xs_node *p = pp ? xs_hmap_get(&xs->nodes, pp) : NULL;
	int rc = pp ? 0 : -ENOMEM;

	if (pp && !p) {
		p = xs_node_new(pp, "", 0, n->perms, n->nperms);
		rc = p ? replay_node(xs, p) : -ENOMEM;
	}
	free(pp);
	*out = rc == 0 ? p : NULL;
	return rc;
}

static int replay_node(struct xenstored *xs, struct xs_node *n)
{
	struct xs_node *old = xs_hmap_get(&xs->nodes, n->path), *parent = NULL;
	bool top = xs_path_is_special(n->path) || strcmp(n->path, "/") == 0;
	int rc;

	if (old) {	/* keep the children list, take value and perms */
		old->gen = ++xs->gen;
		rc = xs_node_set_value(old, n->value, n->vlen);
		if (rc == 0) {
			xs_store_account(xs, old, NULL);
			rc = xs_node_set_perms(old, n->perms, n->nperms);
			xs_store_account(xs, NULL, old);
		}
		xs_node_free(n);
		return rc;
	}
	rc = top ? 0 : replay_parent(xs, n, &parent);
	if (rc == 0 && parent)
		rc = xs_node_add_child(parent, xs_path_leaf(n->path));
	if (rc == 0)
		rc = xs_hmap_put(&xs->nodes, n->path, n, NULL);
	if (rc < 0) {
		xs_node_free(n);
		return rc;
	}
	n->gen = ++xs->gen;
	xs_store_account(xs, NULL, n);
	return 0;
}

static void replay_removed(struct xenstored *xs, const char *path)
{
	struct xs_node *n = xs_hmap_del(&xs->nodes, path), *parent;

	if (!n)
		return;
	xs_store_account(xs, n, NULL);
	xs_node_free(n);
	parent = parent_of(xs, path);
	if (parent)
		xs_node_del_child(parent, xs_path_leaf(path));
}

static void replay_domain(struct xenstored *xs, uint32_t domid, bool introduced)
{
	struct xs_dom *d = xs_dom_get(xs, domid, introduced);

	if (d)
		d->introduced = introduced;
}

static int replay_one(struct xenstored *xs, struct xs_rec_reader *r)
{
	char tag = *r->p++;
	char *path;

	switch (tag) {
	case 'N': {
		struct xs_node *n = xs_rec_get_node(r);
		return n ? replay_node(xs, n) : -EINVAL;
	}
	case 'R':
		path = xs_rec_get_path(r);
		if (path)
			replay_removed(xs, path);
		free(path);
		return path ? 0 : -EINVAL;
	case 'D':
	case 'd': {
		uint32_t domid = xs_rec_get_u32(r);
		if (!r->bad)
			replay_domain(xs, domid, tag == 'D');
		return r->bad ? -EINVAL : 0;
	}
	}
	return -EINVAL;
}

/* Apply what the journal holds; returns the number of records applied. */
static int journal_replay(struct xenstored *xs, const char *file)
{
	struct xs_rec_reader r;
	char *buf = NULL;
	size_t len = 0;
	int rc = xs_read_file(file, &buf, &len), n = 0;

	if (rc < 0)
		return rc == -ENOENT ? 0 : rc;
	r = (struct xs_rec_reader){ buf, buf + len, false };
	while (r.p < r.end && replay_one(xs, &r) == 0)
		n++;
	if (r.p < r.end)
		log_warn("xenstore journal %s: a bad record after %d: the rest is ignored", file, n);
	free(buf);
	return n;
}

int xenstored_journal(struct xenstored *xs, const char *file)
{
	int n = journal_replay(xs, file), fd;

	if (n < 0)
		return n;
	fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (xs->journal_fd >= 0)
		close(xs->journal_fd);
	xs->journal_fd = fd;
	return n;
}

/* After a new image: everything in the journal is in it. */
void xs_journal_reset(struct xenstored *xs)
{
	if (xs->journal_fd >= 0 && ftruncate(xs->journal_fd, 0) < 0)
		log_warn("xenstore journal: cannot empty it: %s", strerror(errno));
}

void xs_journal_close(struct xenstored *xs)
{
	if (xs->jbuf)
		fclose(xs->jbuf);
	free(xs->jdata);
	xs->jbuf = NULL;
	xs->jdata = NULL;
	if (xs->journal_fd >= 0)
		close(xs->journal_fd);
	xs->journal_fd = -1;
}
