/* Grant tables, version 1: we write entries in the table Xen gives us
 * (GNTTABOP_setup_table) to let one domain access one of our frames. */
#ifndef GUEST_GNTTAB_H
#define GUEST_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>
#include "vmctl/xen/grant_table.h"

struct kernel;

#define GNTTAB_FRAMES 4
#define GNTTAB_PER_FRAME 512	/* 4096 / sizeof(grant_entry_v1) */
#define GNTTAB_REFS (GNTTAB_FRAMES * GNTTAB_PER_FRAME)

struct gnttab {
	struct grant_entry_v1 *frame[GNTTAB_FRAMES];
	unsigned int nr_frames;
	unsigned int nr_refs;
	uint16_t next_free[GNTTAB_REFS];	/* free list; 0 ends it */
	uint16_t free_head;
	unsigned int in_use;
};

/* Ask Xen for the table frames and map them. */
int gnttab_init(struct kernel *k);

/* Grant domid access to frame mfn; returns the reference or -ENOSPC. */
int gnttab_grant(struct kernel *k, domid_t domid, unsigned long mfn,
		 bool readonly);

/* Revoke a grant.  -EBUSY while the grantee still has it mapped (the entry
 * is left as it was: try again later). */
int gnttab_end(struct kernel *k, grant_ref_t ref);

/* After resume: the table is new and empty; map it again. */
int gnttab_resume(struct kernel *k);

#endif
