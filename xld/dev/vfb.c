/* The vfb device kind: not implemented yet (its backend is being written);
 * creating a domain with such a device fails with a clear message. */
#include "xld/dev/dev.h"

#include <errno.h>
#include <stdio.h>

static int vfb_attach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		      const void *cfg, char *err, size_t cap)
{
	snprintf(err, cap, "vfb devices are not supported yet (their backend is still being built)");
	return -ENOSYS;
}

static void vfb_detach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
}

static int vfb_recover(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		       const void *cfg)
{
	return -ENOSYS;
}

const struct dev_ops dev_vfb_ops = {
	.kind = "vfb",
	.attach = vfb_attach,
	.detach = vfb_detach,
	.recover = vfb_recover,
};
