/* Unit tests of the store through its internal and direct APIs: paths,
 * permission lists, node operations, direct watches, save/load, release,
 * and two stores in one process. */
#include "tests/tap.h"
#include "xld/xenstore/xs.h"
#include "common/evloop.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_paths(struct xenstored *xs)
{
	struct xs_conn *g = xs_conn_new(xs, &(struct xs_transport_ops){ .name = "t" }, NULL, 3, false);
	char *out = NULL;
	static const char *bad[] = { "", "/a//b", "/a/", "a/", "/a b", "/a\tb", "/é", "@other",
				     "@releaseDomain/x", "@releaseDomain/" };

	is_int(xs_path_canon(g, "x/y", false, &out), 0, "relative path");
	is_str(out, "/local/domain/3/x/y", "resolves below the home");
	free(out);
	is_int(xs_path_canon(g, "/", false, &out), 0, "root");
	free(out);
	is_int(xs_path_canon(g, "@introduceDomain", false, &out), -EINVAL, "special path refused where not allowed");
	is_int(xs_path_canon(g, "@releaseDomain/12", true, &out), 0, "@releaseDomain/<domid> accepted");
	free(out);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ok(xs_path_canon(g, bad[i], true, &out) == -EINVAL && !out, "bad path \"%s\" refused", bad[i]);
	}
	ok(xs_path_is_below("/a", "/a/b") && xs_path_is_below("/a", "/a") && !xs_path_is_below("/a", "/ab") &&
	   xs_path_is_below("/", "/x") && !xs_path_is_below("/", "@introduceDomain"), "is_below");
	is_int(xs_path_depth("/"), 0, "depth of /");
	is_int(xs_path_depth("/a/b"), 2, "depth of /a/b");
	is_str(xs_path_for_conn(g, "/local/domain/3/x"), "x", "relative form for the guest");
	is_str(xs_path_for_conn(g, "/local/domain/33/x"), "/local/domain/33/x", "not below the home: absolute");
	xs_conn_free(g);
}

static void test_perms(void)
{
	struct xs_perm *p = NULL;
	uint32_t n = 0;
	char buf[64];
	struct xs_conn c = { .domid = 5 };

	is_int(xs_perms_parse("n0\0r5\0w7\0b9", 12, 10, &p, &n), 0, "parse four perms");
	is_int(n, 4, "count");
	ok(p[0].id == 0 && p[0].bits == XS_PERM_NONE && p[1].bits == XS_PERM_READ &&
	   p[2].bits == XS_PERM_WRITE && p[3].bits == XS_PERM_BOTH, "letters n r w b");
	is_int(xs_perms_access(&c, p, n), XS_PERM_READ, "domain 5 gets its own entry (r)");
	c.domid = 8;
	is_int(xs_perms_access(&c, p, n), XS_PERM_NONE, "unlisted domain gets entry 0's bits");
	c.domid = 0;
	is_int(xs_perms_access(&c, p, n), XS_PERM_BOTH, "the owner has both");
	c.domid = 8;
	c.priv = true;
	is_int(xs_perms_access(&c, p, n), XS_PERM_BOTH, "privileged has both");
	is_int(xs_perms_format(p, n, buf, sizeof(buf), ' '), 12, "format");
	ok(!memcmp(buf, "n0 r5 w7 b9 ", 12), "formatted text");
	is_int(xs_perms_format(p, n, buf, 6, ' '), -E2BIG, "format into a small buffer");
	free(p);
	is_int(xs_perms_parse("n0\0r5", 5, 10, &p, &n), -EINVAL, "missing final NUL");
	is_int(xs_perms_parse("q0", 3, 10, &p, &n), -EINVAL, "bad letter");
	is_int(xs_perms_parse("n\0", 2, 10, &p, &n), -EINVAL, "missing domid");
	is_int(xs_perms_parse("n99999999999", 13, 10, &p, &n), -EINVAL, "domid too big");
	is_int(xs_perms_parse("n0\0n1\0n2", 9, 2, &p, &n), -ENOSPC, "more entries than allowed");
}

static int fired;
static char last_path[256], last_token[64];

static void on_watch(void *arg, const char *path, const char *token)
{
	struct xenstored *xs = arg;

	fired++;
	snprintf(last_path, sizeof(last_path), "%s", path);
	snprintf(last_token, sizeof(last_token), "%s", token);
	/* Callbacks may call into the store. */
	xenstored_write(xs, "/cb/ran", "1", 1);
}

static void pump(struct evloop *loop)
{
	for (int i = 0; i < 3; i++)
		evloop_run_once(loop, 0);
}

static void test_direct(struct evloop *loop, struct xenstored *xs)
{
	char *v = NULL, *names = NULL, *perms = NULL;
	size_t len = 0;

	is_int(xenstored_write(xs, "/d/a/b", "val", 3), 0, "write creates parents");
	is_int(xenstored_read(xs, "/d/a/b", &v, &len), 0, "read");
	ok(len == 3 && !strcmp(v, "val"), "value and length");
	free(v);
	is_int(xenstored_read(xs, "/d/a", &v, &len), 0, "created parent");
	is_int(len, 0, "has an empty value");
	free(v);
	is_int(xenstored_read(xs, "/d/zz", &v, &len), -ENOENT, "missing: ENOENT");
	is_int(xenstored_mkdir(xs, "/d/m"), 0, "mkdir");
	is_int(xenstored_mkdir(xs, "/d/m"), 0, "mkdir is idempotent");
	is_int(xenstored_directory(xs, "/d", &names, &len), 0, "directory");
	ok(len == 4 && !memcmp(names, "a\0m\0", 4), "children in creation order");
	free(names);
	is_int(xenstored_set_perms(xs, "/d/a", "n0 r5"), 0, "set perms");
	is_int(xenstored_get_perms(xs, "/d/a", &perms), 0, "get perms");
	is_str(perms, "n0 r5", "as text");
	free(perms);
	is_int(xenstored_write(xs, "/d/a/new", "", 0), 0, "child of /d/a");
	xenstored_get_perms(xs, "/d/a/new", &perms);
	is_str(perms, "n0 r5", "inherits the parent's perms");
	free(perms);
	is_int(xenstored_set_perms(xs, "/d/a", "bogus"), -EINVAL, "bad perms text");
	is_int(xenstored_rm(xs, "/d/nope"), 0, "rm of a missing node whose parent exists");
	is_int(xenstored_rm(xs, "/nope/nope"), -ENOENT, "rm with a missing parent: ENOENT");
	is_int(xenstored_rm(xs, "/d/a"), 0, "rm subtree");
	is_int(xenstored_read(xs, "/d/a/b", &v, &len), -ENOENT, "subtree gone");
	is_int(xenstored_watch(xs, "/w", "tok", on_watch, xs), 0, "direct watch");
	is_int(fired, 0, "callbacks never run inside the call");
	pump(loop);
	is_int(fired, 1, "initial event delivered from the loop");
	xenstored_write(xs, "/w/x", "1", 1);
	pump(loop);
	ok(fired == 2 && !strcmp(last_path, "/w/x") && !strcmp(last_token, "tok"), "event for a write below");
	is_int(xenstored_read(xs, "/cb/ran", &v, &len), 0, "the callback could write to the store");
	free(v);
	is_int(xenstored_watch(xs, "/w", "tok", on_watch, xs), -EEXIST, "duplicate watch");
	xenstored_write(xs, "/w/y", "1", 1);
	is_int(xenstored_unwatch(xs, "/w", "tok"), 0, "unwatch");
	pump(loop);
	is_int(fired, 2, "an event queued before unwatch is not delivered after it");
	is_int(xenstored_unwatch(xs, "/w", "tok"), -ENOENT, "unwatch twice: ENOENT");
}

static void test_release(struct evloop *loop, struct xenstored *xs)
{
	char *v = NULL, *perms = NULL;
	size_t len;

	fired = 0;
	xenstored_watch(xs, "@releaseDomain", "r", on_watch, xs);
	xenstored_watch(xs, "@introduceDomain", "i", on_watch, xs);
	pump(loop);
	fired = 0;
	is_int(xenstored_domain_introduce(xs, 4), 0, "introduce 4");
	ok(xenstored_domain_is_introduced(xs, 4), "is introduced");
	pump(loop);
	ok(fired == 1 && !strcmp(last_path, "@introduceDomain"), "@introduceDomain callback");
	xenstored_write(xs, "/local/domain/4/name", "g", 1);
	xenstored_write(xs, "/local/domain/4/data/x", "1", 1);
	xenstored_set_perms(xs, "/local/domain/4/data", "n4");
	xenstored_write(xs, "/other", "1", 1);
	xenstored_set_perms(xs, "/other", "n0 r4 w6");
	is_int(xenstored_domain_release(xs, 4), 0, "release 4");
	pump(loop);
	ok(fired >= 2 && !strcmp(last_path, "@releaseDomain"), "@releaseDomain callback");
	is_int(xenstored_read(xs, "/local/domain/4/data/x", &v, &len), -ENOENT, "owned subtree removed");
	is_int(xenstored_read(xs, "/local/domain/4/name", &v, &len), 0, "dom0-owned node stays");
	free(v);
	xenstored_get_perms(xs, "/other", &perms);
	is_str(perms, "n0 w6", "domid stripped from other perms");
	free(perms);
	ok(!xenstored_domain_is_introduced(xs, 4), "not introduced any more");
	is_int(xenstored_domain_release(xs, 4), -ENOENT, "release again: ENOENT");
	char p[32];
	xenstored_domain_path(12, p, sizeof(p));
	is_str(p, "/local/domain/12", "domain path");
}

static void test_save_load(struct evloop *loop, struct xenstored *xs)
{
	char file[] = "/tmp/xsstore.XXXXXX", *v = NULL, *perms = NULL;
	struct xenstored *b = xenstored_new(loop);
	size_t len;
	int fd = mkstemp(file);
	FILE *f;

	close(fd);
	xenstored_write(xs, "/s/bin", "a\0b", 3);
	xenstored_set_perms(xs, "/s", "n7 r8");
	xenstored_domain_introduce(xs, 7);
	is_int(xenstored_save(xs, file), 0, "save");
	is_int(xenstored_load(b, file), 0, "load into another store");
	is_int(xenstored_read(b, "/s/bin", &v, &len), 0, "node is there");
	ok(len == 3 && !memcmp(v, "a\0b", 3), "binary value intact");
	free(v);
	xenstored_get_perms(b, "/s", &perms);
	is_str(perms, "n7 r8", "perms intact");
	free(perms);
	ok(xenstored_domain_is_introduced(b, 7), "introduced domains restored");
	is_int(xenstored_write(b, "/s/more", "1", 1), 0, "loaded store is usable (children rebuilt)");
	f = fopen(file, "r+");
	fseek(f, 20, SEEK_SET);
	fputc(0xff, f);
	fputc(0xff, f);
	fclose(f);
	is_int(xenstored_load(b, file), -EINVAL, "corrupt file: EINVAL");
	v = NULL;
	is_int(xenstored_read(b, "/s/more", &v, &len), 0, "store unchanged after a failed load");
	free(v);
	f = fopen(file, "w");
	fputs("VMXSTOR1N", f);
	fclose(f);
	is_int(xenstored_load(b, file), -EINVAL, "truncated file: EINVAL");
	is_int(xenstored_load(b, "/nonexistent/x"), -ENOENT, "missing file: ENOENT");
	unlink(file);
	xenstored_free(b);
}

static void test_socket_mode(struct evloop *loop)
{
	char dir[] = "/tmp/xsmode.XXXXXX", a[64], b[64];
	struct xenstored *xs = xenstored_new(loop);
	struct stat st;

	if (!mkdtemp(dir))
		return;
	snprintf(a, sizeof(a), "%s/socket", dir);
	snprintf(b, sizeof(b), "%s/socket_ro", dir);
	is_int(xenstored_listen(xs, a, 0, (gid_t)-1), 0, "listen with the default mode");
	ok(stat(a, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600, "socket is 0600");
	is_int(xenstored_listen(xs, b, 0660, getgid()), 0, "second socket, 0660 with a group");
	ok(stat(b, &st) == 0 && (st.st_mode & 0777) == 0660 && st.st_gid == getgid(), "mode and group set");
	xenstored_free(xs);
	ok(stat(a, &st) < 0 && stat(b, &st) < 0, "sockets removed on free");
	rmdir(dir);
}

int main(void)
{
	struct evloop *loop = evloop_new();
	struct xenstored *xs = xenstored_new(loop), *other = xenstored_new(loop);
	char *v = NULL;
	size_t len;

	ok(xs && other, "two stores in one process");
	xenstored_write(other, "/only/here", "1", 1);
	is_int(xenstored_read(xs, "/only/here", &v, &len), -ENOENT, "stores are independent");
	is_int(xenstored_read(xs, "/tool/xenstored", &v, &len), 0, "initial tree has /tool/xenstored");
	free(v);
	test_paths(xs);
	test_perms();
	test_direct(loop, xs);
	test_release(loop, xs);
	test_save_load(loop, xs);
	test_socket_mode(loop);
	xenstored_free(other);
	xenstored_free(xs);
	evloop_free(loop);
	return tap_done();
}
