/*
 * Event channels: HYPERVISOR_event_channel_op(cmd, arg) with cmd one of
 * EVTCHNOP_* and arg the matching struct below.  Fields marked OUT are
 * written by the hypervisor.  vmctl implements the 2-level ABI: pending and
 * mask bitmaps in shared_info, 4096 ports, port 0 never allocated.
 */
#ifndef VMCTL_XEN_EVENT_CHANNEL_H
#define VMCTL_XEN_EVENT_CHANNEL_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/xen.h>

#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1
#define EVTCHNOP_bind_pirq         2
#define EVTCHNOP_close             3
#define EVTCHNOP_send              4
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6
#define EVTCHNOP_bind_ipi          7
#define EVTCHNOP_bind_vcpu         8
#define EVTCHNOP_unmask            9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11	/* FIFO ABI */
#define EVTCHNOP_expand_array     12	/* FIFO ABI */
#define EVTCHNOP_set_priority     13	/* FIFO ABI */

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/* Ports of the 2-level ABI (bits in shared_info.evtchn_pending): 4096. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/* Open a port that `remote_dom` may later bind to. */
struct evtchn_alloc_unbound {
	domid_t dom, remote_dom;
	evtchn_port_t port;		/* OUT */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;
XEN_ABI_SIZE(struct evtchn_alloc_unbound, 8);
XEN_ABI_OFFSET(struct evtchn_alloc_unbound, dom, 0);
XEN_ABI_OFFSET(struct evtchn_alloc_unbound, remote_dom, 2);
XEN_ABI_OFFSET(struct evtchn_alloc_unbound, port, 4);

/* Connect to a remote domain's unbound port. */
struct evtchn_bind_interdomain {
	domid_t remote_dom;
	evtchn_port_t remote_port;
	evtchn_port_t local_port;	/* OUT */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;
XEN_ABI_SIZE(struct evtchn_bind_interdomain, 12);
XEN_ABI_OFFSET(struct evtchn_bind_interdomain, remote_dom, 0);
XEN_ABI_OFFSET(struct evtchn_bind_interdomain, remote_port, 4);
XEN_ABI_OFFSET(struct evtchn_bind_interdomain, local_port, 8);

/* Deliver VIRQ_* `virq` for `vcpu` on a new port. */
struct evtchn_bind_virq {
	uint32_t virq;
	uint32_t vcpu;
	evtchn_port_t port;		/* OUT */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;
XEN_ABI_SIZE(struct evtchn_bind_virq, 12);
XEN_ABI_OFFSET(struct evtchn_bind_virq, virq, 0);
XEN_ABI_OFFSET(struct evtchn_bind_virq, vcpu, 4);
XEN_ABI_OFFSET(struct evtchn_bind_virq, port, 8);

/* Deliver a physical IRQ on a new port (dom0 / passthrough). */
#define BIND_PIRQ__WILL_SHARE 1
struct evtchn_bind_pirq {
	uint32_t pirq;
	uint32_t flags;			/* BIND_PIRQ__* */
	evtchn_port_t port;		/* OUT */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;
XEN_ABI_SIZE(struct evtchn_bind_pirq, 12);
XEN_ABI_OFFSET(struct evtchn_bind_pirq, pirq, 0);
XEN_ABI_OFFSET(struct evtchn_bind_pirq, flags, 4);
XEN_ABI_OFFSET(struct evtchn_bind_pirq, port, 8);

/* A port for inter-processor events to `vcpu` of the caller. */
struct evtchn_bind_ipi {
	uint32_t vcpu;
	evtchn_port_t port;		/* OUT */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;
XEN_ABI_SIZE(struct evtchn_bind_ipi, 8);
XEN_ABI_OFFSET(struct evtchn_bind_ipi, vcpu, 0);
XEN_ABI_OFFSET(struct evtchn_bind_ipi, port, 4);

/* Close a port (the remote end becomes unbound). */
struct evtchn_close {
	evtchn_port_t port;
};
typedef struct evtchn_close evtchn_close_t;
XEN_ABI_SIZE(struct evtchn_close, 4);
XEN_ABI_OFFSET(struct evtchn_close, port, 0);

/* Raise the event on the other end of a port. */
struct evtchn_send {
	evtchn_port_t port;
};
typedef struct evtchn_send evtchn_send_t;
XEN_ABI_SIZE(struct evtchn_send, 4);
XEN_ABI_OFFSET(struct evtchn_send, port, 0);

/* What a port of `dom` is bound to. */
#define EVTCHNSTAT_closed      0	/* free */
#define EVTCHNSTAT_unbound     1	/* waiting for a remote domain */
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq        3
#define EVTCHNSTAT_virq        4
#define EVTCHNSTAT_ipi         5

struct evtchn_status {
	domid_t dom;
	evtchn_port_t port;
	uint32_t status;		/* OUT: EVTCHNSTAT_* */
	uint32_t vcpu;			/* OUT: vCPU notified */
	union {
		struct {
			domid_t dom;
		} unbound;
		struct {
			domid_t dom;
			evtchn_port_t port;
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;				/* OUT */
};
typedef struct evtchn_status evtchn_status_t;
XEN_ABI_SIZE(struct evtchn_status, 24);
XEN_ABI_OFFSET(struct evtchn_status, dom, 0);
XEN_ABI_OFFSET(struct evtchn_status, port, 4);
XEN_ABI_OFFSET(struct evtchn_status, status, 8);
XEN_ABI_OFFSET(struct evtchn_status, vcpu, 12);
XEN_ABI_OFFSET(struct evtchn_status, u, 16);
XEN_ABI_OFFSET(struct evtchn_status, u.interdomain.port, 20);

/* Move notification of a port to another vCPU. */
struct evtchn_bind_vcpu {
	evtchn_port_t port;
	uint32_t vcpu;
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;
XEN_ABI_SIZE(struct evtchn_bind_vcpu, 8);
XEN_ABI_OFFSET(struct evtchn_bind_vcpu, port, 0);
XEN_ABI_OFFSET(struct evtchn_bind_vcpu, vcpu, 4);

/* Clear the mask bit, re-raising the upcall if the port is pending. */
struct evtchn_unmask {
	evtchn_port_t port;
};
typedef struct evtchn_unmask evtchn_unmask_t;
XEN_ABI_SIZE(struct evtchn_unmask, 4);
XEN_ABI_OFFSET(struct evtchn_unmask, port, 0);

/* Close every port of a domain. */
struct evtchn_reset {
	domid_t dom;
};
typedef struct evtchn_reset evtchn_reset_t;
XEN_ABI_SIZE(struct evtchn_reset, 2);
XEN_ABI_OFFSET(struct evtchn_reset, dom, 0);

/* FIFO ABI: register a vCPU's control block (vmctl answers -ENOSYS). */
struct evtchn_init_control {
	uint64_t control_gfn;
	uint32_t offset;
	uint32_t vcpu;
	uint8_t link_bits;		/* OUT */
	uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;
XEN_ABI_SIZE(struct evtchn_init_control, 24);
XEN_ABI_OFFSET(struct evtchn_init_control, control_gfn, 0);
XEN_ABI_OFFSET(struct evtchn_init_control, offset, 8);
XEN_ABI_OFFSET(struct evtchn_init_control, vcpu, 12);
XEN_ABI_OFFSET(struct evtchn_init_control, link_bits, 16);

/* FIFO ABI: add a page of event words. */
struct evtchn_expand_array {
	uint64_t array_gfn;
};
typedef struct evtchn_expand_array evtchn_expand_array_t;
XEN_ABI_SIZE(struct evtchn_expand_array, 8);
XEN_ABI_OFFSET(struct evtchn_expand_array, array_gfn, 0);

/* FIFO ABI: set a port's priority. */
struct evtchn_set_priority {
	evtchn_port_t port;
	uint32_t priority;
};
typedef struct evtchn_set_priority evtchn_set_priority_t;
XEN_ABI_SIZE(struct evtchn_set_priority, 8);
XEN_ABI_OFFSET(struct evtchn_set_priority, port, 0);
XEN_ABI_OFFSET(struct evtchn_set_priority, priority, 4);

/* Argument of the old event_channel_op_compat hypercall (16): cmd + arg. */
struct evtchn_op {
	uint32_t cmd;			/* EVTCHNOP_* */
	union {
		evtchn_alloc_unbound_t alloc_unbound;
		evtchn_bind_interdomain_t bind_interdomain;
		evtchn_bind_virq_t bind_virq;
		evtchn_bind_pirq_t bind_pirq;
		evtchn_bind_ipi_t bind_ipi;
		evtchn_close_t close;
		evtchn_send_t send;
		evtchn_status_t status;
		evtchn_bind_vcpu_t bind_vcpu;
		evtchn_unmask_t unmask;
	} u;
};
typedef struct evtchn_op evtchn_op_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_op_t);
XEN_ABI_SIZE(struct evtchn_op, 28);
XEN_ABI_OFFSET(struct evtchn_op, cmd, 0);
XEN_ABI_OFFSET(struct evtchn_op, u, 4);

#endif
