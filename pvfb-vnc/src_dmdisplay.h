/* The HVM source: the picture vmctl-devmodel renders from its VGA, shared
 * through $rundir/devmodel.<domid>.display (include/vmctl/dmdisplay.h),
 * and keys and pointer sent back to its PS/2 keyboard and mouse. */
#ifndef VMCTL_PVFB_VNC_SRC_DMDISPLAY_H
#define VMCTL_PVFB_VNC_SRC_DMDISPLAY_H

#include <stdint.h>

struct fbsrc;

/* Connect to the device model of `domid` and map its picture (the HELLO
 * is awaited here, before any sandbox). 0 or -errno (logged). */
int dmdisplay_open(struct fbsrc **out, const char *rundir, uint32_t domid);

#endif
