/* PV block frontend.
 *
 * Connection (io/blkif.h, xenbus states): grant the ring page and allocate
 * an event channel for the backend, publish ring-ref, event-channel and
 * protocol, go Initialised, wait for the backend to be Connected, read the
 * disk's size and features, go Connected.
 *
 * I/O: data is copied through bounce pages taken from the disk's pool.  With
 * feature-persistent (both ends say so) a pool page is granted once, read-
 * write, and stays granted until the disconnect, so the backend maps it once
 * (Linux's blkfront does the same); otherwise it is granted for one request.
 * With feature-persistent a page-aligned caller buffer is not copied at all:
 * its frames are granted the same way (once, read-write, until the
 * disconnect; remembered in `direct`), so the backend reads and writes the
 * caller's memory and a buffer used again costs neither a copy nor a map.
 * Frames beyond BLK_DIRECT_MAX, or when grant refs run short, bounce.
 * With feature-max-indirect-segments a request of more than 11 pages goes
 * as BLKIF_OP_INDIRECT, its segments in a pool page of their own.  Requests
 * are pushed one by one (the backend starts on the first while we fill the
 * next) and we ask to be woken only when half of those in flight are done
 * (rsp_event), so one event covers many responses. */
#include "kernel.h"
#include "schedop.h"
#include "blkfront.h"
#include "vmctl/xen/io/xenbus.h"
#include "vmctl/xen/io/protocols.h"

#define IO_TIMEOUT_NS (30 * NSEC_PER_SEC)
/* An event to a sleeping backend is a hypercall that vmhv serves (tens of
 * us when the machine is busy): writes are published 4 requests (1 MiB)
 * at a time, reads all at once. */
#define BLK_PUSH_WRITES 4
/* How long wait_for() looks at the ring before it sleeps (see there). */
#define BLK_POLL_NS 30000
#define BLK_POLL_SYNC_MAX_NS 300000
/* A lone request that needed an event sleeps at once, but every
 * BLK_PROBE_EVERY-th one looks first (see wait_for()). */
#define BLK_PROBE_EVERY 8
/* A longer gap between two looks means our vCPU was preempted. */
#define BLK_PREEMPTED_NS 20000

static void blk_event(struct kernel *k, evtchn_port_t port, void *arg)
{
	/* Responses are collected by whoever waits for them. */
}

static int read_backend_ull(struct kernel *k, struct blkfront *b,
			    const char *node, unsigned long long *v,
			    unsigned long long def)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/%s", b->backend, node);
	if (xenbus_read_ull(k, XBT_NIL, path, v) < 0)
		*v = def;
	return 0;
}

static int publish_ring(struct kernel *k, xenbus_tx_t tx, void *arg)
{
	struct blkfront *b = arg;
	int rc;

	rc = xenbus_printf(k, tx, b->nodename, "ring-ref", "%d", b->ring_ref);
	if (rc == 0)
		rc = xenbus_printf(k, tx, b->nodename, "event-channel", "%u", b->port);
	if (rc == 0)
		rc = xenbus_printf(k, tx, b->nodename, "protocol", "%s",
				   XEN_IO_PROTO_ABI_X86_64);
	if (rc == 0)
		rc = xenbus_printf(k, tx, b->nodename, "feature-persistent", "1");
	if (rc == 0)
		rc = xenbus_printf(k, tx, b->nodename, "state", "%d",
				   XenbusStateInitialised);
	return rc;
}

static int setup_ring(struct kernel *k, struct blkfront *b)
{
	struct blkif_sring *sring = mm_alloc_pages(k, 1, 1);
	int rc;

	if (!sring)
		return -ENOMEM;
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&b->ring, sring, PAGE_SIZE);
	b->ring_page = sring;
	b->ring_ref = gnttab_grant(k, (domid_t)b->backend_id,
				   mm_virt_to_mfn(k, sring), false);
	if (b->ring_ref < 0)
		return b->ring_ref;
	rc = events_alloc_unbound(k, (domid_t)b->backend_id, &b->port);
	if (rc == 0)
		rc = events_bind(k, b->port, blk_event, b);
	return rc;
}

static void read_disk_info(struct kernel *k, struct blkfront *b)
{
	unsigned long long v;

	read_backend_ull(k, b, "sectors", &v, 0);
	b->sectors = v;
	read_backend_ull(k, b, "sector-size", &v, 512);
	b->sector_size = (uint32_t)v;
	read_backend_ull(k, b, "info", &v, 0);
	b->info = (uint32_t)v;
	read_backend_ull(k, b, "feature-flush-cache", &v, 0);
	b->feature_flush = v != 0;
	read_backend_ull(k, b, "feature-barrier", &v, 0);
	b->feature_barrier = v != 0;
	read_backend_ull(k, b, "feature-persistent", &v, 0);
	b->persistent = v == 1;
	read_backend_ull(k, b, "feature-max-indirect-segments", &v, 0);
	b->max_segs = v > BLKIF_MAX_SEGMENTS_PER_REQUEST ? (unsigned int)MIN(v, BLK_MAX_SEGS)
							  : BLKIF_MAX_SEGMENTS_PER_REQUEST;
}

/* --- caller pages granted directly ------------------------------------- */

static struct blk_direct *direct_find(struct blkfront *b, uint64_t key)
{
	unsigned int i = (unsigned int)(key * 0x9e3779b97f4a7c15ull >> 40) % BLK_DIRECT_SLOTS;

	/* Never full: at most BLK_DIRECT_MAX live or dead entries. */
	while (b->direct[i].key && b->direct[i].key != key)
		i = (i + 1) % BLK_DIRECT_SLOTS;
	return &b->direct[i];
}

/* The persistent grant of the caller's page at va, made now if need be;
 * -1 if that page must bounce (no persistent grants, not one of our
 * frames, the table full, or too few refs left for the pools). */
static int direct_gref(struct kernel *k, struct blkfront *b, const uint8_t *va)
{
	unsigned long pfn = virt_to_pfn(va);
	struct blk_direct *d;
	int gref;

	if (!b->persistent || pfn >= k->si->nr_pages)
		return -1;
	d = direct_find(b, (uint64_t)mm_pfn_to_mfn(k, pfn) + 1);
	if (d->key)
		return d->gref;
	if (b->nr_direct == BLK_DIRECT_MAX ||
	    k->gt.nr_refs - k->gt.in_use <= BLK_GRANT_RESERVE)
		return -1;
	gref = gnttab_grant(k, (domid_t)b->backend_id, mm_pfn_to_mfn(k, pfn), false);
	if (gref < 0)
		return -1;
	d->key = (uint64_t)mm_pfn_to_mfn(k, pfn) + 1;
	d->gref = gref;
	b->nr_direct++;
	return gref;
}

/* At the disconnect: end every direct grant.  One the backend still maps
 * stays granted and remembered (dead: never handed out again). */
static unsigned int direct_end_grants(struct kernel *k, struct blkfront *b)
{
	unsigned int busy = 0;

	for (unsigned int i = 0; i < BLK_DIRECT_SLOTS; i++) {
		struct blk_direct *d = &b->direct[i];

		if (!d->key || d->key == BLK_DIRECT_DEAD)
			continue;
		if (gnttab_end(k, (grant_ref_t)d->gref) < 0)
			busy++;
		d->key = BLK_DIRECT_DEAD;
	}
	return busy;
}

/* A new domain: every grant is gone. */
static void direct_forget(struct blkfront *b)
{
	memset(b->direct, 0, sizeof(b->direct));
	b->nr_direct = 0;
}

/* Revoke the pool's grants.  One the backend still maps stays granted
 * (and is used as it is); a backend drops its persistent mappings before
 * it goes Closing. */
static void pool_end_grants(struct kernel *k, struct blkfront *b)
{
	unsigned int busy = 0;

	for (unsigned int i = 0; i < b->pool_pages; i++) {
		struct blk_page *p = &b->pool[i];

		if (p->gref >= 0 && gnttab_end(k, (grant_ref_t)p->gref) == 0)
			p->gref = -1;
		else if (p->gref >= 0)
			busy++;
	}
	busy += direct_end_grants(k, b);
	if (busy)
		printk("blk: %u pages of %s still mapped by the backend\n", busy, b->nodename);
}

static void blk_disconnect(struct kernel *k, struct blkfront *b)
{
	b->connected = false;
	events_close(k, b->port);
	if (gnttab_end(k, (grant_ref_t)b->ring_ref) < 0)
		printk("blk: ring of %s still mapped by the backend\n", b->nodename);
	pool_end_grants(k, b);
}

/* The backend going Closing asks us to let go (a safe unplug). */
static void backend_changed(struct kernel *k, struct xenbus_watch *w,
			    const char *path)
{
	struct blkfront *b = w->arg;

	if (!b->connected || frontend_backend_state(k, b->backend) < XenbusStateClosing)
		return;
	blk_disconnect(k, b);
	xenbus_switch_state(k, b->nodename, XenbusStateClosed);
	printk("blk: %s closed by its backend\n", b->nodename);
}

static int blk_connect(struct kernel *k, struct blkfront *b)
{
	int rc, state;

	rc = frontend_backend(k, b->nodename, b->backend, sizeof(b->backend),
			      &b->backend_id);
	if (rc < 0)
		return rc;
	rc = setup_ring(k, b);
	if (rc == 0)
		rc = xenbus_transact(k, publish_ring, b);
	if (rc < 0)
		return rc;
	state = frontend_wait_backend(k, b->backend, XenbusStateConnected);
	if (state < 0)
		return state;
	if (state != XenbusStateConnected)
		return -EIO;
	read_disk_info(k, b);
	if (b->sector_size < 512 || (b->sector_size & (b->sector_size - 1)))
		return -EINVAL;
	rc = xenbus_switch_state(k, b->nodename, XenbusStateConnected);
	if (rc == 0)
		b->connected = true;
	b->be_watch.fn = backend_changed;
	b->be_watch.arg = b;
	if (rc == 0 && frontend_watch_backend(k, &b->be_watch, b->backend) < 0)
		printk("blk: cannot watch %s\n", b->backend);
	return rc;
}

static int blkfront_probe(struct kernel *k, const char *nodename)
{
	struct blkfront *b;
	const char *id = strchr(nodename + strlen("device/vbd"), '/');
	int rc;

	if (k->dev.nr_blk >= MAX_BLK)
		return -ENOSPC;
	b = mm_alloc_pages(k, (sizeof(*b) + PAGE_SIZE - 1) / PAGE_SIZE, 1);
	if (!b)
		return -ENOMEM;
	strlcpy(b->nodename, nodename, sizeof(b->nodename));
	b->stream_look_ns = options_get_num(&k->opt, "blk-look-us", BLK_POLL_NS / 1000) * 1000;
	b->devid = id ? (unsigned int)strtoull(id + 1, NULL, 10) : 0;
	rc = blk_connect(k, b);
	k->dev.blk[k->dev.nr_blk++] = b;	/* kept even if down: `blk list` */
	if (rc == 0)
		printk("blk%d: %s, %lu MiB, sector size %u%s%s, %u pages per request\n",
		       k->dev.nr_blk - 1, nodename, (unsigned long)(b->sectors >> 11),
		       b->sector_size, b->info & VDISK_READONLY ? ", read-only" : "",
		       b->persistent ? ", persistent grants" : "", b->max_segs);
	return rc;
}

/* --- the page pool ------------------------------------------------------- */

/* A bounce page for one request; with persistent grants it comes granted
 * (read-write: the pool serves reads and writes alike). */
static struct blk_page *page_get(struct kernel *k, struct blkfront *b)
{
	struct blk_page *p;

	if (b->nr_free) {
		p = b->free_page[--b->nr_free];
	} else {
		if (b->pool_pages == BLK_POOL_PAGES)
			return NULL;	/* sized for every slot: cannot happen */
		p = &b->pool[b->pool_pages];
		p->va = mm_alloc_pages(k, 1, 1);
		p->gref = -1;
		if (!p->va)
			return NULL;
		b->pool_pages++;
	}
	if (b->persistent && p->gref < 0)
		p->gref = gnttab_grant(k, (domid_t)b->backend_id, mm_virt_to_mfn(k, p->va), false);
	if (b->persistent && p->gref < 0) {
		b->free_page[b->nr_free++] = p;
		return NULL;
	}
	return p;
}

/* Without persistent grants, grant the page for this request only. */
static int page_grant(struct kernel *k, struct blkfront *b, struct blk_page *p, bool readonly)
{
	if (!b->persistent)
		p->gref = gnttab_grant(k, (domid_t)b->backend_id, mm_virt_to_mfn(k, p->va),
				       readonly);
	return p->gref;
}

static void page_put(struct kernel *k, struct blkfront *b, struct blk_page *p)
{
	/* After the response the backend has unmapped a non-persistent
	 * grant; a busy entry now would be a backend bug: leave it granted
	 * and never use the page again. */
	if (!b->persistent && p->gref >= 0) {
		if (gnttab_end(k, (grant_ref_t)p->gref) < 0) {
			printk("blk: grant %d still in use\n", p->gref);
			return;
		}
		p->gref = -1;
	}
	b->free_page[b->nr_free++] = p;
}

/* --- requests ----------------------------------------------------------- */

struct blk_io {
	struct blkfront *b;
	uint64_t completed;
	uint64_t until;			/* wait until completed reaches this */
	int error;
};

static void end_slot(struct kernel *k, struct blkfront *b, struct blk_slot *s)
{
	for (unsigned int p = 0; p < s->nr_pages; p++)
		if (s->page[p])
			page_put(k, b, s->page[p]);
	if (s->ind)
		page_put(k, b, s->ind);
	s->ind = NULL;
	s->nr_pages = 0;
	s->busy = false;
	b->inflight--;
}

static void complete(struct kernel *k, struct blk_io *io, struct blk_slot *s, int16_t status)
{
	struct blkfront *b = io->b;

	if (status != BLKIF_RSP_OKAY) {
		b->errors++;
		io->error = status == BLKIF_RSP_EOPNOTSUPP ? -EOPNOTSUPP : -EIO;
	} else if (s->op == BLKIF_OP_READ && s->dst) {
		for (unsigned int p = 0; p < s->nr_pages; p++)
			if (s->page[p])
				memcpy(s->dst + p * PAGE_SIZE, s->page[p]->va,
				       MIN(PAGE_SIZE, s->len - p * PAGE_SIZE));
	}
	end_slot(k, b, s);
	io->completed++;
}

/* Take every response there is (no final check: io_progress() decides
 * when it wants the next event). */
static void collect(struct kernel *k, struct blk_io *io)
{
	struct blkfront *b = io->b;
	RING_IDX prod = b->ring.sring->rsp_prod;

	xen_rmb();
	while (b->ring.rsp_cons != prod) {
		struct blkif_response *r = RING_GET_RESPONSE(&b->ring, b->ring.rsp_cons);
		uint64_t id = r->id;
		int16_t status = r->status;

		b->ring.rsp_cons++;
		if (id >= BLK_RING_SLOTS || !b->slot[id].busy) {
			printk("blk: response with bad id %lu\n", (unsigned long)id);
			continue;
		}
		complete(k, io, &b->slot[id], status);
	}
}

/* Ask for an event when the response that completes `want` more arrives
 * (RING_FINAL_CHECK_FOR_RESPONSES with a distance other than 1): true if
 * it is there already. */
static bool want_responses(struct blkfront *b, RING_IDX want)
{
	b->ring.sring->rsp_event = b->ring.rsp_cons + want;
	xen_mb();
	return b->ring.sring->rsp_prod - b->ring.rsp_cons >= want;
}

static bool io_progress(struct kernel *k, void *arg)
{
	struct blk_io *io = arg;
	struct blkfront *b = io->b;

	for (;;) {
		collect(k, io);
		if (io->completed >= io->until || !b->inflight)
			return true;
		if (!want_responses(b, (RING_IDX)(io->until - io->completed))) {
			b->waits++;	/* io_sleep() sleeps now */
			return false;
		}
	}
}

static int free_slot(struct blkfront *b)
{
	for (int s = 0; s < BLK_RING_SLOTS; s++)
		if (!b->slot[s].busy)
			return s;
	return -1;
}

/* Segments of the slot's pages, granted (per request, or already): the
 * caller's own page when it can be granted directly (a page-aligned
 * buffer), else a bounce page. */
static int fill_segments(struct kernel *k, struct blkfront *b, struct blk_slot *s,
			 struct blkif_request_segment *seg, uint8_t *buf, size_t len)
{
	unsigned int nr = (unsigned int)((len + PAGE_SIZE - 1) / PAGE_SIZE);
	bool aligned = ((uintptr_t)buf & (PAGE_SIZE - 1)) == 0;

	for (unsigned int p = 0; p < nr; p++) {
		size_t n = MIN(PAGE_SIZE, len - p * PAGE_SIZE);
		int gref = aligned ? direct_gref(k, b, buf + p * PAGE_SIZE) : -1;
		struct blk_page *pg;

		s->nr_pages = p + 1;	/* what end_slot() gives back */
		s->page[p] = NULL;
		seg[p].first_sect = 0;
		seg[p].last_sect = (uint8_t)(n / 512 - 1);
		if (gref >= 0) {
			seg[p].gref = (grant_ref_t)gref;
			b->direct_pages++;
			continue;
		}
		pg = page_get(k, b);
		if (!pg)
			return -ENOMEM;
		s->page[p] = pg;
		b->bounced_pages++;
		if (s->op == BLKIF_OP_WRITE)
			memcpy(pg->va, buf + p * PAGE_SIZE, n);
		if (page_grant(k, b, pg, s->op == BLKIF_OP_WRITE) < 0)
			return -ENOSPC;
		seg[p].gref = (grant_ref_t)pg->gref;
	}
	return 0;
}

/* An indirect request: its segment array in a page of its own. */
static int fill_indirect(struct kernel *k, struct blkfront *b, struct blk_slot *s,
			 struct blkif_request *r, uint8_t *buf, size_t len, unsigned int nr)
{
	struct blkif_request_indirect *req = (struct blkif_request_indirect *)r;
	int rc;

	s->ind = page_get(k, b);
	if (!s->ind)
		return -ENOMEM;
	rc = fill_segments(k, b, s, s->ind->va, buf, len);
	if (rc == 0 && page_grant(k, b, s->ind, true) < 0)
		rc = -ENOSPC;
	req->operation = BLKIF_OP_INDIRECT;
	req->indirect_op = s->op;
	req->nr_segments = (uint16_t)nr;
	req->indirect_grefs[0] = (grant_ref_t)s->ind->gref;
	return rc;
}

/* Queue one request of up to max_segs pages (push() publishes it); data
 * for a write is copied now.  On failure nothing stays queued. */
static int submit(struct kernel *k, struct blk_io *io, uint8_t op,
		  uint64_t sector, uint8_t *buf, size_t len)
{
	struct blkfront *b = io->b;
	int id = free_slot(b), rc;
	struct blk_slot *s = &b->slot[id];
	struct blkif_request *req = RING_GET_REQUEST(&b->ring, b->ring.req_prod_pvt);
	unsigned int nr = (unsigned int)((len + PAGE_SIZE - 1) / PAGE_SIZE);

	s->op = op;
	s->nr_pages = 0;
	s->ind = NULL;
	s->dst = op == BLKIF_OP_READ ? buf : NULL;
	s->buf = buf;
	s->len = len;
	s->busy = true;
	b->inflight++;
	b->inflight_peak = MAX(b->inflight_peak, b->inflight);
	if (nr > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		rc = fill_indirect(k, b, s, req, buf, len, nr);
		/* The handle sits elsewhere in an indirect request. */
		((struct blkif_request_indirect *)req)->handle = (blkif_vdev_t)b->devid;
	} else {
		req->operation = op;
		req->nr_segments = (uint8_t)nr;
		req->handle = (blkif_vdev_t)b->devid;
		rc = fill_segments(k, b, s, req->seg, buf, len);
	}
	req->id = (uint64_t)id;
	req->sector_number = sector;
	if (rc < 0) {
		end_slot(k, b, s);
		return rc;
	}
	b->ring.req_prod_pvt++;
	return 0;
}

/* Publish what is queued; an event only if the backend waits for one. */
static void push(struct kernel *k, struct blkfront *b)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&b->ring, notify);
	if (notify) {
		events_notify(k, b->port);
		b->notifies++;
		/* A lone request the backend was not looking for (it gave up
		 * before we came back: a busy host): wait_for() sleeps at
		 * once, see there. */
		b->sync_event_sent = b->inflight == 1;
	}
}

/* Has the backend taken every request we published?  It moves
 * `req_event` past them when it takes them (RING_FINAL_CHECK_FOR_REQUESTS
 * after its consumer index). */
static bool backend_took_all(const struct blkfront *b)
{
	return (int32_t)(b->ring.sring->req_event - b->ring.req_prod_pvt) > 0;
}

/* How long the next lone wait looks, after this one: a wait the look
 * covered sets it to twice what the wait took; one that outlasted the look
 * while the backend was running the request (the copy takes longer)
 * doubles it; one whose request the backend had not taken after
 * BLK_POLL_NS (it is not running), or in which our vCPU was preempted
 * (the host's CPUs are all taken), halves it. */
static void sync_look_adapt(struct blkfront *b, uint64_t waited, bool covered, bool taken,
			    bool preempted)
{
	uint64_t look = b->sync_look_ns;

	if (preempted || !taken)
		look /= 2;
	else if (covered)
		look = 2 * waited;
	else
		look *= 2;
	b->sync_look_ns = MIN(MAX(look, (uint64_t)BLK_POLL_NS), (uint64_t)BLK_POLL_SYNC_MAX_NS);
}

/* Sleep until io_progress() finds the wait over, IO_TIMEOUT_NS at most.
 * The deadline is rounded up to a whole second so that the sleeps of one
 * second share it: time_program() gives Xen a new deadline only when it
 * changes, and each set_timer_op is a round trip to vmhv (one per sleep
 * before, next to the SCHEDOP_block itself). */
static int io_sleep(struct kernel *k, struct blk_io *io)
{
	uint64_t t0 = time_now(k), now = t0;
	uint64_t deadline = (t0 + IO_TIMEOUT_NS) / NSEC_PER_SEC * NSEC_PER_SEC + NSEC_PER_SEC;
	int rc = 0;

	while (!io_progress(k, io)) {
		if (now >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		time_program(k, deadline);
		sched_idle(k);
		now = time_now(k);
	}
	io->b->sleep_ns += time_now(k) - t0;
	return rc;
}

/* Wait until `n` more requests are done (all of them if n is 0), first
 * looking at the ring: sleeping and being woken are hypercalls that vmhv
 * serves and a wake-up across CPUs (tens of us, more on a busy host).
 * With more than one request in flight we look for stream_look_ns
 * (`blk-look-us=`, BLK_POLL_NS by default).  A lone request (a read() or write()
 * at a time) is answered in about the time the host takes to copy its
 * data once the backend runs it, on the other CPU: we look as long as
 * sync_look_adapt() found worth it, but only BLK_POLL_NS if the backend
 * has not taken the request by then (it is not running, and looking on
 * would take a CPU it may need), and never on after our vCPU was
 * preempted. */
static int wait_for(struct kernel *k, struct blk_io *io, unsigned int n)
{
	struct blkfront *b = io->b;
	bool sync = b->inflight == 1, preempted = false, taken = true, covered = true;
	uint64_t t0 = time_now(k), prev = t0, now = t0;
	uint64_t look = sync ? b->sync_look_ns : b->stream_look_ns;
	int rc = 0;

	io->until = io->completed + (n ? n : b->inflight);
	/* A lone request that needed an event: our event just woke the
	 * backend, likely on our CPU (the sandbox sends it itself, without
	 * leaving the CPU); looking would keep it from running, and a sleep
	 * keeps it in step: it wakes us, then finds our next request.
	 * Such steps never end by themselves (the backend does not look at
	 * the ring after it woke us), so every BLK_PROBE_EVERY-th one looks
	 * first: if the host has a CPU for each side, the answer comes while
	 * we look, the backend need not wake us, looks for our next request
	 * and finds it without an event. */
	if (sync && b->sync_event_sent) {
		b->sync_event_sent = false;
		if (++b->sync_lockstep % BLK_PROBE_EVERY)
			return io_sleep(k, io);
	}
	for (;;) {
		collect(k, io);
		if (io->completed >= io->until || !b->inflight) {
			b->look_ns += time_now(k) - t0;
			break;
		}
		now = time_now(k);
		preempted = now - prev > BLK_PREEMPTED_NS;
		taken = now - t0 < BLK_POLL_NS || backend_took_all(b);
		if (preempted || !taken || now - t0 >= look) {
			covered = false;
			b->look_ns += now - t0;
			rc = io_sleep(k, io);
			break;
		}
		prev = now;
		cpu_relax();
	}
	if (sync)
		sync_look_adapt(b, now - t0, covered, taken, preempted);
	return rc;
}

static int check_rw(struct blkfront *b, bool write, uint64_t sector, size_t nbytes)
{
	uint32_t ss = b->sector_size;

	if (!b->connected)
		return -ENODEV;
	if (write && (b->info & VDISK_READONLY))
		return -EROFS;
	if ((sector * 512) % ss || nbytes % ss || !nbytes)
		return -EINVAL;
	if (sector + nbytes / 512 > b->sectors)
		return -ENOSPC;
	return 0;
}

/* Is a request in flight on the caller's buffer at p? */
static bool part_busy(const struct blkfront *b, const uint8_t *p)
{
	for (unsigned int s = 0; s < BLK_RING_SLOTS; s++)
		if (b->slot[s].busy && b->slot[s].buf == p)
			return true;
	return false;
}

/* nbytes in requests of up to `max`, the next one on the next part of
 * the buffer set [set, set + set_bytes) (from its start again after its
 * end), as long as that part is not in flight. */
static int rw_parts(struct kernel *k, struct blkfront *b, bool write, uint64_t sector,
		    uint8_t *set, size_t set_bytes, size_t nbytes)
{
	struct blk_io io = { .b = b };
	const size_t max = b->max_segs * PAGE_SIZE;
	size_t off = 0, done = 0;
	int rc = check_rw(b, write, sector, nbytes);

	if (rc < 0)
		return rc;
	while ((nbytes || b->inflight) && rc == 0) {
		unsigned int queued = 0;

		while (nbytes && b->inflight < BLK_RING_SLOTS && !RING_FULL(&b->ring)) {
			size_t n = MIN(MIN(nbytes, max), set_bytes - off);

			if (part_busy(b, set + off))
				break;
			rc = submit(k, &io, write ? BLKIF_OP_WRITE : BLKIF_OP_READ,
				    sector, set + off, n);
			/* Out of pool pages or grant refs: those of the
			 * requests in flight come back with them. */
			if ((rc == -ENOMEM || rc == -ENOSPC) && b->inflight) {
				rc = 0;
				break;
			}
			if (rc < 0)
				break;
			/* A write's data is copied as its request is built:
			 * publish every few so the backend starts early; reads
			 * are built at once and go together. */
			if (write && ++queued % BLK_PUSH_WRITES == 0)
				push(k, b);
			sector += n / 512;
			off = off + n == set_bytes ? 0 : off + n;
			done += n;
			nbytes -= n;
		}
		push(k, b);
		/* With more to send, wake when half the ring is free again:
		 * the backend keeps working on the other half meanwhile. */
		if (b->inflight)
			rc = wait_for(k, &io, nbytes && rc == 0 ? MAX(b->inflight / 2, 1u) : 0);
	}
	if (write)
		b->writes++, b->bytes_written += done;
	else
		b->reads++, b->bytes_read += done;
	return rc < 0 ? rc : io.error;
}

int blkfront_rw(struct kernel *k, struct blkfront *b, bool write,
		uint64_t sector, void *buf, size_t nbytes)
{
	return rw_parts(k, b, write, sector, buf, nbytes, nbytes);
}

int blkfront_stream(struct kernel *k, struct blkfront *b, bool write,
		    uint64_t sector, void *buf, size_t set_bytes, size_t nbytes)
{
	if (!b->connected)
		return -ENODEV;
	if (!set_bytes || set_bytes % b->sector_size)
		return -EINVAL;
	return rw_parts(k, b, write, sector, buf, MIN(set_bytes, nbytes), nbytes);
}

int blkfront_flush(struct kernel *k, struct blkfront *b)
{
	struct blk_io io = { .b = b };
	uint8_t op;
	int rc;

	if (!b->connected)
		return -ENODEV;
	if (b->feature_flush)
		op = BLKIF_OP_FLUSH_DISKCACHE;
	else if (b->feature_barrier)
		op = BLKIF_OP_WRITE_BARRIER;
	else
		return -EOPNOTSUPP;	/* the backend writes through */
	rc = submit(k, &io, op, 0, NULL, 0);
	push(k, b);
	while (rc == 0 && b->inflight)
		rc = wait_for(k, &io, 0);
	b->flushes++;
	return rc < 0 ? rc : io.error;
}

/* --- suspend/resume ------------------------------------------------------ */

static void blkfront_suspend(struct kernel *k)
{
	/* I/O is synchronous, so nothing is in flight here. */
	for (int i = 0; i < k->dev.nr_blk; i++)
		k->dev.blk[i]->connected = false;
}

static void blkfront_resume(struct kernel *k, bool new_domain)
{
	for (int i = 0; i < k->dev.nr_blk; i++) {
		struct blkfront *b = k->dev.blk[i];

		if (!new_domain) {
			b->connected = b->ring_page != NULL;
			continue;
		}
		/* The old ring's grant, the pool's grants and the channel
		 * died with the old domain: the pool is granted again as it
		 * is used, to the new backend. */
		mm_free_pages(k, b->ring_page, 1);
		b->ring_page = NULL;
		b->inflight = 0;
		for (int s = 0; s < BLK_RING_SLOTS; s++)
			b->slot[s].busy = false;
		for (unsigned int p = 0; p < b->pool_pages; p++)
			b->pool[p].gref = -1;
		direct_forget(b);
		if (blk_connect(k, b) < 0)
			printk("blk%d: did not reconnect after resume\n", i);
	}
}

static bool blkfront_poll(struct kernel *k)
{
	return false;	/* all I/O is waited for by its caller */
}

/* Hot unplug: the toolstack took the device away; stop using it.  Its
 * memory stays (the entry keeps its index for `blk list`). */
static void blkfront_remove(struct kernel *k, const char *nodename)
{
	for (int i = 0; i < k->dev.nr_blk; i++) {
		struct blkfront *b = k->dev.blk[i];

		if (strcmp(b->nodename, nodename) != 0)
			continue;
		xenbus_unwatch(k, &b->be_watch);
		if (b->connected)
			blk_disconnect(k, b);
		printk("blk%d: %s removed\n", i, nodename);
	}
}

const struct frontend_ops blkfront_ops = {
	.kind = "vbd",
	.probe = blkfront_probe,
	.suspend = blkfront_suspend,
	.resume = blkfront_resume,
	.poll = blkfront_poll,
	.remove = blkfront_remove,
};
