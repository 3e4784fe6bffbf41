/* A test-only block backend for the PV kernel's blkfront: plays dom0's part
 * (xenstore nodes, grant maps, an interdomain event channel, a disk image
 * file) so that blkfront is tested end to end before xld has a backend.
 *
 *   blkback DOMID IMAGE      (run while the domain is paused; prints "ready"
 *                             when the nodes exist, serves until the
 *                             frontend closes or 60 s pass)
 *
 * Requests are served only when the frontend kicks the event channel, so a
 * frontend that forgets to notify hangs the test instead of passing. */
#include "tests/kernel/testback/xs.h"
#include "libvmctl/hv.h"
#include "vmctl/xen/io/blkif.h"
#include "vmctl/xen/io/xenbus.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG 4096
#define DEVID 51712	/* xvda */

struct blkback {
	struct hv *hv;
	int xs, memfd, img, evfd;
	uint32_t domid, port;
	uint64_t sectors;
	char fe[128], be[128];
	blkif_back_ring_t ring;
	unsigned long reads, writes, flushes, errors, max_batch;
};

static int die(const char *what)
{
	fprintf(stderr, "blkback: %s\n", what);
	return 1;
}

static int publish_nodes(struct blkback *b)
{
	char fe_owner[16], be_reader[16];
	int rc = 0;

	snprintf(fe_owner, sizeof(fe_owner), "n%u", b->domid);
	snprintf(be_reader, sizeof(be_reader), "r%u", b->domid);
	/* The frontend's directory belongs to the guest, readable by us. */
	rc |= xs_printf(b->xs, fe_owner, "r0", b->fe, "backend", "%s", b->be);
	rc |= xs_printf(b->xs, fe_owner, "r0", b->fe, "backend-id", "0");
	rc |= xs_printf(b->xs, fe_owner, "r0", b->fe, "virtual-device", "%u", DEVID);
	rc |= xs_printf(b->xs, fe_owner, "r0", b->fe, "device-type", "disk");
	rc |= xs_printf(b->xs, fe_owner, "r0", b->fe, "state", "%d", XenbusStateInitialising);
	rc |= xs_set_perms(b->xs, b->fe, fe_owner, "r0");
	rc |= xs_printf(b->xs, "n0", be_reader, b->be, "frontend", "%s", b->fe);
	rc |= xs_printf(b->xs, "n0", be_reader, b->be, "frontend-id", "%u", b->domid);
	rc |= xs_printf(b->xs, "n0", be_reader, b->be, "sectors", "%llu",
			(unsigned long long)b->sectors);
	rc |= xs_printf(b->xs, "n0", be_reader, b->be, "sector-size", "512");
	rc |= xs_printf(b->xs, "n0", be_reader, b->be, "info", "0");
	rc |= xs_printf(b->xs, "n0", be_reader, b->be, "feature-flush-cache", "1");
	rc |= xs_printf(b->xs, "n0", be_reader, b->be, "state", "%d", XenbusStateInitWait);
	return rc;
}

/* Map one granted frame of the guest; NULL on error (handle for unmap). */
static void *map_grant(struct blkback *b, uint32_t ref, int readonly, uint32_t *handle)
{
	uint64_t frame;
	void *p;

	if (hv_gnttab_map(b->hv, b->domid, ref, readonly, &frame, handle) < 0)
		return NULL;
	p = mmap(NULL, PG, readonly ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED,
		 b->memfd, (off_t)(frame * PG));
	if (p == MAP_FAILED) {
		hv_gnttab_unmap(b->hv, *handle);
		return NULL;
	}
	return p;
}

static void unmap_grant(struct blkback *b, void *p, uint32_t handle)
{
	munmap(p, PG);
	hv_gnttab_unmap(b->hv, handle);
}

static int connect_ring(struct blkback *b)
{
	char path[192];
	long long ref, port;
	struct privcmd_foreign_map fm;
	uint32_t handle;
	void *sring;

	if (xs_wait_num(b->xs, (snprintf(path, sizeof(path), "%s/state", b->fe), path),
			XenbusStateInitialised, 20000) < 0)
		return die("the frontend never became Initialised");
	snprintf(path, sizeof(path), "%s/ring-ref", b->fe);
	ref = xs_read_num(b->xs, path);
	snprintf(path, sizeof(path), "%s/event-channel", b->fe);
	port = xs_read_num(b->xs, path);
	if (ref < 0 || port < 0)
		return die("no ring-ref or event-channel");
	if (hv_foreign_map(b->hv, b->domid, &b->memfd, &fm) < 0)
		return die("cannot map the domain's memory");
	sring = map_grant(b, (uint32_t)ref, 0, &handle);
	if (!sring)
		return die("cannot map the ring grant");
	BACK_RING_INIT(&b->ring, (struct blkif_sring *)sring, PG);
	if (hv_evtchn_bind_interdomain(b->hv, b->domid, (uint32_t)port, &b->port, &b->evfd) < 0)
		return die("cannot bind the event channel");
	return xs_printf(b->xs, NULL, NULL, b->be, "state", "%d", XenbusStateConnected) ? 1 : 0;
}

/* Copy one request's data between its granted pages and the image. */
static int16_t do_rw(struct blkback *b, const struct blkif_request *req)
{
	int write = req->operation == BLKIF_OP_WRITE;
	off_t off = (off_t)req->sector_number * 512;

	if (req->nr_segments == 0 || req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return BLKIF_RSP_ERROR;
	for (unsigned int i = 0; i < req->nr_segments; i++) {
		const struct blkif_request_segment *s = &req->seg[i];
		size_t len = (size_t)(s->last_sect - s->first_sect + 1) * 512;
		uint32_t handle;
		char *page;
		ssize_t n;

		if (s->last_sect < s->first_sect || s->last_sect >= PG / 512)
			return BLKIF_RSP_ERROR;
		page = map_grant(b, s->gref, write, &handle);
		if (!page)
			return BLKIF_RSP_ERROR;
		n = write ? pwrite(b->img, page + s->first_sect * 512, len, off)
			  : pread(b->img, page + s->first_sect * 512, len, off);
		unmap_grant(b, page, handle);
		if (n != (ssize_t)len)
			return BLKIF_RSP_ERROR;
		off += (off_t)len;
	}
	if (write)
		b->writes++;
	else
		b->reads++;
	return BLKIF_RSP_OKAY;
}

static int16_t do_request(struct blkback *b, const struct blkif_request *req)
{
	switch (req->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		return do_rw(b, req);
	case BLKIF_OP_FLUSH_DISKCACHE:
		b->flushes++;
		return fsync(b->img) == 0 ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR;
	default:
		return BLKIF_RSP_EOPNOTSUPP;
	}
}

static void serve(struct blkback *b)
{
	int more, notify;

	do {
		RING_IDX prod = b->ring.sring->req_prod;
		unsigned long batch = 0;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		while (b->ring.req_cons != prod) {
			struct blkif_request req = *RING_GET_REQUEST(&b->ring, b->ring.req_cons);
			struct blkif_response *rsp = RING_GET_RESPONSE(&b->ring, b->ring.rsp_prod_pvt);

			b->ring.req_cons++;
			rsp->id = req.id;
			rsp->operation = req.operation;
			rsp->status = do_request(b, &req);
			b->errors += rsp->status != BLKIF_RSP_OKAY;
			b->ring.rsp_prod_pvt++;
			batch++;
		}
		if (batch > b->max_batch)
			b->max_batch = batch;
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b->ring, notify);
		if (notify)
			hv_evtchn_notify(b->hv, b->port);
		RING_FINAL_CHECK_FOR_REQUESTS(&b->ring, more);
	} while (more);
}

static void run(struct blkback *b)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/state", b->fe);
	for (int idle = 0; idle < 600; idle++) {
		struct pollfd p = { .fd = b->evfd, .events = POLLIN };
		uint64_t n;

		if (poll(&p, 1, 100) > 0 && read(b->evfd, &n, sizeof(n)) == sizeof(n)) {
			serve(b);
			idle = 0;
		}
		long long st = xs_read_num(b->xs, path);

		if (st < 0 || st >= XenbusStateClosing)	/* closed, or domain gone */
			break;
	}
}

int main(int argc, char **argv)
{
	struct blkback b = { .memfd = -1 };
	struct stat st;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3)
		return die("usage: blkback DOMID IMAGE");
	b.domid = (uint32_t)atoi(argv[1]);
	b.img = open(argv[2], O_RDWR);
	if (b.img < 0 || fstat(b.img, &st) < 0)
		return die("cannot open the image");
	b.sectors = (uint64_t)st.st_size / 512;
	snprintf(b.fe, sizeof(b.fe), "/local/domain/%u/device/vbd/%u", b.domid, DEVID);
	snprintf(b.be, sizeof(b.be), "/local/domain/0/backend/vbd/%u/%u", b.domid, DEVID);
	b.xs = xs_connect();
	if (b.xs < 0 || hv_open(NULL, &b.hv) < 0)
		return die("cannot reach xenstored or vmhv");
	if (publish_nodes(&b))
		return die("cannot write the device's nodes");
	printf("ready\n");
	fflush(stdout);
	if (connect_ring(&b))
		return 1;
	run(&b);
	printf("blkback: %lu reads, %lu writes, %lu flushes, %lu errors, "
	       "up to %lu requests at once\n", b.reads, b.writes, b.flushes,
	       b.errors, b.max_batch);
	hv_close(b.hv);
	return 0;
}
