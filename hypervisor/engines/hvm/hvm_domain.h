/* The hvm engine's per-domain state in vmhv: the sandbox process, its
 * channels, and the ioreq servers registered for the domain (which may
 * exist before the domain first runs). Private to engines/hvm and
 * privcmd_ioreq.c. */
#ifndef VMHV_HVM_DOMAIN_H
#define VMHV_HVM_DOMAIN_H

#include "hypervisor/engines/engine.h"
#include "hypervisor/engines/hvm/hvm_abi.h"
#include "vmctl/ioreq.h"
#include "vmctl/privcmd.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct domain;
struct ev_watch;
struct hvm_domain;
struct pv_dirty;

extern const struct engine_ops hvm_engine_ops;

struct hvm_chan {
	struct hvm_domain *h;
	int fd;                   /* -1 = closed */
	struct ev_watch *w;
	bool in_call;             /* the vCPU waits for our reply */
	struct hvm_hcall_req req; /* the call being served (its paging state) */
};

struct hvm_range {
	uint32_t type;            /* PRIVCMD_IOREQ_RANGE_* */
	uint64_t start, end;
};

struct hvm_server {
	bool used;
	bool enabled;
	uint32_t flags;           /* PRIVCMD_IOREQ_* */
	void *owner;              /* the privcmd connection */
	int memfd;
	int evfd[PRIVCMD_MAX_VCPUS]; /* per vCPU: "a request is posted" */
	int buf_evfd;
	uint32_t nr_ranges;
	struct hvm_range ranges[PRIVCMD_IOREQ_MAX_RANGES];
};

struct hvm_domain {
	struct domain *d;
	pid_t pid;
	int pidfd;
	struct ev_watch *pid_w;
	clockid_t cpu_clock;
	uint64_t cpu_ns;          /* last sample; final once stopped */
	int ctl_fd;
	struct ev_watch *ctl_w;
	struct hvm_chan chan[PRIVCMD_MAX_VCPUS];
	struct hvm_chan *serving; /* the call hypercall_dispatch runs, for guest_ptr */
	struct hvm_server servers[PRIVCMD_IOREQ_MAX_SERVERS];
	uint64_t map[HVM_XEN_FRAMES];   /* guest frame of each hypervisor frame */
	bool saving;              /* HVM_CONTEXT_GET waits for the sandbox */
	void *context;            /* HVM_CONTEXT_SET's blob until the start */
	size_t context_len;
	struct pv_dirty *dirty;   /* the dirty log while enabled (hvm_dirty.c) */
	struct hvm_vram *vram;    /* the device model's VRAM (hvm_vram.c) */
	uint64_t absent;          /* vCPUs not present for the guest (hvm_vcpus.c) */
	uint64_t held;            /* vCPUs held by another's VCPUOP_down (hvm_vcpus.c) */
};

/* The domain's hvm state, allocated on first use (NULL: no memory). */
struct hvm_domain *hvm_domain_get(struct domain *d);

/* hvm_channel.c: the sandbox's control channel and vCPU channels. */
int hvm_channels_open(struct hvm_domain *h, int *ctl_child, int child[PRIVCMD_MAX_VCPUS]);
int hvm_channels_watch(struct hvm_domain *h);
void hvm_channels_close(struct hvm_domain *h);
void hvm_channel_reply(struct hvm_domain *h, uint32_t vcpu, int64_t ret);
/* Send a control message (with fds, n_fds may be 0). 0 or -errno; nothing
 * is sent while no sandbox runs (it gets the state at start instead). */
int hvm_ctl_send(struct hvm_domain *h, const struct hvm_ctl *m, const int *fds, int n_fds);
/* Read and act on one packet of the control channel (a note), as the
 * event loop would (hvm_context.c waits for its answer this way). */
void hvm_ctl_note(struct hvm_domain *h);
/* Handle the notes (log lines) already sent on the control channel. */
void hvm_ctl_drain(struct hvm_domain *h);
/* Serve one hypercall packet of vCPU `vcpu`'s channel, as the event loop
 * would: a vCPU waiting for vmhv's answer must get it to freeze. */
void hvm_vcpu_serve(struct hvm_domain *h, uint32_t vcpu);

/* hvm_aspace.c: guest virtual -> vmhv pointer under the serving vCPU's
 * paging (engine_ops.guest_ptr), and guest physical -> vmhv pointer. */
void *hvm_aspace_guest_ptr(struct domain *d, uint64_t va, size_t len);
void *hvm_gpa_ptr(struct domain *d, uint64_t gpa, size_t len);

/* hvm_physmap.c: the guest frames of vmhv's pages (shared_info, grant
 * frames, the xenstore and console rings), XENMEM_add_to_physmap, HVMOP. */
struct hcall;
void hvm_physmap_init(struct hvm_domain *h);
int hvm_physmap_replay(struct hvm_domain *h);
/* vmhv's pointer to [gpa, gpa+len) when that is one of those pages (within
 * one page), else NULL. */
void *hvm_physmap_ptr(struct domain *d, uint64_t gpa, size_t len);
/* XENMEM_add_to_physmap (hc_memory.c's table): -ENOSYS for pv domains. */
int64_t hvm_add_to_physmap(struct hcall *c, uint64_t arg);

/* privcmd_ioreq.c: tell a freshly started sandbox about every server. */
int hvm_servers_replay(struct hvm_domain *h);
/* Release every server (the domain goes away). */
void hvm_servers_dispose(struct hvm_domain *h);

#endif
