/* The PV framebuffer source: dom0's backend of a guest's vfb (io/fbif.h)
 * and of the vkbd with the same device number (io/kbdif.h), as QEMU's
 * xenpv machine is in Xen.
 *
 * It drives the XenbusState handshake itself, on the nodes xld wrote
 * (backend /local/domain/0/backend/{vfb,vkbd}/<domid>/<devid>): InitWait,
 * then, once the frontend is Initialised, it maps the shared page
 * (page-ref, a frame number), the framebuffer through the page directory
 * in pd[] (frame numbers, not grants), binds the event channel and goes
 * Connected. A frontend that is already connected (pvfb-vnc restarted) is
 * picked up where it is. Guest memory comes from vmhv's foreign mapping
 * (the domain's memfd); every frame number, size and ring index the guest
 * gives is checked, and a bad one is refused with a log line. */
#ifndef VMCTL_PVFB_VNC_PVFB_H
#define VMCTL_PVFB_VNC_PVFB_H

#include <stdint.h>

struct hv;
struct xsc;
struct fbsrc;

/* Largest framebuffer memory accepted (fbif's pd[] could describe more). */
#define PVFB_MEM_MAX (64u << 20)

/* Start serving device `devid` of `domid` (nodes must exist). The source
 * keeps using `hv` and `xs` (not owned). 0 or -errno. */
int pvfb_open(struct fbsrc **out, struct hv *hv, struct xsc *xs, uint32_t domid, int devid);

#endif
