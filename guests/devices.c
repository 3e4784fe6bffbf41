/* Device probing from xenstore's device/<kind>/<id>, and what all frontends
 * share: finding the backend, waiting for its state. */
#include "kernel.h"
#include "vmctl/xen/io/xenbus.h"

#define FRONTEND(kind, ops) extern const struct frontend_ops ops;
#include "frontends.def"
#undef FRONTEND

static const struct frontend_ops *const frontends[] = {
#define FRONTEND(kind, ops) &ops,
#include "frontends.def"
#undef FRONTEND
};

static const struct frontend_ops *find_ops(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(frontends); i++)
		if (strcmp(frontends[i]->kind, kind) == 0)
			return frontends[i];
	return NULL;
}

static int find_known(struct devices *d, const char *node)
{
	for (int i = 0; i < d->nr_known; i++)
		if (strcmp(d->known[i], node) == 0)
			return i;
	return -1;
}

/* Probe one device once (a failed probe is not retried: its frontend
 * keeps it, down, for the shell to show). */
static int probe_one(struct kernel *k, const struct frontend_ops *ops,
		     const char *node)
{
	struct devices *d = &k->dev;
	int rc;

	if (find_known(d, node) >= 0)
		return 0;
	if (d->nr_known >= MAX_DEVICES)
		return -ENOSPC;
	strlcpy(d->known[d->nr_known++], node, sizeof(d->known[0]));
	rc = ops->probe(k, node);
	if (rc < 0)
		printk("%s: %s did not connect (%d)\n", ops->kind, node, rc);
	return rc < 0 ? 0 : 1;
}

static int probe_kind(struct kernel *k, const struct frontend_ops *ops)
{
	char dir[64], ids[512], node[96];
	int n, ok = 0;

	snprintf(dir, sizeof(dir), "device/%s", ops->kind);
	n = xenbus_directory(k, XBT_NIL, dir, ids, sizeof(ids));
	for (const char *id = ids; n-- > 0; id += strlen(id) + 1) {
		snprintf(node, sizeof(node), "%s/%s", dir, id);
		ok += probe_one(k, ops, node);
	}
	return ok;
}

/* device/<kind>/<id>[/...] -> ops and "device/<kind>/<id>"; false if the
 * path names no device of a kind we drive. */
static bool parse_device(const char *path, const struct frontend_ops **ops,
			 char *node, size_t size)
{
	char kind[16];
	const char *k0 = path + strlen("device/"), *k1, *i1;

	if (!str_starts(path, "device/") || !(k1 = strchr(k0, '/')) ||
	    (size_t)(k1 - k0) >= sizeof(kind))
		return false;
	memcpy(kind, k0, (size_t)(k1 - k0));
	kind[k1 - k0] = '\0';
	*ops = find_ops(kind);
	i1 = strchr(k1 + 1, '/');
	if (!*ops || k1[1] == '\0' || (size_t)((i1 ? i1 : k1 + strlen(k1)) - path) >= size)
		return false;
	strlcpy(node, path, (size_t)((i1 ? i1 : k1 + strlen(k1)) - path) + 1);
	return true;
}

/* Something changed under device/: a new device (probe it once its
 * backend is named) or a removed one (tell its frontend). */
static void device_changed(struct kernel *k, struct xenbus_watch *w,
			   const char *path)
{
	const struct frontend_ops *ops;
	char node[64], be[128];
	int idx;

	if (!parse_device(path, &ops, node, sizeof(node)))
		return;
	idx = find_known(&k->dev, node);
	snprintf(be, sizeof(be), "%s/backend", node);
	if (xenbus_read(k, XBT_NIL, be, be, sizeof(be)) < 0) {
		if (idx >= 0 && ops->remove) {	/* its nodes are gone */
			ops->remove(k, node);
			k->dev.known[idx][0] = '\0';
		}
		return;
	}
	if (idx < 0)
		probe_one(k, ops, node);
}

int devices_probe(struct kernel *k)
{
	char kinds[256];
	int n, ok = 0;

	n = xenbus_directory(k, XBT_NIL, "device", kinds, sizeof(kinds));
	for (const char *kind = kinds; n-- > 0; kind += strlen(kind) + 1) {
		const struct frontend_ops *ops = find_ops(kind);

		if (ops)
			ok += probe_kind(k, ops);
		else if (strcmp(kind, "suspend") != 0)	/* not a device */
			printk("devices: no driver for '%s'\n", kind);
	}
	if (!k->dev.hotplug)
		return ok;
	strlcpy(k->dev.watch.path, "device", sizeof(k->dev.watch.path));
	k->dev.watch.fn = device_changed;
	if (!k->dev.watch.registered && xenbus_watch(k, &k->dev.watch) < 0)
		printk("devices: no hot plug (cannot watch device/)\n");
	return ok;
}

void devices_suspend(struct kernel *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(frontends); i++)
		frontends[i]->suspend(k);
}

void devices_resume(struct kernel *k, bool new_domain)
{
	for (size_t i = 0; i < ARRAY_SIZE(frontends); i++)
		frontends[i]->resume(k, new_domain);
}

bool devices_poll(struct kernel *k)
{
	bool any = false;

	for (size_t i = 0; i < ARRAY_SIZE(frontends); i++)
		any |= frontends[i]->poll(k);
	return any;
}

int frontend_backend(struct kernel *k, const char *nodename, char *backend,
		     unsigned int size, unsigned int *backend_id)
{
	char path[128];
	unsigned long long id;
	int rc;

	snprintf(path, sizeof(path), "%s/backend", nodename);
	rc = xenbus_read(k, XBT_NIL, path, backend, size);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/backend-id", nodename);
	rc = xenbus_read_ull(k, XBT_NIL, path, &id);
	if (rc < 0)
		return rc;
	*backend_id = (unsigned int)id;
	return 0;
}

int frontend_watch_backend(struct kernel *k, struct xenbus_watch *w,
			   const char *backend)
{
	if (w->registered || !k->dev.hotplug)
		return 0;
	snprintf(w->path, sizeof(w->path), "%s/state", backend);
	return xenbus_watch(k, w);
}

int frontend_backend_state(struct kernel *k, const char *backend)
{
	char path[160];
	unsigned long long v;
	int rc;

	snprintf(path, sizeof(path), "%s/state", backend);
	rc = xenbus_read_ull(k, XBT_NIL, path, &v);
	return rc < 0 ? rc : (int)v;
}

static bool state_reached(unsigned long long v, void *arg)
{
	return (int)v >= *(int *)arg;
}

static void state_changed(struct kernel *k, struct xenbus_watch *w,
			  const char *path)
{
	/* The waiter re-reads the node on every event; nothing to do. */
}

int frontend_wait_backend(struct kernel *k, const char *backend, int state)
{
	struct xenbus_watch w = { .fn = state_changed };
	unsigned long long v;
	int rc;

	snprintf(w.path, sizeof(w.path), "%s/state", backend);
	rc = xenbus_watch(k, &w);
	if (rc < 0)
		return rc;
	rc = xenbus_wait_int(k, w.path, state_reached, &state,
			     10 * NSEC_PER_SEC, &v);
	xenbus_unwatch(k, &w);
	return rc < 0 ? rc : (int)v;
}
