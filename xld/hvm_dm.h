/* An hvm domain's device model as one of the domain's devices (kind
 * "devmodel", not in kinds.def): its supervised process, its serial line
 * (the domain's `xl console`, as on Xen) next to the PV console ring, and
 * its re-adoption by a restarted xld (the device model outlives xld: it
 * leaves its pid in $rundir/devmodel.<domid>.pid). */
#ifndef VMCTL_XLD_HVM_DM_H
#define VMCTL_XLD_HVM_DM_H

#include <stdbool.h>

struct xld;
struct xld_child;
struct xld_console;
struct xld_domain;

/* Make the running child d's device model device (stopped with the
 * domain's devices). 0 or -ENOMEM (the child is then stopped). */
int hvm_dm_add(struct xld *xld, struct xld_domain *d, struct xld_child *c);

/* Serve the device model's serial line as d->console (`xl console`); the
 * PV console ring xld opened (if any) stays, for `xl console -t pv`. */
void hvm_dm_serial(struct xld *xld, struct xld_domain *d);

/* The console `xl console -t pv|serial` names: for a domain with a device
 * model, serial is d->console and pv the ring; otherwise pv is d->console
 * and there is no serial line. NULL when the domain has none of that type. */
struct xld_console *hvm_dm_console(struct xld_domain *d, bool serial);

/* xl cd-insert put `path` in IDE drive `index`: a restart of the device
 * model (after a crash) opens that disc, not the configured one. */
void hvm_dm_cd_arg(struct xld_domain *d, unsigned index, const char *path);
/* xl vcpu-set: a device model that xld restarts gets --vcpus-online n (the
 * present set after the change) instead of its first command line's. */
void hvm_dm_vcpus_arg(struct xld_domain *d, unsigned n);

/* After an xld restart: adopt d's device model if it still runs (an hvm
 * domain whose $rundir/devmodel.<domid>.pid names a live vmctl-devmodel
 * for it) and attach its serial line again. 0 when there is nothing to
 * adopt, 1 when adopted, -errno. */
int hvm_dm_recover(struct xld *xld, struct xld_domain *d);

#endif
