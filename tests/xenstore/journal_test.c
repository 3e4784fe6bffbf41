/* The store's journal: a store rebuilt from its image plus its journal
 * equals the store that wrote them, after plain writes, removals,
 * permission changes, a committed transaction, domain introduce and
 * release, and an image written in the middle; a torn last record loses
 * only itself; a store without a journal writes nothing. */
#include "tests/tap.h"
#include "xld/xenstore/xs.h"
#include "common/evloop.h"
#include "common/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every node below `path` as "path=value perms\n", depth first. */
static void dump(struct xenstored *xs, const char *path, FILE *out)
{
	char *val = NULL, *perms = NULL, *names = NULL;
	size_t len = 0, nlen = 0;

	if (xenstored_read(xs, path, &val, &len) < 0)
		return;
	xenstored_get_perms(xs, path, &perms);
	fprintf(out, "%s=%.*s %s\n", path, (int)len, val, perms ? perms : "?");
	xenstored_directory(xs, path, &names, &nlen);
	const char *leaf[256];
	size_t n = 0;
	for (size_t i = 0; i < nlen && n < ARRAY_SIZE(leaf); i += strlen(names + i) + 1)
		leaf[n++] = names + i;
	qsort(leaf, n, sizeof(*leaf), cmp_str); /* an image does not keep the order */
	for (size_t i = 0; i < n; i++) {
		char child[4096];
		snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", leaf[i]);
		dump(xs, child, out);
	}
	free(val);
	free(perms);
	free(names);
}

static char *tree(struct xenstored *xs)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	dump(xs, "/", f);
	for (uint32_t d = 0; d < 16; d++)
		if (xenstored_domain_is_introduced(xs, d))
			fprintf(f, "domain %u\n", d);
	fclose(f);
	return s;
}

/* A new store from the image (if any) and the journal, compared with `xs`. */
static void check_rebuilt(struct evloop *loop, struct xenstored *xs, const char *img,
			  const char *jnl, const char *what)
{
	struct xenstored *b = xenstored_new(loop);
	char *want = tree(xs), *got;

	if (access(img, F_OK) == 0)
		xenstored_load(b, img);
	ok(xenstored_journal(b, jnl) > 0, "%s: the journal replays", what);
	got = tree(b);
	is_str(got, want, "%s: the rebuilt store equals the original", what);
	free(want);
	free(got);
	xenstored_free(b);
}

static void commit_tx(struct xenstored *xs)
{
	uint32_t id;

	xs_tx_start(xs->local, &id);
	struct xs_tx *tx = xs->local->txs;
	xs_op_write(xs->local, tx, "/t/a", "1", 1);
	xs_op_write(xs->local, tx, "/t/b/c", "2", 1);
	xs_op_rm(xs->local, tx, "/gone");
	is_int(xs_tx_end(xs->local, id, true), 0, "a transaction commits");
}

static off_t file_size(const char *f)
{
	struct stat st;

	return stat(f, &st) == 0 ? st.st_size : -1;
}

int main(void)
{
	struct evloop *loop = evloop_new();
	struct xenstored *xs = xenstored_new(loop), *c;
	char dir[] = "/tmp/xsjournal.XXXXXX", img[64], jnl[64];

	mkdtemp(dir);
	snprintf(img, sizeof(img), "%s/xenstore.db", dir);
	snprintf(jnl, sizeof(jnl), "%s/xenstore.journal", dir);
	xenstored_write(xs, "/before", "x", 1);
	is_int(xenstored_journal(xs, jnl), 0, "an empty journal is opened");
	xenstored_write(xs, "/a/b/c", "v1", 2);
	xenstored_write(xs, "/a/b/c", "v2", 2);
	xenstored_write(xs, "/bin", "a\0b", 3);
	xenstored_set_perms(xs, "/a/b", "n5 r6");
	xenstored_write(xs, "/gone/deep/er", "1", 1);
	xenstored_rm(xs, "/before");
	xenstored_domain_introduce(xs, 5);
	xenstored_write(xs, "/local/domain/5/data", "guest", 5);
	xenstored_set_perms(xs, "/local/domain/5", "n5");
	xenstored_set_perms(xs, "/local/domain/5/data", "n5");
	xenstored_set_perms(xs, "/bin", "n0 r5");
	commit_tx(xs);
	xenstored_domain_introduce(xs, 6);
	xenstored_domain_release(xs, 5);
	ok(file_size(jnl) > 0, "changes are in the journal at once (no event loop ran)");
	check_rebuilt(loop, xs, img, jnl, "journal alone");

	is_int(xenstored_save(xs, img), 0, "an image is written");
	is_int((int)file_size(jnl), 0, "and the journal is emptied");
	xenstored_write(xs, "/after", "y", 1);
	xenstored_rm(xs, "/a/b/c");
	check_rebuilt(loop, xs, img, jnl, "image + journal");

	/* A torn record at the end: the whole ones before it still count. */
	int fd = open(jnl, O_WRONLY | O_APPEND);
	write(fd, "N\x05\x00", 3);
	close(fd);
	c = xenstored_new(loop);
	xenstored_load(c, img);
	ok(xenstored_journal(c, jnl) >= 2, "a torn record: the records before it replay");
	char *v = NULL;
	size_t len;
	is_int(xenstored_read(c, "/after", &v, &len), 0, "and their changes are there");
	free(v);
	xenstored_free(c);

	c = xenstored_new(loop);
	xenstored_write(c, "/no/journal", "z", 1);
	xenstored_free(c);
	ok(access(jnl, F_OK) == 0, "(a store without a journal leaves files alone)");

	unlink(img);
	unlink(jnl);
	rmdir(dir);
	xenstored_free(xs);
	evloop_free(loop);
	return tap_done();
}
