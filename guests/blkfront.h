/* blkfront: the PV block frontend (io/blkif.h).  One ring page; data moves
 * through bounce pages that are granted to the backend only while a request
 * is in flight.  Several requests are kept in flight at once. */
#ifndef GUEST_BLKFRONT_H
#define GUEST_BLKFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmctl/xen/io/blkif.h"
#include "xenbus.h"

struct kernel;

#define BLK_INFLIGHT 8		/* requests in flight (ring has 32 slots) */
#define BLK_SEG_PAGES BLKIF_MAX_SEGMENTS_PER_REQUEST

struct blk_slot {
	bool busy;
	uint8_t op;
	int16_t status;
	unsigned int nr_pages;
	void *page[BLK_SEG_PAGES];		/* bounce pages */
	int gref[BLK_SEG_PAGES];
};

struct blkfront {
	char nodename[64];
	char backend[128];
	unsigned int backend_id;
	unsigned int devid;
	uint64_t sectors;		/* 512-byte units */
	uint32_t sector_size;
	uint32_t info;			/* VDISK_* */
	bool feature_flush, feature_barrier;
	bool connected;
	blkif_front_ring_t ring;
	void *ring_page;
	int ring_ref;
	uint32_t port;
	struct xenbus_watch be_watch;	/* backend state: Closing = unplug */
	struct blk_slot slot[BLK_INFLIGHT];
	unsigned int inflight;
	uint64_t reads, writes, flushes, errors;
	uint64_t bytes_read, bytes_written;
};

extern const struct frontend_ops blkfront_ops;

/* Read or write nbytes at byte offset sector*512; offset and length must be
 * multiples of the disk's sector size.  Returns 0 or a negative errno. */
int blkfront_rw(struct kernel *k, struct blkfront *b, bool write,
		uint64_t sector, void *buf, size_t nbytes);

/* Ask the backend to make written data durable (flush or barrier). */
int blkfront_flush(struct kernel *k, struct blkfront *b);

#endif
