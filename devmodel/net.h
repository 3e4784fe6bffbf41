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
	bool frozen;                 /* state taken: no frames in until thawed */
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
/* The device's state was taken (DMCTL_SAVE, the guest's vCPUs frozen):
 * frames stay in the tap, none reaches guest memory behind the saved
 * state's back, until net_nic_touch. */
void net_port_freeze(struct net_port *p);

/* The IEEE 802.3 CRC-32 of `len` bytes (what goes into the FCS, little
 * endian on the wire). */
uint32_t net_crc32(const uint8_t *p, size_t len);

enum net_dest { NET_DEST_UNICAST, NET_DEST_MULTICAST, NET_DEST_BROADCAST };
enum net_dest net_dest(const uint8_t *frame);

/* What every NIC's state starts with (the PCI core hands back &pci). */
struct net_nic {
	struct pci_dev pci;
	struct dm *dm;
	struct net_port port;
	const char *model;
	bool dma_warned;
};

/* Take over the tap of dm->cfg->nic[index] and put the NIC (its PCI
 * header and BARs set up) at its slot. 0 or -errno; undone by
 * net_nic_detach, which is also safe after a failed attach. */
int net_nic_attach(struct net_nic *n, struct dm *dm, unsigned index,
		   bool (*can_rx)(void *opaque),
		   void (*rx)(void *opaque, const uint8_t *frame, size_t len));
void net_nic_detach(struct net_nic *n);
/* The guest accessed the NIC's registers: it runs, so a port frozen by a
 * save (the domain went on: `xl save -c`, a failed migration) reads its
 * tap again. */
void net_nic_touch(struct net_nic *n);
/* May the NIC access guest memory (bus mastering on)? */
bool net_nic_master(const struct net_nic *n);
/* Guest memory for the NIC's DMA, or NULL (logged once) outside RAM. */
void *net_nic_dma(struct net_nic *n, uint64_t gpa, uint64_t len);

/* The NICs of one model: the create/destroy/reset/unplug of a dm_dev_type
 * for every --nic of `model` (PCI slot 4 + its index). `create` makes one
 * instance (a state starting with struct net_nic) for dm->cfg->nic[index]. */
struct net_nic_ops {
	const char *model;
	int (*create)(struct dm *dm, unsigned index, void **nic);
	void (*destroy)(void *nic);
	void (*reset)(void *nic);
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
/* The const struct dm_dev_type dev_<name> for the NICs of `ops`. */
#define NET_NIC_DEVICE(name_, ops_)                                          \
	static int name_##_devices_create(struct dm *dm, void **state)        \
	{                                                                     \
		return net_nics_create(dm, &(ops_), state);                   \
	}                                                                     \
	const struct dm_dev_type dev_##name_ = {                              \
		.name = #name_,                                               \
		.create = name_##_devices_create,                             \
		.destroy = net_nics_destroy,                                  \
		.reset = net_nics_reset,                                      \
		.unplug = net_nics_unplug,                                    \
	}

#endif
