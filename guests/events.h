/* Event channels (2-level ABI): the upcall handler, per-port handlers,
 * masking, and the local "interrupt flag" (vcpu_info.evtchn_upcall_mask).
 *
 * Handlers run in the upcall with events masked on this vCPU.  They should
 * only note what happened: the upcall marks the CPU for a re-poll, and the
 * main loop (kernel_poll) does the work. */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include "vmctl/xen/event_channel.h"

struct kernel;
struct cpu;

#define EVENTS_MAX_PORTS 1024

typedef void (*evtchn_handler_fn)(struct kernel *k, evtchn_port_t port,
				  void *arg);

struct evtchn_slot {
	evtchn_handler_fn fn;
	void *arg;
	unsigned int vcpu;
	uint64_t count;
};

struct events {
	struct evtchn_slot port[EVENTS_MAX_PORTS];
	uint64_t upcalls;
	uint64_t spurious;
};

/* Register the upcall and failsafe callbacks. */
int events_init(struct kernel *k);

/* Attach fn to an already allocated local port (delivered to vCPU 0) and
 * unmask it. */
int events_bind(struct kernel *k, evtchn_port_t port, evtchn_handler_fn fn,
		void *arg);

/* Allocate ports bound to a VIRQ / an IPI of `vcpu`, attach fn, unmask. */
int events_bind_virq(struct kernel *k, unsigned int virq, unsigned int vcpu,
		     evtchn_handler_fn fn, void *arg, evtchn_port_t *port);
int events_bind_ipi(struct kernel *k, unsigned int vcpu, evtchn_handler_fn fn,
		    void *arg, evtchn_port_t *port);

/* Allocate an unbound port that domain `remote` may connect to. */
int events_alloc_unbound(struct kernel *k, domid_t remote, evtchn_port_t *port);

/* Detach the handler and close the port. */
void events_close(struct kernel *k, evtchn_port_t port);

/* Signal the other end of a port. */
int events_notify(struct kernel *k, evtchn_port_t port);

void events_mask(struct kernel *k, evtchn_port_t port);
void events_unmask(struct kernel *k, evtchn_port_t port);
void events_clear(struct kernel *k, evtchn_port_t port);
bool events_pending(struct kernel *k, evtchn_port_t port);

/* Local event delivery, like cli/sti: events_save() masks and returns the
 * previous state; events_restore() puts it back and, when that unmasks,
 * runs anything that became pending meanwhile. */
unsigned long events_save(struct cpu *cpu);
void events_restore(struct cpu *cpu, unsigned long flags);

/* Forget every binding (the ports do not survive save/restore). */
void events_reset(struct kernel *k);

/* Called from boot.S on an upcall. */
void events_upcall(void);

#endif
