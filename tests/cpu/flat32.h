/* Test guests in 32-bit protected mode with paging: flat 4 GiB code and
 * data segments (selectors 0x08 and 0x10), CPL 0, interrupts off, the
 * general registers zero but for ESP, over the page directory at `cr3`.
 * For the cpu tests that run small paged 32-bit programs (mmu_test,
 * jcache_test; flat64.h for long mode). */
#ifndef VMCTL_TESTS_CPU_FLAT32_H
#define VMCTL_TESTS_CPU_FLAT32_H

#include "hypervisor/cpu/cpu.h"

#include <string.h>

static inline void flat32_paged(struct cpu_state *st, uint32_t cr3, uint32_t eip, uint32_t esp)
{
	st->cr0 = 0x80000011;    /* PG ET PE */
	st->cr3 = cr3;
	st->cr4 = 0;
	for (int i = 0; i < SEG_COUNT; i++)
		if (i != SEG_LDTR && i != SEG_TR)
			st->seg[i] = (struct cpu_seg){ .sel = 0x10, .limit = 0xffffffff,
						       .attr = 0xc093 };
	st->seg[SEG_CS] = (struct cpu_seg){ .sel = 0x08, .limit = 0xffffffff, .attr = 0xc09b };
	st->cpl = 0;
	st->rip = eip;
	st->rflags = 2;
	memset(st->gpr, 0, sizeof(st->gpr));
	st->gpr[RSP] = esp;
}

#endif
