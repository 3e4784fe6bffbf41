/*
 * The PV block protocol: one shared ring of blkif_request/blkif_response
 * (32 entries in one page), data pages passed as grant references.  Sector
 * numbers are always in 512-byte units, whatever the disk's sector-size.
 * Handshake and feature keys are described in docs and reference §5.2.
 */
#ifndef VMCTL_XEN_IO_BLKIF_H
#define VMCTL_XEN_IO_BLKIF_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/io/ring.h>
#include <vmctl/xen/grant_table.h>

#define blkif_vdev_t   uint16_t
#define blkif_sector_t uint64_t

#define BLKIF_OP_READ            0
#define BLKIF_OP_WRITE           1
#define BLKIF_OP_WRITE_BARRIER   2	/* needs feature-barrier */
#define BLKIF_OP_FLUSH_DISKCACHE 3	/* needs feature-flush-cache */
#define BLKIF_OP_RESERVED_1      4
#define BLKIF_OP_DISCARD         5	/* needs feature-discard; blkif_request_discard */
#define BLKIF_OP_INDIRECT        6	/* needs feature-max-indirect-segments */

#define BLKIF_MAX_SEGMENTS_PER_REQUEST       11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST  8

/* One data page: grant ref and the 512-byte sectors used in it (inclusive). */
struct blkif_request_segment {
	grant_ref_t gref;
	uint8_t first_sect, last_sect;
};
XEN_ABI_SIZE(struct blkif_request_segment, 8);
XEN_ABI_OFFSET(struct blkif_request_segment, gref, 0);
XEN_ABI_OFFSET(struct blkif_request_segment, first_sect, 4);
XEN_ABI_OFFSET(struct blkif_request_segment, last_sect, 5);

/* Read, write, barrier or flush. */
struct blkif_request {
	uint8_t operation;		/* BLKIF_OP_* */
	uint8_t nr_segments;		/* 1..BLKIF_MAX_SEGMENTS_PER_REQUEST */
	blkif_vdev_t handle;		/* the device (read/write only) */
	uint64_t id;			/* echoed in the response */
	blkif_sector_t sector_number;	/* first sector on disk */
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
typedef struct blkif_request blkif_request_t;
XEN_ABI_SIZE(struct blkif_request, 112);
XEN_ABI_OFFSET(struct blkif_request, operation, 0);
XEN_ABI_OFFSET(struct blkif_request, nr_segments, 1);
XEN_ABI_OFFSET(struct blkif_request, handle, 2);
XEN_ABI_OFFSET(struct blkif_request, id, 8);
XEN_ABI_OFFSET(struct blkif_request, sector_number, 16);
XEN_ABI_OFFSET(struct blkif_request, seg, 24);

/* Discard nr_sectors from sector_number. */
#define BLKIF_DISCARD_SECURE (1 << 0)

struct blkif_request_discard {
	uint8_t operation;		/* BLKIF_OP_DISCARD */
	uint8_t flag;			/* BLKIF_DISCARD_* */
	blkif_vdev_t handle;
	uint64_t id;
	blkif_sector_t sector_number;
	uint64_t nr_sectors;
};
typedef struct blkif_request_discard blkif_request_discard_t;
XEN_ABI_SIZE(struct blkif_request_discard, 32);
XEN_ABI_OFFSET(struct blkif_request_discard, operation, 0);
XEN_ABI_OFFSET(struct blkif_request_discard, flag, 1);
XEN_ABI_OFFSET(struct blkif_request_discard, handle, 2);
XEN_ABI_OFFSET(struct blkif_request_discard, id, 8);
XEN_ABI_OFFSET(struct blkif_request_discard, sector_number, 16);
XEN_ABI_OFFSET(struct blkif_request_discard, nr_sectors, 24);

/* A read or write whose segments live in granted pages of segment arrays. */
struct blkif_request_indirect {
	uint8_t operation;		/* BLKIF_OP_INDIRECT */
	uint8_t indirect_op;		/* BLKIF_OP_READ or _WRITE */
	uint16_t nr_segments;
	uint64_t id;
	blkif_sector_t sector_number;
	blkif_vdev_t handle;
	grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};
typedef struct blkif_request_indirect blkif_request_indirect_t;
XEN_ABI_SIZE(struct blkif_request_indirect, 64);
XEN_ABI_OFFSET(struct blkif_request_indirect, operation, 0);
XEN_ABI_OFFSET(struct blkif_request_indirect, indirect_op, 1);
XEN_ABI_OFFSET(struct blkif_request_indirect, nr_segments, 2);
XEN_ABI_OFFSET(struct blkif_request_indirect, id, 8);
XEN_ABI_OFFSET(struct blkif_request_indirect, sector_number, 16);
XEN_ABI_OFFSET(struct blkif_request_indirect, handle, 24);
XEN_ABI_OFFSET(struct blkif_request_indirect, indirect_grefs, 28);

#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR      (-1)
#define BLKIF_RSP_OKAY         0

struct blkif_response {
	uint64_t id;			/* from the request */
	uint8_t operation;		/* from the request */
	int16_t status;			/* BLKIF_RSP_* */
};
typedef struct blkif_response blkif_response_t;
XEN_ABI_SIZE(struct blkif_response, 16);
XEN_ABI_OFFSET(struct blkif_response, id, 0);
XEN_ABI_OFFSET(struct blkif_response, operation, 8);
XEN_ABI_OFFSET(struct blkif_response, status, 10);

DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);
_Static_assert(__CONST_RING_SIZE(blkif, 4096) == 32, "ABI: blkif ring of one page holds 32 entries");

/*
 * Our own: the same request and response as a 32-bit frontend lays them
 * out (`protocol` = XEN_IO_PROTO_ABI_X86_32), where 64-bit fields are only
 * 4-byte aligned.  A backend serving such a frontend reads its ring with
 * these types and converts each request.  Xen's public headers leave this
 * to the backends.
 */
struct blkif_x86_32_request {
	uint8_t operation;
	uint8_t nr_segments;
	blkif_vdev_t handle;
	uint64_t id;
	blkif_sector_t sector_number;
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
} __attribute__((packed, aligned(4)));
XEN_ABI_SIZE(struct blkif_x86_32_request, 108);
XEN_ABI_OFFSET(struct blkif_x86_32_request, operation, 0);
XEN_ABI_OFFSET(struct blkif_x86_32_request, nr_segments, 1);
XEN_ABI_OFFSET(struct blkif_x86_32_request, handle, 2);
XEN_ABI_OFFSET(struct blkif_x86_32_request, id, 4);
XEN_ABI_OFFSET(struct blkif_x86_32_request, sector_number, 12);
XEN_ABI_OFFSET(struct blkif_x86_32_request, seg, 20);

struct blkif_x86_32_response {
	uint64_t id;
	uint8_t operation;
	uint8_t _pad;
	int16_t status;
} __attribute__((packed, aligned(4)));
XEN_ABI_SIZE(struct blkif_x86_32_response, 12);
XEN_ABI_OFFSET(struct blkif_x86_32_response, id, 0);
XEN_ABI_OFFSET(struct blkif_x86_32_response, operation, 8);
XEN_ABI_OFFSET(struct blkif_x86_32_response, status, 10);

DEFINE_RING_TYPES(blkif_x86_32, struct blkif_x86_32_request, struct blkif_x86_32_response);
_Static_assert(__CONST_RING_SIZE(blkif_x86_32, 4096) == 32,
	       "ABI: 32-bit blkif ring of one page holds 32 entries");

/* Backend `info` bits. */
#define VDISK_CDROM     0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY  0x4

#endif
