/* The vkbd half of the PV source: viewer input into the guest's kbdif ring
 * (KEY events for keys and buttons, POS for an absolute pointer when the
 * frontend asked for one, MOTION otherwise). */
#ifndef VMCTL_PVFB_VNC_PVKBD_H
#define VMCTL_PVFB_VNC_PVKBD_H

#include "pvfb-vnc/pvdev.h"

#include <stdbool.h>
#include <stdint.h>

struct pvkbd {
	struct pvdev dev;
	void *page;              /* struct xenkbd_page, mapped read-write */
	bool granted;            /* page mapped through page-gref */
	uint32_t gnt_handle;
	bool abs;                /* frontend asked for absolute positions */
	bool no_keys, no_pointer;
	bool full_logged;
	uint32_t in_prod;        /* ours; the page's copy is what the guest sees */
	int x, y;                /* last position sent */
	unsigned buttons;
};

extern const struct pvdev_ops pvkbd_ops;   /* arg: struct pvkbd * */

void pvkbd_key(struct pvkbd *k, uint32_t keycode, bool down);
/* (x, y) already clipped to the framebuffer. */
void pvkbd_pointer(struct pvkbd *k, int x, int y, int dz, unsigned buttons);

#endif
