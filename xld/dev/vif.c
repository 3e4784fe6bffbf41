/* The vif device kind: not implemented yet (its backend is being written);
 * creating a domain with such a device fails with a clear message. */
#include "xld/dev/dev.h"

#include <errno.h>
#include <stdio.h>

static int vif_attach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		      const void *cfg, char *err, size_t cap)
{
	snprintf(err, cap, "vif devices are not supported yet (their backend is still being built)");
	return -ENOSYS;
}

static void vif_detach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
}

static int vif_recover(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		       const void *cfg)
{
	return -ENOSYS;
}

const struct dev_ops dev_vif_ops = {
	.kind = "vif",
	.attach = vif_attach,
	.detach = vif_detach,
	.recover = vif_recover,
};
