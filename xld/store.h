/* xld's XenStore: the xenstored library (xld/xenstore/) started on
 * $VMCTL_RUNDIR/xenstored/socket, saved to $VMCTL_STATEDIR/xenstore.db
 * shortly after every change and loaded again when xld restarts, so a
 * crashed xld comes back with the store its guests and backends knew. */
#ifndef VMCTL_XLD_STORE_H
#define VMCTL_XLD_STORE_H

struct xld;

int xld_store_start(struct xld *xld);
/* Save now (if anything changed) and free the store. */
void xld_store_stop(struct xld *xld);

#endif
