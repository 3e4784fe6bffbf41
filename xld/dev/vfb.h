/* The VNC server of an HVM domain's VGA: the same pvfb-vnc as a vfb's, run
 * with --hvm on the device model's display socket (docs/vnc.md). Its
 * settings (xl.cfg's top-level vnc, vnclisten, vncdisplay, vncunused,
 * vncpasswd, keymap) are written as a vfb's backend keys, into
 * /local/domain/0/device-model/<domid>/vnc; it publishes
 * console/vnc-port and console/vnc-listen as for a PV vfb 0. */
#ifndef VMCTL_XLD_DEV_VFB_H
#define VMCTL_XLD_DEV_VFB_H

#include <stddef.h>
#include <stdint.h>

struct xld;
struct vfb;
struct domcfg_hvm;

/* Write the settings and start pvfb-vnc under supervision (the device
 * model's socket must exist). 0 or -errno with `err` filled in. */
int vfb_hvm_start(struct xld *xld, uint32_t domid, const struct domcfg_hvm *hvm,
		  struct vfb **out, char *err, size_t cap);

/* Stop it; unless `keep_nodes` (xld stopping, the domain stays) remove its
 * xenstore nodes. NULL is a no-op. */
void vfb_hvm_stop(struct xld *xld, struct vfb *f, int keep_nodes);

#endif
