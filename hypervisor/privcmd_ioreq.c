/* The ioreq-server privcmd operations (vmctl/ioreq.h, docs/privcmd.md
 * "ioreq servers"): vmhv keeps each server's pages, eventfds and ranges
 * with the domain, checks every request from the device model, and passes
 * the state on to the domain's hvm sandbox, which posts the requests. */
#include "hypervisor/privcmd_ioreq.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/hvm/hvm_domain.h"
#include "hypervisor/privcmd_server.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

/* An hvm domain's state, or NULL with *rc set. */
static struct hvm_domain *req_hvm(struct vmhv *hv, uint32_t domid, int *rc)
{
	struct domain *d = domain_lookup(hv, domid);
	struct hvm_domain *h;

	*rc = -ESRCH;
	if (!d || d->dying)
		return NULL;
	*rc = -EINVAL;
	if (d->engine != &hvm_engine_ops)
		return NULL;
	h = hvm_domain_get(d);
	*rc = h ? 0 : -ENOMEM;
	return h;
}

/* The named server of this connection, or NULL with *rc set. */
static struct hvm_server *req_server(struct vmhv *hv, uint32_t domid, uint32_t id,
				     void *client, struct hvm_domain **hp, int *rc)
{
	struct hvm_domain *h = req_hvm(hv, domid, rc);

	if (!h)
		return NULL;
	*hp = h;
	if (id >= PRIVCMD_IOREQ_MAX_SERVERS || !h->servers[id].used) {
		*rc = -ENOENT;
		return NULL;
	}
	if (h->servers[id].owner != client) {
		*rc = -EPERM;
		return NULL;
	}
	return &h->servers[id];
}

static void server_free(struct hvm_server *s)
{
	if (s->memfd >= 0)
		close(s->memfd);
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++)
		if (s->evfd[v] >= 0)
			close(s->evfd[v]);
	if (s->buf_evfd >= 0)
		close(s->buf_evfd);
	memset(s, 0, sizeof(*s));
	s->memfd = -1;
}

static int server_fds(const struct hvm_server *s, uint32_t nr_vcpus, int *fds)
{
	fds[0] = s->memfd;
	for (uint32_t v = 0; v < nr_vcpus; v++)
		fds[1 + v] = s->evfd[v];
	fds[1 + nr_vcpus] = s->buf_evfd;
	return (int)nr_vcpus + 2;
}

static int server_send_add(struct hvm_domain *h, uint32_t id)
{
	const struct hvm_server *s = &h->servers[id];
	struct hvm_ctl m = { .type = HVM_CTL_SERVER_ADD, .a = id, .b = s->flags };
	int fds[PRIVCMD_MAX_VCPUS + 2];
	int n = server_fds(s, h->d->max_vcpus, fds);

	return hvm_ctl_send(h, &m, fds, n);
}

static int server_alloc(struct hvm_server *s, uint32_t nr_vcpus)
{
	memset(s, 0, sizeof(*s));
	s->buf_evfd = -1;
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++)
		s->evfd[v] = -1;
	s->memfd = memfd_create("vmctl-ioreq", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (s->memfd < 0)
		return -errno;
	if (ftruncate(s->memfd, IOREQ_SERVER_BYTES) < 0 ||
	    fcntl(s->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		return -errno;
	for (uint32_t v = 0; v < nr_vcpus; v++) {
		s->evfd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (s->evfd[v] < 0)
			return -errno;
	}
	s->buf_evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return s->buf_evfd < 0 ? -errno : 0;
}

int op_IOREQ_SERVER_CREATE(struct vmhv *hv, const void *req, size_t len,
			   struct privcmd_reply *rep)
{
	const struct privcmd_ioreq_create *r = req;
	struct privcmd_ioreq_server out = { 0 };
	int rc;
	struct hvm_domain *h = req_hvm(hv, r->domid, &rc);
	struct hvm_server *s = NULL;

	if (!h)
		return rc;
	if (r->flags & ~PRIVCMD_IOREQ_BUFFERED)
		return -EINVAL;
	for (out.id = 0; out.id < PRIVCMD_IOREQ_MAX_SERVERS; out.id++)
		if (!h->servers[out.id].used) {
			s = &h->servers[out.id];
			break;
		}
	if (!s)
		return -ENOSPC;
	rc = server_alloc(s, h->d->max_vcpus);
	if (rc < 0) {
		server_free(s);
		return rc;
	}
	s->used = true;
	s->flags = r->flags;
	s->owner = rep->client;
	out.nr_vcpus = h->d->max_vcpus;
	server_send_add(h, out.id);
	rep->fd = s->memfd;
	memcpy(rep->buf, &out, sizeof(out));
	rep->len = sizeof(out);
	return 0;
}

static void server_destroy(struct hvm_domain *h, uint32_t id)
{
	struct hvm_ctl m = { .type = HVM_CTL_SERVER_DEL, .a = id };

	hvm_ctl_send(h, &m, NULL, 0);
	server_free(&h->servers[id]);
}

int op_IOREQ_SERVER_DESTROY(struct vmhv *hv, const void *req, size_t len,
			    struct privcmd_reply *rep)
{
	const struct privcmd_ioreq_op *r = req;
	struct hvm_domain *h;
	int rc;
	struct hvm_server *s = req_server(hv, r->domid, r->id, rep->client, &h, &rc);

	if (s)
		server_destroy(h, r->id);
	return rc;
}

int op_IOREQ_SERVER_SET_STATE(struct vmhv *hv, const void *req, size_t len,
			      struct privcmd_reply *rep)
{
	const struct privcmd_ioreq_op *r = req;
	struct hvm_domain *h;
	int rc;
	struct hvm_server *s = req_server(hv, r->domid, r->id, rep->client, &h, &rc);
	struct hvm_ctl m = { .type = HVM_CTL_SERVER_STATE, .a = r->id, .b = r->value != 0 };

	if (!s)
		return rc;
	if (r->value > 1)
		return -EINVAL;
	s->enabled = r->value;
	return hvm_ctl_send(h, &m, NULL, 0);
}

int op_IOREQ_SERVER_EVENTFD(struct vmhv *hv, const void *req, size_t len,
			    struct privcmd_reply *rep)
{
	const struct privcmd_ioreq_op *r = req;
	struct hvm_domain *h;
	int rc;
	struct hvm_server *s = req_server(hv, r->domid, r->id, rep->client, &h, &rc);

	if (!s)
		return rc;
	if (r->value == PRIVCMD_IOREQ_BUF_EVENTFD)
		rep->fd = s->buf_evfd;
	else if (r->value < h->d->max_vcpus)
		rep->fd = s->evfd[r->value];
	else
		return -EINVAL;
	return 0;
}

/* vmhv's own devices: a server may not take these. */
static const struct hvm_range reserved[] = {
	{ PRIVCMD_IOREQ_RANGE_PORT, 0x20, 0x21 },     /* PIC master */
	{ PRIVCMD_IOREQ_RANGE_PORT, 0x40, 0x43 },     /* PIT */
	{ PRIVCMD_IOREQ_RANGE_PORT, 0x61, 0x61 },     /* PIT channel 2 gate */
	{ PRIVCMD_IOREQ_RANGE_PORT, 0x70, 0x71 },     /* RTC */
	{ PRIVCMD_IOREQ_RANGE_PORT, 0xa0, 0xa1 },     /* PIC slave */
	{ PRIVCMD_IOREQ_RANGE_PORT, 0x4d0, 0x4d1 },   /* ELCR */
	{ PRIVCMD_IOREQ_RANGE_MMIO, 0xfec00000, 0xfec00fff }, /* IOAPIC */
	{ PRIVCMD_IOREQ_RANGE_MMIO, 0xfee00000, 0xfeefffff }, /* LAPIC */
};

static bool overlaps(const struct hvm_range *a, uint32_t type, uint64_t start, uint64_t end)
{
	return a->type == type && a->start <= end && start <= a->end;
}

static int range_check(struct hvm_domain *h, const struct privcmd_ioreq_range *r)
{
	static const uint64_t limit[] = { 0xffff, UINT64_MAX, 0xffffffff };

	if (r->type > PRIVCMD_IOREQ_RANGE_PCI || r->start > r->end || r->end > limit[r->type])
		return -EINVAL;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (overlaps(&reserved[i], r->type, r->start, r->end))
			return -EBUSY;
	for (uint32_t i = 0; i < PRIVCMD_IOREQ_MAX_SERVERS; i++)
		for (uint32_t j = 0; h->servers[i].used && j < h->servers[i].nr_ranges; j++)
			if (overlaps(&h->servers[i].ranges[j], r->type, r->start, r->end))
				return -EBUSY;
	return 0;
}

static int range_send(struct hvm_domain *h, uint32_t type, const struct privcmd_ioreq_range *r)
{
	struct hvm_ctl m = { .type = type, .a = r->id, .b = r->type, .addr = r->start, .end = r->end };

	return hvm_ctl_send(h, &m, NULL, 0);
}

int op_IOREQ_MAP_RANGE(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep)
{
	const struct privcmd_ioreq_range *r = req;
	struct hvm_domain *h;
	int rc;
	struct hvm_server *s = req_server(hv, r->domid, r->id, rep->client, &h, &rc);

	if (!s)
		return rc;
	rc = range_check(h, r);
	if (rc < 0)
		return rc;
	if (s->nr_ranges == PRIVCMD_IOREQ_MAX_RANGES)
		return -ENOSPC;
	s->ranges[s->nr_ranges++] = (struct hvm_range){ r->type, r->start, r->end };
	return range_send(h, HVM_CTL_RANGE_ADD, r);
}

int op_IOREQ_UNMAP_RANGE(struct vmhv *hv, const void *req, size_t len,
			 struct privcmd_reply *rep)
{
	const struct privcmd_ioreq_range *r = req;
	struct hvm_domain *h;
	int rc;
	struct hvm_server *s = req_server(hv, r->domid, r->id, rep->client, &h, &rc);

	if (!s)
		return rc;
	for (uint32_t i = 0; i < s->nr_ranges; i++) {
		struct hvm_range *x = &s->ranges[i];

		if (x->type == r->type && x->start == r->start && x->end == r->end) {
			*x = s->ranges[--s->nr_ranges];
			return range_send(h, HVM_CTL_RANGE_DEL, r);
		}
	}
	return -ENOENT;
}

int op_IRQ_LEVEL(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep)
{
	const struct privcmd_irq_level *r = req;
	int rc;
	struct hvm_domain *h = req_hvm(hv, r->domid, &rc);
	struct hvm_ctl m = { .type = HVM_CTL_IRQ, .a = r->type, .b = r->irq, .c = r->level };

	if (!h)
		return rc;
	if (r->type > PRIVCMD_IRQ_GSI || r->level > 1 ||
	    r->irq >= (r->type == PRIVCMD_IRQ_ISA ? 16u : 24u))
		return -EINVAL;
	return hvm_ctl_send(h, &m, NULL, 0);
}

int op_INJECT_MSI(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep)
{
	const struct privcmd_ioreq_msi *r = req;
	int rc;
	struct hvm_domain *h = req_hvm(hv, r->domid, &rc);
	struct hvm_ctl m = { .type = HVM_CTL_MSI, .a = r->data, .addr = r->addr };

	if (!h)
		return rc;
	if ((r->addr & 0xfff00000ull) != 0xfee00000ull || (r->addr >> 32))
		return -EINVAL;
	return hvm_ctl_send(h, &m, NULL, 0);
}

int hvm_servers_replay(struct hvm_domain *h)
{
	int rc = 0;

	for (uint32_t id = 0; rc == 0 && id < PRIVCMD_IOREQ_MAX_SERVERS; id++) {
		struct hvm_server *s = &h->servers[id];
		struct hvm_ctl st = { .type = HVM_CTL_SERVER_STATE, .a = id, .b = s->enabled };

		if (!s->used)
			continue;
		rc = server_send_add(h, id);
		for (uint32_t i = 0; rc == 0 && i < s->nr_ranges; i++) {
			struct privcmd_ioreq_range r = {
				.id = id, .type = s->ranges[i].type,
				.start = s->ranges[i].start, .end = s->ranges[i].end,
			};

			rc = range_send(h, HVM_CTL_RANGE_ADD, &r);
		}
		if (rc == 0)
			rc = hvm_ctl_send(h, &st, NULL, 0);
	}
	return rc;
}

void hvm_servers_dispose(struct hvm_domain *h)
{
	for (uint32_t id = 0; id < PRIVCMD_IOREQ_MAX_SERVERS; id++)
		if (h->servers[id].used)
			server_free(&h->servers[id]);
}

void ioreq_dom0_release(struct vmhv *hv, void *client)
{
	for (uint32_t domid = 1; domid <= PRIVCMD_MAX_DOMID; domid++) {
		struct domain *d = hv->domains[domid];
		struct hvm_domain *h;

		if (!d || d->engine != &hvm_engine_ops || !(h = d->engine_priv))
			continue;
		for (uint32_t id = 0; id < PRIVCMD_IOREQ_MAX_SERVERS; id++)
			if (h->servers[id].used && h->servers[id].owner == client)
				server_destroy(h, id);
	}
}

void hvm_param_changed(struct domain *d, unsigned index)
{
	struct hvm_ctl m = { .type = HVM_CTL_PARAM, .a = index };

	if (d->engine != &hvm_engine_ops || !d->engine_priv || index >= PRIVCMD_HVM_NR_PARAMS)
		return;
	m.addr = d->hvm_params[index];
	hvm_ctl_send(d->engine_priv, &m, NULL, 0);
}
