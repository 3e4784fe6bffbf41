/* The toolstack's requests: control/shutdown (poweroff, reboot, suspend),
 * acknowledged by writing the node back to "" as xl expects; and the
 * suspend event channel (device/suspend/event-channel, as libxl knows it):
 * a notification on it asks for a suspend without the xenstore round
 * trips, which is most of a migration's downtime. */
#ifndef GUEST_CONTROL_H
#define GUEST_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include "xenbus.h"

struct kernel;

struct control {
	struct xenbus_watch watch;
	uint64_t suspends;		/* completed suspend/resume cycles */
	uint64_t cancelled;		/* suspends the toolstack cancelled */
	void (*on_resume)(struct kernel *k, void *arg);
	void *on_resume_arg;
	evtchn_port_t suspend_port;	/* for dom0 to notify; 0: none */
	bool suspend_asked;		/* notified: suspend from the main loop */
};

/* Advertise feature-poweroff/reboot/suspend and watch control/shutdown. */
int control_init(struct kernel *k);

/* Act on a notified suspend request; true if it did. (Main loop.) */
bool control_poll(struct kernel *k);

/* Suspend now (as for "suspend"): quiesce, SHUTDOWN_suspend, resume.
 * Returns 0 after a resume in a new domain, 1 if cancelled. */
int control_suspend(struct kernel *k);

/* Leave cleanly: close frontends, then SHUTDOWN_poweroff/_reboot. */
__attribute__((noreturn)) void control_halt(struct kernel *k,
					    unsigned int reason);

#endif
