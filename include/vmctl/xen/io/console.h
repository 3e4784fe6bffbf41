/*
 * The PV console ring: one shared page with an input ring (backend to
 * guest) and an output ring (guest to backend).  Indices are free-running
 * u32; byte i of a ring is at MASK_XENCONS_IDX(i, ring).  PV guests find
 * it in start_info.console.domU, HVM/PVH guests in HVM_PARAM_CONSOLE_PFN
 * and HVM_PARAM_CONSOLE_EVTCHN; grant ref 0 maps it too.
 */
#ifndef VMCTL_XEN_IO_CONSOLE_H
#define VMCTL_XEN_IO_CONSOLE_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

/* xencons_interface.connection (newer than Xen 4.17). */
#define XENCONSOLE_CONNECTED    0
#define XENCONSOLE_DISCONNECTED 1

struct xencons_interface {
	char in[1024];			/* backend -> guest (keyboard input) */
	char out[2048];			/* guest -> backend (output) */
	XENCONS_RING_IDX in_cons, in_prod;
	XENCONS_RING_IDX out_cons, out_prod;
	uint8_t connection;		/* XENCONSOLE_*: newer than Xen 4.17 */
};

XEN_ABI_SIZE(struct xencons_interface, 3092);
XEN_ABI_OFFSET(struct xencons_interface, in, 0);
XEN_ABI_OFFSET(struct xencons_interface, out, 1024);
XEN_ABI_OFFSET(struct xencons_interface, in_cons, 3072);
XEN_ABI_OFFSET(struct xencons_interface, in_prod, 3076);
XEN_ABI_OFFSET(struct xencons_interface, out_cons, 3080);
XEN_ABI_OFFSET(struct xencons_interface, out_prod, 3084);
XEN_ABI_OFFSET(struct xencons_interface, connection, 3088);

#endif
