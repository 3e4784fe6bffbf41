/*
 * HYPERVISOR_physdev_op(cmd, arg) with PHYSDEVOP_*: physical IRQs (pirqs)
 * and I/O privilege.  vmctl guests have no physical devices; a PV kernel
 * still issues some of these at boot (set_iopl, irq_status_query, eoi,
 * pirq_eoi_gmfn), so their arguments are here.  The PCI management ops are
 * listed by number only.
 */
#ifndef VMCTL_XEN_PHYSDEV_H
#define VMCTL_XEN_PHYSDEV_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/xen.h>

#define PHYSDEVOP_irq_status_query     5	/* struct physdev_irq_status_query */
#define PHYSDEVOP_set_iopl             6	/* struct physdev_set_iopl */
#define PHYSDEVOP_set_iobitmap         7	/* struct physdev_set_iobitmap */
#define PHYSDEVOP_apic_read            8
#define PHYSDEVOP_apic_write           9
#define PHYSDEVOP_alloc_irq_vector    10
#define PHYSDEVOP_free_irq_vector     11
#define PHYSDEVOP_eoi                 12	/* struct physdev_eoi */
#define PHYSDEVOP_map_pirq            13	/* struct physdev_map_pirq */
#define PHYSDEVOP_unmap_pirq          14	/* struct physdev_unmap_pirq */
#define PHYSDEVOP_manage_pci_add      15
#define PHYSDEVOP_manage_pci_remove   16
#define PHYSDEVOP_pirq_eoi_gmfn_v1    17	/* struct physdev_pirq_eoi_gmfn */
#define PHYSDEVOP_restore_msi         19
#define PHYSDEVOP_manage_pci_add_ext  20
#define PHYSDEVOP_setup_gsi           21
#define PHYSDEVOP_get_free_pirq       23	/* struct physdev_get_free_pirq */
#define PHYSDEVOP_pci_mmcfg_reserved  24
#define PHYSDEVOP_pci_device_add      25
#define PHYSDEVOP_pci_device_remove   26
#define PHYSDEVOP_restore_msi_ext     27
#define PHYSDEVOP_pirq_eoi_gmfn_v2    28	/* struct physdev_pirq_eoi_gmfn */
#define PHYSDEVOP_dbgp_op             29
#define PHYSDEVOP_prepare_msix        30
#define PHYSDEVOP_release_msix        31

/* Signal end of interrupt for pirq `irq`. */
struct physdev_eoi {
	uint32_t irq;
};
typedef struct physdev_eoi physdev_eoi_t;
XEN_ABI_SIZE(struct physdev_eoi, 4);
XEN_ABI_OFFSET(struct physdev_eoi, irq, 0);

/* Register a page of "needs EOI" bits, one per pirq. */
struct physdev_pirq_eoi_gmfn {
	xen_pfn_t gmfn;
};
typedef struct physdev_pirq_eoi_gmfn physdev_pirq_eoi_gmfn_t;
XEN_ABI_SIZE(struct physdev_pirq_eoi_gmfn, 8);
XEN_ABI_OFFSET(struct physdev_pirq_eoi_gmfn, gmfn, 0);

/* Whether a pirq needs an explicit EOI, and whether it is shared. */
#define _XENIRQSTAT_needs_eoi 0
#define XENIRQSTAT_needs_eoi  (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared    1
#define XENIRQSTAT_shared     (1U << _XENIRQSTAT_shared)

struct physdev_irq_status_query {
	uint32_t irq;
	uint32_t flags;			/* OUT: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;
XEN_ABI_SIZE(struct physdev_irq_status_query, 8);
XEN_ABI_OFFSET(struct physdev_irq_status_query, irq, 0);
XEN_ABI_OFFSET(struct physdev_irq_status_query, flags, 4);

/* Set the I/O privilege level the guest kernel runs at (0-3). */
struct physdev_set_iopl {
	uint32_t iopl;
};
typedef struct physdev_set_iopl physdev_set_iopl_t;
XEN_ABI_SIZE(struct physdev_set_iopl, 4);
XEN_ABI_OFFSET(struct physdev_set_iopl, iopl, 0);

/* Install an I/O port permission bitmap (guest virtual address). */
struct physdev_set_iobitmap {
	XEN_GUEST_HANDLE(uint8_t) bitmap;
	uint32_t nr_ports;
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;
XEN_ABI_SIZE(struct physdev_set_iobitmap, 16);
XEN_ABI_OFFSET(struct physdev_set_iobitmap, bitmap, 0);
XEN_ABI_OFFSET(struct physdev_set_iobitmap, nr_ports, 8);

/* Map a GSI or MSI of a device to a pirq of `domid`. */
#define MAP_PIRQ_TYPE_MSI       0x0
#define MAP_PIRQ_TYPE_GSI       0x1
#define MAP_PIRQ_TYPE_UNKNOWN   0x2
#define MAP_PIRQ_TYPE_MSI_SEG   0x3
#define MAP_PIRQ_TYPE_MULTI_MSI 0x4

struct physdev_map_pirq {
	domid_t domid;
	int type;			/* MAP_PIRQ_TYPE_* */
	int index;			/* GSI, or MSI vector index */
	int pirq;			/* IN/OUT */
	int bus;			/* MSI: PCI bus (with segment for MSI_SEG) */
	int devfn;
	int entry_nr;			/* IN: MSI-X entry, or vector count */
	uint64_t table_base;		/* MSI-X table base */
};
typedef struct physdev_map_pirq physdev_map_pirq_t;
XEN_ABI_SIZE(struct physdev_map_pirq, 40);
XEN_ABI_OFFSET(struct physdev_map_pirq, domid, 0);
XEN_ABI_OFFSET(struct physdev_map_pirq, type, 4);
XEN_ABI_OFFSET(struct physdev_map_pirq, index, 8);
XEN_ABI_OFFSET(struct physdev_map_pirq, pirq, 12);
XEN_ABI_OFFSET(struct physdev_map_pirq, bus, 16);
XEN_ABI_OFFSET(struct physdev_map_pirq, devfn, 20);
XEN_ABI_OFFSET(struct physdev_map_pirq, entry_nr, 24);
XEN_ABI_OFFSET(struct physdev_map_pirq, table_base, 32);

/* Undo map_pirq. */
struct physdev_unmap_pirq {
	domid_t domid;
	int pirq;
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;
XEN_ABI_SIZE(struct physdev_unmap_pirq, 8);
XEN_ABI_OFFSET(struct physdev_unmap_pirq, domid, 0);
XEN_ABI_OFFSET(struct physdev_unmap_pirq, pirq, 4);

/* A free pirq number of the given type. */
struct physdev_get_free_pirq {
	int type;			/* MAP_PIRQ_TYPE_* */
	uint32_t pirq;			/* OUT */
};
typedef struct physdev_get_free_pirq physdev_get_free_pirq_t;
XEN_ABI_SIZE(struct physdev_get_free_pirq, 8);
XEN_ABI_OFFSET(struct physdev_get_free_pirq, type, 0);
XEN_ABI_OFFSET(struct physdev_get_free_pirq, pirq, 4);

#endif
