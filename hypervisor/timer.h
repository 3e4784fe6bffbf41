/* Guest timers: set_timer_op and VCPUOP singleshot/periodic timers, each
 * raising VIRQ_TIMER on its vCPU. Deadlines are guest system time (ns of
 * CLOCK_MONOTONIC, the same clock pvclock gives the guest), kept to the
 * nanosecond by timerfds (hrtimer.h). */
#ifndef VMHV_TIMER_H
#define VMHV_TIMER_H

#include <stdint.h>

struct vcpu;

/* One shot at absolute system time `deadline_ns` (0 = cancel). A deadline
 * in the past fires at once. */
void timer_singleshot_set(struct vcpu *v, uint64_t deadline_ns);
/* Every `period_ns` from now (0 = stop). As on Xen, periods under 50 us
 * are refused with -EINVAL. */
int timer_periodic_set(struct vcpu *v, uint64_t period_ns);
/* SCHEDOP_poll's timeout: wake the blocked vCPU at `deadline_ns`. */
void timer_poll_set(struct vcpu *v, uint64_t deadline_ns);

/* Guest system time now. */
uint64_t timer_system_time(void);

#endif
