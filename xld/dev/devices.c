/* The dispatcher: a domain's configuration arrays -> device kinds' ops. */
#include "xld/devices.h"
#include "xld/dev/dev.h"
#include "xld/domain.h"
#include "xld/xld.h"
#include "libvmctl/domcfg.h"
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Call fn for every device of cfg, in kinds.def order; stop at the first error. */
typedef int (*dev_visit)(struct xld *xld, struct xld_domain *d, const struct dev_ops *ops,
			 const void *cfg, char *err, size_t cap);

static int for_each_device(struct xld *xld, struct xld_domain *d, const struct domcfg_config *cfg,
			   dev_visit fn, char *err, size_t cap)
{
	int rc = 0;

#define DEV_KIND(arr, ops)                                                     \
	for (int i = 0; rc == 0 && i < cfg->num_##arr; i++)                    \
		rc = fn(xld, d, &ops, &cfg->arr[i], err, cap);
#include "xld/dev/kinds.def"
#undef DEV_KIND
	return rc;
}

static struct xld_dev *dev_new(struct xld_domain *d, const struct dev_ops *ops)
{
	struct xld_dev *dev = calloc(1, sizeof(*dev));

	if (dev) {
		dev->ops = ops;
		dev->domid = d->domid;
		dev->devid = -1;
	}
	return dev;
}

static void dev_link(struct xld_domain *d, struct xld_dev *dev)
{
	struct xld_dev **p = &d->devs;

	while (*p)
		p = &(*p)->next;
	*p = dev;
}

static int attach_one(struct xld *xld, struct xld_domain *d, const struct dev_ops *ops,
		      const void *cfg, char *err, size_t cap)
{
	struct xld_dev *dev = dev_new(d, ops);
	int rc;

	if (!dev) {
		snprintf(err, cap, "out of memory");
		return -ENOMEM;
	}
	rc = ops->attach(xld, d, dev, cfg, err, cap);
	if (rc < 0) {
		free(dev);
		return rc;
	}
	dev_link(d, dev);
	return 0;
}

int xld_devices_create(struct xld *xld, struct xld_domain *d,
		       const struct domcfg_config *cfg, char *err, size_t cap)
{
	int rc = for_each_device(xld, d, cfg, attach_one, err, cap);

	if (rc < 0)
		xld_devices_destroy(xld, d);
	return rc;
}

void xld_devices_destroy(struct xld *xld, struct xld_domain *d)
{
	while (d->devs) {
		struct xld_dev *dev = d->devs;
		d->devs = dev->next;
		dev->ops->detach(xld, d, dev);
		free(dev);
	}
}

void xld_devices_release(struct xld *xld, struct xld_domain *d)
{
	while (d->devs) {
		struct xld_dev *dev = d->devs;
		d->devs = dev->next;
		if (dev->ops->release)
			dev->ops->release(xld, d, dev);
		free(dev);
	}
}

static int recover_one(struct xld *xld, struct xld_domain *d, const struct dev_ops *ops,
		       const void *cfg, char *err, size_t cap)
{
	struct xld_dev *dev = dev_new(d, ops);

	if (!dev)
		return -ENOMEM;
	if (ops->recover(xld, d, dev, cfg) < 0) {
		log_error("domain %u: cannot reconnect a %s device", d->domid, ops->kind);
		free(dev);
		return 0; /* the others still deserve their backends */
	}
	dev_link(d, dev);
	return 0;
}

int xld_devices_recover(struct xld *xld, struct xld_domain *d)
{
	struct domcfg_config cfg;
	char *perr = NULL, err[256];
	int rc;

	domcfg_config_init(&cfg);
	rc = domcfg_config_from_json(&cfg, d->config_json, &perr);
	if (rc == 0)
		rc = for_each_device(xld, d, &cfg, recover_one, err, sizeof(err));
	else
		log_error("domain %u: stored configuration unreadable: %s", d->domid, perr ? perr : "?");
	domcfg_config_dispose(&cfg);
	free(perr);
	return rc;
}
