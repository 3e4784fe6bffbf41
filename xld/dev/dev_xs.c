/* Device nodes and the XenbusState handshake shared by xld's backends. */
#include "xld/dev/dev_xs.h"
#include "xld/xld.h"
#include "xld/xenstore/xenstored.h"
#include "common/log.h"

#include <vmctl/xen/io/xenbus.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dev_xs_init(struct dev_xs *x, struct xld *xld, uint32_t domid, const char *kind, int devid)
{
	memset(x, 0, sizeof(*x));
	x->xld = xld;
	x->domid = domid;
	x->kind = kind;
	x->devid = devid;
	snprintf(x->fe, sizeof(x->fe), "/local/domain/%u/device/%s/%d", domid, kind, devid);
	snprintf(x->be, sizeof(x->be), "/local/domain/0/backend/%s/%u/%d", kind, domid, devid);
	snprintf(x->lx, sizeof(x->lx), "/libxl/%u/device/%s/%d", domid, kind, devid);
	snprintf(x->token, sizeof(x->token), "xld-dev-%s-%u-%d", kind, domid, devid);
}

static void put(struct dev_xs *x, const char *dir, const char *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void put(struct dev_xs *x, const char *dir, const char *key, const char *fmt, va_list ap)
{
	char path[192], val[256];
	int n;

	if (x->rc < 0)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, key);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	if (n < 0 || (size_t)n >= sizeof(val)) {
		x->rc = -ENAMETOOLONG;
		return;
	}
	x->rc = xenstored_write(x->xld->xs, path, val, (size_t)n);
}

#define DEV_XS_PUT(name, field)                                                \
	void dev_xs_##name(struct dev_xs *x, const char *key, const char *fmt, ...) \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		put(x, x->field, key, fmt, ap);                                \
		va_end(ap);                                                    \
	}
DEV_XS_PUT(be, be)
DEV_XS_PUT(fe, fe)
DEV_XS_PUT(lx, lx)
#undef DEV_XS_PUT

static void mkdir_perms(struct dev_xs *x, const char *path, const char *perms)
{
	if (x->rc == 0)
		x->rc = xenstored_mkdir(x->xld->xs, path);
	if (x->rc == 0)
		x->rc = xenstored_set_perms(x->xld->xs, path, perms);
}

int dev_xs_make(struct dev_xs *x)
{
	char perms[32];

	/* Children inherit their directory's permissions: set them first. */
	snprintf(perms, sizeof(perms), "n%u r0", x->domid);
	mkdir_perms(x, x->fe, perms);
	snprintf(perms, sizeof(perms), "n0 r%u", x->domid);
	mkdir_perms(x, x->be, perms);
	mkdir_perms(x, x->lx, "n0");
	dev_xs_be(x, "frontend", "%s", x->fe);
	dev_xs_be(x, "frontend-id", "%u", x->domid);
	dev_xs_be(x, "online", "1");
	dev_xs_be(x, "state", "%d", XenbusStateInitialising);
	dev_xs_fe(x, "backend", "%s", x->be);
	dev_xs_fe(x, "backend-id", "0");
	dev_xs_fe(x, "state", "%d", XenbusStateInitialising);
	dev_xs_lx(x, "frontend", "%s", x->fe);
	dev_xs_lx(x, "backend", "%s", x->be);
	return x->rc;
}

static char *read_key(struct dev_xs *x, const char *dir, const char *key)
{
	char path[192], *val = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (xenstored_read(x->xld->xs, path, &val, &len) < 0)
		return NULL;
	return val;
}

char *dev_xs_read_fe(struct dev_xs *x, const char *key)
{
	return read_key(x, x->fe, key);
}

char *dev_xs_read_be(struct dev_xs *x, const char *key)
{
	return read_key(x, x->be, key);
}

long long dev_xs_fe_num(struct dev_xs *x, const char *key)
{
	char *s = dev_xs_read_fe(x, key), *end;
	long long v = -1;

	if (s && *s) {
		v = strtoll(s, &end, 10);
		if (*end || v < 0)
			v = -1;
	}
	free(s);
	return v;
}

int dev_xs_set_state(struct dev_xs *x, int state)
{
	char path[192], val[4];

	snprintf(path, sizeof(path), "%s/state", x->be);
	snprintf(val, sizeof(val), "%d", state);
	return xenstored_write(x->xld->xs, path, val, strlen(val));
}

static long long be_state(struct dev_xs *x)
{
	char *s = dev_xs_read_be(x, "state");
	long long v = s ? strtoll(s, NULL, 10) : -1;

	free(s);
	return v;
}

static void disconnect(struct dev_xs *x)
{
	if (!x->connected)
		return;
	x->ops->disconnect(x->arg);
	x->connected = false;
}

static void try_connect(struct dev_xs *x)
{
	int rc = x->ops->connect(x->arg);

	if (rc < 0) {
		log_error("domain %u: %s %d: cannot connect to the frontend: %s", x->domid,
			  x->kind, x->devid, strerror(-rc));
		dev_xs_set_state(x, XenbusStateClosing);
		return;
	}
	x->connected = true;
	dev_xs_set_state(x, XenbusStateConnected);
}

/* The frontend's state moved (or the watch was just set). */
static void on_fe_state(void *arg, const char *path, const char *token)
{
	struct dev_xs *x = arg;
	long long fe = dev_xs_fe_num(x, "state");
	long long be = be_state(x);

	switch (fe) {
	case XenbusStateInitialised:
	case XenbusStateConnected:
		/* Connected but not by us: xld restarted under a live ring. */
		if (!x->connected && (be == XenbusStateInitWait || be == XenbusStateConnected))
			try_connect(x);
		break;
	case XenbusStateClosing:
		disconnect(x);
		if (be >= 0 && be != XenbusStateClosing && be != XenbusStateClosed)
			dev_xs_set_state(x, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		disconnect(x);
		if (be >= 0 && be != XenbusStateClosed)
			dev_xs_set_state(x, XenbusStateClosed);
		break;
	case XenbusStateInitialising:
		if (be == XenbusStateClosed)   /* the frontend starts over */
			dev_xs_set_state(x, XenbusStateInitWait);
		break;
	case -1:                               /* frontend gone */
		disconnect(x);
		break;
	default:
		break;
	}
}

int dev_xs_close(struct dev_xs *x)
{
	disconnect(x);
	return dev_xs_set_state(x, XenbusStateClosing);
}

int dev_xs_start(struct dev_xs *x, const struct dev_xs_ops *ops, void *arg, bool recovering)
{
	char path[192];
	int rc;

	x->ops = ops;
	x->arg = arg;
	/* A recovering device keeps its state: the watch's first firing
	 * reconnects rings the frontend published before xld restarted. */
	if (!recovering) {
		rc = dev_xs_set_state(x, XenbusStateInitWait);
		if (rc < 0)
			return rc;
	}
	snprintf(path, sizeof(path), "%s/state", x->fe);
	rc = xenstored_watch(x->xld->xs, path, x->token, on_fe_state, x);
	if (rc < 0)
		return rc;
	x->watching = true;
	return 0;
}

void dev_xs_stop(struct dev_xs *x)
{
	char path[192];

	if (x->watching) {
		snprintf(path, sizeof(path), "%s/state", x->fe);
		xenstored_unwatch(x->xld->xs, path, x->token);
		x->watching = false;
	}
	disconnect(x);
}

static void rm_if_empty(struct xld *xld, const char *path)
{
	char *names = NULL;
	size_t len = 0;

	if (xenstored_directory(xld->xs, path, &names, &len) == 0 && len == 0)
		xenstored_rm(xld->xs, path);
	free(names);
}

void dev_xs_remove(struct dev_xs *x)
{
	char path[128];

	xenstored_rm(x->xld->xs, x->fe);
	xenstored_rm(x->xld->xs, x->be);
	xenstored_rm(x->xld->xs, x->lx);
	snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", x->kind, x->domid);
	rm_if_empty(x->xld, path);
	snprintf(path, sizeof(path), "/local/domain/0/backend/%s", x->kind);
	rm_if_empty(x->xld, path);
	snprintf(path, sizeof(path), "/local/domain/0/backend");
	rm_if_empty(x->xld, path);
	snprintf(path, sizeof(path), "/libxl/%u/device/%s", x->domid, x->kind);
	rm_if_empty(x->xld, path);
	snprintf(path, sizeof(path), "/libxl/%u/device", x->domid);
	rm_if_empty(x->xld, path);
}

int dev_xs_list(struct xld *xld, const char *kind, uint32_t domid, int *ids, int cap)
{
	char path[96], *names = NULL;
	size_t len = 0;
	int n = 0;

	snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", kind, domid);
	if (xenstored_directory(xld->xs, path, &names, &len) < 0)
		return 0;
	for (size_t off = 0; off < len && n < cap; off += strlen(names + off) + 1)
		ids[n++] = atoi(names + off);
	free(names);
	return n;
}
