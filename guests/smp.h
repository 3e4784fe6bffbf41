/* Secondary vCPUs: brought up with VCPUOP_initialise + VCPUOP_up, each on
 * its own stack, idling in SCHEDOP_block, woken by an IPI event channel to
 * run a piece of per-CPU work and report back with another IPI. */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdint.h>

#include <stdbool.h>
#include "xenbus.h"

struct kernel;

struct smp {
	unsigned int possible;		/* vCPUs the domain has */
	volatile unsigned int online;
	volatile unsigned int done;	/* secondaries that finished work */
	uint64_t rounds;
	struct xenbus_watch watch;	/* cpu/<N>/availability (xl vcpu-set) */
};

/* Count the vCPUs and bring up to `want` of them online (0 = all). */
int smp_init(struct kernel *k, unsigned int want);

/* Follow cpu/<N>/availability ("online"/"offline", xl vcpu-set): bring
 * vCPUs up (VCPUOP_up) or ask them to take themselves down. */
int smp_watch(struct kernel *k);

/* Send every online secondary a work request (sum `n` numbers starting at
 * its id) and wait for all answers; returns the number that answered. */
int smp_run_work(struct kernel *k, uint64_t n);

/* `cpus spin [off]`: every online secondary counts in a loop (struct cpu
 * spins, spin_token, spin_sp) until turned off; a suspend parks it in the
 * middle and the count goes on where it was (tests/save/vcpu_state.sh). */
void smp_spin(struct kernel *k, bool on);

/* Before suspend: every online secondary takes itself down (VCPUOP_down)
 * and is remembered; 0, or -ETIMEDOUT if one did not. */
int smp_suspend(struct kernel *k);

/* After resume: bring the remembered secondaries up again, first binding
 * new IPI channels when the domain is new (the old ones are gone). */
int smp_resume(struct kernel *k, bool new_domain);

#endif
