/* The pv engine's per-domain state, shared by pv_engine.c (the process)
 * and pv_channel.c (the per-vCPU channels). Private to engines/pv. */
#ifndef VMHV_PV_DOMAIN_H
#define VMHV_PV_DOMAIN_H

#include "hypervisor/engines/pv/pv_dirty.h"
#include "vmctl/privcmd.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct domain;
struct ev_watch;
struct pv_mailbox;
struct pv_state_msg;

/* vmhv's end of one vCPU's channel. */
struct pv_domain;

struct pv_chan {
	struct pv_domain *pv;
	int fd;                   /* -1 = closed */
	struct ev_watch *w;
	bool in_call;             /* the vCPU waits for our reply */
	pid_t tid;                /* its thread, for upcall signals (0 = unknown) */
	uint32_t seq;             /* the mailbox request being (or last) served */
	bool blocks;              /* that request is a SCHEDOP_block */
};

struct pv_domain {
	struct domain *d;
	pid_t pid;
	int pidfd;
	struct ev_watch *pid_w;
	clockid_t cpu_clock;
	uint64_t cpu_ns;          /* last sample; final once stopped */
	struct pv_dirty dirty;
	/* The user process (pv_uproc.h; pid 0 = none, spawned when the
	 * guest first enters user mode), the control memfd (-1 = no user
	 * process for this domain) and, until the sandbox has it, the
	 * sandbox's socket end. */
	pid_t upid;
	int upidfd;
	clockid_t ucpu_clock;
	uint64_t ucpu_ns;         /* its CPU time: part of the domain's */
	uint64_t ucpu_past_ns;    /* ... and that of the ones it replaced */
	struct ev_watch *upid_w;
	int usock, uctl;
	struct pv_chan chan[PRIVCMD_MAX_VCPUS];
	struct pv_mailbox *mb;    /* the vCPUs' mailboxes, in the domain's memory */
	bool has_cr3;             /* the builder gave boot page tables */
	uint64_t boot_cr3;        /* their L4 frame (PV_SET_BASEPTR) */
	uint64_t cr3;             /* the L4 frame the sandbox last reported */
	/* Save and restore (pv_aspace.c): the sandbox's state as its last
	 * suspend sent it (struct pv_state and pins), and the state a restore
	 * gave (PV_STATE_SET), sent to the sandbox at start. */
	void *state_out, *state_in;
	size_t state_out_len, state_in_len;
};

/* pv_engine.c: the domain's pv state, made on first use (the builder may
 * set things before the process exists). NULL only when out of memory. */
struct pv_domain *pv_domain_get(struct domain *d);

/* pv_engine.c: the sandbox asked for its user process (PV_NR_UPROC on
 * vCPU vcpu's channel): spawn it and answer with the sandbox's ends. */
void pv_uproc_start(struct pv_domain *pv, uint32_t vcpu);

/* pv_aspace.c: the sandbox's PV_NR_STATE packet (len bytes from vCPU
 * vcpu's channel): kept for PV_STATE_GET, or the domain crashes if it is
 * malformed. */
void pv_state_take(struct pv_domain *pv, const struct pv_state_msg *m, size_t len);
/* pv_aspace.c: the buffers, at the pv state's end. */
void pv_state_free(struct pv_domain *pv);

/* pv_channel.c */
/* One socketpair per vCPU: ours go into pv->chan, the sandbox's ends into
 * child[] (max_vcpus of them). 0 or -errno. */
int pv_channels_open(struct pv_domain *pv, int child[PRIVCMD_MAX_VCPUS]);
int pv_channels_watch(struct pv_domain *pv);
void pv_channels_close(struct pv_domain *pv);
/* Answer vCPU `vcpu`'s outstanding hypercall. */
void pv_channel_reply(struct pv_domain *pv, uint32_t vcpu, int64_t ret);
/* Read whatever the sandbox already sent on its channels (a packet sent
 * just before a hypercall vmhv served from the mailbox first). */
void pv_channels_drain(struct pv_domain *pv);
/* Interrupt a vCPU running guest code so it takes a pending upcall. */
void pv_channel_kick(struct pv_domain *pv, uint32_t vcpu);

#endif
