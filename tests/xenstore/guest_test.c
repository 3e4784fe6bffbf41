/* Guests on their rings: permissions between domains, relative paths,
 * watches, transactions, quotas, introduce/release, ring edge cases. */
#include "tests/tap.h"
#include "tests/xenstore/xsc.h"
#include "xld/xenstore/xs.h"

#include <stdlib.h>

static struct evloop *loop;
static struct xenstored *xs;

/* What libxl writes for a new domain (xen-abi.md §3.4, §3.7). */
static void make_domain(struct xsc *d0, uint32_t id)
{
	char p[64], perms[32];
	struct xsc_msg m;

	snprintf(p, sizeof(p), "/local/domain/%u", id);
	xsc_cmd(d0, XS_MKDIR, 0, &m, p, NULL);
	snprintf(perms, sizeof(perms), "n0%cr%u", 0, id);
	xsc_rpc(d0, XS_SET_PERMS, 0, p, 0, &m); /* dummy to keep numbering simple */
	char buf[128];
	size_t l = strlen(p) + 1;
	memcpy(buf, p, l);
	memcpy(buf + l, perms, strlen("n0") + 1 + strlen(perms + 3) + 1);
	xsc_rpc(d0, XS_SET_PERMS, 0, buf, (uint32_t)(l + 3 + strlen(perms + 3) + 1), &m);
	snprintf(p, sizeof(p), "/local/domain/%u/data", id);
	xsc_cmd(d0, XS_MKDIR, 0, &m, p, NULL);
	snprintf(perms, sizeof(perms), "n%u", id);
	xsc_cmd(d0, XS_SET_PERMS, 0, &m, p, perms);
	snprintf(p, sizeof(p), "/local/domain/%u/name", id);
	xsc_write(d0, 0, p, "guest");
}

static void test_perms(struct xsc *d0, struct xsc *g1, struct xsc *g2)
{
	struct xsc_msg m;

	is_int(xsc_read(g1, 0, "name", &m), 0, "guest reads its name by relative path");
	is_str(m.body, "guest", "value");
	is_int(xsc_write(g1, 0, "name", "evil"), -EACCES, "guest cannot write a dom0-owned node (r only)");
	is_int(xsc_write(g1, 0, "data/x", "1"), 0, "guest writes below its data/ (n<id>)");
	xsc_cmd(d0, XS_GET_PERMS, 0, &m, "/local/domain/1/data/x", NULL);
	ok(m.h.len == 3 && !memcmp(m.body, "n1\0", 3), "new node inherits the parent's perms, owned by the creator");
	is_int(xsc_read(g2, 0, "/local/domain/1/name", &m), -EACCES, "another guest cannot read it");
	is_int(xsc_read(g2, 0, "/local/domain/1/nope", &m), -EACCES,
	       "a missing node below an unreadable one is EACCES, not ENOENT");
	is_int(xsc_read(g1, 0, "data/nope", &m), -ENOENT, "missing readable node: ENOENT");
	is_int(xsc_write(g2, 0, "/local/domain/1/data/y", "1"), -EACCES, "nor write there");
	is_int(xsc_cmd(g1, XS_SET_PERMS, 0, &m, "data/x", "n1"), 0, "owner may set perms");
	{
		char buf[] = "data/x\0n1\0r2";
		is_int(xsc_rpc(g1, XS_SET_PERMS, 0, buf, sizeof(buf), &m), 0, "owner grants read to domain 2");
	}
	is_int(xsc_read(g2, 0, "/local/domain/1/data/x", &m), 0, "domain 2 may now read it");
	is_int(xsc_write(g2, 0, "/local/domain/1/data/x", "2"), -EACCES, "but not write");
	is_int(xsc_cmd(g1, XS_SET_PERMS, 0, &m, "data/x", "n2"), -EPERM, "unprivileged owner cannot give the node away");
	is_int(xsc_cmd(g2, XS_SET_PERMS, 0, &m, "/local/domain/1/data/x", "b2"), -EACCES,
	       "a non-owner cannot set perms");
	is_int(xsc_cmd(g1, XS_SET_PERMS, 0, &m, "data/x", "x1"), -EINVAL, "bad perm letter");
	is_int(xsc_cmd(g1, XS_INTRODUCE, 0, &m, "5", NULL), -EACCES, "INTRODUCE is for dom0");
	is_int(xsc_cmd(g1, XS_SET_QUOTA, 0, &m, "nodes", "5000"), -EACCES, "SET_QUOTA is for dom0");
	is_int(xsc_cmd(d0, XS_SET_PERMS, 0, &m, "/local/domain/1/data/x", "n2"), 0, "dom0 may give nodes away");
	is_int(xsc_read(g1, 0, "data/x", &m), -EACCES, "and the old owner loses access");
	is_int(xsc_cmd(d0, XS_SET_TARGET, 0, &m, "2", "1"), 0, "SET_TARGET 2 -> 1");
	is_int(xsc_read(g2, 0, "/local/domain/1/data", &m), 0, "the target's owner nodes are now readable by 2");
}

static void test_watches(struct xsc *d0, struct xsc *g1)
{
	struct xsc_msg m;

	is_int(xsc_cmd(g1, XS_WATCH, 0, &m, "data", "rel"), 0, "guest watches a relative path");
	ok(xsc_event(g1, &m) == 0 && !strcmp(m.body, "data") && !strcmp(m.body + 5, "rel"),
	   "initial event uses the relative path");
	xsc_write(d0, 0, "/local/domain/1/data/w", "1");
	ok(xsc_event(g1, &m) == 0 && !strcmp(m.body, "data/w"), "events are relative too (got %s)", m.body);
	is_int(xsc_cmd(g1, XS_WATCH, 0, &m, "data", "rel"), -EEXIST, "same path+token twice: EEXIST");
	is_int(xsc_cmd(g1, XS_WATCH, 0, &m, "/local/domain/0", "t"), 0, "guest may watch what it cannot read");
	xsc_event(g1, &m);
	xsc_write(d0, 0, "/local/domain/0/secret", "1");
	ok(xsc_no_event(g1), "but gets no event for unreadable nodes");
	{
		char buf[] = "/local/domain/1/data\0deep\0" "1";
		is_int(xsc_rpc(g1, XS_WATCH, 0, buf, sizeof(buf), &m), 0, "watch with depth 1");
		xsc_event(g1, &m);
	}
	xsc_write(d0, 0, "/local/domain/1/data/a/b", "1");
	int deep = 0, rel = 0;
	while (xsc_event(g1, &m) == 0 && g1->nev >= 0) {
		deep += !strcmp(m.body + strlen(m.body) + 1, "deep");
		rel += !strcmp(m.body + strlen(m.body) + 1, "rel");
		if (rel)
			break;
	}
	ok(rel == 1 && deep == 0, "depth-limited watch does not fire two levels down");
	xsc_write(d0, 0, "/local/domain/1/data/c", "1");
	deep = 0;
	for (int i = 0; i < 2 && xsc_event(g1, &m) == 0; i++)
		deep += !strcmp(m.body + strlen(m.body) + 1, "deep");
	ok(deep == 1, "but fires one level down");
	is_int(xsc_rpc(g1, XS_RESET_WATCHES, 0, "", 1, &m), 0, "RESET_WATCHES");
	g1->nev = 0;
	xsc_write(d0, 0, "/local/domain/1/data/d", "1");
	ok(xsc_no_event(g1), "no events after RESET_WATCHES");
	is_int(xsc_cmd(d0, XS_WATCH, 0, &m, "@introduceDomain", "intro"), 0, "dom0 watches @introduceDomain");
	xsc_event(d0, &m);
	is_int(xsc_cmd(d0, XS_WATCH, 0, &m, "@releaseDomain", "rel"), 0, "dom0 watches @releaseDomain");
	xsc_event(d0, &m);
	is_int(xsc_cmd(g1, XS_WATCH, 0, &m, "@releaseDomain", "grel"), 0, "a guest may watch @releaseDomain");
	xsc_event(g1, &m);
}

static void test_tx(struct xsc *d0, struct xsc *g1, struct xsc *g2)
{
	struct xsc_msg m;
	uint32_t t1 = xsc_tx_start(g1), t2;

	ok(t1 != 0, "guest starts a transaction");
	xsc_cmd(g1, XS_WATCH, 0, &m, "data/tx", "txw");
	xsc_event(g1, &m);
	xsc_write(g1, t1, "data/tx/a", "1");
	is_int(xsc_read(g1, 0, "data/tx/a", &m), -ENOENT, "uncommitted write is invisible outside");
	is_int(xsc_read(g1, t1, "data/tx/a", &m), 0, "visible inside");
	ok(xsc_no_event(g1), "no event before commit");
	xsc_write(g2, 0, "/local/domain/2/data/z", "1");
	is_int(xsc_cmd(g1, XS_TRANSACTION_END, t1, &m, "T", NULL), 0, "unrelated writes by another guest do not conflict");
	ok(xsc_event(g1, &m) == 0 && !strcmp(m.body, "data/tx/a"), "event fires at commit");
	t1 = xsc_tx_start(g1);
	xsc_cmd(g1, XS_DIRECTORY, t1, &m, "data/tx", NULL);
	xsc_write(d0, 0, "/local/domain/1/data/tx/b", "1");
	xsc_write(g1, t1, "data/tx/c", "1");
	is_int(xsc_cmd(g1, XS_TRANSACTION_END, t1, &m, "T", NULL), -EAGAIN, "a directory read then changed: EAGAIN");
	t1 = xsc_tx_start(g1);
	xsc_cmd(g1, XS_RM, t1, &m, "data/tx", NULL);
	is_int(xsc_cmd(g1, XS_TRANSACTION_END, t1, &m, "F", NULL), 0, "abort");
	is_int(xsc_read(g1, 0, "data/tx/a", &m), 0, "aborted rm changed nothing");
	is_int(xsc_cmd(g1, XS_TRANSACTION_END, t1, &m, "T", NULL), -ENOENT, "ending it again: ENOENT");
	is_int(xsc_read(g1, 4242, "data/tx/a", &m), -ENOENT, "unknown tx id: ENOENT");
	t1 = xsc_tx_start(g1);
	t2 = xsc_tx_start(g1);
	ok(t1 && t2 && t1 != t2, "two transactions on one connection");
	xsc_write(g1, t1, "data/tx/a", "t1");
	xsc_write(g1, t2, "data/tx/a", "t2");
	is_int(xsc_cmd(g1, XS_TRANSACTION_END, t1, &m, "T", NULL), 0, "first commit wins");
	is_int(xsc_cmd(g1, XS_TRANSACTION_END, t2, &m, "T", NULL), -EAGAIN, "second conflicts");
	is_int(xsc_rpc(g1, XS_TRANSACTION_START, 5, "", 1, &m), -EBUSY, "nested TRANSACTION_START: EBUSY");
	is_int(xsc_cmd(g1, XS_TRANSACTION_END, 0, &m, "X", NULL), -EINVAL, "TRANSACTION_END arg must be T or F");
	t1 = xsc_tx_start(g1);
	xsc_cmd(g1, XS_RM, t1, &m, "data/tx", NULL);
	is_int(xsc_cmd(g1, XS_TRANSACTION_END, t1, &m, "T", NULL), 0, "rm in a transaction commits");
	is_int(xsc_read(d0, 0, "/local/domain/1/data/tx/b", &m), -ENOENT, "subtree gone");
	g1->nev = 0;
	xsc_cmd(g1, XS_UNWATCH, 0, &m, "data/tx", "txw");
}

static void test_quotas(struct xsc *d0, struct xsc *g1, struct xsc *g2)
{
	struct xsc_msg m;
	char p[64], big[3000];
	int rc = 0, i;

	is_int(xsc_cmd(d0, XS_GET_QUOTA, 0, &m, "nodes", NULL), 0, "GET_QUOTA nodes");
	is_str(m.body, "1000", "default nodes quota is C xenstored's");
	is_int(xsc_rpc(d0, XS_GET_QUOTA, 0, "", 0, &m), 0, "GET_QUOTA without args");
	ok(strstr(m.body, "nodes") && strstr(m.body, "watches") && strstr(m.body, "transactions"),
	   "lists the quota names (%s)", m.body);
	is_int(xsc_cmd(d0, XS_SET_QUOTA, 0, &m, "nodes", "0"), -EINVAL, "SET_QUOTA to 0: EINVAL");
	{
		char buf[] = "2\0path-max\0" "20", path[64];
		xsc_rpc(d0, XS_SET_QUOTA, 0, buf, sizeof(buf), &m);
		snprintf(path, sizeof(path), "data/%s", "abcdefghijklmnopqrstuvwxyz");
		is_int(xsc_write(g2, 0, path, "1"), -EINVAL, "path-max quota on a relative path");
		snprintf(path, sizeof(path), "/local/domain/2/data/%s", "abcdefghijklmnopqrstuvwxyz");
		is_int(xsc_write(g2, 0, path, "1"), -EINVAL, "and on the same path given absolute");
		is_int(xsc_write(g2, 0, "/local/domain/2/data/short", "1"), 0, "a short one is fine");
		char buf2[] = "2\0path-max\0" "2048";
		xsc_rpc(d0, XS_SET_QUOTA, 0, buf2, sizeof(buf2), &m);
	}
	is_int(xsc_cmd(d0, XS_GET_QUOTA, 0, &m, "nosuch", NULL), -EINVAL, "unknown quota: EINVAL");
	{
		char buf[] = "1\0nodes\0" "20";
		is_int(xsc_rpc(d0, XS_SET_QUOTA, 0, buf, sizeof(buf), &m), 0, "SET_QUOTA domain 1 nodes 20");
	}
	for (i = 0; i < 40 && rc == 0; i++) {
		snprintf(p, sizeof(p), "data/q%d", i);
		rc = xsc_write(g1, 0, p, "x");
	}
	is_int(rc, -ENOSPC, "guest hits its node quota: ENOSPC");
	ok(i > 5 && i <= 21, "after about the quota (%d writes)", i);
	is_int(xsc_write(g2, 0, "data/fine", "1"), 0, "another guest is not affected");
	is_int(xsc_write(d0, 0, "/local/domain/1/data/bydom0", "1"), 0, "nor is dom0");
	xsc_cmd(g1, XS_RM, 0, &m, "data", NULL);
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	is_int(xsc_write(g2, 0, "data/big", big), -ENOSPC, "value over node-size: ENOSPC");
	is_int(xsc_write(d0, 0, "/big", big), 0, "dom0 has no node-size quota");
	{
		char buf[] = "2\0watches\0" "3";
		xsc_rpc(d0, XS_SET_QUOTA, 0, buf, sizeof(buf), &m);
	}
	for (i = 0, rc = 0; i < 10 && rc == 0; i++) {
		snprintf(p, sizeof(p), "w%d", i);
		rc = xsc_cmd(g2, XS_WATCH, 0, &m, "data", p);
	}
	is_int(rc, -E2BIG, "watch quota: E2BIG");
	is_int(i, 4, "after 3 watches");
	xsc_rpc(g2, XS_RESET_WATCHES, 0, "", 1, &m);
	g2->nev = 0;
	for (i = 0, rc = 0; i < 20 && rc == 0; i++)
		rc = xsc_rpc(g2, XS_TRANSACTION_START, 0, "", 1, &m);
	is_int(rc, -ENOSPC, "transaction quota: ENOSPC");
	is_int(i, 11, "after 10 transactions");
	xsc_rpc(g2, XS_RESET_WATCHES, 0, "", 1, &m);
	is_int(xsc_rpc(g2, XS_TRANSACTION_START, 0, "", 1, &m), 0, "RESET_WATCHES dropped the transactions");
	{
		char buf[] = "data\0n2\0r1\0r3\0r4\0r5\0r6\0r7";
		is_int(xsc_rpc(g2, XS_SET_PERMS, 0, buf, sizeof(buf), &m), -ENOSPC, "too many perms: ENOSPC");
	}
}

static uint32_t hook_domid, hook_evtchn, hook_released;
static uint64_t hook_gfn;

static int hook_introduce(void *arg, uint32_t domid, uint64_t gfn, uint32_t evtchn)
{
	(void)arg;
	hook_domid = domid;
	hook_gfn = gfn;
	hook_evtchn = evtchn;
	return domid == 13 ? -EIO : 0;
}

static void hook_release(void *arg, uint32_t domid)
{
	(void)arg;
	hook_released = domid;
}

static void test_domains(struct xsc *d0, struct xsc *g1)
{
	const struct xenstored_hooks hooks = { hook_introduce, hook_release, NULL };

	struct xsc_msg m;
	int intro = 0, rel = 0;

	is_int(xsc_cmd(d0, XS_IS_DOMAIN_INTRODUCED, 0, &m, "1", NULL), 0, "IS_DOMAIN_INTRODUCED");
	is_str(m.body, "T", "domain 1 is (ring attached)");
	xsc_cmd(d0, XS_IS_DOMAIN_INTRODUCED, 0, &m, "9", NULL);
	is_str(m.body, "F", "domain 9 is not");
	is_int(xsc_cmd(d0, XS_GET_DOMAIN_PATH, 0, &m, "7", NULL), 0, "GET_DOMAIN_PATH");
	is_str(m.body, "/local/domain/7", "value");
	xenstored_set_hooks(xs, &hooks);
	is_int(xsc_rpc(d0, XS_INTRODUCE, 0, "9\0" "1234\0" "5", 9, &m), 0, "INTRODUCE 9");
	ok(hook_domid == 9 && hook_gfn == 1234 && hook_evtchn == 5, "introduce hook got domid, gfn, evtchn");
	is_int(xsc_rpc(d0, XS_INTRODUCE, 0, "13\0" "1\0" "5", 7, &m), -EIO, "a failing hook fails INTRODUCE");
	xsc_cmd(d0, XS_IS_DOMAIN_INTRODUCED, 0, &m, "13", NULL);
	is_str(m.body, "F", "and the domain is not introduced");
	hook_domid = 0;
	is_int(xsc_rpc(d0, XS_INTRODUCE, 0, "1\0" "1\0" "5", 6, &m), 0, "INTRODUCE of a domain with a ring");
	is_int(hook_domid, 0, "does not call the hook again");
	while (xsc_event(d0, &m) == 0) {
		intro += !strcmp(m.body, "@introduceDomain");
		if (intro)
			break;
	}
	is_int(intro, 1, "@introduceDomain fired");
	is_int(xsc_rpc(d0, XS_INTRODUCE, 0, "-3\0" "1\0" "5", 7, &m), -EINVAL, "INTRODUCE with a bad domid");
	is_int(xsc_cmd(d0, XS_RELEASE, 0, &m, "0", NULL), -EINVAL, "dom0 cannot be released");
	is_int(xsc_cmd(d0, XS_SET_TARGET, 0, &m, "77", "1"), -ENOENT, "SET_TARGET of an unknown domain");
	is_int(xsc_cmd(d0, XS_RESUME, 0, &m, "9", NULL), 0, "RESUME 9");
	is_int(xsc_cmd(d0, XS_SET_FEATURE, 0, &m, "9", "1"), -EINVAL, "SET_FEATURE after INTRODUCE refused");
	is_int(xsc_cmd(d0, XS_SET_FEATURE, 0, &m, "10", "1"), 0, "SET_FEATURE before INTRODUCE");
	xsc_cmd(d0, XS_GET_FEATURE, 0, &m, "10", NULL);
	is_str(m.body, "1", "GET_FEATURE of that domain");
	xsc_rpc(g1, XS_GET_FEATURE, 0, "", 0, &m);
	ok(atoi(m.body) & XENSTORE_SERVER_FEATURE_RECONNECTION, "GET_FEATURE: server features");
	/* Domain 1 owns data/..., dom0 owns /local/domain/1 itself. */
	xsc_write(g1, 0, "data/keep", "1");
	xsc_cmd(d0, XS_MKDIR, 0, &m, "/elsewhere", NULL);
	xsc_cmd(d0, XS_SET_PERMS, 0, &m, "/elsewhere", "n1");
	{
		char buf[] = "/local/domain/0/shared\0n0\0r1";
		xsc_write(d0, 0, "/local/domain/0/shared", "s");
		xsc_rpc(d0, XS_SET_PERMS, 0, buf, sizeof(buf), &m);
	}
	d0->nev = 0;
	is_int(xsc_cmd(d0, XS_RELEASE, 0, &m, "1", NULL), 0, "RELEASE 1");
	while (xsc_event(d0, &m) == 0) {
		rel += !strcmp(m.body, "@releaseDomain");
		if (rel)
			break;
	}
	is_int(rel, 1, "@releaseDomain fired for dom0");
	is_int(hook_released, 1, "release hook called");
	is_int(xsc_read(d0, 0, "/local/domain/1/name", &m), 0, "dom0-owned nodes of the domain stay");
	is_int(xsc_read(d0, 0, "/local/domain/1/data", &m), -ENOENT, "nodes it owned are removed");
	is_int(xsc_read(d0, 0, "/elsewhere", &m), -ENOENT, "wherever they are");
	xsc_cmd(d0, XS_GET_PERMS, 0, &m, "/local/domain/0/shared", NULL);
	ok(m.h.len == 3 && !memcmp(m.body, "n0\0", 3), "its domid is stripped from other perms");
	xsc_cmd(d0, XS_IS_DOMAIN_INTRODUCED, 0, &m, "1", NULL);
	is_str(m.body, "F", "no longer introduced");
	is_int(xsc_cmd(d0, XS_RELEASE, 0, &m, "1", NULL), -ENOENT, "RELEASE twice: ENOENT");
}

int main(void)
{
	struct xsc d0, g1, g2;
	char dir[] = "/tmp/xsguest.XXXXXX", sock[256];

	if (!mkdtemp(dir))
		return 1;
	snprintf(sock, sizeof(sock), "%s/socket", dir);
	loop = evloop_new();
	xs = xenstored_new(loop);
	xenstored_listen(xs, sock, 0, (gid_t)-1);
	is_int(xsc_connect(&d0, loop, xs, sock), 0, "dom0 client");
	make_domain(&d0, 1);
	make_domain(&d0, 2);
	is_int(xsc_guest(&g1, loop, xs, 1), 0, "guest 1 ring attached");
	is_int(xsc_guest(&g2, loop, xs, 2), 0, "guest 2 ring attached");
	ok(g1.ring->server_features & XENSTORE_SERVER_FEATURE_RECONNECTION, "ring offers reconnection");
	{
		struct xsc g2b;
		is_int(xsc_guest(&g2b, loop, xs, 2), -EEXIST, "second ring for one domain: EEXIST");
		free(g2b.ring);
	}
	test_perms(&d0, &g1, &g2);
	test_watches(&d0, &g1);
	test_tx(&d0, &g1, &g2);
	test_quotas(&d0, &g1, &g2);
	test_domains(&d0, &g1);
	ok(g1.kicks > 0, "the server notified guest 1 (%d kicks)", g1.kicks);
	free(g1.ring); /* released above: detached already */
	xsc_close(&g2);
	xsc_close(&d0);
	xenstored_free(xs);
	evloop_free(loop);
	rmdir(dir);
	return tap_done();
}
