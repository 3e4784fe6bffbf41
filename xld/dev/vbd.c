/* The vbd device kind: not implemented yet (its backend is being written);
 * creating a domain with such a device fails with a clear message. */
#include "xld/dev/dev.h"

#include <errno.h>
#include <stdio.h>

static int vbd_attach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		      const void *cfg, char *err, size_t cap)
{
	snprintf(err, cap, "vbd devices are not supported yet (their backend is still being built)");
	return -ENOSYS;
}

static void vbd_detach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
}

static int vbd_recover(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		       const void *cfg)
{
	return -ENOSYS;
}

const struct dev_ops dev_vbd_ops = {
	.kind = "vbd",
	.attach = vbd_attach,
	.detach = vbd_detach,
	.recover = vbd_recover,
};
