/* netif rings <-> tap, on one thread per vif. */
#include "xld/dev/netback.h"
#include "xld/dev/gmem.h"
#include "xld/xld.h"
#include "libvmctl/hv.h"
#include "common/log.h"
#include "common/util.h"

#include <vmctl/xen/io/netif.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define PAGE 4096u
#define MAX_SLOTS XEN_NETIF_NR_SLOTS_MIN
/* Frames read from the tap in one go and given to the guest with one
 * batched grant map (and one unmap). */
#define RX_BATCH 8

struct netback {
	uint32_t domid;
	struct hv *hv;               /* the thread's own connection */
	struct gmem mem;
	int tapfd, evfd, stopfd;
	uint32_t port;               /* our end of the event channel */
	uint32_t tx_handle, rx_handle;
	bool tx_mapped, rx_mapped;
	netif_tx_back_ring_t tx;
	netif_rx_back_ring_t rx;
	pthread_t thread;
	bool started, broken;
	struct netback_stats stats;
	uint8_t pkt[XEN_NETIF_MAX_TX_SIZE + 1];
	uint8_t rxbuf[RX_BATCH][PAGE];   /* frames waiting for rx_frames() */
	size_t rxlen[RX_BATCH];
};

/* ---- guest -> tap ---------------------------------------------------- */

static void tx_respond(struct netback *n, uint16_t id, int16_t status)
{
	struct netif_tx_response *r = RING_GET_RESPONSE(&n->tx, n->tx.rsp_prod_pvt);

	r->id = id;
	r->status = status;
	n->tx.rsp_prod_pvt++;
}

/* One packet on the tx ring: its data slots and how many slots it spans
 * (extra-info slots included; data[] tells which are which). */
struct tx_pkt {
	struct netif_tx_request req[MAX_SLOTS];
	unsigned nreq, span;
	bool data[2 * MAX_SLOTS];
};

/* Gather the packet starting at req_cons; false if its last slots are not
 * published yet. */
static bool tx_gather(struct netback *n, RING_IDX prod, struct tx_pkt *p)
{
	RING_IDX i = n->tx.req_cons;
	bool extra = false, more = true;

	p->nreq = p->span = 0;
	while ((more || extra) && i != prod && p->nreq < MAX_SLOTS && p->span < 2 * MAX_SLOTS) {
		struct netif_tx_request r;

		RING_COPY_REQUEST(&n->tx, i, &r);
		i++;
		p->data[p->span++] = !extra;
		if (extra) {   /* a struct netif_extra_info in the slot */
			struct netif_extra_info ex;
			memcpy(&ex, &r, sizeof(ex));
			extra = ex.flags & XEN_NETIF_EXTRA_FLAG_MORE;
			continue;
		}
		extra = p->nreq == 0 && (r.flags & NETTXF_extra_info);
		more = r.flags & NETTXF_more_data;
		p->req[p->nreq++] = r;
	}
	return !((more || extra) && i == prod);
}

/* Copy the packet's slots into n->pkt: every slot's grant mapped
 * read-only in one privcmd round trip and unmapped in another. */
static int16_t tx_copy(struct netback *n, struct tx_pkt *p, size_t *len)
{
	size_t total = p->req[0].size, rest = 0;
	uint32_t refs[MAX_SLOTS] = { 0 }, handles[MAX_SLOTS];
	uint8_t *pages[MAX_SLOTS];

	for (unsigned s = 1; s < p->nreq; s++)
		rest += p->req[s].size;
	if ((p->req[p->nreq - 1].flags & NETTXF_more_data) || rest > total || total < 14)
		return NETIF_RSP_ERROR;
	p->req[0].size = (uint16_t)(total - rest);   /* the first slot's own bytes */
	for (unsigned s = 0; s < p->nreq; s++) {
		if ((unsigned)p->req[s].offset + p->req[s].size > PAGE)
			return NETIF_RSP_ERROR;
		refs[s] = p->req[s].gref;
	}
	if (gmem_grant_many(&n->mem, n->hv, refs, p->nreq, true, pages, handles) < 0)
		return NETIF_RSP_ERROR;
	*len = 0;
	for (unsigned s = 0; s < p->nreq; s++) {
		memcpy(n->pkt + *len, pages[s] + p->req[s].offset, p->req[s].size);
		*len += p->req[s].size;
	}
	gmem_ungrant_many(n->hv, handles, p->nreq);
	return NETIF_RSP_OKAY;
}

static void tx_packet(struct netback *n, struct tx_pkt *p)
{
	size_t len = 0;
	int16_t st = tx_copy(n, p, &len);
	unsigned d = 0;

	if (st == NETIF_RSP_OKAY && write(n->tapfd, n->pkt, len) != (ssize_t)len)
		st = NETIF_RSP_DROPPED;   /* tap full or down: like a busy wire */
	if (st == NETIF_RSP_OKAY) {
		n->stats.tx_packets++;
		n->stats.tx_bytes += len;
	} else {
		n->stats.tx_errors++;
	}
	/* One response per slot, in slot order; extra-info slots get NULL. */
	for (unsigned s = 0; s < p->span; s++) {
		if (p->data[s])
			tx_respond(n, p->req[d++].id, st);
		else
			tx_respond(n, 0, NETIF_RSP_NULL);
	}
	n->tx.req_cons += p->span;
}

static bool tx_serve(struct netback *n)
{
	struct tx_pkt p;
	bool any = false;
	int more;

	do {
		RING_IDX prod = n->tx.sring->req_prod;

		xen_rmb();
		if (RING_REQUEST_PROD_OVERFLOW(&n->tx, prod)) {
			n->broken = true;
			return any;
		}
		while (n->tx.req_cons != prod && tx_gather(n, prod, &p)) {
			tx_packet(n, &p);
			any = true;
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&n->tx, more);
		if (n->tx.req_cons != prod && !more)
			break;   /* a packet's last slots are still to come */
	} while (more);
	return any;
}

/* ---- tap -> guest ---------------------------------------------------- */

static void rx_respond(struct netback *n, uint16_t id, int16_t status)
{
	struct netif_rx_response *r = RING_GET_RESPONSE(&n->rx, n->rx.rsp_prod_pvt);

	r->id = id;
	r->offset = 0;
	r->flags = status > 0 ? NETRXF_data_validated : 0;
	r->status = status;
	n->rx.rsp_prod_pvt++;
}

/* Copy one frame (at most a page) into the next posted page. */
static void rx_frame(struct netback *n, const uint8_t *frame, size_t len)
{
	struct netif_rx_request req;
	uint32_t handle;
	uint8_t *page;
	int rc;

	RING_COPY_REQUEST(&n->rx, n->rx.req_cons, &req);
	n->rx.req_cons++;
	page = gmem_grant(&n->mem, n->hv, req.gref, false, &handle, &rc);
	if (!page) {
		n->stats.rx_dropped++;
		rx_respond(n, req.id, NETIF_RSP_ERROR);
		return;
	}
	memcpy(page, frame, len);
	gmem_ungrant(n->hv, handle);
	n->stats.rx_packets++;
	n->stats.rx_bytes += len;
	rx_respond(n, req.id, (int16_t)len);
}

/* Give frames rxbuf[0..k) to the next k posted pages: their grants mapped
 * in one round trip. If any of them is refused, each frame is tried on its
 * own so that only the bad page's frame is dropped. */
static void rx_frames(struct netback *n, unsigned k)
{
	struct netif_rx_request req[RX_BATCH];
	uint32_t refs[RX_BATCH] = { 0 }, handles[RX_BATCH];
	uint8_t *pages[RX_BATCH];
	RING_IDX first = n->rx.req_cons;

	for (unsigned i = 0; i < k; i++) {
		RING_COPY_REQUEST(&n->rx, first + i, &req[i]);
		refs[i] = req[i].gref;
	}
	if (k == 1 || gmem_grant_many(&n->mem, n->hv, refs, k, false, pages, handles) < 0) {
		for (unsigned i = 0; i < k; i++)
			rx_frame(n, n->rxbuf[i], n->rxlen[i]);
		return;
	}
	for (unsigned i = 0; i < k; i++) {
		memcpy(pages[i], n->rxbuf[i], n->rxlen[i]);
		n->stats.rx_packets++;
		n->stats.rx_bytes += n->rxlen[i];
	}
	gmem_ungrant_many(n->hv, handles, k);
	n->rx.req_cons += k;
	for (unsigned i = 0; i < k; i++)
		rx_respond(n, req[i].id, (int16_t)n->rxlen[i]);
}

/* Read up to `max` frames from the tap into rxbuf; returns how many. A
 * frame larger than a page cannot go into the guest's page: dropped. */
static unsigned rx_read(struct netback *n, unsigned max, bool *empty)
{
	unsigned k = 0;

	*empty = false;
	while (k < max) {
		ssize_t len = read(n->tapfd, n->pkt, sizeof(n->pkt));

		if (len <= 0) {
			*empty = true;   /* EAGAIN: the tap is empty */
			break;
		}
		if ((size_t)len > PAGE) {
			n->stats.rx_dropped++;
			continue;
		}
		memcpy(n->rxbuf[k], n->pkt, (size_t)len);
		n->rxlen[k++] = (size_t)len;
	}
	return k;
}

/* Deliver tap frames while the guest has pages posted. Returns whether
 * pages are left (then the tap is worth watching). */
static bool rx_serve(struct netback *n, bool *any)
{
	for (;;) {
		RING_IDX prod = n->rx.sring->req_prod;
		unsigned k;
		bool empty;
		int more;

		xen_rmb();
		if (RING_REQUEST_PROD_OVERFLOW(&n->rx, prod)) {
			n->broken = true;
			return false;
		}
		if (n->rx.req_cons == prod) {
			/* Ask to be notified when the guest posts pages. */
			RING_FINAL_CHECK_FOR_REQUESTS(&n->rx, more);
			if (!more)
				return false;
			continue;
		}
		k = rx_read(n, MIN(prod - n->rx.req_cons, RX_BATCH), &empty);
		if (k) {
			rx_frames(n, k);
			*any = true;
		}
		if (empty)
			return true;
	}
}

/* ---- the thread -------------------------------------------------------- */

static void push(struct netback *n, bool tx, bool rx)
{
	int ntx = 0, nrx = 0;

	if (tx)
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&n->tx, ntx);
	if (rx)
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&n->rx, nrx);
	if (ntx || nrx)
		hv_evtchn_notify(n->hv, n->port);
}

static void *netback_main(void *arg)
{
	struct netback *n = arg;
	bool rx_room = true;

	for (;;) {
		struct pollfd p[3] = {
			{ .fd = n->stopfd, .events = POLLIN },
			{ .fd = n->evfd, .events = POLLIN },
			{ .fd = n->tapfd, .events = rx_room ? POLLIN : 0 },
		};
		bool tx_any, rx_any = false;
		uint64_t cnt;

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents && read(n->evfd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
			break;
		if (n->broken)
			continue;   /* a corrupt ring: wait to be stopped */
		tx_any = tx_serve(n);
		rx_room = rx_serve(n, &rx_any);
		push(n, tx_any, rx_any);
		if (n->broken)
			log_error("domain %u: netif ring indices corrupt: vif stopped", n->domid);
	}
	return NULL;
}

/* ---- connect / disconnect ---------------------------------------------- */

static int map_rings(struct netback *n, const struct netback_rings *r)
{
	void *tx, *rx;
	int rc;

	rc = gmem_open(&n->mem, n->hv, n->domid);
	if (rc < 0)
		return rc;
	tx = gmem_grant(&n->mem, n->hv, r->tx_ref, false, &n->tx_handle, &rc);
	if (!tx)
		return rc;
	n->tx_mapped = true;
	rx = gmem_grant(&n->mem, n->hv, r->rx_ref, false, &n->rx_handle, &rc);
	if (!rx)
		return rc;
	n->rx_mapped = true;
	/* Private indices restart at the published responses (see blkback.h). */
	BACK_RING_ATTACH(&n->tx, (struct netif_tx_sring *)tx,
			 ((struct netif_tx_sring *)tx)->rsp_prod, PAGE);
	BACK_RING_ATTACH(&n->rx, (struct netif_rx_sring *)rx,
			 ((struct netif_rx_sring *)rx)->rsp_prod, PAGE);
	return 0;
}

struct netback *netback_connect(struct xld *xld, uint32_t domid, int tapfd,
				const struct netback_rings *rings)
{
	struct netback *n = calloc(1, sizeof(*n));
	int rc = -ENOMEM;

	if (!n)
		goto out;
	n->domid = domid;
	n->tapfd = tapfd;
	n->evfd = -1;
	n->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->stopfd < 0) {
		rc = -errno;
		goto out;
	}
	rc = hv_open(xld->opt.rundir, &n->hv);
	if (rc == 0)
		rc = map_rings(n, rings);
	if (rc == 0)
		rc = hv_evtchn_bind_interdomain(n->hv, domid, rings->port, &n->port, &n->evfd);
	if (rc == 0)
		rc = -pthread_create(&n->thread, NULL, netback_main, n);
	n->started = rc == 0;
	if (rc == 0)
		eventfd_write(n->evfd, 1);   /* look at the rings once at start */
out:
	if (rc < 0) {
		netback_disconnect(n);
		errno = -rc;
		return NULL;
	}
	return n;
}

void netback_disconnect(struct netback *n)
{
	if (!n)
		return;
	if (n->started) {
		eventfd_write(n->stopfd, 1);
		pthread_join(n->thread, NULL);
	}
	if (n->hv) {
		if (n->evfd >= 0)
			hv_evtchn_close(n->hv, n->port);
		if (n->tx_mapped)
			gmem_ungrant(n->hv, n->tx_handle);
		if (n->rx_mapped)
			gmem_ungrant(n->hv, n->rx_handle);
		hv_close(n->hv);
	}
	if (n->evfd >= 0)
		close(n->evfd);
	if (n->stopfd >= 0)
		close(n->stopfd);
	gmem_close(&n->mem);
	free(n);
}

void netback_get_stats(const struct netback *n, struct netback_stats *out)
{
	*out = n->stats;
}
