/* 2-level event channels with Xen's semantics (EVTCHN_2L_NR_CHANNELS ports
 * per domain, pending/mask bits and selector words in shared_info).
 *
 * A domain's port table lives in vmhv; the bits live in the guest's
 * shared_info, which both sides write (vmhv with atomic operations). Dom0 is
 * not a vmhv domain: its ports belong to privcmd clients and are signalled
 * through eventfds (evtchn_dom0_*). Every function takes ports and domids
 * from untrusted callers and checks them. Errors are negative Xen errnos.
 */
#ifndef VMHV_EVTCHN_H
#define VMHV_EVTCHN_H

#include <stdint.h>

#define EVTCHN_NR_PORTS 4096

struct vmhv;
struct domain;
struct evtchn_status;

enum evtchn_state {
	ECS_FREE, ECS_UNBOUND, ECS_INTERDOMAIN, ECS_VIRQ, ECS_IPI,
};

struct evtchn {
	uint8_t state;          /* enum evtchn_state */
	uint8_t virq;
	uint16_t remote_dom;    /* UNBOUND: who may bind; INTERDOMAIN: peer */
	uint32_t remote_port;
	uint32_t vcpu;          /* notified vCPU */
	int fd;                 /* dom0 ports: the eventfd signalled on send */
	void *owner;            /* dom0 ports: the privcmd client */
	/* Domain ports: the generation in which the peer's eventfd was
	 * handed to the domain's sandbox (evtchn_offer_*). Port 0 is never
	 * bound: its entry holds the table's current generation. */
	uint32_t offered;
};

/* Per-domain table (and dom0's in struct vmhv). */
int evtchn_table_init(struct evtchn **table);
/* Close every port (peers become unbound) and free the table. */
void evtchn_table_dispose(struct vmhv *hv, uint32_t domid, struct evtchn **table);

int evtchn_alloc_unbound(struct vmhv *hv, uint32_t domid, uint32_t remote_dom,
			 uint32_t *port);
int evtchn_bind_interdomain(struct vmhv *hv, uint32_t domid, uint32_t remote_dom,
			    uint32_t remote_port, uint32_t *port);
int evtchn_bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu, uint32_t *port);
int evtchn_bind_ipi(struct domain *d, uint32_t vcpu, uint32_t *port);
int evtchn_bind_vcpu(struct domain *d, uint32_t port, uint32_t vcpu);
int evtchn_close(struct vmhv *hv, uint32_t domid, uint32_t port);
int evtchn_send(struct vmhv *hv, uint32_t domid, uint32_t port);
int evtchn_status_get(struct domain *d, struct evtchn_status *st);
int evtchn_unmask(struct domain *d, uint32_t port);

/* Raise a VIRQ on a vCPU (or vCPU 0 for global ones) if it is bound. */
void evtchn_send_virq(struct domain *d, uint32_t vcpu, uint32_t virq);

/* Dom0: a port whose sends write `fd` (an eventfd, taken over). */
int evtchn_dom0_attach(struct vmhv *hv, uint32_t port, int fd, void *owner);
/* Close every dom0 port a client owns (it disconnected). */
void evtchn_dom0_release(struct vmhv *hv, void *owner);
/* Dom0's global VIRQs (VIRQ_DOM_EXC: a domain shut down or died;
 * VIRQ_CON_RING: vmhv's console has new text). Each privcmd client (`owner`)
 * may bind each once; a send raises every binding. */
int evtchn_dom0_bind_virq(struct vmhv *hv, uint32_t virq, void *owner, uint32_t *port);
void evtchn_dom0_send_virq(struct vmhv *hv, uint32_t virq);

/* Sends served by the pv sandbox itself: the eventfd that a send on
 * domain port `port` writes (its peer is a dom0 port with one), or -1 if
 * there is none or it was handed over in this generation already; `gen`
 * is the generation to hand it over in. evtchn_offer_made() records the
 * hand-over. Closing either end of a port handed over starts a new
 * generation (published in the pv sandbox's mailbox): the sandbox drops
 * every eventfd of an older one. */
int evtchn_offer_fd(struct domain *d, uint32_t port, uint32_t *gen);
void evtchn_offer_made(struct domain *d, uint32_t port);

/* Is `port` a dom0 port owned by `owner`? */
int evtchn_dom0_owned(struct vmhv *hv, uint32_t port, void *owner);

/* Dom0 raises its peer's port itself (vmctl/privcmd.h, EVTCHN_DIRECT):
 * where the bits and the sleeping vCPU's words are for dom0 port `port`
 * of client `owner`, valid while the domain's offer generation stays
 * (every close, rebind or vcpu_info move bumps it); and the kick for an
 * upcall dom0 made pending on a running vCPU. -EOPNOTSUPP: not pv. */
struct privcmd_evtchn_direct;
int evtchn_direct_get(struct vmhv *hv, uint32_t port, void *owner,
		      struct privcmd_evtchn_direct *out);
int evtchn_direct_kick(struct vmhv *hv, uint32_t port, void *owner);
/* Void every offer of the domain (its vcpu_info moved). */
void evtchn_offers_revoke(struct domain *d);

#endif
