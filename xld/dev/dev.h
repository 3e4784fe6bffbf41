/* One PV device kind = a const ops table (bhyve-style). The dispatcher
 * (xld/dev/devices.c) walks a domain's configuration and calls the kind's
 * ops; a kind keeps its per-device backend state in dev->priv. */
#ifndef VMCTL_XLD_DEV_H
#define VMCTL_XLD_DEV_H

#include <stddef.h>
#include <stdint.h>

struct xld;
struct xld_domain;

struct xld_dev {
	const struct dev_ops *ops;
	uint32_t domid;
	int devid;               /* set by attach (vdev number, NIC index, ...) */
	void *priv;              /* the kind's backend state */
	struct xld_dev *next;    /* the domain's devices */
};

struct dev_ops {
	const char *kind;        /* xenstore device kind: "vbd", "vif", "vfb", "vkbd" */
	/* Write the frontend and backend nodes and start the backend for the
	 * device described by `cfg` (struct domcfg_disk/_nic/_vfb/_vkb). On
	 * failure leave nothing behind and explain in err. */
	int (*attach)(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		      const void *cfg, char *err, size_t cap);
	/* Stop the backend, remove the nodes, free dev->priv. */
	void (*detach)(struct xld *xld, struct xld_domain *d, struct xld_dev *dev);
	/* xld is stopping, the domain keeps running: stop the backend and free
	 * dev->priv but leave the nodes, so recover() can pick it up again.
	 * NULL: nothing runs that must be stopped. */
	void (*release)(struct xld *xld, struct xld_domain *d, struct xld_dev *dev);
	/* xld restarted: rebuild dev->priv for a device whose nodes exist. */
	int (*recover)(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		       const void *cfg);
};

#define DEV_KIND(name, ops) extern const struct dev_ops ops;
#include "xld/dev/kinds.def"
#undef DEV_KIND

#endif
