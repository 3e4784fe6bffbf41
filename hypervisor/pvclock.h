/* pvclock: the time a guest reads itself with rdtsc, as on Xen.
 *
 * Each vCPU's vcpu_time_info holds (tsc_timestamp, system_time) taken
 * together plus the TSC->ns scale; the guest computes
 *   system_time + (((tsc - tsc_timestamp) << shift) * mul >> 32)
 * System time is the host's CLOCK_MONOTONIC in ns; the wall clock in
 * shared_info is the host's CLOCK_REALTIME at system time 0. The TSC rate
 * is measured at start and refined against the whole uptime on every
 * update, so the error shrinks as vmhv runs. */
#ifndef VMHV_PVCLOCK_H
#define VMHV_PVCLOCK_H

#include <stdint.h>

struct domain;

struct pvclock {
	uint64_t tsc0, ns0;        /* the calibration baseline */
	uint64_t tsc_hz;
};

/* Measure the TSC rate (a few ms). */
void pvclock_init(struct pvclock *pc);

/* Write time info for every vCPU of d and the wall clock. */
void pvclock_update(struct pvclock *pc, struct domain *d);

/* The scale for `hz`: ns = ((ticks << shift) * mul) >> 32 (negative shift
 * shifts right). Exposed for the unit test. */
void pvclock_scale(uint64_t hz, uint32_t *mul, int8_t *shift);

#endif
