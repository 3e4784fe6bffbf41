/* The parts of a soft CPU that cpu_get_state() leaves out and a save and
 * restore of the vCPU needs (the hvm engine's hvm context): the x87
 * registers, debug registers, MTRRs, the TSC, and what lies between two
 * instructions (halted, the interrupt shadow, pending external interrupts,
 * the answers an exited I/O instruction replays when it runs again). */
#ifndef VMCTL_HV_CPU_STATE_H
#define VMCTL_HV_CPU_STATE_H

#include "hypervisor/cpu/cpu.h"

struct cpu_hidden {
	uint8_t st[8][10];
	uint64_t dr[8];
	uint64_t mtrr_def, mtrr_var[16], mtrr_fixed[11];
	uint64_t tsc;             /* the guest's TSC now */
	uint64_t irq_pending[4];
	uint64_t replay_data[4];
	uint32_t replay_done;     /* answers recorded (at most 4) */
	bool halted, interrupt_shadow, intr_req;
};

/* Read them (on the CPU's thread, or while it does not run). */
void cpu_hidden_get(struct cpu *cpu, struct cpu_hidden *h);
/* Set them after cpu_set_state() (which clears the in-between state); the
 * TSC continues from h->tsc. replay_done above 4 is taken as 4. */
void cpu_hidden_set(struct cpu *cpu, const struct cpu_hidden *h);

#endif
