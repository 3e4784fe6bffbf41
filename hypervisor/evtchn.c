#include "hypervisor/evtchn.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/engine.h"
#include "hypervisor/engines/pv/pv_abi.h"
#include "hypervisor/engines/pv/pv_domain.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/event_channel.h>

int evtchn_table_init(struct evtchn **table)
{
	*table = calloc(EVTCHN_NR_PORTS, sizeof(**table));
	if (!*table)
		return -ENOMEM;
	for (unsigned i = 0; i < EVTCHN_NR_PORTS; i++)
		(*table)[i].fd = -1;
	(*table)[0].offered = 1; /* the generation; ports start at 0: not offered */
	return 0;
}

static struct evtchn *table_of(struct vmhv *hv, uint32_t domid)
{
	struct domain *d;

	if (domid == 0)
		return hv->dom0_evtchn;
	d = domain_lookup(hv, domid);
	return d && !d->dying ? d->evtchn : NULL;
}

static struct evtchn *port_of(struct vmhv *hv, uint32_t domid, uint32_t port)
{
	struct evtchn *t = table_of(hv, domid);

	if (!t || port == 0 || port >= EVTCHN_NR_PORTS)
		return NULL;
	return &t[port];
}

static int port_alloc(struct evtchn *t, uint32_t *port)
{
	for (uint32_t p = 1; p < EVTCHN_NR_PORTS; p++) {
		if (t[p].state == ECS_FREE) {
			t[p] = (struct evtchn){ .state = ECS_UNBOUND, .fd = -1 };
			*port = p;
			return 0;
		}
	}
	return -ENOSPC;
}

static void port_free(struct evtchn *e)
{
	if (e->fd >= 0)
		close(e->fd);
	*e = (struct evtchn){ .state = ECS_FREE, .fd = -1 };
}

/* The pv sandbox reads the generation in vCPU 0's mailbox. */
static void offer_publish(struct domain *d)
{
	struct pv_domain *pv = d->engine == &pv_engine_ops ? d->engine_priv : NULL;

	if (pv && pv->mb)
		__atomic_store_n(&pv->mb[0].evtchn_gen, d->evtchn[0].offered, __ATOMIC_SEQ_CST);
}

/* Port `port` of `domid` changes its binding: if its peer's eventfd was
 * handed to the domain's sandbox, every hand-over so far is void. */
static void offer_revoke(struct vmhv *hv, uint32_t domid, uint32_t port)
{
	struct domain *d = domid ? domain_lookup(hv, domid) : NULL;
	struct evtchn *t;

	if (!d || d->dying || !d->evtchn || port == 0 || port >= EVTCHN_NR_PORTS)
		return;
	t = d->evtchn;
	if (t[port].offered != t[0].offered)
		return;
	if (++t[0].offered == 0)
		t[0].offered = 1;
	offer_publish(d);
}

int evtchn_offer_fd(struct domain *d, uint32_t port, uint32_t *gen)
{
	struct evtchn *e = port_of(d->hv, d->domid, port), *r;

	if (!e || e->state != ECS_INTERDOMAIN || e->remote_dom != 0 ||
	    e->offered == d->evtchn[0].offered)
		return -1;
	r = port_of(d->hv, 0, e->remote_port);
	if (!r || r->state != ECS_INTERDOMAIN || r->remote_dom != d->domid ||
	    r->remote_port != port || r->fd < 0)
		return -1;
	*gen = d->evtchn[0].offered;
	return r->fd;
}

void evtchn_offer_made(struct domain *d, uint32_t port)
{
	d->evtchn[port].offered = d->evtchn[0].offered;
	offer_publish(d);
}

static void port_close(struct vmhv *hv, uint32_t domid, uint32_t port, struct evtchn *e);

void evtchn_table_dispose(struct vmhv *hv, uint32_t domid, struct evtchn **table)
{
	if (!*table)
		return;
	for (uint32_t p = 1; p < EVTCHN_NR_PORTS; p++)
		if ((*table)[p].state != ECS_FREE)
			port_close(hv, domid, p, &(*table)[p]);
	free(*table);
	*table = NULL;
}

static struct shared_info *shared_of(struct domain *d)
{
	return memory_phys(&d->mem, memory_shared_info_pfn(&d->mem) << MEM_PAGE_SHIFT,
			   sizeof(struct shared_info));
}

static bool bit_test_and_set(xen_ulong_t *words, uint32_t bit)
{
	xen_ulong_t m = 1ul << (bit % 64);

	return __atomic_fetch_or(&words[bit / 64], m, __ATOMIC_SEQ_CST) & m;
}

static bool bit_test(const xen_ulong_t *words, uint32_t bit)
{
	return __atomic_load_n(&words[bit / 64], __ATOMIC_SEQ_CST) & (1ul << (bit % 64));
}

/* Xen's 2-level set_pending: pending bit, then (if unmasked) the selector
 * bit and the upcall flag, then wake the vCPU. A vCPU polling in
 * SCHEDOP_poll is woken even for a masked port, as on Xen. */
static void domain_set_pending(struct domain *d, uint32_t port)
{
	struct shared_info *sh = shared_of(d);
	struct vcpu *v = &d->vcpus[d->evtchn[port].vcpu];
	struct vcpu_info *vi = vcpu_info_of(v);

	if (bit_test_and_set(sh->evtchn_pending, port))
		return;
	if (bit_test(sh->evtchn_mask, port)) {
		if (v->blocked && v->poll_deadline_ns)
			vcpu_kick(v);
		return;
	}
	if (!bit_test_and_set(&vi->evtchn_pending_sel, port / 64)) {
		__atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
		vcpu_kick(v);
	}
}

static void set_pending(struct vmhv *hv, uint32_t domid, uint32_t port)
{
	struct evtchn *e = port_of(hv, domid, port);
	uint64_t one = 1;

	if (!e)
		return;
	if (domid == 0) {
		if (e->fd >= 0 && write(e->fd, &one, sizeof(one)) < 0)
			return; /* the counter saturates: the client is behind anyway */
		return;
	}
	domain_set_pending(domain_lookup(hv, domid), port);
}

int evtchn_alloc_unbound(struct vmhv *hv, uint32_t domid, uint32_t remote_dom,
			 uint32_t *port)
{
	struct evtchn *t = table_of(hv, domid);
	int rc;

	if (!t)
		return -ESRCH;
	if (remote_dom != 0 && !domain_lookup(hv, remote_dom))
		return -ESRCH;
	rc = port_alloc(t, port);
	if (rc == 0)
		t[*port].remote_dom = (uint16_t)remote_dom;
	return rc;
}

int evtchn_bind_interdomain(struct vmhv *hv, uint32_t domid, uint32_t remote_dom,
			    uint32_t remote_port, uint32_t *port)
{
	struct evtchn *t = table_of(hv, domid), *r = port_of(hv, remote_dom, remote_port);
	int rc;

	if (!t || !table_of(hv, remote_dom))
		return -ESRCH;
	if (!r || r->state != ECS_UNBOUND || r->remote_dom != domid)
		return -EINVAL;
	rc = port_alloc(t, port);
	if (rc < 0)
		return rc;
	t[*port].state = ECS_INTERDOMAIN;
	t[*port].remote_dom = (uint16_t)remote_dom;
	t[*port].remote_port = remote_port;
	r->state = ECS_INTERDOMAIN;
	r->remote_port = *port;
	/* Xen raises the new port at once so neither side misses an early send. */
	set_pending(hv, domid, *port);
	return 0;
}

int evtchn_bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	int rc;

	if (virq >= VCPU_NR_VIRQS || vcpu >= d->max_vcpus)
		return -EINVAL;
	/* Global VIRQs are bound on vCPU 0 only. */
	if (virq != VIRQ_TIMER && virq != VIRQ_DEBUG && vcpu != 0)
		return -EINVAL;
	if (d->vcpus[vcpu].virq_port[virq])
		return -EEXIST;
	rc = port_alloc(d->evtchn, port);
	if (rc < 0)
		return rc;
	d->evtchn[*port] = (struct evtchn){ .state = ECS_VIRQ, .virq = (uint8_t)virq,
					    .vcpu = vcpu, .fd = -1 };
	d->vcpus[vcpu].virq_port[virq] = *port;
	return 0;
}

int evtchn_bind_ipi(struct domain *d, uint32_t vcpu, uint32_t *port)
{
	int rc;

	if (vcpu >= d->max_vcpus)
		return -ENOENT;
	rc = port_alloc(d->evtchn, port);
	if (rc == 0) {
		d->evtchn[*port].state = ECS_IPI;
		d->evtchn[*port].vcpu = vcpu;
	}
	return rc;
}

int evtchn_bind_vcpu(struct domain *d, uint32_t port, uint32_t vcpu)
{
	struct evtchn *e = port_of(d->hv, d->domid, port);

	if (vcpu >= d->max_vcpus)
		return -ENOENT;
	if (!e || e->state == ECS_FREE)
		return -EINVAL;
	/* Per-vCPU VIRQs and IPIs stay where they were bound. */
	if (e->state == ECS_IPI || (e->state == ECS_VIRQ && e->virq == VIRQ_TIMER))
		return -EINVAL;
	if (e->vcpu != vcpu)
		offer_revoke(d->hv, d->domid, port); /* EVTCHN_DIRECT named the old one */
	e->vcpu = vcpu;
	return 0;
}

/* Close one port of `domid` (its peer, if any, becomes unbound). */
static void port_close(struct vmhv *hv, uint32_t domid, uint32_t port, struct evtchn *e)
{
	struct domain *d = domid ? domain_lookup(hv, domid) : NULL;
	struct evtchn *r;

	if (e->state == ECS_INTERDOMAIN) {
		offer_revoke(hv, domid, port);
		offer_revoke(hv, e->remote_dom, e->remote_port);
		r = port_of(hv, e->remote_dom, e->remote_port);
		if (r && r->state == ECS_INTERDOMAIN && r->remote_dom == domid) {
			r->state = ECS_UNBOUND;
			r->remote_port = 0;
		}
	}
	if (e->state == ECS_VIRQ && d && d->vcpus[e->vcpu].virq_port[e->virq] == port)
		d->vcpus[e->vcpu].virq_port[e->virq] = 0;
	if (e->state == ECS_VIRQ && domid == 0 && hv->dom0_virq[e->virq % 32])
		hv->dom0_virq[e->virq % 32]--;
	port_free(e);
}

int evtchn_close(struct vmhv *hv, uint32_t domid, uint32_t port)
{
	struct evtchn *e = port_of(hv, domid, port);

	if (!e || e->state == ECS_FREE)
		return -EINVAL;
	port_close(hv, domid, port, e);
	return 0;
}

int evtchn_send(struct vmhv *hv, uint32_t domid, uint32_t port)
{
	struct evtchn *e = port_of(hv, domid, port);

	if (!e || e->state == ECS_FREE)
		return -EINVAL;
	if (e->state == ECS_INTERDOMAIN)
		set_pending(hv, e->remote_dom, e->remote_port);
	else if (e->state == ECS_IPI)
		set_pending(hv, domid, port);
	else if (e->state == ECS_VIRQ)
		return -EINVAL;
	return 0; /* unbound: dropped, as on Xen */
}

int evtchn_status_get(struct domain *d, struct evtchn_status *st)
{
	static const uint32_t stat[] = {
		[ECS_FREE] = EVTCHNSTAT_closed, [ECS_UNBOUND] = EVTCHNSTAT_unbound,
		[ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain, [ECS_VIRQ] = EVTCHNSTAT_virq,
		[ECS_IPI] = EVTCHNSTAT_ipi,
	};
	struct evtchn *e;

	if (st->dom != DOMID_SELF && st->dom != d->domid)
		return -EPERM;
	e = port_of(d->hv, d->domid, st->port);
	if (!e)
		return -EINVAL;
	memset(&st->u, 0, sizeof(st->u));
	st->status = stat[e->state];
	st->vcpu = e->vcpu;
	if (e->state == ECS_UNBOUND)
		st->u.unbound.dom = e->remote_dom;
	else if (e->state == ECS_INTERDOMAIN) {
		st->u.interdomain.dom = e->remote_dom;
		st->u.interdomain.port = e->remote_port;
	} else if (e->state == ECS_VIRQ)
		st->u.virq = e->virq;
	return 0;
}

int evtchn_unmask(struct domain *d, uint32_t port)
{
	struct shared_info *sh = shared_of(d);
	struct vcpu *v;
	struct vcpu_info *vi;

	if (port == 0 || port >= EVTCHN_NR_PORTS)
		return -EINVAL;
	v = &d->vcpus[d->evtchn[port].vcpu];
	vi = vcpu_info_of(v);
	__atomic_fetch_and(&sh->evtchn_mask[port / 64], ~(1ul << (port % 64)), __ATOMIC_SEQ_CST);
	if (bit_test(sh->evtchn_pending, port) &&
	    !bit_test_and_set(&vi->evtchn_pending_sel, port / 64)) {
		__atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
		vcpu_kick(v);
	}
	return 0;
}

void evtchn_send_virq(struct domain *d, uint32_t vcpu, uint32_t virq)
{
	uint32_t port;

	if (vcpu >= d->max_vcpus || virq >= VCPU_NR_VIRQS)
		return;
	port = d->vcpus[vcpu].virq_port[virq];
	if (port)
		domain_set_pending(d, port);
}

int evtchn_dom0_attach(struct vmhv *hv, uint32_t port, int fd, void *owner)
{
	struct evtchn *e = port_of(hv, 0, port);

	if (!e || e->state == ECS_FREE)
		return -EINVAL;
	if (e->state == ECS_INTERDOMAIN)
		offer_revoke(hv, e->remote_dom, e->remote_port); /* a new eventfd */
	e->fd = fd;
	e->owner = owner;
	return 0;
}

void evtchn_dom0_release(struct vmhv *hv, void *owner)
{
	for (uint32_t p = 1; p < EVTCHN_NR_PORTS; p++)
		if (hv->dom0_evtchn[p].state != ECS_FREE && hv->dom0_evtchn[p].owner == owner)
			evtchn_close(hv, 0, p);
}

int evtchn_dom0_owned(struct vmhv *hv, uint32_t port, void *owner)
{
	struct evtchn *e = port_of(hv, 0, port);

	return e && e->state != ECS_FREE && e->owner == owner;
}

/* Dom0's global VIRQs: every privcmd client may bind its own port (they
 * are separate processes, where Xen's dom0 has one kernel to share it). */
static bool dom0_virq_bound(struct vmhv *hv, uint32_t virq, void *owner)
{
	for (uint32_t p = 1; p < EVTCHN_NR_PORTS && hv->dom0_virq[virq]; p++) {
		struct evtchn *e = &hv->dom0_evtchn[p];

		if (e->state == ECS_VIRQ && e->virq == virq && e->owner == owner)
			return true;
	}
	return false;
}

int evtchn_dom0_bind_virq(struct vmhv *hv, uint32_t virq, void *owner, uint32_t *port)
{
	int rc;

	if (virq >= 32)
		return -EINVAL;
	if (dom0_virq_bound(hv, virq, owner))
		return -EEXIST;
	rc = port_alloc(hv->dom0_evtchn, port);
	if (rc < 0)
		return rc;
	hv->dom0_evtchn[*port].state = ECS_VIRQ;
	hv->dom0_evtchn[*port].virq = (uint8_t)virq;
	hv->dom0_evtchn[*port].owner = owner;
	hv->dom0_virq[virq]++;
	return 0;
}

void evtchn_dom0_send_virq(struct vmhv *hv, uint32_t virq)
{
	uint32_t left;

	if (virq >= 32 || !hv->dom0_virq[virq])
		return;
	left = hv->dom0_virq[virq];
	for (uint32_t p = 1; p < EVTCHN_NR_PORTS && left; p++) {
		struct evtchn *e = &hv->dom0_evtchn[p];

		if (e->state == ECS_VIRQ && e->virq == virq) {
			set_pending(hv, 0, p);
			left--;
		}
	}
}

void evtchn_offers_revoke(struct domain *d)
{
	if (!d->evtchn)
		return;
	if (++d->evtchn[0].offered == 0)
		d->evtchn[0].offered = 1;
	offer_publish(d);
}

_Static_assert(PV_SLEEP_BLOCK == PRIVCMD_DIRECT_SLEEP_BLOCK, "the sleeping word dom0 reads");
_Static_assert(PV_SLEEP_POLL == PRIVCMD_DIRECT_SLEEP_POLL, "the sleeping word dom0 reads");

/* The guest port at the other end of dom0 port `port`, owned by `owner`,
 * and its domain, if that is a running pv domain. */
static int direct_peer(struct vmhv *hv, uint32_t port, void *owner, struct domain **dp,
		       uint32_t *gport)
{
	struct evtchn *e = port_of(hv, 0, port), *g;
	struct domain *d;
	struct pv_domain *pv;

	if (!e || e->state == ECS_FREE || e->owner != owner)
		return -EBADF;
	if (e->state != ECS_INTERDOMAIN)
		return -EINVAL;
	d = domain_lookup(hv, e->remote_dom);
	g = port_of(hv, e->remote_dom, e->remote_port);
	if (!d || !g || g->state != ECS_INTERDOMAIN || g->remote_dom != 0 || g->remote_port != port)
		return -EINVAL;
	pv = d->engine == &pv_engine_ops ? d->engine_priv : NULL;
	if (!pv || !pv->mb || g->vcpu >= d->max_vcpus)
		return -EOPNOTSUPP;
	*dp = d;
	*gport = e->remote_port;
	return 0;
}

int evtchn_direct_get(struct vmhv *hv, uint32_t port, void *owner,
		      struct privcmd_evtchn_direct *out)
{
	struct domain *d;
	struct vcpu *v;
	uint64_t mb;
	uint32_t gp;
	int rc = direct_peer(hv, port, owner, &d, &gp);

	if (rc < 0)
		return rc;
	v = &d->vcpus[d->evtchn[gp].vcpu];
	mb = (memory_mailbox_pfn(&d->mem) << MEM_PAGE_SHIFT) + v->id * sizeof(struct pv_mailbox);
	*out = (struct privcmd_evtchn_direct){
		.port = gp,
		.gen = d->evtchn[0].offered,
		.shared_info = memory_shared_info_pfn(&d->mem) << MEM_PAGE_SHIFT,
		.vcpu_info = (uint64_t)((uint8_t *)vcpu_info_of(v) - d->mem.base),
		.sleeping = mb + offsetof(struct pv_mailbox, sleeping),
		.wake = mb + offsetof(struct pv_mailbox, wake_seq),
		.gen_word = (memory_mailbox_pfn(&d->mem) << MEM_PAGE_SHIFT) +
			    offsetof(struct pv_mailbox, evtchn_gen),
	};
	/* A close or a move of the port (or of the vCPU's vcpu_info) voids it. */
	evtchn_offer_made(d, gp);
	return 0;
}

int evtchn_direct_kick(struct vmhv *hv, uint32_t port, void *owner)
{
	struct domain *d;
	struct vcpu *v;
	uint32_t gp;
	int rc = direct_peer(hv, port, owner, &d, &gp);

	if (rc < 0)
		return rc;
	v = &d->vcpus[d->evtchn[gp].vcpu];
	if (vcpu_event_pending(v))
		vcpu_kick(v);
	return 0;
}
