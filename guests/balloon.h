/* The balloon: follows the toolstack's memory/target (KiB) by handing
 * pages back to the hypervisor (XENMEM_decrease_reservation) and asking
 * for them again (XENMEM_populate_physmap), as `xl mem-set` expects. */
#ifndef GUEST_BALLOON_H
#define GUEST_BALLOON_H

#include <stdint.h>
#include "xenbus.h"

struct kernel;

#define BALLOON_BATCH 256		/* frames per hypercall */
#define BALLOON_MIN_KB (8 * 1024)	/* never below this */

struct balloon {
	struct xenbus_watch watch;
	uint64_t *out;			/* bitmap: pfns given back */
	unsigned long nr_out;
	unsigned long target;		/* pages wanted (0: none asked yet) */
	uint64_t changes;
};

/* Watch memory/target. */
int balloon_init(struct kernel *k);

/* Move towards `pages` of memory; returns the pages now held. */
unsigned long balloon_set(struct kernel *k, unsigned long pages);

#endif
