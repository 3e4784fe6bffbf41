/* vmhv: the hypervisor core's context. One struct vmhv per process, created
 * in main() and passed first to everything; it owns every domain. */
#ifndef VMHV_VMHV_H
#define VMHV_VMHV_H

#include "hypervisor/dmesg.h"
#include "hypervisor/pvclock.h"
#include "hypervisor/engines/pv/pv_seccomp.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct evloop;
struct domain;
struct privcmd_server;
struct evtchn;
struct ev_timer;
struct reaper;
struct gnt_handle;

struct vmhv_config {
	const char *rundir;
	const char *loader;      /* the pv engine's sandbox program */
	gid_t allow_gid;         /* privcmd clients in this group may connect */
	bool have_allow_gid;
	uid_t guest_uid;         /* the unprivileged uid guest processes run as */
	gid_t guest_gid;
	char cmdline[256];       /* for XENVER_commandline / `xl info` */
	uint32_t spin;           /* pause iterations a channel end may spin (0 = never) */
};

struct vmhv {
	struct vmhv_config cfg;
	struct evloop *loop;
	struct privcmd_server *privcmd;
	struct dmesg dmesg;
	struct domain **domains;  /* indexed by domid, PRIVCMD_MAX_DOMID + 1 */
	uint32_t next_domid;      /* domids are handed out increasing, as Xen does */
	unsigned nr_domains;
	uint64_t start_ns;
	struct evtchn *dom0_evtchn;   /* dom0's ports, owned by privcmd clients */
	uint32_t dom0_virq[32];       /* how many dom0 ports each VIRQ has */
	struct pvclock clock;
	struct ev_timer *clock_timer; /* refreshes every domain's pvclock */
	struct reaper *reapers;       /* killed guest processes not yet reaped */
	struct pv_seccomp pv_filter;  /* the pv sandbox's seccomp program */
	struct gnt_handle *gnt_handles; /* dom0's grant mappings (gnttab.c) */
	uint32_t nr_gnt_handles;
};

/* Set up the context and start serving $rundir/privcmd. 0 or -errno. */
int vmhv_init(struct vmhv *hv, const struct vmhv_config *cfg);

/* Destroy every domain, remove the socket, free everything. Idempotent. */
void vmhv_dispose(struct vmhv *hv);

#endif
