/* blkif ring server: main-loop side (ring, responses) and worker side
 * (grants and file I/O). */
#include "xld/dev/blkback.h"
#include "xld/dev/evtchn_direct.h"
#include "xld/dev/gmem.h"
#include "xld/dev/io_pool.h"
#include "xld/xld.h"
#include "libvmctl/hv.h"
#include "common/log.h"
#include "common/util.h"

#include <vmctl/xen/io/blkif.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096u
#define SECTOR 512u
/* How long the worker that finishes the last request in flight looks at
 * the ring for the next one before it asks for an event: a frontend that
 * waits for each request (a read() at a time) sends its next one within
 * microseconds, and the event would cost it a hypercall vmhv serves, vmhv
 * a write to our eventfd, us a main-loop wake-up and a hand-over to a
 * worker. VMCTL_BLKBACK_POLL_US in xld's environment sets it (0 = never
 * look, at most 1000). */
#ifndef BLKBACK_POLL_NS
#define BLKBACK_POLL_NS 20000
#endif

static uint64_t poll_ns_get(void)
{
	return env_ulong("VMCTL_BLKBACK_POLL_US", BLKBACK_POLL_NS / 1000, 1000) * 1000;
}

/* Workers per disk: as many as the host has CPUs, BLKBACK_WORKERS at
 * most. More copy threads than CPUs only take turns (each copy then
 * takes longer and leaves the caches to the others) and crowd out the
 * guest's vCPU. VMCTL_BLKBACK_WORKERS in xld's environment sets it. */
static unsigned int workers_get(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long dflt = cpus > 0 ? MIN((unsigned long)cpus, BLKBACK_WORKERS) : BLKBACK_WORKERS;

	return (unsigned int)MAX(env_ulong("VMCTL_BLKBACK_WORKERS", dflt, BLKBACK_WORKERS), 1ul);
}

struct blk_job {
	struct io_job job;
	struct blkback *b;
	struct blkif_request req;   /* as copied off the ring (any of its views) */
	int16_t status;
	uint64_t io_ns;             /* how long job_status() took */
	struct blk_job *next_free;
};

struct blkback {
	struct xld *xld;
	uint32_t domid;
	struct blkback_disk disk;
	struct gmem mem;
	bool persistent;            /* the frontend keeps its pages granted */
	struct gmem_cache cache;    /* their mappings, while connected */
	uint32_t ring_handle;
	bool ring_mapped;
	blkif_back_ring_t ring;
	/* The event channel, bound on a privcmd connection of its own so that
	 * the worker that answers a request notifies the frontend itself
	 * (no hop through the main loop). */
	struct hv *ev_hv;
	pthread_mutex_t ev_lock;    /* ev_hv serves one thread at a time */
	uint32_t ev_port;           /* dom0's end; 0 = not bound */
	int ev_fd;
	struct evtchn_direct ev_direct; /* how we raise the frontend's end */
	/* The ring thread waits on the channel's eventfd itself and runs the
	 * first request an event brings (the others go to the pool): no hop
	 * through the main loop, no hand-over to a worker. */
	pthread_t ring_thread;
	bool ring_started;
	int stop_fd;                /* eventfd: the ring thread returns */
	struct hv *ring_hv;         /* its privcmd connection, for its requests' grants */
	pthread_mutex_t lock;       /* responses, free jobs, inflight, stats */
	/* Taking requests: the ring thread on an event, or a worker that
	 * finished one (see look_for_requests()). */
	pthread_mutex_t cons_lock;
	bool polling;               /* a worker looks at the ring: no events */
	uint64_t poll_ns;           /* how long it looks (BLKBACK_POLL_NS) */
	unsigned int workers;       /* the pool's threads (workers_get()) */
	struct io_pool *pool;
	struct blk_job *free_jobs;
	unsigned inflight;
	bool broken;                /* the guest corrupted its ring: stop */
	struct blkback_stats stats;
	struct blk_job jobs[];      /* one per ring slot */
};

/* ---- worker side ---------------------------------------------------- */

#define SEGS_PER_PAGE (PAGE / sizeof(struct blkif_request_segment))

/* A read or write, whether its segments came in the request or in
 * indirect pages. */
struct blk_rw {
	bool write;
	uint64_t sector;
	unsigned n;
	struct blkif_request_segment seg[BLKBACK_MAX_SEGS];
};

/* Map pages for one request: from the persistent cache, or for this
 * request only (handles in tmp[], to be released by release()). */
static int map_pages(struct blkback *b, struct hv *hv, const uint32_t *refs, unsigned n,
		     bool readonly, uint8_t **pages, uint32_t *tmp, unsigned *ntmp)
{
	int rc;

	if (b->persistent)
		return gmem_cache_get(&b->mem, &b->cache, hv, refs, n, pages, tmp, ntmp);
	rc = gmem_grant_many(&b->mem, hv, refs, n, readonly, pages, tmp);
	*ntmp = rc < 0 ? 0 : n;
	return rc;
}

static void release(struct hv *hv, const uint32_t *tmp, unsigned ntmp)
{
	if (ntmp)
		gmem_ungrant_many(hv, tmp, ntmp);
}

static int load_direct(const struct blkif_request *req, struct blk_rw *rw)
{
	if (req->nr_segments == 0 || req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return -EINVAL;
	rw->write = req->operation == BLKIF_OP_WRITE;
	rw->sector = req->sector_number;
	rw->n = req->nr_segments;
	memcpy(rw->seg, req->seg, rw->n * sizeof(rw->seg[0]));
	return 0;
}

/* BLKIF_OP_INDIRECT: the segment array is copied out of the guest's
 * indirect pages (the guest may change them under us). */
static int load_indirect(struct blkback *b, struct hv *hv, const struct blkif_request *r,
			 struct blk_rw *rw)
{
	const struct blkif_request_indirect *req = (const struct blkif_request_indirect *)r;
	/* Initialised: gcc cannot see that only the first npages are read. */
	uint32_t refs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST] = { 0 };
	uint32_t tmp[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	uint8_t *pages[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	unsigned n = req->nr_segments, npages = (unsigned)((n + SEGS_PER_PAGE - 1) / SEGS_PER_PAGE);
	unsigned ntmp;
	int rc;

	if (n == 0 || n > BLKBACK_MAX_SEGS ||
	    (req->indirect_op != BLKIF_OP_READ && req->indirect_op != BLKIF_OP_WRITE))
		return -EINVAL;
	for (unsigned i = 0; i < npages; i++)
		refs[i] = req->indirect_grefs[i];
	rc = map_pages(b, hv, refs, npages, true, pages, tmp, &ntmp);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < npages; i++) {
		unsigned k = n - i * SEGS_PER_PAGE < SEGS_PER_PAGE ? n - i * (unsigned)SEGS_PER_PAGE
								   : (unsigned)SEGS_PER_PAGE;

		memcpy(rw->seg + i * SEGS_PER_PAGE, pages[i], k * sizeof(rw->seg[0]));
	}
	release(hv, tmp, ntmp);
	rw->write = req->indirect_op == BLKIF_OP_WRITE;
	rw->sector = req->sector_number;
	rw->n = n;
	return 0;
}

static int check_rw(const struct blkback *b, const struct blk_rw *rw, size_t *bytes)
{
	*bytes = 0;
	if (rw->write && b->disk.readonly)
		return -EROFS;
	for (unsigned i = 0; i < rw->n; i++) {
		const struct blkif_request_segment *s = &rw->seg[i];
		if (s->first_sect > s->last_sect || s->last_sect >= PAGE / SECTOR)
			return -EINVAL;
		*bytes += (size_t)(s->last_sect - s->first_sect + 1) * SECTOR;
	}
	if (rw->sector > b->disk.sectors || *bytes / SECTOR > b->disk.sectors - rw->sector)
		return -ENOSPC;
	return 0;
}

/* The segments as an iovec straight into the guest's pages (no copy);
 * neighbours that touch in xld's mapping of guest memory become one. */
static int build_iov(const struct blk_rw *rw, uint8_t *const *pages, struct iovec *iov)
{
	int k = 0;

	for (unsigned i = 0; i < rw->n; i++) {
		const struct blkif_request_segment *s = &rw->seg[i];
		uint8_t *p = pages[i] + s->first_sect * SECTOR;
		size_t len = (size_t)(s->last_sect - s->first_sect + 1) * SECTOR;

		if (k && (uint8_t *)iov[k - 1].iov_base + iov[k - 1].iov_len == p) {
			iov[k - 1].iov_len += len;
			continue;
		}
		iov[k].iov_base = p;
		iov[k++].iov_len = len;
	}
	return k;
}

static int16_t do_rw(struct blkback *b, const struct blk_rw *rw, struct hv *hv)
{
	uint32_t refs[BLKBACK_MAX_SEGS] = { 0 }, tmp[BLKBACK_MAX_SEGS];
	uint8_t *pages[BLKBACK_MAX_SEGS];
	struct iovec iov[BLKBACK_MAX_SEGS];
	off_t off = (off_t)(rw->sector * SECTOR);
	unsigned ntmp;
	size_t bytes;
	ssize_t r;
	int niov;

	if (check_rw(b, rw, &bytes) < 0)
		return BLKIF_RSP_ERROR;
	for (unsigned i = 0; i < rw->n; i++)
		refs[i] = rw->seg[i].gref;
	/* A disk write only reads the guest's pages. */
	if (map_pages(b, hv, refs, rw->n, rw->write, pages, tmp, &ntmp) < 0)
		return BLKIF_RSP_ERROR;
	niov = build_iov(rw, pages, iov);
	r = rw->write ? pwritev(b->disk.fd, iov, niov, off) : preadv(b->disk.fd, iov, niov, off);
	release(hv, tmp, ntmp);
	if (r == (ssize_t)bytes)
		return BLKIF_RSP_OKAY;
	log_warn("domain %u: disk %s at sector %llu: %s", b->domid, rw->write ? "write" : "read",
		 (unsigned long long)rw->sector, r < 0 ? strerror(errno) : "short");
	return BLKIF_RSP_ERROR;
}

static int16_t do_request(struct blkback *b, const struct blkif_request *req, struct hv *hv)
{
	struct blk_rw rw;
	int rc = req->operation == BLKIF_OP_INDIRECT ? load_indirect(b, hv, req, &rw)
						     : load_direct(req, &rw);

	return rc < 0 ? BLKIF_RSP_ERROR : do_rw(b, &rw, hv);
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

static int16_t job_status(struct blkback *b, const struct blk_job *j, struct hv *hv)
{
	switch (j->req.operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
	case BLKIF_OP_INDIRECT:
		return do_request(b, &j->req, hv);
	case BLKIF_OP_FLUSH_DISKCACHE:
		/* Every write the guest saw completed has been written to the
		 * file already; this puts them on the disk. */
		return b->disk.readonly || fdatasync(b->disk.fd) == 0 ? BLKIF_RSP_OKAY
								      : BLKIF_RSP_ERROR;
	case BLKIF_OP_DISCARD:
		return do_discard(b, (const struct blkif_request_discard *)&j->req);
	default:
		return BLKIF_RSP_EOPNOTSUPP;
	}
}

/* ---- responses (worker side) and requests (ring thread) --------------- */

/* The operation a response names: an indirect request's own (as Linux's
 * blkback answers it). */
static uint8_t job_op(const struct blk_job *j)
{
	if (j->req.operation == BLKIF_OP_INDIRECT)
		return ((const struct blkif_request_indirect *)&j->req)->indirect_op;
	return j->req.operation;
}

static void count(struct blkback *b, const struct blk_job *j)
{
	struct blkback_stats *s = &b->stats;
	uint8_t op = job_op(j);

	if (j->status != BLKIF_RSP_OKAY)
		s->errors++;
	else if (op == BLKIF_OP_READ)
		s->reads++;
	else if (op == BLKIF_OP_WRITE)
		s->writes++;
	else if (op == BLKIF_OP_FLUSH_DISKCACHE)
		s->flushes++;
	else if (op == BLKIF_OP_DISCARD)
		s->discards++;
}

/* True if the frontend's vCPU had to be woken or interrupted (not when it
 * halt-polls: then it runs again at once and sends its next request soon,
 * worth a look at the ring). */
static bool notify_frontend(struct blkback *b)
{
	uint64_t t0 = now_ns();
	int rc;

	pthread_mutex_lock(&b->ev_lock);
	rc = evtchn_direct_send(&b->ev_direct);
	pthread_mutex_unlock(&b->ev_lock);
	pthread_mutex_lock(&b->lock);
	b->stats.notifies++;
	b->stats.notify_ns += now_ns() - t0;
	pthread_mutex_unlock(&b->lock);
	return rc != 0;
}

/* On the worker that ran it: answer the request, give its job back, and
 * notify the frontend if it asked to be woken by this response (then
 * *notified, if that woke its vCPU). True if no request is left in
 * flight. */
static bool respond(struct blkback *b, struct blk_job *j, bool *notified)
{
	struct blkif_response *rsp;
	int notify;
	bool idle;

	pthread_mutex_lock(&b->lock);
	rsp = RING_GET_RESPONSE(&b->ring, b->ring.rsp_prod_pvt);
	rsp->id = j->req.id;
	rsp->operation = job_op(j);
	rsp->status = j->status;
	b->ring.rsp_prod_pvt++;
	count(b, j);
	b->stats.io_ns += j->io_ns;
	j->next_free = b->free_jobs;   /* j is free again */
	b->free_jobs = j;
	idle = --b->inflight == 0;
	/* The last one out looks at the ring next (look_for_requests()):
	 * no event for requests sent from now on, before the frontend can
	 * see this response and send its next one. */
	if (idle) {
		__atomic_store_n(&b->polling, true, __ATOMIC_RELAXED);
		b->ring.sring->req_event = __atomic_load_n(&b->ring.req_cons, __ATOMIC_RELAXED);
	}
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b->ring, notify);
	pthread_mutex_unlock(&b->lock);
	*notified = notify && notify_frontend(b);
	return idle;
}

static void consume(struct blkback *b, struct blk_job **mine);

static bool has_requests(struct blkback *b)
{
	/* req_cons may move under us (another consumer): a stale look only
	 * sends us to consume(), which reads it under cons_lock. */
	return __atomic_load_n(&b->ring.sring->req_prod, __ATOMIC_ACQUIRE) !=
	       __atomic_load_n(&b->ring.req_cons, __ATOMIC_RELAXED);
}

/* On a worker that answered a request: take what the frontend published
 * meanwhile (no event was asked for while every worker was busy: see
 * consume()); the last one out (`idle`: respond() turned events off)
 * first looks at the ring for poll_ns if `spin`, then asks for an
 * event again. It does not look after it woke the frontend: a frontend
 * that slept sends its next request only after its wake-up (a privcmd
 * call vmhv serves, then our sandbox's turn on a CPU: longer than the
 * look on a busy host, where the look only kept a CPU from it); it does
 * after a notify that found the frontend halt-polling (bits only). The first
 * request found is the caller's to run (no hand-over to another thread);
 * NULL if none. */
static struct blk_job *look_for_requests(struct blkback *b, bool idle, bool spin)
{
	struct blk_job *mine = NULL;

	spin = spin && b->poll_ns;
	if (idle && spin) {
		uint64_t until = now_ns() + b->poll_ns;

		/* Spin, not yield: a yielding thread on a busy host gets
		 * the CPU back only after others had their slice (ms),
		 * while a request sent with an event would wake us with
		 * priority; a spin costs at most poll_ns. */
		while (!has_requests(b) && !__atomic_load_n(&b->broken, __ATOMIC_RELAXED) &&
		       now_ns() < until)
			__builtin_ia32_pause();
	}
	pthread_mutex_lock(&b->cons_lock);
	if (idle)
		__atomic_store_n(&b->polling, false, __ATOMIC_RELAXED);
	consume(b, &mine);
	pthread_mutex_unlock(&b->cons_lock);
	if (idle && spin) {
		pthread_mutex_lock(&b->lock);
		if (mine)
			b->stats.polls_found++;
		else
			b->stats.polls_missed++;
		pthread_mutex_unlock(&b->lock);
	}
	return mine;
}

static void job_run(struct io_job *job, struct hv *hv)
{
	struct blk_job *j = container_of(job, struct blk_job, job);
	struct blkback *b = j->b;

	/* j is not ours after respond(); the next one is (the pool counts
	 * this thread busy until we return: io_pool_drain() waits for it). */
	while (j) {
		uint64_t t0 = now_ns();
		bool idle, notified;

		j->status = job_status(b, j, hv);
		j->io_ns = now_ns() - t0;
		idle = respond(b, j, &notified);
		j = look_for_requests(b, idle, !notified);
	}
}

static void submit(struct blkback *b, struct blk_job *j)
{
	j->job.run = job_run;
	j->job.done = NULL;   /* answered on the worker */
	io_pool_submit(b->pool, &j->job);
}

static struct blk_job *job_get(struct blkback *b)
{
	struct blk_job *j;

	pthread_mutex_lock(&b->lock);
	j = b->free_jobs;
	if (j) {
		b->free_jobs = j->next_free;
		if (++b->inflight > b->stats.max_inflight)
			b->stats.max_inflight = b->inflight;
	}
	pthread_mutex_unlock(&b->lock);
	return j;
}

/* Every worker busy: a request published now could not start before one
 * of them finishes, and each looks at the ring when it does. */
static bool workers_busy(struct blkback *b)
{
	bool busy;

	pthread_mutex_lock(&b->lock);
	busy = b->inflight >= b->workers;
	pthread_mutex_unlock(&b->lock);
	return busy;
}

/* Take every published request (cons_lock held: the ring thread or a
 * worker, which runs the first itself, if `mine` is not NULL; the others
 * go to the pool). There is a job for each: the frontend cannot have more
 * requests outstanding than the ring has slots
 * (RING_REQUEST_PROD_OVERFLOW), and there are as many jobs. Then ask for
 * an event for the next request (RING_FINAL_CHECK_FOR_REQUESTS), unless
 * every worker is busy: then the event is not needed (req_event stays
 * behind, so the frontend sends none) and the next worker to finish
 * takes the requests; so is it while a worker looks at the ring (it asks
 * for one when it stops). */
static void consume(struct blkback *b, struct blk_job **mine)
{
	struct blk_job *j;
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
		while (b->ring.req_cons != prod && (j = job_get(b))) {
			RING_COPY_REQUEST(&b->ring, b->ring.req_cons++, &j->req);
			if (mine && !*mine)
				*mine = j;
			else
				submit(b, j);
		}
		if (b->ring.req_cons != prod)
			return;   /* cannot happen (see above); the next event retries */
		/* While a worker looks at the ring (the ring thread was woken
		 * by an event sent before it started), the events stay off:
		 * it asks for one when it stops looking. */
		if (workers_busy(b) || __atomic_load_n(&b->polling, __ATOMIC_RELAXED)) {
			b->ring.sring->req_event = b->ring.req_cons;
			return;
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&b->ring, more);
	} while (more);
}

/* The ring thread: an event, then the requests it brings (the first one
 * run here), until stop_fd. */
static void *ring_main(void *arg)
{
	struct blkback *b = arg;
	struct pollfd p[2] = { { .fd = b->ev_fd, .events = POLLIN },
			       { .fd = b->stop_fd, .events = POLLIN } };
	uint64_t count;

	for (;;) {
		struct blk_job *mine = NULL;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN) || read(b->ev_fd, &count, sizeof(count)) < 0)
			continue;
		pthread_mutex_lock(&b->lock);
		b->stats.events++;
		pthread_mutex_unlock(&b->lock);
		pthread_mutex_lock(&b->cons_lock);
		consume(b, &mine);
		pthread_mutex_unlock(&b->cons_lock);
		if (mine)
			job_run(&mine->job, b->ring_hv);
	}
	return NULL;
}

static int ring_start(struct blkback *b)
{
	int rc = hv_open(b->xld->opt.rundir, &b->ring_hv);

	if (rc < 0)
		return rc;
	b->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->stop_fd < 0)
		return -errno;
	rc = -pthread_create(&b->ring_thread, NULL, ring_main, b);
	b->ring_started = rc == 0;
	return rc;
}

/* The ring thread returns (after the request it runs, if any). */
static void ring_stop(struct blkback *b)
{
	uint64_t one = 1;

	if (b->ring_started && write(b->stop_fd, &one, sizeof(one)) == sizeof(one))
		pthread_join(b->ring_thread, NULL);
	b->ring_started = false;
	if (b->stop_fd >= 0)
		close(b->stop_fd);
	b->stop_fd = -1;
}

/* Bind the frontend's channel on a connection of our own. */
static int bind_channel(struct blkback *b, uint32_t port)
{
	int rc = hv_open(b->xld->opt.rundir, &b->ev_hv);

	if (rc == 0)
		rc = hv_evtchn_bind_interdomain(b->ev_hv, b->domid, port, &b->ev_port, &b->ev_fd);
	if (rc == 0)
		evtchn_direct_init(&b->ev_direct, &b->mem, b->ev_hv, b->ev_port);
	if (rc < 0)
		log_error("domain %u: cannot bind event channel %u: %s", b->domid, port, strerror(-rc));
	return rc;
}

static void unbind_channel(struct blkback *b)
{
	if (b->ev_fd >= 0)
		close(b->ev_fd);
	b->ev_fd = -1;
	if (b->ev_port)
		hv_evtchn_close(b->ev_hv, b->ev_port);
	b->ev_port = 0;
	hv_close(b->ev_hv);
	b->ev_hv = NULL;
}

static struct blkback *blkback_new(struct xld *xld, uint32_t domid, const struct blkback_disk *disk)
{
	/* The ring never holds more than 32 requests (one page, x86_64). */
	unsigned n = (unsigned)__CONST_RING_SIZE(blkif, PAGE);
	struct blkback *b = calloc(1, sizeof(*b) + n * sizeof(struct blk_job));

	if (!b)
		return NULL;
	b->xld = xld;
	b->poll_ns = poll_ns_get();
	b->workers = workers_get();
	b->domid = domid;
	b->disk = *disk;
	b->ev_fd = -1;
	b->stop_fd = -1;
	pthread_mutex_init(&b->lock, NULL);
	pthread_mutex_init(&b->cons_lock, NULL);
	pthread_mutex_init(&b->ev_lock, NULL);
	gmem_cache_init(&b->cache);
	for (unsigned i = 0; i < n; i++) {
		b->jobs[i].b = b;
		b->jobs[i].next_free = b->free_jobs;
		b->free_jobs = &b->jobs[i];
	}
	return b;
}

struct blkback *blkback_connect(struct xld *xld, uint32_t domid, const struct blkback_disk *disk,
				const struct blkback_ring *ring)
{
	struct blkback *b = blkback_new(xld, domid, disk);
	struct blkif_sring *sring;
	int rc = -ENOMEM;

	if (!b)
		goto out;
	b->persistent = ring->persistent;
	rc = gmem_open(&b->mem, xld->hv, domid);
	if (rc < 0)
		goto out;
	sring = gmem_grant(&b->mem, xld->hv, ring->ring_ref, false, &b->ring_handle, &rc);
	if (!sring)
		goto out;
	b->ring_mapped = true;
	BACK_RING_ATTACH(&b->ring, sring, sring->rsp_prod, PAGE);
	b->pool = io_pool_new(xld, b->workers, NULL, NULL);
	if (!b->pool) {
		rc = -errno;
		goto out;
	}
	rc = bind_channel(b, ring->port);
	if (rc == 0)
		rc = ring_start(b);
	if (rc < 0)
		goto out;
	pthread_mutex_lock(&b->cons_lock);
	consume(b, NULL);   /* requests published before we bound the channel */
	pthread_mutex_unlock(&b->cons_lock);
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
	pthread_mutex_lock(&b->cons_lock);   /* no thread takes new requests */
	b->broken = true;
	pthread_mutex_unlock(&b->cons_lock);
	ring_stop(b);
	if (b->pool)
		io_pool_drain(b->pool);   /* answers (and notifies) what was in flight */
	log_info("domain %u: disk done: %llu reads, %llu writes; requests found by %llu events, "
		 "%llu polls (%llu polls gave up); I/O %llu us, %llu notifies in %llu us "
		 "(%llu woke the vCPU, %llu seen polling, %llu bits only, %llu kicks, "
		 "%llu through vmhv)",
		 b->domid, (unsigned long long)b->stats.reads,
		 (unsigned long long)b->stats.writes, (unsigned long long)b->stats.events,
		 (unsigned long long)b->stats.polls_found, (unsigned long long)b->stats.polls_missed,
		 (unsigned long long)(b->stats.io_ns / 1000), (unsigned long long)b->stats.notifies,
		 (unsigned long long)(b->stats.notify_ns / 1000),
		 (unsigned long long)b->ev_direct.woken, (unsigned long long)b->ev_direct.polled,
		 (unsigned long long)b->ev_direct.quiet,
		 (unsigned long long)b->ev_direct.kicks, (unsigned long long)b->ev_direct.notifies);
	unbind_channel(b);
	/* The persistent grants go now, while the workers that mapped them
	 * are idle and their connections open: the frontend may then end
	 * its grants and free (or re-grant) the pages. */
	gmem_cache_dispose(&b->cache);
	hv_close(b->ring_hv);
	io_pool_free(b->pool);
	if (b->ring_mapped) {
		RING_PUSH_RESPONSES(&b->ring);
		gmem_ungrant(b->xld->hv, b->ring_handle);
	}
	gmem_close(&b->mem);
	pthread_mutex_destroy(&b->lock);
	pthread_mutex_destroy(&b->cons_lock);
	pthread_mutex_destroy(&b->ev_lock);
	free(b);
}

void blkback_get_stats(struct blkback *b, struct blkback_stats *out)
{
	pthread_mutex_lock(&b->lock);
	*out = b->stats;
	pthread_mutex_unlock(&b->lock);
}
