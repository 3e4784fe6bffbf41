/* The domain monitor: VIRQ_DOM_EXC tells xld that some domain shut down or
 * died; xld looks at every domain it manages and applies the configured
 * on_poweroff / on_reboot / on_watchdog / on_crash / on_soft_reset action
 * (destroy, restart, rename-restart, preserve, coredump-destroy,
 * coredump-restart), publishing lifecycle events as it goes. */
#ifndef VMCTL_XLD_MONITOR_H
#define VMCTL_XLD_MONITOR_H

struct xld;
struct xld_domain;

int xld_monitor_start(struct xld *xld);
void xld_monitor_stop(struct xld *xld);
/* Look at every domain now (also run on start, for what happened while
 * xld was down). */
void xld_monitor_scan(struct xld *xld);

/* Publish {"type": type, "domid": N, "name": "..."} to event subscribers. */
void xld_event(struct xld *xld, const char *type, const struct xld_domain *d);

#endif
