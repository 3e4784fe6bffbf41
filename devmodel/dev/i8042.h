/* Input into the PS/2 controller (the VNC server's keys and pointer). */
#ifndef VMCTL_DEVMODEL_DEV_I8042_H
#define VMCTL_DEVMODEL_DEV_I8042_H

#include <stdbool.h>
#include <stdint.h>

struct i8042;

/* A Linux input key code (KEY_*) pressed or released: sent as scan code
 * set 1 (what the controller's translation gives the guest). */
void i8042_key(struct i8042 *k, uint32_t keycode, bool down);
/* Relative mouse motion (dy positive = down on the screen), wheel steps
 * and the held buttons (bit 0 left, 1 right, 2 middle: PS/2's order). */
void i8042_mouse(struct i8042 *k, int dx, int dy, int dz, unsigned buttons);

#endif
