/* xld's end of an event channel to a guest (console, xenstore ring, PV
 * backends). The guest's notifications arrive as calls of `on_event`;
 * xld_evtchn_notify() signals the guest. Each is one of vmhv's dom0 event
 * channels (privcmd), whose eventfd the event loop watches. */
#ifndef VMCTL_XLD_EVTCHN_H
#define VMCTL_XLD_EVTCHN_H

#include <stdint.h>

struct xld;
struct xld_evtchn;

typedef void (*xld_evtchn_cb)(void *arg);

/* Reserve a port in `domid` for dom0 to bind later (EVTCHNOP_alloc_unbound
 * with remote dom0), as libxl does for the console and xenstore rings. */
int xld_evtchn_alloc_unbound(struct xld *xld, uint32_t domid, uint32_t *port);

/* Bind to the guest's `port`; NULL on failure (errno set). */
struct xld_evtchn *xld_evtchn_open(struct xld *xld, uint32_t domid, uint32_t port,
				   xld_evtchn_cb on_event, void *arg);
void xld_evtchn_notify(struct xld_evtchn *ev);
void xld_evtchn_close(struct xld_evtchn *ev);

#endif
