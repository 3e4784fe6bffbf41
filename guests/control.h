/* The toolstack's requests: control/shutdown (poweroff, reboot, suspend),
 * acknowledged by writing the node back to "" as xl expects. */
#ifndef GUEST_CONTROL_H
#define GUEST_CONTROL_H

#include <stdint.h>
#include "xenbus.h"

struct kernel;

struct control {
	struct xenbus_watch watch;
	uint64_t suspends;		/* completed suspend/resume cycles */
	uint64_t cancelled;		/* suspends the toolstack cancelled */
	void (*on_resume)(struct kernel *k, void *arg);
	void *on_resume_arg;
};

/* Advertise feature-poweroff/reboot/suspend and watch control/shutdown. */
int control_init(struct kernel *k);

/* Suspend now (as for "suspend"): quiesce, SHUTDOWN_suspend, resume.
 * Returns 0 after a resume in a new domain, 1 if cancelled. */
int control_suspend(struct kernel *k);

/* Leave cleanly: close frontends, then SHUTDOWN_poweroff/_reboot. */
__attribute__((noreturn)) void control_halt(struct kernel *k,
					    unsigned int reason);

#endif
