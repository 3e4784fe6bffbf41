/* xld's libvirt remote protocol server: stock virsh, the libvirt C API and
 * python3-libvirt manage vmctl domains through it, e.g.
 *   virsh -c 'xen+unix:///system?socket=$VMCTL_RUNDIR/libvirt-sock' list --all
 * The listener runs in xld's event loop; a client that sends a malformed or
 * oversized packet is disconnected alone. See docs/libvirt.md. */
#ifndef VMCTL_XLD_LIBVIRT_H
#define VMCTL_XLD_LIBVIRT_H

struct xld;
struct lv_server;

/* Listen on `path` with `mode` (and group `gid` when >= 0). NULL on failure
 * (logged). */
struct lv_server *lv_server_new(struct xld *xld, const char *path, unsigned mode, int gid);
/* Disconnect every client, remove the socket. NULL is fine. */
void lv_server_free(struct lv_server *srv);

#endif
