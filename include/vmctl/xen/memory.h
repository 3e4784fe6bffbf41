/*
 * Memory reservation and physmap operations:
 * HYPERVISOR_memory_op(cmd, arg) with XENMEM_*.  Also the guest's memory
 * map (XENMEM_memory_map), an array of e820 entries.
 */
#ifndef VMCTL_XEN_MEMORY_H
#define VMCTL_XEN_MEMORY_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/xen.h>

#define XENMEM_increase_reservation       0	/* struct xen_memory_reservation */
#define XENMEM_decrease_reservation       1	/* struct xen_memory_reservation */
#define XENMEM_maximum_ram_page           2	/* arg NULL; returns max MFN */
#define XENMEM_current_reservation        3	/* domid_t *; returns pages */
#define XENMEM_maximum_reservation        4	/* domid_t *; returns pages */
#define XENMEM_machphys_mfn_list          5	/* struct xen_machphys_mfn_list */
#define XENMEM_populate_physmap           6	/* struct xen_memory_reservation */
#define XENMEM_add_to_physmap             7	/* struct xen_add_to_physmap */
#define XENMEM_memory_map                 9	/* struct xen_memory_map */
#define XENMEM_machine_memory_map        10	/* struct xen_memory_map */
#define XENMEM_exchange                  11	/* struct xen_memory_exchange */
#define XENMEM_machphys_mapping          12	/* struct xen_machphys_mapping */
#define XENMEM_set_memory_map            13	/* struct xen_foreign_memory_map */
#define XENMEM_maximum_gpfn              14	/* domid_t *; returns max GPFN */
#define XENMEM_remove_from_physmap       15	/* struct xen_remove_from_physmap */
#define XENMEM_set_pod_target            16	/* struct xen_pod_target */
#define XENMEM_get_pod_target            17	/* struct xen_pod_target */
#define XENMEM_add_to_physmap_batch      23	/* struct xen_add_to_physmap_batch */
#define XENMEM_claim_pages               24	/* struct xen_memory_reservation */
#define XENMEM_machphys_compat_mfn_list  25
#define XENMEM_get_vnumainfo             26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource          28	/* struct xen_mem_acquire_resource */

/* xen_memory_reservation.mem_flags */
#define XENMEMF_address_bits(x)     (x)
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x)             (((x) + 1) << 8)
#define XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand  (1 << 16)
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_exact_node(n)       (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode               (1 << 18)

/* Add, remove or populate nr_extents extents of 2^extent_order pages. */
struct xen_memory_reservation {
	XEN_GUEST_HANDLE(xen_pfn_t) extent_start;	/* frames in or out */
	xen_ulong_t nr_extents;
	unsigned int extent_order;
	unsigned int mem_flags;				/* XENMEMF_* */
	domid_t domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);
XEN_ABI_SIZE(struct xen_memory_reservation, 32);
XEN_ABI_OFFSET(struct xen_memory_reservation, extent_start, 0);
XEN_ABI_OFFSET(struct xen_memory_reservation, nr_extents, 8);
XEN_ABI_OFFSET(struct xen_memory_reservation, extent_order, 16);
XEN_ABI_OFFSET(struct xen_memory_reservation, mem_flags, 20);
XEN_ABI_OFFSET(struct xen_memory_reservation, domid, 24);

/* Trade the `in` extents for new `out` extents (e.g. below 4 GiB). */
struct xen_memory_exchange {
	struct xen_memory_reservation in;
	struct xen_memory_reservation out;
	xen_ulong_t nr_exchanged;			/* OUT */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
XEN_ABI_SIZE(struct xen_memory_exchange, 72);
XEN_ABI_OFFSET(struct xen_memory_exchange, in, 0);
XEN_ABI_OFFSET(struct xen_memory_exchange, out, 32);
XEN_ABI_OFFSET(struct xen_memory_exchange, nr_exchanged, 64);

/* The argument of XENMEM_{current,maximum}_reservation and maximum_gpfn. */
struct xen_memory_domain {
	domid_t domid;
};
XEN_ABI_SIZE(struct xen_memory_domain, 2);

/* Frames that hold the machine-to-phys table (PV). */
struct xen_machphys_mfn_list {
	unsigned int max_extents;
	XEN_GUEST_HANDLE(xen_pfn_t) extent_start;	/* OUT */
	unsigned int nr_extents;			/* OUT */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
XEN_ABI_SIZE(struct xen_machphys_mfn_list, 24);
XEN_ABI_OFFSET(struct xen_machphys_mfn_list, max_extents, 0);
XEN_ABI_OFFSET(struct xen_machphys_mfn_list, extent_start, 8);
XEN_ABI_OFFSET(struct xen_machphys_mfn_list, nr_extents, 16);

/* Where the machine-to-phys table is mapped (PV). */
struct xen_machphys_mapping {
	xen_ulong_t v_start, v_end;
	xen_ulong_t max_mfn;
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
XEN_ABI_SIZE(struct xen_machphys_mapping, 24);
XEN_ABI_OFFSET(struct xen_machphys_mapping, v_start, 0);
XEN_ABI_OFFSET(struct xen_machphys_mapping, v_end, 8);
XEN_ABI_OFFSET(struct xen_machphys_mapping, max_mfn, 16);

/* Sources of XENMEM_add_to_physmap. */
#define XENMAPSPACE_shared_info  0	/* the shared info page */
#define XENMAPSPACE_grant_table  1	/* a grant table frame (idx) */
#define XENMAPSPACE_gmfn         2	/* move a guest frame */
#define XENMAPSPACE_gmfn_range   3	/* move `size` guest frames */
#define XENMAPSPACE_gmfn_foreign 4	/* another domain's frame */
#define XENMAPSPACE_dev_mmio     5	/* device MMIO (Arm) */
#define XENMAPIDX_grant_table_status 0x80000000U

/* Map a page of `space` at guest frame gpfn (HVM/PVH). */
struct xen_add_to_physmap {
	domid_t domid;
	uint16_t size;			/* gmfn_range only */
	unsigned int space;		/* XENMAPSPACE_* */
	xen_ulong_t idx;		/* index within the space */
	xen_pfn_t gpfn;			/* where to put it */
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);
XEN_ABI_SIZE(struct xen_add_to_physmap, 24);
XEN_ABI_OFFSET(struct xen_add_to_physmap, domid, 0);
XEN_ABI_OFFSET(struct xen_add_to_physmap, size, 2);
XEN_ABI_OFFSET(struct xen_add_to_physmap, space, 4);
XEN_ABI_OFFSET(struct xen_add_to_physmap, idx, 8);
XEN_ABI_OFFSET(struct xen_add_to_physmap, gpfn, 16);

/* Many add_to_physmap at once; errs[i] gets each result. */
struct xen_add_to_physmap_batch {
	domid_t domid;
	uint16_t space;			/* XENMAPSPACE_* */
	uint16_t size;			/* entries in the arrays */
	union xen_add_to_physmap_batch_extra {
		domid_t foreign_domid;	/* gmfn_foreign */
		uint16_t res0;
	} u;
	XEN_GUEST_HANDLE(xen_ulong_t) idxs;
	XEN_GUEST_HANDLE(xen_pfn_t) gpfns;
	XEN_GUEST_HANDLE(int) errs;	/* OUT */
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
XEN_ABI_SIZE(struct xen_add_to_physmap_batch, 32);
XEN_ABI_OFFSET(struct xen_add_to_physmap_batch, domid, 0);
XEN_ABI_OFFSET(struct xen_add_to_physmap_batch, space, 2);
XEN_ABI_OFFSET(struct xen_add_to_physmap_batch, size, 4);
XEN_ABI_OFFSET(struct xen_add_to_physmap_batch, u, 6);
XEN_ABI_OFFSET(struct xen_add_to_physmap_batch, idxs, 8);
XEN_ABI_OFFSET(struct xen_add_to_physmap_batch, gpfns, 16);
XEN_ABI_OFFSET(struct xen_add_to_physmap_batch, errs, 24);

/* Unmap whatever is at guest frame gpfn. */
struct xen_remove_from_physmap {
	domid_t domid;
	xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
XEN_ABI_SIZE(struct xen_remove_from_physmap, 16);
XEN_ABI_OFFSET(struct xen_remove_from_physmap, domid, 0);
XEN_ABI_OFFSET(struct xen_remove_from_physmap, gpfn, 8);

/* A memory map: buffer holds nr_entries struct e820entry. */
struct xen_memory_map {
	unsigned int nr_entries;	/* IN: room; OUT: entries written */
	XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
XEN_ABI_SIZE(struct xen_memory_map, 16);
XEN_ABI_OFFSET(struct xen_memory_map, nr_entries, 0);
XEN_ABI_OFFSET(struct xen_memory_map, buffer, 8);

/* XENMEM_set_memory_map: the toolstack sets a domain's map. */
struct xen_foreign_memory_map {
	domid_t domid;
	struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
XEN_ABI_SIZE(struct xen_foreign_memory_map, 24);
XEN_ABI_OFFSET(struct xen_foreign_memory_map, domid, 0);
XEN_ABI_OFFSET(struct xen_foreign_memory_map, map, 8);

/*
 * Our own: one entry of the map above, in the BIOS e820 format (packed,
 * 20 bytes).  Xen's public headers leave the type to the guest.
 */
#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4
#define E820_UNUSABLE 5

struct e820entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;		/* E820_* */
} __attribute__((packed));
XEN_ABI_SIZE(struct e820entry, 20);
XEN_ABI_OFFSET(struct e820entry, addr, 0);
XEN_ABI_OFFSET(struct e820entry, size, 8);
XEN_ABI_OFFSET(struct e820entry, type, 16);

/* Populate-on-demand target (toolstack). */
struct xen_pod_target {
	uint64_t target_pages;
	uint64_t tot_pages;		/* OUT */
	uint64_t pod_cache_pages;	/* OUT */
	uint64_t pod_entries;		/* OUT */
	domid_t domid;
};
typedef struct xen_pod_target xen_pod_target_t;
XEN_ABI_SIZE(struct xen_pod_target, 40);
XEN_ABI_OFFSET(struct xen_pod_target, target_pages, 0);
XEN_ABI_OFFSET(struct xen_pod_target, domid, 32);

/* Map a resource of another domain (ioreq server pages, grant table). */
#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table  1
#define XENMEM_resource_vmtrace_buf  2
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
#define XENMEM_resource_ioreq_server_frame_bufioreq 0
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))

struct xen_mem_acquire_resource {
	domid_t domid;
	uint16_t type;			/* XENMEM_resource_* */
	uint32_t id;
	uint32_t nr_frames;
	uint32_t pad;
	uint64_t frame;			/* first frame of the resource */
	XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;
XEN_ABI_SIZE(struct xen_mem_acquire_resource, 32);
XEN_ABI_OFFSET(struct xen_mem_acquire_resource, domid, 0);
XEN_ABI_OFFSET(struct xen_mem_acquire_resource, type, 2);
XEN_ABI_OFFSET(struct xen_mem_acquire_resource, id, 4);
XEN_ABI_OFFSET(struct xen_mem_acquire_resource, nr_frames, 8);
XEN_ABI_OFFSET(struct xen_mem_acquire_resource, frame, 16);
XEN_ABI_OFFSET(struct xen_mem_acquire_resource, frame_list, 24);

#endif
