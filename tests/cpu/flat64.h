/* Test guests in long mode: paging on (CR0 PG/PE/WP, CR4 PAE/OSFXSR/
 * OSXMMEXCPT, EFER LME/LMA/SCE/NXE) over the PML4 at `cr3`, a 64-bit
 * flat code segment and a data stack segment at `cpl` (0: selectors 0x08
 * and 0x10; 3: 0x33 and 0x2b, as Linux's user segments). Other state is
 * left as the caller had it. For the cpu tests that run small 64-bit
 * programs (jit_test, jcache_test_jit; flat32.h for 32-bit ones). */
#ifndef VMCTL_TESTS_CPU_FLAT64_H
#define VMCTL_TESTS_CPU_FLAT64_H

#include "hypervisor/cpu/cpu.h"

static inline void flat64_paged(struct cpu_state *st, uint64_t cr3, unsigned int cpl)
{
	bool user = cpl == 3;

	st->cr0 = 0x80010033;
	st->cr4 = 0x620;
	st->efer = 0xd01;
	st->cr3 = cr3;
	st->seg[SEG_CS] = (struct cpu_seg){ .sel = user ? 0x33 : 0x08, .limit = 0xffffffff,
					    .attr = user ? 0xa0fb : 0xa09b };
	st->seg[SEG_SS] = (struct cpu_seg){ .sel = user ? 0x2b : 0x10, .limit = 0xffffffff,
					    .attr = user ? 0xc0f3 : 0xc093 };
	st->cpl = cpl;
}

#endif
