/* vCPUs as the core sees them: online state, blocking, timers, VIRQ
 * bindings. Engines run them; the core decides when they must wake. */
#ifndef VMHV_VCPU_H
#define VMHV_VCPU_H

#include "hypervisor/hrtimer.h"

#include <stdbool.h>
#include <stdint.h>

#define VCPU_NR_VIRQS 24

struct domain;
struct ev_timer;
struct vcpu_info;

struct vcpu {
	struct domain *d;
	uint32_t id;
	bool online;
	bool initialised;          /* VCPUOP_initialise gave it a context */
	bool parked;               /* in VCPUOP_down: its call is answered by up */
	bool blocked;              /* in SCHEDOP_block/poll, answered on an event */
	uint64_t vcpu_info_paddr;  /* its struct vcpu_info in the domain's memory */
	struct hrtimer singleshot;
	struct hrtimer periodic;
	struct hrtimer poll_timer;
	uint64_t periodic_ns;
	uint64_t poll_deadline_ns; /* SCHEDOP_poll timeout, 0 = none */
	uint32_t virq_port[VCPU_NR_VIRQS];
};

/* The vCPU's vcpu_info in vmhv's mapping (always valid memory). */
struct vcpu_info *vcpu_info_of(struct vcpu *v);

/* An event is pending and deliverable (upcall pending, not masked). */
bool vcpu_event_pending(struct vcpu *v);

/* Something happened for this vCPU: end its block (answering the blocked
 * hypercall with 0) or interrupt it so it takes the upcall. */
void vcpu_kick(struct vcpu *v);

/* Block the calling vCPU (its hypercall gets no reply yet), unless an event
 * is already pending: then return 0 at once. */
int64_t vcpu_block(struct vcpu *v);

/* Set up the vCPU's timers (timer.c; no fds until first armed). */
void vcpu_timers_init(struct vcpu *v);
/* Stop the vCPU's timers and release them (shutdown, destroy). */
void vcpu_timers_stop(struct vcpu *v);

#endif
