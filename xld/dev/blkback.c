/* blkif ring server: main-loop side (ring, responses) and worker side
 * (grants and file I/O). */
#include "xld/dev/blkback.h"
#include "xld/dev/gmem.h"
#include "xld/dev/io_pool.h"
#include "xld/xld.h"
#include "xld/evtchn.h"
#include "libvmctl/hv.h"
#include "common/log.h"
#include "common/util.h"

#include <vmctl/xen/io/blkif.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096u
#define SECTOR 512u

struct blk_job {
	struct io_job job;
	struct blkback *b;
	struct blkif_request req;
	int16_t status;
	struct blk_job *next_free;
};

struct blkback {
	struct xld *xld;
	uint32_t domid;
	struct blkback_disk disk;
	struct gmem mem;
	uint32_t ring_handle;
	bool ring_mapped;
	blkif_back_ring_t ring;
	struct xld_evtchn *ev;
	struct io_pool *pool;
	struct blk_job *free_jobs;
	unsigned inflight;
	bool broken;                /* the guest corrupted its ring: stop */
	struct blkback_stats stats;
	struct blk_job jobs[];      /* one per ring slot */
};

/* ---- worker side ---------------------------------------------------- */

static int check_segments(const struct blkif_request *req, size_t *bytes)
{
	*bytes = 0;
	if (req->nr_segments == 0 || req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return -EINVAL;
	for (unsigned i = 0; i < req->nr_segments; i++) {
		const struct blkif_request_segment *s = &req->seg[i];
		if (s->first_sect > s->last_sect || s->last_sect >= PAGE / SECTOR)
			return -EINVAL;
		*bytes += (size_t)(s->last_sect - s->first_sect + 1) * SECTOR;
	}
	return 0;
}

static int16_t do_rw(struct blkback *b, const struct blkif_request *req, struct hv *hv)
{
	bool write = req->operation == BLKIF_OP_WRITE;
	/* Initialised: gcc cannot see that only the first n are read. */
	uint32_t refs[BLKIF_MAX_SEGMENTS_PER_REQUEST] = { 0 };
	uint32_t handles[BLKIF_MAX_SEGMENTS_PER_REQUEST];
	uint8_t *pages[BLKIF_MAX_SEGMENTS_PER_REQUEST];
	struct iovec iov[BLKIF_MAX_SEGMENTS_PER_REQUEST];
	unsigned n = req->nr_segments;
	int16_t status = BLKIF_RSP_ERROR;
	size_t bytes;
	ssize_t r;

	if (check_segments(req, &bytes) < 0 || (write && b->disk.readonly))
		return BLKIF_RSP_ERROR;
	if (req->sector_number > b->disk.sectors ||
	    bytes / SECTOR > b->disk.sectors - req->sector_number)
		return BLKIF_RSP_ERROR;
	for (unsigned i = 0; i < n; i++)
		refs[i] = req->seg[i].gref;
	/* One round trip to vmhv for every segment (a disk write only reads
	 * the guest's pages). */
	if (gmem_grant_many(&b->mem, hv, refs, n, write, pages, handles) < 0)
		return BLKIF_RSP_ERROR;
	for (unsigned i = 0; i < n; i++) {
		const struct blkif_request_segment *s = &req->seg[i];

		iov[i].iov_base = pages[i] + s->first_sect * SECTOR;
		iov[i].iov_len = (size_t)(s->last_sect - s->first_sect + 1) * SECTOR;
	}
	r = write ? pwritev(b->disk.fd, iov, (int)n, (off_t)(req->sector_number * SECTOR))
		  : preadv(b->disk.fd, iov, (int)n, (off_t)(req->sector_number * SECTOR));
	if (r == (ssize_t)bytes)
		status = BLKIF_RSP_OKAY;
	else
		log_warn("domain %u: disk %s at sector %llu: %s", b->domid, write ? "write" : "read",
			 (unsigned long long)req->sector_number, r < 0 ? strerror(errno) : "short");
	gmem_ungrant_many(hv, handles, n);
	return status;
}

static int16_t do_discard(struct blkback *b, const struct blkif_request_discard *req)
{
	uint64_t range[2] = { req->sector_number * SECTOR, req->nr_sectors * SECTOR };
	int r;

	if (b->disk.readonly || req->sector_number > b->disk.sectors ||
	    req->nr_sectors > b->disk.sectors - req->sector_number)
		return BLKIF_RSP_ERROR;
	if (b->disk.blockdev)
		r = ioctl(b->disk.fd, BLKDISCARD, range);
	else
		r = fallocate(b->disk.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)range[0], (off_t)range[1]);
	if (r < 0 && errno == EOPNOTSUPP)
		return BLKIF_RSP_EOPNOTSUPP;
	return r < 0 ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
}

static void job_run(struct io_job *job, struct hv *hv)
{
	struct blk_job *j = container_of(job, struct blk_job, job);
	struct blkback *b = j->b;

	switch (j->req.operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		j->status = do_rw(b, &j->req, hv);
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
		/* Every write the guest saw completed has been written to the
		 * file already; this puts them on the disk. */
		j->status = b->disk.readonly || fdatasync(b->disk.fd) == 0 ? BLKIF_RSP_OKAY
									   : BLKIF_RSP_ERROR;
		break;
	case BLKIF_OP_DISCARD:
		j->status = do_discard(b, (const struct blkif_request_discard *)&j->req);
		break;
	default:
		j->status = BLKIF_RSP_EOPNOTSUPP;
		break;
	}
}

/* ---- main-loop side --------------------------------------------------- */

static void count(struct blkback *b, const struct blk_job *j)
{
	struct blkback_stats *s = &b->stats;

	if (j->status != BLKIF_RSP_OKAY)
		s->errors++;
	else if (j->req.operation == BLKIF_OP_READ)
		s->reads++;
	else if (j->req.operation == BLKIF_OP_WRITE)
		s->writes++;
	else if (j->req.operation == BLKIF_OP_FLUSH_DISKCACHE)
		s->flushes++;
	else if (j->req.operation == BLKIF_OP_DISCARD)
		s->discards++;
}

static void job_done(struct io_job *job)
{
	struct blk_job *j = container_of(job, struct blk_job, job);
	struct blkback *b = j->b;
	struct blkif_response *rsp = RING_GET_RESPONSE(&b->ring, b->ring.rsp_prod_pvt);

	rsp->id = j->req.id;
	rsp->operation = j->req.operation;
	rsp->status = j->status;
	b->ring.rsp_prod_pvt++;
	count(b, j);
	j->next_free = b->free_jobs;
	b->free_jobs = j;
	b->inflight--;
}

static void consume(struct blkback *b);

static void burst_done(void *arg)
{
	struct blkback *b = arg;
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b->ring, notify);
	if (notify)
		xld_evtchn_notify(b->ev);
	consume(b);   /* requests left waiting for a free job */
}

static void submit(struct blkback *b, RING_IDX idx)
{
	struct blk_job *j = b->free_jobs;

	b->free_jobs = j->next_free;
	RING_COPY_REQUEST(&b->ring, idx, &j->req);
	j->job.run = job_run;
	j->job.done = job_done;
	if (++b->inflight > b->stats.max_inflight)
		b->stats.max_inflight = b->inflight;
	io_pool_submit(b->pool, &j->job);
}

/* Take every published request that a free job can carry. */
static void consume(struct blkback *b)
{
	int more;

	if (b->broken)
		return;
	do {
		RING_IDX prod = b->ring.sring->req_prod;

		xen_rmb();
		if (RING_REQUEST_PROD_OVERFLOW(&b->ring, prod)) {
			log_error("domain %u: blkif ring indices corrupt (prod %u, cons %u): ring stopped",
				  b->domid, prod, b->ring.req_cons);
			b->broken = true;
			return;
		}
		while (b->ring.req_cons != prod && b->free_jobs)
			submit(b, b->ring.req_cons++);
		if (b->ring.req_cons != prod)
			return;   /* burst_done() comes back */
		RING_FINAL_CHECK_FOR_REQUESTS(&b->ring, more);
	} while (more);
}

static void on_event(void *arg)
{
	consume(arg);
}

static struct blkback *blkback_new(struct xld *xld, uint32_t domid, const struct blkback_disk *disk)
{
	/* The ring never holds more than 32 requests (one page, x86_64). */
	unsigned n = (unsigned)__CONST_RING_SIZE(blkif, PAGE);
	struct blkback *b = calloc(1, sizeof(*b) + n * sizeof(struct blk_job));

	if (!b)
		return NULL;
	b->xld = xld;
	b->domid = domid;
	b->disk = *disk;
	for (unsigned i = 0; i < n; i++) {
		b->jobs[i].b = b;
		b->jobs[i].next_free = b->free_jobs;
		b->free_jobs = &b->jobs[i];
	}
	return b;
}

struct blkback *blkback_connect(struct xld *xld, uint32_t domid, const struct blkback_disk *disk,
				uint32_t ring_ref, uint32_t port)
{
	struct blkback *b = blkback_new(xld, domid, disk);
	struct blkif_sring *sring;
	int rc = -ENOMEM;

	if (!b)
		goto out;
	rc = gmem_open(&b->mem, xld->hv, domid);
	if (rc < 0)
		goto out;
	sring = gmem_grant(&b->mem, xld->hv, ring_ref, false, &b->ring_handle, &rc);
	if (!sring)
		goto out;
	b->ring_mapped = true;
	BACK_RING_ATTACH(&b->ring, sring, sring->rsp_prod, PAGE);
	b->pool = io_pool_new(xld, BLKBACK_WORKERS, burst_done, b);
	if (!b->pool) {
		rc = -errno;
		goto out;
	}
	b->ev = xld_evtchn_open(xld, domid, port, on_event, b);
	if (!b->ev) {
		rc = -errno;
		goto out;
	}
	consume(b);   /* requests published before we bound the channel */
out:
	if (rc < 0) {
		blkback_disconnect(b);
		errno = -rc;
		return NULL;
	}
	return b;
}

void blkback_disconnect(struct blkback *b)
{
	if (!b)
		return;
	xld_evtchn_close(b->ev);
	b->ev = NULL;
	b->broken = true;          /* take no new requests while draining */
	io_pool_free(b->pool);     /* answers what was in flight */
	if (b->ring_mapped) {
		RING_PUSH_RESPONSES(&b->ring);
		gmem_ungrant(b->xld->hv, b->ring_handle);
	}
	gmem_close(&b->mem);
	free(b);
}

void blkback_get_stats(const struct blkback *b, struct blkback_stats *out)
{
	*out = b->stats;
}
