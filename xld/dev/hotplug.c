/* Hot plug of vbd and vif devices; the stored configuration follows. */
#include "xld/dev/hotplug.h"
#include "xld/dev/dev.h"
#include "xld/domain.h"
#include "xld/xld.h"
#include "libvmctl/domcfg.h"
#include "xld/dev/dev_xs.h"
#include "xld/xenstore/xenstored.h"
#include "common/evloop.h"
#include "common/log.h"

#include <vmctl/xen/io/xenbus.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What differs between the kinds that may be hot-plugged. */
struct hp_kind {
	const char *kind;
	const struct dev_ops *ops;
	/* Parse `spec` and append it to cfg (its last element). */
	int (*add)(struct domcfg_config *cfg, const char *spec, char **err);
	/* The new device (cfg's last element) after defaults. */
	const void *(*last)(struct domcfg_config *cfg, const char *cwd);
	/* Index in cfg of the device that `which` names, or -1. */
	int (*find)(const struct domcfg_config *cfg, const char *which);
	int (*remove)(struct domcfg_config *cfg, int index);
};

static int disk_add(struct domcfg_config *cfg, const char *spec, char **err)
{
	struct domcfg_disk disk;
	int rc;

	domcfg_disk_init(&disk);
	rc = domcfg_disk_parse(&disk, spec, err);
	if (rc == 0)
		rc = domcfg_config_add_disk(cfg, &disk);
	domcfg_disk_dispose(&disk);
	return rc;
}

static const void *disk_last(struct domcfg_config *cfg, const char *cwd)
{
	struct domcfg_disk *disk = &cfg->disks[cfg->num_disks - 1];
	char *abs;

	if (disk->pdev_path && disk->pdev_path[0] != '/' && cwd &&
	    asprintf(&abs, "%s/%s", cwd, disk->pdev_path) >= 0) {
		free(disk->pdev_path);
		disk->pdev_path = abs;
	}
	return disk;
}

static int disk_find(const struct domcfg_config *cfg, const char *which)
{
	char *end;
	long n = strtol(which, &end, 10);
	int devid = *which && !*end ? (int)n : domcfg_vdev_to_devid(which, NULL, NULL);

	for (int i = 0; devid >= 0 && i < cfg->num_disks; i++)
		if (cfg->disks[i].vdev && domcfg_vdev_to_devid(cfg->disks[i].vdev, NULL, NULL) == devid)
			return i;
	return -1;
}

static int nic_add(struct domcfg_config *cfg, const char *spec, char **err)
{
	struct domcfg_nic nic;
	int rc, devid = 0;

	domcfg_nic_init(&nic);
	rc = domcfg_nic_parse(&nic, spec, err, NULL);
	for (int i = 0; i < cfg->num_nics; i++)   /* next free number */
		if (cfg->nics[i].devid >= devid)
			devid = cfg->nics[i].devid + 1;
	if (nic.devid < 0)
		nic.devid = devid;
	if (rc == 0)
		rc = domcfg_config_add_nic(cfg, &nic);
	domcfg_nic_dispose(&nic);
	return rc;
}

static const void *nic_last(struct domcfg_config *cfg, const char *cwd)
{
	return &cfg->nics[cfg->num_nics - 1];
}

static int nic_find(const struct domcfg_config *cfg, const char *which)
{
	char *end;
	long devid = strtol(which, &end, 10);
	unsigned m[6];
	bool by_mac = strchr(which, ':') &&
		      sscanf(which, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) == 6;

	for (int i = 0; i < cfg->num_nics; i++) {
		const uint8_t *mac = cfg->nics[i].mac;
		if (by_mac ? (mac[0] == m[0] && mac[1] == m[1] && mac[2] == m[2] && mac[3] == m[3] &&
			      mac[4] == m[4] && mac[5] == m[5])
			   : (*which && !*end && cfg->nics[i].devid == devid))
			return i;
	}
	return -1;
}

static const struct hp_kind hp_kinds[] = {
	{ "vbd", &dev_vbd_ops, disk_add, disk_last, disk_find, domcfg_config_remove_disk },
	{ "vif", &dev_vif_ops, nic_add, nic_last, nic_find, domcfg_config_remove_nic },
};

static const struct hp_kind *hp_kind(const char *kind)
{
	for (size_t i = 0; i < sizeof(hp_kinds) / sizeof(hp_kinds[0]); i++)
		if (kind && strcmp(hp_kinds[i].kind, kind) == 0)
			return &hp_kinds[i];
	return NULL;
}

struct xld_dev *dev_hotplug_find(struct xld_domain *d, const char *kind, int devid)
{
	for (struct xld_dev *dev = d->devs; dev; dev = dev->next)
		if (strcmp(dev->ops->kind, kind) == 0 && dev->devid == devid)
			return dev;
	return NULL;
}

/* The stored configuration, parsed. */
static int cfg_load(struct xld_domain *d, struct domcfg_config *cfg, char *err, size_t cap)
{
	char *perr = NULL;
	int rc;

	domcfg_config_init(cfg);
	rc = domcfg_config_from_json(cfg, d->config_json, &perr);
	if (rc < 0)
		snprintf(err, cap, "the domain's stored configuration is unreadable: %s",
			 perr ? perr : "?");
	free(perr);
	return rc;
}

/* Make cfg the stored configuration (state file rewritten). */
static int cfg_store(struct xld *xld, struct xld_domain *d, const struct domcfg_config *cfg,
		     char *err, size_t cap)
{
	char *json = domcfg_config_to_json(cfg), *old = d->config_json;
	int rc;

	if (!json) {
		snprintf(err, cap, "out of memory");
		return -ENOMEM;
	}
	d->config_json = json;
	rc = xld_domain_save(xld, d);
	if (rc < 0) {
		d->config_json = old;
		free(json);
		snprintf(err, cap, "cannot write the domain's state file: %s", strerror(-rc));
		return rc;
	}
	free(old);
	return 0;
}

static void dev_unlink(struct xld_domain *d, struct xld_dev *dev)
{
	for (struct xld_dev **p = &d->devs; *p; p = &(*p)->next) {
		if (*p == dev) {
			*p = dev->next;
			return;
		}
	}
}

static int attach_new(struct xld *xld, struct xld_domain *d, const struct hp_kind *k,
		      const void *devcfg, struct xld_dev **out, char *err, size_t cap)
{
	struct xld_dev *dev = calloc(1, sizeof(*dev)), **p = &d->devs;
	int rc;

	if (!dev) {
		snprintf(err, cap, "out of memory");
		return -ENOMEM;
	}
	dev->ops = k->ops;
	dev->domid = d->domid;
	dev->devid = -1;
	rc = k->ops->attach(xld, d, dev, devcfg, err, cap);
	if (rc < 0) {
		free(dev);
		return rc;
	}
	while (*p)
		p = &(*p)->next;
	*p = dev;
	*out = dev;
	return 0;
}

int dev_hotplug_attach(struct xld *xld, struct xld_domain *d, const char *kind,
		       const char *spec, const char *cwd, int *devid, char *err, size_t cap)
{
	const struct hp_kind *k = hp_kind(kind);
	struct domcfg_config cfg;
	struct xld_dev *dev = NULL;
	char *perr = NULL;
	int rc;

	if (!k) {
		snprintf(err, cap, "devices of kind '%s' cannot be hot-plugged", kind ? kind : "");
		return -ENOSYS;
	}
	rc = cfg_load(d, &cfg, err, cap);
	if (rc == 0 && (rc = k->add(&cfg, spec, &perr)) < 0)
		snprintf(err, cap, "%s", perr ? perr : "invalid device specification");
	if (rc == 0 && (rc = domcfg_config_setdefault(&cfg, &perr)) < 0)
		snprintf(err, cap, "%s", perr ? perr : "invalid configuration");
	if (rc == 0)
		rc = attach_new(xld, d, k, k->last(&cfg, cwd), &dev, err, cap);
	if (rc == 0 && (rc = cfg_store(xld, d, &cfg, err, cap)) < 0) {
		dev_unlink(d, dev);
		dev->ops->detach(xld, d, dev);
		free(dev);
	}
	if (rc == 0)
		*devid = dev->devid;
	domcfg_config_dispose(&cfg);
	free(perr);
	return rc;
}

int dev_hotplug_detach(struct xld *xld, struct xld_domain *d, const char *kind,
		       const char *which, char *err, size_t cap)
{
	const struct hp_kind *k = hp_kind(kind);
	struct domcfg_config cfg;
	struct xld_dev *dev = NULL;
	int rc, idx = -1;

	if (!k) {
		snprintf(err, cap, "devices of kind '%s' cannot be hot-unplugged", kind ? kind : "");
		return -ENOSYS;
	}
	rc = cfg_load(d, &cfg, err, cap);
	if (rc == 0)
		idx = k->find(&cfg, which);
	if (idx >= 0) {
		int devid = k->ops == &dev_vbd_ops ?
			    domcfg_vdev_to_devid(cfg.disks[idx].vdev, NULL, NULL) : cfg.nics[idx].devid;
		dev = dev_hotplug_find(d, kind, devid);
	}
	if (rc == 0 && !dev) {
		snprintf(err, cap, "Device %s not connected", which);
		rc = -ENOENT;
	}
	if (rc == 0 && (rc = k->remove(&cfg, idx)) == 0 &&
	    (rc = cfg_store(xld, d, &cfg, err, cap)) == 0) {
		dev_unlink(d, dev);
		dev->ops->detach(xld, d, dev);
		free(dev);
		log_info("domain %u: %s %s detached", d->domid, kind, which);
	}
	domcfg_config_dispose(&cfg);
	return rc;
}

/* ---- safe removal: wait for the frontend to close ------------------------ */

struct detach_wait {
	struct xld *xld;
	uint32_t domid;
	const struct hp_kind *k;
	int devid;
	char which[64];
	char be_state[128], token[64];
	struct ev_timer *timer;
	bool watching;
	dev_hotplug_done done;
	void *arg;
};

static void wait_finish(struct detach_wait *w)
{
	struct xld_domain *d = xld_domain_by_id(w->xld, w->domid);
	char err[512] = "";
	int rc = 0;

	if (w->timer)
		evloop_timer_cancel(w->xld->loop, w->timer);
	if (w->watching)
		xenstored_unwatch(w->xld->xs, w->be_state, w->token);
	/* The domain or the device may have gone meanwhile: nothing to do. */
	if (d && dev_hotplug_find(d, w->k->kind, w->devid))
		rc = dev_hotplug_detach(w->xld, d, w->k->kind, w->which, err, sizeof(err));
	w->done(w->arg, rc, err);
	free(w);
}

static void on_timeout(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct detach_wait *w = arg;

	w->timer = NULL;   /* a one-shot timer frees itself */
	log_warn("domain %u: %s %d: the frontend did not close; removing it anyway", w->domid,
		 w->k->kind, w->devid);
	wait_finish(w);
}

/* The backend state moves to Closed when the frontend has closed (dev_xs). */
static void on_be_state(void *arg, const char *path, const char *token)
{
	struct detach_wait *w = arg;
	char *val = NULL;
	size_t len;
	int r = xenstored_read(w->xld->xs, w->be_state, &val, &len);

	if (r < 0 || atoi(val) == XenbusStateClosed)
		wait_finish(w);
	free(val);
}

static int fe_state(struct xld *xld, const char *kind, uint32_t domid, int devid)
{
	char path[128], *val = NULL;
	size_t len;
	int st = -1;

	snprintf(path, sizeof(path), "/local/domain/%u/device/%s/%d/state", domid, kind, devid);
	if (xenstored_read(xld->xs, path, &val, &len) == 0)
		st = atoi(val);
	free(val);
	return st;
}

static int wait_start(struct detach_wait *w, unsigned timeout_ms)
{
	struct xld_domain *d = xld_domain_by_id(w->xld, w->domid);
	struct xld_dev *dev = d ? dev_hotplug_find(d, w->k->kind, w->devid) : NULL;

	snprintf(w->be_state, sizeof(w->be_state), "/local/domain/0/backend/%s/%u/%d/state",
		 w->k->kind, w->domid, w->devid);
	snprintf(w->token, sizeof(w->token), "xld-detach-%s-%u-%d", w->k->kind, w->domid, w->devid);
	w->timer = evloop_timer(w->xld->loop, (uint64_t)timeout_ms * 1000000, 0, on_timeout, w);
	if (!w->timer)
		return -ENOMEM;
	if (!dev || !dev->priv)
		return -ENOENT;
	dev_xs_close(dev->priv);   /* priv starts with the dev_xs (dev_xs.h) */
	if (xenstored_watch(w->xld->xs, w->be_state, w->token, on_be_state, w) < 0)
		return -EBUSY;   /* a removal of it is already waiting */
	w->watching = true;
	return 0;
}

void dev_hotplug_detach_safe(struct xld *xld, struct xld_domain *d, const char *kind,
			     const char *which, unsigned timeout_ms,
			     dev_hotplug_done done, void *arg)
{
	const struct hp_kind *k = hp_kind(kind);
	struct domcfg_config cfg;
	struct detach_wait *w = NULL;
	char err[512] = "";
	int rc, idx = -1, st;

	rc = k ? cfg_load(d, &cfg, err, sizeof(err)) : -ENOSYS;
	if (rc == 0) {
		idx = k->find(&cfg, which);
		st = idx < 0 ? -1 : fe_state(xld, kind, d->domid, k->ops == &dev_vbd_ops ?
			domcfg_vdev_to_devid(cfg.disks[idx].vdev, NULL, NULL) : cfg.nics[idx].devid);
		if (st == XenbusStateInitialised || st == XenbusStateConnected)
			w = calloc(1, sizeof(*w));
		if (w) {
			*w = (struct detach_wait){ .xld = xld, .domid = d->domid, .k = k, .done = done,
						   .arg = arg };
			w->devid = k->ops == &dev_vbd_ops ?
				   domcfg_vdev_to_devid(cfg.disks[idx].vdev, NULL, NULL) : cfg.nics[idx].devid;
			snprintf(w->which, sizeof(w->which), "%s", which);
		}
		domcfg_config_dispose(&cfg);
	}
	if (w && wait_start(w, timeout_ms) == 0)
		return;   /* done() comes from the event loop */
	if (w)
		wait_finish(w);   /* could not wait: remove now */
	else
		done(arg, dev_hotplug_detach(xld, d, kind, which, err, sizeof(err)), err);
}
