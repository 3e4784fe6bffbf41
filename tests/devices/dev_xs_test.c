/* The XenbusState handshake of xld's backends (xld/dev/dev_xs.c) against
 * a private store, with the frontend's moves written by the test: nodes
 * and permissions, InitWait, connect on Initialised or Connected, close,
 * start over, a failed connect, recovery, safe close, removal. */
#include "tests/tap.h"
#include "xld/dev/dev_xs.h"
#include "xld/xld.h"
#include "xld/xenstore/xenstored.h"
#include "common/evloop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct fake_kind {
	int connects, disconnects, connect_rc;
};

static int fk_connect(void *arg)
{
	struct fake_kind *k = arg;

	k->connects++;
	return k->connect_rc;
}

static void fk_disconnect(void *arg)
{
	((struct fake_kind *)arg)->disconnects++;
}

static const struct dev_xs_ops fk_ops = { fk_connect, fk_disconnect };

static void settle(struct xld *x)
{
	for (int i = 0; i < 5; i++)
		evloop_run_once(x->loop, 0);
}

static char *rd(struct xld *x, const char *path)
{
	static char buf[256];
	char *v = NULL;
	size_t len;

	if (xenstored_read(x->xs, path, &v, &len) < 0)
		return strcpy(buf, "(none)");
	snprintf(buf, sizeof(buf), "%s", v);
	free(v);
	return buf;
}

static char *perms(struct xld *x, const char *path)
{
	static char buf[64];
	char *p = NULL;

	if (xenstored_get_perms(x->xs, path, &p) < 0)
		return strcpy(buf, "(none)");
	snprintf(buf, sizeof(buf), "%s", p);
	free(p);
	return buf;
}

static void fe_state(struct xld *x, struct dev_xs *d, int st)
{
	char path[192], v[4];

	snprintf(path, sizeof(path), "%s/state", d->fe);
	snprintf(v, sizeof(v), "%d", st);
	xenstored_write(x->xs, path, v, strlen(v));
	settle(x);
}

static int be_state(struct xld *x, struct dev_xs *d)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/state", d->be);
	return atoi(rd(x, path));
}

static void test_nodes(struct xld *x, struct dev_xs *d)
{
	char path[192];

	is_int(dev_xs_make(d), 0, "nodes written");
	is_str(perms(x, d->fe), "n7 r0", "frontend directory: the guest's, dom0 reads");
	is_str(perms(x, d->be), "n0 r7", "backend directory: dom0's, the guest reads");
	snprintf(path, sizeof(path), "%s/frontend", d->be);
	is_str(rd(x, path), "/local/domain/7/device/vbd/51712", "backend/frontend");
	snprintf(path, sizeof(path), "%s/backend", d->fe);
	is_str(rd(x, path), "/local/domain/0/backend/vbd/7/51712", "frontend/backend");
	snprintf(path, sizeof(path), "%s/backend", d->lx);
	is_str(rd(x, path), d->be, "/libxl entry");
	snprintf(path, sizeof(path), "%s/frontend-id", d->be);
	is_str(rd(x, path), "7", "backend/frontend-id");
	dev_xs_fe(d, "virtual-device", "%d", 51712);
	is_str(perms(x, "/local/domain/7/device/vbd/51712/virtual-device"), "n7 r0",
	       "a key inherits its directory's permissions");
}

static void test_handshake(struct xld *x, struct dev_xs *d, struct fake_kind *k)
{
	is_int(dev_xs_start(d, &fk_ops, k, false), 0, "handshake started");
	settle(x);
	is_int(be_state(x, d), 2, "backend InitWait");
	is_int(k->connects, 0, "no connect while the frontend initialises");
	fe_state(x, d, 3);
	is_int(k->connects, 1, "frontend Initialised: connect");
	is_int(be_state(x, d), 4, "backend Connected");
	fe_state(x, d, 4);
	is_int(k->connects, 1, "frontend Connected: no second connect");
	fe_state(x, d, 5);
	is_int(k->disconnects, 1, "frontend Closing: disconnect");
	is_int(be_state(x, d), 5, "backend Closing");
	fe_state(x, d, 6);
	is_int(be_state(x, d), 6, "frontend Closed: backend Closed");
	is_int(k->disconnects, 1, "... without a second disconnect");
	fe_state(x, d, 1);
	is_int(be_state(x, d), 2, "frontend starts over: InitWait again");
	fe_state(x, d, 4);
	is_int(k->connects, 2, "a frontend going straight to Connected is connected");
	is_int(be_state(x, d), 4, "backend Connected again");
}

static void test_failed_connect(struct xld *x, struct dev_xs *d, struct fake_kind *k)
{
	fe_state(x, d, 6);
	fe_state(x, d, 1);
	k->connect_rc = -EINVAL;
	fe_state(x, d, 3);
	is_int(be_state(x, d), 5, "a connect that fails: backend Closing");
	k->connect_rc = 0;
}

static void test_recovery(struct xld *x, struct dev_xs *d)
{
	struct fake_kind k2 = { 0 };
	struct dev_xs d2;
	char path[192];

	dev_xs_stop(d);
	/* the rings were connected when "xld died" */
	snprintf(path, sizeof(path), "%s/state", d->be);
	xenstored_write(x->xs, path, "4", 1);
	fe_state(x, d, 4);
	dev_xs_init(&d2, x, 7, "vbd", 51712);
	is_int(dev_xs_start(&d2, &fk_ops, &k2, true), 0, "recovering device watched again");
	settle(x);
	is_int(k2.connects, 1, "a connected frontend is reconnected at once");
	is_int(be_state(x, &d2), 4, "backend still Connected");
	is_int(dev_xs_close(&d2), 0, "safe close");
	is_int(k2.disconnects, 1, "... disconnects first");
	is_int(be_state(x, &d2), 5, "... then Closing");
	dev_xs_stop(&d2);
	dev_xs_remove(&d2);
	is_str(rd(x, d2.fe), "(none)", "frontend removed");
	is_str(rd(x, "/local/domain/0/backend"), "(none)", "empty backend directories removed");
	is_str(rd(x, "/libxl/7/device"), "(none)", "empty /libxl device directory removed");
}

int main(void)
{
	struct xld x = { 0 };
	struct fake_kind k = { 0 };
	struct dev_xs d;
	int ids[4];

	x.loop = evloop_new();
	x.xs = xenstored_new(x.loop);
	if (!x.loop || !x.xs)
		return 1;
	xenstored_write(x.xs, "/local/domain/7/device", "", 0);
	xenstored_set_perms(x.xs, "/local/domain/7/device", "n0 r7");
	xenstored_mkdir(x.xs, "/libxl/7");
	dev_xs_init(&d, &x, 7, "vbd", 51712);
	test_nodes(&x, &d);
	is_int(dev_xs_list(&x, "vbd", 7, ids, 4), 1, "dev_xs_list finds the device");
	is_int(ids[0], 51712, "... by its number");
	test_handshake(&x, &d, &k);
	test_failed_connect(&x, &d, &k);
	test_recovery(&x, &d);
	xenstored_free(x.xs);
	evloop_free(x.loop);
	return tap_done();
}
