/* Hot plug: a vbd or vif added to or removed from a running domain
 * (device.attach / device.detach, xl block-* and network-*), with the
 * domain's stored configuration updated in the same step, so that a
 * restarted xld recovers exactly the devices the domain has. Each call is
 * transactional: on failure the device, its nodes, tap, threads and files
 * are gone and the stored configuration is unchanged. */
#ifndef VMCTL_XLD_DEV_HOTPLUG_H
#define VMCTL_XLD_DEV_HOTPLUG_H

#include <stddef.h>

struct xld;
struct xld_domain;
struct xld_dev;

/* Attach the device `spec` describes (an xl disk spec for "vbd", a vif
 * spec for "vif"); a relative disk target is taken from `cwd`. The new
 * device number goes to *devid. 0 or -errno with `err` set (-EINVAL: bad
 * spec, -EEXIST: the device exists, -ENOSYS: unknown kind or unsupported). */
int dev_hotplug_attach(struct xld *xld, struct xld_domain *d, const char *kind,
		       const char *spec, const char *cwd, int *devid, char *err, size_t cap);

/* Detach the device that `which` names: a device number, for a vbd also
 * its vdev ("xvdb"), for a vif also its MAC, at once. 0 or -errno
 * (-ENOENT: no such device) with `err` set. */
int dev_hotplug_detach(struct xld *xld, struct xld_domain *d, const char *kind,
		       const char *which, char *err, size_t cap);

/* The same as the guest would have it (Xen's safe remove): if its driver
 * is connected, the backend goes Closing and the device is removed once
 * the frontend has closed, or after `timeout_ms` anyway (libxl then
 * forces the removal too). `done(arg, rc, err)` reports the result, from
 * this call or later from the event loop. */
typedef void (*dev_hotplug_done)(void *arg, int rc, const char *err);
void dev_hotplug_detach_safe(struct xld *xld, struct xld_domain *d, const char *kind,
			     const char *which, unsigned timeout_ms,
			     dev_hotplug_done done, void *arg);

/* The domain's device of that kind and number, or NULL. */
struct xld_dev *dev_hotplug_find(struct xld_domain *d, const char *kind, int devid);

#endif
