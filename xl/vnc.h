/* xl's VNC viewer launcher, shared by `xl vncviewer` and (for the lead to
 * wire) `xl create -V/-A`. */
#ifndef VMCTL_XL_VNC_H
#define VMCTL_XL_VNC_H

struct xl;

/* Ask xld where `domain`'s display listens (vnc.info) and exec $VNCVIEWER
 * (default vncviewer) on HOST:DISPLAY; with `autopass` the viewer gets
 * -autopass and the password on its stdin. Returns only on failure (1,
 * with a message on stderr). Closes xl's connection to xld first. */
int xl_vncviewer(struct xl *xl, const char *domain, int autopass);

#endif
