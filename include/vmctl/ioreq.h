/* ioreqs: how an HVM domain's port I/O, MMIO and PCI config accesses reach
 * its device model (devmodel/), Xen's ioreq-server model.
 *
 * Two parts:
 *  1. Xen's shared layouts (public/hvm/ioreq.h): `struct ioreq` (one per vCPU
 *     in the shared iopage) and the buffered iopage ring. Written here from
 *     the published layout; sizes and offsets are asserted.
 *  2. vmctl's privcmd payloads for the ioreq-server operations
 *     (PRIVCMD_OP_IOREQ_SERVER_* in vmctl/privcmd.h, docs/privcmd.md
 *     "ioreq servers"). They replace Xen's XEN_DMOP_* calls: the pages come
 *     as a memfd, the notifications as eventfds and a futex.
 *
 * The protocol for one synchronous request (vCPU v, server S):
 *   vCPU side (vmhv's hvm sandbox): fills S.page->vcpu_ioreq[v], sets
 *     state = IOREQ_STATE_READY (release), then writes 1 to the vCPU's
 *     request eventfd (PRIVCMD_OP_IOREQ_SERVER_EVENTFD).
 *   device model: reads the eventfd, finds slots in state READY, sets
 *     INPROCESS, handles the access, writes `data` for a read, sets
 *     state = IOREQ_STATE_RESP_READY (release) and futex-wakes the 32-bit
 *     word that holds `state` (ioreq_state_word(); FUTEX_WAKE, not private:
 *     the page is shared between processes).
 *   vCPU side: waits on that word (spins first only when the device model
 *     runs on another CPU), reads `data`, sets state = IOREQ_STATE_NONE.
 * Buffered requests (writes that need no answer, e.g. VGA memory) go into
 * the buffered ring: vmhv fills slot write_pointer % IOREQ_BUF_SLOTS, then
 * bumps write_pointer (release) and writes the buffered eventfd; the device
 * model consumes up to write_pointer and bumps read_pointer. vmhv never
 * waits on a full ring: it sends the access as a synchronous request instead.
 *
 * Everything in the pages is written by both sides: each side checks what it
 * reads (vmhv treats a bad answer as all ones; the device model must do the
 * same with a bad request).
 */
#ifndef VMCTL_IOREQ_H
#define VMCTL_IOREQ_H

#include <stddef.h>
#include <stdint.h>

/* ---- 1. Xen's layouts ------------------------------------------------- */

/* ioreq.type */
#define IOREQ_TYPE_PIO         0  /* port I/O: addr = port */
#define IOREQ_TYPE_COPY        1  /* MMIO: addr = guest physical address */
#define IOREQ_TYPE_PCI_CONFIG  2  /* addr = (sbdf << 32) | register (0..4095) */
#define IOREQ_TYPE_TIMEOFFSET  7  /* buffered only: the guest moved its RTC */
#define IOREQ_TYPE_INVALIDATE  8  /* drop cached mappings of guest memory */

/* ioreq.state */
#define IOREQ_STATE_NONE       0  /* slot free */
#define IOREQ_STATE_READY      1  /* request posted by vmhv */
#define IOREQ_STATE_INPROCESS  2  /* taken by the device model */
#define IOREQ_STATE_RESP_READY 3  /* answered by the device model */

/* ioreq.dir */
#define IOREQ_WRITE 0
#define IOREQ_READ  1

/* One access. Bit fields as in Xen's ioreq_t (little-endian, gcc/clang
 * layout): byte 30 holds state (bits 0-3), data_is_ptr (4), dir (5), df (6). */
struct ioreq {
	uint64_t addr;        /* port, guest physical address or sbdf<<32|reg */
	uint64_t data;        /* the value; if data_is_ptr, the guest physical
				 address of the first element (rep ins/outs,
				 rep movs to/from MMIO) */
	uint32_t count;       /* repetitions (1 unless data_is_ptr) */
	uint32_t size;        /* bytes per element: 1, 2, 4 or 8 */
	uint32_t vp_eport;    /* Xen: the vCPU's event channel; vmctl: 0 */
	uint16_t pad0;
	uint8_t state : 4;    /* IOREQ_STATE_* */
	uint8_t data_is_ptr : 1;
	uint8_t dir : 1;      /* IOREQ_READ / IOREQ_WRITE */
	uint8_t df : 1;       /* direction flag: elements go downwards from data */
	uint8_t pad1 : 1;
	uint8_t type;         /* IOREQ_TYPE_* */
};
_Static_assert(sizeof(struct ioreq) == 32, "ioreq size");
_Static_assert(offsetof(struct ioreq, count) == 16, "ioreq count offset");
_Static_assert(offsetof(struct ioreq, vp_eport) == 24, "ioreq vp_eport offset");
_Static_assert(offsetof(struct ioreq, type) == 31, "ioreq type offset");

/* The shared iopage: one slot per vCPU (index = vCPU id). */
struct shared_iopage {
	struct ioreq vcpu_ioreq[1]; /* really [max_vcpus], up to IOREQ_MAX_VCPUS */
};
#define IOREQ_MAX_VCPUS (4096 / sizeof(struct ioreq))

/* The 32-bit word holding slot `r`'s state (bytes 28-31), for futex calls. */
static inline uint32_t *ioreq_state_word(struct ioreq *r)
{
	return (uint32_t *)(void *)((char *)r + 28);
}

/* One buffered request: a write of 1, 2, 4 bytes (or 8 as two slots, the
 * second holding the high half in `data`) to a port or an address below
 * 1 MiB (addr is 20 bits). Bit layout of the first 32-bit word: type in
 * bits 0-7, pad 8, dir 9, size 10-11 (0: 1 byte, 1: 2, 2: 4, 3: 8), addr 12-31. */
struct buf_ioreq {
	uint8_t type;         /* IOREQ_TYPE_PIO, _COPY or _TIMEOFFSET */
	uint8_t pad : 1;
	uint8_t dir : 1;      /* always IOREQ_WRITE */
	uint8_t size : 2;     /* log2 of the byte count */
	uint32_t addr : 20;
	uint32_t data;
};
_Static_assert(sizeof(struct buf_ioreq) == 8, "buf_ioreq size");

#define IOREQ_BUF_SLOTS 511

/* The buffered iopage: a ring of IOREQ_BUF_SLOTS entries after two free-
 * running indexes (slot = index % IOREQ_BUF_SLOTS). vmhv writes
 * write_pointer, the device model read_pointer. */
struct buffered_iopage {
	union {
		struct {
			uint32_t read_pointer;
			uint32_t write_pointer;
		};
		uint64_t full;
	} ptrs;
	struct buf_ioreq buf_ioreq[IOREQ_BUF_SLOTS];
};
_Static_assert(sizeof(struct buffered_iopage) == 4096, "buffered_iopage size");

/* ---- 2. vmctl's ioreq-server operations (privcmd payloads) ------------ */

/* A server's memfd (the reply to IOREQ_SERVER_CREATE) holds these pages. */
#define IOREQ_PAGE_OFFSET    0      /* struct shared_iopage */
#define IOREQ_BUFPAGE_OFFSET 4096   /* struct buffered_iopage */
#define IOREQ_SERVER_BYTES   8192

#define PRIVCMD_IOREQ_MAX_SERVERS 8 /* per domain */

/* IOREQ_SERVER_CREATE request. */
#define PRIVCMD_IOREQ_BUFFERED 1u   /* also accept buffered ioreqs */
struct privcmd_ioreq_create {
	uint32_t domid;       /* an hvm domain */
	uint32_t flags;       /* PRIVCMD_IOREQ_* */
};
_Static_assert(sizeof(struct privcmd_ioreq_create) == 8, "ioreq_create size");

/* IOREQ_SERVER_CREATE reply; the server's memfd comes with it (SCM_RIGHTS,
 * IOREQ_SERVER_BYTES long, mmap it MAP_SHARED read-write). The server
 * belongs to the privcmd connection that created it: it is destroyed (and
 * its ranges released) when that connection closes. */
struct privcmd_ioreq_server {
	uint32_t id;          /* server id, 0 .. PRIVCMD_IOREQ_MAX_SERVERS-1 */
	uint32_t nr_vcpus;    /* slots used in the shared iopage (max_vcpus) */
};
_Static_assert(sizeof(struct privcmd_ioreq_server) == 8, "ioreq_server size");

/* Requests that name one server: SET_STATE (value: 1 enabled, 0 disabled;
 * a new server is disabled and gets no requests), DESTROY (value unused).
 * EVENTFD: value = a vCPU id, or PRIVCMD_IOREQ_BUF_EVENTFD; the reply carries
 * the eventfd that vmhv signals when that vCPU's slot (or the buffered ring)
 * has a new request. Read it (8 bytes) to clear it. */
#define PRIVCMD_IOREQ_BUF_EVENTFD 0xffffffffu
struct privcmd_ioreq_op {
	uint32_t domid;
	uint32_t id;
	uint32_t value;
	uint32_t pad;
};
_Static_assert(sizeof(struct privcmd_ioreq_op) == 16, "ioreq_op size");

/* MAP_RANGE / UNMAP_RANGE: claim [start, end] (inclusive, as Xen's
 * XEN_DMOP_map_io_range_to_ioreq_server) for a server.
 *   PORT: I/O ports 0 .. 0xffff
 *   MMIO: guest physical addresses (not RAM)
 *   PCI:  devices by sbdf (segment << 16 | bus << 8 | devfn); vmhv decodes
 *         0xcf8/0xcfc (mechanism 1) and sends IOREQ_TYPE_PCI_CONFIG requests
 *         to the server that claims the device. Reads of unclaimed devices
 *         return all ones. A server that maps ports 0xcf8-0xcff itself gets
 *         them as plain port I/O instead.
 * A range overlapping another server's, or one of vmhv's own devices
 * (PIC 0x20-0x21/0xa0-0xa1, PIT 0x40-0x43, RTC 0x70-0x71, ELCR 0x4d0-0x4d1,
 * the PM timer, LAPIC 0xfee00000, IOAPIC 0xfec00000) is -EBUSY, except that
 * the debug ports 0xe9, 0x402 and 0x12 (otherwise written to the domain's
 * log by vmhv) may be claimed. UNMAP must name a range exactly as mapped. */
#define PRIVCMD_IOREQ_RANGE_PORT 0u
#define PRIVCMD_IOREQ_RANGE_MMIO 1u
#define PRIVCMD_IOREQ_RANGE_PCI  2u
#define PRIVCMD_IOREQ_MAX_RANGES 256 /* per server */
struct privcmd_ioreq_range {
	uint32_t domid;
	uint32_t id;
	uint32_t type;        /* PRIVCMD_IOREQ_RANGE_* */
	uint32_t pad;
	uint64_t start, end;  /* inclusive */
};
_Static_assert(sizeof(struct privcmd_ioreq_range) == 32, "ioreq_range size");

/* IRQ_LEVEL: the device model drives an interrupt line of the domain's
 * platform (Xen's XEN_DMOP_set_isa_irq_level / set_pci_intx_level):
 *   ISA: irq 0-15 (through the PIC and IOAPIC pins 0-15, ISA overrides:
 *        IRQ0 is IOAPIC pin 2)
 *   GSI: an IOAPIC pin 0-23 (PCI INTx after the device model's PIRQ routing)
 * level 1 asserts, 0 deasserts; an edge device sends 1 then 0.
 * MSI: addr/data of a message signalled interrupt (XEN_DMOP_inject_msi),
 * as struct privcmd_ioreq_msi. */
#define PRIVCMD_IRQ_ISA 0u
#define PRIVCMD_IRQ_GSI 1u
struct privcmd_irq_level {
	uint32_t domid;
	uint32_t type;        /* PRIVCMD_IRQ_* */
	uint32_t irq;
	uint32_t level;       /* 0 or 1 */
};
_Static_assert(sizeof(struct privcmd_irq_level) == 16, "irq_level size");

/* PCI_LINK_ROUTE (Xen's dm_op set_pci_link_route): the guest routed PCI
 * interrupt link `link` (0..3 = PIIX3 PIRQA..D) to ISA IRQ `irq` (1..15;
 * 0 = disabled). vmhv needs it for the PCI INTx event callback
 * (HVM_PARAM_CALLBACK_IRQ type 1), which rides a device's INTx line. */
struct privcmd_pci_link_route {
	uint32_t domid;
	uint32_t link;
	uint32_t irq;
	uint32_t pad;         /* 0 */
};
_Static_assert(sizeof(struct privcmd_pci_link_route) == 16, "pci_link_route size");

struct privcmd_ioreq_msi {
	uint32_t domid;
	uint32_t data;
	uint64_t addr;
};
_Static_assert(sizeof(struct privcmd_ioreq_msi) == 16, "ioreq_msi size");

#endif
