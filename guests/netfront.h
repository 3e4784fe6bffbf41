/* netfront: the PV network frontend (io/netif.h), receive by copy (the
 * backend copies packets into pages we post and grant), transmit through
 * bounce pages granted read-only for the time of the request. */
#ifndef GUEST_NETFRONT_H
#define GUEST_NETFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmctl/xen/io/netif.h"
#include "xenbus.h"

struct kernel;

#define NET_RX_BUFS 64
#define NET_TX_BUFS 32

struct net_stats {
	uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_errors, tx_busy;
	uint64_t arp_replies, icmp_echo, udp_echo, unknown;
};

struct netfront {
	char nodename[64];
	char backend[128];
	unsigned int backend_id;
	uint8_t mac[6];
	uint32_t ip;			/* network byte order; 0 = none */
	bool connected;
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	void *tx_page, *rx_page;
	int tx_ref, rx_ref;
	uint32_t port;
	struct xenbus_watch be_watch;	/* backend state: Closing = unplug */
	void *rx_buf[NET_RX_BUFS];
	int rx_gref[NET_RX_BUFS];
	void *tx_buf[NET_TX_BUFS];
	int tx_gref[NET_TX_BUFS];
	uint16_t tx_free[NET_TX_BUFS];	/* stack of free tx ids */
	unsigned int tx_nfree;
	struct net_stats stats;
};

extern const struct frontend_ops netfront_ops;

/* Queue one Ethernet frame (at most a page); -EBUSY when the ring is full. */
int netfront_send(struct kernel *k, struct netfront *nf, const void *frame,
		  size_t len);

#endif
