/*
 * Grant tables, version 1: a domain shares a page with another by filling
 * an 8-byte grant entry in its table; the grantee maps or copies it through
 * HYPERVISOR_grant_table_op(cmd, ops, count) with GNTTABOP_* and an array
 * of `count` argument structs.
 */
#ifndef VMCTL_XEN_GRANT_TABLE_H
#define VMCTL_XEN_GRANT_TABLE_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/xen.h>

typedef uint32_t grant_ref_t;		/* index into the granter's table */
typedef uint32_t grant_handle_t;	/* a mapping, returned by map_grant_ref */

/* One grant: the granter writes frame and domid, then flags last. */
struct grant_entry_v1 {
	uint16_t flags;		/* GTF_* */
	domid_t domid;		/* who may use it */
	uint32_t frame;		/* MFN (PV) or GFN (HVM/PVH) shared */
};
typedef struct grant_entry_v1 grant_entry_v1_t;
XEN_ABI_SIZE(struct grant_entry_v1, 8);
XEN_ABI_OFFSET(struct grant_entry_v1, flags, 0);
XEN_ABI_OFFSET(struct grant_entry_v1, domid, 2);
XEN_ABI_OFFSET(struct grant_entry_v1, frame, 4);

/* Refs 0..7 are the toolstack's: console ring and xenstore ring. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE    0
#define GNTTAB_RESERVED_XENSTORE   1

/* grant_entry_v1.flags: the type in bits 1:0 ... */
#define GTF_invalid         (0U << 0)
#define GTF_permit_access   (1U << 0)	/* grantee may map or copy the frame */
#define GTF_accept_transfer (2U << 0)	/* grantee may transfer a page to us */
#define GTF_transitive      (3U << 0)	/* v2 only */
#define GTF_type_mask       (3U << 0)

/* ... then, for permit_access (reading/writing are set by Xen) ... */
#define _GTF_readonly  2
#define GTF_readonly   (1U << _GTF_readonly)
#define _GTF_reading   3
#define GTF_reading    (1U << _GTF_reading)
#define _GTF_writing   4
#define GTF_writing    (1U << _GTF_writing)
#define _GTF_PWT       5
#define GTF_PWT        (1U << _GTF_PWT)
#define _GTF_PCD       6
#define GTF_PCD        (1U << _GTF_PCD)
#define _GTF_PAT       7
#define GTF_PAT        (1U << _GTF_PAT)
#define _GTF_sub_page  8
#define GTF_sub_page   (1U << _GTF_sub_page)

/* ... and for accept_transfer. */
#define _GTF_transfer_committed 2
#define GTF_transfer_committed  (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed 3
#define GTF_transfer_completed  (1U << _GTF_transfer_completed)

#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_setup_table        2
#define GNTTABOP_dump_table         3
#define GNTTABOP_transfer           4
#define GNTTABOP_copy               5
#define GNTTABOP_query_size         6
#define GNTTABOP_unmap_and_replace  7
#define GNTTABOP_set_version        8
#define GNTTABOP_get_status_frames  9
#define GNTTABOP_get_version       10
#define GNTTABOP_swap_grant_ref    11
#define GNTTABOP_cache_flush       12

/* Map flags. */
#define _GNTMAP_device_map      0
#define GNTMAP_device_map       (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map        1
#define GNTMAP_host_map         (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly        2
#define GNTMAP_readonly         (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map 3
#define GNTMAP_application_map  (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte    4
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte)
#define _GNTMAP_guest_avail0    16
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* Per-op status codes (the hypercall itself returns 0 or -errno). */
#define GNTST_okay               0
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg     (-10)	/* copy crosses a page boundary */
#define GNTST_address_too_big  (-11)
#define GNTST_eagain           (-12)
#define GNTST_no_space         (-13)

/* Map `ref` of domain `dom` at host_addr (and/or for device access). */
struct gnttab_map_grant_ref {
	uint64_t host_addr;
	uint32_t flags;			/* GNTMAP_* */
	grant_ref_t ref;
	domid_t dom;
	int16_t status;			/* OUT: GNTST_* */
	grant_handle_t handle;		/* OUT */
	uint64_t dev_bus_addr;		/* OUT */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_map_grant_ref_t);
XEN_ABI_SIZE(struct gnttab_map_grant_ref, 32);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, host_addr, 0);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, flags, 8);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, ref, 12);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, dom, 16);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, status, 18);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, handle, 20);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, dev_bus_addr, 24);

/* Undo a map_grant_ref. */
struct gnttab_unmap_grant_ref {
	uint64_t host_addr;
	uint64_t dev_bus_addr;
	grant_handle_t handle;
	int16_t status;			/* OUT: GNTST_* */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_grant_ref_t);
XEN_ABI_SIZE(struct gnttab_unmap_grant_ref, 24);
XEN_ABI_OFFSET(struct gnttab_unmap_grant_ref, host_addr, 0);
XEN_ABI_OFFSET(struct gnttab_unmap_grant_ref, dev_bus_addr, 8);
XEN_ABI_OFFSET(struct gnttab_unmap_grant_ref, handle, 16);
XEN_ABI_OFFSET(struct gnttab_unmap_grant_ref, status, 20);

/* Grow the caller's table to nr_frames and return its frames (PV). */
struct gnttab_setup_table {
	domid_t dom;
	uint32_t nr_frames;
	int16_t status;			/* OUT: GNTST_* */
	XEN_GUEST_HANDLE(xen_pfn_t) frame_list;	/* OUT */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_setup_table_t);
XEN_ABI_SIZE(struct gnttab_setup_table, 24);
XEN_ABI_OFFSET(struct gnttab_setup_table, dom, 0);
XEN_ABI_OFFSET(struct gnttab_setup_table, nr_frames, 4);
XEN_ABI_OFFSET(struct gnttab_setup_table, status, 8);
XEN_ABI_OFFSET(struct gnttab_setup_table, frame_list, 16);

/* Print a domain's table to Xen's console. */
struct gnttab_dump_table {
	domid_t dom;
	int16_t status;			/* OUT */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;
XEN_ABI_SIZE(struct gnttab_dump_table, 4);
XEN_ABI_OFFSET(struct gnttab_dump_table, dom, 0);
XEN_ABI_OFFSET(struct gnttab_dump_table, status, 2);

/* Give page mfn to domid, which accepted it with grant `ref`. */
struct gnttab_transfer {
	xen_pfn_t mfn;
	domid_t domid;
	grant_ref_t ref;
	int16_t status;			/* OUT */
};
typedef struct gnttab_transfer gnttab_transfer_t;
XEN_ABI_SIZE(struct gnttab_transfer, 24);
XEN_ABI_OFFSET(struct gnttab_transfer, mfn, 0);
XEN_ABI_OFFSET(struct gnttab_transfer, domid, 8);
XEN_ABI_OFFSET(struct gnttab_transfer, ref, 12);
XEN_ABI_OFFSET(struct gnttab_transfer, status, 16);

/* Copy len bytes between two (granted or own) frames, within one page each. */
#define _GNTCOPY_source_gref 0
#define GNTCOPY_source_gref  (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref   1
#define GNTCOPY_dest_gref    (1 << _GNTCOPY_dest_gref)

struct gnttab_copy {
	struct gnttab_copy_ptr {
		union {
			grant_ref_t ref;	/* with GNTCOPY_*_gref */
			xen_pfn_t gmfn;		/* otherwise */
		} u;
		domid_t domid;
		uint16_t offset;
	} source, dest;
	uint16_t len;
	uint16_t flags;			/* GNTCOPY_* */
	int16_t status;			/* OUT */
};
typedef struct gnttab_copy gnttab_copy_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_copy_t);
XEN_ABI_SIZE(struct gnttab_copy_ptr, 16);
XEN_ABI_OFFSET(struct gnttab_copy_ptr, u, 0);
XEN_ABI_OFFSET(struct gnttab_copy_ptr, domid, 8);
XEN_ABI_OFFSET(struct gnttab_copy_ptr, offset, 10);
XEN_ABI_SIZE(struct gnttab_copy, 40);
XEN_ABI_OFFSET(struct gnttab_copy, source, 0);
XEN_ABI_OFFSET(struct gnttab_copy, dest, 16);
XEN_ABI_OFFSET(struct gnttab_copy, len, 32);
XEN_ABI_OFFSET(struct gnttab_copy, flags, 34);
XEN_ABI_OFFSET(struct gnttab_copy, status, 36);

/* Current and maximum table size in frames. */
struct gnttab_query_size {
	domid_t dom;
	uint32_t nr_frames;		/* OUT */
	uint32_t max_nr_frames;		/* OUT */
	int16_t status;			/* OUT */
};
typedef struct gnttab_query_size gnttab_query_size_t;
XEN_ABI_SIZE(struct gnttab_query_size, 16);
XEN_ABI_OFFSET(struct gnttab_query_size, dom, 0);
XEN_ABI_OFFSET(struct gnttab_query_size, nr_frames, 4);
XEN_ABI_OFFSET(struct gnttab_query_size, max_nr_frames, 8);
XEN_ABI_OFFSET(struct gnttab_query_size, status, 12);

/* Unmap `handle` at host_addr and move the PTE at new_addr there. */
struct gnttab_unmap_and_replace {
	uint64_t host_addr;
	uint64_t new_addr;
	grant_handle_t handle;
	int16_t status;			/* OUT */
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;
XEN_ABI_SIZE(struct gnttab_unmap_and_replace, 24);
XEN_ABI_OFFSET(struct gnttab_unmap_and_replace, host_addr, 0);
XEN_ABI_OFFSET(struct gnttab_unmap_and_replace, new_addr, 8);
XEN_ABI_OFFSET(struct gnttab_unmap_and_replace, handle, 16);
XEN_ABI_OFFSET(struct gnttab_unmap_and_replace, status, 20);

/* Choose the table format (vmctl supports 1). */
struct gnttab_set_version {
	uint32_t version;		/* IN/OUT */
};
typedef struct gnttab_set_version gnttab_set_version_t;
XEN_ABI_SIZE(struct gnttab_set_version, 4);
XEN_ABI_OFFSET(struct gnttab_set_version, version, 0);

/* v2 only: the frames of the status array. */
struct gnttab_get_status_frames {
	uint32_t nr_frames;
	domid_t dom;
	int16_t status;			/* OUT */
	XEN_GUEST_HANDLE(uint64_t) frame_list;	/* OUT */
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;
XEN_ABI_SIZE(struct gnttab_get_status_frames, 16);
XEN_ABI_OFFSET(struct gnttab_get_status_frames, nr_frames, 0);
XEN_ABI_OFFSET(struct gnttab_get_status_frames, dom, 4);
XEN_ABI_OFFSET(struct gnttab_get_status_frames, status, 6);
XEN_ABI_OFFSET(struct gnttab_get_status_frames, frame_list, 8);

/* The table format a domain uses. */
struct gnttab_get_version {
	domid_t dom;
	uint16_t pad;
	uint32_t version;		/* OUT */
};
typedef struct gnttab_get_version gnttab_get_version_t;
XEN_ABI_SIZE(struct gnttab_get_version, 8);
XEN_ABI_OFFSET(struct gnttab_get_version, dom, 0);
XEN_ABI_OFFSET(struct gnttab_get_version, version, 4);

/* Exchange two of the caller's entries. */
struct gnttab_swap_grant_ref {
	grant_ref_t ref_a;
	grant_ref_t ref_b;
	int16_t status;			/* OUT */
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;
XEN_ABI_SIZE(struct gnttab_swap_grant_ref, 12);
XEN_ABI_OFFSET(struct gnttab_swap_grant_ref, ref_a, 0);
XEN_ABI_OFFSET(struct gnttab_swap_grant_ref, ref_b, 4);
XEN_ABI_OFFSET(struct gnttab_swap_grant_ref, status, 8);

/* Clean or invalidate caches over part of a grant (Arm). */
#define GNTTAB_CACHE_CLEAN       (1U << 0)
#define GNTTAB_CACHE_INVAL       (1U << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1U << 31)

struct gnttab_cache_flush {
	union {
		uint64_t dev_bus_addr;
		grant_ref_t ref;
	} a;
	uint16_t offset;
	uint16_t length;
	uint32_t op;			/* GNTTAB_CACHE_* */
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;
XEN_ABI_SIZE(struct gnttab_cache_flush, 16);
XEN_ABI_OFFSET(struct gnttab_cache_flush, a, 0);
XEN_ABI_OFFSET(struct gnttab_cache_flush, offset, 8);
XEN_ABI_OFFSET(struct gnttab_cache_flush, length, 10);
XEN_ABI_OFFSET(struct gnttab_cache_flush, op, 12);

#endif
