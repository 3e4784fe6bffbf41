/* A test-only network backend for the PV kernel's netfront: dom0's part
 * (xenstore nodes, grant maps, one interdomain event channel) plus a tiny
 * "peer" that sends the guest an ARP request, ICMP echo requests and a UDP
 * datagram to port 7, and checks every answer.
 *
 *   netback DOMID            (run while the domain is paused; prints
 *                             "ready", then one "ok"/"FAIL" line per check)
 *
 * Rings are only looked at after the frontend kicks the event channel, so
 * a frontend that forgets to notify fails the test. */
#include "tests/kernel/testback/xs.h"
#include "libvmctl/hv.h"
#include "vmctl/xen/io/netif.h"
#include "vmctl/xen/io/xenbus.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096
#define FLOOD 100	/* more echoes than the guest posts receive buffers */

static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 1 };
static const uint8_t guest_mac[6] = { 0x00, 0x16, 0x3e, 0x12, 0x34, 0x56 };
static const uint8_t peer_ip[4] = { 10, 0, 0, 1 }, guest_ip[4] = { 10, 0, 0, 2 };

struct netback {
	struct hv *hv;
	int xs, memfd, evfd;
	uint32_t domid, port;
	char fe[128], be[128];
	netif_tx_back_ring_t tx;
	netif_rx_back_ring_t rx;
	uint8_t frame[2048];	/* the last frame the guest sent */
	size_t frame_len;
	int failures;
};

static int die(const char *what)
{
	fprintf(stderr, "netback: %s\n", what);
	return 1;
}

static void check(struct netback *n, int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	n->failures += !cond;
}

static int publish_nodes(struct netback *n)
{
	char owner[16], reader[16];
	int rc = 0;

	snprintf(owner, sizeof(owner), "n%u", n->domid);
	snprintf(reader, sizeof(reader), "r%u", n->domid);
	rc |= xs_printf(n->xs, owner, "r0", n->fe, "backend", "%s", n->be);
	rc |= xs_printf(n->xs, owner, "r0", n->fe, "backend-id", "0");
	rc |= xs_printf(n->xs, owner, "r0", n->fe, "handle", "0");
	rc |= xs_printf(n->xs, owner, "r0", n->fe, "mac", "00:16:3e:12:34:56");
	rc |= xs_printf(n->xs, owner, "r0", n->fe, "state", "%d", XenbusStateInitialising);
	rc |= xs_set_perms(n->xs, n->fe, owner, "r0");
	rc |= xs_printf(n->xs, "n0", reader, n->be, "frontend", "%s", n->fe);
	rc |= xs_printf(n->xs, "n0", reader, n->be, "frontend-id", "%u", n->domid);
	rc |= xs_printf(n->xs, "n0", reader, n->be, "ip", "10.0.0.2");
	rc |= xs_printf(n->xs, "n0", reader, n->be, "feature-rx-copy", "1");
	rc |= xs_printf(n->xs, "n0", reader, n->be, "state", "%d", XenbusStateInitWait);
	return rc;
}

static void *map_grant(struct netback *n, uint32_t ref, int ro, uint32_t *handle)
{
	uint64_t frame;
	void *p;

	if (hv_gnttab_map(n->hv, n->domid, ref, ro, &frame, handle) < 0)
		return NULL;
	p = mmap(NULL, PG, ro ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED,
		 n->memfd, (off_t)(frame * PG));
	if (p == MAP_FAILED) {
		hv_gnttab_unmap(n->hv, *handle);
		return NULL;
	}
	return p;
}

static void unmap_grant(struct netback *n, void *p, uint32_t handle)
{
	munmap(p, PG);
	hv_gnttab_unmap(n->hv, handle);
}

static long long fe_num(struct netback *n, const char *node)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/%s", n->fe, node);
	return xs_read_num(n->xs, path);
}

static int connect_rings(struct netback *n)
{
	char path[192];
	struct privcmd_foreign_map fm;
	uint32_t h;
	void *txs, *rxs;

	snprintf(path, sizeof(path), "%s/state", n->fe);
	if (xs_wait_num(n->xs, path, XenbusStateConnected, 20000) < 0)
		return die("the frontend never became Connected");
	if (fe_num(n, "request-rx-copy") != 1)
		return die("the frontend did not ask for rx-copy");
	if (hv_foreign_map(n->hv, n->domid, &n->memfd, &fm) < 0)
		return die("cannot map the domain's memory");
	txs = map_grant(n, (uint32_t)fe_num(n, "tx-ring-ref"), 0, &h);
	rxs = map_grant(n, (uint32_t)fe_num(n, "rx-ring-ref"), 0, &h);
	if (!txs || !rxs)
		return die("cannot map the rings");
	BACK_RING_INIT(&n->tx, (struct netif_tx_sring *)txs, PG);
	BACK_RING_INIT(&n->rx, (struct netif_rx_sring *)rxs, PG);
	if (hv_evtchn_bind_interdomain(n->hv, n->domid, (uint32_t)fe_num(n, "event-channel"),
				       &n->port, &n->evfd) < 0)
		return die("cannot bind the event channel");
	return xs_printf(n->xs, NULL, NULL, n->be, "state", "%d", XenbusStateConnected) ? 1 : 0;
}

/* Wait (up to 5 s) for a kick from the frontend. */
static int wait_kick(struct netback *n)
{
	struct pollfd p = { .fd = n->evfd, .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, 5000) <= 0 || read(n->evfd, &v, sizeof(v)) != sizeof(v))
		return -1;
	return 0;
}

/* Take one frame from the guest's tx ring, if there is one. */
static int take_tx(struct netback *n)
{
	struct netif_tx_request req;
	struct netif_tx_response *rsp;
	uint32_t h;
	uint8_t *page;
	int notify;

	if (!RING_HAS_UNCONSUMED_REQUESTS(&n->tx))
		return 0;
	req = *RING_GET_REQUEST(&n->tx, n->tx.req_cons);
	n->tx.req_cons++;
	page = map_grant(n, req.gref, 1, &h);
	n->frame_len = 0;
	if (page && req.offset + req.size <= PG && req.size <= sizeof(n->frame)) {
		memcpy(n->frame, page + req.offset, req.size);
		n->frame_len = req.size;
	}
	if (page)
		unmap_grant(n, page, h);
	rsp = RING_GET_RESPONSE(&n->tx, n->tx.rsp_prod_pvt);
	rsp->id = req.id;
	rsp->status = n->frame_len ? NETIF_RSP_OKAY : NETIF_RSP_ERROR;
	n->tx.rsp_prod_pvt++;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&n->tx, notify);
	if (notify)
		hv_evtchn_notify(n->hv, n->port);
	return 1;
}

/* The guest's next frame (waiting for kicks as needed); 0 on timeout. */
static int next_frame(struct netback *n)
{
	for (int tries = 0; tries < 50; tries++) {
		int more;

		if (take_tx(n))
			return 1;
		RING_FINAL_CHECK_FOR_REQUESTS(&n->tx, more);
		if (!more && wait_kick(n) < 0)
			return 0;
	}
	return 0;
}

/* Copy a frame into the guest's next posted receive buffer. */
static int deliver(struct netback *n, const uint8_t *f, size_t len)
{
	struct netif_rx_request req;
	struct netif_rx_response *rsp;
	uint32_t h;
	uint8_t *page;
	int more, notify;

	for (int tries = 0; !RING_HAS_UNCONSUMED_REQUESTS(&n->rx); tries++) {
		RING_FINAL_CHECK_FOR_REQUESTS(&n->rx, more);
		if (!more && (tries > 50 || wait_kick(n) < 0))
			return -1;	/* the guest posts no buffers */
	}
	req = *RING_GET_REQUEST(&n->rx, n->rx.req_cons);
	n->rx.req_cons++;
	page = map_grant(n, req.gref, 0, &h);
	if (!page)
		return -1;
	memcpy(page, f, len);
	unmap_grant(n, page, h);
	rsp = RING_GET_RESPONSE(&n->rx, n->rx.rsp_prod_pvt);
	*rsp = (struct netif_rx_response){ .id = req.id, .offset = 0,
		.flags = NETRXF_data_validated, .status = (int16_t)len };
	n->rx.rsp_prod_pvt++;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&n->rx, notify);
	if (notify)
		hv_evtchn_notify(n->hv, n->port);
	return 0;
}

/* --- the peer's packets ------------------------------------------------- */

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static size_t eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, peer_mac, 6);
	put16(f + 12, type);
	return 14;
}

static size_t ipv4(uint8_t *f, uint8_t proto, size_t payload)
{
	uint8_t *ip = f + 14;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + payload));
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, peer_ip, 4);
	memcpy(ip + 16, guest_ip, 4);
	put16(ip + 10, csum(ip, 20));
	return 14 + 20;
}

static void test_arp(struct netback *n)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[64] = { 0 };
	size_t l = eth(f, bcast, 0x0806);
	const uint8_t *a = n->frame + 14;

	put16(f + l, 1); put16(f + l + 2, 0x0800); f[l + 4] = 6; f[l + 5] = 4;
	put16(f + l + 6, 1);
	memcpy(f + l + 8, peer_mac, 6); memcpy(f + l + 14, peer_ip, 4);
	memcpy(f + l + 24, guest_ip, 4);
	check(n, deliver(n, f, 60) == 0 && next_frame(n) && n->frame_len >= 42 &&
	      get16(n->frame + 12) == 0x0806 && get16(a + 6) == 2 &&
	      !memcmp(a + 8, guest_mac, 6) && !memcmp(a + 14, guest_ip, 4) &&
	      !memcmp(n->frame, peer_mac, 6) && !memcmp(a + 18, peer_mac, 6),
	      "ARP request for 10.0.0.2 answered with the guest's MAC");
}

static int echo_reply_ok(struct netback *n, uint16_t seq, const uint8_t *payload, size_t plen)
{
	const uint8_t *ip = n->frame + 14, *icmp = ip + 20;

	return n->frame_len >= 14 + 20 + 8 + plen && get16(n->frame + 12) == 0x0800 &&
	       csum(ip, 20) == 0 && !memcmp(ip + 12, guest_ip, 4) &&
	       !memcmp(ip + 16, peer_ip, 4) && icmp[0] == 0 &&
	       csum(icmp, 8 + plen) == 0 && get16(icmp + 4) == 0x1234 &&
	       get16(icmp + 6) == seq && !memcmp(icmp + 8, payload, plen);
}

static int ping(struct netback *n, uint16_t seq)
{
	uint8_t f[128], payload[56];
	size_t l = eth(f, guest_mac, 0x0800);

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i + seq);
	l = ipv4(f, 1, 8 + sizeof(payload));
	f[l] = 8; f[l + 1] = 0; put16(f + l + 2, 0); put16(f + l + 4, 0x1234);
	put16(f + l + 6, seq);
	memcpy(f + l + 8, payload, sizeof(payload));
	put16(f + l + 2, csum(f + l, 8 + sizeof(payload)));
	return deliver(n, f, l + 8 + sizeof(payload)) == 0 && next_frame(n) &&
	       echo_reply_ok(n, seq, payload, sizeof(payload));
}

static void test_udp(struct netback *n)
{
	static const char msg[] = "hello vmctl";
	uint8_t f[128];
	size_t l = eth(f, guest_mac, 0x0800);
	const uint8_t *u = n->frame + 34;

	l = ipv4(f, 17, 8 + sizeof(msg));
	put16(f + l, 40000); put16(f + l + 2, 7); put16(f + l + 4, 8 + sizeof(msg));
	put16(f + l + 6, 0);
	memcpy(f + l + 8, msg, sizeof(msg));
	check(n, deliver(n, f, l + 8 + sizeof(msg)) == 0 && next_frame(n) &&
	      n->frame_len >= 34 + 8 + sizeof(msg) && n->frame[23] == 17 &&
	      get16(u) == 7 && get16(u + 2) == 40000 && !memcmp(u + 8, msg, sizeof(msg)),
	      "UDP datagram to port 7 echoed back");
}

int main(int argc, char **argv)
{
	struct netback n = { .memfd = -1 };
	int pongs = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2)
		return die("usage: netback DOMID");
	n.domid = (uint32_t)atoi(argv[1]);
	snprintf(n.fe, sizeof(n.fe), "/local/domain/%u/device/vif/0", n.domid);
	snprintf(n.be, sizeof(n.be), "/local/domain/0/backend/vif/%u/0", n.domid);
	n.xs = xs_connect();
	if (n.xs < 0 || hv_open(NULL, &n.hv) < 0)
		return die("cannot reach xenstored or vmhv");
	if (publish_nodes(&n))
		return die("cannot write the device's nodes");
	printf("ready\n");
	fflush(stdout);
	if (connect_rings(&n))
		return 1;
	test_arp(&n);
	check(&n, ping(&n, 1), "ICMP echo request answered (ids, payload, checksums)");
	test_udp(&n);
	for (uint16_t seq = 2; seq < 2 + FLOOD; seq++)
		pongs += ping(&n, seq);
	printf("%d of %d echoes answered\n", pongs, FLOOD);
	check(&n, pongs == FLOOD, "a flood larger than the receive ring is answered");
	hv_close(n.hv);
	return n.failures ? 1 : 0;
}
