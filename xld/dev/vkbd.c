/* The vkbd device kind: a PV keyboard and pointer. xld writes the nodes as
 * libxl does, with the features the config asks for; the backend is the
 * pvfb-vnc of the vfb with the same number, which feeds it what its VNC
 * viewers type and point at (xld/dev/vfb.c, docs/vnc.md). */
#include "xld/dev/dev.h"
#include "xld/dev/dev_xs.h"
#include "xld/domain.h"
#include "libvmctl/domcfg.h"
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vkbd {
	struct dev_xs xs;
};

static int write_nodes(struct dev_xs *x, const struct domcfg_vkb *cfg)
{
	/* Absolute positions in framebuffer pixels: what a VNC pointer is. */
	dev_xs_be(x, "feature-abs-pointer", "1");
	if (cfg->feature_disable_keyboard)
		dev_xs_be(x, "feature-disable-keyboard", "1");
	if (cfg->feature_disable_pointer)
		dev_xs_be(x, "feature-disable-pointer", "1");
	if (cfg->width)
		dev_xs_be(x, "width", "%u", cfg->width);
	if (cfg->height)
		dev_xs_be(x, "height", "%u", cfg->height);
	if (cfg->unique_id)
		dev_xs_be(x, "unique-id", "%s", cfg->unique_id);
	return x->rc;
}

static int vkbd_attach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		       const void *cfg_, char *err, size_t cap)
{
	const struct domcfg_vkb *cfg = cfg_;
	struct vkbd *k;
	int rc;

	if (cfg->feature_multi_touch || cfg->feature_raw_pointer) {
		snprintf(err, cap, "vkb %d: multi-touch and raw pointers are not supported", cfg->devid);
		return -ENOSYS;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		snprintf(err, cap, "out of memory");
		return -ENOMEM;
	}
	dev->devid = cfg->devid < 0 ? 0 : cfg->devid;
	dev_xs_init(&k->xs, xld, d->domid, "vkbd", dev->devid);
	rc = dev_xs_make(&k->xs);
	if (rc == 0)
		rc = write_nodes(&k->xs, cfg);
	if (rc < 0) {
		snprintf(err, cap, "vkb %d: cannot write its xenstore nodes: %s", dev->devid,
			 strerror(-rc));
		dev_xs_remove(&k->xs);
		free(k);
		return rc;
	}
	dev->priv = k;
	return 0;
}

static void vkbd_detach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
	struct vkbd *k = dev->priv;

	if (k) {
		dev_xs_remove(&k->xs);
		free(k);
	}
	dev->priv = NULL;
}

/* xld is stopping: nothing runs for a vkbd, the nodes stay. */
static void vkbd_release(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
	free(dev->priv);
	dev->priv = NULL;
}

/* Nothing runs in xld for a vkbd: only the handle comes back. */
static int vkbd_recover(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
			const void *cfg_)
{
	const struct domcfg_vkb *cfg = cfg_;
	struct vkbd *k = calloc(1, sizeof(*k));

	if (!k)
		return -ENOMEM;
	dev->devid = cfg->devid < 0 ? 0 : cfg->devid;
	dev_xs_init(&k->xs, xld, d->domid, "vkbd", dev->devid);
	dev->priv = k;
	return 0;
}

const struct dev_ops dev_vkbd_ops = {
	.kind = "vkbd",
	.attach = vkbd_attach,
	.detach = vkbd_detach,
	.release = vkbd_release,
	.recover = vkbd_recover,
};
