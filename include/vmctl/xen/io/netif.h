/*
 * The PV network protocol: a TX ring (guest sends) and an RX ring (guest
 * provides buffers, backend copies packets in), each 256 entries in one
 * page, packet data in granted pages.  A packet may take several slots
 * (NETTXF_more_data / NETRXF_more_data) and be followed by extra-info
 * slots (GSO, multicast).  The backend must offer feature-rx-copy = 1.
 */
#ifndef VMCTL_XEN_IO_NETIF_H
#define VMCTL_XEN_IO_NETIF_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/io/ring.h>
#include <vmctl/xen/grant_table.h>

/* Slots a backend must accept for one packet. */
#define XEN_NETIF_NR_SLOTS_MIN 18
#define XEN_NETIF_MAX_TX_SIZE  0xFFFF

/* netif_tx_request.flags */
#define _NETTXF_csum_blank     0
#define NETTXF_csum_blank      (1U << _NETTXF_csum_blank)	/* checksum to fill in */
#define _NETTXF_data_validated 1
#define NETTXF_data_validated  (1U << _NETTXF_data_validated)
#define _NETTXF_more_data      2
#define NETTXF_more_data       (1U << _NETTXF_more_data)	/* next slot continues the packet */
#define _NETTXF_extra_info     3
#define NETTXF_extra_info      (1U << _NETTXF_extra_info)	/* an extra-info slot follows */

/* One slot of a packet to send; the first slot's size is the packet's. */
struct netif_tx_request {
	grant_ref_t gref;
	uint16_t offset;		/* within the granted page */
	uint16_t flags;			/* NETTXF_* */
	uint16_t id;			/* echoed in the response */
	uint16_t size;
};
typedef struct netif_tx_request netif_tx_request_t;
XEN_ABI_SIZE(struct netif_tx_request, 12);
XEN_ABI_OFFSET(struct netif_tx_request, gref, 0);
XEN_ABI_OFFSET(struct netif_tx_request, offset, 4);
XEN_ABI_OFFSET(struct netif_tx_request, flags, 6);
XEN_ABI_OFFSET(struct netif_tx_request, id, 8);
XEN_ABI_OFFSET(struct netif_tx_request, size, 10);

/* Extra-info slots. */
#define XEN_NETIF_EXTRA_TYPE_NONE      0
#define XEN_NETIF_EXTRA_TYPE_GSO       1	/* u.gso */
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD 2	/* u.mcast */
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL 3	/* u.mcast */
#define XEN_NETIF_EXTRA_TYPE_HASH      4	/* u.hash */
#define XEN_NETIF_EXTRA_TYPE_MAX       5

#define _XEN_NETIF_EXTRA_FLAG_MORE 0
#define XEN_NETIF_EXTRA_FLAG_MORE  (1U << _XEN_NETIF_EXTRA_FLAG_MORE)

#define XEN_NETIF_GSO_TYPE_NONE  0
#define XEN_NETIF_GSO_TYPE_TCPV4 1
#define XEN_NETIF_GSO_TYPE_TCPV6 2

/* Fits in the slot of a tx request or an rx response (8 bytes). */
struct netif_extra_info {
	uint8_t type;			/* XEN_NETIF_EXTRA_TYPE_* */
	uint8_t flags;			/* XEN_NETIF_EXTRA_FLAG_* */
	union {
		struct {
			uint16_t size;		/* MSS */
			uint8_t type;		/* XEN_NETIF_GSO_TYPE_* */
			uint8_t pad;
			uint16_t features;
		} gso;
		struct {
			uint8_t addr[6];
		} mcast;
		struct {
			uint8_t type;
			uint8_t algorithm;
			uint8_t value[4];
		} hash;
		uint16_t pad[3];
	} u;
};
typedef struct netif_extra_info netif_extra_info_t;
XEN_ABI_SIZE(struct netif_extra_info, 8);
XEN_ABI_OFFSET(struct netif_extra_info, type, 0);
XEN_ABI_OFFSET(struct netif_extra_info, flags, 1);
XEN_ABI_OFFSET(struct netif_extra_info, u, 2);
XEN_ABI_OFFSET(struct netif_extra_info, u.gso.size, 2);
XEN_ABI_OFFSET(struct netif_extra_info, u.gso.type, 4);
XEN_ABI_OFFSET(struct netif_extra_info, u.gso.features, 6);

#define NETIF_RSP_DROPPED (-2)
#define NETIF_RSP_ERROR   (-1)
#define NETIF_RSP_OKAY      0
#define NETIF_RSP_NULL      1	/* no response: slot was an extra-info */

struct netif_tx_response {
	uint16_t id;
	int16_t status;			/* NETIF_RSP_* */
};
typedef struct netif_tx_response netif_tx_response_t;
XEN_ABI_SIZE(struct netif_tx_response, 4);
XEN_ABI_OFFSET(struct netif_tx_response, id, 0);
XEN_ABI_OFFSET(struct netif_tx_response, status, 2);

/* A page the guest offers for one received packet (or part of one). */
struct netif_rx_request {
	uint16_t id;			/* echoed in the response */
	uint16_t pad;
	grant_ref_t gref;
};
typedef struct netif_rx_request netif_rx_request_t;
XEN_ABI_SIZE(struct netif_rx_request, 8);
XEN_ABI_OFFSET(struct netif_rx_request, id, 0);
XEN_ABI_OFFSET(struct netif_rx_request, gref, 4);

/* netif_rx_response.flags */
#define _NETRXF_data_validated 0
#define NETRXF_data_validated  (1U << _NETRXF_data_validated)
#define _NETRXF_csum_blank     1
#define NETRXF_csum_blank      (1U << _NETRXF_csum_blank)
#define _NETRXF_more_data      2
#define NETRXF_more_data       (1U << _NETRXF_more_data)
#define _NETRXF_extra_info     3
#define NETRXF_extra_info      (1U << _NETRXF_extra_info)
#define _NETRXF_gso_prefix     4
#define NETRXF_gso_prefix      (1U << _NETRXF_gso_prefix)

struct netif_rx_response {
	uint16_t id;
	uint16_t offset;		/* of the data in the page */
	uint16_t flags;			/* NETRXF_* */
	int16_t status;			/* >= 0: bytes; < 0: NETIF_RSP_* */
};
typedef struct netif_rx_response netif_rx_response_t;
XEN_ABI_SIZE(struct netif_rx_response, 8);
XEN_ABI_OFFSET(struct netif_rx_response, id, 0);
XEN_ABI_OFFSET(struct netif_rx_response, offset, 2);
XEN_ABI_OFFSET(struct netif_rx_response, flags, 4);
XEN_ABI_OFFSET(struct netif_rx_response, status, 6);

DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct netif_tx_response);
DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response);
_Static_assert(__CONST_RING_SIZE(netif_tx, 4096) == 256, "ABI: netif tx ring of one page holds 256 entries");
_Static_assert(__CONST_RING_SIZE(netif_rx, 4096) == 256, "ABI: netif rx ring of one page holds 256 entries");

#endif
