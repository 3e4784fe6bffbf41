/* Linux tap devices for netback: one per vif, named vif<domid>.<devid>
 * (or the config's vifname), Ethernet frames without a packet-info header.
 * The device lives as long as its fd: closing it removes the interface
 * (and takes it off its bridge), so nothing outlives a vif or xld. */
#ifndef VMCTL_XLD_DEV_TAP_H
#define VMCTL_XLD_DEV_TAP_H

#include <stdint.h>

/* Create tap `name`, non-blocking, up, with `mtu` (0 = leave). Returns the
 * fd or -errno (-EBUSY: an interface of that name exists). */
int tap_open(const char *name, unsigned mtu);

/* Set an interface's link-layer address. 0 or -errno. */
int tap_set_mac(const char *name, const uint8_t mac[6]);

#endif
