/* Time: the pvclock in vcpu_time_info (system time in ns since the domain
 * started), the wall clock in shared_info, and one-shot software timers
 * driven by set_timer_op and VIRQ_TIMER. */
#ifndef GUEST_CLOCK_H
#define GUEST_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;

#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL

struct timer {
	uint64_t deadline;		/* system time, ns */
	void (*fn)(struct kernel *k, void *arg);
	void *arg;
	struct timer *next;
	bool armed;
};

struct clock {
	struct timer *list;		/* armed timers, earliest first */
	uint64_t fired;			/* timer events received */
	uint64_t programmed;		/* deadline last given to Xen (0: none) */
};

/* Bind VIRQ_TIMER of the current vCPU. */
int time_init(struct kernel *k);

/* System time of the current vCPU's pvclock, in ns. */
uint64_t time_now(struct kernel *k);

/* Wall clock: seconds (and ns) since the epoch. */
uint64_t time_wall(struct kernel *k, uint32_t *nsec);

/* Arm t to run fn(k, arg) at `deadline` from the main loop (re-arming an
 * armed timer moves it); cancel is a no-op for an idle timer. */
void timer_arm(struct kernel *k, struct timer *t, uint64_t deadline);
void timer_cancel(struct kernel *k, struct timer *t);

/* Make sure Xen wakes this vCPU no later than `deadline` (or the earliest
 * armed timer, whichever comes first). */
void time_program(struct kernel *k, uint64_t deadline);

/* Run the timers that are due; true if any ran. */
bool time_poll(struct kernel *k);

#endif
