/* xld's XenStore: the xenstored library (xld/xenstore/) started on
 * $VMCTL_RUNDIR/xenstored/socket, saved to $VMCTL_STATEDIR/xenstore.db
 * 10 ms after a change (a burst of changes makes one save) and loaded again
 * when xld restarts, so a crashed xld comes back with the store its guests
 * and backends knew. Known window: a change acknowledged less than 10 ms
 * before xld is killed can be lost (a write-ahead journal would close it). */
#ifndef VMCTL_XLD_STORE_H
#define VMCTL_XLD_STORE_H

struct xld;

int xld_store_start(struct xld *xld);
/* Save now (if anything changed) and free the store. */
void xld_store_stop(struct xld *xld);

#endif
