/* The vkbd device kind: not implemented yet (its backend is being written);
 * creating a domain with such a device fails with a clear message. */
#include "xld/dev/dev.h"

#include <errno.h>
#include <stdio.h>

static int vkbd_attach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		      const void *cfg, char *err, size_t cap)
{
	snprintf(err, cap, "vkbd devices are not supported yet (their backend is still being built)");
	return -ENOSYS;
}

static void vkbd_detach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
}

static int vkbd_recover(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		       const void *cfg)
{
	return -ENOSYS;
}

const struct dev_ops dev_vkbd_ops = {
	.kind = "vkbd",
	.attach = vkbd_attach,
	.detach = vkbd_detach,
	.recover = vkbd_recover,
};
