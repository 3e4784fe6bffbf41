/* Paging: linear to guest-physical translation with the page-table walk of
 * every x86 paging mode (none, 32-bit with PSE, PAE, 4-level), permission
 * checks, accessed/dirty bits, #PF with the architectural error code, and the
 * refill of the software TLB. */
#ifndef VMCTL_HV_CPU_MMU_H
#define VMCTL_HV_CPU_MMU_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* Translate `lin` for an access of kind `acc` (TLB_R/W/X) made with user
 * privilege when `user`: from the TLB's entry when it has one, else by a
 * walk that refills the TLB. On success stores the physical address and
 * returns X_OK; on a page fault sets CR2 and returns X_EXC. */
int mmu_translate(struct cpu *cpu, uint64_t lin, int acc, bool user, uint64_t *pa);

#endif
