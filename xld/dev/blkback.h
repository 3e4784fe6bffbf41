/* The block backend's data path: one blkif ring (x86_64 ABI) of one guest
 * served from an open image file or block device.
 *
 * Requests are copied off the ring by the disk's ring thread (woken by
 * the event channel) or by a worker that just answered one (no event is
 * asked for while every worker is busy, and the last one out looks at the
 * ring for a while before it asks for one, unless it had to wake the
 * frontend), and run on an io_pool (one worker per request in flight, up
 * to BLKBACK_WORKERS) or by the thread that took them: the worker
 * maps the request's grants (or finds them mapped: persistent grants),
 * does one preadv/pwritev/fdatasync/fallocate, unmaps what is not kept,
 * writes the response and notifies the guest if it asked for that one
 * (rsp_event). READ, WRITE, FLUSH_DISKCACHE and DISCARD are
 * served; other operations get BLKIF_RSP_EOPNOTSUPP; a write to a
 * read-only disk, a request outside the disk or a bad segment gets
 * BLKIF_RSP_ERROR. Nothing a guest writes on the ring crashes xld. */
#ifndef VMCTL_XLD_DEV_BLKBACK_H
#define VMCTL_XLD_DEV_BLKBACK_H

#include <stdbool.h>
#include <stdint.h>

struct xld;
struct blkback;

#define BLKBACK_WORKERS 4
/* feature-max-indirect-segments: 256 segments (1 MiB) in one request, its
 * segment array in one indirect page. */
#define BLKBACK_MAX_SEGS 256

struct blkback_disk {
	int fd;                 /* owned by the caller, open while the backend is */
	bool readonly;
	bool blockdev;          /* discard by BLKDISCARD instead of a hole */
	uint64_t sectors;       /* 512-byte units */
};

struct blkback_stats {
	uint64_t reads, writes, flushes, discards, errors;
	unsigned max_inflight;
	/* How requests reached us: events (the main loop woken), and the
	 * idle worker's look at the ring (found one / gave up). */
	uint64_t events, polls_found, polls_missed;
	/* Time (ns) the requests' file I/O took, and the notifications
	 * (privcmd round trips to vmhv) with their count. */
	uint64_t io_ns, notify_ns, notifies;
};

/* What the frontend published: its ring page's grant, its event channel,
 * and whether it keeps its data pages granted (feature-persistent: then
 * every ref is mapped once and kept until disconnect). */
struct blkback_ring {
	uint32_t ring_ref;
	uint32_t port;
	bool persistent;
};

/* Connect to the frontend's ring of `domid`. The ring's private indices restart at its published
 * responses (a restarted xld re-runs what was in flight). NULL with
 * errno set on failure (nothing left behind). */
struct blkback *blkback_connect(struct xld *xld, uint32_t domid, const struct blkback_disk *disk,
				const struct blkback_ring *ring);
/* Finish what is in flight, answer it, unmap (persistent grants too) and
 * unbind. NULL is ok. */
void blkback_disconnect(struct blkback *b);
void blkback_get_stats(struct blkback *b, struct blkback_stats *out);

#endif
