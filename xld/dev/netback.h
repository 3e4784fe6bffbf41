/* The network backend's data path: one netif tx/rx ring pair (one event
 * channel, rx-copy) of one guest, bridged to a tap device.
 *
 * Each connected vif has one thread with its own privcmd connection: it
 * waits for the guest's event channel and the tap, copies tx packets
 * (one or more slots, extra-info slots skipped) from the guest's granted
 * pages to the tap, and copies frames read from the tap into the receive
 * pages the guest posted (one page per frame; larger frames are dropped).
 * No work of the data path runs on xld's main loop. */
#ifndef VMCTL_XLD_DEV_NETBACK_H
#define VMCTL_XLD_DEV_NETBACK_H

#include <stdint.h>

struct xld;
struct netback;

struct netback_rings {
	uint32_t tx_ref, rx_ref;   /* grants of the ring pages */
	uint32_t port;             /* the guest's event channel */
};

struct netback_stats {
	uint64_t tx_packets, tx_bytes, tx_errors;   /* guest -> tap */
	uint64_t rx_packets, rx_bytes, rx_dropped;  /* tap -> guest */
};

/* Map the rings, bind the channel and start the thread serving them with
 * `tapfd` (not owned). NULL with errno set on failure, nothing left. */
struct netback *netback_connect(struct xld *xld, uint32_t domid, int tapfd,
				const struct netback_rings *rings);
/* Stop the thread, unmap, unbind, free. NULL is ok. */
void netback_disconnect(struct netback *n);
/* A snapshot of the counters (read without locking: approximate). */
void netback_get_stats(const struct netback *n, struct netback_stats *out);

#endif
