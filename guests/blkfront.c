/* PV block frontend.
 *
 * Connection (io/blkif.h, xenbus states): grant the ring page and allocate
 * an event channel for the backend, publish ring-ref, event-channel and
 * protocol, go Initialised, wait for the backend to be Connected, read the
 * disk's size and features, go Connected.
 *
 * I/O: each request carries up to 11 whole pages; data is copied through
 * the slot's bounce pages, granted for the time of the request only. */
#include "kernel.h"
#include "schedop.h"
#include "blkfront.h"
#include "vmctl/xen/io/xenbus.h"
#include "vmctl/xen/io/protocols.h"

#define IO_TIMEOUT_NS (30 * NSEC_PER_SEC)

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
}

static void blk_disconnect(struct kernel *k, struct blkfront *b)
{
	b->connected = false;
	events_close(k, b->port);
	if (gnttab_end(k, (grant_ref_t)b->ring_ref) < 0)
		printk("blk: ring of %s still mapped by the backend\n", b->nodename);
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

static int alloc_bounce(struct kernel *k, struct blkfront *b)
{
	for (int s = 0; s < BLK_INFLIGHT; s++) {
		for (int p = 0; p < BLK_SEG_PAGES; p++) {
			b->slot[s].page[p] = mm_alloc_pages(k, 1, 1);
			if (!b->slot[s].page[p])
				return -ENOMEM;
		}
	}
	return 0;
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
	b->devid = id ? (unsigned int)strtoull(id + 1, NULL, 10) : 0;
	rc = alloc_bounce(k, b);
	if (rc == 0)
		rc = blk_connect(k, b);
	k->dev.blk[k->dev.nr_blk++] = b;	/* kept even if down: `blk list` */
	if (rc == 0)
		printk("blk%d: %s, %lu MiB, sector size %u%s\n", k->dev.nr_blk - 1,
		       nodename, (unsigned long)(b->sectors >> 11), b->sector_size,
		       b->info & VDISK_READONLY ? ", read-only" : "");
	return rc;
}

/* --- requests ----------------------------------------------------------- */

struct blk_io {
	struct blkfront *b;
	uint8_t *dst[BLK_INFLIGHT];	/* read destination per slot */
	size_t len[BLK_INFLIGHT];
	uint64_t completed;
	int error;
};

static void end_slot(struct kernel *k, struct blkfront *b, struct blk_slot *s)
{
	for (unsigned int p = 0; p < s->nr_pages; p++) {
		/* After the response the backend has unmapped; a busy entry
		 * now would be a backend bug: leave it granted, never reuse. */
		if (gnttab_end(k, (grant_ref_t)s->gref[p]) < 0)
			printk("blk: grant %d still in use\n", s->gref[p]);
	}
	s->busy = false;
	b->inflight--;
}

static void collect(struct kernel *k, struct blk_io *io)
{
	struct blkfront *b = io->b;
	int more;

	do {
		RING_IDX prod = b->ring.sring->rsp_prod;

		xen_rmb();
		while (b->ring.rsp_cons != prod) {
			struct blkif_response *r = RING_GET_RESPONSE(&b->ring, b->ring.rsp_cons);
			uint64_t id = r->id;

			b->ring.rsp_cons++;
			if (id >= BLK_INFLIGHT || !b->slot[id].busy) {
				printk("blk: response with bad id %lu\n", (unsigned long)id);
				continue;
			}
			struct blk_slot *s = &b->slot[id];
			if (r->status != BLKIF_RSP_OKAY) {
				b->errors++;
				io->error = r->status == BLKIF_RSP_EOPNOTSUPP ? -EOPNOTSUPP : -EIO;
			} else if (s->op == BLKIF_OP_READ && io->dst[id]) {
				for (unsigned int p = 0; p < s->nr_pages; p++)
					memcpy(io->dst[id] + p * PAGE_SIZE, s->page[p],
					       MIN(PAGE_SIZE, io->len[id] - p * PAGE_SIZE));
			}
			end_slot(k, b, s);
			io->completed++;
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&b->ring, more);
	} while (more);
}

static bool io_progress(struct kernel *k, void *arg)
{
	struct blk_io *io = arg;
	uint64_t before = io->completed;

	collect(k, io);
	return io->completed != before || !io->b->inflight;
}

static int free_slot(struct blkfront *b)
{
	for (int s = 0; s < BLK_INFLIGHT; s++)
		if (!b->slot[s].busy)
			return s;
	return -1;
}

/* Queue one request of up to 11 pages (push() publishes it); data for a
 * write is copied now. */
static int submit(struct kernel *k, struct blk_io *io, uint8_t op,
		  uint64_t sector, uint8_t *buf, size_t len)
{
	struct blkfront *b = io->b;
	int id = free_slot(b);
	struct blk_slot *s = &b->slot[id];
	struct blkif_request *req = RING_GET_REQUEST(&b->ring, b->ring.req_prod_pvt);

	req->operation = op;
	req->handle = (blkif_vdev_t)b->devid;
	req->id = (uint64_t)id;
	req->sector_number = sector;
	s->nr_pages = (unsigned int)((len + PAGE_SIZE - 1) / PAGE_SIZE);
	req->nr_segments = (uint8_t)s->nr_pages;
	for (unsigned int p = 0; p < s->nr_pages; p++) {
		size_t n = MIN(PAGE_SIZE, len - p * PAGE_SIZE);

		if (op == BLKIF_OP_WRITE)
			memcpy(s->page[p], buf + p * PAGE_SIZE, n);
		s->gref[p] = gnttab_grant(k, (domid_t)b->backend_id,
					  mm_virt_to_mfn(k, s->page[p]),
					  op == BLKIF_OP_WRITE);
		if (s->gref[p] < 0)
			return s->gref[p];	/* grants are sized for this */
		req->seg[p].gref = (grant_ref_t)s->gref[p];
		req->seg[p].first_sect = 0;
		req->seg[p].last_sect = (uint8_t)(n / 512 - 1);
	}
	s->busy = true;
	s->op = op;
	io->dst[id] = op == BLKIF_OP_READ ? buf : NULL;
	io->len[id] = len;
	b->inflight++;
	b->ring.req_prod_pvt++;
	return 0;
}

/* Publish everything queued with one notification. */
static void push(struct kernel *k, struct blkfront *b)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&b->ring, notify);
	if (notify)
		events_notify(k, b->port);
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

int blkfront_rw(struct kernel *k, struct blkfront *b, bool write,
		uint64_t sector, void *buf, size_t nbytes)
{
	struct blk_io io = { .b = b };
	const size_t max = BLK_SEG_PAGES * PAGE_SIZE;
	uint8_t *p = buf;
	int rc = check_rw(b, write, sector, nbytes);

	if (rc < 0)
		return rc;
	while ((nbytes || b->inflight) && rc == 0) {
		while (nbytes && b->inflight < BLK_INFLIGHT && !RING_FULL(&b->ring)) {
			size_t n = MIN(nbytes, max);

			rc = submit(k, &io, write ? BLKIF_OP_WRITE : BLKIF_OP_READ,
				    sector, p, n);
			if (rc < 0)
				break;
			sector += n / 512;
			p += n;
			nbytes -= n;
		}
		push(k, b);
		if (b->inflight)
			rc = sched_wait(k, io_progress, &io, IO_TIMEOUT_NS);
	}
	if (write)
		b->writes++, b->bytes_written += (uint64_t)(p - (uint8_t *)buf);
	else
		b->reads++, b->bytes_read += (uint64_t)(p - (uint8_t *)buf);
	return rc < 0 ? rc : io.error;
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
		rc = sched_wait(k, io_progress, &io, IO_TIMEOUT_NS);
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
		/* The old ring's grant and channel died with the old domain. */
		mm_free_pages(k, b->ring_page, 1);
		b->ring_page = NULL;
		b->inflight = 0;
		for (int s = 0; s < BLK_INFLIGHT; s++)
			b->slot[s].busy = false;
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
