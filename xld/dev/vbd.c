/* The vbd device kind: a guest disk served by xld's blkback from a raw
 * image file or a block device. attach() opens the target, writes the
 * nodes libxl writes (reference §3.7) plus what the backend publishes
 * (sectors, info, sector-size, features) and waits in InitWait for the
 * frontend; the ring is served from connect() on (blkback.c). */
#include "xld/dev/dev.h"
#include "xld/dev/dev_xs.h"
#include "xld/dev/blkback.h"
#include "xld/domain.h"
#include "libvmctl/domcfg.h"
#include "common/log.h"

#include <vmctl/xen/io/blkif.h>

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

struct vbd {
	struct dev_xs xs;         /* first: see dev_xs.h */
	struct blkback_disk disk;
	struct blkback *bb;      /* while connected */
	char *path;
};
_Static_assert(offsetof(struct vbd, xs) == 0, "dev_xs.h: priv starts with the dev_xs");

static int vbd_open(struct vbd *v, const struct domcfg_disk *cfg, char *err, size_t cap)
{
	struct stat st;
	uint64_t bytes = 0;

	v->disk.fd = -1;
	v->disk.readonly = !cfg->readwrite;
	v->disk.fd = open(cfg->pdev_path, (v->disk.readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (v->disk.fd < 0 || fstat(v->disk.fd, &st) < 0) {
		snprintf(err, cap, "disk %s: %s", cfg->pdev_path, strerror(errno));
		return -errno;
	}
	if (S_ISBLK(st.st_mode)) {
		v->disk.blockdev = true;
		if (ioctl(v->disk.fd, BLKGETSIZE64, &bytes) < 0) {
			snprintf(err, cap, "disk %s: cannot get its size: %s", cfg->pdev_path,
				 strerror(errno));
			return -errno;
		}
	} else if (S_ISREG(st.st_mode)) {
		bytes = (uint64_t)st.st_size;
	} else {
		snprintf(err, cap, "disk %s: neither a file nor a block device", cfg->pdev_path);
		return -EINVAL;
	}
	v->disk.sectors = bytes / 512;
	return 0;
}

static int check_cfg(const struct domcfg_disk *cfg, char *err, size_t cap)
{
	if (cfg->format != DOMCFG_DISK_FORMAT_RAW && cfg->format != DOMCFG_DISK_FORMAT_UNKNOWN) {
		snprintf(err, cap, "disk %s: format %s is not supported (only raw)",
			 cfg->vdev ? cfg->vdev : "?", domcfg_disk_format_to_string(cfg->format));
		return -ENOSYS;
	}
	if (!cfg->pdev_path || !*cfg->pdev_path) {
		snprintf(err, cap, "disk %s: an empty (removable) drive is not supported",
			 cfg->vdev ? cfg->vdev : "?");
		return -ENOSYS;
	}
	return 0;
}

static bool discard_on(const struct vbd *v, const struct domcfg_disk *cfg)
{
	return !v->disk.readonly && domcfg_defbool_val(cfg->discard_enable, true);
}

/* The toolstack's half: what libxl writes for a disk. */
static void write_config_nodes(struct vbd *v, const struct domcfg_disk *cfg)
{
	struct dev_xs *x = &v->xs;
	const char *type = domcfg_disk_backend_to_string(cfg->backend);
	const char *dtype = cfg->is_cdrom ? "cdrom" : "disk";
	const char *mode = v->disk.readonly ? "r" : "w";

	dev_xs_be(x, "params", "%s", cfg->pdev_path);
	dev_xs_be(x, "script", "%s", cfg->script ? cfg->script : "");
	dev_xs_be(x, "removable", "%d", cfg->removable);
	dev_xs_be(x, "bootable", "1");
	dev_xs_be(x, "dev", "%s", cfg->vdev);
	dev_xs_be(x, "type", "%s", type && strcmp(type, "unknown") ? type : "phy");
	dev_xs_be(x, "mode", "%s", mode);
	dev_xs_be(x, "device-type", "%s", dtype);
	dev_xs_be(x, "discard-enable", "%d", discard_on(v, cfg));
	dev_xs_fe(x, "virtual-device", "%d", x->devid);
	dev_xs_fe(x, "device-type", "%s", dtype);
	dev_xs_fe(x, "trusted", "%d", domcfg_defbool_val(cfg->trusted, true));
	dev_xs_lx(x, "params", "%s", cfg->pdev_path);
	dev_xs_lx(x, "dev", "%s", cfg->vdev);
	dev_xs_lx(x, "mode", "%s", mode);
	dev_xs_lx(x, "device-type", "%s", dtype);
}

/* The backend's half: the disk and what we can do with it. */
static void write_backend_nodes(struct vbd *v, const struct domcfg_disk *cfg)
{
	struct dev_xs *x = &v->xs;
	unsigned info = (v->disk.readonly ? VDISK_READONLY : 0) | (cfg->is_cdrom ? VDISK_CDROM : 0) |
			(cfg->removable ? VDISK_REMOVABLE : 0);

	dev_xs_be(x, "sectors", "%llu", (unsigned long long)v->disk.sectors);
	dev_xs_be(x, "sector-size", "512");
	dev_xs_be(x, "physical-sector-size", "512");
	dev_xs_be(x, "info", "%u", info);
	dev_xs_be(x, "feature-flush-cache", "1");
	dev_xs_be(x, "feature-barrier", "0");
	dev_xs_be(x, "feature-persistent", "1");
	dev_xs_be(x, "feature-max-indirect-segments", "%u", BLKBACK_MAX_SEGS);
	dev_xs_be(x, "feature-discard", "%d", discard_on(v, cfg));
	if (discard_on(v, cfg)) {
		dev_xs_be(x, "discard-granularity", "4096");
		dev_xs_be(x, "discard-alignment", "0");
		dev_xs_be(x, "discard-secure", "0");
	}
	dev_xs_be(x, "physical-device", "%s", v->disk.blockdev ? "block" : "file");
	dev_xs_be(x, "hotplug-status", "connected");   /* we are the script */
}

static int vbd_connect(void *arg)
{
	struct vbd *v = arg;
	long long ref = dev_xs_fe_num(&v->xs, "ring-ref");
	long long port = dev_xs_fe_num(&v->xs, "event-channel");
	char *proto = dev_xs_read_fe(&v->xs, "protocol");
	bool native = !proto || !*proto || strcmp(proto, "x86_64-abi") == 0;

	free(proto);
	if (ref < 0 || port < 0 || ref > UINT32_MAX || port > UINT32_MAX)
		return -EINVAL;      /* missing or not a number */
	if (!native)
		return -EPROTONOSUPPORT;
	struct blkback_ring ring = {
		.ring_ref = (uint32_t)ref, .port = (uint32_t)port,
		.persistent = dev_xs_fe_num(&v->xs, "feature-persistent") == 1,
	};
	v->bb = blkback_connect(v->xs.xld, v->xs.domid, &v->disk, &ring);
	return v->bb ? 0 : -errno;
}

static void vbd_disconnect(void *arg)
{
	struct vbd *v = arg;

	blkback_disconnect(v->bb);
	v->bb = NULL;
}

static const struct dev_xs_ops vbd_xs_ops = {
	.connect = vbd_connect,
	.disconnect = vbd_disconnect,
};

static void vbd_free(struct vbd *v)
{
	if (v->disk.fd >= 0)
		close(v->disk.fd);
	free(v->path);
	free(v);
}

static struct vbd *vbd_new(struct xld_domain *d, struct xld_dev *dev, const struct domcfg_disk *cfg,
			   char *err, size_t cap, int *rc)
{
	int devid = cfg->vdev ? domcfg_vdev_to_devid(cfg->vdev, NULL, NULL) : -EINVAL;
	struct vbd *v;

	*rc = devid < 0 ? -EINVAL : check_cfg(cfg, err, cap);
	if (devid < 0)
		snprintf(err, cap, "disk: invalid virtual device '%s'", cfg->vdev ? cfg->vdev : "");
	for (struct xld_dev *o = d->devs; *rc == 0 && o; o = o->next) {
		if (o->ops == dev->ops && o->devid == devid) {
			snprintf(err, cap, "disk %s: the domain already has this device", cfg->vdev);
			*rc = -EEXIST;
		}
	}
	if (*rc < 0)
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v || !(v->path = strdup(cfg->pdev_path))) {
		free(v);
		*rc = -ENOMEM;
		snprintf(err, cap, "out of memory");
		return NULL;
	}
	*rc = vbd_open(v, cfg, err, cap);
	if (*rc < 0) {
		vbd_free(v);
		return NULL;
	}
	dev->devid = devid;
	return v;
}

static int vbd_attach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		      const void *cfgp, char *err, size_t cap)
{
	const struct domcfg_disk *cfg = cfgp;
	int rc;
	struct vbd *v = vbd_new(d, dev, cfg, err, cap, &rc);

	if (!v)
		return rc;
	dev_xs_init(&v->xs, xld, d->domid, "vbd", dev->devid);
	dev_xs_make(&v->xs);
	write_config_nodes(v, cfg);
	write_backend_nodes(v, cfg);
	rc = v->xs.rc;
	if (rc == 0)
		rc = dev_xs_start(&v->xs, &vbd_xs_ops, v, false);
	if (rc < 0) {
		snprintf(err, cap, "disk %s: cannot write its xenstore nodes: %s", cfg->vdev,
			 strerror(-rc));
		dev_xs_stop(&v->xs);
		dev_xs_remove(&v->xs);
		vbd_free(v);
		return rc;
	}
	dev->priv = v;
	log_info("domain %u: disk %s (vbd %d) on %s%s", d->domid, cfg->vdev, dev->devid,
		 cfg->pdev_path, v->disk.readonly ? ", read-only" : "");
	return 0;
}

static void vbd_detach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
	struct vbd *v = dev->priv;

	if (!v)
		return;
	dev_xs_stop(&v->xs);
	dev_xs_remove(&v->xs);
	vbd_free(v);
	dev->priv = NULL;
}

static void vbd_release(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
	struct vbd *v = dev->priv;

	if (!v)
		return;
	dev_xs_stop(&v->xs);
	vbd_free(v);
	dev->priv = NULL;
}

static int vbd_recover(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		       const void *cfgp)
{
	const struct domcfg_disk *cfg = cfgp;
	char err[256], *state;
	int rc;
	struct vbd *v = vbd_new(d, dev, cfg, err, sizeof(err), &rc);

	if (!v) {
		log_error("domain %u: %s", d->domid, err);
		return rc;
	}
	dev_xs_init(&v->xs, xld, d->domid, "vbd", dev->devid);
	state = dev_xs_read_be(&v->xs, "state");
	rc = state ? dev_xs_start(&v->xs, &vbd_xs_ops, v, true) : -ENOENT;
	free(state);
	if (rc < 0) {
		dev_xs_stop(&v->xs);
		vbd_free(v);
		return rc;
	}
	dev->priv = v;
	return 0;
}

const struct dev_ops dev_vbd_ops = {
	.kind = "vbd",
	.attach = vbd_attach,
	.detach = vbd_detach,
	.release = vbd_release,
	.recover = vbd_recover,
};
