/* Shared by the PV ABI guests (pvabi.c, pvabi_pt.c): page-table walks
 * through the guest's own (read-only) mappings of its tables, fault
 * probes with a #PF handler that records Xen's error code and cr2, and
 * thin wrappers for the page-table hypercalls. */
#ifndef TESTS_GUESTS_PVABI_LIB_H
#define TESTS_GUESTS_PVABI_LIB_H

#include "tg.h"

#define PAGE 4096ul
#define PTE_P 1ull
#define PTE_RW 2ull
#define PTE_USER 4ull
#define PTE_A 0x20ull
#define PTE_D 0x40ull
#define PTE_FRAME(e) (((e) >> 12) & 0xffffffffffull)
#define UNMAPPED_VA 0x500000000000ul /* no L4 slot of ours covers it */

struct pvabi {
	start_info_t *si;
	struct shared_info *shared;  /* mapped at a page of our own */
	volatile unsigned long faults, last_vec, last_err, last_cr2, last_rip;
	volatile unsigned long last_mask;  /* evtchn_upcall_mask in the handler */
	volatile unsigned long skip;       /* bytes a fault handler skips */
	/* The first four faults: error code, cr2, the frame's CS. */
	volatile unsigned long err[4], cr2[4], cs[4];
	volatile unsigned long last_cs;    /* the last fault frame's CS */
	void (*event_hook)(void);          /* the event upcall's work, if any */
};
extern struct pvabi pv;

/* The virtual address of one of our bootstrap frames. */
static inline void *pvabi_frame_va(uint64_t frame)
{
	return (void *)((unsigned long)__virt_base + (frame << 12));
}

static inline uint64_t pvabi_va_frame(const void *va)
{
	return ((unsigned long)va - (unsigned long)__virt_base) >> 12;
}

/* The L1 entry that maps va in the tree whose L4 frame is l4, or NULL. */
volatile uint64_t *pvabi_l1e(uint64_t l4, unsigned long va);
/* The current L4 frame (we track NEW_BASEPTR ourselves). */
extern uint64_t pvabi_cr3;

/* Install the trap table (#DE, #BP, #UD, #GP, #PF; vector 32 for `int
 * $32`, DPL 3) and map shared_info at a page of our own (update_va_mapping,
 * as Mini-OS does). A fault handler skips pv.skip bytes (3 unless a test
 * says otherwise); traps (int3, int n) resume after the instruction. */
void pvabi_init(start_info_t *si);

/* One 8-byte read or write at va with a 3-byte instruction: 1 if it
 * faulted (the handler skips it), 0 if not. */
int pvabi_read_faults(unsigned long va);
int pvabi_write_faults(unsigned long va, uint64_t value);

/* Write val at path (relative to our domain's home) in xenstore through
 * the store ring, and wait for the answer: 0, or -1 (an error reply). */
long pvabi_xs_write(const char *path, const char *val);

long pvabi_mmu(uint64_t ptr, uint64_t val);
long pvabi_uvm(unsigned long va, uint64_t pte, unsigned long flags);
long pvabi_ext(unsigned cmd, uint64_t arg1, uint64_t arg2);

#endif
