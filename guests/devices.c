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

static int probe_kind(struct kernel *k, const struct frontend_ops *ops)
{
	char dir[64], ids[512], node[96];
	int n, ok = 0;

	snprintf(dir, sizeof(dir), "device/%s", ops->kind);
	n = xenbus_directory(k, XBT_NIL, dir, ids, sizeof(ids));
	for (const char *id = ids; n-- > 0; id += strlen(id) + 1) {
		int rc;

		snprintf(node, sizeof(node), "%s/%s", dir, id);
		rc = ops->probe(k, node);
		if (rc < 0)
			printk("%s: %s did not connect (%d)\n", ops->kind, node, rc);
		else
			ok++;
	}
	return ok;
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
