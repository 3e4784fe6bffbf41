/* Blocking and shutdown.  The kernel has no threads: waiting means blocking
 * the vCPU (SCHEDOP_block) until an event arrives, then checking again. */
#ifndef GUEST_SCHEDOP_H
#define GUEST_SCHEDOP_H

#include <stdbool.h>
#include <stdint.h>
#include "vmctl/xen/event_channel.h"

struct kernel;

/* Block this vCPU until an event handler runs (returns at once if one ran
 * since the last call).  Events are enabled while blocked. */
void sched_idle(struct kernel *k);

/* Wait until cond(arg) is true or `timeout_ns` passed (0 = no limit).
 * Does not run the main loop's work; only event handlers run meanwhile.
 * Returns 0 or -ETIMEDOUT. */
int sched_wait(struct kernel *k, bool (*cond)(struct kernel *k, void *arg),
	       void *arg, uint64_t timeout_ns);

/* Sleep for ns nanoseconds. */
void sched_sleep(struct kernel *k, uint64_t ns);

/* Wait (events masked is fine) until `port` is pending or the system time
 * reaches `deadline`; falls back to yielding where SCHEDOP_poll is absent. */
void sched_poll_port(struct kernel *k, evtchn_port_t port, uint64_t deadline);

/* Leave the domain: SHUTDOWN_poweroff, _reboot or _crash.  Never returns. */
__attribute__((noreturn)) void sched_shutdown(struct kernel *k,
					      unsigned int reason);

#endif
