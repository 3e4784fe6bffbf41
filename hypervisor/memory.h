/* A domain's memory: one memfd holding its pseudo-physical frames.
 *
 * Frame P lives at file offset P << 12. Frames [0, ram_frames) are guest RAM;
 * the MEM_XEN_FRAMES frames after them are "hypervisor" pages that the guest
 * reaches the same way (shared_info first, then the grant table frames).
 * The file is sealed against shrinking so no client can pull pages from under
 * a mapping. vmhv keeps its own mapping (`base`) to read and write guest
 * memory; pages are populated lazily, on first touch.
 */
#ifndef VMHV_MEMORY_H
#define VMHV_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#define MEM_PAGE_SHIFT 12
#define MEM_PAGE_SIZE (1ul << MEM_PAGE_SHIFT)
#define MEM_XEN_FRAMES 16u          /* shared_info + grant frames + spare */
#define MEM_GNTTAB_FRAMES 4u        /* grant table v1 frames (2048 refs) */

struct domain_mem {
	int fd;                 /* -1 when not set up */
	uint8_t *base;          /* vmhv's mapping of the whole file */
	uint64_t ram_frames;
	uint64_t nr_frames;     /* ram_frames + MEM_XEN_FRAMES */
};

/* Create the memfd for `ram_frames` frames (named after the domain). */
int memory_init(struct domain_mem *m, uint32_t domid, uint64_t ram_frames);
void memory_dispose(struct domain_mem *m);

/* The frame numbers of the hypervisor pages: shared_info, the grant table
 * frames, then the pv engine's vCPU mailboxes. */
uint64_t memory_shared_info_pfn(const struct domain_mem *m);
uint64_t memory_gnttab_pfn(const struct domain_mem *m, unsigned frame);
uint64_t memory_mailbox_pfn(const struct domain_mem *m);

/* vmhv's pointer to pseudo-physical bytes [paddr, paddr+len), or NULL if any
 * of it lies outside the file. */
void *memory_phys(const struct domain_mem *m, uint64_t paddr, size_t len);

#endif
