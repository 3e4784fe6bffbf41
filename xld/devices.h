/* A domain's PV devices (vbd, vif, vfb, vkbd): their xenstore nodes and the
 * backends that serve them. Domain creation, destruction and xld's recovery
 * call these; each device kind is a const ops table in xld/dev/<kind>.c,
 * listed in xld/dev/kinds.def. */
#ifndef VMCTL_XLD_DEVICES_H
#define VMCTL_XLD_DEVICES_H

#include <stddef.h>

struct xld;
struct xld_domain;
struct domcfg_config;

/* Attach every device of `cfg` to the new domain `d` (nodes, backends, the
 * XenbusState handshake is then driven by the frontend). On failure the
 * devices made so far are removed, 0 is not returned and `err` says why. */
int xld_devices_create(struct xld *xld, struct xld_domain *d,
		       const struct domcfg_config *cfg, char *err, size_t cap);

/* Stop every backend of `d` and remove its device nodes (domain going away). */
void xld_devices_destroy(struct xld *xld, struct xld_domain *d);

/* xld is stopping while the domain runs on: stop the backends, keep the
 * nodes (xld_devices_recover picks them up again). */
void xld_devices_release(struct xld *xld, struct xld_domain *d);

/* After an xld restart: reconnect the backends of a running domain's devices
 * (from its stored configuration and the xenstore nodes). */
int xld_devices_recover(struct xld *xld, struct xld_domain *d);

#endif
