/* xl's VNC viewer launcher, shared by `xl vncviewer` and `xl create -V/-A`. */
#ifndef VMCTL_XL_VNC_H
#define VMCTL_XL_VNC_H

#include <stdbool.h>

struct xl;

/* Ask xld where `domain`'s display listens (vnc.info) and exec $VNCVIEWER
 * (default vncviewer) on HOST:DISPLAY; with `autopass` the viewer gets
 * -autopass and the password on its stdin. With `wait`, a display that
 * is not published yet is waited for (up to 10 s: right after a create).
 * Returns only on failure (1, with a message on stderr). Closes xl's
 * connection to xld first. */
int xl_vncviewer(struct xl *xl, const char *domain, int autopass, bool wait);

#endif
