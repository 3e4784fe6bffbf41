/* Memory: the pseudo-physical map (p2m, start_info.mfn_list), a page
 * allocator over the pages the kernel owns beyond its boot-time region, and
 * the mapping of frames that are not ours (shared_info, grant table). */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kernel;

#define MM_WINDOW_PAGES 16	/* VAs reserved for frames Xen owns */

struct mm {
	unsigned long nr_pages;		/* pseudo-physical pages */
	unsigned long first_free;	/* first pfn after the boot region */
	unsigned long free_pages;
	unsigned long *p2m;		/* pfn -> mfn (start_info.mfn_list) */
	uint64_t *bitmap;		/* one bit per pfn, set = in use */
	unsigned long hint;		/* where the last search ended */
	unsigned int window_used;
};

/* Set up the allocator from start_info; boot_sp is the stack pointer the
 * domain builder started us with (its stack is part of the boot region). */
int mm_init(struct kernel *k, unsigned long boot_sp);

/* Allocate n zeroed, contiguous pages whose pfn is a multiple of align
 * (a power of two, in pages); NULL when memory is short. */
void *mm_alloc_pages(struct kernel *k, unsigned long n, unsigned long align);
void mm_free_pages(struct kernel *k, void *va, unsigned long n);

/* Frame numbers as backends and Xen see them. */
unsigned long mm_pfn_to_mfn(struct kernel *k, unsigned long pfn);
unsigned long mm_virt_to_mfn(struct kernel *k, const void *va);

/* The address of one of our own frames, or NULL if mfn is not ours. */
void *mm_mfn_to_virt(struct kernel *k, unsigned long mfn);

/* Map a machine frame that is not part of our memory (shared_info, grant
 * table frames) at a reserved address with update_va_mapping, as on Xen.
 * Where that hypercall does not exist (vmctl's pv engine), the frame is
 * already in the flat map after our memory.  NULL if refused. */
void *mm_map_foreign(struct kernel *k, unsigned long mfn);

/* Forget the mappings made by mm_map_foreign (before resume). */
void mm_window_reset(struct kernel *k);

#endif
