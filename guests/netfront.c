/* PV network frontend.
 *
 * Receive: we post NET_RX_BUFS pages, each granted to the backend for good;
 * the backend copies a packet into one and answers with its length.  We
 * hand the packet to net.c and post the page again.  Transmit: a frame is
 * copied into a bounce page granted read-only until the backend answers.
 * One event channel serves both rings. */
#include "kernel.h"
#include "schedop.h"
#include "netfront.h"
#include "net.h"
#include "vmctl/xen/io/xenbus.h"

static void net_event(struct kernel *k, evtchn_port_t port, void *arg)
{
	/* The rings are served from the main loop (netfront_poll). */
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		const char *end;
		unsigned long long v = strtoull(s, &end, 16);

		if (end == s || v > 255 || (i < 5 && *end != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)v;
		s = end + 1;
	}
	return 0;
}

static int publish(struct kernel *k, xenbus_tx_t tx, void *arg)
{
	struct netfront *nf = arg;
	const char *d = nf->nodename;
	int rc;

	rc = xenbus_printf(k, tx, d, "tx-ring-ref", "%d", nf->tx_ref);
	if (!rc)
		rc = xenbus_printf(k, tx, d, "rx-ring-ref", "%d", nf->rx_ref);
	if (!rc)
		rc = xenbus_printf(k, tx, d, "event-channel", "%u", nf->port);
	if (!rc)
		rc = xenbus_printf(k, tx, d, "request-rx-copy", "1");
	if (!rc)
		rc = xenbus_printf(k, tx, d, "feature-rx-notify", "1");
	if (!rc)
		rc = xenbus_printf(k, tx, d, "feature-sg", "0");
	if (!rc)	/* we cannot finish partial checksums */
		rc = xenbus_printf(k, tx, d, "feature-no-csum-offload", "1");
	if (!rc)
		rc = xenbus_printf(k, tx, d, "state", "%d", XenbusStateConnected);
	return rc;
}

static int grant_page(struct kernel *k, struct netfront *nf, void *page,
		      bool readonly)
{
	return gnttab_grant(k, (domid_t)nf->backend_id, mm_virt_to_mfn(k, page),
			    readonly);
}

static void post_rx(struct kernel *k, struct netfront *nf, uint16_t id)
{
	struct netif_rx_request *req = RING_GET_REQUEST(&nf->rx, nf->rx.req_prod_pvt);

	req->id = id;
	req->gref = (grant_ref_t)nf->rx_gref[id];
	nf->rx.req_prod_pvt++;
}

static void push_rx(struct kernel *k, struct netfront *nf)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
	if (notify)
		events_notify(k, nf->port);
}

static int setup_rings(struct kernel *k, struct netfront *nf)
{
	struct netif_tx_sring *txs = mm_alloc_pages(k, 1, 1);
	struct netif_rx_sring *rxs = mm_alloc_pages(k, 1, 1);
	int rc;

	if (!txs || !rxs)
		return -ENOMEM;
	SHARED_RING_INIT(txs);
	FRONT_RING_INIT(&nf->tx, txs, PAGE_SIZE);
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&nf->rx, rxs, PAGE_SIZE);
	nf->tx_page = txs;
	nf->rx_page = rxs;
	nf->tx_ref = grant_page(k, nf, txs, false);
	nf->rx_ref = grant_page(k, nf, rxs, false);
	if (nf->tx_ref < 0 || nf->rx_ref < 0)
		return -ENOSPC;
	for (uint16_t i = 0; i < NET_RX_BUFS; i++) {
		nf->rx_gref[i] = grant_page(k, nf, nf->rx_buf[i], false);
		if (nf->rx_gref[i] < 0)
			return -ENOSPC;
		post_rx(k, nf, i);
	}
	nf->tx_nfree = 0;
	for (uint16_t i = 0; i < NET_TX_BUFS; i++) {
		nf->tx_gref[i] = -1;
		nf->tx_free[nf->tx_nfree++] = i;
	}
	rc = events_alloc_unbound(k, (domid_t)nf->backend_id, &nf->port);
	if (rc == 0)
		rc = events_bind(k, nf->port, net_event, nf);
	return rc;
}

static void read_config(struct kernel *k, struct netfront *nf)
{
	char path[192], buf[64];
	const char *ip = options_get(&k->opt, "ip", NULL);

	snprintf(path, sizeof(path), "%s/mac", nf->nodename);
	if (xenbus_read(k, XBT_NIL, path, buf, sizeof(buf)) < 0 ||
	    parse_mac(buf, nf->mac) < 0)
		printk("net: %s has no usable mac\n", nf->nodename);
	if (!ip) {	/* vif's ip= setting, as the toolstack records it */
		snprintf(path, sizeof(path), "%s/ip", nf->backend);
		if (xenbus_read(k, XBT_NIL, path, buf, sizeof(buf)) > 0)
			ip = buf;
	}
	if (ip && net_parse_ip(ip, &nf->ip) < 0)
		printk("net: bad ip '%s'\n", ip);
}

static void net_disconnect(struct kernel *k, struct netfront *nf)
{
	nf->connected = false;
	events_close(k, nf->port);
}

/* The backend going Closing asks us to let go (a safe unplug). */
static void backend_changed(struct kernel *k, struct xenbus_watch *w,
			    const char *path)
{
	struct netfront *nf = w->arg;

	if (!nf->connected || frontend_backend_state(k, nf->backend) < XenbusStateClosing)
		return;
	net_disconnect(k, nf);
	xenbus_switch_state(k, nf->nodename, XenbusStateClosed);
	printk("net: %s closed by its backend\n", nf->nodename);
}

static int net_connect(struct kernel *k, struct netfront *nf)
{
	int rc, state;

	rc = frontend_backend(k, nf->nodename, nf->backend, sizeof(nf->backend),
			      &nf->backend_id);
	if (rc < 0)
		return rc;
	read_config(k, nf);
	rc = setup_rings(k, nf);
	if (rc == 0)
		rc = xenbus_transact(k, publish, nf);
	if (rc < 0)
		return rc;
	push_rx(k, nf);
	state = frontend_wait_backend(k, nf->backend, XenbusStateConnected);
	if (state < 0)
		return state;
	if (state != XenbusStateConnected)
		return -EIO;
	nf->connected = true;
	nf->be_watch.fn = backend_changed;
	nf->be_watch.arg = nf;
	if (frontend_watch_backend(k, &nf->be_watch, nf->backend) < 0)
		printk("net: cannot watch %s\n", nf->backend);
	return 0;
}

static int netfront_probe(struct kernel *k, const char *nodename)
{
	struct netfront *nf;
	char ip[16];
	int rc;

	if (k->dev.nr_net >= MAX_NET)
		return -ENOSPC;
	nf = mm_alloc_pages(k, (sizeof(*nf) + PAGE_SIZE - 1) / PAGE_SIZE, 1);
	if (!nf)
		return -ENOMEM;
	strlcpy(nf->nodename, nodename, sizeof(nf->nodename));
	for (int i = 0; i < NET_RX_BUFS; i++)
		if (!(nf->rx_buf[i] = mm_alloc_pages(k, 1, 1)))
			return -ENOMEM;
	for (int i = 0; i < NET_TX_BUFS; i++)
		if (!(nf->tx_buf[i] = mm_alloc_pages(k, 1, 1)))
			return -ENOMEM;
	rc = net_connect(k, nf);
	k->dev.net[k->dev.nr_net++] = nf;
	if (rc == 0)
		printk("net%d: %s mac %02x:%02x:%02x:%02x:%02x:%02x ip %s\n",
		       k->dev.nr_net - 1, nodename, nf->mac[0], nf->mac[1],
		       nf->mac[2], nf->mac[3], nf->mac[4], nf->mac[5],
		       net_format_ip(nf->ip, ip));
	return rc;
}

/* --- data path ------------------------------------------------------------ */

static bool tx_collect(struct kernel *k, struct netfront *nf)
{
	bool any = false;
	int more;

	do {
		RING_IDX prod = nf->tx.sring->rsp_prod;

		xen_rmb();
		while (nf->tx.rsp_cons != prod) {
			struct netif_tx_response *r = RING_GET_RESPONSE(&nf->tx, nf->tx.rsp_cons);
			uint16_t id = r->id;

			nf->tx.rsp_cons++;
			any = true;
			if (id >= NET_TX_BUFS || nf->tx_gref[id] < 0)
				continue;
			if (r->status != NETIF_RSP_OKAY)
				nf->stats.tx_errors++;
			if (gnttab_end(k, (grant_ref_t)nf->tx_gref[id]) == 0) {
				nf->tx_gref[id] = -1;
				nf->tx_free[nf->tx_nfree++] = id;
			}
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&nf->tx, more);
	} while (more);
	return any;
}

int netfront_send(struct kernel *k, struct netfront *nf, const void *frame,
		  size_t len)
{
	struct netif_tx_request *req;
	uint16_t id;
	int notify, gref;

	if (!nf->connected)
		return -ENODEV;
	if (len > PAGE_SIZE || len < 14)
		return -EINVAL;
	if (!nf->tx_nfree)
		tx_collect(k, nf);
	if (!nf->tx_nfree || RING_FULL(&nf->tx)) {
		nf->stats.tx_busy++;
		return -EBUSY;
	}
	id = nf->tx_free[--nf->tx_nfree];
	memcpy(nf->tx_buf[id], frame, len);
	gref = grant_page(k, nf, nf->tx_buf[id], true);
	if (gref < 0) {
		nf->tx_free[nf->tx_nfree++] = id;
		return gref;
	}
	nf->tx_gref[id] = gref;
	req = RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt);
	*req = (struct netif_tx_request){ .gref = (grant_ref_t)gref, .offset = 0,
					  .flags = 0, .id = id, .size = (uint16_t)len };
	nf->tx.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
	if (notify)
		events_notify(k, nf->port);
	nf->stats.tx_packets++;
	nf->stats.tx_bytes += len;
	return 0;
}

static void rx_one(struct kernel *k, struct netfront *nf,
		   const struct netif_rx_response *r)
{
	uint16_t id = r->id;

	if (id >= NET_RX_BUFS) {
		nf->stats.rx_errors++;
		return;
	}
	if (r->status <= 0 || (r->flags & (NETRXF_more_data | NETRXF_extra_info)) ||
	    r->offset + r->status > PAGE_SIZE) {
		/* errors, and packets we asked not to get (no feature-sg) */
		nf->stats.rx_errors += r->status < 0;
		nf->stats.rx_dropped += r->status >= 0;
	} else {
		nf->stats.rx_packets++;
		nf->stats.rx_bytes += (uint64_t)r->status;
		net_input(k, nf, (uint8_t *)nf->rx_buf[id] + r->offset,
			  (size_t)r->status);
	}
	post_rx(k, nf, id);	/* the page goes straight back */
}

static bool rx_collect(struct kernel *k, struct netfront *nf)
{
	bool any = false;
	int more;

	do {
		RING_IDX prod = nf->rx.sring->rsp_prod;

		xen_rmb();
		while (nf->rx.rsp_cons != prod) {
			struct netif_rx_response r = *RING_GET_RESPONSE(&nf->rx, nf->rx.rsp_cons);

			nf->rx.rsp_cons++;
			rx_one(k, nf, &r);
			any = true;
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&nf->rx, more);
	} while (more);
	if (any)
		push_rx(k, nf);
	return any;
}

static bool netfront_poll(struct kernel *k)
{
	bool any = false;

	for (int i = 0; i < k->dev.nr_net; i++) {
		struct netfront *nf = k->dev.net[i];

		if (!nf->connected)
			continue;
		any |= rx_collect(k, nf);
		any |= tx_collect(k, nf);
	}
	return any;
}

/* --- suspend/resume ------------------------------------------------------- */

static void netfront_suspend(struct kernel *k)
{
	for (int i = 0; i < k->dev.nr_net; i++)
		k->dev.net[i]->connected = false;
}

static void netfront_resume(struct kernel *k, bool new_domain)
{
	for (int i = 0; i < k->dev.nr_net; i++) {
		struct netfront *nf = k->dev.net[i];

		if (!new_domain) {
			nf->connected = nf->tx_page != NULL;
			continue;
		}
		mm_free_pages(k, nf->tx_page, 1);
		mm_free_pages(k, nf->rx_page, 1);
		nf->tx_page = nf->rx_page = NULL;
		if (net_connect(k, nf) < 0)
			printk("net%d: did not reconnect after resume\n", i);
		else if (net_announce(k, nf) == 0 && nf->ip)
			printk("net%d: announced after resume\n", i);
	}
}

/* Hot unplug: stop using the interface (its pages stay ours). */
static void netfront_remove(struct kernel *k, const char *nodename)
{
	for (int i = 0; i < k->dev.nr_net; i++) {
		struct netfront *nf = k->dev.net[i];

		if (strcmp(nf->nodename, nodename) != 0)
			continue;
		xenbus_unwatch(k, &nf->be_watch);
		if (nf->connected)
			net_disconnect(k, nf);
		printk("net%d: %s removed\n", i, nodename);
	}
}

const struct frontend_ops netfront_ops = {
	.kind = "vif",
	.probe = netfront_probe,
	.suspend = netfront_suspend,
	.resume = netfront_resume,
	.poll = netfront_poll,
	.remove = netfront_remove,
};
