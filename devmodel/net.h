/* The packet side of an emulated NIC: a tap device's descriptor (xld
 * made the tap and put it on its bridge; the device model only reads and
 * writes frames). Transmit is a write of one frame. Receive is pulled by
 * the device: the port reads frames only while the device says it has
 * room for one (can_rx), so a guest without receive buffers leaves them
 * queued in the tap (the kernel drops the excess, as a wire would).
 *
 * Also the pieces both NICs need: the Ethernet CRC, the destination
 * class of a frame, and NIC instances at their PCI slots.
 */
#ifndef VMCTL_DEVMODEL_NET_H
#define VMCTL_DEVMODEL_NET_H

#include "devmodel/dm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_watch;

#define NET_FRAME_MAX 16384      /* the largest frame either NIC sends or takes */
#define NET_FRAME_MIN 60         /* shorter received frames are padded (no FCS) */

struct net_port {
	int fd;
	struct evloop *loop;
	struct ev_watch *watch;
	bool reading;                /* the watch asks for EPOLLIN */
	/* The device: can it take a frame of up to NET_FRAME_MAX now? */
	bool (*can_rx)(void *opaque);
	/* A frame for the device (already padded to NET_FRAME_MIN). */
	void (*rx)(void *opaque, const uint8_t *frame, size_t len);
	void *opaque;
	uint64_t tx_frames, rx_frames, tx_errors;
	bool tx_error_logged;
};

/* Take over `fd` (a tap, non-blocking or not: it is made non-blocking).
 * `loop` may be NULL (unit tests: frames are then pulled with
 * net_port_poll). 0 or -errno. */
int net_port_open(struct net_port *p, struct evloop *loop, int fd,
		  bool (*can_rx)(void *opaque),
		  void (*rx)(void *opaque, const uint8_t *frame, size_t len), void *opaque);
void net_port_close(struct net_port *p);
/* Send one frame; a frame the host refuses is counted and dropped. */
void net_port_send(struct net_port *p, const uint8_t *frame, size_t len);
/* The device's room may have changed: read what it can take now, and
 * watch the tap only while it has room. */
void net_port_update(struct net_port *p);

/* The IEEE 802.3 CRC-32 of `len` bytes (what goes into the FCS, little
 * endian on the wire). */
uint32_t net_crc32(const uint8_t *p, size_t len);

enum net_dest { NET_DEST_UNICAST, NET_DEST_MULTICAST, NET_DEST_BROADCAST };
enum net_dest net_dest(const uint8_t *frame);

/* The NICs of one model: the create/destroy/reset of a dm_dev_type for
 * every --nic of `model` (PCI slot 4 + its index). `new` makes one
 * instance of the model for dm->cfg->nic[index]. */
struct net_nic_ops {
	const char *model;
	int (*create)(struct dm *dm, unsigned index, void **nic);
	void (*destroy)(void *nic);
	void (*reset)(void *nic);
	struct pci_dev *(*pci)(void *nic);   /* its PCI function */
};

struct net_nics {
	const struct net_nic_ops *ops;
	void *nic[DM_MAX_NICS];
	unsigned n;
};

int net_nics_create(struct dm *dm, const struct net_nic_ops *ops, void **state);
void net_nics_destroy(void *state);
void net_nics_reset(void *state);
/* The Xen platform device's unplug: XEN_UNPLUG_ALL_NICS takes every
 * emulated NIC off the PCI bus (the PV network driver replaces them);
 * their taps stay until the device model ends. */
void net_nics_unplug(void *state, unsigned mask);
/* PCI slot of NIC `index`. */
static inline unsigned net_nic_devfn(unsigned index)
{
	return (4 + index) << 3;
}

#endif
