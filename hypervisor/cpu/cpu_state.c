/* Reading and writing the soft CPU's state that cpu_state leaves out
 * (cpu_state.h): used to save and restore an hvm vCPU. */
#include "hypervisor/cpu/cpu_state.h"
#include "hypervisor/cpu/cpu_int.h"

#include <x86intrin.h>

void cpu_hidden_get(struct cpu *cpu, struct cpu_hidden *h)
{
	memcpy(h->st, cpu->st, sizeof(h->st));
	memcpy(h->dr, cpu->dr, sizeof(h->dr));
	h->mtrr_def = cpu->mtrr_def;
	memcpy(h->mtrr_var, cpu->mtrr_var, sizeof(h->mtrr_var));
	memcpy(h->mtrr_fixed, cpu->mtrr_fixed, sizeof(h->mtrr_fixed));
	h->tsc = cpu_tsc(cpu);
	for (int i = 0; i < 4; i++)
		h->irq_pending[i] = atomic_load(&cpu->irq_pending[i]);
	memcpy(h->replay_data, cpu->replay.data, sizeof(h->replay_data));
	h->replay_done = cpu->replay.done;
	h->halted = cpu->halted;
	h->interrupt_shadow = cpu->interrupt_shadow;
	h->intr_req = atomic_load(&cpu->intr_req) != 0;
}

void cpu_hidden_set(struct cpu *cpu, const struct cpu_hidden *h)
{
	memcpy(cpu->st, h->st, sizeof(cpu->st));
	memcpy(cpu->dr, h->dr, sizeof(cpu->dr));
	cpu->mtrr_def = h->mtrr_def;
	memcpy(cpu->mtrr_var, h->mtrr_var, sizeof(cpu->mtrr_var));
	memcpy(cpu->mtrr_fixed, h->mtrr_fixed, sizeof(cpu->mtrr_fixed));
	cpu->tsc_base = __rdtsc() - h->tsc;
	for (int i = 0; i < 4; i++)
		atomic_store(&cpu->irq_pending[i], h->irq_pending[i]);
	memcpy(cpu->replay.data, h->replay_data, sizeof(cpu->replay.data));
	cpu->replay.done = h->replay_done > ARRAY_SIZE_(cpu->replay.data)
		? (unsigned)ARRAY_SIZE_(cpu->replay.data) : h->replay_done;
	cpu->replay.seen = 0;
	cpu->halted = h->halted;
	cpu->interrupt_shadow = h->interrupt_shadow;
	atomic_store(&cpu->intr_req, h->intr_req ? 1u : 0u);
	if (h->intr_req || h->irq_pending[0] | h->irq_pending[1] | h->irq_pending[2] |
	    h->irq_pending[3])
		atomic_fetch_or(&cpu->kick, KICK_IRQ);
}
