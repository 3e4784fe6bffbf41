/* blkfront: the PV block frontend (io/blkif.h).  One ring page; data moves
 * through a pool of bounce pages.  With a backend that offers
 * feature-persistent the pool's pages stay granted for the whole connection
 * (the backend maps each once), and so do the pages of page-aligned caller
 * buffers (up to BLK_DIRECT_MAX frames per disk): those are not copied;
 * without it each pool page is granted for one request.
 * With feature-max-indirect-segments a request carries up to BLK_MAX_SEGS
 * pages (256 KiB) through an indirect page.  Up to BLK_RING_SLOTS requests
 * are in flight. */
#ifndef GUEST_BLKFRONT_H
#define GUEST_BLKFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmctl/xen/io/blkif.h"
#include "xenbus.h"

struct kernel;

#define BLK_RING_SLOTS 16	/* requests in flight (the ring has 32 slots) */
#define BLK_MAX_SEGS 64		/* pages per indirect request: 256 KiB */
#define BLK_POOL_PAGES (BLK_RING_SLOTS * (BLK_MAX_SEGS + 1))
/* Caller pages granted once and kept (persistent grants only): frames
 * remembered per disk, and refs always left free for pools and others. */
#define BLK_DIRECT_MAX 1024
#define BLK_DIRECT_SLOTS (2 * BLK_DIRECT_MAX)	/* open addressing */
#define BLK_GRANT_RESERVE 512

/* A bounce page; gref < 0 while it is not granted. */
struct blk_page {
	void *va;
	int gref;
};

/* A caller's frame granted to the backend for the whole connection. */
struct blk_direct {
	uint64_t key;		/* mfn + 1; 0 = empty, BLK_DIRECT_DEAD = ended */
	int gref;
};
#define BLK_DIRECT_DEAD UINT64_MAX

struct blk_slot {
	bool busy;
	uint8_t op;
	unsigned int nr_pages;			/* data pages */
	struct blk_page *page[BLK_MAX_SEGS];	/* NULL: the caller's page */
	struct blk_page *ind;			/* indirect segment page or NULL */
	uint8_t *dst;				/* a read's destination */
	const uint8_t *buf;			/* the caller's buffer, either way */
	size_t len;
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
	bool persistent;		/* both ends: the pool stays granted */
	unsigned int max_segs;		/* pages per request: 11, or indirect */
	bool connected;
	blkif_front_ring_t ring;
	void *ring_page;
	int ring_ref;
	uint32_t port;
	struct xenbus_watch be_watch;	/* backend state: Closing = unplug */
	struct blk_slot slot[BLK_RING_SLOTS];
	unsigned int inflight;
	unsigned int inflight_peak;	/* the most in flight since set to 0 */
	struct blk_page pool[BLK_POOL_PAGES];	/* allocated as needed */
	unsigned int pool_pages;
	struct blk_page *free_page[BLK_POOL_PAGES];
	unsigned int nr_free;
	struct blk_direct direct[BLK_DIRECT_SLOTS];
	unsigned int nr_direct;
	uint64_t reads, writes, flushes, errors;
	uint64_t notifies, waits;	/* events sent, sleeps for responses */
	uint64_t look_ns, sleep_ns;	/* time waits spent looking, sleeping */
	uint64_t sync_look_ns;	/* how long a lone request's wait looks at the ring */
	uint64_t stream_look_ns;	/* ... and a wait for several (blk-look-us=) */
	bool sync_event_sent;	/* ... which needed an event: it sleeps at once */
	unsigned int sync_lockstep;	/* lone waits after an event, to probe every few */
	uint64_t bytes_read, bytes_written;
	uint64_t direct_pages, bounced_pages;	/* data pages, either way */
};

extern const struct frontend_ops blkfront_ops;

/* Read or write nbytes at byte offset sector*512; offset and length must be
 * multiples of the disk's sector size.  Returns 0 or a negative errno. */
int blkfront_rw(struct kernel *k, struct blkfront *b, bool write,
		uint64_t sector, void *buf, size_t nbytes);

/* The same for a streaming reader or writer: nbytes through a buffer set
 * of set_bytes that is used again and again (as dd uses its one buffer),
 * in requests of up to 256 KiB (or 44 KiB without indirect segments),
 * each on the next part of the set; a part is used again once its last
 * request is done, so set_bytes decides how many are in flight (at most
 * BLK_RING_SLOTS). A read's data is only good until the part is reused:
 * the caller gets none (a benchmark's or a discarding reader's call). */
int blkfront_stream(struct kernel *k, struct blkfront *b, bool write,
		    uint64_t sector, void *buf, size_t set_bytes, size_t nbytes);

/* Ask the backend to make written data durable (flush or barrier). */
int blkfront_flush(struct kernel *k, struct blkfront *b);

#endif
