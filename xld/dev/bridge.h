/* Linux bridges, as Xen's vif-bridge script uses them: the bridge a vif
 * names is created (and brought up) if missing, and the vif's tap is
 * added as a port. A bridge we created stays when the vif goes, as with
 * Xen (other guests or the host may use it). */
#ifndef VMCTL_XLD_DEV_BRIDGE_H
#define VMCTL_XLD_DEV_BRIDGE_H

/* Make sure bridge `name` exists (an interface of that name is taken to
 * be it) and is up; 0 or -errno (-EPERM without CAP_NET_ADMIN). */
int bridge_ensure(const char *name);

/* Add interface `ifname` to bridge `name`; 0 or -errno (-ENOTDIR if
 * `name` is no bridge). */
int bridge_add(const char *name, const char *ifname);

#endif
