/* X keysyms (what RFB key events carry) to Linux input key codes (what
 * kbdif carries). The table (keymap.def) assumes the guest uses a US
 * layout: a keysym maps to the key that produces it there, and shifted
 * symbols map to their unshifted key (the viewer sends Shift itself). */
#ifndef VMCTL_PVFB_VNC_KEYMAP_H
#define VMCTL_PVFB_VNC_KEYMAP_H

#include <stdint.h>

/* The key code for `keysym`, or 0 when there is none. */
uint32_t keymap_lookup(uint32_t keysym);

#endif
