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

/* vmhv's end of one vCPU's channel. */
struct pv_domain;

struct pv_chan {
	struct pv_domain *pv;
	int fd;                   /* -1 = closed */
	struct ev_watch *w;
	bool in_call;             /* the vCPU waits for our reply */
	pid_t tid;                /* its thread, for upcall signals (0 = unknown) */
	uint32_t seq;             /* the mailbox request being (or last) served */
};

struct pv_domain {
	struct domain *d;
	pid_t pid;
	int pidfd;
	struct ev_watch *pid_w;
	clockid_t cpu_clock;
	uint64_t cpu_ns;          /* last sample; final once stopped */
	struct pv_dirty dirty;
	struct pv_chan chan[PRIVCMD_MAX_VCPUS];
	struct pv_mailbox *mb;    /* the vCPUs' mailboxes, in the domain's memory */
	bool has_cr3;             /* the builder gave boot page tables */
	uint64_t boot_cr3;        /* their L4 frame (PV_SET_BASEPTR) */
	uint64_t cr3;             /* the L4 frame the sandbox last reported */
};

/* pv_engine.c: the domain's pv state, made on first use (the builder may
 * set things before the process exists). NULL only when out of memory. */
struct pv_domain *pv_domain_get(struct domain *d);

/* pv_channel.c */
/* One socketpair per vCPU: ours go into pv->chan, the sandbox's ends into
 * child[] (max_vcpus of them). 0 or -errno. */
int pv_channels_open(struct pv_domain *pv, int child[PRIVCMD_MAX_VCPUS]);
int pv_channels_watch(struct pv_domain *pv);
void pv_channels_close(struct pv_domain *pv);
/* Answer vCPU `vcpu`'s outstanding hypercall. */
void pv_channel_reply(struct pv_domain *pv, uint32_t vcpu, int64_t ret);
/* Interrupt a vCPU running guest code so it takes a pending upcall. */
void pv_channel_kick(struct pv_domain *pv, uint32_t vcpu);

#endif
