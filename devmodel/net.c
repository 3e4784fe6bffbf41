/* NIC back end: frames to and from a tap descriptor (net.h). */
#include "devmodel/net.h"

#include "common/evloop.h"
#include "common/log.h"
#include "vmctl/xen/hvm/platform_pci.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

/* Frames taken per wake-up before ioreqs get their turn again. */
#define NET_RX_BURST 64

static void net_port_pull(struct net_port *p)
{
	uint8_t buf[NET_FRAME_MAX];

	for (unsigned i = 0; i < NET_RX_BURST && !p->frozen && p->can_rx(p->opaque); i++) {
		ssize_t n = read(p->fd, buf, sizeof(buf));

		if (n <= 0)
			break;   /* EAGAIN: nothing more (a tap never ends) */
		if (n < NET_FRAME_MIN) {
			memset(buf + n, 0, NET_FRAME_MIN - (size_t)n);
			n = NET_FRAME_MIN;
		}
		p->rx_frames++;
		p->rx(p->opaque, buf, (size_t)n);
	}
}

static void net_port_event(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)fd;
	(void)events;
	net_port_update(arg);
}

void net_port_update(struct net_port *p)
{
	bool want;

	if (p->fd < 0)
		return;
	net_port_pull(p);
	want = !p->frozen && p->can_rx(p->opaque);
	if (p->watch && want != p->reading &&
	    evloop_modify(p->loop, p->watch, want ? EPOLLIN : 0) == 0)
		p->reading = want;
}

void net_port_freeze(struct net_port *p)
{
	p->frozen = true;
	net_port_update(p);   /* stop watching the tap */
}

void net_nic_touch(struct net_nic *n)
{
	if (!n->port.frozen)
		return;
	n->port.frozen = false;
	net_port_update(&n->port);
}

int net_port_open(struct net_port *p, struct evloop *loop, int fd,
		  bool (*can_rx)(void *opaque),
		  void (*rx)(void *opaque, const uint8_t *frame, size_t len), void *opaque)
{
	int fl = fcntl(fd, F_GETFL);

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	p->can_rx = can_rx;
	p->rx = rx;
	p->opaque = opaque;
	p->loop = loop;
	if (loop) {
		p->watch = evloop_watch(loop, fd, EPOLLIN, net_port_event, p);
		if (!p->watch)
			return -ENOMEM;
		p->reading = true;
	}
	p->fd = fd;
	return 0;
}

void net_port_close(struct net_port *p)
{
	if (p->watch)
		evloop_unwatch(p->loop, p->watch);
	p->watch = NULL;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

void net_port_send(struct net_port *p, const uint8_t *frame, size_t len)
{
	if (p->fd >= 0 && write(p->fd, frame, len) == (ssize_t)len) {
		p->tx_frames++;
		return;
	}
	/* a full tap queue or a link down: dropped, as on a wire */
	p->tx_errors++;
	if (!p->tx_error_logged)
		log_warn("nic: frame of %zu bytes dropped: %s", len,
			 p->fd < 0 ? "no back end" : strerror(errno));
	p->tx_error_logged = true;
}

uint32_t net_crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

enum net_dest net_dest(const uint8_t *frame)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (!memcmp(frame, bcast, 6))
		return NET_DEST_BROADCAST;
	return (frame[0] & 1) ? NET_DEST_MULTICAST : NET_DEST_UNICAST;
}

/* ---- one NIC ---- */

int net_nic_attach(struct net_nic *n, struct dm *dm, unsigned index,
		   bool (*can_rx)(void *opaque),
		   void (*rx)(void *opaque, const uint8_t *frame, size_t len))
{
	int rc;

	n->dm = dm;
	n->model = dm->cfg->nic[index].model;
	rc = net_port_open(&n->port, dm->loop, dm->cfg->nic[index].fd, can_rx, rx, n);
	if (rc == 0)
		rc = pci_bus_add(&dm->pci, &n->pci, (4 + index) << 3);
	return rc;
}

void net_nic_detach(struct net_nic *n)
{
	if (n->pci.bus)
		pci_bus_remove(n->pci.bus, &n->pci);
	n->pci.bus = NULL;
	net_port_close(&n->port);
}

bool net_nic_master(const struct net_nic *n)
{
	return pci_get16(&n->pci, PCI_COMMAND) & PCI_CMD_MASTER;
}

void *net_nic_dma(struct net_nic *n, uint64_t gpa, uint64_t len)
{
	void *p = gmem_ptr_w(&n->dm->mem, gpa, len);   /* a receive may write it */

	if (!p && !n->dma_warned) {
		log_warn("%s: guest DMA to %#llx (+%llu) outside RAM and VRAM: not done", n->model,
			 (unsigned long long)gpa, (unsigned long long)len);
		n->dma_warned = true;
	}
	return p;
}

/* ---- the NICs of one model ---- */

void net_nics_destroy(void *state)
{
	struct net_nics *s = state;

	while (s->n > 0)
		s->ops->destroy(s->nic[--s->n]);
	free(s);
}

void net_nics_reset(void *state)
{
	struct net_nics *s = state;

	for (unsigned i = 0; i < s->n; i++)
		s->ops->reset(s->nic[i]);
}

void net_nics_unplug(void *state, unsigned mask)
{
	struct net_nics *s = state;

	if (!(mask & XEN_UNPLUG_ALL_NICS))
		return;
	for (unsigned i = 0; i < s->n; i++) {
		struct pci_dev *d = &((struct net_nic *)s->nic[i])->pci;

		if (d->bus) {
			pci_bus_remove(d->bus, d);
			d->bus = NULL;
			log_info("%s: NIC at 00:%02x.0 unplugged", s->ops->model, d->devfn >> 3);
		}
	}
}

int net_nics_create(struct dm *dm, const struct net_nic_ops *ops, void **state)
{
	struct net_nics *s = NULL;
	int rc = 0;

	for (unsigned i = 0; i < dm->cfg->nr_nics && i < DM_MAX_NICS; i++) {
		if (strcmp(dm->cfg->nic[i].model, ops->model))
			continue;
		if (!s && !(s = calloc(1, sizeof(*s))))
			return -ENOMEM;
		s->ops = ops;
		rc = ops->create(dm, i, &s->nic[s->n]);
		if (rc < 0) {
			log_error("%s NIC %u: %s", ops->model, i, strerror(-rc));
			net_nics_destroy(s);
			return rc;
		}
		s->n++;
	}
	if (!s)
		return 1;
	*state = s;
	return 0;
}
