/* A backend raises its frontend's event channel itself: it sets the
 * port's bits in the guest's shared_info (mapped in xld, gmem) and wakes
 * the vCPU's sandbox thread with a futex if it sleeps in SCHEDOP_block,
 * instead of a privcmd round trip to vmhv that then wakes the vCPU
 * (EVTCHN_DIRECT in vmctl/privcmd.h says how). Where that cannot be done
 * (not a pv domain, a masked port, vmhv voided the addresses, a running
 * vCPU) it falls back to vmhv: EVTCHN_NOTIFY or EVTCHN_KICK. One thread
 * at a time per struct (the connection `hv` serves one thread). */
#ifndef VMCTL_XLD_DEV_EVTCHN_DIRECT_H
#define VMCTL_XLD_DEV_EVTCHN_DIRECT_H

#include "vmctl/privcmd.h"

#include <stdbool.h>
#include <stdint.h>

struct gmem;
struct hv;

struct evtchn_direct {
	const struct gmem *mem;
	struct hv *hv;            /* the connection that owns `port` */
	uint32_t port;            /* the dom0 port */
	bool valid;               /* `info` came from vmhv and passed the checks */
	bool off;                 /* not a pv domain, or disabled: always EVTCHN_NOTIFY */
	struct privcmd_evtchn_direct info;
	/* Sends by way: futex wakes, bits only (already pending, or an upcall
	 * already due), EVTCHN_KICK, EVTCHN_NOTIFY, bits only for a vCPU that
	 * halt-polls (PRIVCMD_DIRECT_SLEEP_POLL). */
	uint64_t woken, quiet, kicks, notifies, polled;
};

/* VMCTL_EVTCHN_DIRECT=0 in xld's environment turns the direct way off
 * (every send is an EVTCHN_NOTIFY: for A/B measurements). */
void evtchn_direct_init(struct evtchn_direct *e, const struct gmem *mem, struct hv *hv,
			uint32_t port);
/* Raise the frontend's port: 0 if its vCPU halt-polls (it sees the bits
 * at once), 1 if it was woken or interrupted (a futex wake, EVTCHN_KICK,
 * EVTCHN_NOTIFY) or already had an upcall due, or -errno (of the privcmd
 * call). */
int evtchn_direct_send(struct evtchn_direct *e);

#endif
